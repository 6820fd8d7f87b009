//! What `deploy kubeconfig` says: where the kubeconfig is missing, what a
//! merge did, and why one was refused.

use std::path::Path;

use super::Advice;
use crate::kube::kubeconfig::MergeRefused;

/// The host has no kubeconfig to give: its cluster is not set up.
pub fn missing(host: &str, path: &str, rke2: bool) -> Advice {
    let command = if rke2 {
        "deploy all --with-rke2"
    } else {
        "deploy all"
    };
    Advice::new(
        format!("{host} has no {path}: its cluster is not set up yet"),
        format!("run `{command}` first"),
    )
}

/// `--rke2` with `--limit` leaving out every RKE2 host.
pub fn no_rke2_host() -> Advice {
    Advice::new(
        "--limit leaves out every RKE2 host, so there is no RKE2 kubeconfig to read",
        "widen --limit to include the RKE2 host, or drop it",
    )
}

pub fn reading(host: &str, path: &str) -> String {
    format!("reading {path} on {host}")
}

pub fn merged(name: &str, file: &Path) -> String {
    format!(
        "merged context {name} into {}; use it with: kubectl --context {name} get nodes",
        file.display()
    )
}

pub fn unchanged(name: &str, file: &Path) -> String {
    format!(
        "{} already has context {name} as it is: nothing to change",
        file.display()
    )
}

pub fn writing(file: &Path) -> String {
    format!("writing {}", file.display())
}

/// No $KUBECONFIG and no home directory to find ~/.kube/config in.
pub fn nowhere() -> Advice {
    Advice::new(
        "there is no kubeconfig file to merge into: KUBECONFIG and HOME are both unset",
        "set KUBECONFIG to the file to merge into",
    )
}

pub fn refused(file: &Path, host: &str, refusal: &MergeRefused) -> Advice {
    match refusal {
        MergeRefused::Taken { name, theirs } => Advice::new(
            format!(
                "{} already has a context {name} for another API server ({theirs})",
                file.display()
            ),
            format!(
                "merge it under another name with --context NAME, or remove that one first: \
                 kubectl config delete-context {name}"
            ),
        ),
        MergeRefused::NotKubeconfig(why) => Advice::new(
            format!("{} is not a kubeconfig: {why}", file.display()),
            "repair it, or point KUBECONFIG at another file",
        ),
        MergeRefused::Incomplete(what) => Advice::new(
            format!("the kubeconfig on {host} has no {what}"),
            format!("set up the cluster again with `deploy all`, or look at that file on {host}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_refusal_has_its_fix() {
        let file = Path::new("/home/u/.kube/config");
        let taken = MergeRefused::Taken {
            name: "home".into(),
            theirs: "https://other:6443".into(),
        };
        let advice = refused(file, "m", &taken);
        assert_eq!(
            advice.message,
            "/home/u/.kube/config already has a context home for another API server (https://other:6443)"
        );
        assert!(advice.fix.unwrap().contains("--context NAME"));
        let advice = refused(file, "m", &MergeRefused::NotKubeconfig("bad".into()));
        assert_eq!(
            advice.fix.as_deref(),
            Some("repair it, or point KUBECONFIG at another file")
        );
        let advice = refused(file, "m", &MergeRefused::Incomplete("users"));
        assert_eq!(advice.message, "the kubeconfig on m has no users");
        assert!(advice.fix.unwrap().contains("deploy all"));
        assert_eq!(
            missing("r", "/etc/rancher/rke2/rke2.yaml", true)
                .fix
                .as_deref(),
            Some("run `deploy all --with-rke2` first")
        );
        assert!(nowhere().fix.unwrap().contains("KUBECONFIG"));
    }
}

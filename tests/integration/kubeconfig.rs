//! `deploy kubeconfig` against the lab: the admin kubeconfig printed, or
//! merged beside another context in the user's file, which stays 0600.

use std::fs;
use std::os::unix::fs::PermissionsExt;

use crate::support::lab::{Lab, cluster};
use crate::support::run::{Deploy, deploy};

const OTHER: &str = "apiVersion: v1\nkind: Config\nclusters:\n- name: work\n  cluster:\n    \
                     server: https://work.example:6443\nusers:\n- name: work\n  user:\n    \
                     token: t\ncontexts:\n- name: work\n  context:\n    cluster: work\n    \
                     user: work\ncurrent-context: work\n";

fn kubeconfig(lab: &Lab, args: &[&str]) -> Deploy {
    deploy().on(lab).arg("kubeconfig").args(args)
}

#[test]
fn the_admin_kubeconfig_is_printed_and_merged_beside_other_contexts() {
    let Some(lab) = cluster(&[("w1", &[])]) else {
        return;
    };
    let printed = kubeconfig(&lab, &[]).run();
    assert!(
        printed.stdout.contains("server: https://"),
        "{}",
        printed.stdout
    );
    assert!(
        printed.stdout.contains("client-key-data:"),
        "{}",
        printed.stdout
    );

    let file = lab.dir().join("home-kube-config");
    fs::write(&file, OTHER).unwrap();
    let path = file.to_str().unwrap();
    kubeconfig(&lab, &["--merge"])
        .env("KUBECONFIG", path)
        .stderr_has("merged context masternode into ")
        .stdout_is("")
        .run();
    let text = fs::read_to_string(&file).unwrap();
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let contexts: Vec<&str> = doc["contexts"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|context| context["name"].as_str().unwrap())
        .collect();
    assert_eq!(contexts, ["work", "masternode"]);
    assert_eq!(doc["current-context"], "work");
    let mode = fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);

    kubeconfig(&lab, &["--merge"])
        .env("KUBECONFIG", path)
        .stderr_has("nothing to change")
        .run();
    kubeconfig(&lab, &["--merge", "--context", "work"])
        .env("KUBECONFIG", path)
        .status(2)
        .stderr_has("already has a context work for another API server (https://work.example:6443)")
        .stderr_has("--context NAME")
        .run();
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        text,
        "a refused merge changed the file"
    );
}

#[test]
fn a_cluster_not_set_up_has_no_kubeconfig_to_give() {
    let Some(lab) = Lab::builder().control("masternode").start() else {
        return;
    };
    kubeconfig(&lab, &[])
        .status(1)
        .stderr_has("masternode has no /etc/kubernetes/admin.conf: its cluster is not set up yet")
        .stderr_has("run `deploy all` first")
        .stdout_is("")
        .run();
}

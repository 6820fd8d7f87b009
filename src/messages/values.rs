//! What the checks of the inventory's values say: node names, labels,
//! taints and the Kubernetes version, each naming the host, the variable
//! and the value, and how to write it instead.

use super::checks::who;
use super::{Advice, Subject};
use crate::kube::names::{Defect, Flaw, Part};

/// What is wrong with a value, in words: `the key "-n" must start and end
/// with a letter or digit`. `whole` names the value itself.
fn flaw_words(whole: &str, flaw: &Flaw) -> String {
    let part = match flaw.part {
        Part::Whole => whole,
        Part::Prefix => "the key's prefix (before `/`)",
        Part::Name => "the key",
        Part::Value => "the value",
        Part::Effect => "the effect",
    };
    match &flaw.defect {
        Defect::Empty => format!("{part} is empty"),
        Defect::TooLong { max } => format!("{part} is longer than {max} characters"),
        Defect::Character(c) => format!("{part} has {c:?}, which it may not"),
        Defect::Edge => format!("{part} must start and end with a letter or digit"),
        Defect::NoValue => "it has no `=` between key and value".into(),
        Defect::NoEffect => "it has no `:Effect` at its end".into(),
        Defect::UnknownEffect => {
            format!("{part} must be NoSchedule, PreferNoSchedule or NoExecute")
        }
        Defect::Slashes => "the key has more than one `/`".into(),
        Defect::Version => format!("{part} is not a version kubeadm accepts"),
    }
}

pub fn node_names_ok() -> Advice {
    Advice::note("every node name is a DNS name Kubernetes accepts")
}

/// `variable` is where the name comes from: the inventory's host name, or
/// `rke2_config`'s `node-name`.
pub fn node_name_invalid(spec: &dyn Subject, variable: &str, name: &str, flaw: &Flaw) -> Advice {
    Advice::new(
        format!(
            "{}: the node name {name:?} ({variable}) is not a Kubernetes node name: {}",
            who(spec),
            flaw_words("the name", flaw)
        ),
        format!(
            "rename it in {variable}: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters (ansible_host keeps the address)"
        ),
    )
}

pub fn labels_ok() -> Advice {
    Advice::note("every node_labels entry is a Kubernetes label")
}

pub fn label_invalid(spec: &dyn Subject, text: &str, flaw: &Flaw) -> Advice {
    Advice::new(
        format!(
            "{}: node_labels entry {text:?} is not a Kubernetes label: {}",
            who(spec),
            flaw_words("the label", flaw)
        ),
        "write each label as key=value, like `vmstation.io/role=storage`: the key an optional DNS prefix and '/', then up to 63 letters, digits, '-', '_' or '.' starting and ending with a letter or digit; the value the same, or empty",
    )
}

pub fn taints_ok() -> Advice {
    Advice::note("every node_taints entry is a Kubernetes taint")
}

pub fn taint_invalid(spec: &dyn Subject, text: &str, flaw: &Flaw) -> Advice {
    Advice::new(
        format!(
            "{}: node_taints entry {text:?} is not a Kubernetes taint: {}",
            who(spec),
            flaw_words("the taint", flaw)
        ),
        "write each taint as key=value:Effect or key:Effect, like `dedicated=storage:NoSchedule`; Effect is NoSchedule, PreferNoSchedule or NoExecute, key and value as in a label",
    )
}

/// `told`: the version as kubeadm is told it (`1.29` becomes `stable-1.29`).
pub fn version_ok(value: &str, told: &str) -> Advice {
    if value == told {
        Advice::note(format!("kubernetes_version {value}"))
    } else {
        Advice::note(format!("kubernetes_version {value} (kubeadm: {told})"))
    }
}

pub fn version_unset() -> Advice {
    Advice::note("kubernetes_version not set: kubeadm's own version")
}

pub fn version_invalid(value: &str, told: &str) -> Advice {
    let shown = if value == told {
        format!("{value:?}")
    } else {
        format!("{value:?} (kubeadm would be told {told:?})")
    };
    Advice::new(
        format!("kubernetes_version {shown} is not a version kubeadm accepts"),
        "write it like `1.29` (the newest 1.29 release), `v1.29.3`, or a release label such as `stable-1.29`",
    )
}

/// `kubernetes_version` written as a number: `value` as YAML read it,
/// which is not what was meant when a zero was lost (`1.30` is 1.3).
/// `spec`: the host whose variables it was read from.
pub fn version_a_number(spec: &dyn Subject, value: &str) -> Advice {
    Advice::new(
        format!(
            "{}: kubernetes_version is the number {value}, not text: YAML reads a version such as 1.30 unquoted as a number",
            who(spec)
        ),
        "quote it: kubernetes_version: \"1.30\" (quoted the same way in an INI inventory)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{WORKER, spec};
    use crate::kube::names::{Taint, kubeadm_version, label, node_name};

    #[test]
    fn a_bad_value_names_host_variable_value_and_fix() {
        let w1 = spec("w1", "192.0.2.11", WORKER);
        let flaw = label("-n=kube-system").unwrap_err();
        let advice = label_invalid(&w1, "-n=kube-system", &flaw);
        assert_eq!(
            advice.message,
            "w1 (192.0.2.11): node_labels entry \"-n=kube-system\" is not a Kubernetes label: the key must start and end with a letter or digit"
        );
        assert!(
            advice
                .fix
                .unwrap()
                .starts_with("write each label as key=value")
        );

        let flaw = node_name("storage01$(id)").unwrap_err();
        let advice = node_name_invalid(&w1, "the inventory's host name", "storage01$(id)", &flaw);
        assert_eq!(
            advice.message,
            "w1 (192.0.2.11): the node name \"storage01$(id)\" (the inventory's host name) is not a Kubernetes node name: the name has '$', which it may not"
        );
        assert!(
            advice
                .fix
                .unwrap()
                .starts_with("rename it in the inventory's host name: lowercase")
        );

        let flaw = Taint::parse("k=v:Sometimes").unwrap_err();
        let advice = taint_invalid(&w1, "k=v:Sometimes", &flaw);
        assert!(
            advice
                .message
                .ends_with("the effect must be NoSchedule, PreferNoSchedule or NoExecute"),
            "{}",
            advice.message
        );
        assert!(advice.fix.unwrap().contains("dedicated=storage:NoSchedule"));
    }

    #[test]
    fn every_shape_is_said() {
        let said = |text: &str| label(text).map_err(|flaw| flaw_words("the label", &flaw));
        assert_eq!(
            said("x").unwrap_err(),
            "it has no `=` between key and value"
        );
        assert_eq!(said("=1").unwrap_err(), "the key is empty");
        assert_eq!(
            said("a/b/c=1").unwrap_err(),
            "the key has more than one `/`"
        );
        assert_eq!(
            said(&format!("x={}", "v".repeat(64))).unwrap_err(),
            "the value is longer than 63 characters"
        );
        assert_eq!(
            said("Bad/x=1").unwrap_err(),
            "the key's prefix (before `/`) has 'B', which it may not"
        );
        let flaw = Taint::parse("k=v").unwrap_err();
        assert_eq!(
            flaw_words("the taint", &flaw),
            "it has no `:Effect` at its end"
        );
        let flaw = kubeadm_version("x").unwrap_err();
        assert_eq!(
            flaw_words("the version", &flaw),
            "the version is not a version kubeadm accepts"
        );
    }

    #[test]
    fn the_version_shows_what_kubeadm_is_told() {
        assert_eq!(
            version_ok("1.29", "stable-1.29").message,
            "kubernetes_version 1.29 (kubeadm: stable-1.29)"
        );
        assert_eq!(
            version_ok("v1.29.3", "v1.29.3").message,
            "kubernetes_version v1.29.3"
        );
        let advice = version_invalid("1.29; rm -rf /", "1.29; rm -rf /");
        assert_eq!(
            advice.message,
            "kubernetes_version \"1.29; rm -rf /\" is not a version kubeadm accepts"
        );
        assert!(advice.fix.unwrap().contains("stable-1.29"));
        assert!(version_unset().fix.is_none());
    }
}

//! What the RKE2 phase says on its host: the question before kubeadm's
//! leftovers are removed, each thing it did or found done, and the
//! restart that failed; and what preflight says of its node's name.

use std::path::Path;

use crate::kube::rke2::CONFIG_PATH;

use super::checks::who;
use super::{Advice, Subject};

/// The node's name, when it is the inventory's or `rke2_config`'s.
pub fn node_named(spec: &dyn Subject, name: &str) -> Advice {
    Advice::note(format!("{}: RKE2's node is named {name}", who(spec)))
}

/// RKE2 runs on `spec` as `current` (config.yaml's `node-name` when
/// `in_config`, else its hostname), not as `wanted`, and keeps it.
pub fn node_name_kept(spec: &dyn Subject, current: &str, in_config: bool, wanted: &str) -> Advice {
    let from = if in_config {
        "config.yaml's node-name"
    } else {
        "its hostname"
    };
    Advice::new(
        format!(
            "{}: RKE2 already runs here as node {current} ({from}), not {wanted} as the inventory names it: \
             deploy keeps {current}, since a new node-name would restart rke2-server as another node",
            who(spec)
        ),
        format!(
            "to rename it, reset the host (rke2-uninstall.sh) and deploy again, or set node-name: {wanted} \
             in rke2_config (rke2-server restarts as a new node; remove the old one: kubectl delete node {current})\n\
             to keep {current} and not be told again, set node-name: {current} in rke2_config"
        ),
    )
}

/// Why the phase has nothing to do without `--with-rke2`.
pub const NOT_INCLUDED: &str = "not included: add --with-rke2";

/// What removing kubeadm's leftovers from an RKE2 host does.
pub(super) const KUBEADM_LEFTOVERS: &str = "kubeadm reset -f, /etc/kubernetes, /var/lib/kubelet";

/// deploy.sh's question before the leftovers on `host` are removed.
pub fn remove_leftovers(host: &str) -> String {
    format!("Remove the kubeadm leftovers on {host} ({KUBEADM_LEFTOVERS})?")
}

/// The flag that answers [`remove_leftovers`].
pub const REMOVE_LEFTOVERS_FLAGS: &str = "--yes";

/// The phase runs on the facts preflight gathered on `host`.
pub fn no_facts(host: &str) -> String {
    format!("{host} did not answer preflight")
}

pub fn removing_leftovers(host: &str) -> String {
    format!("{host}: removing kubeadm leftovers")
}

pub fn leftovers_removed(host: &str) -> String {
    format!("{host}: kubeadm leftovers removed")
}

/// The question was answered no.
pub fn leftovers_kept(host: &str) -> String {
    format!("{host}: kubeadm leftovers kept, as answered")
}

pub fn installed(host: &str) -> String {
    format!("{host}: RKE2 already installed, skipped")
}

/// `written`: config.yaml differed from what deploy writes, or was not there.
pub fn config_written(host: &str, written: bool) -> String {
    let what = if written { "written" } else { "unchanged" };
    format!("{host}: {CONFIG_PATH} {what}")
}

/// A running rke2-server would not restart to read its new config.yaml.
pub fn not_restarted(host: &str, why: &anyhow::Error) -> Advice {
    Advice::new(
        format!("{host}: rke2-server did not restart with its new config.yaml: {why:#}"),
        "see why with: journalctl -u rke2-server -n 100",
    )
}

pub fn restarted(host: &str) -> String {
    format!("{host}: rke2-server restarted for its new config.yaml")
}

pub fn running(host: &str) -> String {
    format!("{host}: rke2-server already running, skipped")
}

pub fn nodes_ready(host: &str, nodes: &[&str]) -> String {
    format!("{host}: RKE2 node(s) Ready: {}", nodes.join(", "))
}

/// The cluster's kubeconfig, saved here at `path`, points at `address`.
pub fn kubeconfig_saved(host: &str, path: &Path, address: &str) -> String {
    format!(
        "{host}: kubeconfig saved to {} (server https://{address}:6443)",
        path.display()
    )
}

/// The phase's result: `started`, it installed or started RKE2 itself.
pub fn result(started: bool) -> &'static str {
    if started {
        "running"
    } else {
        "already running"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{RKE2, spec};

    #[test]
    fn a_node_kept_under_its_name_says_how_to_rename_or_keep_it() {
        let r1 = spec("r1", "192.0.2.20", RKE2);
        assert_eq!(
            node_name_kept(&r1, "rhel-01", false, "r1"),
            Advice::new(
                "r1 (192.0.2.20): RKE2 already runs here as node rhel-01 (its hostname), not r1 as the inventory names it: \
                 deploy keeps rhel-01, since a new node-name would restart rke2-server as another node",
                "to rename it, reset the host (rke2-uninstall.sh) and deploy again, or set node-name: r1 in rke2_config \
                 (rke2-server restarts as a new node; remove the old one: kubectl delete node rhel-01)\n\
                 to keep rhel-01 and not be told again, set node-name: rhel-01 in rke2_config"
            )
        );
        assert!(
            node_name_kept(&r1, "rke2-a", true, "r1")
                .message
                .contains("as node rke2-a (config.yaml's node-name)")
        );
        assert_eq!(
            node_named(&r1, "r1").message,
            "r1 (192.0.2.20): RKE2's node is named r1"
        );
    }

    #[test]
    fn a_failed_restart_points_at_the_journal() {
        let why = anyhow::anyhow!("`systemctl restart rke2-server` failed with exit code 1");
        assert_eq!(
            not_restarted("r1", &why),
            Advice::new(
                "r1: rke2-server did not restart with its new config.yaml: `systemctl restart rke2-server` failed with exit code 1",
                "see why with: journalctl -u rke2-server -n 100"
            )
        );
    }

    #[test]
    fn the_question_says_what_removing_the_leftovers_does() {
        assert_eq!(
            remove_leftovers("r1"),
            "Remove the kubeadm leftovers on r1 (kubeadm reset -f, /etc/kubernetes, /var/lib/kubelet)?"
        );
        assert_eq!(
            config_written("r1", true),
            "r1: /etc/rancher/rke2/config.yaml written"
        );
    }
}

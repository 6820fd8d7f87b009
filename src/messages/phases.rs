//! What a run says when it stops short of a long step's own block: where
//! a failed step's output is, the waits for the API server and nodes, and
//! how the run ended.

use std::time::Duration;

use super::{host_line, in_words};

/// The fix under a step that failed on a host: where its whole output is.
pub fn after_failure(log: &std::path::Path) -> String {
    format!(
        "the message above says what to look at; the whole output is in {}\nrun `deploy all` again once it is fixed: what is done is skipped",
        log.display()
    )
}

/// What removing kubeadm's leftovers from an RKE2 host does.
pub(super) const KUBEADM_LEFTOVERS: &str = "kubeadm reset -f, /etc/kubernetes, /var/lib/kubelet";

/// Said on the first Ctrl-C.
pub const STOPPING: &str = "deploy: stopping (press Ctrl-C again to stop at once)";

/// How Ctrl-C ends the run, after the context of what it stopped.
pub const INTERRUPTED: &str = "interrupted";

/// The API server did not answer `/readyz` within its bound.
pub fn api_not_ready(name: &str, address: &str, bound: Duration, last: &str) -> String {
    format!(
        "{}\nThe API server did not become ready within {}.\nLast answer: {last}\n\n\
         Troubleshooting steps:\n\
         1. Check the API server: kubectl --kubeconfig /etc/kubernetes/admin.conf get --raw='/readyz?verbose'\n\
         2. Check the kubelet logs: journalctl -u kubelet -n 100\n\
         3. Allow it longer with `api_ready_timeout` in the inventory",
        host_line(name, address),
        in_words(bound)
    )
}

/// Nodes stayed NotReady past their bound. `unit` is `kubelet` or
/// `rke2-server`.
pub fn nodes_not_ready(
    name: &str,
    address: &str,
    bound: Duration,
    last: &str,
    unit: &str,
) -> String {
    format!(
        "{}\nNodes did not become Ready within {}: {last}.\n\n\
         Troubleshooting steps:\n\
         1. Check the node's conditions: kubectl describe node <name>\n\
         2. Check the logs on that node: journalctl -u {unit} -n 100\n\
         3. Without a network add-on (`cni_manifest` in the inventory) nodes stay NotReady\n\
         4. Allow it longer with `node_ready_timeout` in the inventory",
        host_line(name, address),
        in_words(bound)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_that_run_out_name_the_host_the_bound_and_the_fix() {
        let text = api_not_ready(
            "m",
            "10.0.0.1",
            Duration::from_secs(3),
            "connection refused",
        );
        assert!(text.starts_with("m (10.0.0.1):\nThe API server did not become ready within 3 seconds.\nLast answer: connection refused\n"));
        assert!(text.contains("api_ready_timeout"));
        let text = nodes_not_ready("m", "m", Duration::from_secs(300), "w1 NotReady", "kubelet");
        assert!(text.contains("within 5 minutes: w1 NotReady."));
        assert!(text.contains("journalctl -u kubelet -n 100"));
    }

    #[test]
    fn a_failed_phase_points_at_its_log() {
        assert_eq!(
            after_failure(std::path::Path::new("/tmp/run/m.log")),
            "the message above says what to look at; the whole output is in /tmp/run/m.log\n\
             run `deploy all` again once it is fixed: what is done is skipped"
        );
    }
}

//! What the phases say as they run — their lines, progress states and
//! results, why one has nothing to do — and how they stop: the step that
//! failed on a host and where its output is, the waits for the API server
//! and the nodes, Ctrl-C. The RKE2 phase's own words are in `rke2`.

use std::fmt::Display;
use std::path::Path;
use std::time::{Duration, SystemTime};

use super::{Advice, Subject, host_line, in_words};
use crate::kube::Step;

// ---- every phase ----------------------------------------------------------

/// A phase or a step with nothing to do, and why: said, and its result.
pub fn skipped(why: &str) -> String {
    format!("skipped: {why}")
}

/// The tally's label while the hosts' read-only surveys run.
pub const SURVEYING: &str = "surveying hosts";

/// The result of a phase that stopped the run, and of a join that failed.
pub const FAILED: &str = "failed";

/// A phase stopped before its next change because the other chain of
/// phases failed (without `--keep-going`).
pub const HALTED: &str = "stopped: the other chain of phases failed (--keep-going lets it go on)";

/// The result of a phase that [`HALTED`] stopped.
pub const HALTED_RESULT: &str = "stopped: the other chain failed";

/// The result of a phase never begun because the other chain failed.
pub const NOT_BEGUN: &str = "not started: the other chain failed";

/// A chain's thread ended without a result (a bug): the run stops.
pub const CHAIN_PANICKED: &str = "a chain of phases stopped unexpectedly";

/// Before two chains of phases run at once.
pub fn side_by_side(chains: &[&str]) -> String {
    format!(
        "the {} chains run side by side from here",
        chains.join(" and ")
    )
}

/// Above the error that stopped a phase that changes things.
pub fn phase_failed(title: &str) -> String {
    format!("phase \"{title}\" failed")
}

/// A long step that did not succeed on `host` stops the run; the step's
/// block above has said why at length.
pub fn failed_on(host: &dyn Subject, why: &str, log: &Path) -> Advice {
    Advice::new(
        format!("{}: {why}", super::who(host.name(), host.address())),
        after_failure(log),
    )
}

/// A long step's runner gave back nothing for the one job it was given.
pub const NO_RESULT: &str = "the step reported no result";

/// Above a command on `host` that reads `path` there.
pub fn reading(host: &str, path: &str) -> String {
    format!("{host}: reading {path}")
}

/// Above a command on `host` that writes `path` there.
pub fn writing(host: &str, path: &str) -> String {
    format!("{host}: writing {path}")
}

// ---- preflight, control plane, API ----------------------------------------

/// Preflight's result for each host it asked.
pub const CHECKED: &str = "checked";

/// A long step found done on `host` before: skipped, with the evidence.
pub fn step_skipped(host: &str, step: Step) -> String {
    format!("{host}: {}", super::progress::already_done(step))
}

/// Into the run's log: what `kubeadm init` is told on `host`.
pub fn init_configuration(host: &str, configuration: &str) -> String {
    format!("kubeadm configuration for {host}:\n{configuration}")
}

pub fn setting_up_root_kubeconfig(host: &str) -> String {
    format!("{host}: setting up /root/.kube/config")
}

pub fn root_kubeconfig_set_up(host: &str) -> String {
    format!("{host}: /root/.kube/config set up from admin.conf")
}

/// The API wait's progress line: waiting, why it is still waiting, and
/// how it ended.
pub const API_WAITING: &str = "waiting for /readyz";
pub fn api_waiting(why: &str) -> String {
    format!("{API_WAITING}: {why}")
}
pub const API_NOT_READY: &str = "not ready";
pub const API_READY: &str = "the API server is ready";

/// Why the run stopped when the API wait ran out.
pub const API_NEVER_READY: &str = "the API server never became ready";

/// The API phase's result.
pub const READY: &str = "ready";

pub fn kubeconfig_saved(path: &Path) -> String {
    format!("kubeconfig saved to {}", path.display())
}

// ---- network add-on ---------------------------------------------------------

pub const NO_CNI_MANIFEST: &str = "no cni_manifest in the inventory";

/// The network phase's results.
pub const APPLIED: &str = "applied";
pub const ALREADY_APPLIED: &str = "already applied";

/// `manifest` as `cni_manifest` names it.
pub fn manifest_applied(manifest: &str) -> String {
    format!("{manifest}: {APPLIED}")
}

pub fn manifest_unchanged(manifest: &str) -> String {
    format!("{manifest}: {ALREADY_APPLIED}, skipped")
}

pub fn applying(host: &str, manifest: &str) -> String {
    format!("{host}: applying {manifest}")
}

/// The manifest file `cni_manifest` names cannot be read here.
pub fn manifest_unreadable(path: &Path, why: &dyn Display) -> Advice {
    Advice::new(
        format!("cannot read cni_manifest {}: {why}", path.display()),
        "set cni_manifest to a file (relative to the inventory) or an https:// URL",
    )
}

// ---- workers ----------------------------------------------------------------

pub const NO_WORKERS: &str = "no workers in the inventory";
/// The inventory has workers, and `--limit` left none of them.
pub const NO_WORKERS_LEFT: &str = "no workers left by --limit";

/// A worker whose earlier join failed, though it may have left kubelet.conf:
/// what happened and when (`ended_at`, seconds since the epoch by the
/// host's clock), and what is done about it.
pub fn rejoining(host: &str, exit_code: i32, ended_at: Option<i64>) -> String {
    let when = ended_at
        .and_then(|seconds| u64::try_from(seconds).ok())
        .map(|seconds| {
            let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds);
            format!(" at {}", humantime::format_rfc3339_seconds(at))
        })
        .unwrap_or_default();
    format!(
        "{host}: the earlier join failed with exit code {exit_code}{when}: kubeadm reset -f, then joining again"
    )
}

/// `kubeadm token create` failed on the control plane: kubeadm's own line,
/// and the fix when the control plane was never initialised.
pub fn token_failed(host: &str, code: i32, stderr: &str) -> Advice {
    let message = super::remote::command_failed(
        host,
        "kubeadm token create --print-join-command",
        code,
        stderr,
    );
    if stderr.contains("admin.conf") {
        Advice::new(
            message,
            "the control plane is not initialised: run `deploy all`, which runs kubeadm init before the joins",
        )
    } else {
        Advice::note(message)
    }
}

/// The context of a reset that did not work.
pub fn resetting(host: &str) -> String {
    format!("{host}: kubeadm reset -f before joining again")
}

/// Above the endpoint check's failure, before the joins of `deploy all`.
pub const ENDPOINT_BEFORE_JOIN: &str =
    "before any join, every worker must reach the control plane endpoint";
pub const ENDPOINT_REACHABLE: &str = "the control plane endpoint is reachable from every worker";

pub fn creating_join_token(host: &str) -> String {
    format!("{host}: creating a join token")
}

/// `kubeadm token create --description`: what `kubeadm token list` says
/// of the tokens deploy makes.
pub const TOKEN_DESCRIPTION: &str = "made by deploy to join workers, deleted when its run ends";

/// Into the run log: the join token is gone from the control plane.
pub fn token_deleted(host: &str, id: &str) -> String {
    format!("{host}: join token {id} deleted")
}

/// A join that may still be running may need the token: it stays until it
/// expires.
pub fn token_kept(host: &str, id: &str, expires: SystemTime) -> String {
    format!(
        "{host}: join token {id} kept for the joins that may still be running; it expires at {}",
        humantime::format_rfc3339_seconds(expires)
    )
}

/// The token could not be deleted: `why`, and that it expires anyway.
pub fn token_not_deleted(host: &str, id: &str, why: &str, expires: SystemTime) -> Advice {
    Advice::new(
        format!(
            "{host}: join token {id} could not be deleted ({why}); it expires at {}",
            humantime::format_rfc3339_seconds(expires)
        ),
        format!("delete it on {host}: kubeadm token delete {id}"),
    )
}

// ---- validation: the nodes Ready, labelled, schedulable ---------------------

/// The nodes wait's progress line, as for the API's.
pub const NODES_WAITING: &str = "waiting for nodes to be Ready";
pub fn nodes_waiting(why: &str) -> String {
    format!("waiting: {why}")
}
pub fn nodes_ready(count: usize) -> String {
    format!("{count} node(s) Ready")
}
pub const NODES_NOT_READY: &str = "not Ready";

/// Why the run stopped when the nodes wait ran out: `last`, the last
/// reason it waited.
pub fn nodes_never_ready(last: &str) -> String {
    format!("nodes not Ready: {last}")
}

/// kubectl is missing or cannot run on `host` (exit 126 or 127): waiting
/// will not help.
pub fn kubectl_cannot_run(host: &str, stderr: &str) -> String {
    format!("{host}: kubectl cannot run: {stderr}")
}

pub fn labelling(node: &str) -> String {
    format!("labelling node {node}")
}

/// `labels` each `key=value`.
pub fn labelled(node: &str, labels: &[String]) -> String {
    format!("{node}: labelled {}", labels.join(" "))
}

pub fn tainting(node: &str) -> String {
    format!("tainting node {node}")
}

/// `taints` each `key=value:Effect`.
pub fn tainted(node: &str, taints: &[String]) -> String {
    format!("{node}: tainted {}", taints.join(" "))
}

pub fn uncordoning(node: &str) -> String {
    format!("uncordoning node {node}")
}

pub fn uncordoned(node: &str) -> String {
    format!("{node}: uncordoned")
}

pub const NODES_UNCHANGED: &str = "every node is Ready, labelled, tainted and schedulable already";

/// The validation phase's result: `changed`, some node was labelled or
/// uncordoned.
pub fn nodes_result(changed: bool) -> &'static str {
    if changed { "Ready, labelled" } else { "Ready" }
}

/// The nodes as the cluster has them, at the end of validation.
pub const NODES_TABLE: [&str; 3] = ["NODE", "STATUS", "LABELS"];

pub fn node_status(ready: bool) -> &'static str {
    if ready { "Ready" } else { "NotReady" }
}

/// Above a failure to write the nodes' table on stdout.
pub const WRITING_NODES: &str = "writing the nodes";

// ---- the long waits and the end of a run -----------------------------------

/// The fix under a step that failed on a host: where its whole output is.
fn after_failure(log: &std::path::Path) -> String {
    format!(
        "the message above says what to look at; the whole output is in {}\nrun `deploy all` again once it is fixed: what is done is skipped",
        log.display()
    )
}

/// Said on the first Ctrl-C.
pub const STOPPING: &str = "deploy: stopping (press Ctrl-C again to stop at once)";

/// How a signal ends the run when nothing had started: the inventory was
/// still being read, no host had been asked anything.
pub const INTERRUPTED_AT_ONCE: &str = "interrupted before anything started: nothing was changed";

/// How Ctrl-C ends the run, after the context of what it stopped; the
/// result of the phase it stopped.
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
    fn a_failed_token_names_kubeadms_own_line_and_the_fix_before_init() {
        let stderr = "failed to load admin kubeconfig: open /etc/kubernetes/admin.conf: no such file or directory\n\
                      To see the stack trace of this error execute with --v=5 or higher\n";
        let advice = token_failed("masternode", 1, stderr);
        assert_eq!(
            advice.message,
            "masternode: `kubeadm token create --print-join-command` failed with exit code 1: \
             failed to load admin kubeconfig: open /etc/kubernetes/admin.conf: no such file or directory"
        );
        assert_eq!(
            advice.fix.as_deref(),
            Some(
                "the control plane is not initialised: run `deploy all`, which runs kubeadm init before the joins"
            )
        );
        assert_eq!(token_failed("m", 1, "boom\n").fix, None);
    }

    #[test]
    fn a_token_left_behind_says_when_it_expires_and_how_to_delete_it() {
        let at = std::time::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let advice = token_not_deleted("masternode", "abcdef", "connection refused", at);
        assert_eq!(
            advice.message,
            "masternode: join token abcdef could not be deleted (connection refused); \
             it expires at 2023-11-14T22:13:20Z"
        );
        assert_eq!(
            advice.fix.as_deref(),
            Some("delete it on masternode: kubeadm token delete abcdef")
        );
        assert_eq!(
            token_kept("m", "abcdef", at),
            "m: join token abcdef kept for the joins that may still be running; it expires at 2023-11-14T22:13:20Z"
        );
    }
    use crate::checks::fixtures::{CONTROL, spec};

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
        let m = spec("m", "192.0.2.10", CONTROL);
        assert_eq!(
            failed_on(&m, API_NEVER_READY, Path::new("/tmp/run/m.log")),
            Advice::new(
                "m (192.0.2.10): the API server never became ready",
                "the message above says what to look at; the whole output is in /tmp/run/m.log\n\
                 run `deploy all` again once it is fixed: what is done is skipped"
            )
        );
    }

    #[test]
    fn an_unreadable_manifest_says_what_cni_manifest_may_be() {
        assert_eq!(
            manifest_unreadable(Path::new("/srv/cni.yaml"), &"No such file")
                .fix
                .as_deref(),
            Some("set cni_manifest to a file (relative to the inventory) or an https:// URL")
        );
    }

    #[test]
    fn a_step_found_done_says_its_evidence() {
        assert_eq!(
            step_skipped("m", Step::Init),
            "m: already initialised: /etc/kubernetes/admin.conf exists, skipped"
        );
        assert_eq!(skipped(Step::Join.already()), "skipped: already joined");
    }
}

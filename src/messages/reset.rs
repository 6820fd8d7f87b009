//! What `deploy reset` says: the list of what goes before anything does,
//! its question, its refusals, each drain, and its table.

use std::path::Path;
use std::time::Duration;

use super::{Advice, in_words, short, who};
use crate::kube::reset::{Chore, KUBE_CHAINS, STALE_SUFFIX, Stranger};

/// A host taking part that the survey did not reach (it was not asked).
pub const NOT_ASKED: &str = "it was not asked";

/// The survey phase's result.
pub fn surveyed(to_reset: usize, clean: usize, failed: usize) -> String {
    let mut text = format!("{to_reset} to reset, {clean} with nothing to reset");
    if failed > 0 {
        text.push_str(&format!(", {failed} not asked"));
    }
    text
}

/// When no host has anything left of a cluster.
pub const NOTHING_TO_DO: &str =
    "nothing to reset: no host taking part has anything of a cluster left";

/// A phase's skip when nothing is left to do in it.
pub const NOTHING_HERE: &str = "nothing to reset";

/// The heading of one host's part in the list shown before anything changes.
pub fn host_heading(name: &str, address: &str, last: bool) -> String {
    let last = if last { ", last" } else { "" };
    format!("{} will be reset{last}:", who(name, address))
}

/// A host taking part with nothing to do.
pub fn host_clean(name: &str, address: &str) -> String {
    format!("{}: nothing to reset", who(name, address))
}

/// A host the survey could not ask: it is left alone, with the fix of why.
pub fn host_not_asked(name: &str, address: &str, why: &Advice) -> Advice {
    Advice {
        message: format!(
            "{}: could not be asked, so nothing is done there: {}",
            who(name, address),
            why.message
        ),
        fix: why.fix.clone(),
    }
}

/// One thing a host's reset does, in the list and in `--check`'s plan.
/// `control_plane` is the host whose kubectl drains.
pub fn chore(chore: &Chore, control_plane: &str, log_dir: &Path) -> String {
    match chore {
        Chore::Drain { node } => {
            format!("drain node {node} and delete it from the cluster (kubectl on {control_plane})")
        }
        Chore::KubeadmReset {
            cri_socket: Some(socket),
        } => format!("kubeadm reset -f --cri-socket {socket}"),
        Chore::KubeadmReset { cri_socket: None } => "kubeadm reset -f".into(),
        Chore::StopKubelet => "stop kubelet".into(),
        Chore::Remove(dirs) => format!("remove {}", dirs.join(" ")),
        Chore::DeleteLinks(links) => format!("delete the links {}", links.join(" ")),
        Chore::FlushChains => format!("flush kube-proxy's iptables chains ({KUBE_CHAINS}*)"),
        Chore::RestartContainerd => "restart containerd".into(),
        Chore::Rke2Uninstall => "rke2-killall.sh, then rke2-uninstall.sh".into(),
        Chore::MarkStale(name) => {
            let path = log_dir.join(name);
            format!(
                "mark the saved {} stale: renamed {}{STALE_SUFFIX}",
                path.display(),
                path.display()
            )
        }
    }
}

/// The question before a reset; only the word `yes` answers it.
pub fn question(hosts: usize) -> String {
    let what = if hosts == 1 {
        "this host".to_owned()
    } else {
        format!("these {hosts} hosts")
    };
    format!("Reset {what}, removing what is listed above? Type yes to go on:")
}

/// The flag that answers [`question`] without a terminal.
pub const QUESTION_FLAGS: &str = "--yes";

/// The answer to [`question`] was not `yes`.
pub const NOT_CONFIRMED: &str = "not confirmed (only the word yes goes on): nothing was changed";

/// A worker whose kubelet.conf names another cluster.
pub fn another_cluster(
    name: &str,
    address: &str,
    stranger: &Stranger,
    control_plane: &str,
) -> Advice {
    let ca = if stranger.other_ca {
        ", with another cluster CA"
    } else {
        ""
    };
    Advice::new(
        format!(
            "{} belongs to another cluster: its kubelet.conf names {}{ca}, and this inventory's control plane {control_plane} is {}",
            who(name, address),
            stranger.theirs,
            stranger.ours
        ),
        format!("leave it out (-l '!{name}'), or reset it all the same with --force"),
    )
}

/// Resetting the control plane would strand the nodes still joined to it
/// that `-l` leaves out; `known`: the API listed them (else they are the
/// inventory's workers, and may be joined).
pub fn stranded(control_plane: &str, nodes: &[String], known: bool) -> Advice {
    let names = nodes.join(", ");
    let message = if known {
        format!(
            "resetting the control plane {control_plane} would strand the nodes still joined to it and left out by -l: {names}"
        )
    } else {
        format!(
            "resetting the control plane {control_plane} would strand {names}, left out by -l: its API does not answer, so they may still be joined to it"
        )
    };
    Advice::new(
        message,
        format!(
            "reset them first (deploy reset -l {}), or with it, or reset the control plane alone all the same with --force",
            nodes.join(",")
        ),
    )
}

/// Refused, with `count` reasons above; `--force` goes on.
pub fn refused(count: usize) -> Advice {
    let reasons = if count == 1 { "reason" } else { "reasons" };
    Advice::new(
        format!("the reset is refused for the {reasons} above: nothing was changed"),
        "change -l as each says, or run again with --force to reset all the same",
    )
}

/// `--force` overrode a refusal: said before the list.
pub fn forced(refusal: &Advice) -> String {
    format!("--force: {}", refusal.message)
}

/// The control plane could not say which nodes are joined: none is drained.
pub fn not_drained(control_plane: &str, workers: &[&str]) -> Advice {
    Advice::new(
        format!(
            "the API on {control_plane} does not answer, so {} cannot be drained or deleted from the cluster",
            workers.join(", ")
        ),
        format!(
            "once it answers, delete what is left of them: kubectl delete node {}",
            workers.join(" ")
        ),
    )
}

/// `--check`'s line for a worker to drain.
pub fn drain_plan(host: &str, node: &str, control_plane: &str, bound: Duration) -> String {
    format!(
        "{host}: drain node {node} and delete it from the cluster (kubectl on {control_plane}, up to {})",
        in_words(bound)
    )
}

/// The drain phase's result, and each drained worker's.
pub const DRAINED: &str = "drained and deleted";

/// A worker's result when its drain failed.
pub const NOT_DRAINED: &str = "failed: not drained";

/// A worker drained and deleted.
pub fn drained(node: &str, elapsed: Duration) -> String {
    format!(
        "{node}: drained and deleted from the cluster in {}",
        short(elapsed)
    )
}

/// A drain or a delete that failed: the host is left as it is. `why` is
/// kubectl's stderr, whose first `error:` line says it best.
pub fn drain_failed(node: &str, control_plane: &str, why: &str, bound: Duration) -> Advice {
    let line = why
        .lines()
        .find(|line| line.starts_with("error: "))
        .unwrap_or_else(|| super::remote::last_error(why));
    Advice::new(
        format!("{node}: not drained, so it is not reset: {line}"),
        format!(
            "see what holds it (kubectl get pods -A -o wide --field-selector spec.nodeName={node} on {control_plane}), then run again, with a longer --drain-timeout than {} if it needs it",
            in_words(bound)
        ),
    )
}

/// `--check`'s line for a kubeadm host's reset: its chores in order.
pub fn reset_plan(host: &str, last: bool, chores: &[String]) -> String {
    let last = if last { " (last)" } else { "" };
    format!("{host}{last}: {}", chores.join("; "))
}

/// A host that failed before its reset (not asked, not drained).
pub const LEFT_AS_IT_IS: &str = "failed: left as it is";

/// A saved kubeconfig renamed.
pub fn marked_stale(from: &Path, to: &Path) -> String {
    format!("{} is stale: renamed {}", from.display(), to.display())
}

/// The table at the end: each phase's hosts.
pub const TABLE: [&str; 4] = ["PHASE", "HOST", "RESULT", "TIME"];

/// A host the survey could not ask, in the table.
pub const NOT_ASKED_RESULT: &str = "failed: not asked";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_of_another_cluster_shows_both_endpoints_and_the_way_out() {
        let stranger = Stranger {
            theirs: "https://192.0.2.99:6443".into(),
            ours: "https://192.0.2.10:6443".into(),
            other_ca: false,
        };
        let advice = another_cluster("w1", "192.0.2.11", &stranger, "m");
        assert_eq!(
            advice.message,
            "w1 (192.0.2.11) belongs to another cluster: its kubelet.conf names https://192.0.2.99:6443, \
             and this inventory's control plane m is https://192.0.2.10:6443"
        );
        assert_eq!(
            advice.fix.as_deref(),
            Some("leave it out (-l '!w1'), or reset it all the same with --force")
        );
        let other_ca = Stranger {
            theirs: stranger.ours.clone(),
            other_ca: true,
            ..stranger
        };
        assert!(
            another_cluster("w1", "w1", &other_ca, "m")
                .message
                .contains("names https://192.0.2.10:6443, with another cluster CA,")
        );
    }

    #[test]
    fn a_stranded_node_is_named_with_how_to_reset_it_first() {
        let advice = stranded("m", &["w1".into(), "w2".into()], true);
        assert_eq!(
            advice.message,
            "resetting the control plane m would strand the nodes still joined to it and left out by -l: w1, w2"
        );
        assert_eq!(
            advice.fix.as_deref(),
            Some(
                "reset them first (deploy reset -l w1,w2), or with it, or reset the control plane alone all the same with --force"
            )
        );
        assert!(
            stranded("m", &["w1".into()], false)
                .message
                .contains("its API does not answer, so they may still be joined")
        );
    }

    #[test]
    fn a_refusal_says_nothing_changed_and_how_to_go_on() {
        let advice = refused(2);
        assert_eq!(
            advice.message,
            "the reset is refused for the reasons above: nothing was changed"
        );
        assert_eq!(
            advice.fix.as_deref(),
            Some("change -l as each says, or run again with --force to reset all the same")
        );
        assert!(refused(1).message.contains("the reason above"));
    }

    #[test]
    fn an_undrainable_worker_is_named_with_the_delete_for_later() {
        let advice = not_drained("m", &["w1", "w2"]);
        assert_eq!(
            advice.message,
            "the API on m does not answer, so w1, w2 cannot be drained or deleted from the cluster"
        );
        assert_eq!(
            advice.fix.as_deref(),
            Some("once it answers, delete what is left of them: kubectl delete node w1 w2")
        );
    }

    #[test]
    fn a_failed_drain_says_what_holds_it_and_the_bound() {
        let advice = drain_failed(
            "w1",
            "m",
            "There are pending pods in node \"w1\"\nerror: unable to drain node \"w1\"\nThere are pending nodes to be drained:\n w1\n",
            Duration::from_secs(120),
        );
        assert_eq!(
            advice.message,
            "w1: not drained, so it is not reset: error: unable to drain node \"w1\""
        );
        assert!(
            drain_failed(
                "w1",
                "m",
                "Error from server (NotFound): nodes \"w1\" not found\n",
                Duration::from_secs(1)
            )
            .message
            .ends_with("Error from server (NotFound): nodes \"w1\" not found")
        );
        assert_eq!(
            advice.fix.as_deref(),
            Some(
                "see what holds it (kubectl get pods -A -o wide --field-selector spec.nodeName=w1 on m), \
                 then run again, with a longer --drain-timeout than 2 minutes if it needs it"
            )
        );
    }

    #[test]
    fn each_chore_reads_as_what_it_does() {
        let dir = Path::new("artifacts");
        let said = |c: Chore| chore(&c, "m", dir);
        assert_eq!(
            said(Chore::Drain { node: "w1".into() }),
            "drain node w1 and delete it from the cluster (kubectl on m)"
        );
        assert_eq!(
            said(Chore::KubeadmReset {
                cri_socket: Some("unix:///run/containerd/containerd.sock".into())
            }),
            "kubeadm reset -f --cri-socket unix:///run/containerd/containerd.sock"
        );
        assert_eq!(
            said(Chore::Remove(vec![
                "/etc/kubernetes".into(),
                "/root/.kube".into()
            ])),
            "remove /etc/kubernetes /root/.kube"
        );
        assert_eq!(
            said(Chore::FlushChains),
            "flush kube-proxy's iptables chains (KUBE-*)"
        );
        assert_eq!(
            said(Chore::MarkStale("h-rke2-kubeconfig.yaml".into())),
            "mark the saved artifacts/h-rke2-kubeconfig.yaml stale: renamed artifacts/h-rke2-kubeconfig.yaml.stale"
        );
    }

    #[test]
    fn the_question_asks_for_the_word() {
        assert_eq!(
            question(3),
            "Reset these 3 hosts, removing what is listed above? Type yes to go on:"
        );
        assert!(question(1).starts_with("Reset this host,"));
    }

    #[test]
    fn a_host_not_asked_keeps_its_fix() {
        let advice = host_not_asked(
            "w1",
            "192.0.2.11",
            &Advice::new("connection refused", "start sshd"),
        );
        assert_eq!(
            advice,
            Advice::new(
                "w1 (192.0.2.11): could not be asked, so nothing is done there: connection refused",
                "start sshd"
            )
        );
    }
}

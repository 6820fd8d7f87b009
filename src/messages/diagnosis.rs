//! Why a join, `kubeadm init`, an RKE2 start or a Ready wait failed, from
//! the host's own evidence: each known cause and its fix, and the lines
//! printed under the step's failure block.

use super::fix_lines;

/// A known cause of a failed step and what to do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cause {
    pub cause: &'static str,
    pub fix: &'static str,
}

pub const TOKEN_UNKNOWN: Cause = Cause {
    cause: "the join token is unknown to the cluster: it expired, or was deleted, before the join used it",
    fix: "run `deploy join` again: it makes a fresh token for its joins (a longer --join-timeout gives it a longer life)",
};

pub const CA_NOT_PINNED: Cause = Cause {
    cause: "the cluster's CA is not the one the join pins: the CA hash is stale or from another cluster",
    fix: "run `deploy join` again, so the join command (and its CA hash) is read afresh from the control plane; \
          if the control plane was re-initialised, reset the worker first (`deploy reset -l WORKER`)",
};

pub const API_REFUSED: Cause = Cause {
    cause: "the API server endpoint refused the connection: nothing listens there",
    fix: "check that the API server runs on the control plane (`kubectl get --raw=/readyz` there, \
          `crictl ps -a | grep kube-apiserver`) and that the endpoint names its address and port 6443",
};

pub const API_TIMEOUT: Cause = Cause {
    cause: "the API server endpoint did not answer (i/o timeout): a firewall drops the packets, or the address is wrong",
    fix: "open TCP port 6443 on the control plane to the workers (`nft list ruleset`, `ufw status`), \
          and check the endpoint's address",
};

pub const API_NO_ROUTE: Cause = Cause {
    cause: "there is no route from this host to the API server endpoint",
    fix: "check this host's network (`ip route get ADDRESS`): the endpoint's subnet, gateway, VLAN, \
          or a firewall answering with host-unreachable",
};

pub const NODE_EXISTS: Cause = Cause {
    cause: "a Node of this name already exists in the cluster, registered by another machine",
    fix: "delete the stale Node on the control plane (`kubectl delete node NAME`), or give this host another name, \
          then run `deploy join` again",
};

pub const SWAP_ON: Cause = Cause {
    cause: "swap is on, and the kubelet refuses to run with swap",
    fix: "turn swap off (`swapoff -a`) and remove its line from /etc/fstab, then run deploy again",
};

pub const CONTAINERD_DOWN: Cause = Cause {
    cause: "containerd is not running, so the kubelet has no container runtime",
    fix: "start it (`systemctl enable --now containerd`) and read `journalctl -u containerd` if it stops again",
};

pub const CRI_DISABLED: Cause = Cause {
    cause: "containerd's CRI plugin is disabled (Debian's containerd.io ships `disabled_plugins = [\"cri\"]`)",
    fix: "write containerd's defaults (`containerd config default > /etc/containerd/config.toml`), \
          set `SystemdCgroup = true` there, then `systemctl restart containerd`",
};

pub const CGROUP_MISMATCH: Cause = Cause {
    cause: "the kubelet and containerd use different cgroup drivers",
    fix: "set `SystemdCgroup = true` in /etc/containerd/config.toml (kubeadm's kubelet uses systemd), \
          then `systemctl restart containerd` and run deploy again",
};

pub const CLOCK_SKEW: Cause = Cause {
    cause: "this host's clock is off, so the cluster's certificates look expired or not yet valid",
    fix: "set the clock (`timedatectl set-ntp true`, `chronyc makestep`), then run deploy again",
};

pub const PORT_10250: Cause = Cause {
    cause: "port 10250, the kubelet's, is held by another process",
    fix: "stop what holds it (`ss -ltnp 'sport = :10250'`): often the kubelet of an earlier install, \
          which `kubeadm reset -f` removes",
};

pub const IP_FORWARD_OFF: Cause = Cause {
    cause: "IP forwarding is off (net.ipv4.ip_forward = 0)",
    fix: "turn it on and keep it on: `sysctl -w net.ipv4.ip_forward=1` and a line in /etc/sysctl.d/k8s.conf",
};

pub const KUBELET_CRASHLOOP: Cause = Cause {
    cause: "the kubelet keeps crashing: its health check on port 10248 never answers",
    fix: "read why it exits: `journalctl -u kubelet -n 100`; check /var/lib/kubelet/config.yaml and \
          `systemctl status kubelet`",
};

pub const CNI_MISSING: Cause = Cause {
    cause: "the node's network plugin is not initialised: no CNI configuration in /etc/cni/net.d",
    fix: "check the network add-on's pods (`kubectl -n kube-flannel get pods -o wide`) and that they \
          write /etc/cni/net.d on this node",
};

pub const KUBEADM_MISSING: Cause = Cause {
    cause: "kubeadm is not on this host's PATH",
    fix: "install kubeadm, kubelet and kubectl there (`deploy check` says how), then run deploy again",
};

/// How long the diagnosis took, in the host's log.
pub fn diagnosed_in(took: std::time::Duration) -> String {
    format!("diagnosed in {} ms", took.as_millis())
}

/// The evidence lines shown under the cause, each indented and cut to a
/// width a terminal shows whole.
const EVIDENCE_WIDTH: usize = 220;

/// What is printed under the failure block when a cause matched.
pub fn likely_cause(cause: &str, evidence: &[String], fix: &str) -> String {
    let mut lines = vec![format!("Likely cause: {cause}.")];
    lines.extend(evidence.iter().map(|line| format!("  {}", cut(line))));
    lines.extend(fix_lines("", "fix:", fix));
    lines.join("\n")
}

/// What is printed when no known cause matched: the unit's last lines.
pub fn no_cause(unit: &str, journal: &[String]) -> String {
    let mut text = format!("{NO_CAUSE}; the last lines of {unit}'s journal:");
    if journal.is_empty() {
        text.push_str("\n  (no entries)");
    }
    for line in journal {
        text.push_str("\n  ");
        text.push_str(&cut(line));
    }
    text
}

pub const NO_CAUSE: &str = "no known cause matched";

/// The evidence could not be gathered: the diagnosis rests on the step's
/// own output.
pub fn not_gathered(why: &str) -> String {
    format!("(the host's evidence could not be gathered: {why})")
}

/// The clock line: the host's time against this machine's.
pub fn clock_off(seconds: i64) -> String {
    let (amount, way) = if seconds < 0 {
        (-seconds, "behind")
    } else {
        (seconds, "ahead of")
    };
    format!("clock: this host is {amount} s {way} the machine running deploy")
}

pub fn swap_on(areas: u32) -> String {
    format!("swap: {areas} active area(s) in /proc/swaps")
}

pub const IP_FORWARD_ZERO: &str = "/proc/sys/net/ipv4/ip_forward: 0";

pub fn unit_state(unit: &str, state: &str) -> String {
    format!("systemctl is-active {unit}: {state}")
}

pub fn disabled_plugins(line: &str) -> String {
    format!("/etc/containerd/config.toml: {line}")
}

pub fn cgroup_drivers(kubelet: &str, systemd_cgroup: &str) -> String {
    format!(
        "cgroup driver: kubelet {kubelet} (/var/lib/kubelet/config.yaml), \
         containerd SystemdCgroup = {systemd_cgroup} (/etc/containerd/config.toml)"
    )
}

pub fn port_held(address: &str, holder: Option<&str>) -> String {
    match holder {
        Some(holder) => format!("port 10250: {address} is held by {holder}"),
        None => format!("port 10250: {address} is held"),
    }
}

pub const CNI_EMPTY: &str = "/etc/cni/net.d: no network configuration";

/// A line without the indentation it had in its output; one too long to
/// show whole keeps its end, where kubeadm's errors say what went wrong.
fn cut(line: &str) -> String {
    let line = line.trim();
    let count = line.chars().count();
    if count <= EVIDENCE_WIDTH {
        return line.to_owned();
    }
    let tail: String = line.chars().skip(count - (EVIDENCE_WIDTH - 1)).collect();
    format!("…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cause_shows_its_evidence_indented_then_its_fix() {
        let text = likely_cause(
            TOKEN_UNKNOWN.cause,
            &["error execution phase preflight: could not find a JWS signature".into()],
            TOKEN_UNKNOWN.fix,
        );
        assert_eq!(
            text,
            "Likely cause: the join token is unknown to the cluster: it expired, or was deleted, before the join used it.\n  \
             error execution phase preflight: could not find a JWS signature\n\
             fix: run `deploy join` again: it makes a fresh token for its joins (a longer --join-timeout gives it a longer life)"
        );
    }

    #[test]
    fn no_cause_shows_the_journal_or_says_it_is_empty() {
        assert_eq!(
            no_cause("kubelet", &["a".into(), "b".into()]),
            "no known cause matched; the last lines of kubelet's journal:\n  a\n  b"
        );
        assert!(no_cause("kubelet", &[]).ends_with("(no entries)"));
    }

    #[test]
    fn long_evidence_is_cut_and_clocks_say_which_way() {
        let long = format!("{}the end", "x".repeat(500));
        let shown = likely_cause("c", &[long], "f");
        let line = shown.lines().nth(1).unwrap();
        assert_eq!(line.chars().count(), 2 + EVIDENCE_WIDTH);
        assert!(
            line.starts_with("  …x") && line.ends_with("the end"),
            "{line}"
        );
        assert!(clock_off(-3600).contains("3600 s behind"));
        assert!(clock_off(90).contains("90 s ahead of"));
        assert_eq!(
            port_held("0.0.0.0:10250", None),
            "port 10250: 0.0.0.0:10250 is held"
        );
    }
}

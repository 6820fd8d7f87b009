//! The known causes of a failed join, init, RKE2 start or Ready wait: one
//! entry each, its clues (where to look, what a line holds), its cause and
//! fix. The first entry that matches wins, so the causes the step's own
//! error names come before those the host's state suggests, and the
//! kubelet's bare crash loop comes last. Adding a cause is one entry here
//! and one lab scenario.

use super::Trail::{Host, Journal, Step};
use super::{Clue, Signature};
use crate::messages::diagnosis as say;

const fn clue(source: super::Trail, all: &'static [&'static str]) -> Clue {
    Clue { source, all }
}

pub const SIGNATURES: &[Signature] = &[
    Signature {
        id: "kubeadm-missing",
        clues: &[clue(Step, &["kubeadm: not found"])],
        support: &[],
        cause: say::KUBEADM_MISSING,
    },
    Signature {
        id: "token-unknown",
        clues: &[clue(
            Step,
            &["could not find a JWS signature in the cluster-info ConfigMap for token ID"],
        )],
        support: &[],
        cause: say::TOKEN_UNKNOWN,
    },
    Signature {
        id: "ca-not-pinned",
        clues: &[clue(Step, &["none of the public keys", "are pinned"])],
        support: &[],
        cause: say::CA_NOT_PINNED,
    },
    Signature {
        id: "node-exists",
        clues: &[clue(
            Step,
            &["a Node with name", "already exists in the cluster"],
        )],
        support: &[],
        cause: say::NODE_EXISTS,
    },
    Signature {
        id: "clock-skew",
        clues: &[
            clue(Step, &["x509: certificate has expired or is not yet valid"]),
            clue(
                Journal,
                &["x509: certificate has expired or is not yet valid"],
            ),
            clue(Host, &["clock: "]),
        ],
        support: &[],
        cause: say::CLOCK_SKEW,
    },
    Signature {
        id: "api-refused",
        clues: &[clue(
            Step,
            &["dial tcp", ":6443: connect: connection refused"],
        )],
        support: &[],
        cause: say::API_REFUSED,
    },
    Signature {
        id: "api-timeout",
        clues: &[clue(Step, &["dial tcp", ":6443: i/o timeout"])],
        support: &[],
        cause: say::API_TIMEOUT,
    },
    Signature {
        id: "api-no-route",
        clues: &[clue(
            Step,
            &["dial tcp", ":6443: connect: no route to host"],
        )],
        support: &[],
        cause: say::API_NO_ROUTE,
    },
    Signature {
        id: "cri-disabled",
        clues: &[
            clue(Step, &["unknown service runtime.v1.RuntimeService"]),
            clue(Journal, &["unknown service runtime.v1.RuntimeService"]),
            clue(
                Host,
                &["/etc/containerd/config.toml: disabled_plugins", "cri"],
            ),
        ],
        support: &[],
        cause: say::CRI_DISABLED,
    },
    Signature {
        id: "containerd-down",
        clues: &[
            clue(
                Step,
                &["containerd.sock", "connect: no such file or directory"],
            ),
            clue(Host, &["systemctl is-active containerd:"]),
        ],
        support: &[],
        cause: say::CONTAINERD_DOWN,
    },
    Signature {
        id: "swap-on",
        clues: &[
            clue(Step, &["running with swap on is not supported"]),
            clue(Journal, &["running with swap on is not supported"]),
            clue(Host, &["swap: "]),
        ],
        support: &[],
        cause: say::SWAP_ON,
    },
    Signature {
        id: "port-10250",
        clues: &[
            clue(Step, &["Port 10250 is in use"]),
            clue(Journal, &[":10250: bind: address already in use"]),
            clue(Host, &["port 10250: "]),
        ],
        support: &[],
        cause: say::PORT_10250,
    },
    Signature {
        id: "ip-forward-off",
        clues: &[
            clue(
                Step,
                &["/proc/sys/net/ipv4/ip_forward contents are not set to 1"],
            ),
            clue(Host, &["/proc/sys/net/ipv4/ip_forward: 0"]),
        ],
        support: &[],
        cause: say::IP_FORWARD_OFF,
    },
    Signature {
        id: "cgroup-mismatch",
        clues: &[clue(Host, &["cgroup driver: "])],
        support: &[],
        cause: say::CGROUP_MISMATCH,
    },
    Signature {
        id: "cni-not-initialized",
        clues: &[clue(Journal, &["cni plugin not initialized"])],
        support: &[clue(Host, &["/etc/cni/net.d: "])],
        cause: say::CNI_MISSING,
    },
    Signature {
        id: "kubelet-crashloop",
        clues: &[clue(
            Step,
            &["[kubelet-check]", "10248/healthz", "connection refused"],
        )],
        support: &[clue(Host, &["systemctl is-active kubelet:"])],
        cause: say::KUBELET_CRASHLOOP,
    },
];

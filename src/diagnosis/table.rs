//! The known causes of a failed join, init, RKE2 start or Ready wait: one
//! entry each, its clues (where to look, what a line holds), its cause and
//! fix. What the step or the journal said is matched first, through
//! every entry in order, then what the host's state shows, again in order:
//! the first entry that matches wins. The kubelet's bare crash loop, which
//! names no cause, comes after them all (`SYMPTOMS`). Adding a cause is
//! one entry here and one lab scenario.

use super::Clue::{Host, Journal, Step};
use super::Signature;
use super::Symptom::*;
use crate::messages::diagnosis as say;

pub const SIGNATURES: &[Signature] = &[
    Signature {
        id: "kubeadm-missing",
        clues: &[Step(&["kubeadm: not found"])],
        support: &[],
        cause: say::KUBEADM_MISSING,
    },
    Signature {
        id: "token-unknown",
        clues: &[Step(&[
            "could not find a JWS signature in the cluster-info ConfigMap for token ID",
        ])],
        support: &[],
        cause: say::TOKEN_UNKNOWN,
    },
    Signature {
        id: "ca-not-pinned",
        clues: &[Step(&["none of the public keys", "are pinned"])],
        support: &[],
        cause: say::CA_NOT_PINNED,
    },
    Signature {
        id: "node-exists",
        clues: &[Step(&["a Node with name", "already exists in the cluster"])],
        support: &[],
        cause: say::NODE_EXISTS,
    },
    Signature {
        id: "clock-skew",
        clues: &[
            Step(&["x509: certificate has expired or is not yet valid"]),
            Journal(&["x509: certificate has expired or is not yet valid"]),
            Host(ClockOff),
        ],
        support: &[],
        cause: say::CLOCK_SKEW,
    },
    Signature {
        id: "api-refused",
        clues: &[Step(&["dial tcp", ":6443: connect: connection refused"])],
        support: &[],
        cause: say::API_REFUSED,
    },
    Signature {
        id: "api-timeout",
        clues: &[Step(&["dial tcp", ":6443: i/o timeout"])],
        support: &[],
        cause: say::API_TIMEOUT,
    },
    Signature {
        id: "api-no-route",
        clues: &[Step(&["dial tcp", ":6443: connect: no route to host"])],
        support: &[],
        cause: say::API_NO_ROUTE,
    },
    Signature {
        id: "cri-disabled",
        clues: &[
            Step(&["unknown service runtime.v1.RuntimeService"]),
            Journal(&["unknown service runtime.v1.RuntimeService"]),
            Host(CriDisabled),
        ],
        support: &[],
        cause: say::CRI_DISABLED,
    },
    Signature {
        id: "containerd-down",
        clues: &[
            Step(&["containerd.sock", "connect: no such file or directory"]),
            Host(ContainerdInactive),
        ],
        support: &[],
        cause: say::CONTAINERD_DOWN,
    },
    Signature {
        id: "swap-on",
        clues: &[
            Step(&["running with swap on is not supported"]),
            Journal(&["running with swap on is not supported"]),
            Host(SwapOn),
        ],
        support: &[],
        cause: say::SWAP_ON,
    },
    Signature {
        id: "port-10250",
        clues: &[
            Step(&["Port 10250 is in use"]),
            Journal(&[":10250: bind: address already in use"]),
            Host(PortHeld),
        ],
        support: &[],
        cause: say::PORT_10250,
    },
    Signature {
        id: "ip-forward-off",
        clues: &[
            Step(&["/proc/sys/net/ipv4/ip_forward contents are not set to 1"]),
            Host(IpForwardOff),
        ],
        support: &[],
        cause: say::IP_FORWARD_OFF,
    },
    Signature {
        id: "cgroup-mismatch",
        clues: &[Host(CgroupMismatch)],
        support: &[],
        cause: say::CGROUP_MISMATCH,
    },
    Signature {
        id: "cni-not-initialized",
        clues: &[Journal(&["cni plugin not initialized"])],
        support: &[Host(CniEmpty)],
        cause: say::CNI_MISSING,
    },
];

/// Failures kubeadm reports without naming a cause: matched only after
/// every entry above, the host's state included, found none.
pub const SYMPTOMS: &[Signature] = &[Signature {
    id: "kubelet-crashloop",
    clues: &[Step(&[
        "[kubelet-check]",
        "10248/healthz",
        "connection refused",
    ])],
    support: &[Host(KubeletInactive)],
    cause: say::KUBELET_CRASHLOOP,
}];

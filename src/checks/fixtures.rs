//! A healthy cluster to break one fact at a time in tests.

use super::*;
use crate::cluster::{Bounds, Cluster, Endpoint, Host, Network, Rke2, Setting, Settings, Version};
use crate::inventory::Role;
use crate::messages::Advice;
use crate::probe::{Facts, Listener, Os, Reach};
use crate::remote::Target;

pub fn spec(name: &str, address: &str, role: Role) -> Host {
    Host {
        name: name.into(),
        address: address.into(),
        port: None,
        local: false,
        role,
        selected: true,
        cri_socket: Some("unix:///run/containerd/containerd.sock".into()),
        labels: Vec::new(),
        taints: Vec::new(),
        bounds: Bounds::default(),
        rke2_install: String::new(),
        rke2_config: serde_json::Map::new(),
        wake: None,
        target: Target::local(name),
    }
}

pub const CONTROL: Role = Role::ControlPlane;
pub const WORKER: Role = Role::Worker;
pub const RKE2: Role = Role::Rke2;

pub fn cluster() -> Cluster {
    Cluster {
        source: "hosts.yml".into(),
        hosts: vec![
            spec("m", "192.0.2.10", CONTROL),
            spec("w1", "192.0.2.11", WORKER),
            spec("w2", "192.0.2.12", WORKER),
            spec("r", "192.0.2.20", RKE2),
        ],
        settings: Settings {
            host: Some("m".into()),
            control_plane_endpoint: Some(Setting::new("192.0.2.10:6443".into(), Endpoint::parse)),
            pod_network_cidr: Some(Setting::new("10.244.0.0/16".into(), Network::parse)),
            service_network_cidr: Some(Setting::new("10.96.0.0/12".into(), Network::parse)),
            kubernetes_version: Some(text_version("1.29")),
            cni_manifest: None,
            mirrors: Default::default(),
        },
        rke2: Rke2::IfPresent,
        ssh_client: Some("/usr/bin/ssh".into()),
        unvaulted: Vec::new(),
    }
}

/// `kubernetes_version` written as text.
pub fn text_version(text: &str) -> Version {
    Version {
        text: text.into(),
        number: false,
    }
}

/// A Debian node with everything a kubeadm node needs, not yet set up.
pub fn healthy() -> Facts {
    Facts {
        uid: Some(0),
        os: Os {
            id: "debian".into(),
            version_id: "12".into(),
            pretty_name: "Debian GNU/Linux 12 (bookworm)".into(),
        },
        arch: "x86_64".into(),
        kubeadm: Some("/usr/bin/kubeadm".into()),
        kubelet: Some("/usr/bin/kubelet".into()),
        kubectl: Some("/usr/bin/kubectl".into()),
        cri_socket: Some(true),
        swap_areas: Some(0),
        br_netfilter: true,
        overlay: true,
        ip_forward: Some(true),
        endpoint: Some(Reach::Open),
        time: Some(1_700_000_000),
        ..Facts::default()
    }
}

/// The RKE2 host: RHEL, nothing of kubeadm's.
pub fn rke2_host() -> Facts {
    Facts {
        os: Os {
            id: "rhel".into(),
            version_id: "10".into(),
            pretty_name: "Red Hat Enterprise Linux 10".into(),
        },
        kubeadm: None,
        kubelet: None,
        kubectl: None,
        ..healthy()
    }
}

pub fn answered(facts: Facts) -> Probed {
    Probed::Answered {
        facts: Box::new(facts),
        clock_offset: Some(0),
    }
}

/// A host that gave no answer. The words and fix are the remote layer's,
/// tested there (`messages::remote`); the checks only pass them on.
pub fn failed(kind: ConnectKind) -> Probed {
    Probed::Failed(ConnectFailure {
        kind,
        advice: Advice::new(FAILED_MESSAGE, FAILED_FIX),
    })
}

pub const FAILED_MESSAGE: &str = "cannot be reached over SSH: No route to host";
pub const FAILED_FIX: &str = "check that the host is up";

pub fn clean() -> (Cluster, Answers) {
    let answers = [
        ("m", healthy()),
        ("w1", healthy()),
        ("w2", healthy()),
        ("r", rke2_host()),
    ]
    .into_iter()
    .map(|(name, facts)| (name.to_owned(), answered(facts)))
    .collect();
    (cluster(), answers)
}

/// The clean cluster with one host's facts changed.
pub fn with(host: &str, change: impl FnOnce(&mut Facts)) -> (Cluster, Answers) {
    let (cluster, mut answers) = clean();
    if let Some(Probed::Answered { facts, .. }) = answers.get_mut(host) {
        change(facts);
    }
    (cluster, answers)
}

/// The findings of one check on one host (or cluster-wide with `None`).
pub fn find(cluster: &Cluster, answers: &Answers, id: &str, host: Option<&str>) -> Finding {
    evaluate(cluster, answers, &Ignore::none())
        .into_iter()
        .find(|f| f.id == id && f.host.as_deref() == host)
        .unwrap_or_else(|| panic!("no finding {id} on {host:?}"))
}

pub fn listener(address: &str, port: u16) -> Listener {
    Listener {
        address: address.parse().unwrap(),
        port,
    }
}

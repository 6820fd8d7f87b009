//! What the checks judge: the cluster as the inventory describes it, and
//! what each host answered. Plain data, filled by `preflight` from the
//! inventory and the probes, and by hand in tests.

use std::collections::BTreeMap;

use crate::facts::Facts;

/// Which part a host plays. A host may (wrongly) be given more than one;
/// `inventory.unique` says so.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Roles {
    pub control_plane: bool,
    pub worker: bool,
    pub rke2: bool,
}

/// One inventory host, resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostSpec {
    pub name: String,
    /// `ansible_host`, or the name when it is unset.
    pub address: String,
    pub port: Option<u16>,
    /// `ansible_connection: local`: reached without SSH.
    pub local: bool,
    /// `ansible_become`: commands run through `sudo -n`.
    pub become_: bool,
    pub roles: Roles,
    /// `cri_socket`, as written (`unix:///...`).
    pub cri_socket: Option<String>,
}

/// Cluster-wide settings from the inventory's variables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    pub control_plane_endpoint: Option<String>,
    pub pod_network_cidr: Option<String>,
    pub service_network_cidr: Option<String>,
    pub kubernetes_version: Option<String>,
}

/// Whether RKE2 hosts take part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rke2 {
    /// `--with-rke2`: an RKE2 host must exist.
    Required,
    /// `deploy check`: check the RKE2 hosts the inventory has.
    IfPresent,
    /// `deploy join`, `deploy all` without `--with-rke2`.
    Excluded,
}

/// Everything the checks know before any host answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    /// Every host with a role, in inventory order.
    pub hosts: Vec<HostSpec>,
    pub settings: Settings,
    pub rke2: Rke2,
    /// Path of the `ssh` client on this machine, if there is one.
    pub ssh_client: Option<String>,
}

impl Cluster {
    pub fn host(&self, name: &str) -> Option<&HostSpec> {
        self.hosts.iter().find(|host| host.name == name)
    }

    pub fn control_planes(&self) -> impl Iterator<Item = &HostSpec> {
        self.hosts.iter().filter(|host| host.roles.control_plane)
    }

    /// Where workers reach the API server: `control_plane_endpoint`, or the
    /// first control plane's address on 6443 as kubeadm would default it.
    /// `None` when neither is known or the setting does not parse.
    pub fn endpoint(&self) -> Option<(String, u16)> {
        match &self.settings.control_plane_endpoint {
            Some(text) => super::inventory::parse_endpoint(text).ok(),
            None => self
                .control_planes()
                .next()
                .map(|host| (host.address.clone(), 6443)),
        }
    }
}

/// Why a host gave no facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectKind {
    Unreachable,
    Refused,
    AuthDenied,
    HostKeyUnknown,
    HostKeyChanged,
    /// Logged in, but `sudo -n` failed: it wants a password, the user may
    /// not use it, or it is not installed.
    Sudo,
    /// The probe did not finish within its time limit.
    TimedOut,
    /// Anything else: the probe's own failure, a missing `sh`.
    Other,
}

/// A host that could not be probed: the kind decides the check, the text
/// and fix come from the layer that knows the details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectFailure {
    pub kind: ConnectKind,
    pub message: String,
    pub fix: Option<String>,
}

/// One host's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probed {
    Answered {
        facts: Box<Facts>,
        /// The host's clock minus this machine's when the answer arrived,
        /// in seconds.
        clock_offset: Option<i64>,
    },
    Failed(ConnectFailure),
}

impl Probed {
    pub fn facts(&self) -> Option<&Facts> {
        match self {
            Probed::Answered { facts, .. } => Some(facts),
            Probed::Failed(_) => None,
        }
    }
}

/// The probed hosts by name; hosts left out by `--limit` are absent.
pub type Answers = BTreeMap<String, Probed>;

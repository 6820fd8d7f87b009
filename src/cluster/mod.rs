//! The one model of the cluster, built once from the inventory and the
//! command line: every host with its role, address, connection and bounds,
//! and the cluster-wide settings parsed. Nothing downstream reads raw
//! inventory variables.

mod build;
mod host;
mod network;
mod vars;
mod wake;

pub use build::build;
pub use host::{Bounds, Host};
pub use network::{Endpoint, Network, Setting};
pub use vars::{VarsReader, is_password};
pub use wake::WakeOnLan;

use std::path::PathBuf;

use crate::remote::BecomePassword;
use crate::secret::Secret;

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

/// Cluster-wide settings, read from the control plane's variables (where
/// `all` and its groups put them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// The host whose variables they were read from, for messages.
    pub host: Option<String>,
    pub control_plane_endpoint: Option<Setting<Endpoint>>,
    pub pod_network_cidr: Option<Setting<Network>>,
    pub service_network_cidr: Option<Setting<Network>>,
    pub kubernetes_version: Option<Version>,
    pub cni_manifest: Option<Manifest>,
    /// Where `deploy prepare` gets Kubernetes' packages, when not from
    /// pkgs.k8s.io.
    pub mirrors: Mirrors,
}

/// `kubernetes_apt_repo`, `kubernetes_apt_key`, `kubernetes_rpm_repo`,
/// `kubernetes_rpm_key`: URLs, checked when read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mirrors {
    pub apt_repo: Option<String>,
    pub apt_key: Option<String>,
    pub rpm_repo: Option<String>,
    pub rpm_key: Option<String>,
}

/// `kubernetes_version` as the inventory typed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// The text, or the number as YAML read it (`1.30` unquoted is 1.3).
    pub text: String,
    /// Written as a number, not text: a check says so.
    pub number: bool,
}

/// Where the network add-on's manifest comes from (`cni_manifest`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Manifest {
    /// A file on this machine, relative to the inventory.
    File(PathBuf),
    Url(String),
}

impl Manifest {
    pub fn describe(&self) -> String {
        match self {
            Manifest::File(path) => path.display().to_string(),
            Manifest::Url(url) => url.clone(),
        }
    }
}

/// Everything known before any host is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    /// The inventory it was read from, for messages.
    pub source: PathBuf,
    /// Every host with a role, in inventory order.
    pub hosts: Vec<Host>,
    pub settings: Settings,
    pub rke2: Rke2,
    /// Path of the `ssh` client on this machine, if there is one.
    pub ssh_client: Option<String>,
    /// The vaulted values opened while the model was built.
    pub unvaulted: Vec<Secret>,
}

impl Cluster {
    pub fn host(&self, name: &str) -> Option<&Host> {
        self.hosts.iter().find(|host| host.name == name)
    }

    pub fn control_planes(&self) -> impl Iterator<Item = &Host> {
        self.hosts.iter().filter(|host| host.is_control_plane())
    }

    /// The control plane `join` and `all` work with: the first one.
    pub fn control_plane(&self) -> Option<&Host> {
        self.control_planes().next()
    }

    /// The workers `--limit` leaves.
    pub fn workers(&self) -> impl Iterator<Item = &Host> {
        self.hosts
            .iter()
            .filter(|host| host.is_worker() && host.selected)
    }

    /// The RKE2 hosts taking part: none unless RKE2 is in scope, and only
    /// those `--limit` leaves.
    pub fn rke2_hosts(&self) -> impl Iterator<Item = &Host> {
        let included = self.rke2 != Rke2::Excluded;
        self.hosts
            .iter()
            .filter(move |host| included && host.is_rke2() && host.selected)
    }

    /// The hosts a command works on: those `--limit` leaves, without the
    /// RKE2 hosts when RKE2 is out of scope. `join` and `all` keep the
    /// control plane whatever the limit says: it is what workers join.
    pub fn participants(&self, keep_control_plane: bool) -> Vec<&Host> {
        self.hosts
            .iter()
            .filter(|host| host.selected || (keep_control_plane && host.is_control_plane()))
            .filter(|host| !(host.is_rke2() && self.rke2 == Rke2::Excluded))
            .collect()
    }

    /// Where workers reach the API server: `control_plane_endpoint`, or the
    /// first control plane's address on 6443 as kubeadm would default it.
    /// `None` when neither is known or the setting does not parse.
    pub fn endpoint(&self) -> Option<Endpoint> {
        match &self.settings.control_plane_endpoint {
            Some(parsed) => parsed.ok().cloned(),
            None => self
                .control_plane()
                .map(|host| Endpoint::default_for(&host.address)),
        }
    }

    /// `-K`'s password, for every host that becomes and whose inventory
    /// gives no password of its own.
    pub fn offer_become_password(&mut self, password: &BecomePassword) {
        for host in &mut self.hosts {
            host.target.offer_become_password(password);
        }
    }

    /// Every become password a host will send, for the run's redaction.
    /// Every secret the model holds: become passwords and opened vaulted
    /// values, for the run's redaction.
    pub fn secrets(&self) -> impl Iterator<Item = &Secret> {
        let passwords = self.hosts.iter().filter_map(|host| {
            let sudo = host.target.sudo()?;
            Some(sudo.sent_password()?.secret())
        });
        passwords.chain(&self.unvaulted)
    }
}

//! One inventory host as every command sees it: its role, how to reach
//! it, and the settings that are its own.

use std::time::Duration;

use serde_json::{Map, Value};

use super::WakeOnLan;
use crate::inventory::Role;
use crate::remote::Target;

/// One host with a role, resolved from its merged variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Host {
    pub name: String,
    /// `ansible_host`, or the name when it is unset.
    pub address: String,
    pub port: Option<u16>,
    /// `ansible_connection: local`: reached without SSH.
    pub local: bool,
    pub role: Role,
    /// Left in by `--limit` (every host when there is none).
    pub selected: bool,
    /// `cri_socket`, as written (`unix:///...`).
    pub cri_socket: Option<String>,
    /// `node_labels`, as `key=value`.
    pub labels: Vec<String>,
    /// `node_taints`, as `key=value:Effect` or `key:Effect`.
    pub taints: Vec<String>,
    pub bounds: Bounds,
    /// `rke2_install_command`, or the installer's default.
    pub rke2_install: String,
    /// The inventory's `rke2_config` settings (none when it sets none, or
    /// when RKE2 does not take part).
    pub rke2_config: Map<String, Value>,
    /// How to wake it (`wol_mac`, `wol_broadcast`, `wol_port`); `None`
    /// without a `wol_mac`.
    pub wake: Option<WakeOnLan>,
    pub target: Target,
}

impl Host {
    pub fn is_control_plane(&self) -> bool {
        self.role == Role::ControlPlane
    }

    pub fn is_worker(&self) -> bool {
        self.role == Role::Worker
    }

    pub fn is_rke2(&self) -> bool {
        self.role == Role::Rke2
    }

    /// The name its node registers with: the inventory name, unless
    /// `rke2_config` names the RKE2 node otherwise.
    pub fn node_name(&self) -> &str {
        match self.rke2_config.get(crate::kube::rke2::NODE_NAME) {
            Some(Value::String(name)) => name,
            _ => &self.name,
        }
    }

    /// Commands run through sudo (`ansible_become`).
    pub fn becomes(&self) -> bool {
        self.target.become_user().is_some()
    }
}

impl crate::messages::Subject for Host {
    fn name(&self) -> &str {
        &self.name
    }

    fn address(&self) -> &str {
        &self.address
    }

    fn local(&self) -> bool {
        self.local
    }

    fn becomes(&self) -> bool {
        Host::becomes(self)
    }
}

/// How long each long step may take on this host, from the inventory's
/// `*_timeout` variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    pub join: Duration,
    pub init: Duration,
    pub api_ready: Duration,
    pub node_ready: Duration,
    pub rke2_install: Duration,
    pub rke2_start: Duration,
}

impl Default for Bounds {
    fn default() -> Self {
        Self {
            join: Duration::from_secs(15 * 60),
            init: Duration::from_secs(10 * 60),
            api_ready: Duration::from_secs(5 * 60),
            node_ready: Duration::from_secs(5 * 60),
            rke2_install: Duration::from_secs(10 * 60),
            rke2_start: Duration::from_secs(5 * 60),
        }
    }
}

/// Each inventory variable that sets a bound, with the bound it sets.
pub type BoundField = fn(&mut Bounds) -> &mut Duration;

impl Bounds {
    pub const VARIABLES: [(&'static str, BoundField); 6] = [
        ("join_timeout", |bounds| &mut bounds.join),
        ("init_timeout", |bounds| &mut bounds.init),
        ("api_ready_timeout", |bounds| &mut bounds.api_ready),
        ("node_ready_timeout", |bounds| &mut bounds.node_ready),
        ("rke2_install_timeout", |bounds| &mut bounds.rke2_install),
        ("rke2_start_timeout", |bounds| &mut bounds.rke2_start),
    ];
}

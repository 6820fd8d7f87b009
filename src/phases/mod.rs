//! The phases commands are made of. A phase has a title, may have nothing
//! to do in a run (and says why), says what it would do for `--check`, and
//! runs; the [`Manager`] numbers them, asks every question before the first
//! change, stops at the first failure and records what each did.

mod api;
mod context;
mod control_plane;
mod drain;
mod manager;
mod network;
mod poll;
mod preflight;
mod prepare;
mod readiness;
mod rke2;
mod survey;
mod teardown;
mod token;
mod uninstall;
mod validation;
pub mod wake;
mod workers;

use anyhow::Result;

pub use api::ApiReady;
pub use context::{Ctx, Voice, control_plane};
pub use control_plane::ControlPlane;
pub use drain::Drain;
pub use manager::Manager;
pub use network::NetworkAddOn;
pub use preflight::{Preflight, Recheck};
pub use prepare::Prepare;
pub use readiness::Readiness;
pub use rke2::Rke2Cluster;
pub use survey::Survey;
pub use teardown::ResetNodes;
pub use uninstall::Rke2Uninstall;
pub use validation::Validation;
pub use wake::Wake;
pub use workers::Workers;

use crate::artifacts::HostSummary;
use crate::cluster::Host;
use crate::exit::Problem;
use crate::kube::nodes::ADMIN_CONF;
use crate::messages::phases as say;
use crate::remote::Cmd;

/// Which chain of phases a phase belongs to. After the common ones, the
/// kubeadm and RKE2 chains share nothing, so the manager runs them side by
/// side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chain {
    /// Before any chain: preflight, over every host.
    Common,
    Kubeadm,
    Rke2,
}

impl Chain {
    pub fn name(self) -> &'static str {
        match self {
            Chain::Common => "common",
            Chain::Kubeadm => "kubeadm",
            Chain::Rke2 => "rke2",
        }
    }
}

pub trait Phase: Sync {
    fn title(&self) -> &'static str;

    fn chain(&self) -> Chain {
        Chain::Kubeadm
    }

    /// Why the phase has nothing to do in this run (`no cni_manifest in
    /// the inventory`); `None`: it runs.
    fn skip(&self, _ctx: &Ctx) -> Option<String> {
        None
    }

    /// It changes nothing, so it runs under `--check` too.
    fn read_only(&self) -> bool {
        false
    }

    /// Questions for the person, asked before any phase changes anything.
    fn ask(&self, _ctx: &mut Ctx) -> Result<()> {
        Ok(())
    }

    /// What it would do, a line each, for `--check`.
    fn plan(&self, ctx: &Ctx) -> Result<Vec<String>>;

    fn run(&self, ctx: &mut Ctx) -> Result<Done>;
}

/// What a phase did, for the summary.
#[derive(Debug, Clone)]
pub struct Done {
    pub result: String,
    pub hosts: Vec<HostSummary>,
}

impl Done {
    fn single(result: &str, host: &Host) -> Self {
        Self {
            result: result.into(),
            hosts: vec![HostSummary::noted(&host.name, result, None)],
        }
    }

    fn skipped(why: &str, host: &Host) -> Self {
        Self::single(&say::skipped(why), host)
    }
}

/// The error that stops a run when a step fails on a host (the manager
/// names the phase). The failure itself was printed, with its hint, the
/// moment it was known.
fn failed(ctx: &Ctx, host: &Host, why: &str) -> anyhow::Error {
    let log = ctx.artifacts.host_log(&host.name);
    Problem::failed(say::failed_on(host, why, &log)).into()
}

/// `kubectl` on the control plane, with the admin kubeconfig.
pub fn kubectl(args: &[&str]) -> Cmd {
    Cmd::argv(
        ["kubectl", "--kubeconfig", ADMIN_CONF]
            .into_iter()
            .chain(args.iter().copied()),
    )
}

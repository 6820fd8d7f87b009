//! `deploy all`: the phases of a whole deployment — preflight, control
//! plane, API ready, network add-on, workers, validation, RKE2 — each a
//! small step over the remote layer and the job watcher.

mod api;
mod context;
mod control_plane;
pub mod kubeadm_config;
mod network;
pub mod nodes;
mod plan;
pub mod poll;
mod rke2;
pub mod rke2_config;
mod run;

pub use run::command;

use crate::artifacts::HostSummary;
use crate::exit::Problem;
use crate::messages;

use context::Ctx;

/// What a phase did, for the summary.
#[derive(Debug, Clone)]
pub struct Done {
    pub result: String,
    pub hosts: Vec<HostSummary>,
}

impl Done {
    fn single(result: &str, host: &str) -> Self {
        Self {
            result: result.into(),
            hosts: vec![HostSummary {
                host: host.into(),
                result: result.into(),
                seconds: 0.0,
                detail: None,
            }],
        }
    }

    fn skipped(why: &str, host: &str) -> Self {
        Self::single(&format!("skipped: {why}"), host)
    }
}

/// The error that stops `deploy all` when a step fails on a host (the
/// phase runner names the phase). The failure itself was printed, with its
/// hint, the moment it was known.
fn failed(host: &str, address: &str, why: &str, ctx: &Ctx) -> anyhow::Error {
    let who = messages::host_line(host, address);
    let log = ctx.artifacts.dir().join(format!("{host}.log"));
    Problem::failed(format!("{}: {why}", who.trim_end_matches(':')))
        .fix(format!(
            "the message above says what to look at; the whole output is in {}\nrun `deploy all` again once it is fixed: what is done is skipped",
            log.display()
        ))
        .into()
}

//! Long remote steps (joins, `kubeadm init`, the RKE2 install and start):
//! each runs detached on its host and is watched until a file appears or
//! the job exits. The watcher decides one host's state from what the watch
//! loop reports; the engine schedules many hosts; the driver does one
//! host's I/O.

pub mod driver;
pub mod engine;
mod kind;
pub mod watch;
pub mod watcher;

use std::collections::HashMap;
use std::time::Duration;

pub use engine::Outcome;
pub use kind::Step;

use crate::artifacts::Artifacts;
use crate::cluster::{Endpoint, Host};
use crate::remote::Session;
use crate::secret::Secret;
use crate::ui::Ui;

/// What every long step of a run works with.
pub struct Env<'a> {
    pub session: &'a Session,
    /// Logs per host; its secret registry masks every text that leaves a job.
    pub artifacts: &'a Artifacts,
    pub ui: Ui,
    /// The control plane endpoint, for the join timeout's curl line.
    pub endpoint: Option<Endpoint>,
}

/// One host's part in a long step.
pub struct Job<'a> {
    pub host: &'a Host,
    /// Run with `/bin/sh -c`.
    pub command: String,
    /// The job's stdin (a kubeadm configuration with the token): it
    /// reaches the host from a 0600 file, never on a command line.
    pub input: Option<Secret>,
    /// The step's work is already done there (the preflight facts say
    /// so): it is reported and skipped.
    pub already_done: bool,
}

/// How the hosts' jobs are scheduled.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub forks: usize,
    pub timeout: Duration,
    /// Start the remaining jobs even after one has failed.
    pub keep_going: bool,
}

/// How one host's job went.
#[derive(Debug, Clone)]
pub struct HostResult {
    pub name: String,
    pub outcome: Outcome,
    pub elapsed: Duration,
}

/// Runs `step` on every job's host, at most `policy.forks` at once, each
/// with its progress line and log; one result per job, in their order.
pub fn run(env: &Env, step: Step, jobs: &[Job], policy: &Policy) -> Vec<HostResult> {
    let hosts: Vec<engine::Worker> = jobs
        .iter()
        .map(|job| engine::Worker {
            name: job.host.name.clone(),
            address: job.host.address.clone(),
            already_done: job.already_done,
        })
        .collect();
    let assignments = jobs
        .iter()
        .map(|job| {
            (
                job.host.name.clone(),
                driver::Assignment {
                    target: job.host.target.clone(),
                    command: job.command.clone(),
                    input: job.input.clone(),
                },
            )
        })
        .collect::<HashMap<_, _>>();
    let options = engine::Options {
        step,
        forks: policy.forks,
        timeout: policy.timeout,
        grace: watcher::GRACE,
        keep_going: policy.keep_going,
        verbose: env.ui.verbose > 0,
        endpoint: env
            .endpoint
            .as_ref()
            .map_or_else(String::new, ToString::to_string),
    };
    driver::run_step(
        env.session,
        env.artifacts,
        env.ui,
        &hosts,
        assignments,
        &options,
    )
    .into_iter()
    .map(|result| HostResult {
        name: result.name,
        outcome: result.outcome,
        elapsed: result.elapsed,
    })
    .collect()
}

//! Long remote steps (joins, `kubeadm init`, the RKE2 install and start):
//! each runs detached on its host and is watched until a file appears or
//! the job exits. The watcher decides one host's state from what the watch
//! loop reports; the scheduler holds the rules over many hosts; the runner
//! gives it threads and time; the driver does one host's I/O; the view
//! shows it all. A step that fails on a host is diagnosed there at once
//! (`diagnose`), and the likely cause printed under its failure block.

mod diagnose;
mod driver;
mod runner;
mod scheduler;
mod view;
pub mod watch;
pub mod watcher;

use std::sync::atomic::AtomicBool;
use std::time::Duration;

pub use diagnose::gather as diagnose;

use crate::artifacts::Artifacts;
use crate::cluster::Host;
use crate::events::EventKind;
use crate::kube::Step;
use crate::remote::Session;
use crate::secret::Secret;
use crate::ui::Ui;

/// What every long step of a run works with.
pub struct Env<'a> {
    pub session: &'a Session,
    /// Logs per host; its secret registry masks every text that leaves a job.
    pub artifacts: &'a Artifacts,
    pub ui: Ui,
    /// The API server endpoint as the join command named it, for the join
    /// timeout's curl line.
    pub endpoint: Option<String>,
    /// Set when another part of the run failed: no new host starts, those
    /// started are watched to their end.
    pub halt: Option<&'a AtomicBool>,
    /// The title of the phase running the step, for its events.
    pub phase: &'static str,
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
    /// A running job with no progress this long is said to stall.
    pub stall_after: Duration,
}

/// How one host's job went.
#[derive(Debug, Clone)]
pub struct HostResult {
    pub name: String,
    pub outcome: Outcome,
    pub elapsed: Duration,
    /// Why it failed, as the host's evidence says, where it was diagnosed.
    pub diagnosis: Option<crate::diagnosis::Diagnosis>,
}

impl HostResult {
    /// The host's line in `summary.json`: what `step` did there, how long
    /// it took, and why it failed.
    pub fn summary(&self, step: Step) -> crate::artifacts::HostSummary {
        crate::artifacts::HostSummary {
            outcome: Some(self.outcome.name()),
            host: self.name.clone(),
            result: self.outcome.describe(step),
            seconds: self.elapsed.as_secs_f64(),
            detail: match &self.outcome {
                Outcome::Failed(reason) => Some(reason.clone()),
                _ => None,
            },
            cause: self.diagnosis.as_ref().and_then(|found| found.cause()),
        }
    }
}

/// How one host's step ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    AlreadyDone,
    Failed(String),
    TimedOut,
    /// The host stopped answering before the step's end was seen: how it
    /// went there is unknown.
    Unreachable,
    /// Not started: an earlier failure or Ctrl-C stopped the run first.
    NotStarted,
    /// Still running when Ctrl-C stopped the watching.
    LeftRunning,
}

impl Outcome {
    /// Its name in `summary.json`: its host's last event's, where it has one.
    pub fn name(&self) -> &'static str {
        let kind = match self {
            Outcome::Succeeded => EventKind::Succeeded,
            Outcome::AlreadyDone => EventKind::Skipped,
            Outcome::Failed(_) => EventKind::Failed,
            Outcome::TimedOut => EventKind::TimedOut,
            Outcome::Unreachable => EventKind::Unreachable,
            // Never started, so no event of its own: the run's end says
            // why (a failure, Ctrl-C).
            Outcome::NotStarted => return "not_started",
            Outcome::LeftRunning => EventKind::LeftRunning,
        };
        kind.name()
    }

    pub fn is_success(&self) -> bool {
        matches!(self, Outcome::Succeeded | Outcome::AlreadyDone)
    }

    /// The words for it in the summary: "joined", "already initialised", ...
    pub fn describe(&self, step: Step) -> String {
        match self {
            Outcome::Succeeded => step.done().into(),
            Outcome::AlreadyDone => step.already().into(),
            Outcome::Failed(reason) => format!("failed: {reason}"),
            Outcome::TimedOut => "timed out".into(),
            Outcome::Unreachable => "unreachable, state unknown".into(),
            Outcome::NotStarted => "not started".into(),
            Outcome::LeftRunning => "left running".into(),
        }
    }
}

/// Runs `step` on every job's host, at most `policy.forks` at once, each
/// with its progress line and log; one result per job, in their order.
pub fn run(env: &Env, step: Step, jobs: &[Job], policy: &Policy) -> Vec<HostResult> {
    let mut view = view::View::new(env, step, jobs, policy.timeout);
    let driver = driver::SshDriver::new(env, step, jobs);
    let already_done: Vec<bool> = jobs.iter().map(|job| job.already_done).collect();
    let show = &mut |effect: &scheduler::Effect| view.show(effect);
    let results = runner::run(step, *policy, &already_done, env.halt, &driver, show);
    results
        .into_iter()
        .zip(jobs)
        .zip(view.diagnoses())
        .map(|(((outcome, elapsed), job), diagnosis)| HostResult {
            name: job.host.name.clone(),
            outcome,
            elapsed,
            diagnosis,
        })
        .collect()
}

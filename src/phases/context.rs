//! What every phase works with: the configuration, the cluster model, the
//! SSH session, the artifacts, what preflight found, and how to say what is
//! happening.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::{Context as _, Result};
use console::style;

use super::wake::Woke;
use crate::artifacts::{Artifacts, HostSummary, Log};
use crate::checks::Ignore;
use crate::checks::prepare::Preparation;
use crate::checks::reset::Teardown;
use crate::cluster::{Cluster, Host};
use crate::config::Config;
use crate::exit::Problem;
use crate::kube::Step;
use crate::messages::Advice;
use crate::preflight::{self, Report};
use crate::probe::Facts;
use crate::remote::{Cmd, Output, Session};
use crate::secret::Secret;
use crate::step::{self, HostResult, Job, Outcome, Policy};

/// A host's read-only survey: a few file reads, a package query, the
/// node list's 5 s. This bounds a host that hangs.
const SURVEY_LIMIT: Duration = Duration::from_secs(30);

/// What a phase stopped by [`Ctx::go_on`] ends with: the manager records
/// it as halted, not as a failure of its own.
#[derive(Debug, Clone, Copy)]
pub struct Halted;

impl std::fmt::Display for Halted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(crate::messages::phases::HALTED)
    }
}

/// How phases speak on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voice {
    /// Each phase under a numbered heading, its lines indented (`all`).
    Headed,
    /// No headings; each line starts with its phase's title (`join`).
    Prefixed,
    /// Headings, and each line starting with its phase's title: two chains
    /// speak at once (`all --with-rke2`).
    Interleaved,
}

/// The control plane `join` and `all` work with: without one they cannot
/// go on, and say so before anything else.
pub fn control_plane(cluster: &Cluster) -> Result<&Host> {
    cluster.control_plane().ok_or_else(|| {
        anyhow::Error::new(Problem::usage(
            crate::messages::checks::control_plane_missing(),
        ))
        .context(cluster.source.display().to_string())
    })
}

pub struct Ctx<'a> {
    pub config: &'a Config,
    pub cluster: &'a Cluster,
    /// The control plane `join` and `all` work with, found once.
    pub control_plane: &'a Host,
    pub session: &'a Session,
    pub artifacts: &'a Artifacts,
    pub ignore: &'a Ignore,
    /// The run's log (`deploy.log`).
    pub log: Log,
    pub voice: Voice,
    /// What preflight found; empty until it has run.
    pub report: Report,
    /// The RKE2 hosts whose kubeadm leftovers the user agreed to remove.
    pub cleanup: Vec<String>,
    /// How each worker's join went, for `deploy join`'s table.
    pub joins: Vec<HostResult>,
    /// `deploy reset`'s survey and what it decided; empty until it ran.
    pub teardown: Teardown,
    /// `deploy prepare`'s survey and what it decided; empty until it ran.
    pub preparation: Preparation,
    /// Set when another chain of phases failed: start nothing new.
    halt: Arc<AtomicBool>,
    /// What `--wake` found, once the wake phase has run.
    pub woke: Option<Vec<Woke<'a>>>,
    /// The phase speaking now.
    title: &'static str,
    /// The host lines a failing phase leaves for its record, which its
    /// error does not carry (the nodes a Ready wait diagnosed).
    failed_hosts: Mutex<Vec<HostSummary>>,
}

impl<'a> Ctx<'a> {
    pub fn new(
        config: &'a Config,
        cluster: &'a Cluster,
        session: &'a Session,
        artifacts: &'a Artifacts,
        ignore: &'a Ignore,
        voice: Voice,
    ) -> Result<Self> {
        Ok(Self {
            config,
            cluster,
            control_plane: control_plane(cluster)?,
            session,
            artifacts,
            ignore,
            log: artifacts.log(None)?,
            voice,
            report: Report::default(),
            cleanup: Vec::new(),
            joins: Vec::new(),
            teardown: Teardown::default(),
            preparation: Preparation::default(),
            halt: Arc::new(AtomicBool::new(false)),
            woke: None,
            title: "",
            failed_hosts: Mutex::default(),
        })
    }

    /// A context for one chain of phases run beside another: the same run,
    /// what preflight found, the shared halt flag, and its own lines.
    pub fn fork(&self, voice: Voice) -> Self {
        Self {
            config: self.config,
            cluster: self.cluster,
            control_plane: self.control_plane,
            session: self.session,
            artifacts: self.artifacts,
            ignore: self.ignore,
            log: self.log.clone(),
            voice,
            report: self.report.clone(),
            cleanup: self.cleanup.clone(),
            joins: Vec::new(),
            teardown: self.teardown.clone(),
            preparation: self.preparation.clone(),
            woke: self.woke.clone(),
            halt: Arc::clone(&self.halt),
            title: "",
            failed_hosts: Mutex::default(),
        }
    }

    /// Tells every chain of this run to start nothing new.
    pub fn halt(&self) {
        self.halt.store(true, Ordering::SeqCst);
    }

    /// Whether another chain failed, so nothing new may start.
    pub fn halted(&self) -> bool {
        self.halt.load(Ordering::SeqCst)
    }

    /// Before a step that changes a host: stops the phase when another
    /// chain has failed.
    pub fn go_on(&self) -> Result<()> {
        if self.halted() {
            return Err(
                anyhow::Error::new(Problem::failed(crate::messages::phases::HALTED))
                    .context(Halted),
            );
        }
        Ok(())
    }

    /// How preflight asks this run's hosts.
    pub fn checker(&self) -> preflight::Checker<'_> {
        preflight::Checker {
            cluster: self.cluster,
            session: self.session,
            forks: self.config.forks,
            ignore: self.ignore,
            ui: self.config.ui,
            woke: self.woke.as_deref().map(super::wake::answers),
        }
    }

    /// What `host` answered in preflight, if it was asked and answered.
    pub fn facts(&self, host: &Host) -> Option<&Facts> {
        self.report.facts.get(&host.name)
    }

    /// Whether preflight found the control plane `host` initialised
    /// (admin.conf exists).
    pub fn initialised(&self, host: &Host) -> bool {
        self.facts(host).is_some_and(|facts| facts.admin_conf)
    }

    /// A short command on `host`, failing on a non-zero exit.
    pub fn run_ok(&self, host: &Host, cmd: &Cmd, limit: Duration) -> Result<Output> {
        self.session.run_ok(&host.target, cmd, limit)
    }

    /// A short command on `host`, whatever its exit code.
    pub fn run(&self, host: &Host, cmd: &Cmd, limit: Duration) -> Result<Output> {
        self.session.run(&host.target, cmd, limit)
    }

    /// What every long step of this run works with.
    pub fn env(&self) -> step::Env<'_> {
        step::Env {
            session: self.session,
            artifacts: self.artifacts,
            ui: self.config.ui,
            endpoint: None,
            halt: Some(&self.halt),
            phase: self.title,
        }
    }

    /// Runs one long step on `host` — detached, watched, with its progress
    /// line and log — and stops the phase when it does not succeed.
    pub fn watched(
        &self,
        host: &Host,
        step: Step,
        command: &str,
        input: Option<Secret>,
        timeout: Duration,
    ) -> Result<HostSummary> {
        let job = Job {
            host,
            command: command.to_string(),
            input,
            already_done: false,
        };
        let policy = Policy {
            forks: 1,
            timeout,
            keep_going: false,
            stall_after: self.config.stall_after,
        };
        let result = step::run(&self.env(), step, std::slice::from_ref(&job), &policy)
            .into_iter()
            .next()
            .context(crate::messages::phases::NO_RESULT)?;
        // Ctrl-C left the job running (the step said where): that is an
        // interruption, exit 130, not a failure of the step.
        if result.outcome != Outcome::Succeeded && crate::interrupt::requested() {
            return Err(Problem::interrupted().into());
        }
        if result.outcome != Outcome::Succeeded {
            self.failed_host(result.summary(step));
            return Err(super::failed(self, host, &result.outcome.describe(step)));
        }
        Ok(HostSummary {
            outcome: Some(Outcome::Succeeded.name()),
            host: host.name.clone(),
            result: step.done().into(),
            seconds: result.elapsed.as_secs_f64(),
            detail: None,
            cause: None,
        })
    }

    /// Runs one long step on each of `jobs` — `--forks` at once, every host
    /// to its end whatever the others do — and returns their results in
    /// the jobs' order; Ctrl-C, which leaves the jobs running, is exit 130.
    pub fn watched_each(
        &self,
        step: Step,
        jobs: &[Job],
        timeout: Duration,
    ) -> Result<Vec<HostResult>> {
        let policy = Policy {
            forks: self.config.forks,
            timeout,
            keep_going: true,
            stall_after: self.config.stall_after,
        };
        let results = step::run(&self.env(), step, jobs, &policy);
        if crate::interrupt::requested() {
            return Err(Problem::interrupted().into());
        }
        Ok(results)
    }

    /// Asks each of `hosts` — `--forks` at once, a tally of those still
    /// being asked on a terminal — its read-only `cmd`, the answer read by
    /// `parse`; a host that cannot be asked, or answers nonsense, has the
    /// advice saying why. Ctrl-C meanwhile is exit 130.
    pub fn survey_each<T: Send>(
        &self,
        hosts: &[&Host],
        cmd: impl Fn(&Host) -> Cmd + Sync,
        parse: impl Fn(&str) -> Result<T> + Sync,
    ) -> Result<Vec<Result<T, Advice>>> {
        let progress = crate::ui::progress::Progress::new(self.config.ui, &[]);
        let tally = progress.tally(crate::messages::phases::SURVEYING, hosts.len());
        let answers = preflight::pool::map(hosts, self.config.forks, |host| {
            let _asking = tally.asking(&host.name);
            match self.run(host, &cmd(host), SURVEY_LIMIT) {
                Ok(output) if output.success() => parse(&output.stdout_text())
                    .map_err(|err| crate::messages::remote::probe_unreadable(&err)),
                Ok(output) => Err(crate::messages::remote::probe_exited(
                    output.code,
                    &output.stderr_text(),
                )),
                Err(err) => Err(preflight::classify(&err).advice),
            }
        });
        drop(tally);
        drop(progress);
        if crate::interrupt::requested() {
            return Err(Problem::interrupted().into());
        }
        Ok(answers)
    }

    /// A line about the phase at hand, to the person and to the run log.
    pub fn say(&self, text: &str) {
        self.log.line(text);
        if !self.config.ui.quiet {
            self.print(text);
        }
    }

    /// Like [`Ctx::say`], but shown with `--quiet` too: a warning.
    pub fn warn(&self, text: &str) {
        self.log.line(text);
        self.print(text);
    }

    /// Above any live lines (another chain may be drawing its own).
    fn print(&self, text: &str) {
        let line = match self.voice {
            Voice::Headed => format!("    {text}"),
            Voice::Prefixed | Voice::Interleaved => format!("{}: {text}", self.title),
        };
        crate::ui::progress::print_above(&line);
    }

    /// A phase begins: its heading, where the voice has them.
    /// A host's line for the record of the phase failing now.
    pub fn failed_host(&self, line: HostSummary) {
        self.failed_hosts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(line);
    }

    /// The host lines the phase that just failed left.
    pub fn take_failed_hosts(&mut self) -> Vec<HostSummary> {
        std::mem::take(
            self.failed_hosts
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }

    pub fn begin(&mut self, number: usize, total: usize, title: &'static str) {
        self.title = title;
        self.log.line(&format!("== {title}"));
        if self.voice != Voice::Prefixed {
            crate::ui::progress::print_above(&format!(
                "{} {}",
                style(format!("[{number}/{total}]")).dim().for_stderr(),
                style(title).bold().for_stderr()
            ));
        }
    }
}

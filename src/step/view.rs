//! What the person and the logs see of a long step: each host's progress
//! line and log, and the failure blocks, worded by `crate::messages`, with
//! the failed host's diagnosis under its block. It shows the scheduler's
//! effects and decides nothing.

use std::time::{Duration, Instant, SystemTime};

use crate::artifacts::{Artifacts, Log};
use crate::diagnosis::Diagnosis;
use crate::events::{self, EventKind, Occurrence};
use crate::messages::{self, AsyncStatus, progress as say};
use crate::remote::Session;
use crate::ui::progress::{HostLine, Progress};

use super::driver::Update;
use super::scheduler::{Effect, Fault};
use super::watcher::Event;
use super::{Env, Job};
use crate::kube::Step;

pub struct View<'a> {
    step: Step,
    jobs: &'a [Job<'a>],
    progress: Progress,
    /// One a job; None when it could not be opened.
    logs: Vec<Option<Log>>,
    /// A job's line, once it was skipped or started.
    lines: Vec<Option<HostLine>>,
    /// Each job's output lines so far, for its failure block.
    stdout: Vec<Vec<String>>,
    stderr: Vec<Vec<String>>,
    verbose: bool,
    timeout: Duration,
    /// The control plane endpoint, for the timeout message's curl line.
    endpoint: String,
    /// The phase running the step, for its events.
    phase: &'static str,
    /// Each job's kubeadm phase last said, so a change is said once.
    step_phases: Vec<Option<String>>,
    /// Each job's stall notice while it stalls.
    stalls: Vec<Option<String>>,
    /// Where a failed host's evidence is gathered, and masked.
    session: &'a Session,
    artifacts: &'a Artifacts,
    /// When each job was started, for the journal's lines since then.
    started: Vec<Option<Instant>>,
    diagnoses: Vec<Option<Diagnosis>>,
}

impl<'a> View<'a> {
    pub fn new(env: &Env<'a>, step: Step, jobs: &'a [Job<'a>], timeout: Duration) -> Self {
        let names: Vec<&str> = jobs.iter().map(|job| job.host.name.as_str()).collect();
        let progress = Progress::new(env.ui, &names);
        let logs = names
            .iter()
            .map(|name| env.artifacts.log(Some(name)).ok())
            .collect();
        Self {
            step,
            jobs,
            progress,
            logs,
            lines: jobs.iter().map(|_| None).collect(),
            stdout: vec![Vec::new(); jobs.len()],
            stderr: vec![Vec::new(); jobs.len()],
            verbose: env.ui.verbose > 0,
            timeout,
            endpoint: env.endpoint.clone().unwrap_or_default(),
            phase: env.phase,
            step_phases: vec![None; jobs.len()],
            stalls: vec![None; jobs.len()],
            session: env.session,
            artifacts: env.artifacts,
            started: vec![None; jobs.len()],
            diagnoses: vec![None; jobs.len()],
        }
    }

    /// An event about one host's step, with the step's name in its details.
    fn event(&self, kind: EventKind, host: usize) -> Occurrence {
        Occurrence::new(kind)
            .host(self.name(host))
            .phase(self.phase)
            .detail("step", self.step.job())
    }

    /// The host's likely cause for its `failed` or `timed_out` event: only
    /// a known one.
    fn cause(&self, host: usize) -> Option<&Diagnosis> {
        self.diagnoses[host].as_ref().filter(|found| found.known())
    }

    /// Each job's diagnosis, where it failed and was diagnosed.
    pub fn diagnoses(self) -> Vec<Option<Diagnosis>> {
        self.diagnoses
    }

    pub fn show(&mut self, effect: &Effect) {
        let step = self.step;
        match effect {
            Effect::Skip(host) => {
                events::emit(
                    self.event(EventKind::Skipped, *host)
                        .detail("result", step.already())
                        .detail("reason", step.already_because()),
                );
                let text = say::already_done(step);
                let line = self.progress.host(self.name(*host), say::CHECKING);
                line.note(&text);
                self.log(*host, &text);
                self.lines[*host] = Some(line);
            }
            Effect::Start(host) => {
                events::emit(self.event(EventKind::HostStarted, *host));
                self.started[*host] = Some(Instant::now());
                self.lines[*host] = Some(self.progress.host(self.name(*host), say::CONNECTING));
            }
            // The runner's business: the driver stops.
            Effect::Stop(_) => {}
            Effect::Relay(host, update) => self.relay(*host, update),
            Effect::Running(host, phase) => {
                if phase.is_some() && *phase != self.step_phases[*host] {
                    self.step_phases[*host].clone_from(phase);
                    let changed = self.event(EventKind::PhaseChanged, *host);
                    events::emit(changed.detail("step_phase", phase.as_deref()));
                }
                self.show_running(*host);
            }
            Effect::Stalled(host, quiet, last_line) => {
                let unit = step.unit();
                events::emit(
                    self.event(EventKind::Stalled, *host)
                        .detail("seconds", quiet.as_secs())
                        .detail("unit", unit)
                        .detail("last_line", last_line.as_deref()),
                );
                let notice = say::stalled(*quiet, unit, last_line.as_deref());
                self.log(*host, &notice);
                self.stalls[*host] = Some(notice);
                self.show_running(*host);
            }
            Effect::Resumed(host) => {
                events::emit(self.event(EventKind::Resumed, *host));
                self.log(*host, say::RESUMED);
                self.stalls[*host] = None;
                self.show_running(*host);
            }
            Effect::Succeeded(host, elapsed) => {
                events::emit(
                    self.event(EventKind::Succeeded, *host)
                        .detail("result", step.done())
                        .detail("seconds", elapsed.as_secs_f64()),
                );
                self.log(*host, step.done());
                let text = say::succeeded(step, *elapsed);
                self.line(*host, |line| line.succeed(&text));
            }
            Effect::Failed(host, fault) => self.failed(*host, fault),
            Effect::TimedOut(host, rc) => self.timed_out(*host, *rc),
            Effect::Unreachable(host, since) => self.unreachable(*host, *since),
            Effect::LeftRunning(hosts) => {
                let mut names = Vec::new();
                for &host in hosts {
                    events::emit(self.event(EventKind::LeftRunning, host));
                    self.line(host, |line| line.note(say::LEFT_RUNNING));
                    names.push(self.name(host));
                }
                self.progress.print_block(&say::left_running(step, &names));
            }
        }
    }

    /// The running line, in kubeadm's phase, with the stall notice while
    /// there is one.
    fn show_running(&self, host: usize) {
        let running = say::running(self.step, self.step_phases[host].as_deref());
        let state = match &self.stalls[host] {
            Some(notice) => say::running_stalled(&running, notice),
            None => running,
        };
        self.set_line(host, state);
    }

    fn relay(&mut self, host: usize, update: &Update) {
        match update {
            Update::Starting => {
                self.log(host, self.step.starting());
                self.set_line(host, self.step.starting().into());
            }
            Update::Running { attached } => {
                self.log(host, say::job_running(*attached));
                self.set_line(host, self.step.running().into());
            }
            Update::Reconnecting(reason) => {
                self.log(host, &say::reconnecting_log(reason));
                self.set_line(host, say::reconnecting(reason));
            }
            Update::Watched(event) => self.observed(host, event),
            // Never relayed: the scheduler shows it as a failure.
            Update::Broken(_) => {}
        }
    }

    fn observed(&mut self, host: usize, event: &Event) {
        match event {
            Event::Output(line) => {
                self.log(host, &say::output("stdout", line));
                self.stdout[host].push(line.clone());
            }
            Event::Error(line) => {
                self.log(host, &say::output("stderr", line));
                self.stderr[host].push(line.clone());
            }
            Event::FileAppeared => self.log(host, &say::file_appeared(self.step)),
            Event::Exited(code) => self.log(host, &say::exited(*code)),
            Event::Vanished => self.log(host, say::VANISHED_LOG),
            Event::Journal(line) => self.log(host, &say::output(self.step.unit(), line)),
            Event::Alive => {}
        }
    }

    /// Prints the failure block the moment it is known, then the likely
    /// cause under it.
    fn failed(&mut self, host: usize, fault: &Fault) {
        let (step, name, address) = (self.step, self.name(host), self.address(host));
        let mut text = match fault {
            Fault::Exit(code) => {
                let stderr = self.stderr[host].join("\n");
                messages::step_failed(step, name, address, *code, &stderr)
            }
            Fault::Vanished => messages::step_failed_because(step, name, address, say::VANISHED),
            Fault::NoFile => {
                messages::step_failed_because(step, name, address, &say::no_file(step))
            }
            Fault::Driver(error) => format!("{}\n{error}", messages::host_line(name, address)),
        };
        if self.verbose {
            let rc = fault.exit_code();
            let status = self.status(host, rc.map(|_| true), rc);
            text.push_str("\n\n");
            text.push_str(&messages::job_status(step, &status));
        }
        if !matches!(fault, Fault::Driver(_)) {
            self.diagnose(host, &mut text);
        }
        events::emit(
            self.event(EventKind::Failed, host)
                .exit_code(fault.exit_code())
                .detail("reason", fault.reason(step))
                .cause(self.cause(host)),
        );
        self.block(host, &text);
        self.line(host, |line| {
            line.fail(&say::line_failed(&fault.reason(step)))
        });
    }

    /// Asks the host why its step failed, for the steps whose failures the
    /// table knows, and puts the answer under the block's `text`: printed
    /// as one, so no other line comes between them.
    fn diagnose(&mut self, host: usize, text: &mut String) {
        if !self.step.diagnosed() {
            return;
        }
        let asked = Instant::now();
        let since = self.started[host].map_or(Duration::ZERO, |at| at.elapsed());
        let output: Vec<String> = self.stderr[host]
            .iter()
            .chain(&self.stdout[host])
            .cloned()
            .collect();
        let diagnosis = super::diagnose::gather(
            self.session,
            self.artifacts,
            self.jobs[host].host,
            self.step.unit(),
            since,
            &output,
        );
        self.log(host, &messages::diagnosis::diagnosed_in(asked.elapsed()));
        text.push('\n');
        text.push_str(&diagnosis.text());
        self.diagnoses[host] = Some(diagnosis);
    }

    fn timed_out(&mut self, host: usize, rc: Option<i32>) {
        // As observed: a service start may have exited cleanly and still
        // not produced its file.
        let status = self.status(host, Some(rc.is_some()), rc);
        let text = messages::step_timed_out(
            self.step,
            self.name(host),
            self.address(host),
            self.timeout,
            &status,
            &self.endpoint,
        );
        let mut text = text;
        self.diagnose(host, &mut text);
        events::emit(
            self.event(EventKind::TimedOut, host)
                .exit_code(rc)
                .detail("seconds", self.timeout.as_secs())
                .cause(self.cause(host)),
        );
        self.block(host, &text);
        let text = say::line_timed_out(self.timeout, rc.is_none());
        self.line(host, |line| line.fail(&text));
    }

    fn unreachable(&self, host: usize, since: Instant) {
        // The clock's time of that moment, in whole seconds of silence.
        let silent = Duration::from_secs(Instant::now().saturating_duration_since(since).as_secs());
        let at = SystemTime::now() - silent;
        let (name, address) = (self.name(host), self.address(host));
        let stamp = humantime::format_rfc3339_seconds(at).to_string();
        events::emit(
            self.event(EventKind::Unreachable, host)
                .detail("since", stamp),
        );
        let text = messages::step_unreachable(self.step, name, address, self.timeout, at, silent);
        self.block(host, &text);
        let text = say::line_unreachable(at);
        self.line(host, |line| line.fail(&text));
    }

    fn status(&self, host: usize, finished: Option<bool>, rc: Option<i32>) -> AsyncStatus {
        AsyncStatus {
            finished,
            rc,
            stdout: self.stdout[host].join("\n"),
            stderr: self.stderr[host].join("\n"),
        }
    }

    /// A failure block: in the host's log and above the live lines.
    fn block(&self, host: usize, text: &str) {
        self.log(host, text);
        self.progress.print_block(text);
    }

    fn name(&self, host: usize) -> &'a str {
        &self.jobs[host].host.name
    }

    fn address(&self, host: usize) -> &'a str {
        &self.jobs[host].host.address
    }

    fn log(&self, host: usize, text: &str) {
        if let Some(log) = &self.logs[host] {
            log.line(text);
        }
    }

    fn line(&self, host: usize, show: impl FnOnce(&HostLine)) {
        if let Some(line) = &self.lines[host] {
            show(line);
        }
    }

    fn set_line(&self, host: usize, state: String) {
        self.line(host, |line| line.set(state));
    }
}

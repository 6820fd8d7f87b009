//! One host's long step over SSH (a join, kubeadm init, ...): start it as
//! a detached job (or attach to the one already running), then stream the
//! watch loop's reports, reconnecting with backoff when the connection
//! drops — the job itself never notices.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

use crate::remote::job::{self, Started};
use crate::remote::{Cmd, Ending, Event as StreamEvent, RemoteError, Session, Target};
use crate::secret::Secret;

use super::engine::{self, Driver, Options, Report, Worker, WorkerResult};
use super::kind::Step;
use super::watch;
use super::watcher::Event;
use crate::artifacts::Artifacts;
use crate::ui::Ui;
use crate::ui::progress::Progress;

/// Through `/bin/sh -c`, as the old playbook ran it, so a missing kubeadm
/// reads `/bin/sh: 1: kubeadm: not found` with exit code 127. The
/// JoinConfiguration (with the token) is the job's stdin.
pub const JOIN_COMMAND: &str = "kubeadm join --config /dev/stdin";

/// How often a driver looks at its stop flag while nothing arrives.
const POLL: Duration = Duration::from_millis(100);
/// Reconnection backoff: from the first to the longest wait.
const BACKOFF: (Duration, Duration) = (Duration::from_millis(250), Duration::from_secs(5));

/// What a host's job needs: where it is, the shell command it runs (with
/// `/bin/sh -c`), and what it reads on stdin.
pub struct Assignment {
    pub target: Target,
    pub command: String,
    /// Secrets allowed: it reaches the job on stdin, from a 0600 file.
    pub input: Option<Secret>,
}

pub struct SshDriver<'a> {
    pub step: Step,
    pub session: &'a Session,
    /// By host name.
    pub assignments: HashMap<String, Assignment>,
    /// Its secret registry masks every text that leaves the driver.
    pub artifacts: &'a Artifacts,
}

impl Driver for SshDriver<'_> {
    fn drive(&self, worker: &Worker, reports: &Sender<Report>, stop: &AtomicBool) {
        let Some(assignment) = self.assignments.get(&worker.name) else {
            let _ = reports.send(Report::Error(format!(
                "{}: no connection settings",
                worker.name
            )));
            return;
        };
        let _ = reports.send(Report::State(self.step.starting().into()));
        let argv = ["/bin/sh", "-c", assignment.command.as_str()];
        let input = assignment
            .input
            .as_ref()
            .map(|input| input.expose().as_bytes());
        let started = job::start(
            self.session,
            &assignment.target,
            self.step.job(),
            &argv,
            input,
        );
        match started {
            Ok(Started::New { .. }) => {
                let _ = reports.send(Report::Running { attached: false });
            }
            Ok(Started::Attached { .. }) => {
                let _ = reports.send(Report::Running { attached: true });
            }
            Err(err) => {
                let _ = reports.send(Report::Error(self.redact(&with_fix(&err))));
                return;
            }
        }
        self.watch(&assignment.target, reports, stop);
    }
}

impl SshDriver<'_> {
    fn redact(&self, text: &str) -> String {
        self.artifacts.redact(text)
    }

    /// Streams the watch loop until the join has ended or `stop` is set.
    fn watch(&self, target: &Target, reports: &Sender<Report>, stop: &AtomicBool) {
        let mut sent = Sent::default();
        let mut backoff = BACKOFF.0;
        while !stop.load(Ordering::Relaxed) {
            let lost = match self.watch_once(target, reports, stop, &mut sent) {
                Watched::Ended | Watched::Stopped => return,
                Watched::Lost(reason) => reason,
                Watched::Broken(reason) => {
                    let _ = reports.send(Report::Error(self.redact(&reason)));
                    return;
                }
            };
            let _ = reports.send(Report::Reconnecting(self.redact(&lost)));
            let until = Instant::now() + backoff;
            while Instant::now() < until {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                std::thread::sleep(POLL.min(until.saturating_duration_since(Instant::now())));
            }
            backoff = (backoff * 2).min(BACKOFF.1);
        }
    }

    fn watch_once(
        &self,
        target: &Target,
        reports: &Sender<Report>,
        stop: &AtomicBool,
        sent: &mut Sent,
    ) -> Watched {
        let label = format!("watch the {}", self.step.noun());
        let cmd = Cmd::script(&label, &format!("{}{}", job::DIR_SH, watch::SCRIPT))
            .var("JOB", self.step.job())
            .var("FILE", self.step.file())
            .var("OUT_SENT", sent.out.to_string())
            .var("ERR_SENT", sent.err.to_string());
        let stream = match self.session.stream(target, &cmd, None) {
            Ok(stream) => stream,
            Err(err) => return lost_or_broken(&err),
        };
        loop {
            if stop.load(Ordering::Relaxed) {
                return Watched::Stopped;
            }
            match stream.recv_timeout(POLL) {
                Ok(None) => {}
                Ok(Some(StreamEvent::Line(line))) => {
                    let Some(event) = watch::parse_line(&line) else {
                        continue;
                    };
                    match &event {
                        Event::Output(_) => sent.out += 1,
                        Event::Error(_) => sent.err += 1,
                        Event::FileAppeared => {}
                        Event::Exited(_) | Event::Vanished => sent.ended = true,
                    }
                    let event = match event {
                        Event::Output(text) => Event::Output(self.redact(&text)),
                        Event::Error(text) => Event::Error(self.redact(&text)),
                        other => other,
                    };
                    if reports.send(Report::Event(event)).is_err() {
                        return Watched::Stopped;
                    }
                }
                Ok(Some(StreamEvent::Ended(Ending::Exited(code)))) => {
                    return if sent.ended {
                        Watched::Ended
                    } else {
                        Watched::Lost(format!("the watch loop ended with code {code}"))
                    };
                }
                Ok(Some(StreamEvent::Ended(Ending::Failed(err)))) => {
                    return if err.failure.retryable() {
                        Watched::Lost(format!("{:#}", anyhow::Error::new(err)))
                    } else {
                        Watched::Broken(format!("{:#}", anyhow::Error::new(err)))
                    };
                }
                // Ctrl-C: the engine decides what to say.
                Err(_) => return Watched::Stopped,
            }
        }
    }
}

/// Lines already reported, so a new watch loop after a reconnection
/// continues where the last one stopped.
#[derive(Debug, Default)]
struct Sent {
    out: usize,
    err: usize,
    ended: bool,
}

enum Watched {
    /// The loop reported the join's end.
    Ended,
    Stopped,
    /// The connection dropped: try again.
    Lost(String),
    /// It cannot work (a changed host key): give up on this worker.
    Broken(String),
}

fn lost_or_broken(err: &anyhow::Error) -> Watched {
    match err.downcast_ref::<RemoteError>() {
        Some(remote) if remote.failure.retryable() => Watched::Lost(format!("{err:#}")),
        _ => Watched::Broken(with_fix(err)),
    }
}

/// The error's whole chain, then its fix: a failure block is all the user
/// sees of it.
fn with_fix(err: &anyhow::Error) -> String {
    match crate::exit::fix_of(err) {
        Some(fix) => format!("{err:#}\nfix: {fix}"),
        None => format!("{err:#}"),
    }
}

/// Runs a long step on `hosts`, watched, with a progress line and a log per
/// host: joins, kubeadm init, the RKE2 install and start all go through here.
pub fn run_step(
    session: &Session,
    artifacts: &Artifacts,
    ui: Ui,
    hosts: &[Worker],
    assignments: HashMap<String, Assignment>,
    options: &Options,
) -> Vec<WorkerResult> {
    let names: Vec<&str> = hosts.iter().map(|host| host.name.as_str()).collect();
    let progress = Progress::new(ui, &names);
    let logs = hosts
        .iter()
        .map(|host| artifacts.log(Some(&host.name)).ok())
        .collect();
    let driver = SshDriver {
        step: options.step,
        session,
        assignments,
        artifacts,
    };
    let interrupted = crate::interrupt::requested;
    let context = engine::Context {
        progress: &progress,
        logs,
        interrupted: &interrupted,
    };
    engine::run(hosts, &driver, options, &context)
}

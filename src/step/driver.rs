//! One host's long step over SSH (a join, kubeadm init, ...): start it as
//! a detached job (or attach to the one already running), then stream the
//! watch loop's reports, reconnecting with backoff when the connection
//! drops — the job itself never notices.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

use crate::artifacts::Artifacts;
use crate::remote::job::{self, Started};
use crate::remote::{Cmd, Ending, RemoteError, Session, StreamEvent, Target};

use super::watch;
use super::watcher::Event;
use super::{Env, Job};
use crate::kube::Step;

/// How often a driver looks at its stop flag while nothing arrives.
const POLL: Duration = Duration::from_millis(100);
/// Reconnection backoff: from the first to the longest wait.
const BACKOFF: (Duration, Duration) = (Duration::from_millis(250), Duration::from_secs(5));

/// What a driver tells the runner about its host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Update {
    /// The job is being started.
    Starting,
    /// The job is running: started now, or found running from an earlier
    /// `deploy` (`attached`).
    Running { attached: bool },
    /// Something the remote watch loop saw.
    Watched(Event),
    /// The connection dropped; the driver is reconnecting.
    Reconnecting(String),
    /// The job could not be started or watched at all.
    Broken(String),
}

/// A driver's way to the runner: one channel for every host, so each
/// update goes out tagged with the host it is about.
pub struct Updates {
    host: usize,
    sender: Sender<(usize, Update)>,
}

impl Updates {
    pub fn new(host: usize, sender: Sender<(usize, Update)>) -> Self {
        Self { host, sender }
    }

    /// False once the runner no longer listens.
    pub fn send(&self, update: Update) -> bool {
        self.sender.send((self.host, update)).is_ok()
    }
}

/// Starts (or attaches to) one host's job and reports what it sees until
/// `stop` is set or the job has ended.
pub trait Driver: Sync {
    fn drive(&self, host: usize, updates: &Updates, stop: &AtomicBool);
}

/// The driver over SSH, for the jobs of one step.
pub struct SshDriver<'a> {
    step: Step,
    session: &'a Session,
    jobs: &'a [Job<'a>],
    /// Its secret registry masks every text that leaves the driver.
    artifacts: &'a Artifacts,
}

impl<'a> SshDriver<'a> {
    pub fn new(env: &Env<'a>, step: Step, jobs: &'a [Job<'a>]) -> Self {
        Self {
            step,
            session: env.session,
            jobs,
            artifacts: env.artifacts,
        }
    }
}

impl Driver for SshDriver<'_> {
    fn drive(&self, host: usize, updates: &Updates, stop: &AtomicBool) {
        let job = &self.jobs[host];
        let target = &job.host.target;
        updates.send(Update::Starting);
        let argv = ["/bin/sh", "-c", job.command.as_str()];
        let input = job.input.as_ref().map(|input| input.expose().as_bytes());
        match job::start(self.session, target, self.step.job(), &argv, input) {
            Ok(Started::New { .. }) => updates.send(Update::Running { attached: false }),
            Ok(Started::Attached { .. }) => updates.send(Update::Running { attached: true }),
            Err(err) => {
                updates.send(Update::Broken(self.redact(&with_fix(&err))));
                return;
            }
        };
        self.watch(target, updates, stop);
    }
}

impl SshDriver<'_> {
    fn redact(&self, text: &str) -> String {
        self.artifacts.redact(text)
    }

    /// Streams the watch loop until the join has ended or `stop` is set.
    fn watch(&self, target: &Target, updates: &Updates, stop: &AtomicBool) {
        let mut sent = Sent::default();
        let mut backoff = BACKOFF.0;
        while !stop.load(Ordering::Relaxed) {
            let lost = match self.watch_once(target, updates, stop, &mut sent) {
                Watched::Ended | Watched::Stopped => return,
                Watched::Lost(reason) => reason,
                Watched::Broken(reason) => {
                    updates.send(Update::Broken(self.redact(&reason)));
                    return;
                }
            };
            updates.send(Update::Reconnecting(self.redact(&lost)));
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
        updates: &Updates,
        stop: &AtomicBool,
        sent: &mut Sent,
    ) -> Watched {
        let label = format!("watch the {}", self.step.noun());
        let cmd = Cmd::script(&label, &format!("{}{}", job::DIR_SH, watch::SCRIPT))
            .var("JOB", self.step.job())
            .var("FILE", self.step.file().unwrap_or_default())
            .var("OUT_SENT", sent.out.to_string())
            .var("ERR_SENT", sent.err.to_string())
            .var("UNIT", self.step.unit())
            .var("JOURNAL_SENT", sent.journal.to_string());
        let stopped = || stop.load(Ordering::Relaxed);
        let stream = match self.session.stream(target, &cmd, &stopped) {
            Ok(stream) => stream,
            Err(_) if stopped() => return Watched::Stopped,
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
                        Event::Journal(_) => sent.journal += 1,
                        Event::FileAppeared | Event::Alive => {}
                        Event::Exited(_) | Event::Vanished => sent.ended = true,
                    }
                    let event = match event {
                        Event::Output(text) => Event::Output(self.redact(&text)),
                        Event::Error(text) => Event::Error(self.redact(&text)),
                        Event::Journal(text) => Event::Journal(self.redact(&text)),
                        other => other,
                    };
                    if !updates.send(Update::Watched(event)) {
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
                // Ctrl-C: the scheduler decides what to say.
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
    journal: usize,
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

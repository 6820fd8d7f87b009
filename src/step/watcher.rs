//! What a long step's observations mean, decided without any I/O: the
//! scheduler feeds in what the remote watch loop reports (the watched file
//! appeared, the job exited, an output line, time passing) and acts on the
//! decisions.
//!
//! For a join these are the incident's fix done properly: kubelet.conf
//! appearing is success at once; a non-zero exit is failure at any moment,
//! even after kubelet.conf appeared (within a grace period); neither within
//! the join timeout is a timeout, and the job is left running — unless the
//! host had stopped answering by then: its join's state is unknown.

use std::time::{Duration, Instant};

use crate::kube::Step;

/// One thing the remote watch loop saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A line of the job's standard output.
    Output(String),
    /// A line of the job's standard error.
    Error(String),
    /// The watched file exists (kubelet.conf for a join).
    FileAppeared,
    /// The job's process ended with this exit code.
    Exited(i32),
    /// The job's process is gone and left no exit code (killed with its
    /// wrapper, or the host rebooted).
    Vanished,
    /// A new line of the journal of the step's unit (the kubelet's).
    Journal(String),
    /// The loop's heartbeat: the host still answers.
    Alive,
}

/// A running step's progress stopping or starting again, for the notice
/// on its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stall {
    /// No progress for this long; the journal's newest line, if any.
    Began {
        quiet: Duration,
        last_line: Option<String>,
    },
    /// Progress again: the notice goes.
    Ended,
}

/// What counts as success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// The file appearing, at once; a clean exit waits the grace period for
    /// it, and a non-zero exit within the grace period still fails (joins).
    FileFirst,
    /// A clean exit; the file does not matter (kubeadm init, an installer).
    CleanExit,
    /// The file appearing; a clean exit only means the job started it, so
    /// the file is awaited until the timeout (a service coming up).
    FileAfterStart,
}

impl Rule {
    /// What counts as success for each kind of step.
    pub fn of(step: Step) -> Rule {
        match step {
            Step::Join => Rule::FileFirst,
            // kubeadm init writes admin.conf long before the control plane
            // is up; only its clean exit says it is done.
            Step::Init | Step::Rke2Install | Step::Reset | Step::Rke2Uninstall | Step::Prepare => {
                Rule::CleanExit
            }
            // systemctl can return before the server has written rke2.yaml.
            Step::Rke2Start => Rule::FileAfterStart,
        }
    }
}

/// What the scheduler should do about the step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// It worked: report it now. With [`Rule::FileFirst`] the watch goes on
    /// for the exit code until [`Watcher::is_done`].
    Succeeded,
    /// The job finished cleanly after it succeeded: stop watching.
    Confirmed,
    /// It failed with this exit code: report it with its stderr.
    Failed(i32),
    /// The job exited 0, yet the file never appeared.
    ExitedWithoutFile,
    /// The job's process disappeared without an exit code.
    Vanished,
    /// No decision within the timeout; the job is left running.
    TimedOut,
    /// No decision within the timeout, and the host has not answered since
    /// this moment: how the job is doing there is unknown.
    Unreachable(Instant),
}

/// How long after kubelet.conf appears we still wait for the join's exit
/// code, so a late non-zero exit is not missed.
pub const GRACE: Duration = Duration::from_secs(10);

/// The watch loop says something at least every second (its heartbeat);
/// this long without a word, the host is taken to have stopped answering.
pub const SILENCE: Duration = Duration::from_secs(5);

/// The state of one host's step.
#[derive(Debug, Clone)]
pub struct Watcher {
    rule: Rule,
    started: Instant,
    timeout: Duration,
    grace: Duration,
    phase: Option<String>,
    succeeded_at: Option<Instant>,
    /// When the job exited 0 with the file not seen yet.
    exited_at: Option<Instant>,
    exit_code: Option<i32>,
    done: bool,
    /// When the host last answered.
    heard: Instant,
    /// The connection to it was lost and is not back yet.
    lost: bool,
    /// How long without progress makes a stall; none: never.
    stall_after: Option<Duration>,
    /// Any output line is progress, not only kubeadm's phase lines (the
    /// steps that are not kubeadm's).
    any_output: bool,
    /// When a new kubeadm phase line or journal line last came.
    progressed: Instant,
    last_line: Option<String>,
    stalled: bool,
}

impl Watcher {
    pub fn new(rule: Rule, started: Instant, timeout: Duration, grace: Duration) -> Self {
        Self {
            rule,
            started,
            timeout,
            grace,
            phase: None,
            succeeded_at: None,
            exited_at: None,
            exit_code: None,
            done: false,
            heard: started,
            lost: false,
            stall_after: None,
            any_output: false,
            progressed: started,
            last_line: None,
            stalled: false,
        }
    }

    /// Said to stall after `after` without progress: a new kubeadm phase
    /// line or journal line, or with `any_output` any line of output.
    pub fn stalls_after(mut self, after: Duration, any_output: bool) -> Self {
        self.stall_after = Some(after);
        self.any_output = any_output;
        self
    }

    /// Whether the step stalled or resumed by `now`: said once each time
    /// it changes, and never once the watch is done or succeeded.
    pub fn stall(&mut self, now: Instant) -> Option<Stall> {
        let after = self.stall_after?;
        if self.done || self.succeeded_at.is_some() {
            return None;
        }
        let quiet = now.saturating_duration_since(self.progressed);
        match (self.stalled, quiet >= after) {
            (false, true) => {
                self.stalled = true;
                Some(Stall::Began {
                    quiet,
                    last_line: self.last_line.clone(),
                })
            }
            (true, false) => {
                self.stalled = false;
                Some(Stall::Ended)
            }
            _ => None,
        }
    }

    /// The host answered (the job started, the loop said something).
    pub fn heard(&mut self, now: Instant) {
        self.heard = now;
        self.lost = false;
    }

    /// The connection to the host was lost; it is being made again.
    pub fn lost(&mut self) {
        self.lost = true;
    }

    /// Since when the host has not answered, if it has stopped answering.
    fn unreachable_since(&self, now: Instant) -> Option<Instant> {
        (self.lost || now.saturating_duration_since(self.heard) >= SILENCE).then_some(self.heard)
    }

    /// kubeadm's current phase (`kubelet-start`, ...), from its output.
    pub fn phase(&self) -> Option<&str> {
        self.phase.as_deref()
    }

    /// The job's exit code, once seen.
    pub fn exit_code(&self) -> Option<i32> {
        self.exit_code
    }

    /// Nothing more to watch.
    pub fn is_done(&self) -> bool {
        self.done
    }

    pub fn observe(&mut self, event: Event, now: Instant) -> Option<Decision> {
        if self.done {
            return None;
        }
        self.heard(now);
        match event {
            Event::Alive => None,
            Event::Output(line) => {
                if let Some(phase) = phase_of(&line) {
                    self.phase = Some(phase.to_string());
                    self.progressed = now;
                } else if self.any_output {
                    self.progressed = now;
                }
                None
            }
            Event::Error(_) => None,
            Event::Journal(line) => {
                self.last_line = Some(line);
                self.progressed = now;
                None
            }
            Event::FileAppeared => self.file_appeared(now),
            Event::Exited(code) => {
                self.exit_code = Some(code);
                if code != 0 {
                    return Some(self.finish(Decision::Failed(code)));
                }
                match self.rule {
                    Rule::CleanExit => Some(self.finish(Decision::Succeeded)),
                    Rule::FileFirst if self.succeeded_at.is_some() => {
                        Some(self.finish(Decision::Confirmed))
                    }
                    // A join writes kubelet.conf before it exits 0; give the
                    // file the grace period to be seen before calling it odd.
                    // A service start waits for its file to the timeout.
                    Rule::FileFirst | Rule::FileAfterStart => {
                        self.exited_at = Some(now);
                        None
                    }
                }
            }
            Event::Vanished => Some(self.finish(Decision::Vanished)),
        }
    }

    fn file_appeared(&mut self, now: Instant) -> Option<Decision> {
        match self.rule {
            Rule::CleanExit => None,
            Rule::FileAfterStart => Some(self.finish(Decision::Succeeded)),
            Rule::FileFirst if self.succeeded_at.is_some() => None,
            Rule::FileFirst => {
                self.succeeded_at = Some(now);
                // Only a clean exit is ever remembered: a failed one ends
                // the watch at once. Succeeded and exited: nothing left to see.
                if self.exited_at.is_some() {
                    return Some(self.finish(Decision::Succeeded));
                }
                Some(Decision::Succeeded)
            }
        }
    }

    /// Time passing with nothing observed.
    pub fn tick(&mut self, now: Instant) -> Option<Decision> {
        if self.done || now < self.deadline() {
            return None;
        }
        let decision = match (self.rule, self.succeeded_at, self.exited_at) {
            // Succeeded, and the exit code did not come within the grace
            // period: the success stands.
            (Rule::FileFirst, Some(_), _) => Decision::Confirmed,
            (Rule::FileFirst, None, Some(_)) => Decision::ExitedWithoutFile,
            _ => match self.unreachable_since(now) {
                Some(since) => Decision::Unreachable(since),
                None => Decision::TimedOut,
            },
        };
        Some(self.finish(decision))
    }

    /// The next moment [`tick`](Self::tick) could decide something.
    pub fn deadline(&self) -> Instant {
        match (self.rule, self.succeeded_at, self.exited_at) {
            (Rule::FileFirst, Some(succeeded_at), _) => succeeded_at + self.grace,
            (Rule::FileFirst, None, Some(exited_at)) => exited_at + self.grace,
            _ => self.started + self.timeout,
        }
    }

    fn finish(&mut self, decision: Decision) -> Decision {
        self.done = true;
        decision
    }
}

/// kubeadm prints `[kubelet-start] Writing kubelet configuration ...`: the
/// word in brackets at the start of a line is the phase it is in.
pub fn phase_of(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix('[')?;
    let phase = &rest[..rest.find(']')?];
    let valid = !phase.is_empty()
        && phase
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '/');
    valid.then_some(phase)
}

#[cfg(test)]
mod tests;

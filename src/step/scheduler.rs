//! The rules of a long step over many hosts, as a state machine with no
//! threads, channels or clock: the runner hands in what a driver said, a
//! tick or Ctrl-C, each with the time it happened, and carries out the
//! effects returned. Every host's own observations are decided by its
//! [`Watcher`]; what is decided here is the rest — which host starts when,
//! what stops new starts, and what each host's end means for the run.

use std::time::{Duration, Instant};

use super::driver::Update;
use super::watcher::{Decision, GRACE, Rule, Stall, Watcher};
use super::{Outcome, Policy};
use crate::kube::Step;

/// Something that happened, for [`Scheduler::handle`].
#[derive(Debug)]
pub enum Input {
    /// A host's driver said this.
    Update(usize, Update),
    /// Time passed: a watcher's deadline may have come.
    Tick,
    /// Ctrl-C.
    Interrupt,
    /// Another part of the run failed: start no more hosts, and watch
    /// those started to their end.
    Halt,
}

/// What the runner must do, in this order. Hosts are job indices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// The host's work is already done: reported, never started.
    Skip(usize),
    /// Start the host's driver.
    Start(usize),
    /// Nothing more is awaited from the host's driver: it may end.
    Stop(usize),
    /// Show and log what the host's driver said.
    Relay(usize, Update),
    /// The host's job runs, in this kubeadm phase when one is known.
    Running(usize, Option<String>),
    /// The host's step worked, this long after it started.
    Succeeded(usize, Duration),
    Failed(usize, Fault),
    /// Neither success nor failure within the timeout; the job's exit code
    /// when it exited (without one it is left running).
    TimedOut(usize, Option<i32>),
    /// Neither within the timeout, and the host has not answered since
    /// this moment: how its job is doing is unknown.
    Unreachable(usize, Instant),
    /// Ctrl-C stopped the watching: these hosts' jobs keep running.
    LeftRunning(Vec<usize>),
    /// The host's job has shown no progress for this long; the newest
    /// journal line of its unit, if any. It keeps running.
    Stalled(usize, Duration, Option<String>),
    /// The stalled job shows progress again.
    Resumed(usize),
}

/// Why a host's step failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// The job exited with this non-zero code.
    Exit(i32),
    /// The job's process disappeared without an exit code.
    Vanished,
    /// The job exited 0, yet the watched file never appeared.
    NoFile,
    /// The driver could not start or watch the job; its error.
    Driver(String),
}

impl Fault {
    /// The reason, in the host's outcome and on its line.
    pub fn reason(&self, step: Step) -> String {
        match self {
            Fault::Exit(code) => format!("exit code {code}"),
            Fault::Vanished => "the process vanished".into(),
            Fault::NoFile => format!("exited 0 without {}", step.file().unwrap_or_default()),
            Fault::Driver(_) => format!("the {} could not be started or watched", step.noun()),
        }
    }

    /// The job's exit code, when it was seen.
    pub fn exit_code(&self) -> Option<i32> {
        match self {
            Fault::Exit(code) => Some(*code),
            Fault::NoFile => Some(0),
            Fault::Vanished | Fault::Driver(_) => None,
        }
    }
}

/// Where one host stands.
#[derive(Debug)]
enum Stage {
    Queued,
    /// Started; counts against the forks.
    Running(Watcher),
    /// Succeeded, and still watched within the grace period for a late
    /// non-zero exit. Keeps its fork: its SSH session is still open.
    Grace(Watcher),
    Done(Outcome),
}

#[derive(Debug)]
struct Slot {
    stage: Stage,
    started: Option<Instant>,
    ended: Option<Instant>,
}

#[derive(Debug)]
pub struct Scheduler {
    step: Step,
    policy: Policy,
    slots: Vec<Slot>,
    /// After a failure (without keep-going) or Ctrl-C.
    no_more_starts: bool,
}

impl Scheduler {
    /// A scheduler with a host for each flag in `already_done`, and its
    /// first effects: the hosts already done are skipped, and the first
    /// `forks` of the others start.
    pub fn start(
        step: Step,
        policy: Policy,
        already_done: &[bool],
        now: Instant,
    ) -> (Self, Vec<Effect>) {
        let mut effects = Vec::new();
        let slots = already_done
            .iter()
            .enumerate()
            .map(|(host, &done)| {
                let stage = if done {
                    effects.push(Effect::Skip(host));
                    Stage::Done(Outcome::AlreadyDone)
                } else {
                    Stage::Queued
                };
                Slot {
                    stage,
                    started: None,
                    ended: None,
                }
            })
            .collect();
        let mut scheduler = Self {
            step,
            policy,
            slots,
            no_more_starts: false,
        };
        scheduler.start_more(now, &mut effects);
        (scheduler, effects)
    }

    pub fn handle(&mut self, input: Input, now: Instant) -> Vec<Effect> {
        let mut effects = Vec::new();
        match input {
            Input::Update(host, update) => self.update(host, update, now, &mut effects),
            Input::Tick => {
                for host in 0..self.slots.len() {
                    let decision = match &mut self.slots[host].stage {
                        Stage::Running(watcher) | Stage::Grace(watcher) => watcher.tick(now),
                        _ => None,
                    };
                    match decision {
                        Some(decision) => self.decide(host, decision, now, &mut effects),
                        None => self.stall(host, now, &mut effects),
                    }
                }
            }
            Input::Interrupt => self.interrupt(now, &mut effects),
            Input::Halt => self.no_more_starts = true,
        }
        self.start_more(now, &mut effects);
        effects
    }

    /// The nearest moment a [`Input::Tick`] could decide something.
    pub fn deadline(&self) -> Option<Instant> {
        self.slots
            .iter()
            .filter_map(|slot| match &slot.stage {
                Stage::Running(watcher) | Stage::Grace(watcher) => Some(watcher.deadline()),
                _ => None,
            })
            .min()
    }

    /// Nothing is watched, so nothing more can happen: whatever is still
    /// queued never starts.
    pub fn finished(&self) -> bool {
        self.watched() == 0
    }

    /// Each host's outcome and how long its step took, in job order.
    pub fn results(self) -> Vec<(Outcome, Duration)> {
        self.slots
            .into_iter()
            .map(|slot| {
                let elapsed = match (slot.started, slot.ended) {
                    (Some(started), Some(ended)) => ended - started,
                    _ => Duration::ZERO,
                };
                let outcome = match slot.stage {
                    Stage::Done(outcome) => outcome,
                    Stage::Grace(_) => Outcome::Succeeded,
                    Stage::Queued | Stage::Running(_) => Outcome::NotStarted,
                };
                (outcome, elapsed)
            })
            .collect()
    }

    fn watched(&self) -> usize {
        self.slots
            .iter()
            .filter(|slot| matches!(slot.stage, Stage::Running(_) | Stage::Grace(_)))
            .count()
    }

    fn start_more(&mut self, now: Instant, effects: &mut Vec<Effect>) {
        while !self.no_more_starts && self.watched() < self.policy.forks.max(1) {
            let Some(host) = self
                .slots
                .iter()
                .position(|slot| matches!(slot.stage, Stage::Queued))
            else {
                break;
            };
            let watcher = Watcher::new(Rule::of(self.step), now, self.policy.timeout, GRACE)
                .stalls_after(self.policy.stall_after, !self.step.kubeadm());
            let slot = &mut self.slots[host];
            slot.stage = Stage::Running(watcher);
            slot.started = Some(now);
            effects.push(Effect::Start(host));
        }
    }

    fn update(&mut self, host: usize, update: Update, now: Instant, effects: &mut Vec<Effect>) {
        // Late words from a host already decided change nothing.
        let (watcher, running) = match &mut self.slots[host].stage {
            Stage::Running(watcher) => (watcher, true),
            Stage::Grace(watcher) => (watcher, false),
            Stage::Queued | Stage::Done(_) => return,
        };
        let event = match update {
            Update::Broken(error) => return self.fail(host, Fault::Driver(error), now, effects),
            Update::Watched(event) => event,
            other => {
                match other {
                    Update::Running { .. } => watcher.heard(now),
                    Update::Reconnecting(_) => watcher.lost(),
                    _ => {}
                }
                return effects.push(Effect::Relay(host, other));
            }
        };
        effects.push(Effect::Relay(host, Update::Watched(event.clone())));
        match watcher.observe(event, now) {
            Some(decision) => self.decide(host, decision, now, effects),
            None if running => {
                let phase = watcher.phase().map(str::to_owned);
                effects.push(Effect::Running(host, phase));
                self.stall(host, now, effects);
            }
            None => {}
        }
    }

    /// A running host's stall beginning or ending.
    fn stall(&mut self, host: usize, now: Instant, effects: &mut Vec<Effect>) {
        let Stage::Running(watcher) = &mut self.slots[host].stage else {
            return;
        };
        match watcher.stall(now) {
            Some(Stall::Began { quiet, last_line }) => {
                effects.push(Effect::Stalled(host, quiet, last_line));
            }
            Some(Stall::Ended) => effects.push(Effect::Resumed(host)),
            None => {}
        }
    }

    fn decide(&mut self, host: usize, decision: Decision, now: Instant, effects: &mut Vec<Effect>) {
        let slot = &mut self.slots[host];
        let (Stage::Running(watcher) | Stage::Grace(watcher)) = &slot.stage else {
            return;
        };
        match decision {
            Decision::Succeeded => {
                let elapsed = slot.started.map_or(Duration::ZERO, |started| now - started);
                effects.push(Effect::Succeeded(host, elapsed));
                slot.ended = Some(now);
                let still_watched = !watcher.is_done();
                let stage = std::mem::replace(&mut slot.stage, Stage::Queued);
                slot.stage = match stage {
                    Stage::Running(watcher) if still_watched => Stage::Grace(watcher),
                    _ => {
                        effects.push(Effect::Stop(host));
                        Stage::Done(Outcome::Succeeded)
                    }
                };
            }
            // The success was reported already, with its time.
            Decision::Confirmed => {
                slot.stage = Stage::Done(Outcome::Succeeded);
                effects.push(Effect::Stop(host));
            }
            Decision::Failed(code) => self.fail(host, Fault::Exit(code), now, effects),
            Decision::Vanished => self.fail(host, Fault::Vanished, now, effects),
            Decision::ExitedWithoutFile => self.fail(host, Fault::NoFile, now, effects),
            Decision::TimedOut => {
                effects.push(Effect::TimedOut(host, watcher.exit_code()));
                self.end(host, Outcome::TimedOut, now, effects);
                self.stop_starting_unless_keep_going();
            }
            Decision::Unreachable(since) => {
                effects.push(Effect::Unreachable(host, since));
                self.end(host, Outcome::Unreachable, now, effects);
                self.stop_starting_unless_keep_going();
            }
        }
    }

    fn fail(&mut self, host: usize, fault: Fault, now: Instant, effects: &mut Vec<Effect>) {
        let outcome = Outcome::Failed(fault.reason(self.step));
        effects.push(Effect::Failed(host, fault));
        self.end(host, outcome, now, effects);
        self.stop_starting_unless_keep_going();
    }

    fn stop_starting_unless_keep_going(&mut self) {
        if !self.policy.keep_going {
            self.no_more_starts = true;
        }
    }

    fn end(&mut self, host: usize, outcome: Outcome, now: Instant, effects: &mut Vec<Effect>) {
        let slot = &mut self.slots[host];
        slot.stage = Stage::Done(outcome);
        slot.ended = Some(now);
        effects.push(Effect::Stop(host));
    }

    /// Nothing new starts; running jobs are left running, and a success
    /// within its grace period stands.
    fn interrupt(&mut self, now: Instant, effects: &mut Vec<Effect>) {
        self.no_more_starts = true;
        let mut left = Vec::new();
        for host in 0..self.slots.len() {
            match self.slots[host].stage {
                Stage::Running(_) => {
                    left.push(host);
                    self.end(host, Outcome::LeftRunning, now, effects);
                }
                Stage::Grace(_) => {
                    self.slots[host].stage = Stage::Done(Outcome::Succeeded);
                    effects.push(Effect::Stop(host));
                }
                Stage::Queued | Stage::Done(_) => {}
            }
        }
        if !left.is_empty() {
            effects.push(Effect::LeftRunning(left));
        }
    }
}

#[cfg(test)]
mod tests;

//! Runs a command's phases: numbered, each question asked before the
//! first change, Ctrl-C honoured between phases, the first failure
//! stopping the rest, and a record of what each did. After the common
//! phases, the kubeadm and RKE2 chains share nothing, so when both have
//! work they run side by side, each in its own thread, and a failure in
//! one halts the other (unless `--keep-going`). Under `--check` only the
//! read-only phases run; the others say what they would do.

use std::io::Write;
use std::time::Instant;

use anyhow::{Context as _, Result};

use super::context::Halted;
use super::{Chain, Ctx, Done, Phase, Voice};
use crate::artifacts::PhaseSummary;
use crate::events::{self, EventKind, Occurrence};
use crate::exit::{Code, Problem};
use crate::messages::{self, phases as say, plan};

pub struct Manager {
    phases: Vec<Box<dyn Phase>>,
    /// A failure in one chain lets the other go on.
    keep_going: bool,
}

/// One chain's phases, by their index in the manager's list.
type ChainOf = (Chain, Vec<usize>);

/// How one chain ended: its record, and its error with the moment it came.
type ChainEnd = (Vec<(usize, PhaseSummary)>, Result<()>, Instant);

impl Manager {
    pub fn new(phases: Vec<Box<dyn Phase>>) -> Self {
        Self {
            phases,
            keep_going: false,
        }
    }

    /// With `--keep-going`, a failed chain does not halt the other.
    pub fn keep_going(mut self, keep_going: bool) -> Self {
        self.keep_going = keep_going;
        self
    }

    /// Runs every phase, or (under `--check`) the read-only ones and then
    /// prints the plan. The record holds each phase that began.
    pub fn run(&self, ctx: &mut Ctx, command: &str) -> (Vec<PhaseSummary>, Result<()>) {
        let mut record = Vec::new();
        let outcome = if ctx.config.dry_run {
            self.check(ctx, command, &mut record)
        } else {
            self.apply(ctx, &mut record)
        };
        (record, outcome)
    }

    fn apply(&self, ctx: &mut Ctx, record: &mut Vec<PhaseSummary>) -> Result<()> {
        let common = self
            .phases
            .iter()
            .take_while(|phase| phase.chain() == Chain::Common)
            .count();
        for index in 0..common {
            self.one(ctx, index, self.phases[index].as_ref(), record)?;
        }
        if self.phases[common..].iter().any(|phase| !phase.read_only()) {
            for later in &self.phases[common..] {
                later.ask(ctx)?;
            }
        }
        let chains = self.chains(ctx, common);
        if chains.len() < 2 {
            for index in common..self.phases.len() {
                self.one(ctx, index, self.phases[index].as_ref(), record)?;
            }
            return Ok(());
        }
        let names: Vec<&str> = chains.iter().map(|(chain, _)| chain.name()).collect();
        ctx.say(&say::side_by_side(&names));
        let ends: Vec<ChainEnd> = std::thread::scope(|scope| {
            let handles: Vec<_> = chains
                .iter()
                .map(|(chain, indices)| {
                    let mut fork = ctx.fork(Voice::Interleaved);
                    scope.spawn(move || self.chain(&mut fork, *chain, indices))
                })
                .collect();
            handles
                .into_iter()
                .map(|handle| {
                    handle.join().unwrap_or_else(|_| {
                        (
                            Vec::new(),
                            Err(anyhow::anyhow!(say::CHAIN_PANICKED)),
                            Instant::now(),
                        )
                    })
                })
                .collect()
        });
        let mut done: Vec<(usize, PhaseSummary)> = Vec::new();
        let mut first: Option<(Instant, anyhow::Error)> = None;
        for (phases, outcome, at) in ends {
            done.extend(phases);
            if let Err(err) = outcome {
                // The chain that failed first says why; the other's halt
                // follows from it. Ctrl-C is said by whichever saw it.
                if first.as_ref().is_none_or(|(earlier, _)| at < *earlier) {
                    first = Some((at, err));
                }
            }
        }
        done.sort_by_key(|(index, _)| *index);
        record.extend(done.into_iter().map(|(_, summary)| summary));
        match first {
            Some((_, err)) => Err(err),
            None => Ok(()),
        }
    }

    /// The chains after the common phases that have work in this run, each
    /// with its phases in order. A chain whose every phase would skip is
    /// left out, so a run with one chain works as a plain list.
    fn chains(&self, ctx: &Ctx, common: usize) -> Vec<ChainOf> {
        let mut chains: Vec<ChainOf> = Vec::new();
        for (index, phase) in self.phases.iter().enumerate().skip(common) {
            match chains.iter_mut().find(|(chain, _)| *chain == phase.chain()) {
                Some((_, indices)) => indices.push(index),
                None => chains.push((phase.chain(), vec![index])),
            }
        }
        let (working, idle): (Vec<ChainOf>, Vec<ChainOf>) =
            chains.into_iter().partition(|(_, indices)| {
                indices
                    .iter()
                    .any(|index| self.phases[*index].skip(ctx).is_none())
            });
        if working.len() < 2 {
            // Run in the order listed, idle chains' skips included.
            let mut all: Vec<usize> = working
                .into_iter()
                .chain(idle)
                .flat_map(|(_, i)| i)
                .collect();
            all.sort_unstable();
            return vec![(Chain::Kubeadm, all)];
        }
        working
    }

    /// One chain's phases in its own thread: stops at its first failure,
    /// then (unless `--keep-going`) halts the other chain; a phase not
    /// begun because the other halted is recorded as such.
    fn chain(&self, ctx: &mut Ctx, chain: Chain, indices: &[usize]) -> ChainEnd {
        let mut done = Vec::new();
        for &index in indices {
            let phase = self.phases[index].as_ref();
            if ctx.halted() {
                let mut summary = summary(
                    phase.title(),
                    NOT_BEGUN,
                    say::NOT_BEGUN.into(),
                    0.0,
                    Vec::new(),
                );
                summary.chain = Some(chain.name());
                done.push((index, summary));
                continue;
            }
            let mut record = Vec::new();
            let outcome = self.one(ctx, index, phase, &mut record);
            done.extend(record.into_iter().map(|mut summary| {
                summary.chain = Some(chain.name());
                (index, summary)
            }));
            if let Err(err) = outcome {
                let at = Instant::now();
                if !self.keep_going {
                    ctx.halt();
                }
                return (done, Err(err), at);
            }
        }
        (done, Ok(()), Instant::now())
    }

    fn check(&self, ctx: &mut Ctx, command: &str, record: &mut Vec<PhaseSummary>) -> Result<()> {
        for (index, phase) in self.phases.iter().enumerate() {
            if phase.read_only() {
                self.one(ctx, index, phase.as_ref(), record)?;
            }
        }
        let mut out = plan::heading(command);
        let common = self
            .phases
            .iter()
            .take_while(|phase| phase.chain() == Chain::Common)
            .count();
        let chains = self.chains(ctx, common);
        if chains.len() > 1 {
            let listed: Vec<(&str, Vec<&str>)> = chains
                .iter()
                .map(|(chain, indices)| {
                    let titles = indices.iter().map(|i| self.phases[*i].title()).collect();
                    (chain.name(), titles)
                })
                .collect();
            let after = self.phases[..common]
                .last()
                .map_or("preflight", |phase| phase.title());
            out.push_str(&plan::chains(after, &listed));
        }
        for phase in &self.phases {
            let lines = match phase.skip(ctx) {
                Some(why) => vec![plan::skip(&why)],
                None => phase.plan(ctx)?,
            };
            for line in lines {
                out.push_str(&plan::line(phase.title(), &line));
            }
        }
        crate::ui::results(ctx.config.events)
            .write_all(out.as_bytes())
            .context(plan::WRITING_PLAN)
    }

    /// One phase under its heading, recorded however it ends.
    fn one(
        &self,
        ctx: &mut Ctx,
        index: usize,
        phase: &dyn Phase,
        record: &mut Vec<PhaseSummary>,
    ) -> Result<()> {
        if crate::interrupt::requested() {
            return Err(Problem::interrupted().into());
        }
        let title = phase.title();
        ctx.begin(index + 1, self.phases.len(), title);
        events::emit(
            Occurrence::new(EventKind::PhaseStarted)
                .phase(title)
                .detail("number", index + 1)
                .detail("of", self.phases.len()),
        );
        if let Some(why) = phase.skip(ctx) {
            let skipped = say::skipped(&why);
            ctx.say(&skipped);
            record.push(summary(title, SKIPPED, skipped, 0.0, Vec::new()));
            return Ok(());
        }
        let started = Instant::now();
        let outcome = phase.run(ctx);
        let seconds = started.elapsed().as_secs_f64();
        match outcome {
            Ok(Done { result, hosts }) => {
                // A phase may end with some of its hosts failed (`deploy
                // join`'s workers, a reset) and go on to its table.
                let outcome = if result == say::FAILED {
                    FAILED
                } else {
                    SUCCEEDED
                };
                record.push(summary(title, outcome, result, seconds, hosts));
                Ok(())
            }
            Err(err) => {
                let interrupted = crate::exit::code_of(&err) == Code::Interrupted;
                let halted = err.downcast_ref::<Halted>().is_some();
                let (outcome, result) = if interrupted {
                    (INTERRUPTED, messages::INTERRUPTED)
                } else if halted {
                    (HALTED, say::HALTED_RESULT)
                } else {
                    (FAILED, say::FAILED)
                };
                if halted {
                    ctx.warn(say::HALTED);
                }
                let hosts = ctx.take_failed_hosts();
                record.push(summary(title, outcome, result.into(), seconds, hosts));
                // A read-only phase (preflight) changed nothing, and its
                // error already says what it checked.
                if interrupted || phase.read_only() {
                    Err(err)
                } else {
                    Err(err.context(say::phase_failed(title)))
                }
            }
        }
    }
}

/// How a phase ended, in `summary.json` and its `phase_finished` event.
const SUCCEEDED: &str = "succeeded";
const SKIPPED: &str = "skipped";
const FAILED: &str = "failed";
/// Stopped because the other chain failed.
const HALTED: &str = "halted";
const INTERRUPTED: &str = "interrupted";
/// Not begun: the other chain had failed.
const NOT_BEGUN: &str = "not_begun";

/// A phase's record, said as its `phase_finished` event too (except one
/// not begun, which never started).
fn summary(
    title: &str,
    outcome: &'static str,
    result: String,
    seconds: f64,
    hosts: Vec<crate::artifacts::HostSummary>,
) -> PhaseSummary {
    if outcome != NOT_BEGUN {
        events::emit(
            Occurrence::new(EventKind::PhaseFinished)
                .phase(title)
                .detail("outcome", outcome)
                .detail("result", result.as_str())
                .detail("seconds", seconds),
        );
    }
    PhaseSummary {
        phase: title.into(),
        chain: None,
        outcome,
        result,
        seconds,
        hosts,
    }
}

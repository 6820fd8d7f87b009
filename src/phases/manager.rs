//! Runs a command's phases in order: numbered, each question asked before
//! the first change, Ctrl-C honoured between phases, the first failure
//! stopping the rest, and a record of what each did. Under `--check` only
//! the read-only phases run; the others say what they would do.

use std::io::Write;
use std::time::Instant;

use anyhow::{Context as _, Result};

use super::{Ctx, Done, Phase};
use crate::artifacts::PhaseSummary;
use crate::exit::{Code, Problem};
use crate::messages::{self, phases as say, plan};

pub struct Manager {
    phases: Vec<Box<dyn Phase>>,
}

impl Manager {
    pub fn new(phases: Vec<Box<dyn Phase>>) -> Self {
        Self { phases }
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
        let mut asked = false;
        for (index, phase) in self.phases.iter().enumerate() {
            if !phase.read_only() && !asked {
                for later in &self.phases[index..] {
                    later.ask(ctx)?;
                }
                asked = true;
            }
            self.one(ctx, index, phase.as_ref(), record)?;
        }
        Ok(())
    }

    fn check(&self, ctx: &mut Ctx, command: &str, record: &mut Vec<PhaseSummary>) -> Result<()> {
        for (index, phase) in self.phases.iter().enumerate() {
            if phase.read_only() {
                self.one(ctx, index, phase.as_ref(), record)?;
            }
        }
        let mut out = plan::heading(command);
        for phase in &self.phases {
            let lines = match phase.skip(ctx) {
                Some(why) => vec![plan::skip(&why)],
                None => phase.plan(ctx)?,
            };
            for line in lines {
                out.push_str(&plan::line(phase.title(), &line));
            }
        }
        std::io::stdout()
            .lock()
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
        if let Some(why) = phase.skip(ctx) {
            let skipped = say::skipped(&why);
            ctx.say(&skipped);
            record.push(summary(title, skipped, 0.0, Vec::new()));
            return Ok(());
        }
        let started = Instant::now();
        let outcome = phase.run(ctx);
        let seconds = started.elapsed().as_secs_f64();
        match outcome {
            Ok(Done { result, hosts }) => {
                record.push(summary(title, result, seconds, hosts));
                Ok(())
            }
            Err(err) => {
                let interrupted = crate::exit::code_of(&err) == Code::Interrupted;
                let result = if interrupted {
                    messages::INTERRUPTED
                } else {
                    say::FAILED
                };
                record.push(summary(title, result.into(), seconds, Vec::new()));
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

fn summary(
    title: &str,
    result: String,
    seconds: f64,
    hosts: Vec<crate::artifacts::HostSummary>,
) -> PhaseSummary {
    PhaseSummary {
        phase: title.into(),
        result,
        seconds,
        hosts,
    }
}

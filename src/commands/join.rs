//! `deploy join`: preflight, then the workers' joins, then a table of how
//! each went. A failed join is in the table and the exit code; it stops
//! new joins unless `--keep-going`.

use std::time::Instant;

use anyhow::Result;

use crate::cluster::Rke2;
use crate::config::{Config, JoinOptions};
use crate::exit::Code;
use crate::kube::Step;
use crate::messages::commands as say;
use crate::phases::{Manager, Preflight, Voice, Workers};
use crate::step::HostResult;

pub fn run(config: &Config, options: &JoinOptions) -> Result<Code> {
    let started = Instant::now();
    let prepared = super::prepare(config, Rke2::Excluded, "deploy join", || Ok(()))?;
    let mut ctx = prepared.ctx(config, &options.ignore, Voice::Prefixed)?;
    let manager = Manager::new(super::waking_first(
        options.wake,
        vec![
            Box::new(Preflight),
            Box::new(Workers {
                within_all: false,
                timeout: Some(options.timeout),
                keep_going: options.keep_going,
            }),
        ],
    ));
    let (record, outcome) = manager.run(&mut ctx, "join");
    if config.dry_run {
        return outcome.map(|()| Code::Success);
    }
    // The joins began: their table, even after Ctrl-C, says where each is.
    let joined = !ctx.joins.is_empty();
    let printed = if joined {
        print_summary(config.events, &ctx.joins)
    } else {
        Ok(())
    };
    let code = match super::code_of(&outcome) {
        Code::Success if ctx.joins.iter().any(|r| !r.outcome.is_success()) => Code::Failed,
        code => code,
    };
    super::write_summary(&prepared.artifacts, "join", code, started, record)?;
    match outcome {
        // Ctrl-C during the joins: the step has said what was left running.
        Err(_) if joined && code == Code::Interrupted => Ok(code),
        Err(err) => Err(err),
        Ok(()) => super::shown(code, printed),
    }
}

/// The table at the end: host, result, time.
fn print_summary(events: bool, results: &[HostResult]) -> Result<()> {
    let rows: Vec<Vec<String>> = results
        .iter()
        .map(|result| {
            vec![
                result.name.clone(),
                result.outcome.describe(Step::Join),
                say::table_time(result.elapsed),
            ]
        })
        .collect();
    crate::ui::print_table(events, &say::JOINS_TABLE, &rows, say::WRITING_SUMMARY)
}

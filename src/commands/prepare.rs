//! `deploy prepare`: the readiness survey (what each host lacks, shown and
//! confirmed), the changes made on each host as a watched job, then a
//! table of each host's result. A host that fails is said at once and the
//! others go on; any failure is exit 1.

use std::time::{Duration, Instant};

use anyhow::Result;

use crate::artifacts::PhaseSummary;
use crate::checks::Ignore;
use crate::cluster::Rke2;
use crate::config::{Config, PrepareOptions};
use crate::exit::Code;
use crate::messages::{commands as said, phases, prepare as say};
use crate::phases::{Manager, Prepare, Readiness, Voice};

pub fn run(config: &Config, options: PrepareOptions) -> Result<Code> {
    let started = Instant::now();
    let rke2 = if options.with_rke2 {
        Rke2::Required
    } else {
        Rke2::Excluded
    };
    let prepared = super::prepare(config, rke2, "deploy prepare", || Ok(()))?;
    let ignore = Ignore::default();
    let mut ctx = prepared.ctx(config, &ignore, Voice::Headed)?;
    let manager = Manager::new(vec![
        Box::new(Readiness { confirm: true }),
        Box::new(Prepare {
            stop_on_failure: false,
        }),
    ]);
    let (record, outcome) = manager.run(&mut ctx, "prepare");
    if config.dry_run {
        return outcome.map(|()| Code::Success);
    }
    let printed = print_hosts(config.events, &record);
    let failed = ctx.preparation.hosts.iter().any(|host| host.failed())
        || record.iter().any(|phase| phase.result == phases::FAILED);
    let code = match super::code_of(&outcome) {
        Code::Success if failed => Code::Failed,
        code => code,
    };
    super::write_summary(&prepared.artifacts, "prepare", code, started, record)?;
    outcome?;
    super::shown(code, printed)
}

/// The table at the end: each host's result, from the prepare phase (or
/// the survey's, when nothing was to be changed anywhere).
fn print_hosts(events: bool, record: &[PhaseSummary]) -> Result<()> {
    let Some(phase) = record.iter().rev().find(|phase| {
        !phase.hosts.is_empty() && (phase.phase == "prepare" || phase.phase == Readiness::TITLE)
    }) else {
        return Ok(());
    };
    let rows: Vec<Vec<String>> = phase
        .hosts
        .iter()
        .map(|host| {
            vec![
                host.host.clone(),
                host.result.clone(),
                said::table_time(Duration::from_secs_f64(host.seconds)),
            ]
        })
        .collect();
    crate::ui::print_table(events, &say::TABLE, &rows, said::WRITING_SUMMARY)
}

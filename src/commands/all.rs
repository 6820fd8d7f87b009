//! `deploy all`: preflight, control plane, API ready, network add-on,
//! workers, validation and (with `--with-rke2`) RKE2, then the phase table.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::artifacts::PhaseSummary;
use crate::cluster::Rke2;
use crate::config::{AllOptions, Config};
use crate::exit::{Code, Problem};
use crate::messages::commands as say;
use crate::phases::{
    ApiReady, ControlPlane, Manager, NetworkAddOn, Phase, Preflight, Prepare, Readiness, Recheck,
    Rke2Cluster, Validation, Voice, Workers,
};
use crate::ui::prompt;

pub fn run(config: &Config, options: &AllOptions) -> Result<Code> {
    let started = Instant::now();
    let rke2 = if options.with_rke2 {
        Rke2::Required
    } else {
        Rke2::Excluded
    };
    let prepared = super::prepare(config, rke2, "deploy all", || confirm(config, options))?;
    // With --prepare, what prepare fixes on the hosts it surveys does not
    // stop the first preflight.
    let ignore = if options.prepare {
        let surveyed = prepared.cluster.participants(false);
        let names = surveyed.into_iter().map(|host| host.name.clone());
        options.ignore.clone().with_prepare(names)
    } else {
        options.ignore.clone()
    };
    let mut ctx = prepared.ctx(config, &ignore, Voice::Headed)?;
    let artifacts = &prepared.artifacts;
    let mut phases: Vec<Box<dyn Phase>> = vec![Box::new(Preflight)];
    if options.prepare {
        phases.push(Box::new(Readiness { confirm: false }));
        phases.push(Box::new(Prepare {
            stop_on_failure: true,
        }));
        phases.push(Box::new(Recheck));
    }
    let manager = Manager::new(super::waking_first(
        options.wake,
        phases
            .into_iter()
            .chain::<Vec<Box<dyn Phase>>>(vec![
                Box::new(ControlPlane),
                Box::new(ApiReady),
                Box::new(NetworkAddOn),
                Box::new(Workers {
                    within_all: true,
                    timeout: None,
                    keep_going: options.keep_going,
                }),
                Box::new(Validation),
                Box::new(Rke2Cluster),
            ])
            .collect(),
    ))
    .keep_going(options.keep_going);
    let (record, outcome) = manager.run(&mut ctx, "all");
    if config.dry_run {
        return outcome.map(|()| Code::Success);
    }
    let code = super::code_of(&outcome);
    let printed = print_phases(config.events, &record);
    super::write_summary(artifacts, "all", code, started, record)?;
    if outcome.is_ok() {
        eprintln!("{}", say::done(started.elapsed(), artifacts.dir()));
    }
    outcome?;
    super::shown(code, printed)
}

/// deploy.sh's question, unless `--check` (which changes nothing) or a flag
/// answers it.
fn confirm(config: &Config, options: &AllOptions) -> Result<()> {
    if config.dry_run {
        return Ok(());
    }
    let interactive = config.ui.interactive && std::io::stdin().is_terminal();
    let answered = options.with_rke2 || config.yes;
    if prompt::confirm(say::PROCEED, answered, interactive, say::PROCEED_FLAGS)? {
        Ok(())
    } else {
        Err(Problem::failed(say::NOT_CONFIRMED).into())
    }
}

/// The table at the end: phase, result, time; and each phase's chain
/// when two ran side by side.
fn print_phases(events: bool, record: &[PhaseSummary]) -> Result<()> {
    let chained = record.iter().any(|phase| phase.chain.is_some());
    let rows: Vec<Vec<String>> = record
        .iter()
        .map(|phase| {
            let mut row = vec![phase.phase.clone()];
            if chained {
                row.push(phase.chain.unwrap_or("-").to_owned());
            }
            row.push(phase.result.clone());
            row.push(say::table_time(Duration::from_secs_f64(phase.seconds)));
            row
        })
        .collect();
    let headers: &[&str] = if chained {
        &say::CHAINED_PHASES_TABLE
    } else {
        &say::PHASES_TABLE
    };
    crate::ui::print_table(events, headers, &rows, say::WRITING_SUMMARY)
}

//! `deploy reset`: the survey (what goes, shown and confirmed), the
//! workers drained, the kubeadm nodes reset (workers, then the control
//! plane) beside RKE2's uninstall with `--with-rke2`, then a table of
//! each host. A host that fails is said at once and the others go on;
//! any failure is exit 1.

use std::time::{Duration, Instant};

use anyhow::Result;

use crate::artifacts::PhaseSummary;
use crate::checks::Ignore;
use crate::cluster::Rke2;
use crate::config::{Config, ResetOptions};
use crate::exit::Code;
use crate::messages::{commands as said, phases, reset as say};
use crate::phases::{Drain, Manager, ResetNodes, Rke2Uninstall, Survey, Voice};

pub fn run(config: &Config, options: ResetOptions) -> Result<Code> {
    let started = Instant::now();
    let rke2 = if options.with_rke2 {
        Rke2::Required
    } else {
        Rke2::Excluded
    };
    let prepared = super::prepare(config, rke2, "deploy reset", || Ok(()))?;
    let ignore = Ignore::default();
    let mut ctx = prepared.ctx(config, &ignore, Voice::Headed)?;
    let manager = Manager::new(vec![
        Box::new(Survey {
            force: options.force,
        }),
        Box::new(Drain {
            timeout: options.drain_timeout,
        }),
        Box::new(ResetNodes),
        Box::new(Rke2Uninstall),
    ])
    // One host's failure stops no other, in either chain.
    .keep_going(true);
    let (record, outcome) = manager.run(&mut ctx, "reset");
    if config.dry_run {
        return outcome.map(|()| Code::Success);
    }
    let printed = print_hosts(config.events, &record);
    let failed = !ctx.teardown.failed.is_empty()
        || record.iter().any(|phase| phase.result == phases::FAILED);
    let code = match super::code_of(&outcome) {
        Code::Success if failed => Code::Failed,
        code => code,
    };
    super::write_summary(&prepared.artifacts, "reset", code, started, record)?;
    outcome?;
    super::shown(code, printed)
}

/// The table at the end: each host's part in each phase that changed
/// something (and the hosts the survey could not ask).
fn print_hosts(events: bool, record: &[PhaseSummary]) -> Result<()> {
    let rows: Vec<Vec<String>> = record
        .iter()
        .flat_map(|phase| {
            phase
                .hosts
                .iter()
                .filter(|host| phase.phase != Survey::TITLE || host.result == say::NOT_ASKED_RESULT)
                .map(|host| {
                    vec![
                        phase.phase.clone(),
                        host.host.clone(),
                        host.result.clone(),
                        said::table_time(Duration::from_secs_f64(host.seconds)),
                    ]
                })
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    crate::ui::print_table(events, &say::TABLE, &rows, said::WRITING_SUMMARY)
}

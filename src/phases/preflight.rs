//! Every check before anything changes: the hosts taking part probed in
//! parallel, one round trip each, and judged. A failure stops the run with
//! every blocking finding and its fix; warnings are shown and go on.

use anyhow::Result;

use super::{Chain, Ctx, Done, Phase};
use crate::artifacts::HostSummary;
use crate::preflight::{self, human};

pub struct Preflight;

impl Phase for Preflight {
    fn title(&self) -> &'static str {
        "preflight"
    }

    fn chain(&self) -> Chain {
        Chain::Common
    }

    fn read_only(&self) -> bool {
        true
    }

    fn plan(&self, ctx: &Ctx) -> Result<Vec<String>> {
        Ok(vec![human::counts(&ctx.report)])
    }

    fn run(&self, ctx: &mut Ctx) -> Result<Done> {
        let report = preflight::run(&ctx.checker(), &ctx.cluster.participants(true))?;
        judged(ctx, report)
    }
}

/// `deploy all --prepare`'s preflight once prepare has run: every check
/// again, what prepare fixes counting as it does without `--prepare`.
pub struct Recheck;

impl Phase for Recheck {
    fn title(&self) -> &'static str {
        "recheck"
    }

    fn chain(&self) -> Chain {
        Chain::Common
    }

    // Read-only, but it judges what prepare changed: under `--check`,
    // where prepare changes nothing, it is only said.
    fn read_only(&self) -> bool {
        false
    }

    fn plan(&self, _ctx: &Ctx) -> Result<Vec<String>> {
        Ok(vec![crate::messages::prepare::RECHECK_PLAN.to_owned()])
    }

    fn run(&self, ctx: &mut Ctx) -> Result<Done> {
        let ignore = ctx.ignore.after_prepare();
        let checker = preflight::Checker {
            ignore: &ignore,
            ..ctx.checker()
        };
        let report = preflight::run(&checker, &ctx.cluster.participants(true))?;
        judged(ctx, report)
    }
}

/// The report's warnings said, its failures stopping the run; what it
/// found kept for the phases after.
fn judged(ctx: &mut Ctx, report: crate::preflight::Report) -> Result<Done> {
    for line in report.warning_lines() {
        ctx.warn(&line);
    }
    report.ensure_passed()?;
    let counts = human::counts(&report);
    ctx.say(&counts);
    let hosts = report
        .hosts
        .iter()
        .map(|host| HostSummary::noted(&host.name, crate::messages::phases::CHECKED, None))
        .collect();
    ctx.report = report;
    Ok(Done {
        result: counts,
        hosts,
    })
}

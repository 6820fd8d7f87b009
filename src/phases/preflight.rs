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
        for line in report.warning_lines() {
            ctx.warn(&line);
        }
        report.ensure_passed()?;
        let counts = human::counts(&report);
        ctx.say(&counts);
        let hosts = report
            .hosts
            .iter()
            .map(|host| HostSummary {
                outcome: None,
                host: host.name.clone(),
                result: crate::messages::phases::CHECKED.into(),
                seconds: 0.0,
                detail: None,
            })
            .collect();
        ctx.report = report;
        Ok(Done {
            result: counts,
            hosts,
        })
    }
}

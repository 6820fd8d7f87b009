//! RKE2 taken off its hosts with `--with-rke2`: `rke2-killall.sh`, then
//! `rke2-uninstall.sh`, watched like a join, beside the kubeadm nodes'
//! resets; the kubeconfig `deploy all` saved for the host is marked stale.

use std::time::Duration;

use anyhow::Result;

use super::teardown::mark_stale;
use super::{Chain, Ctx, Done, Phase};
use crate::checks::reset::{HostTeardown, ResetKind};
use crate::cluster::Rke2;
use crate::kube::Step;
use crate::kube::reset::{Chore, RKE2_BIN_DIRS};
use crate::messages::{phases as said, reset as say, rke2};
use crate::step::Job;

/// RKE2's scripts kill its processes and remove its files: minutes at most.
const UNINSTALL_BOUND: Duration = Duration::from_secs(5 * 60);

pub struct Rke2Uninstall;

impl Rke2Uninstall {
    fn hosts<'c>(ctx: &'c Ctx) -> Vec<&'c HostTeardown> {
        ctx.teardown.to_do(ResetKind::Rke2).collect()
    }
}

/// RKE2's scripts wherever its installer put them; the uninstaller runs
/// the killer too, which does no harm.
fn command() -> String {
    format!(
        "PATH=\"$PATH:{}\"; rke2-killall.sh && rke2-uninstall.sh",
        RKE2_BIN_DIRS.join(":")
    )
}

impl Phase for Rke2Uninstall {
    fn title(&self) -> &'static str {
        "RKE2 uninstall"
    }

    fn chain(&self) -> Chain {
        Chain::Rke2
    }

    fn skip(&self, ctx: &Ctx) -> Option<String> {
        if ctx.cluster.rke2 == Rke2::Excluded {
            Some(rke2::NOT_INCLUDED.to_owned())
        } else {
            Self::hosts(ctx)
                .is_empty()
                .then(|| say::NOTHING_HERE.to_owned())
        }
    }

    fn plan(&self, ctx: &Ctx) -> Result<Vec<String>> {
        Ok(Self::hosts(ctx)
            .into_iter()
            .map(|host| {
                let lines = super::survey::chore_lines(ctx, &ctx.teardown, host);
                say::reset_plan(&host.name, false, &lines)
            })
            .collect())
    }

    fn run(&self, ctx: &mut Ctx) -> Result<Done> {
        let planned: Vec<(&HostTeardown, &crate::cluster::Host)> = Self::hosts(ctx)
            .into_iter()
            .filter_map(|planned| Some((planned, ctx.cluster.host(&planned.name)?)))
            .collect();
        let jobs: Vec<Job> = planned
            .iter()
            .map(|(planned, host)| Job {
                host,
                command: command(),
                input: None,
                already_done: !planned.chores.contains(&Chore::Rke2Uninstall),
            })
            .collect();
        let results = ctx.watched_each(Step::Rke2Uninstall, &jobs, UNINSTALL_BOUND)?;
        let mut failed = false;
        let mut hosts = Vec::new();
        for ((planned, _), result) in planned.iter().zip(&results) {
            if result.outcome.is_success() {
                mark_stale(ctx, planned)?;
            } else {
                failed = true;
            }
            hosts.push(result.summary(Step::Rke2Uninstall));
        }
        let result = if failed {
            said::FAILED
        } else {
            Step::Rke2Uninstall.done()
        };
        Ok(Done {
            result: result.into(),
            hosts,
        })
    }
}

//! The changes the readiness survey decided, made: each host's as one
//! detached job watched like a join (progress line, log, the failure
//! block with apt's reason and its fix the moment it fails), `--forks` at
//! once, one host's failure stopping none of the others.

use std::time::Duration;

use anyhow::Result;

use super::{Chain, Ctx, Done, Phase};
use crate::artifacts::HostSummary;
use crate::checks::prepare::{HostPreparation, Preparation, Verdict};
use crate::exit::Problem;
use crate::kube::Step;
use crate::kube::prepare::{DEFAULT_CRI_SOCKET, shell};
use crate::messages::{phases as said, prepare as say};
use crate::step::{Job, Outcome};

/// Packages can take minutes to download and configure on a real host.
const PREPARE_BOUND: Duration = Duration::from_secs(20 * 60);

pub struct Prepare {
    /// A host refused or not surveyed stops the run before any change,
    /// and one that fails stops it after (`deploy all --prepare`), rather
    /// than being reported with the others (`deploy prepare`).
    pub stop_on_failure: bool,
}

impl Phase for Prepare {
    fn title(&self) -> &'static str {
        "prepare"
    }

    fn chain(&self) -> Chain {
        Chain::Common
    }

    fn skip(&self, ctx: &Ctx) -> Option<String> {
        nothing_to_do(&ctx.preparation).then(|| say::NOTHING_TO_DO.to_owned())
    }

    fn plan(&self, ctx: &Ctx) -> Result<Vec<String>> {
        Ok(ctx
            .preparation
            .to_change()
            .map(|host| {
                let lines: Vec<String> = host
                    .changes()
                    .iter()
                    .map(|change| say::change(change, &host.source.repo))
                    .collect();
                say::plan_line(&host.name, &lines)
            })
            .collect())
    }

    fn run(&self, ctx: &mut Ctx) -> Result<Done> {
        let mut hosts: Vec<HostSummary> = ctx
            .preparation
            .hosts
            .iter()
            .filter_map(|host| match &host.verdict {
                Verdict::NotAsked(_) => Some(summary(host, say::NOT_ASKED_RESULT)),
                Verdict::Refused(_) => Some(summary(host, say::REFUSED_RESULT)),
                Verdict::Changes(_) => None,
            })
            .collect();
        let mut failed = !hosts.is_empty();
        // Before any job starts: nothing changes unless every host can be.
        if failed && self.stop_on_failure {
            return Err(Problem::failed(say::NOT_EVERY_HOST).into());
        }
        let planned: Vec<(&HostPreparation, &crate::cluster::Host)> = ctx
            .preparation
            .hosts
            .iter()
            .filter(|host| !host.failed())
            .filter_map(|planned| Some((planned, ctx.cluster.host(&planned.name)?)))
            .collect();
        let jobs = planned
            .iter()
            .map(|(planned, host)| {
                Ok(Job {
                    host,
                    command: command(planned, host.cri_socket.as_deref())?,
                    input: None,
                    already_done: planned.changes().is_empty(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let results = ctx.watched_each(Step::Prepare, &jobs, PREPARE_BOUND)?;
        for ((planned, _), result) in planned.iter().zip(results) {
            failed |= !result.outcome.is_success();
            let mut line = result.summary(Step::Prepare);
            if result.outcome == Outcome::Succeeded {
                line.result = say::prepared(planned.changes());
            }
            hosts.push(line);
        }
        if failed && self.stop_on_failure {
            return Err(Problem::failed(say::FAILED_HOSTS).into());
        }
        let result = if failed {
            said::FAILED
        } else {
            Step::Prepare.done()
        };
        Ok(Done {
            result: result.into(),
            hosts,
        })
    }
}

/// No host to change and none failed: the phase is skipped, and its ready
/// hosts' events are the survey's.
pub fn nothing_to_do(plan: &Preparation) -> bool {
    let failed = plan.hosts.iter().any(HostPreparation::failed);
    plan.to_change().next().is_none() && !failed
}

fn summary(host: &HostPreparation, result: &str) -> HostSummary {
    HostSummary::noted(&host.name, result, None)
}

/// The job's command line: its variables, quoted, then each change's shell.
fn command(host: &HostPreparation, cri_socket: Option<&str>) -> Result<String> {
    let vars = [
        ("REPO", host.source.repo.as_str()),
        ("KEY", host.source.key.as_str()),
        ("CRI_SOCKET", cri_socket.unwrap_or(DEFAULT_CRI_SOCKET)),
    ];
    let mut line = String::new();
    for (name, value) in vars {
        line.push_str(&format!(
            "{name}={}\n",
            crate::remote::quote_words([value])?
        ));
    }
    for change in host.changes() {
        line.push_str(&shell(change));
    }
    Ok(line)
}

//! `deploy prepare`'s first phase (and `deploy all --prepare`'s after
//! preflight): every host taking part asked, in parallel and read-only,
//! what of a host ready for kubeadm it has; its changes decided from the
//! answer; and, before anything changes, the list of them shown and
//! confirmed (`y`, or `--yes`) unless the command asked already.

use std::io::IsTerminal;

use anyhow::Result;

use super::{Chain, Ctx, Done, Phase};
use crate::artifacts::HostSummary;
use crate::checks::prepare::{HostPreparation, Preparation, Verdict};
use crate::events::{self, EventKind, Occurrence};
use crate::exit::Problem;
use crate::kube::Step;
use crate::messages::{phases, prepare as say};
use crate::probe::ready::{self, Ready};
use crate::ui::prompt;

pub struct Readiness {
    /// Ask before changing anything (`deploy prepare`); `deploy all`
    /// asked its own question already.
    pub confirm: bool,
}

impl Readiness {
    pub const TITLE: &'static str = "readiness";
}

impl Phase for Readiness {
    fn title(&self) -> &'static str {
        Self::TITLE
    }

    fn chain(&self) -> Chain {
        Chain::Common
    }

    fn read_only(&self) -> bool {
        true
    }

    fn plan(&self, ctx: &Ctx) -> Result<Vec<String>> {
        Ok(vec![counts(&ctx.preparation)])
    }

    fn run(&self, ctx: &mut Ctx) -> Result<Done> {
        let release = crate::checks::prepare::release(ctx.cluster).map_err(Problem::usage)?;
        let hosts = ctx.cluster.participants(false);
        let answers = ctx.survey_each(
            &hosts,
            |host| ready::command(host.is_control_plane() || host.is_worker()),
            Ready::parse,
        )?;
        let mirrors = &ctx.cluster.settings.mirrors;
        let decided = hosts
            .iter()
            .zip(answers)
            .map(|(host, answer)| Preparation::decide(host, &release, mirrors, answer))
            .collect();
        let plan = Preparation { hosts: decided };
        show(ctx, &plan);
        if super::prepare::nothing_to_do(&plan) && !ctx.config.dry_run {
            for host in &plan.hosts {
                events::emit(
                    event(EventKind::Skipped, host)
                        .detail("result", Step::Prepare.already())
                        .detail("reason", Step::Prepare.already_because()),
                );
            }
        }
        let to_change = plan.to_change().count();
        if to_change == 0 {
            ctx.say(say::NOTHING_ANYWHERE);
        } else if self.confirm && !ctx.config.dry_run {
            confirm(ctx, to_change)?;
        }
        let result = counts(&plan);
        let hosts = summaries(&plan);
        ctx.preparation = plan;
        Ok(Done { result, hosts })
    }
}

/// The list before anything changes, each host the moment it is known to
/// fail (not asked, refused). Under `--check` the plan says the changes.
fn show(ctx: &Ctx, plan: &Preparation) {
    for host in &plan.hosts {
        match &host.verdict {
            Verdict::NotAsked(advice) | Verdict::Refused(advice) => {
                super::survey::warn_advice(ctx, advice);
                events::emit(
                    event(EventKind::Failed, host)
                        .exit_code(None)
                        .detail("reason", advice.message.as_str()),
                );
            }
            Verdict::Changes(_) if ctx.config.dry_run => {}
            Verdict::Changes(changes) if changes.is_empty() => {
                ctx.say(&say::host_ready(&host.name, &host.address));
            }
            Verdict::Changes(changes) => {
                ctx.warn(&say::host_heading(&host.name, &host.address));
                for change in changes {
                    ctx.warn(&format!("  {}", say::change(change, &host.source.repo)));
                }
            }
        }
    }
}

/// An event about `host`'s part in the preparation, from the survey: a
/// host not asked or refused has failed (nothing ran there: no exit code);
/// with nothing to do anywhere the prepare phase is skipped, and a ready
/// host's `skipped` is said here rather than by its job.
fn event(kind: EventKind, host: &HostPreparation) -> Occurrence {
    Occurrence::new(kind)
        .host(&host.name)
        .phase(Readiness::TITLE)
        .detail("step", Step::Prepare.job())
}

/// `y` on a terminal, or `--yes`; without either, exit 2.
fn confirm(ctx: &Ctx, hosts: usize) -> Result<()> {
    let interactive = ctx.config.ui.interactive && std::io::stdin().is_terminal();
    let question = say::question(hosts);
    if prompt::confirm(&question, ctx.config.yes, interactive, say::QUESTION_FLAGS)? {
        Ok(())
    } else {
        Err(Problem::failed(say::NOT_CONFIRMED).into())
    }
}

fn counts(plan: &Preparation) -> String {
    let failed = plan.hosts.iter().filter(|host| host.failed()).count();
    let ready = plan
        .hosts
        .iter()
        .filter(|host| !host.failed() && host.changes().is_empty())
        .count();
    say::surveyed(plan.to_change().count(), ready, failed)
}

fn summaries(plan: &Preparation) -> Vec<HostSummary> {
    plan.hosts
        .iter()
        .map(|host| {
            let (result, detail) = match &host.verdict {
                Verdict::NotAsked(why) => (say::NOT_ASKED_RESULT, Some(why.message.clone())),
                Verdict::Refused(why) => (say::REFUSED_RESULT, Some(why.message.clone())),
                Verdict::Changes(changes) if changes.is_empty() => (say::NOTHING_TO_DO, None),
                Verdict::Changes(_) => (phases::CHECKED, None),
            };
            HostSummary::noted(&host.name, result, detail)
        })
        .collect()
}

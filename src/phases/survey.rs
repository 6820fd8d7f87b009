//! `deploy reset`'s first phase: every host taking part asked, in
//! parallel and read-only, what of a cluster is left there; the reset
//! decided from the answers; refused where it must be (unless `--force`);
//! and, before anything changes, the list of what goes on each host shown
//! and confirmed with the word `yes`.

use std::collections::BTreeMap;
use std::io::IsTerminal;

use anyhow::Result;

use super::{Chain, Ctx, Done, Phase};
use crate::artifacts::HostSummary;
use crate::checks::reset::{Answer, HostTeardown, ResetKind, Teardown, teardown};
use crate::events::{self, EventKind, Occurrence};
use crate::exit::Problem;
use crate::kube::Step;
use crate::kube::reset::saved_kubeconfig;
use crate::messages::{self, Advice, phases, reset as say};
use crate::probe::remains::{self, Remains};
use crate::ui::prompt;

pub struct Survey {
    /// `--force`: the refusals are said, and the reset goes on.
    pub force: bool,
}

impl Survey {
    pub const TITLE: &'static str = "survey";
}

impl Phase for Survey {
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
        Ok(vec![counts(&ctx.teardown)])
    }

    fn run(&self, ctx: &mut Ctx) -> Result<Done> {
        let answers = ask(ctx)?;
        let saved: Vec<String> = saved_names(ctx)
            .into_iter()
            .filter(|name| ctx.artifacts.has(name))
            .collect();
        let plan = teardown(ctx.cluster, ctx.control_plane, &answers, &saved);
        // The control plane drains even when it is not reset: said when it
        // could not be asked.
        let control_plane = ctx.control_plane;
        if let (None, Some(Err(why))) = (
            plan.host(&control_plane.name),
            answers.get(&control_plane.name),
        ) {
            let advice = say::host_not_asked(&control_plane.name, &control_plane.address, why);
            warn_advice(ctx, &advice);
        }
        show(ctx, &plan);
        let refusals = plan.refusals();
        for refusal in &refusals {
            if self.force {
                ctx.warn(&say::forced(refusal));
            } else {
                warn_advice(ctx, refusal);
            }
        }
        if !refusals.is_empty() && !self.force {
            return Err(Problem::usage(say::refused(refusals.len())).into());
        }
        let hosts = summaries(&plan);
        let result = counts(&plan);
        let to_reset = plan
            .hosts
            .iter()
            .filter(|host| !host.chores.is_empty())
            .count();
        if plan.nothing_to_do() {
            ctx.warn(say::NOTHING_TO_DO);
        } else if to_reset > 0 && !ctx.config.dry_run {
            confirm(ctx, to_reset)?;
        }
        ctx.teardown = plan;
        Ok(Done { result, hosts })
    }
}

/// Each host taking part asked at once (`--forks` at a time): those
/// `--limit` leaves, and the control plane, which drains and names the
/// cluster they must belong to.
fn ask(ctx: &Ctx) -> Result<BTreeMap<String, Answer>> {
    let hosts = ctx.cluster.participants(true);
    let answers = ctx.survey_each(
        &hosts,
        |host| {
            let kubeadm_node = host.is_control_plane() || host.is_worker();
            remains::command(kubeadm_node, host.is_control_plane(), host.is_rke2())
        },
        Remains::parse,
    )?;
    Ok(hosts
        .iter()
        .map(|host| host.name.clone())
        .zip(answers)
        .collect())
}

/// The kubeconfigs `deploy all` may have saved for the hosts reset.
fn saved_names(ctx: &Ctx) -> Vec<String> {
    ctx.cluster
        .participants(false)
        .into_iter()
        .filter(|host| host.is_control_plane() || host.is_rke2())
        .map(|host| saved_kubeconfig(&host.name, host.is_rke2()))
        .collect()
}

/// The list before anything changes: each host, and what goes there.
/// Under `--check` the plan says it; a host not asked is said either way.
fn show(ctx: &Ctx, plan: &Teardown) {
    for host in &plan.hosts {
        match &host.answer {
            Err(why) => {
                let advice = say::host_not_asked(&host.name, &host.address, why);
                warn_advice(ctx, &advice);
                let step = match host.kind {
                    ResetKind::Rke2 => Step::Rke2Uninstall,
                    ResetKind::Worker | ResetKind::ControlPlane => Step::Reset,
                };
                // Its failure, as a step's is said: nothing ran, no exit code.
                events::emit(
                    Occurrence::new(EventKind::Failed)
                        .host(&host.name)
                        .phase(Survey::TITLE)
                        .detail("step", step.job())
                        .exit_code(None)
                        .detail("reason", advice.message.as_str()),
                );
            }
            Ok(_) if ctx.config.dry_run => {}
            Ok(_) if host.chores.is_empty() => {
                ctx.say(&say::host_clean(&host.name, &host.address));
            }
            Ok(_) => {
                let last = host.kind == ResetKind::ControlPlane;
                ctx.warn(&say::host_heading(&host.name, &host.address, last));
                for line in chore_lines(ctx, plan, host) {
                    ctx.warn(&format!("  {line}"));
                }
            }
        }
    }
    let undrained: Vec<&str> = plan
        .to_do(ResetKind::Worker)
        .filter(|host| host.drain().is_none())
        .map(|host| host.name.as_str())
        .collect();
    let control_plane_stays = plan.host(&plan.control_plane).is_none();
    if plan.nodes.is_none() && control_plane_stays && !undrained.is_empty() {
        warn_advice(ctx, &say::not_drained(&plan.control_plane, &undrained));
    }
}

/// What `host`'s reset does, a line each.
pub fn chore_lines(ctx: &Ctx, plan: &Teardown, host: &HostTeardown) -> Vec<String> {
    host.chores
        .iter()
        .map(|chore| say::chore(chore, &plan.control_plane, ctx.artifacts.dir()))
        .collect()
}

/// A warning and its fix, as preflight shows them.
pub fn warn_advice(ctx: &Ctx, advice: &Advice) {
    ctx.warn(&format!("! {}", advice.message));
    for line in messages::fix_lines("  ", "fix:", advice.fix.as_deref().unwrap_or_default()) {
        ctx.warn(&line);
    }
}

/// The word `yes` on a terminal, or `--yes`; without either, exit 2.
fn confirm(ctx: &Ctx, hosts: usize) -> Result<()> {
    let interactive = ctx.config.ui.interactive && std::io::stdin().is_terminal();
    let question = say::question(hosts);
    if prompt::confirm_word(&question, ctx.config.yes, interactive, say::QUESTION_FLAGS)? {
        Ok(())
    } else {
        Err(Problem::failed(say::NOT_CONFIRMED).into())
    }
}

fn counts(plan: &Teardown) -> String {
    let to_reset = plan
        .hosts
        .iter()
        .filter(|host| host.answer.is_ok() && !host.chores.is_empty())
        .count();
    let clean = plan
        .hosts
        .iter()
        .filter(|host| host.answer.is_ok() && host.chores.is_empty())
        .count();
    say::surveyed(to_reset, clean, plan.failed.len())
}

/// Each host's answer, for the summary: a host not asked has failed.
fn summaries(plan: &Teardown) -> Vec<HostSummary> {
    plan.hosts
        .iter()
        .map(|host| {
            let (result, detail) = match &host.answer {
                Err(why) => (say::NOT_ASKED_RESULT, Some(why.message.clone())),
                Ok(_) if host.chores.is_empty() => (say::NOTHING_HERE, None),
                Ok(_) => (phases::CHECKED, None),
            };
            HostSummary::noted(&host.name, result, detail)
        })
        .collect()
}

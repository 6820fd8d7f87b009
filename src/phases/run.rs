//! The order of the phases, the confirmation before them, and the summary
//! after them.

use std::io::{IsTerminal, Write};
use std::time::Instant;

use anyhow::{Context as _, Result};

use super::context::Ctx;
use super::{Done, api, control_plane, failed, network, nodes, plan, rke2};
use crate::artifacts::{Artifacts, HostSummary, PhaseSummary, Summary};
use crate::checks::{Ignore, Rke2};
use crate::cli::{AllArgs, Global};
use crate::exit::{Code, Problem};
use crate::inventory::Inventory;
use crate::join::engine::{Options, Outcome};
use crate::join::step::Step;
use crate::join::watcher::GRACE;
use crate::join::{self, JoinRun, Plan};
use crate::preflight::{self, Report};
use crate::remote::{Cmd, Session};
use crate::ui::Ui;
use crate::ui::prompt::{self, Confirm};

/// deploy.sh's question, asked when neither flag answers it.
const QUESTION: &str = "Proceed with two-phase deployment?";

pub fn command(global: &Global, args: &AllArgs, ui: Ui) -> Result<Code> {
    let started = Instant::now();
    let ignore = Ignore::parse(&args.ignore.ids)?;
    let inventory = Inventory::load(&global.inventory)?;
    let plan = Plan::new(&inventory, global.limit.as_deref())?;
    let rke2_hosts = rke2_hosts(&inventory, args.with_rke2, global.limit.as_deref())?;
    let interactive = ui.interactive && std::io::stdin().is_terminal();
    if !global.dry_run {
        confirm(args.with_rke2 || global.yes, interactive)?;
    }
    let session = Session::new(global.connect_timeout).context("preparing SSH connections")?;
    let artifacts = Artifacts::create(&global.log_dir)?;
    let ctx = Ctx {
        global,
        inventory: &inventory,
        session: &session,
        artifacts: &artifacts,
        ui,
        log: artifacts.log(None)?,
    };

    ctx.heading(1, "preflight");
    let preflight_started = Instant::now();
    let report = preflight(&ctx, &ignore, &plan, &rke2_hosts, args.with_rke2)?;
    if global.dry_run {
        plan::print(&ctx, &plan, &rke2_hosts, &report)?;
        return Ok(Code::Success);
    }

    // Every question is asked before anything changes, never half-way.
    let cleanup = cleanup_consent(&rke2_hosts, &report, global.yes, interactive)?;
    let mut record = vec![PhaseSummary {
        phase: "preflight".into(),
        result: crate::preflight::human::counts(&report),
        seconds: preflight_started.elapsed().as_secs_f64(),
        hosts: report
            .hosts
            .iter()
            .map(|host| HostSummary {
                host: host.name.clone(),
                result: "checked".into(),
                seconds: 0.0,
                detail: None,
            })
            .collect(),
    }];
    let outcome = phases(
        &ctx,
        &plan,
        &rke2_hosts,
        &report,
        &ignore,
        &cleanup,
        &mut record,
    );
    print_phases(&record)?;
    let code = match &outcome {
        Ok(()) => Code::Success,
        Err(err) => crate::exit::code_of(err),
    };
    artifacts.write_summary(&Summary {
        command: "all".into(),
        result: join::result_word(code).into(),
        seconds: started.elapsed().as_secs_f64(),
        phases: record,
    })?;
    if outcome.is_ok() {
        eprintln!(
            "deploy: done in {}; the kubeconfigs, logs and summary.json are in {}",
            crate::join::engine::short(started.elapsed()),
            artifacts.dir().display()
        );
    }
    outcome.map(|()| code)
}

/// The RKE2 hosts taking part: with `--with-rke2`, those `--limit` leaves.
fn rke2_hosts(inventory: &Inventory, with_rke2: bool, limit: Option<&str>) -> Result<Vec<String>> {
    if !with_rke2 {
        return Ok(Vec::new());
    }
    let selected = limit.map(|pattern| inventory.select(pattern)).transpose()?;
    Ok(inventory
        .roles()
        .rke2
        .iter()
        .filter(|host| {
            selected
                .as_ref()
                .is_none_or(|selected| selected.contains(host))
        })
        .cloned()
        .collect())
}

/// Never waits on a prompt nobody can answer.
fn confirm(answered: bool, interactive: bool) -> Result<()> {
    match prompt::decide(answered, interactive) {
        Confirm::Proceed => Ok(()),
        Confirm::Ask => {
            if prompt::ask(
                QUESTION,
                &mut std::io::stdin().lock(),
                &mut std::io::stderr(),
            )? {
                Ok(())
            } else {
                Err(Problem::failed("not confirmed: nothing was changed").into())
            }
        }
        Confirm::Refuse => Err(prompt::refusal(QUESTION, "--yes or --with-rke2").into()),
    }
}

fn preflight(
    ctx: &Ctx,
    ignore: &Ignore,
    plan: &Plan,
    rke2_hosts: &[String],
    with_rke2: bool,
) -> Result<Report> {
    let context = preflight::Context {
        inventory: ctx.inventory,
        session: ctx.session,
        forks: ctx.global.forks as usize,
        ignore,
    };
    let mut names = plan.workers.clone();
    names.extend(rke2_hosts.iter().cloned());
    let limit = ctx.global.limit.as_ref().map(|_| {
        std::iter::once(plan.control_plane.clone())
            .chain(names)
            .collect::<Vec<_>>()
            .join(",")
    });
    let scope = preflight::Scope {
        rke2: if with_rke2 {
            Rke2::Required
        } else {
            Rke2::Excluded
        },
        limit,
        keep_control_plane: true,
    };
    let report = preflight::run(&context, &scope)?;
    for line in report.warning_lines() {
        ctx.say(&line);
    }
    report.ensure_passed()?;
    ctx.say(&crate::preflight::human::counts(&report));
    Ok(report)
}

fn phases(
    ctx: &Ctx,
    plan: &Plan,
    rke2_hosts: &[String],
    report: &Report,
    ignore: &Ignore,
    cleanup: &[String],
    record: &mut Vec<PhaseSummary>,
) -> Result<()> {
    let control_plane = plan.control_plane.as_str();
    phase(ctx, record, 2, "control plane", || {
        control_plane::run(ctx, control_plane, report.facts.get(control_plane))
    })?;
    phase(ctx, record, 3, "API ready", || {
        let done = api::wait(ctx, control_plane)?;
        save_admin_kubeconfig(ctx, control_plane)?;
        Ok(done)
    })?;
    phase(ctx, record, 4, "network add-on", || {
        network::apply(ctx, control_plane)
    })?;
    phase(ctx, record, 5, "workers", || {
        workers(ctx, plan, report, ignore)
    })?;
    let mut hosts = vec![plan.control_plane.clone()];
    hosts.extend(plan.workers.iter().cloned());
    phase(ctx, record, 6, "validation", || {
        nodes::validate(ctx, control_plane, &hosts)
    })?;
    if rke2_hosts.is_empty() {
        ctx.heading(7, "RKE2");
        ctx.say("not included: add --with-rke2");
        return Ok(());
    }
    phase(ctx, record, 7, "RKE2", || {
        let mut hosts = Vec::new();
        let mut result = String::new();
        for host in rke2_hosts {
            let facts = report
                .facts
                .get(host)
                .with_context(|| format!("{host} did not answer preflight"))?;
            let done = rke2::run(ctx, host, facts, cleanup.contains(host))?;
            result = done.result;
            hosts.extend(done.hosts);
        }
        Ok(Done { result, hosts })
    })
}

/// The RKE2 hosts whose kubeadm leftovers may be removed: deploy.sh asked,
/// and `--yes` answers.
fn cleanup_consent(
    rke2_hosts: &[String],
    report: &Report,
    yes: bool,
    interactive: bool,
) -> Result<Vec<String>> {
    let mut cleanup = Vec::new();
    for host in rke2_hosts {
        if !report.facts.get(host).is_some_and(rke2::has_leftovers) {
            continue;
        }
        let question = format!(
            "Remove the kubeadm leftovers on {host} (kubeadm reset -f, /etc/kubernetes, /var/lib/kubelet)?"
        );
        let agreed = match prompt::decide(yes, interactive) {
            Confirm::Proceed => true,
            Confirm::Ask => prompt::ask(
                &question,
                &mut std::io::stdin().lock(),
                &mut std::io::stderr(),
            )?,
            Confirm::Refuse => return Err(prompt::refusal(&question, "--yes").into()),
        };
        if agreed {
            cleanup.push(host.clone());
        }
    }
    Ok(cleanup)
}

/// Runs one phase under its heading and records how it went.
fn phase(
    ctx: &Ctx,
    record: &mut Vec<PhaseSummary>,
    number: usize,
    title: &str,
    body: impl FnOnce() -> Result<Done>,
) -> Result<()> {
    if crate::interrupt::requested() {
        return Err(Problem::interrupted().into());
    }
    ctx.heading(number, title);
    let started = Instant::now();
    let outcome = body();
    let seconds = started.elapsed().as_secs_f64();
    match outcome {
        Ok(done) => {
            record.push(PhaseSummary {
                phase: title.into(),
                result: done.result,
                seconds,
                hosts: done.hosts,
            });
            Ok(())
        }
        Err(err) => {
            let interrupted = crate::exit::code_of(&err) == Code::Interrupted;
            record.push(PhaseSummary {
                phase: title.into(),
                result: if interrupted { "interrupted" } else { "failed" }.into(),
                seconds,
                hosts: Vec::new(),
            });
            if interrupted {
                Err(err)
            } else {
                Err(err.context(format!("phase \"{title}\" failed")))
            }
        }
    }
}

/// Joins, after checking that every worker reaches the control plane now
/// that it is up.
fn workers(ctx: &Ctx, plan: &Plan, report: &Report, ignore: &Ignore) -> Result<Done> {
    let workers = plan.workers(ctx.inventory, report);
    if workers.is_empty() {
        ctx.say("no workers in the inventory: skipped");
        return Ok(Done::skipped("no workers", &plan.control_plane));
    }
    if workers.iter().any(|worker| !worker.already_done) {
        let context = preflight::Context {
            inventory: ctx.inventory,
            session: ctx.session,
            forks: ctx.global.forks as usize,
            ignore,
        };
        let reach = preflight::endpoint_after_init(&context, Some(plan.probe_pattern()))?;
        reach
            .ensure_passed()
            .context("before any join, every worker must reach the control plane endpoint")?;
        ctx.say("the control plane endpoint is reachable from every worker");
    }
    let results = join::join(&JoinRun {
        inventory: ctx.inventory,
        session: ctx.session,
        artifacts: ctx.artifacts,
        control_plane: &plan.control_plane,
        workers: &workers,
        options: Options {
            step: Step::Join,
            forks: ctx.global.forks as usize,
            timeout: join_timeout(ctx, &plan.control_plane)?,
            grace: GRACE,
            keep_going: false,
            verbose: ctx.ui.verbose > 0,
            endpoint: String::new(),
        },
        ui: ctx.ui,
    })?;
    if crate::interrupt::requested() {
        return Err(Problem::interrupted().into());
    }
    let summary = join::phase_summary("workers", &results);
    if let Some(bad) = results
        .iter()
        .find(|result| !result.outcome.is_success() && result.outcome != Outcome::NotStarted)
    {
        let address = join::address_of(ctx.inventory, &bad.name);
        return Err(failed(
            &bad.name,
            &address,
            &bad.outcome.describe(Step::Join),
            ctx,
        ));
    }
    let all_there = results
        .iter()
        .all(|result| result.outcome == Outcome::AlreadyDone);
    Ok(Done {
        result: if all_there {
            "skipped: already joined"
        } else {
            "joined"
        }
        .into(),
        hosts: summary.hosts,
    })
}

/// `deploy all` has no --join-timeout flag: the inventory's `join_timeout`,
/// or the join's default.
fn join_timeout(ctx: &Ctx, host: &str) -> Result<std::time::Duration> {
    ctx.duration(host, "join_timeout", std::time::Duration::from_secs(900))
}

/// The kubeadm cluster's kubeconfig, kept with the run's artifacts.
fn save_admin_kubeconfig(ctx: &Ctx, host: &str) -> Result<()> {
    let output = ctx
        .session
        .run_ok(
            &ctx.target(host)?,
            &Cmd::argv(["cat", api::ADMIN_CONF]),
            None,
            std::time::Duration::from_secs(30),
        )
        .with_context(|| format!("{host}: reading {}", api::ADMIN_CONF))?;
    let path = ctx
        .artifacts
        .write(&format!("{host}-kubeconfig.yaml"), &output.stdout)?;
    ctx.say(&format!("kubeconfig saved to {}", path.display()));
    Ok(())
}

/// The table at the end: phase, result, time.
fn print_phases(record: &[PhaseSummary]) -> Result<()> {
    let mut text = format!("{:<16}  {:<32}  TIME\n", "PHASE", "RESULT");
    for phase in record {
        text.push_str(&format!(
            "{:<16}  {:<32}  {:.1}s\n",
            phase.phase, phase.result, phase.seconds
        ));
    }
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .context("writing the summary")
}

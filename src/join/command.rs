//! `deploy join`: preflight, the join command from the control plane, the
//! joins themselves, and the summary.

use std::collections::HashMap;
use std::io::Write;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};

use super::config::JoinCommand;
use super::driver::{Assignment, JOIN_COMMAND, run_step};
use super::engine::{self, Options, Outcome, Worker, WorkerResult};
use super::step::Step;
use super::watcher::GRACE;
use crate::artifacts::{Artifacts, HostSummary, PhaseSummary, Summary};
use crate::checks::{Ignore, Rke2};
use crate::cli::{Global, JoinArgs};
use crate::exit::{Code, Problem};
use crate::inventory::Inventory;
use crate::preflight::{self, Report};
use crate::remote::{Cmd, Session, Target};
use crate::secret::Secret;
use crate::ui::Ui;

/// `kubeadm token create` is quick; this bounds it on a stuck control plane.
const TOKEN_LIMIT: Duration = Duration::from_secs(60);

pub fn command(global: &Global, args: &JoinArgs, ui: Ui) -> Result<Code> {
    let started = Instant::now();
    let ignore = Ignore::parse(&args.ignore.ids)?;
    let inventory = Inventory::load(&global.inventory)?;
    let session = Session::new(global.connect_timeout).context("preparing SSH connections")?;
    let plan = Plan::new(&inventory, global.limit.as_deref())?;

    let report = preflight(&inventory, &session, global, &ignore, &plan)?;
    let workers = plan.workers(&inventory, &report);
    if global.dry_run {
        print_plan(&workers);
        return Ok(Code::Success);
    }
    let artifacts = Artifacts::create(&global.log_dir)?;
    let results = join(&JoinRun {
        inventory: &inventory,
        session: &session,
        artifacts: &artifacts,
        control_plane: &plan.control_plane,
        workers: &workers,
        options: Options {
            step: Step::Join,
            forks: global.forks as usize,
            timeout: args.join_timeout,
            grace: GRACE,
            keep_going: args.keep_going,
            verbose: ui.verbose > 0,
            endpoint: String::new(),
        },
        ui,
    })?;

    print_summary(&results)?;
    let code = verdict(&results);
    let summary = Summary {
        command: "join".into(),
        result: result_word(code).into(),
        seconds: started.elapsed().as_secs_f64(),
        phases: vec![phase_summary("workers", &results)],
    };
    artifacts.write_summary(&summary)?;
    Ok(code)
}

/// Which hosts take part: the control plane, and the workers `--limit` leaves.
pub struct Plan {
    pub control_plane: String,
    pub workers: Vec<String>,
}

impl Plan {
    pub fn new(inventory: &Inventory, limit: Option<&str>) -> Result<Self> {
        let roles = inventory.roles();
        let control_plane = roles.control_plane.first().cloned().ok_or_else(|| {
            Problem::usage(format!("{} names no control plane host", inventory.path().display())).fix(
                "put the control plane in `monitoring_nodes` (or `kube_control_plane`), or set `node_role: control-plane` on it",
            )
        })?;
        let selected = match limit {
            Some(pattern) => Some(
                inventory
                    .select(pattern)
                    .with_context(|| format!("--limit {pattern}"))?,
            ),
            None => None,
        };
        let workers = roles
            .workers
            .iter()
            .filter(|name| {
                selected
                    .as_ref()
                    .is_none_or(|selected| selected.contains(name))
            })
            .cloned()
            .collect();
        Ok(Self {
            control_plane,
            workers,
        })
    }

    /// The workers with what preflight found: kubelet.conf means joined.
    pub fn workers(&self, inventory: &Inventory, report: &Report) -> Vec<Worker> {
        self.workers
            .iter()
            .map(|name| Worker {
                name: name.clone(),
                address: address_of(inventory, name),
                already_done: report
                    .facts
                    .get(name)
                    .is_some_and(|facts| facts.kubelet_conf),
            })
            .collect()
    }

    /// The `--limit` pattern preflight probes: the control plane always,
    /// the workers that are left.
    pub fn probe_pattern(&self) -> String {
        std::iter::once(&self.control_plane)
            .chain(&self.workers)
            .cloned()
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// The host's address as messages show it.
pub fn address_of(inventory: &Inventory, name: &str) -> String {
    inventory
        .host_vars(name)
        .and_then(|vars| vars.get("ansible_host"))
        .and_then(|value| value.as_str())
        .unwrap_or(name)
        .to_string()
}

/// Runs the checks for the hosts taking part; a failure stops everything
/// before any host is changed.
fn preflight(
    inventory: &Inventory,
    session: &Session,
    global: &Global,
    ignore: &Ignore,
    plan: &Plan,
) -> Result<Report> {
    let context = preflight::Context {
        inventory,
        session,
        forks: global.forks as usize,
        ignore,
    };
    let scope = preflight::Scope {
        rke2: Rke2::Excluded,
        limit: Some(plan.probe_pattern()),
        keep_control_plane: true,
    };
    let report = preflight::run(&context, &scope)?;
    for line in report.warning_lines() {
        eprintln!("preflight: {line}");
    }
    report.ensure_passed()?;
    if !global.quiet {
        eprintln!("preflight: {}", crate::preflight::human::counts(&report));
    }
    Ok(report)
}

/// Everything one run of the join engine needs.
pub struct JoinRun<'a> {
    pub inventory: &'a Inventory,
    pub session: &'a Session,
    pub artifacts: &'a Artifacts,
    pub control_plane: &'a str,
    pub workers: &'a [Worker],
    /// `endpoint` is filled in from the join command.
    pub options: Options,
    pub ui: Ui,
}

/// Asks the control plane for a join command, then joins the workers.
pub fn join(run: &JoinRun) -> Result<Vec<WorkerResult>> {
    let pending = run.workers.iter().any(|worker| !worker.already_done);
    let command = if pending {
        Some(join_command(run)?)
    } else {
        None
    };
    let token = command
        .as_ref()
        .map_or_else(|| Secret::new(""), |command| command.token.clone());
    let mut assignments = HashMap::new();
    if let Some(command) = &command {
        for worker in run.workers.iter().filter(|worker| !worker.already_done) {
            let vars = run
                .inventory
                .host_vars(&worker.name)
                .cloned()
                .unwrap_or_default();
            let target = Target::from_vars(&worker.name, &vars)?;
            let cri_socket = vars.get("cri_socket").and_then(|value| value.as_str());
            let configuration = Secret::new(command.configuration(&worker.name, cri_socket)?);
            assignments.insert(
                worker.name.clone(),
                Assignment {
                    target,
                    command: JOIN_COMMAND.into(),
                    input: Some(configuration),
                },
            );
        }
    }
    let mut options = run.options.clone();
    options.endpoint = command
        .as_ref()
        .map_or_else(String::new, |command| command.endpoint.clone());
    Ok(run_step(
        run.session,
        run.artifacts,
        run.ui,
        run.workers,
        assignments,
        &options,
        vec![&token],
    ))
}

/// `kubeadm token create --print-join-command` on the control plane.
fn join_command(run: &JoinRun) -> Result<JoinCommand> {
    let vars = run
        .inventory
        .host_vars(run.control_plane)
        .cloned()
        .unwrap_or_default();
    let target = Target::from_vars(run.control_plane, &vars)?;
    let cmd = Cmd::argv(["kubeadm", "token", "create", "--print-join-command"]);
    let output = run
        .session
        .run_ok(&target, &cmd, None, TOKEN_LIMIT)
        .with_context(|| format!("{}: creating a join token", run.control_plane))?;
    let command = JoinCommand::parse(&output.stdout_text())?;
    run.artifacts.hide(&command.token);
    Ok(command)
}

fn print_plan(workers: &[Worker]) {
    println!("deploy join --check: nothing will be changed");
    for worker in workers {
        let action = if worker.already_done {
            "skip: already joined (/etc/kubernetes/kubelet.conf exists)"
        } else {
            "join: kubeadm join, watched until kubelet.conf appears"
        };
        println!("  {:<24} {action}", worker.name);
    }
}

/// The table at the end: host, result, time.
pub fn print_summary(results: &[WorkerResult]) -> Result<()> {
    let width = results
        .iter()
        .map(|result| result.name.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut text = format!("{:<width$}  {:<28}  TIME\n", "HOST", "RESULT");
    for result in results {
        let time = if result.elapsed.is_zero() {
            "-".to_string()
        } else {
            engine::short(result.elapsed)
        };
        text.push_str(&format!(
            "{:<width$}  {:<28}  {time}\n",
            result.name,
            result.outcome.describe(Step::Join)
        ));
    }
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .context("writing the summary")
}

/// Success when every worker joined; 130 when Ctrl-C stopped the run.
pub fn verdict(results: &[WorkerResult]) -> Code {
    if crate::interrupt::requested() {
        Code::Interrupted
    } else if results.iter().all(|result| result.outcome.is_success()) {
        Code::Success
    } else {
        Code::Failed
    }
}

pub fn result_word(code: Code) -> &'static str {
    match code {
        Code::Success => "success",
        Code::Failed => "failed",
        Code::Usage => "usage error",
        Code::Interrupted => "interrupted",
    }
}

pub fn phase_summary(phase: &str, results: &[WorkerResult]) -> PhaseSummary {
    let all_ok = results.iter().all(|result| result.outcome.is_success());
    PhaseSummary {
        phase: phase.into(),
        result: if all_ok { "success" } else { "failed" }.into(),
        seconds: results
            .iter()
            .map(|result| result.elapsed.as_secs_f64())
            .fold(0.0, f64::max),
        hosts: results
            .iter()
            .map(|result| HostSummary {
                host: result.name.clone(),
                result: result.outcome.describe(Step::Join),
                seconds: result.elapsed.as_secs_f64(),
                detail: match &result.outcome {
                    Outcome::Failed(reason) => Some(reason.clone()),
                    _ => None,
                },
            })
            .collect(),
    }
}

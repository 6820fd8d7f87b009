//! Every node Ready (bounded), the inventory's `node_labels` and
//! `node_taints` applied where missing, nodes uncordoned, and the result
//! shown. The readiness wait serves RKE2's cluster too. Inventory values
//! reach kubectl after `--`, where no value can be read as an option.

use std::cell::RefCell;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};

use super::kubectl;
use super::poll::{self, Look};
use super::{Ctx, Done, Phase, failed};
use crate::artifacts::HostSummary;
use crate::cluster::Host;
use crate::events::{self, EventKind, Occurrence};
use crate::exit::Problem;
use crate::kube::names::Taint;
use crate::kube::nodes::{
    self, Node, missing_labels, missing_taints, not_ready, not_ready_names, parse_nodes,
};
use crate::messages::{self, phases as say};
use crate::remote::Cmd;
use crate::step;
use crate::ui::progress::Progress;

pub struct Validation;

impl Validation {
    /// The kubeadm nodes expected: the control plane and the workers.
    fn expected(ctx: &Ctx) -> Vec<String> {
        std::iter::once(ctx.control_plane)
            .chain(ctx.cluster.workers())
            .map(|host| host.name.clone())
            .collect()
    }
}

impl Phase for Validation {
    fn title(&self) -> &'static str {
        "validation"
    }

    fn plan(&self, ctx: &Ctx) -> Result<Vec<String>> {
        let control_plane = ctx.control_plane;
        let expected = Self::expected(ctx);
        let mut lines = vec![messages::plan::nodes_ready(
            expected.len(),
            control_plane.bounds.node_ready,
        )];
        let existing = if ctx.initialised(control_plane) {
            current_nodes(ctx, control_plane)
        } else {
            Vec::new()
        };
        for name in &expected {
            let Some(host) = ctx.cluster.host(name) else {
                continue;
            };
            let node = existing.iter().find(|node| &node.name == name);
            let labels = match node {
                Some(node) => missing_labels(&host.labels, &node.labels),
                None => host.labels.clone(),
            };
            if !labels.is_empty() {
                lines.push(messages::plan::label(name, &labels));
            }
            let wanted = taints(host)?;
            let taints = match node {
                Some(node) => missing_taints(&wanted, &node.taints),
                None => wanted,
            };
            if !taints.is_empty() {
                lines.push(messages::plan::taint(name, &texts(&taints)));
            }
        }
        Ok(lines)
    }

    fn run(&self, ctx: &mut Ctx) -> Result<Done> {
        let control_plane = ctx.control_plane;
        let expected = Self::expected(ctx);
        let nodes = wait_ready(
            ctx,
            control_plane,
            &kubectl(&["get", "nodes", "-o", "json"]),
            &expected,
            "kubelet",
        )?;
        let mut changed = 0;
        for node in nodes.iter().filter(|node| expected.contains(&node.name)) {
            let Some(host) = ctx.cluster.host(&node.name) else {
                continue;
            };
            let name = node.name.as_str();
            let labels = missing_labels(&host.labels, &node.labels);
            if !labels.is_empty() {
                set_on_node(ctx, "label", name, &labels).with_context(|| say::labelling(name))?;
                ctx.say(&say::labelled(name, &labels));
                changed += 1;
            }
            let taints = texts(&missing_taints(&taints(host)?, &node.taints));
            if !taints.is_empty() {
                set_on_node(ctx, "taint", name, &taints).with_context(|| say::tainting(name))?;
                ctx.say(&say::tainted(name, &taints));
                changed += 1;
            }
            if node.unschedulable {
                ctx.run_ok(
                    control_plane,
                    &kubectl(&["uncordon", "--", name]),
                    Duration::from_secs(30),
                )
                .with_context(|| say::uncordoning(&node.name))?;
                ctx.say(&say::uncordoned(&node.name));
                changed += 1;
            }
        }
        let nodes = if changed > 0 {
            let output = ctx.run_ok(
                control_plane,
                &kubectl(&["get", "nodes", "-o", "json"]),
                Duration::from_secs(30),
            )?;
            parse_nodes(&output.stdout_text())?
        } else {
            ctx.say(say::NODES_UNCHANGED);
            nodes
        };
        print_nodes(ctx, &nodes)?;
        Ok(Done::single(say::nodes_result(changed > 0), control_plane))
    }
}

/// `kubectl label` or `kubectl taint` of node `name` with `values`, each
/// after `--`: `-n=kube-system` stays a (refused) label, never an option.
fn set_on_node(ctx: &Ctx, verb: &str, name: &str, values: &[String]) -> Result<()> {
    let mut args = vec![verb, "node", "--overwrite", "--", name];
    args.extend(values.iter().map(String::as_str));
    ctx.run_ok(ctx.control_plane, &kubectl(&args), Duration::from_secs(30))?;
    Ok(())
}

/// The host's `node_taints`; preflight's check has named any that does
/// not parse, so one here was ignored on purpose and still cannot be applied.
fn taints(host: &Host) -> Result<Vec<Taint>> {
    host.taints
        .iter()
        .map(|text| {
            Taint::parse(text).map_err(|flaw| {
                Problem::usage(messages::values::taint_invalid(host, text, &flaw)).into()
            })
        })
        .collect()
}

fn texts(taints: &[Taint]) -> Vec<String> {
    taints.iter().map(Taint::text).collect()
}

/// Waits until every `expected` node (and every node there is) is Ready.
pub fn wait_ready(
    ctx: &Ctx,
    host: &Host,
    cmd: &Cmd,
    expected: &[String],
    unit: &str,
) -> Result<Vec<Node>> {
    let bound = host.bounds.node_ready;
    let progress = Progress::new(ctx.config.ui, &[host.name.as_str()]);
    let line = progress.host(&host.name, say::NODES_WAITING);
    let started = Instant::now();
    // The nodes the last look found not Ready, to diagnose at the bound.
    let waiting_for = RefCell::new(Vec::new());
    let ready = poll::until(
        bound,
        || {
            let output = ctx.run(host, cmd, Duration::from_secs(30))?;
            // An API server just started may refuse for a while: wait. A
            // kubectl that is missing or cannot run will not get better.
            match output.code {
                0 => {}
                126 | 127 => anyhow::bail!(say::kubectl_cannot_run(
                    &host.name,
                    output.stderr_text().trim()
                )),
                _ => {
                    let said = output.stderr_text();
                    return Ok(Look::Waiting(
                        messages::last_lines(&said, 1).trim().to_string(),
                    ));
                }
            }
            let nodes = parse_nodes(&output.stdout_text())?;
            *waiting_for.borrow_mut() = not_ready_names(&nodes, expected);
            Ok(match not_ready(&nodes, expected) {
                None => Look::Ready(nodes),
                Some(why) => Look::Waiting(why),
            })
        },
        |why| line.set(say::nodes_waiting(why)),
    )?;
    match ready {
        Ok(nodes) => {
            line.succeed(&say::nodes_ready(nodes.len()));
            Ok(nodes)
        }
        Err(last) => {
            line.fail(say::NODES_NOT_READY);
            let mut text = say::nodes_not_ready(&host.name, &host.address, bound, &last, unit);
            let names = waiting_for.into_inner();
            for diagnosed in diagnose_not_ready(ctx, host, &names, unit, started) {
                text.push('\n');
                text.push_str(&diagnosed);
            }
            progress.print_block(&text);
            Err(failed(ctx, host, &say::nodes_never_ready(&last)))
        }
    }
}

/// The `step` of a Ready wait's `failed` events.
const READY_WAIT: &str = "node-ready";

/// Why each node still not Ready is not, from its host's evidence, one
/// text each, also in the host's log, its host's `failed` event and its
/// line in the record; `host`'s own when no node names an inventory host
/// (RKE2's node, or no node registered at all).
fn diagnose_not_ready(
    ctx: &Ctx,
    host: &Host,
    names: &[String],
    unit: &str,
    since: Instant,
) -> Vec<String> {
    let mut hosts: Vec<&Host> = names
        .iter()
        .filter_map(|name| ctx.cluster.host(name))
        .collect();
    if hosts.is_empty() {
        hosts.push(host);
    }
    let mut texts = Vec::new();
    for node in hosts {
        let diagnosis =
            step::diagnose(ctx.session, ctx.artifacts, node, unit, since.elapsed(), &[]);
        let text = format!(
            "{}\n{}",
            messages::host_line(&node.name, &node.address),
            diagnosis.text()
        );
        if let Ok(log) = ctx.artifacts.log(Some(&node.name)) {
            log.line(&text);
        }
        let cause = diagnosis.cause();
        events::emit(
            Occurrence::new(EventKind::Failed)
                .host(&node.name)
                .phase(ctx.env().phase)
                .detail("step", READY_WAIT)
                .detail("reason", say::NODES_NOT_READY)
                .cause(cause.as_ref()),
        );
        ctx.failed_host(HostSummary {
            outcome: Some(EventKind::Failed.name()),
            host: node.name.clone(),
            result: messages::progress::line_failed(say::NODES_NOT_READY),
            seconds: since.elapsed().as_secs_f64(),
            detail: Some(say::NODES_NOT_READY.into()),
            cause,
        });
        texts.push(text);
    }
    texts
}

fn print_nodes(ctx: &Ctx, nodes: &[Node]) -> Result<()> {
    let rows = nodes
        .iter()
        .map(|node| {
            let labels = ctx
                .cluster
                .host(&node.name)
                .map(|host| host.labels.join(" "))
                .unwrap_or_default();
            vec![
                node.name.clone(),
                say::node_status(node.ready).to_owned(),
                labels,
            ]
        })
        .collect::<Vec<_>>();
    crate::ui::print_table(
        ctx.config.events,
        &say::NODES_TABLE,
        &rows,
        say::WRITING_NODES,
    )
}

/// The nodes as the running cluster sees them; none when it cannot say.
fn current_nodes(ctx: &Ctx, host: &Host) -> Vec<nodes::Node> {
    ctx.run_ok(
        host,
        &kubectl(&["get", "nodes", "-o", "json"]),
        Duration::from_secs(15),
    )
    .ok()
    .and_then(|output| parse_nodes(&output.stdout_text()).ok())
    .unwrap_or_default()
}

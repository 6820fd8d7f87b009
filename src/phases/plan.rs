//! `deploy all --check`: each phase, on which hosts, what would run and what
//! would be skipped as already done — from the preflight facts and a few
//! read-only looks, changing nothing.

use std::io::Write;
use std::time::Duration;

use anyhow::{Context as _, Result};

use super::context::Ctx;
use super::{network, nodes, rke2};
use crate::join::Plan;
use crate::messages::in_words;
use crate::preflight::Report;

pub fn print(ctx: &Ctx, plan: &Plan, rke2_hosts: &[String], report: &Report) -> Result<()> {
    let control_plane = plan.control_plane.as_str();
    let initialised = report
        .facts
        .get(control_plane)
        .is_some_and(|facts| facts.admin_conf);
    let mut out = String::from("deploy all --check: the plan; nothing was changed\n");
    let mut step = |phase: &str, line: String| out.push_str(&format!("  {phase:<15} {line}\n"));

    step("preflight", crate::preflight::human::counts(report));
    step(
        "control plane",
        if initialised {
            format!(
                "{control_plane}: skip, already initialised (/etc/kubernetes/admin.conf exists)"
            )
        } else {
            format!(
                "{control_plane}: kubeadm init from the inventory's settings, then root's kubeconfig"
            )
        },
    );
    let api_bound = ctx.duration(control_plane, "api_ready_timeout", Duration::from_secs(300))?;
    step(
        "API ready",
        format!(
            "{control_plane}: wait for /readyz to answer ok (up to {})",
            in_words(api_bound)
        ),
    );
    step(
        "network add-on",
        match network::manifest(ctx, control_plane)? {
            None => "skip, no cni_manifest in the inventory".to_string(),
            Some(manifest) if initialised && !network::pending(ctx, control_plane, &manifest)? => {
                format!("skip, {} already applied", manifest.describe())
            }
            Some(manifest) => format!("apply {} with kubectl", manifest.describe()),
        },
    );
    let workers = plan.workers(ctx.inventory, report);
    if workers.is_empty() {
        step("workers", "skip, no workers".into());
    }
    for worker in &workers {
        step(
            "workers",
            if worker.already_done {
                format!(
                    "{}: skip, already joined (/etc/kubernetes/kubelet.conf exists)",
                    worker.name
                )
            } else {
                format!(
                    "{}: kubeadm join, watched until kubelet.conf appears",
                    worker.name
                )
            },
        );
    }
    let mut hosts = vec![plan.control_plane.clone()];
    hosts.extend(plan.workers.iter().cloned());
    let node_bound = ctx.duration(
        control_plane,
        "node_ready_timeout",
        Duration::from_secs(300),
    )?;
    step(
        "validation",
        format!(
            "wait for {} node(s) to be Ready (up to {})",
            hosts.len(),
            in_words(node_bound)
        ),
    );
    let existing = if initialised {
        current_nodes(ctx, control_plane)
    } else {
        Vec::new()
    };
    for host in &hosts {
        let wanted = nodes::wanted_labels(&ctx.vars(host));
        let missing = match existing.iter().find(|node| &node.name == host) {
            Some(node) => nodes::missing_labels(&wanted, &node.labels),
            None => wanted,
        };
        if !missing.is_empty() {
            step("validation", format!("{host}: label {}", missing.join(" ")));
        }
    }
    if rke2_hosts.is_empty() {
        step("RKE2", "not included: add --with-rke2".into());
    }
    for host in rke2_hosts {
        let Some(facts) = report.facts.get(host) else {
            continue;
        };
        if rke2::has_leftovers(facts) {
            step(
                "RKE2",
                format!(
                    "{host}: remove kubeadm leftovers (kubeadm reset -f, /etc/kubernetes, /var/lib/kubelet), after asking"
                ),
            );
        }
        step(
            "RKE2",
            match &facts.rke2 {
                Some(path) => format!("{host}: skip install, {path} exists"),
                None => format!("{host}: install RKE2: {}", rke2::install_command(ctx, host)),
            },
        );
        if let Some(config) = rke2::config(ctx, host)? {
            let pending = facts.rke2.is_none() || rke2::config_pending(ctx, host, &config)?;
            step(
                "RKE2",
                format!(
                    "{host}: {} /etc/rancher/rke2/config.yaml",
                    if pending { "write" } else { "keep, unchanged," }
                ),
            );
        }
        step(
            "RKE2",
            if facts.rke2_active == Some(true) {
                format!("{host}: skip start, rke2-server is active")
            } else {
                format!(
                    "{host}: systemctl enable --now rke2-server, watched until rke2.yaml appears"
                )
            },
        );
        step(
            "RKE2",
            format!(
                "{host}: wait for the node to be Ready; save the kubeconfig to {}",
                ctx.artifacts
                    .dir()
                    .join(format!("{host}-rke2-kubeconfig.yaml"))
                    .display()
            ),
        );
    }
    std::io::stdout()
        .lock()
        .write_all(out.as_bytes())
        .context("writing the plan")
}

/// The nodes as the running cluster sees them; none when it cannot say.
fn current_nodes(ctx: &Ctx, host: &str) -> Vec<nodes::Node> {
    let Ok(target) = ctx.target(host) else {
        return Vec::new();
    };
    let cmd = nodes::kubectl(&["get", "nodes", "-o", "json"]);
    ctx.session
        .run_ok(&target, &cmd, None, Duration::from_secs(15))
        .ok()
        .and_then(|output| nodes::parse_nodes(&output.stdout_text()).ok())
        .unwrap_or_default()
}

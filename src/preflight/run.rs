//! The I/O half of preflight: the inventory read into a [`Cluster`], the
//! probe sent to each host through the remote layer, failures classified.

use std::time::Duration;

use anyhow::{Context as _, Result};
use serde_json::{Map, Value};

use super::{Report, gather_and_judge, read_answer};
use crate::checks::{
    Cluster, ConnectFailure, ConnectKind, HostSpec, Ignore, Probed, Rke2, Roles, Settings, catalog,
};
use crate::exit::Problem;
use crate::facts::{Inputs, PROBE_SCRIPT};
use crate::inventory::Inventory;
use crate::remote::{Cmd, Failure, RemoteError, Session, Target};

/// The probe's own time: its slowest step is the 2 s endpoint test.
const PROBE_LIMIT: Duration = Duration::from_secs(20);

/// What a preflight run needs from its caller.
pub struct Context<'a> {
    pub inventory: &'a Inventory,
    pub session: &'a Session,
    pub forks: usize,
    pub ignore: &'a Ignore,
}

/// Which hosts take part.
#[derive(Debug, Clone)]
pub struct Scope {
    pub rke2: Rke2,
    /// `--limit`: an Ansible pattern narrowing the probed hosts.
    pub limit: Option<String>,
    /// Probe the control plane whatever the limit says: `join` and `all`
    /// narrow the workers with `--limit`, never the host they join to.
    pub keep_control_plane: bool,
}

/// Probes the hosts in scope, in parallel, and judges them. Errors are
/// only those of the inventory (usage, exit 2); every host's own trouble
/// is a finding in the report.
pub fn run(ctx: &Context, scope: &Scope) -> Result<Report> {
    let (cluster, targets) = cluster_of(ctx.inventory, scope.rke2)?;
    let selected = match &scope.limit {
        Some(pattern) => ctx
            .inventory
            .select(pattern)
            .with_context(|| format!("--limit {pattern}"))?,
        None => cluster.hosts.iter().map(|host| host.name.clone()).collect(),
    };
    let names: Vec<String> = cluster
        .hosts
        .iter()
        .filter(|host| {
            selected.contains(&host.name) || (scope.keep_control_plane && host.roles.control_plane)
        })
        .filter(|host| !(host.roles.rke2 && scope.rke2 == Rke2::Excluded))
        .map(|host| host.name.clone())
        .collect();
    let report = gather_and_judge(&cluster, &names, ctx.forks, ctx.ignore, |spec, inputs| {
        let target = targets.iter().find(|target| target.name() == spec.name);
        match target {
            Some(target) => probe(ctx.session, target, inputs),
            None => unreachable_target(spec),
        }
    });
    // Ctrl-C killed the probes still running: their "failures" are ours,
    // and the run ends as interrupted (130), not as a failed check (1).
    if crate::interrupt::requested() {
        return Err(anyhow::Error::new(Problem::interrupted()).context("preflight was stopped"));
    }
    Ok(report)
}

/// For `deploy all` right after `kubeadm init`: the workers' view of the
/// control plane endpoint, which the first run had to skip. The report
/// holds only that check (and the hosts that could not be asked).
pub fn endpoint_after_init(ctx: &Context, limit: Option<String>) -> Result<Report> {
    let scope = Scope {
        rke2: Rke2::Excluded,
        limit,
        keep_control_plane: true,
    };
    let mut report = run(ctx, &scope)?;
    report.checks.retain(|finding| {
        finding.id == catalog::WORKER_ENDPOINT_REACHABLE
            || (finding.id == catalog::HOST_REACHABLE && finding.blocks())
    });
    Ok(report)
}

/// Every host with a role, as the checks see it, and how to reach it.
pub fn cluster_of(inventory: &Inventory, rke2: Rke2) -> Result<(Cluster, Vec<Target>)> {
    let roles = inventory.roles();
    let mut hosts = Vec::new();
    let mut targets = Vec::new();
    let empty = Map::new();
    for name in inventory.hosts() {
        let role = Roles {
            control_plane: roles.control_plane.iter().any(|host| host == name),
            worker: roles.workers.iter().any(|host| host == name),
            rke2: roles.rke2.iter().any(|host| host == name),
        };
        if !(role.control_plane || role.worker || role.rke2) {
            continue;
        }
        let vars = inventory.host_vars(name).unwrap_or(&empty);
        let target = Target::from_vars(name, vars)?;
        hosts.push(HostSpec {
            name: name.to_owned(),
            address: text(vars, "ansible_host").unwrap_or_else(|| name.to_owned()),
            port: vars.get("ansible_port").and_then(port),
            local: text(vars, "ansible_connection").as_deref() == Some("local"),
            become_: target.become_user().is_some(),
            roles: role,
            cri_socket: text(vars, "cri_socket"),
        });
        targets.push(target);
    }
    // Cluster settings live in `all` (or the control plane's groups): read
    // them from the control plane, else from any host.
    let source = roles
        .control_plane
        .first()
        .or(hosts.first().map(|host| &host.name))
        .and_then(|name| inventory.host_vars(name))
        .unwrap_or(&empty);
    let settings = Settings {
        control_plane_endpoint: text(source, "control_plane_endpoint"),
        pod_network_cidr: text(source, "pod_network_cidr"),
        service_network_cidr: text(source, "service_network_cidr"),
        kubernetes_version: text(source, "kubernetes_version"),
    };
    let ssh_client = which::which("ssh")
        .ok()
        .map(|path| path.display().to_string());
    Ok((
        Cluster {
            hosts,
            settings,
            rke2,
            ssh_client,
        },
        targets,
    ))
}

fn text(vars: &Map<String, Value>, name: &str) -> Option<String> {
    match vars.get(name)? {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

fn port(value: &Value) -> Option<u16> {
    match value {
        Value::Number(number) => number.as_u64().and_then(|n| u16::try_from(n).ok()),
        Value::String(text) => text.parse().ok(),
        _ => None,
    }
}

/// One round trip: the script with its inputs on stdin, the answer parsed.
fn probe(session: &Session, target: &Target, inputs: &Inputs) -> Probed {
    let mut cmd = Cmd::script("preflight probe", PROBE_SCRIPT);
    for (name, value) in inputs.vars() {
        cmd = cmd.var(name, value);
    }
    match session.run(target, &cmd, None, PROBE_LIMIT) {
        Ok(output) if output.success() => read_answer(&output.stdout_text()),
        Ok(output) => Probed::Failed(ConnectFailure {
            kind: ConnectKind::Other,
            message: format!(
                "the probe exited with code {}: {}",
                output.code,
                output
                    .stderr_text()
                    .trim_end()
                    .lines()
                    .last()
                    .unwrap_or("(no error output)")
            ),
            fix: None,
        }),
        Err(err) => Probed::Failed(classify(&err)),
    }
}

/// The remote layer's typed failure, with its own words and fix.
fn classify(err: &anyhow::Error) -> ConnectFailure {
    let Some(remote) = err.downcast_ref::<RemoteError>() else {
        return ConnectFailure {
            kind: ConnectKind::Other,
            message: format!("{err:#}"),
            fix: None,
        };
    };
    let kind = match remote.failure {
        Failure::Unreachable | Failure::ConnectionLost => ConnectKind::Unreachable,
        Failure::Refused => ConnectKind::Refused,
        Failure::AuthDenied => ConnectKind::AuthDenied,
        Failure::HostKeyUnknown => ConnectKind::HostKeyUnknown,
        Failure::HostKeyChanged => ConnectKind::HostKeyChanged,
        Failure::SudoPassword | Failure::SudoDenied | Failure::SudoMissing => ConnectKind::Sudo,
        Failure::TimeLimit => ConnectKind::TimedOut,
    };
    let problem =
        std::error::Error::source(remote).and_then(|source| source.downcast_ref::<Problem>());
    ConnectFailure {
        kind,
        message: problem.map_or_else(|| remote.to_string(), ToString::to_string),
        fix: problem.and_then(Problem::fix_text).map(str::to_owned),
    }
}

fn unreachable_target(spec: &HostSpec) -> Probed {
    Probed::Failed(ConnectFailure {
        kind: ConnectKind::Other,
        message: format!("no connection settings for {}", spec.name),
        fix: None,
    })
}

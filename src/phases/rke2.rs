//! RKE2 on its host, as deploy.sh did it: kubeadm leftovers cleaned up
//! after a confirmation, RKE2 installed when absent, its config.yaml
//! written from `rke2_config` with the node's name (the one it already
//! runs under, where it has run), labels and taints, rke2-server started
//! and watched (a failed unit stops at once), the node Ready, and the
//! kubeconfig saved here with the host's address.

use std::io::IsTerminal;
use std::time::Duration;

use anyhow::{Context as _, Result};

use super::validation::wait_ready;
use super::{Chain, Ctx, Done, Phase};
use crate::checks::rke2_node_name;
use crate::cluster::Host;
use crate::exit::Problem;
use crate::kube::Step;
use crate::kube::rke2::{CONFIG_PATH, KUBECONFIG_PATH, NodeName, config_yaml, kubeconfig_for};
use crate::messages::{phases, plan, rke2 as say};
use crate::probe::Facts;
use crate::remote::Cmd;
use crate::ui::prompt;

/// The directories are emptied, not removed: either may be a mount point.
const CLEANUP: &str = r#"if command -v kubeadm >/dev/null 2>&1; then kubeadm reset -f; fi
for dir in /etc/kubernetes /var/lib/kubelet; do
  [ -d "$dir" ] && find "$dir" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
done
exit 0
"#;

/// Writes CONFIG to config.yaml unless it is there already; with CHECK set
/// only answers whether it would.
const WRITE_CONFIG: &str = r#"if printf '%s' "$CONFIG" | cmp -s - /etc/rancher/rke2/config.yaml 2>/dev/null; then echo unchanged; exit 0; fi
if [ -n "${CHECK-}" ]; then echo pending; exit 0; fi
mkdir -p /etc/rancher/rke2 && (umask 077 && printf '%s' "$CONFIG" >/etc/rancher/rke2/config.yaml) && echo written
"#;

const START_COMMAND: &str = "systemctl enable --now rke2-server";

/// RKE2 ships its own kubectl.
const NODES: &str = "PATH=/var/lib/rancher/rke2/bin:$PATH exec kubectl --kubeconfig /etc/rancher/rke2/rke2.yaml get nodes -o json";

pub struct Rke2Cluster;

/// kubeadm's traces that deploy.sh warned about on the RKE2 host.
fn has_leftovers(facts: &Facts) -> bool {
    !facts.leftover_binaries.is_empty() || facts.etc_kubernetes
}

impl Rke2Cluster {
    /// Each RKE2 host taking part, with what preflight found there.
    fn hosts<'c>(ctx: &'c Ctx) -> Vec<(&'c Host, Option<&'c Facts>)> {
        ctx.cluster
            .rke2_hosts()
            .map(|host| (host, ctx.facts(host)))
            .collect()
    }
}

impl Phase for Rke2Cluster {
    fn title(&self) -> &'static str {
        "RKE2"
    }

    fn chain(&self) -> Chain {
        Chain::Rke2
    }

    fn skip(&self, ctx: &Ctx) -> Option<String> {
        (ctx.cluster.rke2_hosts().next().is_none()).then(|| say::NOT_INCLUDED.to_string())
    }

    /// deploy.sh asked before removing kubeadm's leftovers; `--yes` answers.
    fn ask(&self, ctx: &mut Ctx) -> Result<()> {
        let interactive = ctx.config.ui.interactive && std::io::stdin().is_terminal();
        let mut agreed = Vec::new();
        for (host, facts) in Self::hosts(ctx) {
            if !facts.is_some_and(has_leftovers) {
                continue;
            }
            let question = say::remove_leftovers(&host.name);
            if prompt::confirm(
                &question,
                ctx.config.yes,
                interactive,
                say::REMOVE_LEFTOVERS_FLAGS,
            )? {
                agreed.push(host.name.clone());
            }
        }
        ctx.cleanup = agreed;
        Ok(())
    }

    fn plan(&self, ctx: &Ctx) -> Result<Vec<String>> {
        let mut lines = Vec::new();
        for (host, facts) in Self::hosts(ctx) {
            let Some(facts) = facts else {
                continue;
            };
            let name = &host.name;
            if has_leftovers(facts) {
                lines.push(plan::remove_leftovers(name));
            }
            lines.push(match &facts.rke2 {
                Some(path) => plan::rke2_installed(name, path),
                None => plan::rke2_install(name, &host.rke2_install),
            });
            let node = rke2_node_name(host, facts);
            let pending =
                facts.rke2.is_none() || write_config(ctx, host, &config(host, &node)?, true)?;
            lines.push(plan::rke2_config(name, pending));
            lines.push(match (facts.rke2_active == Some(true), pending) {
                (true, true) => plan::rke2_restart(name),
                (true, false) => plan::rke2_active(name),
                (false, _) => plan::rke2_start(name, START_COMMAND),
            });
            lines.push(plan::rke2_ready(
                name,
                node.name(),
                &ctx.artifacts.dir().join(kubeconfig_name(host)),
            ));
        }
        Ok(lines)
    }

    fn run(&self, ctx: &mut Ctx) -> Result<Done> {
        let mut done = Done {
            result: String::new(),
            hosts: Vec::new(),
        };
        for (host, facts) in Self::hosts(ctx) {
            let facts = facts.with_context(|| say::no_facts(&host.name))?;
            let one = on_host(ctx, host, facts, ctx.cleanup.contains(&host.name))?;
            done.result = one.result;
            done.hosts.extend(one.hosts);
        }
        Ok(done)
    }
}

/// config.yaml for `host`: its `rke2_config`, `node`'s name, labels and
/// taints.
fn config(host: &Host, node: &NodeName) -> Result<String> {
    config_yaml(
        &host.rke2_config,
        node.written(),
        &host.labels,
        &host.taints,
    )
    .context(crate::messages::cluster::WRITING_RKE2_CONFIG)
}

fn kubeconfig_name(host: &Host) -> String {
    crate::kube::reset::saved_kubeconfig(&host.name, true)
}

/// Writes config.yaml unless it is there already; with `check`, only
/// answers whether it would. True: written (or would be).
fn write_config(ctx: &Ctx, host: &Host, config: &str, check: bool) -> Result<bool> {
    let mut cmd = Cmd::script("write RKE2's config.yaml", WRITE_CONFIG).var("CONFIG", config);
    if check {
        cmd = cmd.var("CHECK", "1");
    }
    let output = ctx
        .run_ok(host, &cmd, Duration::from_secs(30))
        .with_context(|| phases::writing(&host.name, CONFIG_PATH))?;
    let answer = output.stdout_text();
    Ok(answer.contains("written") || answer.trim() == "pending")
}

/// `clean`: the user agreed to remove the kubeadm leftovers.
fn on_host(ctx: &Ctx, host: &Host, facts: &Facts, clean: bool) -> Result<Done> {
    let name = &host.name;
    let mut hosts = Vec::new();

    if has_leftovers(facts) {
        if clean {
            let cmd = Cmd::script("remove kubeadm leftovers", CLEANUP);
            let output = ctx
                .run_ok(host, &cmd, Duration::from_secs(120))
                .with_context(|| say::removing_leftovers(name))?;
            ctx.log.line(&output.stdout_text());
            ctx.say(&say::leftovers_removed(name));
        } else {
            ctx.say(&say::leftovers_kept(name));
        }
    }

    // Each change below waits for nothing from the kubeadm chain, but stops
    // when that chain has failed.
    if facts.rke2.is_some() {
        ctx.say(&say::installed(name));
    } else {
        ctx.go_on()?;
        hosts.push(ctx.watched(
            host,
            Step::Rke2Install,
            &host.rke2_install,
            None,
            host.bounds.rke2_install,
        )?);
    }

    let node = rke2_node_name(host, facts);
    ctx.go_on()?;
    let config_written = write_config(ctx, host, &config(host, &node)?, false)?;
    ctx.say(&say::config_written(name, config_written));

    let start_timeout = host.bounds.rke2_start;
    ctx.go_on()?;
    if facts.rke2_active == Some(true) && config_written {
        // A running server reads config.yaml only when it starts.
        ctx.run_ok(
            host,
            &Cmd::argv(["systemctl", "restart", "rke2-server"]),
            start_timeout,
        )
        .map_err(|err| Problem::failed(say::not_restarted(name, &err)))?;
        ctx.say(&say::restarted(name));
    } else if facts.rke2_active == Some(true) {
        ctx.say(&say::running(name));
    } else {
        hosts.push(ctx.watched(host, Step::Rke2Start, START_COMMAND, None, start_timeout)?);
    }

    ctx.go_on()?;
    let nodes = wait_ready(
        ctx,
        host,
        &Cmd::script("RKE2's nodes", NODES),
        &[node.name().to_owned()],
        "rke2-server",
    )?;
    let names: Vec<&str> = nodes.iter().map(|node| node.name.as_str()).collect();
    ctx.say(&say::nodes_ready(name, &names));

    let output = ctx
        .run_ok(
            host,
            &Cmd::argv(["cat", KUBECONFIG_PATH]),
            Duration::from_secs(30),
        )
        .with_context(|| phases::reading(name, KUBECONFIG_PATH))?;
    let kubeconfig = kubeconfig_for(&output.stdout_text(), &host.address);
    let saved = ctx
        .artifacts
        .write(&kubeconfig_name(host), kubeconfig.as_bytes())?;
    ctx.say(&say::kubeconfig_saved(name, &saved, &host.address));

    Ok(Done {
        result: say::result(!hosts.is_empty()).into(),
        hosts,
    })
}

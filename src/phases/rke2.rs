//! Phase 7, RKE2 on its host, as deploy.sh did it: kubeadm leftovers
//! cleaned up after a confirmation, RKE2 installed when absent, its
//! config.yaml written from `rke2_config`, rke2-server started and watched
//! (a failed unit stops at once), the node Ready, and the kubeconfig saved
//! here with the host's address.

use std::time::Duration;

use anyhow::{Context as _, Result};

use super::Done;
use super::context::Ctx;
use super::nodes;
use super::rke2_config::{self, DEFAULT_INSTALL_COMMAND, KUBECONFIG_PATH};
use crate::exit::Problem;
use crate::facts::Facts;
use crate::join::step::Step;
use crate::remote::Cmd;

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

/// kubeadm's traces that deploy.sh warned about on the RKE2 host.
pub fn has_leftovers(facts: &Facts) -> bool {
    !facts.leftover_binaries.is_empty() || facts.etc_kubernetes
}

pub fn install_command(ctx: &Ctx, host: &str) -> String {
    ctx.vars(host)
        .get("rke2_install_command")
        .and_then(|value| value.as_str())
        .unwrap_or(DEFAULT_INSTALL_COMMAND)
        .to_string()
}

/// config.yaml from the inventory, when it sets `rke2_config`.
pub fn config(ctx: &Ctx, host: &str) -> Result<Option<String>> {
    let vars = ctx.vars(host);
    match vars.get("rke2_config") {
        None => Ok(None),
        Some(value) => rke2_config::config_yaml(Some(value)).map(Some),
    }
}

/// Whether config.yaml would be written (read-only).
pub fn config_pending(ctx: &Ctx, host: &str, config: &str) -> Result<bool> {
    let cmd = Cmd::script("compare RKE2's config.yaml", WRITE_CONFIG)
        .var("CONFIG", config)
        .var("CHECK", "1");
    let output = ctx
        .session
        .run_ok(&ctx.target(host)?, &cmd, None, Duration::from_secs(30))?;
    Ok(output.stdout_text().trim() == "pending")
}

/// `clean`: the user agreed to remove the kubeadm leftovers.
pub fn run(ctx: &Ctx, host: &str, facts: &Facts, clean: bool) -> Result<Done> {
    let address = ctx.address(host);
    let target = ctx.target(host)?;
    let mut hosts = Vec::new();

    if has_leftovers(facts) {
        if clean {
            let cmd = Cmd::script("remove kubeadm leftovers", CLEANUP);
            let output = ctx
                .session
                .run_ok(&target, &cmd, None, Duration::from_secs(120))
                .with_context(|| format!("{host}: removing kubeadm leftovers"))?;
            ctx.log.line(&output.stdout_text());
            ctx.say(&format!("{host}: kubeadm leftovers removed"));
        } else {
            ctx.say(&format!("{host}: kubeadm leftovers kept, as answered"));
        }
    }

    if facts.rke2.is_some() {
        ctx.say(&format!("{host}: RKE2 already installed, skipped"));
    } else {
        let timeout = ctx.duration(host, "rke2_install_timeout", Duration::from_secs(600))?;
        hosts.push(ctx.watched(
            host,
            Step::Rke2Install,
            &install_command(ctx, host),
            None,
            timeout,
        )?);
    }

    let mut config_written = false;
    if let Some(config) = config(ctx, host)? {
        let cmd = Cmd::script("write RKE2's config.yaml", WRITE_CONFIG).var("CONFIG", &config);
        let output = ctx
            .session
            .run_ok(&target, &cmd, None, Duration::from_secs(30))
            .with_context(|| format!("{host}: writing {}", rke2_config::CONFIG_PATH))?;
        let written = output.stdout_text().contains("written");
        config_written = written;
        ctx.say(&format!(
            "{host}: {} {}",
            rke2_config::CONFIG_PATH,
            if written { "written" } else { "unchanged" }
        ));
    }

    let start_timeout = ctx.duration(host, "rke2_start_timeout", Duration::from_secs(300))?;
    if facts.rke2_active == Some(true) && config_written {
        // A running server reads config.yaml only when it starts.
        ctx.session
            .run_ok(
                &target,
                &Cmd::argv(["systemctl", "restart", "rke2-server"]),
                None,
                start_timeout,
            )
            .map_err(|err| {
                Problem::failed(format!(
                    "{host}: rke2-server did not restart with its new config.yaml: {err:#}"
                ))
                .fix("see why with: journalctl -u rke2-server -n 100")
            })?;
        ctx.say(&format!(
            "{host}: rke2-server restarted for its new config.yaml"
        ));
    } else if facts.rke2_active == Some(true) {
        ctx.say(&format!("{host}: rke2-server already running, skipped"));
    } else {
        hosts.push(ctx.watched(host, Step::Rke2Start, START_COMMAND, None, start_timeout)?);
    }

    let nodes = nodes::wait_ready(
        ctx,
        host,
        &Cmd::script("RKE2's nodes", NODES),
        &[],
        "rke2-server",
    )?;
    ctx.say(&format!("{host}: RKE2 node(s) Ready: {}", names(&nodes)));

    let output = ctx
        .session
        .run_ok(
            &target,
            &Cmd::argv(["cat", KUBECONFIG_PATH]),
            None,
            Duration::from_secs(30),
        )
        .with_context(|| format!("{host}: reading {KUBECONFIG_PATH}"))?;
    let kubeconfig = rke2_config::kubeconfig_for(&output.stdout_text(), &address);
    let saved = ctx.artifacts.write(
        &format!("{host}-rke2-kubeconfig.yaml"),
        kubeconfig.as_bytes(),
    )?;
    ctx.say(&format!(
        "{host}: kubeconfig saved to {} (server https://{address}:6443)",
        saved.display()
    ));

    let result = if hosts.is_empty() {
        "already running"
    } else {
        "running"
    };
    Ok(Done {
        result: result.into(),
        hosts,
    })
}

fn names(nodes: &[nodes::Node]) -> String {
    nodes
        .iter()
        .map(|node| node.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

//! Phase 2: `kubeadm init` from a configuration built from the inventory,
//! watched like a join, then root's kubeconfig.

use std::time::Duration;

use anyhow::{Context as _, Result};

use super::Done;
use super::context::Ctx;
use super::kubeadm_config::ClusterSettings;
use crate::facts::Facts;
use crate::join::step::Step;
use crate::remote::Cmd;
use crate::secret::Secret;

const INIT_COMMAND: &str = "kubeadm init --config /dev/stdin";

/// root's kubeconfig: a copy of admin.conf, made (again) only when missing
/// or different, so a second run changes nothing.
const ROOT_KUBECONFIG: &str = r#"if ! cmp -s /etc/kubernetes/admin.conf /root/.kube/config 2>/dev/null; then
  mkdir -p /root/.kube && cp /etc/kubernetes/admin.conf /root/.kube/config && chmod 600 /root/.kube/config && echo written
fi
"#;

pub fn run(ctx: &Ctx, host: &str, facts: Option<&Facts>) -> Result<Done> {
    let address = ctx.address(host);
    if facts.is_some_and(|facts| facts.admin_conf) {
        ctx.say(&format!(
            "{host}: already initialised (/etc/kubernetes/admin.conf exists), skipped"
        ));
        root_kubeconfig(ctx, host)?;
        return Ok(Done::skipped("already initialised", host));
    }
    let settings = ClusterSettings::from_vars(host, &address, &ctx.vars(host));
    let configuration = settings.init_configuration()?;
    ctx.log.line(&format!(
        "kubeadm configuration for {host}:\n{configuration}"
    ));
    let timeout = ctx.duration(host, "init_timeout", Duration::from_secs(600))?;
    let summary = ctx.watched(
        host,
        Step::Init,
        INIT_COMMAND,
        Some(Secret::new(configuration)),
        timeout,
    )?;
    root_kubeconfig(ctx, host)?;
    Ok(Done {
        result: "initialised".into(),
        hosts: vec![summary],
    })
}

fn root_kubeconfig(ctx: &Ctx, host: &str) -> Result<()> {
    let cmd = Cmd::script("set up root's kubeconfig", ROOT_KUBECONFIG);
    let output = ctx
        .session
        .run_ok(&ctx.target(host)?, &cmd, None, Duration::from_secs(30))
        .with_context(|| format!("{host}: setting up /root/.kube/config"))?;
    if output.stdout_text().contains("written") {
        ctx.say(&format!(
            "{host}: /root/.kube/config set up from admin.conf"
        ));
    }
    Ok(())
}

//! Phase 2: `kubeadm init` from a configuration built from the inventory,
//! watched like a join, then root's kubeconfig.

use std::collections::HashMap;
use std::time::Duration;

use anyhow::{Context as _, Result};

use super::context::Ctx;
use super::kubeadm_config::ClusterSettings;
use super::{Done, failed};
use crate::artifacts::HostSummary;
use crate::facts::Facts;
use crate::join::engine::{Options, Outcome, Worker};
use crate::join::step::Step;
use crate::join::watcher::GRACE;
use crate::join::{Assignment, run_step};
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
    let worker = Worker {
        name: host.to_string(),
        address: address.clone(),
        already_done: false,
    };
    let assignment = Assignment {
        target: ctx.target(host)?,
        command: INIT_COMMAND.into(),
        input: Some(Secret::new(configuration)),
    };
    let options = Options {
        step: Step::Init,
        forks: 1,
        timeout,
        grace: GRACE,
        keep_going: false,
        verbose: ctx.ui.verbose > 0,
        endpoint: String::new(),
    };
    let results = run_step(
        ctx.session,
        ctx.artifacts,
        ctx.ui,
        std::slice::from_ref(&worker),
        HashMap::from([(host.to_string(), assignment)]),
        &options,
        Vec::new(),
    );
    let result = &results[0];
    if result.outcome != Outcome::Succeeded {
        return Err(failed(
            host,
            &address,
            &result.outcome.describe(Step::Init),
            ctx,
        ));
    }
    root_kubeconfig(ctx, host)?;
    Ok(Done {
        result: "initialised".into(),
        hosts: vec![HostSummary {
            host: host.to_string(),
            result: "initialised".into(),
            seconds: result.elapsed.as_secs_f64(),
            detail: None,
        }],
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

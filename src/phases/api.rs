//! Wait, bounded, for the API server to answer `/readyz` with ok; then keep
//! the cluster's admin kubeconfig with the run's artifacts.

use std::time::Duration;

use anyhow::{Context as _, Result};

use super::kubectl;
use super::poll::{self, Look};
use super::{Ctx, Done, Phase, failed};
use crate::kube::nodes::ADMIN_CONF;
use crate::kube::reset::saved_kubeconfig;
use crate::messages::{self, phases as say};
use crate::remote::Cmd;
use crate::ui::progress::Progress;

pub struct ApiReady;

impl Phase for ApiReady {
    fn title(&self) -> &'static str {
        "API ready"
    }

    fn plan(&self, ctx: &Ctx) -> Result<Vec<String>> {
        let host = ctx.control_plane;
        Ok(vec![messages::plan::api_ready(
            &host.name,
            host.bounds.api_ready,
        )])
    }

    fn run(&self, ctx: &mut Ctx) -> Result<Done> {
        let host = ctx.control_plane;
        let bound = host.bounds.api_ready;
        let cmd = kubectl(&["get", "--raw=/readyz"]);
        let progress = Progress::new(ctx.config.ui, &[host.name.as_str()]);
        let line = progress.host(&host.name, say::API_WAITING);
        let ready = poll::until(
            bound,
            || {
                let output = ctx.run(host, &cmd, Duration::from_secs(15))?;
                Ok(if output.code == 0 && output.stdout_text().trim() == "ok" {
                    Look::Ready(())
                } else {
                    let said = format!("{}{}", output.stdout_text(), output.stderr_text());
                    Look::Waiting(messages::last_lines(&said, 1).trim().to_string())
                })
            },
            |why| line.set(say::api_waiting(why)),
        )?;
        if let Err(last) = ready {
            line.fail(say::API_NOT_READY);
            progress.print_block(&say::api_not_ready(&host.name, &host.address, bound, &last));
            return Err(failed(ctx, host, say::API_NEVER_READY));
        }
        line.succeed(say::API_READY);
        let output = ctx
            .run_ok(
                host,
                &Cmd::argv(["cat", ADMIN_CONF]),
                Duration::from_secs(30),
            )
            .with_context(|| say::reading(&host.name, ADMIN_CONF))?;
        let path = ctx
            .artifacts
            .write(&saved_kubeconfig(&host.name, false), &output.stdout)?;
        ctx.say(&say::kubeconfig_saved(&path));
        Ok(Done::single(say::READY, host))
    }
}

//! Phase 3: wait, bounded, for the API server to answer `/readyz` with ok.

use std::time::Duration;

use anyhow::Result;

use super::context::Ctx;
use super::poll::{self, Look};
use super::{Done, failed};
use crate::messages;
use crate::remote::Cmd;
use crate::ui::progress::Progress;

pub const ADMIN_CONF: &str = "/etc/kubernetes/admin.conf";

pub fn wait(ctx: &Ctx, host: &str) -> Result<Done> {
    let address = ctx.address(host);
    let bound = ctx.duration(host, "api_ready_timeout", Duration::from_secs(300))?;
    let target = ctx.target(host)?;
    let cmd = Cmd::argv([
        "kubectl",
        "--kubeconfig",
        ADMIN_CONF,
        "get",
        "--raw=/readyz",
    ]);
    let progress = Progress::new(ctx.ui, &[host]);
    let line = progress.host(host, "waiting for /readyz");
    let ready = poll::until(
        bound,
        || {
            let output = ctx
                .session
                .run(&target, &cmd, None, Duration::from_secs(15))?;
            Ok(if output.code == 0 && output.stdout_text().trim() == "ok" {
                Look::Ready(())
            } else {
                let said = format!("{}{}", output.stdout_text(), output.stderr_text());
                Look::Waiting(messages::last_lines(&said, 1).trim().to_string())
            })
        },
        |why| line.set(format!("waiting for /readyz: {why}")),
    )?;
    match ready {
        Ok(()) => {
            line.succeed("the API server is ready");
            Ok(Done::single("ready", host))
        }
        Err(last) => {
            line.fail("not ready");
            progress.print_block(&messages::api_not_ready(host, &address, bound, &last));
            Err(failed(
                host,
                &address,
                "the API server never became ready",
                ctx,
            ))
        }
    }
}

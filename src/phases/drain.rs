//! Before a worker is reset, while the API answers: drained and deleted
//! from the cluster with kubectl on the control plane, one at a time, each
//! within `--drain-timeout`. A worker that cannot be drained is said at
//! once and left as it is; the others go on.

use std::time::{Duration, Instant};

use anyhow::Result;

use super::{Ctx, Done, Phase, kubectl};
use crate::artifacts::HostSummary;
use crate::checks::reset::ResetKind;
use crate::messages::{phases as said, reset as say};

/// kubectl's own start and the delete after the drain.
const MARGIN: Duration = Duration::from_secs(30);

pub struct Drain {
    /// `--drain-timeout`.
    pub timeout: Duration,
}

impl Drain {
    /// Each worker to drain, with its node's name.
    fn nodes<'c>(ctx: &'c Ctx) -> Vec<(&'c str, &'c str)> {
        ctx.teardown
            .to_do(ResetKind::Worker)
            .filter_map(|host| Some((host.name.as_str(), host.drain()?)))
            .collect()
    }

    /// `kubectl drain`, then `kubectl delete node`; kubectl's error when
    /// either fails.
    fn one(&self, ctx: &Ctx, node: &str) -> Result<(), String> {
        let control_plane = ctx.control_plane;
        let timeout = format!("--timeout={}s", self.timeout.as_secs().max(1));
        let drain = kubectl(&[
            "drain",
            "--ignore-daemonsets",
            "--delete-emptydir-data",
            "--force",
            &timeout,
            "--",
            node,
        ]);
        let delete = kubectl(&["delete", "node", "--ignore-not-found", "--", node]);
        for cmd in [drain, delete] {
            match ctx.run(control_plane, &cmd, self.timeout + MARGIN) {
                Ok(output) if output.success() => ctx.log.line(&output.stdout_text()),
                Ok(output) => return Err(output.stderr_text()),
                Err(err) => return Err(crate::preflight::classify(&err).advice.message),
            }
        }
        Ok(())
    }
}

impl Phase for Drain {
    fn title(&self) -> &'static str {
        "drain"
    }

    fn skip(&self, ctx: &Ctx) -> Option<String> {
        Self::nodes(ctx)
            .is_empty()
            .then(|| say::NOTHING_HERE.to_owned())
    }

    fn plan(&self, ctx: &Ctx) -> Result<Vec<String>> {
        let control_plane = &ctx.teardown.control_plane;
        Ok(Self::nodes(ctx)
            .into_iter()
            .map(|(host, node)| say::drain_plan(host, node, control_plane, self.timeout))
            .collect())
    }

    fn run(&self, ctx: &mut Ctx) -> Result<Done> {
        let nodes: Vec<(String, String)> = Self::nodes(ctx)
            .into_iter()
            .map(|(host, node)| (host.to_owned(), node.to_owned()))
            .collect();
        let mut hosts = Vec::new();
        let mut failed = false;
        for (host, node) in nodes {
            if crate::interrupt::requested() {
                return Err(crate::exit::Problem::interrupted().into());
            }
            let started = Instant::now();
            let (result, detail) = match self.one(ctx, &node) {
                Ok(()) => {
                    ctx.say(&say::drained(&node, started.elapsed()));
                    (say::DRAINED, None)
                }
                Err(why) => {
                    ctx.log.line(&why);
                    let advice =
                        say::drain_failed(&node, &ctx.control_plane.name, &why, self.timeout);
                    super::survey::warn_advice(ctx, &advice);
                    ctx.teardown.failed.push(host.clone());
                    failed = true;
                    (say::NOT_DRAINED, Some(advice.message))
                }
            };
            hosts.push(HostSummary {
                outcome: None,
                host,
                result: result.to_owned(),
                seconds: started.elapsed().as_secs_f64(),
                detail,
                cause: None,
            });
        }
        let result = if failed { said::FAILED } else { say::DRAINED };
        Ok(Done {
            result: result.into(),
            hosts,
        })
    }
}

//! The workers join: a join command from the control plane, then every
//! worker's `kubeadm join` watched, at most `--forks` at once. Workers
//! where kubelet.conf exists are reported and skipped.

use std::time::Duration;

use anyhow::{Context as _, Result};

use super::token::{self, JoinToken};
use super::{Ctx, Done, Phase, failed};
use crate::cluster::Host;
use crate::kube::Step;
use crate::kube::join::JoinCommand;
use crate::messages::{phases as say, plan};
use crate::preflight;
use crate::probe::EarlierJoin;
use crate::remote::Cmd;
use crate::secret::Secret;
use crate::step::{self, Job, Outcome, Policy};

/// Through `/bin/sh -c`, as the old playbook ran it, so a missing kubeadm
/// reads `/bin/sh: 1: kubeadm: not found` with exit code 127. The
/// JoinConfiguration (with the token) is the job's stdin.
const JOIN_COMMAND: &str = "kubeadm join --config /dev/stdin";

/// `kubeadm reset -f` stops the kubelet and removes files: quick.
const RESET_LIMIT: Duration = Duration::from_secs(120);

pub struct Workers {
    /// `deploy all`: a failed join stops the run with an error, after
    /// checking again, now the control plane is up, that every worker
    /// reaches its endpoint. `deploy join` reports failures in its table
    /// and exit code instead.
    pub within_all: bool,
    /// `--join-timeout`; without it, the control plane's `join_timeout`.
    pub timeout: Option<Duration>,
    pub keep_going: bool,
}

impl Workers {
    /// kubelet.conf is there and no join here is recorded as failed: a
    /// join can write kubelet.conf and still fail.
    fn joined(ctx: &Ctx, host: &Host) -> bool {
        ctx.facts(host).is_some_and(|facts| facts.kubelet_conf)
            && Self::failed_before(ctx, host).is_none()
    }

    /// The earlier join on `host`, when it is recorded as failed.
    fn failed_before(ctx: &Ctx, host: &Host) -> Option<EarlierJoin> {
        ctx.facts(host)?.earlier_join.filter(EarlierJoin::failed)
    }

    /// What a failed join left (kubelet.conf, certificates) goes first, so
    /// the join starts clean and kubelet.conf means this join.
    fn reset(ctx: &Ctx, host: &Host, earlier: EarlierJoin) -> Result<()> {
        ctx.say(&say::rejoining(
            &host.name,
            earlier.exit_code,
            earlier.ended_at,
        ));
        let mut argv = vec!["kubeadm", "reset", "-f"];
        if let Some(socket) = &host.cri_socket {
            argv.extend(["--cri-socket", socket]);
        }
        let output = ctx
            .run_ok(host, &Cmd::argv(argv), RESET_LIMIT)
            .with_context(|| say::resetting(&host.name))?;
        ctx.log.line(&output.stdout_text());
        Ok(())
    }
}

impl Phase for Workers {
    fn title(&self) -> &'static str {
        "workers"
    }

    fn skip(&self, ctx: &Ctx) -> Option<String> {
        if ctx.cluster.workers().next().is_some() {
            None
        } else if ctx.cluster.hosts.iter().any(|host| host.is_worker()) {
            Some(say::NO_WORKERS_LEFT.into())
        } else {
            Some(say::NO_WORKERS.into())
        }
    }

    fn plan(&self, ctx: &Ctx) -> Result<Vec<String>> {
        Ok(ctx
            .cluster
            .workers()
            .map(|host| {
                if Self::joined(ctx, host) {
                    plan::already_done(&host.name, Step::Join)
                } else if let Some(earlier) = Self::failed_before(ctx, host) {
                    plan::rejoin(&host.name, earlier.exit_code)
                } else {
                    plan::join(&host.name)
                }
            })
            .collect())
    }

    fn run(&self, ctx: &mut Ctx) -> Result<Done> {
        let control_plane = ctx.control_plane;
        let workers: Vec<&Host> = ctx.cluster.workers().collect();
        let pending = workers.iter().any(|host| !Self::joined(ctx, host));
        if self.within_all && pending {
            let mut hosts = workers.clone();
            hosts.push(control_plane);
            let reach = preflight::endpoint_after_init(&ctx.checker(), &hosts)?;
            reach.ensure_passed().context(say::ENDPOINT_BEFORE_JOIN)?;
            // A worker whose check was ignored or could not be made was not
            // found reaching it: say that, not that every worker does.
            let warnings = reach.warning_lines();
            if warnings.is_empty() {
                ctx.say(say::ENDPOINT_REACHABLE);
            }
            for line in warnings {
                ctx.warn(&line);
            }
        }
        for host in &workers {
            if let Some(earlier) = Self::failed_before(ctx, host) {
                Self::reset(ctx, host, earlier)?;
            }
        }
        let token = if pending {
            let count = workers
                .iter()
                .filter(|host| !Self::joined(ctx, host))
                .count();
            let ttl = token::ttl(count, ctx.config.forks, self.timeout(ctx));
            Some(JoinToken::create(ctx, control_plane, ttl)?)
        } else {
            None
        };
        let done = self.join(ctx, &workers, token.as_ref().map(|token| &token.command));
        if let Some(token) = token {
            token.finish(ctx, control_plane, &ctx.joins);
        }
        done
    }
}

impl Workers {
    fn timeout(&self, ctx: &Ctx) -> Duration {
        self.timeout.unwrap_or(ctx.control_plane.bounds.join)
    }

    /// Every worker's join with `command`'s token (none when all are
    /// joined), watched; how each went is left in `ctx.joins`.
    fn join(
        &self,
        ctx: &mut Ctx,
        workers: &[&Host],
        command: Option<&JoinCommand>,
    ) -> Result<Done> {
        let jobs = workers
            .iter()
            .map(|&host| {
                let input = match command {
                    Some(command) if !Self::joined(ctx, host) => Some(Secret::new(
                        command.configuration(&host.name, host.cri_socket.as_deref())?,
                    )),
                    _ => None,
                };
                Ok(Job {
                    host,
                    command: JOIN_COMMAND.into(),
                    already_done: input.is_none(),
                    input,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let policy = Policy {
            forks: ctx.config.forks,
            timeout: self.timeout(ctx),
            keep_going: self.keep_going,
            stall_after: ctx.config.stall_after,
        };
        let env = step::Env {
            endpoint: command.map(|command| command.endpoint.clone()),
            ..ctx.env()
        };
        let results = step::run(&env, Step::Join, &jobs, &policy);
        ctx.joins = results.clone();
        if crate::interrupt::requested() {
            return Err(crate::exit::Problem::interrupted().into());
        }
        let all_there = results
            .iter()
            .all(|result| result.outcome == Outcome::AlreadyDone);
        let all_ok = results.iter().all(|result| result.outcome.is_success());
        // Results come in the order of the jobs, so each has its host.
        let bad = jobs.iter().zip(&results).find(|(_, result)| {
            !result.outcome.is_success() && result.outcome != Outcome::NotStarted
        });
        if let (true, Some((job, result))) = (self.within_all, bad) {
            for result in &results {
                ctx.failed_host(result.summary(Step::Join));
            }
            return Err(failed(ctx, job.host, &result.outcome.describe(Step::Join)));
        }
        let result = if !all_ok {
            say::FAILED.to_owned()
        } else if all_there {
            say::skipped(Step::Join.already())
        } else {
            Step::Join.done().to_owned()
        };
        Ok(Done {
            result,
            hosts: results
                .iter()
                .map(|result| result.summary(Step::Join))
                .collect(),
        })
    }
}

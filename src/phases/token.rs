//! The join token a run makes on the control plane: it lives only as long
//! as the joins this run waits for may need it (`--ttl`), and is deleted
//! when the run is done with it, however the workers phase ends (Ctrl-C
//! too) — but for a join left running, which may still need it: its TTL
//! ends it then.

use std::time::{Duration, SystemTime};

use anyhow::{Context as _, Result};

use super::Ctx;
use crate::cluster::Host;
use crate::exit::Problem;
use crate::kube::join::JoinCommand;
use crate::messages::{self, phases as say};
use crate::remote::Cmd;
use crate::step::{HostResult, Outcome};

/// `kubeadm token create` is quick; this bounds it on a stuck control plane.
const CREATE_LIMIT: Duration = Duration::from_secs(60);
/// Deleting is as quick, and is waited for on the way out, after Ctrl-C too.
const DELETE_LIMIT: Duration = Duration::from_secs(15);
/// Beyond the joins' timeouts: from the token's making to the first join's
/// start, and the end of a join that is seen at the last moment.
const TTL_MARGIN: Duration = Duration::from_secs(60);

/// How long the token must live for `pending` joins, `forks` at a time,
/// each watched up to `timeout`: every wave may take the whole timeout.
pub fn ttl(pending: usize, forks: usize, timeout: Duration) -> Duration {
    let waves = u32::try_from(pending.div_ceil(forks.max(1)).max(1)).unwrap_or(u32::MAX);
    timeout.saturating_mul(waves).saturating_add(TTL_MARGIN)
}

/// A join token this run made.
pub struct JoinToken {
    pub command: JoinCommand,
    expires: SystemTime,
}

impl JoinToken {
    /// `kubeadm token create --print-join-command --ttl ...` on the control
    /// plane `host`; the token joins the run's secrets at once.
    pub fn create(ctx: &Ctx, host: &Host, ttl: Duration) -> Result<JoinToken> {
        // Whole seconds, as Go reads durations, never 0 (which is "never").
        let ttl = Duration::from_secs(ttl.as_secs_f64().ceil().max(1.0) as u64);
        let ttl_flag = format!("{}s", ttl.as_secs());
        let cmd = Cmd::argv([
            "kubeadm",
            "token",
            "create",
            "--print-join-command",
            "--ttl",
            &ttl_flag,
            "--description",
            say::TOKEN_DESCRIPTION,
        ]);
        let made = SystemTime::now();
        let output = ctx
            .run(host, &cmd, CREATE_LIMIT)
            .with_context(|| say::creating_join_token(&host.name))?;
        if !output.success() {
            let advice = say::token_failed(&host.name, output.code, &output.stderr_text());
            return Err(Problem::failed(advice).into());
        }
        let command = JoinCommand::parse(&output.stdout_text())?;
        ctx.artifacts.hide(&command.token);
        Ok(JoinToken {
            command,
            expires: made + ttl,
        })
    }

    /// The run is done with the token: it is deleted from `host` (a warning
    /// when it cannot be), unless one of `joins` was left running, or may
    /// have been on a host that stopped answering.
    pub fn finish(self, ctx: &Ctx, host: &Host, joins: &[HostResult]) {
        let id = self.command.token_id();
        let left_running = joins.iter().any(|join| {
            matches!(
                join.outcome,
                Outcome::LeftRunning | Outcome::TimedOut | Outcome::Unreachable
            )
        });
        if left_running {
            ctx.say(&say::token_kept(&host.name, id, self.expires));
            return;
        }
        let cmd = Cmd::argv(["kubeadm", "token", "delete", id]);
        let why = match ctx.session.run_to_the_end(&host.target, &cmd, DELETE_LIMIT) {
            Ok(output) if output.success() => {
                ctx.log.line(&say::token_deleted(&host.name, id));
                return;
            }
            Ok(output) => messages::remote::last_error(&output.stderr_text()).to_owned(),
            Err(err) => crate::preflight::classify(&err).advice.message,
        };
        let why = ctx.artifacts.redact(&why);
        let advice = say::token_not_deleted(&host.name, id, &why, self.expires);
        ctx.warn(&advice.message);
        for line in messages::fix_lines("  ", "fix:", advice.fix.as_deref().unwrap_or_default()) {
            ctx.warn(&line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_lives_for_every_wave_of_joins_and_a_minute() {
        let quarter = Duration::from_secs(900);
        assert_eq!(ttl(1, 5, quarter), Duration::from_secs(960));
        assert_eq!(ttl(5, 5, quarter), Duration::from_secs(960));
        assert_eq!(ttl(6, 5, quarter), Duration::from_secs(1860));
        assert_eq!(ttl(3, 0, Duration::from_secs(5)), Duration::from_secs(75));
    }
}

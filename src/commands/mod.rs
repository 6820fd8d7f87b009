//! One file per subcommand. Each builds what it needs once — the cluster
//! model, the SSH session, the artifacts — and runs its list of phases.

mod all;
mod check;
pub mod completions;
mod inventory;
mod join;
mod kubeconfig;
mod prepare;
mod reset;
mod wake;

use std::time::Instant;

use anyhow::{Context as _, Result};

use crate::artifacts::{Artifacts, PhaseSummary, Summary};
use crate::checks::Ignore;
use crate::cluster::{self, Cluster, Rke2};
use crate::config::{Action, Config, WakeOptions};
use crate::exit::{Code, Problem};
use crate::inventory::{Inventory, Request};
use crate::lock::RunLock;
use crate::phases::{Ctx, Phase, Voice, Wake};
use crate::remote::{BecomePassword, PasswordFrom, Session};

pub fn run(config: &Config, action: Action) -> Result<Code> {
    match action {
        Action::All(options) => all::run(config, &options),
        Action::Join(options) => join::run(config, &options),
        Action::Reset(options) => reset::run(config, options),
        Action::Prepare(options) => prepare::run(config, options),
        Action::Check(options) => check::run(config, &options),
        Action::Wake(options) => wake::run(config, &options),
        Action::Inventory(view) => inventory::run(config, &view),
        Action::Kubeconfig(options) => kubeconfig::run(config, &options),
        Action::Completions(shell) => {
            print_answer(&completions::script(shell)).map(|()| Code::Success)
        }
    }
}

/// The cluster model and the SSH session every host-facing command needs.
/// The key files of the hosts it works on (`participants`) are read first:
/// a missing one is the inventory's mistake, not a login the host refused.
/// `-K` asks for the become password once the inventory is known good.
fn connect(config: &Config, rke2: Rke2, keep_control_plane: bool) -> Result<(Cluster, Session)> {
    let inventory = load_inventory(config)?;
    let mut cluster = cluster::build(&inventory, config.limit.as_deref(), rke2, &config.keyring)?;
    if config.ask_become_pass {
        let typed = crate::ui::prompt::become_password()?;
        let password = BecomePassword::new(typed.expose(), PasswordFrom::Prompt)
            .ok_or_else(|| Problem::usage(crate::messages::sudo::typed_password_unusable()))?;
        cluster.offer_become_password(&password);
    }
    for host in cluster.participants(keep_control_plane) {
        host.target.check_key_file()?;
    }
    let session =
        Session::new(config.connect_timeout).context(crate::messages::commands::PREPARING_SSH)?;
    Ok((cluster, session))
}

/// The inventory from every source, vaulted files opened with the
/// keyring; what Ansible would warn of is said once on stderr.
fn load_inventory(config: &Config) -> Result<Inventory> {
    let open = |origin: &str, text: &str| config.keyring.open(origin, text);
    let inventory = Inventory::load_from(&Request {
        sources: &config.inventory,
        extra_vars: &config.extra_vars,
        open: &open,
    })?;
    if !config.ui.quiet {
        for warning in inventory.warnings() {
            eprintln!("{}", crate::messages::inventory::warning(warning));
        }
    }
    Ok(inventory)
}

/// What `join` and `all` build before their phases run.
struct Prepared {
    cluster: Cluster,
    session: Session,
    artifacts: Artifacts,
    /// The cluster is this run's until it ends (none under `--check`).
    _lock: Option<RunLock>,
}

/// The model (with its control plane, which both need), the cluster's
/// lock for `command`, the session and the artifacts. `ask` runs once the
/// inventory is known good and the cluster is ours, before anything is
/// written.
fn prepare(
    config: &Config,
    rke2: Rke2,
    command: &str,
    ask: impl FnOnce() -> Result<()>,
) -> Result<Prepared> {
    let (cluster, session) = connect(config, rke2, true)?;
    crate::phases::control_plane(&cluster)?;
    // --check changes nothing, so it may look while another run works.
    let lock = if config.dry_run {
        None
    } else {
        Some(crate::lock::take(&cluster.source, command)?)
    };
    ask()?;
    let artifacts = Artifacts::create(&config.log_dir)?;
    for secret in cluster.secrets().chain(config.keyring.secrets()) {
        artifacts.hide(secret);
    }
    Ok(Prepared {
        cluster,
        session,
        artifacts,
        _lock: lock,
    })
}

impl Prepared {
    fn ctx<'a>(&'a self, config: &'a Config, ignore: &'a Ignore, voice: Voice) -> Result<Ctx<'a>> {
        Ctx::new(
            config,
            &self.cluster,
            &self.session,
            &self.artifacts,
            ignore,
            voice,
        )
    }
}

/// A command's phases, with `--wake`'s before them when it was given.
fn waking_first(wake: Option<WakeOptions>, phases: Vec<Box<dyn Phase>>) -> Vec<Box<dyn Phase>> {
    let first = wake.map(|wake| Box::new(Wake { wait: wake.wait }) as Box<dyn Phase>);
    first.into_iter().chain(phases).collect()
}

/// How a run of phases ended: its exit code, unless an error says otherwise.
/// Writes `text` to stdout for a command whose whole answer it is
/// (`inventory`, `kubeconfig`, `completions`): a reader that closes the
/// pipe early (`| head`) took what it wanted, which is no error.
fn print_answer(text: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text).and_then(|()| out.flush()) {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        written => written.context(crate::messages::commands::WRITING_STDOUT),
    }
}

fn code_of(outcome: &Result<()>) -> Code {
    match outcome {
        Ok(()) => Code::Success,
        Err(err) => crate::exit::code_of(err),
    }
}

/// The run's code once its table was printed (`printed`), after
/// `summary.json` was written: a table stdout could not take (its reader
/// gone) fails a run that succeeded, and never changes a failed run's code.
fn shown(code: Code, printed: Result<()>) -> Result<Code> {
    match printed {
        Err(err) if code == Code::Success => Err(err),
        _ => Ok(code),
    }
}

/// `summary.json`: each phase with its result, time and hosts.
fn write_summary(
    artifacts: &Artifacts,
    command: &str,
    code: Code,
    started: Instant,
    phases: Vec<PhaseSummary>,
) -> Result<()> {
    artifacts.write_summary(&Summary {
        schema: crate::events::schema::VERSION,
        command: command.into(),
        result: code.word().into(),
        seconds: started.elapsed().as_secs_f64(),
        phases,
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lost_table_fails_only_a_run_that_succeeded() {
        let lost = || Err(anyhow::anyhow!("writing the summary"));
        assert_eq!(shown(Code::Failed, lost()).unwrap(), Code::Failed);
        assert_eq!(shown(Code::Interrupted, lost()).unwrap(), Code::Interrupted);
        assert!(shown(Code::Success, lost()).is_err());
        assert_eq!(shown(Code::Success, Ok(())).unwrap(), Code::Success);
    }
}

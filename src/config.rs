//! The command line resolved once: clap's types stop here, and every
//! command works from a [`Config`] and its own resolved options.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use clap_complete::Shell;

use crate::checks::Ignore;
use crate::cli::{
    Cli, ColorChoice, Command, Global, InventoryArgs, KubeconfigArgs, OutputFormat, StreamFormat,
    WakeFirst,
};
use crate::passwords::{self, Keyring, Source, VaultId};
use crate::ui::{Color, Ui};

/// Where the inventory is when neither -i nor DEPLOY_INVENTORY says.
const DEFAULT_INVENTORY: &str = "inventory/hosts.yml";

/// What every command shares.
#[derive(Debug)]
pub struct Config {
    /// The inventory's sources, in the order they are read.
    pub inventory: Vec<PathBuf>,
    /// `-e`, in order.
    pub extra_vars: Vec<String>,
    /// The vault passwords, gathered once (none for `completions`).
    pub keyring: Keyring,
    /// `--limit`: an Ansible host pattern.
    pub limit: Option<String>,
    pub forks: usize,
    pub log_dir: PathBuf,
    pub yes: bool,
    /// `--check`: show what would be done, change nothing.
    pub dry_run: bool,
    pub connect_timeout: Duration,
    /// `-K`: ask for the become password before any host is asked.
    pub ask_become_pass: bool,
    pub ui: Ui,
    /// `--output jsonl`: stdout carries JSON events only.
    pub events: bool,
    /// `--stall-after`: how long a long step may show no progress before
    /// it is said to stall.
    pub stall_after: Duration,
}

/// `--stall-after` where a command has no long steps to stall.
const STALL_AFTER: Duration = Duration::from_secs(60);

/// The command to run, with its own options resolved.
#[derive(Debug)]
pub enum Action {
    All(AllOptions),
    Join(JoinOptions),
    Reset(ResetOptions),
    Prepare(PrepareOptions),
    Check(CheckOptions),
    Wake(WakeOptions),
    Inventory(InventoryView),
    Kubeconfig(KubeconfigOptions),
    Completions(Shell),
}

/// What `deploy kubeconfig` fetches and where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeconfigOptions {
    pub rke2: bool,
    /// `--merge`: into the user's kubeconfig, under this name (`None`: the
    /// host's name).
    pub merge: Option<Option<String>>,
}

#[derive(Debug)]
pub struct AllOptions {
    pub with_rke2: bool,
    pub keep_going: bool,
    /// `--prepare`: the prepare phases after preflight, then every check
    /// again.
    pub prepare: bool,
    pub ignore: Ignore,
    /// `--wake`; `None` without it.
    pub wake: Option<WakeOptions>,
}

#[derive(Debug)]
pub struct JoinOptions {
    pub timeout: Duration,
    pub keep_going: bool,
    pub ignore: Ignore,
    pub wake: Option<WakeOptions>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResetOptions {
    pub with_rke2: bool,
    /// Past the refusals: another cluster's host, stranded nodes.
    pub force: bool,
    pub drain_timeout: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrepareOptions {
    pub with_rke2: bool,
}

#[derive(Debug)]
pub struct CheckOptions {
    pub output: Format,
    pub strict: bool,
    pub ignore: Ignore,
    pub wake: Option<WakeOptions>,
}

/// How hosts are woken: by `deploy wake`, or first with `--wake`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WakeOptions {
    /// `--wait`: how long a woken host has to answer SSH.
    pub wait: Duration,
}

/// How `deploy check` writes its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
}

/// What `deploy inventory` shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InventoryView {
    List,
    Graph(String),
    Host(String),
    /// `--host NAME --resolved`: what deploy reads of the host, rendered.
    Resolved(String),
}

/// What the environment says, read once where the process starts.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Environment {
    pub inventory: Option<String>,
    pub vault_identity_list: Option<String>,
    pub vault_password_file: Option<String>,
    pub ask_vault_pass: Option<String>,
}

impl Environment {
    pub fn read() -> Self {
        let var = |name: &str| std::env::var(name).ok();
        Self {
            inventory: var("DEPLOY_INVENTORY"),
            vault_identity_list: var("ANSIBLE_VAULT_IDENTITY_LIST"),
            vault_password_file: var("ANSIBLE_VAULT_PASSWORD_FILE"),
            ask_vault_pass: var("ANSIBLE_ASK_VAULT_PASS"),
        }
    }
}

impl Config {
    /// The command line and the environment resolved; the vault passwords
    /// gathered (files read, scripts run, prompts asked) unless the command
    /// reads no inventory.
    pub fn new(cli: &Cli, env: &Environment) -> Result<Self> {
        let global = &cli.global;
        let keyring = match cli.command {
            Command::Completions(_) => Keyring::default(),
            _ => Keyring::gather(&vault_ids(global, env)?, &crate::ui::prompt::password)?,
        };
        Ok(Self {
            inventory: sources(&global.inventory, env.inventory.as_deref()),
            extra_vars: global.extra_vars.clone(),
            keyring,
            limit: global.limit.clone(),
            forks: global.forks as usize,
            log_dir: global.log_dir.clone(),
            yes: global.yes,
            dry_run: global.dry_run,
            connect_timeout: global.connect_timeout,
            ask_become_pass: global.ask_become_pass,
            ui: Ui::new(
                match global.color {
                    ColorChoice::Auto => Color::Auto,
                    ColorChoice::Always => Color::Always,
                    ColorChoice::Never => Color::Never,
                },
                global.quiet,
                global.verbose,
            ),
            events: cli
                .command
                .stream()
                .is_some_and(|stream| stream.output == StreamFormat::Jsonl),
            stall_after: cli
                .command
                .long_steps()
                .map_or(STALL_AFTER, |steps| steps.stall_after),
        })
    }
}

/// `-i` as given; else DEPLOY_INVENTORY split on commas, as Ansible splits
/// ANSIBLE_INVENTORY (each part stripped; empty parts skipped); else the
/// default. A comma in one `-i` is kept: Ansible reads that as a host list.
fn sources(given: &[PathBuf], env: Option<&str>) -> Vec<PathBuf> {
    if !given.is_empty() {
        return given.to_vec();
    }
    let listed: Vec<PathBuf> = env
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(PathBuf::from)
        .collect();
    match listed.is_empty() {
        true => vec![PathBuf::from(DEFAULT_INVENTORY)],
        false => listed,
    }
}

/// The vault passwords' sources in Ansible's order: ANSIBLE_VAULT_IDENTITY_LIST,
/// `--vault-id`, `--vault-password-file`, ANSIBLE_VAULT_PASSWORD_FILE, then
/// the prompt of `--ask-vault-pass` (or ANSIBLE_ASK_VAULT_PASS).
fn vault_ids(global: &Global, env: &Environment) -> Result<Vec<VaultId>> {
    let listed = env.vault_identity_list.as_deref().unwrap_or_default();
    let mut ids = Vec::new();
    for text in listed.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        ids.push(VaultId::parse(text)?);
    }
    for text in &global.vault_id {
        ids.push(VaultId::parse(text)?);
    }
    let env_file = env.vault_password_file.as_deref().filter(|f| !f.is_empty());
    let files = global
        .vault_password_file
        .iter()
        .cloned()
        .chain(env_file.map(PathBuf::from));
    for file in files {
        ids.push(VaultId {
            label: passwords::DEFAULT_LABEL.to_owned(),
            source: Source::File(file),
        });
    }
    let ask = env.ask_vault_pass.as_deref().is_some_and(ansible_true);
    if global.ask_vault_pass || ask {
        ids.push(VaultId {
            label: passwords::DEFAULT_LABEL.to_owned(),
            source: Source::Prompt,
        });
    }
    Ok(ids)
}

/// Ansible's `boolean()` on an environment value.
fn ansible_true(text: &str) -> bool {
    matches!(
        text.trim().to_ascii_lowercase().as_str(),
        "y" | "yes" | "on" | "1" | "true" | "t" | "1.0"
    )
}

/// The command's own options; an unknown `--ignore-check` id is a usage
/// error here, before anything is read or asked.
pub fn action(cli: &Cli) -> Result<Action> {
    Ok(match &cli.command {
        Command::All(args) => Action::All(AllOptions {
            with_rke2: args.with_rke2,
            keep_going: args.keep_going,
            prepare: args.prepare,
            ignore: Ignore::parse(&args.ignore.ids)?,
            wake: wake_first(&args.wake),
        }),
        Command::Join(args) => Action::Join(JoinOptions {
            timeout: args.join_timeout,
            keep_going: args.keep_going,
            ignore: Ignore::parse(&args.ignore.ids)?,
            wake: wake_first(&args.wake),
        }),
        Command::Reset(args) => Action::Reset(ResetOptions {
            with_rke2: args.with_rke2,
            force: args.force,
            drain_timeout: args.drain_timeout,
        }),
        Command::Prepare(args) => Action::Prepare(PrepareOptions {
            with_rke2: args.with_rke2,
        }),
        Command::Check(args) => Action::Check(CheckOptions {
            output: match args.output {
                OutputFormat::Human => Format::Human,
                OutputFormat::Json => Format::Json,
            },
            strict: args.strict,
            ignore: Ignore::parse(&args.ignore.ids)?,
            wake: wake_first(&args.wake),
        }),
        Command::Wake(args) => Action::Wake(WakeOptions { wait: args.wait }),
        Command::Inventory(args) => Action::Inventory(view(args)),
        Command::Kubeconfig(args) => Action::Kubeconfig(kubeconfig(args)),
        Command::Completions(args) => Action::Completions(args.shell),
    })
}

fn kubeconfig(args: &KubeconfigArgs) -> KubeconfigOptions {
    KubeconfigOptions {
        rke2: args.rke2,
        merge: args.merge.then(|| args.context.clone()),
    }
}

fn wake_first(args: &WakeFirst) -> Option<WakeOptions> {
    args.wake.then_some(WakeOptions { wait: args.wait })
}

fn view(args: &InventoryArgs) -> InventoryView {
    match (&args.host, &args.graph) {
        (Some(name), _) if args.resolved => InventoryView::Resolved(name.clone()),
        (Some(name), _) => InventoryView::Host(name.clone()),
        (None, Some(group)) => InventoryView::Graph(group.clone()),
        (None, None) => InventoryView::List,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn global(args: &[&str]) -> Global {
        let mut line = vec!["deploy"];
        line.extend(args);
        line.push("check");
        Cli::try_parse_from(line).unwrap().global
    }

    #[test]
    fn sources_come_from_i_then_deploy_inventory_then_the_default() {
        let given = [PathBuf::from("a.yml"), PathBuf::from("b,c")];
        assert_eq!(sources(&given, Some("x")), given);
        assert_eq!(
            sources(&[], Some(" one.yml , ,dir ")),
            [PathBuf::from("one.yml"), PathBuf::from("dir")]
        );
        assert_eq!(sources(&[], Some("")), [PathBuf::from(DEFAULT_INVENTORY)]);
        assert_eq!(sources(&[], None), [PathBuf::from(DEFAULT_INVENTORY)]);
    }

    #[test]
    fn vault_passwords_are_gathered_in_ansibles_order() {
        let g = global(&[
            "--vault-id",
            "lab@cli-id",
            "--vault-pass-file",
            "f1",
            "--vault-password-file",
            "f2",
            "-J",
        ]);
        let env = Environment {
            vault_identity_list: Some("env@list, other".into()),
            vault_password_file: Some("envfile".into()),
            ..Environment::default()
        };
        let ids = vault_ids(&g, &env).unwrap();
        let shown: Vec<String> = ids
            .iter()
            .map(|id| match &id.source {
                Source::File(path) => format!("{}@{}", id.label, path.display()),
                Source::Prompt => format!("{}@prompt", id.label),
            })
            .collect();
        assert_eq!(
            shown,
            [
                "env@list",
                "default@other",
                "lab@cli-id",
                "default@f1",
                "default@f2",
                "default@envfile",
                "default@prompt"
            ]
        );
        let asked = Environment {
            ask_vault_pass: Some("True".into()),
            ..Environment::default()
        };
        assert_eq!(vault_ids(&global(&[]), &asked).unwrap().len(), 1);
        assert!(vault_ids(&global(&["--vault-id", "@x"]), &Environment::default()).is_err());
    }
}

//! The command line resolved once: clap's types stop here, and every
//! command works from a [`Config`] and its own resolved options.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use clap_complete::Shell;

use crate::checks::Ignore;
use crate::cli::{
    Cli, ColorChoice, Command, Global, InventoryArgs, KubeconfigArgs, OutputFormat, WakeFirst,
};
use crate::ui::{Color, Ui};

/// What every command shares.
#[derive(Debug, Clone)]
pub struct Config {
    pub inventory: PathBuf,
    /// `--limit`: an Ansible host pattern.
    pub limit: Option<String>,
    pub forks: usize,
    pub log_dir: PathBuf,
    pub yes: bool,
    /// `--check`: show what would be done, change nothing.
    pub dry_run: bool,
    pub connect_timeout: Duration,
    pub ui: Ui,
}

/// The command to run, with its own options resolved.
#[derive(Debug)]
pub enum Action {
    All(AllOptions),
    Join(JoinOptions),
    Reset(ResetOptions),
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
}

impl Config {
    pub fn new(global: &Global) -> Self {
        Self {
            inventory: global.inventory.clone(),
            limit: global.limit.clone(),
            forks: global.forks as usize,
            log_dir: global.log_dir.clone(),
            yes: global.yes,
            dry_run: global.dry_run,
            connect_timeout: global.connect_timeout,
            ui: Ui::new(
                match global.color {
                    ColorChoice::Auto => Color::Auto,
                    ColorChoice::Always => Color::Always,
                    ColorChoice::Never => Color::Never,
                },
                global.quiet,
                global.verbose,
            ),
        }
    }
}

/// The command's own options; an unknown `--ignore-check` id is a usage
/// error here, before anything is read or asked.
pub fn action(cli: &Cli) -> Result<Action> {
    Ok(match &cli.command {
        Command::All(args) => Action::All(AllOptions {
            with_rke2: args.with_rke2,
            keep_going: args.keep_going,
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
        (Some(name), _) => InventoryView::Host(name.clone()),
        (None, Some(group)) => InventoryView::Graph(group.clone()),
        (None, None) => InventoryView::List,
    }
}

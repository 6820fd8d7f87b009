//! The command line: clap definitions only. Scripts and completions rely
//! on these names, so they change only on purpose.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::Shell;

use crate::duration::{parse_duration, parse_stall_after};

#[derive(Debug, Parser)]
#[command(
    name = "deploy",
    version,
    about = "Bring up a kubeadm Kubernetes cluster (and RKE2 with --with-rke2) from an Ansible inventory",
    long_about = None,
    propagate_version = true,
    after_help = "Exit status: 0 success, 1 a check, join or phase failed, 2 usage, inventory or configuration error, 130 interrupted."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// Ansible inventory: a YAML or INI file, or a directory; repeatable [env: DEPLOY_INVENTORY, comma-separated] [default: inventory/hosts.yml]
    #[arg(short, long, global = true, value_name = "PATH")]
    pub inventory: Vec<PathBuf>,

    /// Extra variables, above every other: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable
    #[arg(short = 'e', long, global = true, value_name = "VARS")]
    pub extra_vars: Vec<String>,

    /// Vault password from FILE (an executable is run for it); repeatable [env: ANSIBLE_VAULT_PASSWORD_FILE]
    #[arg(
        long,
        visible_alias = "vault-pass-file",
        global = true,
        value_name = "FILE"
    )]
    pub vault_password_file: Vec<PathBuf>,

    /// Vault password for vault id LABEL: a file, an executable or `prompt`; repeatable [env: ANSIBLE_VAULT_IDENTITY_LIST, comma-separated]
    #[arg(long, global = true, value_name = "LABEL@SOURCE")]
    pub vault_id: Vec<String>,

    /// Ask for the vault password [env: ANSIBLE_ASK_VAULT_PASS]
    #[arg(short = 'J', long, visible_alias = "ask-vault-password", global = true)]
    pub ask_vault_pass: bool,

    /// Ansible host pattern: a,b  group  web*  !host  &group
    #[arg(short, long, global = true, value_name = "PATTERN")]
    pub limit: Option<String>,

    /// Hosts worked on at once
    #[arg(short, long, global = true, default_value_t = 20, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub forks: u32,

    /// Directory for logs, kubeconfigs and the run summary
    #[arg(
        long,
        global = true,
        env = "DEPLOY_LOG_DIR",
        default_value = "artifacts",
        value_name = "DIR"
    )]
    pub log_dir: PathBuf,

    /// Answer yes to every confirmation
    #[arg(short, long, global = true)]
    pub yes: bool,

    /// Show what would be done, change nothing
    #[arg(long = "check", visible_alias = "dry-run", global = true)]
    pub dry_run: bool,

    /// Ask once for the become (sudo) password, for hosts whose inventory gives none
    #[arg(
        short = 'K',
        long = "ask-become-pass",
        visible_alias = "ask-become-password",
        global = true
    )]
    pub ask_become_pass: bool,

    /// Time allowed to open an SSH connection to a host
    #[arg(long, global = true, default_value = "10s", value_name = "DURATION",
          value_parser = parse_duration)]
    pub connect_timeout: Duration,

    /// Say more (repeat for more detail)
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,

    /// Say less: no progress bars, only events, failures and the summary
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// When to use colour (NO_COLOR and a non-terminal also turn it off)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Preflight, control plane, worker joins, validation; RKE2 too with --with-rke2
    All(AllArgs),
    /// Join the worker nodes to the running control plane
    Join(JoinArgs),
    /// Take the cluster down (RKE2 too with --with-rke2), or remove the nodes -l names
    Reset(ResetArgs),
    /// Make fresh hosts ready: swap off, kernel settings, containerd, kubelet/kubeadm/kubectl
    Prepare(PrepareArgs),
    /// Preflight checks only; exit 0 when nothing fails
    Check(CheckArgs),
    /// Wake sleeping hosts with Wake-on-LAN (wol_mac) and wait until SSH answers
    Wake(WakeArgs),
    /// Show the parsed inventory: --list (JSON), --graph, --host NAME
    Inventory(InventoryArgs),
    /// Print the cluster's admin kubeconfig, or merge it into yours (--merge)
    Kubeconfig(KubeconfigArgs),
    /// Print a completion script: bash, zsh, fish, elvish, powershell
    Completions(CompletionsArgs),
}

#[derive(Debug, Args, Default, Clone)]
pub struct IgnoreChecks {
    /// Turn a failing check into a warning (a check id, or `all`); repeatable
    #[arg(long = "ignore-check", value_name = "ID|all")]
    pub ids: Vec<String>,
}

#[derive(Debug, Args)]
pub struct WakeFirst {
    /// Wake a host that does not answer and has a wol_mac before preflight judges it
    #[arg(long)]
    pub wake: bool,

    /// With --wake: how long a woken host has to answer SSH
    #[arg(long, requires = "wake", default_value = "3m", value_name = "DURATION",
          value_parser = parse_duration)]
    pub wait: Duration,
}

/// `--output` of the commands that change hosts: what stdout carries.
#[derive(Debug, Args)]
pub struct StreamArgs {
    /// What stdout carries: `text` (the tables) or `jsonl` (one JSON event a line, for scripts; the tables go to stderr)
    #[arg(long, value_enum, default_value_t = StreamFormat::Text, value_name = "FORMAT")]
    pub output: StreamFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StreamFormat {
    Text,
    Jsonl,
}

/// The options of the commands that run long steps (joins, init, resets).
#[derive(Debug, Args)]
pub struct LongSteps {
    /// Say a running join, init, reset or preparation stalls after this long without a new phase or journal line
    #[arg(long, default_value = "60s", value_name = "DURATION", value_parser = parse_stall_after)]
    pub stall_after: Duration,
}

impl Command {
    /// Its name on the command line.
    pub fn name(&self) -> &'static str {
        match self {
            Command::All(_) => "all",
            Command::Join(_) => "join",
            Command::Reset(_) => "reset",
            Command::Prepare(_) => "prepare",
            Command::Check(_) => "check",
            Command::Wake(_) => "wake",
            Command::Inventory(_) => "inventory",
            Command::Kubeconfig(_) => "kubeconfig",
            Command::Completions(_) => "completions",
        }
    }

    /// Its `--output`, where it takes one that streams events.
    pub fn stream(&self) -> Option<&StreamArgs> {
        match self {
            Command::All(args) => Some(&args.stream),
            Command::Join(args) => Some(&args.stream),
            Command::Reset(args) => Some(&args.stream),
            Command::Prepare(args) => Some(&args.stream),
            _ => None,
        }
    }

    /// Its long steps' options, where it runs long steps.
    pub fn long_steps(&self) -> Option<&LongSteps> {
        match self {
            Command::All(args) => Some(&args.steps),
            Command::Join(args) => Some(&args.steps),
            Command::Reset(args) => Some(&args.steps),
            Command::Prepare(args) => Some(&args.steps),
            _ => None,
        }
    }
}

#[derive(Debug, Args)]
pub struct AllArgs {
    /// Also install RKE2 on the RKE2 hosts
    #[arg(long)]
    pub with_rke2: bool,

    /// Go on after a failure: the remaining joins, and the other chain (kubeadm or RKE2)
    #[arg(long)]
    pub keep_going: bool,

    /// Prepare the hosts first (as deploy prepare does), then check them again
    #[arg(long)]
    pub prepare: bool,

    #[command(flatten)]
    pub ignore: IgnoreChecks,

    #[command(flatten)]
    pub wake: WakeFirst,

    #[command(flatten)]
    pub steps: LongSteps,

    #[command(flatten)]
    pub stream: StreamArgs,
}

#[derive(Debug, Args)]
pub struct PrepareArgs {
    /// Also prepare the RKE2 hosts (their kernel settings and firewall)
    #[arg(long)]
    pub with_rke2: bool,

    #[command(flatten)]
    pub steps: LongSteps,

    #[command(flatten)]
    pub stream: StreamArgs,
}

#[derive(Debug, Args)]
pub struct JoinArgs {
    /// Give up waiting for a worker's join after this long
    #[arg(long, default_value = "15m", value_name = "DURATION", value_parser = parse_duration)]
    pub join_timeout: Duration,

    /// Start the remaining joins even after one has failed
    #[arg(long)]
    pub keep_going: bool,

    #[command(flatten)]
    pub ignore: IgnoreChecks,

    #[command(flatten)]
    pub wake: WakeFirst,

    #[command(flatten)]
    pub steps: LongSteps,

    #[command(flatten)]
    pub stream: StreamArgs,
}

#[derive(Debug, Args)]
pub struct ResetArgs {
    /// Also uninstall RKE2 from the RKE2 hosts
    #[arg(long)]
    pub with_rke2: bool,

    /// Reset a host of another cluster, or the control plane while nodes left out by -l are joined
    #[arg(long)]
    pub force: bool,

    /// Give up draining a worker after this long (it is then left as it is)
    #[arg(long, default_value = "2m", value_name = "DURATION", value_parser = parse_duration)]
    pub drain_timeout: Duration,

    #[command(flatten)]
    pub steps: LongSteps,

    #[command(flatten)]
    pub stream: StreamArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Report format
    #[arg(long, value_enum, default_value_t = OutputFormat::Human, value_name = "FORMAT")]
    pub output: OutputFormat,

    /// Fail on warnings too
    #[arg(long)]
    pub strict: bool,

    #[command(flatten)]
    pub ignore: IgnoreChecks,

    #[command(flatten)]
    pub wake: WakeFirst,
}

#[derive(Debug, Args)]
pub struct WakeArgs {
    /// How long a woken host has to answer SSH
    #[arg(long, default_value = "3m", value_name = "DURATION", value_parser = parse_duration)]
    pub wait: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    // `text` too, as the commands that stream events name it.
    #[value(alias = "text")]
    Human,
    Json,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("action").required(true))]
pub struct InventoryArgs {
    /// Print every group and host with its variables, as `ansible-inventory --list` does
    #[arg(long, group = "action")]
    pub list: bool,

    /// Print the group tree (from GROUP, default all) and the roles deploy resolved
    #[arg(long, group = "action", value_name = "GROUP", num_args = 0..=1, default_missing_value = "all")]
    pub graph: Option<String>,

    /// Print one host's merged variables
    #[arg(long, group = "action", value_name = "NAME")]
    pub host: Option<String>,

    /// With --host: the values deploy uses, templated and unvaulted, secrets masked
    #[arg(long, requires = "host")]
    pub resolved: bool,
}

#[derive(Debug, Args)]
pub struct KubeconfigArgs {
    /// The RKE2 cluster's kubeconfig instead of the kubeadm cluster's
    #[arg(long)]
    pub rke2: bool,

    /// Add it to $KUBECONFIG (its first file) or ~/.kube/config instead of printing it
    #[arg(long)]
    pub merge: bool,

    /// The name it is merged under, as context, cluster and user [default: the host's name]
    #[arg(long, value_name = "NAME", requires = "merge")]
    pub context: Option<String>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to print a completion script for
    #[arg(value_enum)]
    pub shell: Shell,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn wait_needs_wake_except_on_deploy_wake() {
        let cli = Cli::try_parse_from(["deploy", "join", "--wake"]).unwrap();
        let Command::Join(args) = cli.command else {
            panic!("not join");
        };
        assert!(args.wake.wake);
        assert_eq!(args.wake.wait, Duration::from_secs(180));
        assert!(Cli::try_parse_from(["deploy", "check", "--wait", "1m"]).is_err());
        assert!(Cli::try_parse_from(["deploy", "wake", "--wait", "1m"]).is_ok());
    }

    #[test]
    fn the_commands_that_change_hosts_stream_events_and_check_takes_text() {
        for command in ["all", "join", "reset"] {
            let cli = Cli::try_parse_from(["deploy", command, "--output", "jsonl"]).unwrap();
            let stream = cli.command.stream().map(|stream| stream.output);
            assert_eq!(stream, Some(StreamFormat::Jsonl), "{command}");
            let steps = cli.command.long_steps().map(|steps| steps.stall_after);
            assert_eq!(steps, Some(Duration::from_secs(60)), "{command}");
        }
        let cli = Cli::try_parse_from(["deploy", "check", "--output", "text"]).unwrap();
        let Command::Check(args) = cli.command else {
            panic!("not check");
        };
        assert_eq!(args.output, OutputFormat::Human);
        assert!(Cli::try_parse_from(["deploy", "check", "--output", "jsonl"]).is_err());
        assert!(Cli::try_parse_from(["deploy", "wake", "--stall-after", "2s"]).is_err());
    }

    #[test]
    fn dry_run_is_an_alias_of_check() {
        let cli = Cli::try_parse_from(["deploy", "all", "--dry-run"]).unwrap();
        assert!(cli.global.dry_run);
    }
}

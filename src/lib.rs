//! `deploy`: bring up a kubeadm Kubernetes cluster, and RKE2 beside it, from
//! an Ansible inventory — checking first, joining with live progress, and
//! stopping early with messages that say what to do.

pub mod artifacts;
pub mod checks;
pub mod cli;
pub mod completions;
pub mod exit;
pub mod facts;
pub mod interrupt;
pub mod inventory;
pub mod join;
pub mod messages;
pub mod phases;
pub mod preflight;
pub mod remote;
pub mod secret;
pub mod ui;

use anyhow::Result;

use crate::cli::{Cli, Command};
use crate::exit::Code;
use crate::ui::Ui;

/// Runs one command line and decides the exit code; errors are printed here,
/// once, and nowhere else.
pub fn run(cli: Cli) -> Code {
    let ui = Ui::from_global(&cli.global);
    // Ctrl-C from here on stops commands cleanly rather than killing us mid-step.
    match interrupt::install().and_then(|()| dispatch(&cli, ui)) {
        Ok(code) => code,
        // `deploy inventory --list | head` closing the pipe is not an error.
        Err(err) if is_broken_pipe(&err) => Code::Success,
        Err(err) => {
            eprintln!("{}", ui::error_prefix(&exit::render(&err)));
            exit::code_of(&err)
        }
    }
}

fn dispatch(cli: &Cli, ui: Ui) -> Result<Code> {
    match &cli.command {
        Command::Completions(args) => completions::print(args.shell).map(|()| Code::Success),
        Command::Inventory(args) => inventory::command(&cli.global, args, ui),
        Command::Check(args) => preflight::command(&cli.global, args, ui),
        Command::Join(args) => join::command(&cli.global, args, ui),
        Command::All(args) => phases::command(&cli.global, args, ui),
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

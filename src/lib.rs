//! `deploy`: bring up a kubeadm Kubernetes cluster, and RKE2 beside it, from
//! an Ansible inventory — checking first, joining with live progress, and
//! stopping early with messages that say what to do.

pub mod artifacts;
pub mod checks;
pub mod cli;
pub mod cluster;
pub mod commands;
pub mod config;
pub mod diagnosis;
pub mod duration;
pub mod events;
pub mod exit;
pub mod interrupt;
pub mod inventory;
pub mod kube;
pub mod lock;
pub mod messages;
pub mod passwords;
pub mod phases;
pub mod preflight;
pub mod probe;
pub mod remote;
pub mod secret;
pub mod step;
pub mod template;
pub mod ui;
pub mod vault;
pub mod wol;

use crate::cli::Cli;
use crate::config::Config;
use crate::events::{EventKind, Occurrence};
use crate::exit::Code;

/// Parses this process's command line and runs it. clap's own usage
/// errors speak as every other error does: `deploy: error: …`, exit 2.
pub fn main() -> Code {
    use clap::Parser;
    use clap::error::ErrorKind;
    match Cli::try_parse() {
        Ok(cli) => run(cli),
        Err(err) => match err.kind() {
            // Help and version are what was asked for, not errors.
            ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                let _ = err.print();
                if err.use_stderr() {
                    Code::Usage
                } else {
                    Code::Success
                }
            }
            _ => {
                let text = err.render().to_string();
                let text = text.strip_prefix("error: ").unwrap_or(&text);
                eprint!("{}", ui::error_prefix(&format!("deploy: error: {text}")));
                Code::Usage
            }
        },
    }
}

/// Runs one command line and decides the exit code; errors are printed here,
/// once, and nowhere else.
pub fn run(cli: Cli) -> Code {
    // Ctrl-C from here on stops commands cleanly rather than killing us
    // mid-step, a vault password prompt included.
    let outcome = interrupt::install(stopping, stopped)
        .and_then(|()| config::action(&cli))
        .and_then(|action| Ok((Config::new(&cli, &config::Environment::read())?, action)))
        .and_then(|(config, action)| {
            if config.events {
                start_events(&cli);
            }
            commands::run(&config, action)
        });
    let code = match outcome {
        Ok(code) => code,
        Err(err) => {
            eprintln!("{}", ui::error_prefix(&exit::render(&err)));
            exit::code_of(&err)
        }
    };
    events::emit(finished(code));
    code
}

/// `--output jsonl`: stdout is the events' from here on, the first one
/// says what runs, and even an exit at once on a second Ctrl-C ends with
/// the run's last event.
fn start_events(cli: &Cli) {
    events::enable(Box::new(std::io::stdout()));
    interrupt::at_exit(|| events::emit_at_exit(finished(Code::Interrupted)));
    events::emit(
        Occurrence::new(EventKind::RunStarted)
            .detail("command", cli.command.name())
            .detail("version", env!("CARGO_PKG_VERSION")),
    );
}

/// The run's last event: its exit code, and the word `summary.json` has.
fn finished(code: Code) -> Occurrence {
    Occurrence::new(EventKind::RunFinished)
        .exit_code(Some(code as i32))
        .detail("result", code.word())
}

/// The first Ctrl-C, said above the live lines (if any) so they are not torn.
fn stopping() {
    events::emit(Occurrence::new(EventKind::Interrupted));
    ui::progress::print_above(messages::STOPPING);
}

/// A signal before any work began ends the run with this line.
fn stopped() {
    let line = format!("deploy: error: {}", messages::INTERRUPTED_AT_ONCE);
    eprintln!("{}", ui::error_prefix(&line));
    // The exit hook that follows says the run's end.
    events::emit(Occurrence::new(EventKind::Interrupted));
}

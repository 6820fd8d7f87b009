//! `deploy completions <shell>`: the scripts committed under `completions/`
//! are this output, and a test keeps them from going stale.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

/// The completion script for `shell`, exactly as `make completions` writes it.
pub fn script(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "deploy", &mut out);
    out
}

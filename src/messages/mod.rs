//! Every text a user reads, in one voice: what happened, naming host and
//! address, and what to do about it. Split by concern:
//!
//! - `checks`, `nodes`, `values`: the preflight findings (inventory and
//!   logins; what each node needs; the inventory's names, labels, taints
//!   and version);
//! - `cluster`: what is wrong with the inventory's variables when the
//!   cluster model is built (the SSH key file's among them);
//! - `inventory`: the inventory's sources as a whole: sources deploy does
//!   not read, directories, group_vars/ and host_vars/ files, `-e`;
//! - `commands`: the question before any change, the closing line and
//!   the tables at the end;
//! - `report`: the preflight report's counts and verdict;
//! - `remote`: why a host could not be reached or a command not run there;
//! - `sudo`: what sudo's refusals mean, `-K`'s question, and the become
//!   variables that cannot be used;
//! - `diagnosis`: why a step failed, as its host's evidence says: each
//!   known cause and its fix, and the lines under the failure block;
//! - `steps`: the blocks of a long step (join, init, RKE2) that failed or
//!   timed out — the join's are the ones the incident write-up
//!   (tests/fixtures/worker-join-hang-fix.md) promised users;
//! - `phases`: what the phases say as they run (their lines, progress
//!   states and results), the other phase failures and waits;
//! - `rke2`: what the RKE2 phase says on its host;
//! - `plan`: `--check`'s plan, a line for each thing a phase would do;
//! - `kubeconfig`: what `deploy kubeconfig` says and why a merge was refused;
//! - `reset`: what `deploy reset` says: the list before anything goes, its
//!   question and refusals, each drain, its table;
//! - `template`: why a variable could not be templated;
//! - `vault`: why a vaulted file or value could not be opened;
//! - `wake`: waking hosts with Wake-on-LAN: the settings judged, each
//!   host's line and result, why one did not wake;
//! - `duration`: the two ways a duration is said.

pub mod checks;
pub mod cluster;
pub mod commands;
pub mod diagnosis;
mod duration;
pub mod inventory;
pub mod kubeconfig;
pub mod nodes;
pub mod phases;
pub mod plan;
pub mod prepare;
pub mod progress;
pub mod remote;
pub mod report;
pub mod reset;
pub mod rke2;
mod steps;
pub mod sudo;
pub mod template;
pub mod values;
pub mod vault;
pub mod wake;

pub use duration::{in_words, short};
pub use phases::{INTERRUPTED, INTERRUPTED_AT_ONCE, STOPPING};
pub use steps::{
    AsyncStatus, job_status, last_lines, step_failed, step_failed_because, step_timed_out,
    step_unreachable,
};

/// What a message needs of a host: how it is named and reached. The
/// cluster model's hosts are subjects; this layer knows nothing above it.
pub trait Subject {
    fn name(&self) -> &str;
    fn address(&self) -> &str;
    /// Reached without SSH (`ansible_connection: local`).
    fn local(&self) -> bool;
    /// Commands run through sudo (`ansible_become`).
    fn becomes(&self) -> bool;
}

/// A message and, where the user can do something about it, the fix. One
/// type wherever the two travel together: a check's finding, a
/// [`crate::exit::Problem`], the remote layer's failures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advice {
    pub message: String,
    pub fix: Option<String>,
}

impl Advice {
    /// Something to act on: a warning or a failure, with its fix.
    pub fn new(message: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            fix: Some(fix.into()),
        }
    }

    /// Something to know, with nothing to do.
    pub fn note(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            fix: None,
        }
    }
}

/// A bare message is advice without a fix: `Problem::failed("…")` takes
/// a plain text.
impl From<String> for Advice {
    fn from(message: String) -> Self {
        Self::note(message)
    }
}

impl From<&str> for Advice {
    fn from(message: &str) -> Self {
        Self::note(message)
    }
}

/// How every message names a host: `masternode (192.168.4.63)`, or the
/// name alone when it is the address.
pub fn who(name: &str, address: &str) -> String {
    if name == address {
        name.to_owned()
    } else {
        format!("{name} ({address})")
    }
}

/// The first line of every block: which host, and where it is.
pub fn host_line(name: &str, address: &str) -> String {
    format!("{}:", who(name, address))
}

/// A fix laid out under its message: `label` before the first line, the
/// later lines aligned under the first. `label` is `fix:`, perhaps
/// coloured, so the alignment counts the plain word.
pub fn fix_lines(indent: &str, label: impl std::fmt::Display, fix: &str) -> Vec<String> {
    let under = " ".repeat("fix: ".len());
    fix.lines()
        .enumerate()
        .map(|(index, line)| match index {
            0 => format!("{indent}{label} {line}"),
            _ => format!("{indent}{under}{line}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_named_with_their_address_unless_it_is_the_name() {
        assert_eq!(who("m", "192.0.2.10"), "m (192.0.2.10)");
        assert_eq!(host_line("m", "m"), "m:");
    }

    #[test]
    fn later_fix_lines_align_under_the_first() {
        assert_eq!(
            fix_lines("  ", "fix:", "pass -i PATH\nor set DEPLOY_INVENTORY"),
            ["  fix: pass -i PATH", "       or set DEPLOY_INVENTORY"]
        );
        assert!(fix_lines("", "fix:", "").is_empty());
    }
}

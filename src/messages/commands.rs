//! What the commands say around their phases: the question asked before
//! anything changes and why it could not be asked, the closing line, and
//! the tables printed at the end.

use std::path::Path;
use std::time::Duration;

use super::{Advice, short};

/// deploy.sh's question before `deploy all` changes anything.
pub const PROCEED: &str = "Proceed with two-phase deployment?";

/// The flags that answer [`PROCEED`].
pub const PROCEED_FLAGS: &str = "--yes or --with-rke2";

/// The answer to a question was no.
pub const NOT_CONFIRMED: &str = "not confirmed: nothing was changed";

/// `question` needs an answer, no terminal can give one, and none of
/// `flags` did.
pub fn refusal(question: &str, flags: &str) -> Advice {
    Advice::new(
        format!("\"{question}\" needs an answer, and there is no terminal to ask on"),
        format!("run again with {flags} to proceed without asking"),
    )
}

/// The last line of a `deploy all` that worked.
pub fn done(elapsed: Duration, artifacts: &Path) -> String {
    format!(
        "deploy: done in {}; the kubeconfigs, logs and summary.json are in {}",
        short(elapsed),
        artifacts.display()
    )
}

/// `deploy all`'s table: each phase.
pub const PHASES_TABLE: [&str; 3] = ["PHASE", "RESULT", "TIME"];

/// The same when the kubeadm and RKE2 chains ran side by side.
pub const CHAINED_PHASES_TABLE: [&str; 4] = ["PHASE", "CHAIN", "RESULT", "TIME"];

/// `deploy join`'s table: each worker.
pub const JOINS_TABLE: [&str; 3] = ["HOST", "RESULT", "TIME"];

/// A table's TIME column: `-` for what took no time (skipped, not
/// started).
pub fn table_time(elapsed: Duration) -> String {
    if elapsed.is_zero() {
        "-".to_owned()
    } else {
        short(elapsed)
    }
}

/// Above a failure to open SSH's control directory.
pub const PREPARING_SSH: &str = "preparing SSH connections";

/// Above a failure to write a command's output on stdout.
pub const WRITING_REPORT: &str = "writing the report";
pub const WRITING_SUMMARY: &str = "writing the summary";
pub const WRITING_STDOUT: &str = "writing to stdout";

/// The log directory cannot be made or written.
pub fn log_dir_unusable(dir: &Path, why: &std::io::Error) -> Advice {
    Advice::new(
        format!("cannot write to the log directory {}: {why}", dir.display()),
        "choose a directory you can write with --log-dir DIR (or DEPLOY_LOG_DIR)",
    )
}

/// What the lock file of a cluster says of the run holding it.
pub fn lock_holder(pid: u32, command: &str, since: &str) -> String {
    format!("pid {pid}, `{command}`, since {since}")
}

/// Another `deploy` holds the cluster: who (the lock file's words), and
/// what to do.
pub fn cluster_busy(holder: &str, inventory: &Path) -> Advice {
    let holder = holder.trim();
    let holder = if holder.is_empty() {
        "one that is just starting"
    } else {
        holder
    };
    Advice::new(
        format!(
            "another deploy is working on the cluster of {}: {holder}",
            inventory.display()
        ),
        "wait for it to end, or stop it (Ctrl-C in its terminal, or kill its pid); two runs at once would race on the same hosts",
    )
}

/// The context when the lock file cannot be made or written.
pub fn lock_unusable(path: &Path) -> String {
    format!("taking the run lock {}", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_cluster_names_its_holder_and_the_way_out() {
        let advice = cluster_busy(
            &lock_holder(42, "deploy join", "2026-12-01T10:00:00Z"),
            Path::new("inventory/hosts.yml"),
        );
        assert_eq!(
            advice.message,
            "another deploy is working on the cluster of inventory/hosts.yml: \
             pid 42, `deploy join`, since 2026-12-01T10:00:00Z"
        );
        assert_eq!(
            advice.fix.as_deref(),
            Some(
                "wait for it to end, or stop it (Ctrl-C in its terminal, or kill its pid); \
                 two runs at once would race on the same hosts"
            )
        );
        assert!(
            cluster_busy("", Path::new("h.yml"))
                .message
                .ends_with("one that is just starting")
        );
    }

    #[test]
    fn a_question_nobody_can_answer_names_the_flags_that_do() {
        assert_eq!(
            refusal(PROCEED, PROCEED_FLAGS),
            Advice::new(
                "\"Proceed with two-phase deployment?\" needs an answer, and there is no terminal to ask on",
                "run again with --yes or --with-rke2 to proceed without asking"
            )
        );
    }

    #[test]
    fn the_end_says_how_long_and_where_everything_is() {
        assert_eq!(
            done(Duration::from_millis(3240), Path::new("/tmp/run")),
            "deploy: done in 3.2s; the kubeconfigs, logs and summary.json are in /tmp/run"
        );
        assert_eq!(table_time(Duration::ZERO), "-");
        assert_eq!(table_time(Duration::from_secs(65)), "1m 05s");
    }
}

//! What a long step says as it goes: each host's live line, the lines of
//! its log, and the notice when Ctrl-C leaves jobs running.

use std::time::{Duration, SystemTime};

use super::{in_words, short};
use crate::kube::Step;

/// A line's state before its host's job has started.
pub const CHECKING: &str = "checking";
pub const CONNECTING: &str = "connecting";

/// The label of the count of hosts answered while preflight probes them.
pub const PROBING: &str = "checking hosts";

/// After that count: the hosts still awaited, the first few by name.
pub fn awaiting(names: &[&str]) -> String {
    const SHOWN: usize = 3;
    match names.len() {
        0 => String::new(),
        n if n <= SHOWN => format!("waiting for {}", names.join(", ")),
        n => format!(
            "waiting for {} and {} more",
            names[..SHOWN].join(", "),
            n - SHOWN
        ),
    }
}

/// The step's work was done before: the evidence, and that it is skipped.
pub fn already_done(step: Step) -> String {
    format!("{}: {}, skipped", step.already(), step.already_because())
}

/// The job runs, in kubeadm's current phase when one is known.
pub fn running(step: Step, phase: Option<&str>) -> String {
    match phase {
        Some(phase) => format!("{} [{phase}]", step.running()),
        None => step.running().to_owned(),
    }
}

/// A running step without progress for `quiet`: said on its line and in
/// its log, with the newest line of `unit`'s journal.
pub fn stalled(quiet: Duration, unit: &str, last_line: Option<&str>) -> String {
    let seconds = quiet.as_secs();
    let quiet = match seconds {
        0..60 => format!("{seconds}s"),
        _ => format!("{}m {}s", seconds / 60, seconds % 60),
    };
    match last_line {
        Some(line) => format!("no progress for {quiet}; {unit}: {line:?}"),
        None => format!("no progress for {quiet}; nothing in the {unit} journal since it started"),
    }
}

/// The running line while it stalls.
pub fn running_stalled(running: &str, notice: &str) -> String {
    format!("{running}; {notice}")
}

/// Into the log: a stalled step shows progress again.
pub const RESUMED: &str = "progress again: the stall is over";

pub fn succeeded(step: Step, elapsed: Duration) -> String {
    format!("{} in {}", step.done(), short(elapsed))
}

/// Into the log: the job was started now, or found running from before.
pub fn job_running(attached: bool) -> &'static str {
    if attached {
        "attached to the job already running there"
    } else {
        "job started"
    }
}

pub fn reconnecting(reason: &str) -> String {
    format!("reconnecting ({reason})")
}

pub fn reconnecting_log(reason: &str) -> String {
    format!("connection lost ({reason}); reconnecting")
}

/// Into the log: a line the job wrote on `stream` (`stdout`, `stderr`).
pub fn output(stream: &str, line: &str) -> String {
    format!("{stream}: {line}")
}

pub fn file_appeared(step: Step) -> String {
    format!("{} appeared", step.file().unwrap_or_default())
}

pub fn exited(code: i32) -> String {
    format!("the job exited with code {code}")
}

pub const VANISHED_LOG: &str = "the job's process is gone and left no exit code";

/// Why a step failed without an exit code to show.
pub const VANISHED: &str =
    "The job's process ended without an exit code (killed, or the host restarted).";

pub fn no_file(step: Step) -> String {
    format!(
        "It exited 0, but {} did not appear.",
        step.file().unwrap_or_default()
    )
}

/// A line's end when its step failed: `reason` as the summary says it.
pub fn line_failed(reason: &str) -> String {
    format!("failed: {reason}")
}

/// A line's end when its host stopped answering before its step ended.
pub fn line_unreachable(since: SystemTime) -> String {
    format!(
        "unreachable since {}, state unknown",
        humantime::format_rfc3339_seconds(since)
    )
}

pub fn line_timed_out(timeout: Duration, left_running: bool) -> String {
    let left = if left_running { ", left running" } else { "" };
    format!("timed out after {}{left}", in_words(timeout))
}

/// A line's end when Ctrl-C stopped the watching.
pub const LEFT_RUNNING: &str = "interrupted: the job keeps running on the host";

/// Above the lines when Ctrl-C left jobs running: where, and what to do.
pub fn left_running(step: Step, hosts: &[&str]) -> String {
    format!(
        "Interrupted: the {} keeps running on these hosts: {}.\nRun deploy again to attach to it.",
        step.noun(),
        hosts.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hosts_awaited_are_named_up_to_three() {
        assert_eq!(awaiting(&[]), "");
        assert_eq!(awaiting(&["w1", "w2"]), "waiting for w1, w2");
        assert_eq!(
            awaiting(&["a", "b", "c", "d", "e"]),
            "waiting for a, b, c and 2 more"
        );
    }

    #[test]
    fn a_stall_says_how_long_and_the_journals_newest_line_quoted() {
        let line =
            r#"E1202 10:00:00.123456    80 kubelet.go:2855] "Container runtime network not ready""#;
        assert_eq!(
            stalled(Duration::from_millis(60_400), "kubelet", Some(line)),
            r#"no progress for 1m 0s; kubelet: "E1202 10:00:00.123456    80 kubelet.go:2855] \"Container runtime network not ready\"""#
        );
        assert_eq!(
            stalled(Duration::from_secs(2), "rke2-server", None),
            "no progress for 2s; nothing in the rke2-server journal since it started"
        );
        assert_eq!(
            running_stalled("joining [kubelet-start]", "no progress for 2s"),
            "joining [kubelet-start]; no progress for 2s"
        );
    }

    #[test]
    fn lines_say_the_step_and_its_state() {
        assert_eq!(
            already_done(Step::Join),
            "already joined: /etc/kubernetes/kubelet.conf exists, skipped"
        );
        assert_eq!(
            running(Step::Join, Some("kubelet-start")),
            "joining [kubelet-start]"
        );
        assert_eq!(running(Step::Init, None), "initialising");
        assert_eq!(
            succeeded(Step::Join, Duration::from_millis(3240)),
            "joined in 3.2s"
        );
        assert_eq!(
            line_timed_out(Duration::from_secs(900), true),
            "timed out after 15 minutes, left running"
        );
        assert_eq!(
            left_running(Step::Join, &["w1", "w2"]),
            "Interrupted: the join keeps running on these hosts: w1, w2.\nRun deploy again to attach to it."
        );
    }
}

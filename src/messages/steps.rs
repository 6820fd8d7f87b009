//! The blocks a long step (join, `kubeadm init`, RKE2) prints when it fails
//! or times out on a host. The join's are the ones the incident write-up
//! (tests/fixtures/worker-join-hang-fix.md) promised users; golden tests
//! compare them with it line by line.

use std::fmt::Write as _;
use std::time::{Duration, SystemTime};

use super::{Advice, fix_lines, host_line, in_words, short};
use crate::kube::Step;

/// What was observed of a detached join (or init) job, in the words of
/// Ansible's `async_status`, which users of the old playbook know.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AsyncStatus {
    /// None: the job could not be looked at (the host was unreachable).
    pub finished: Option<bool>,
    pub rc: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl AsyncStatus {
    fn failed(&self) -> Option<bool> {
        match (self.finished, self.rc) {
            (Some(true), Some(rc)) => Some(rc != 0),
            (Some(false), _) => Some(false),
            _ => None,
        }
    }
}

fn flag(value: Option<bool>) -> String {
    value.map_or_else(|| "unknown".to_string(), |value| value.to_string())
}

fn rc(value: Option<i32>) -> String {
    value.map_or_else(|| "N/A".to_string(), |rc| rc.to_string())
}

/// A long step's job exited non-zero: for a join, the seed's "Worker node
/// join command failed!" block; the same shape for the other steps.
/// `stderr` is already redacted.
pub fn step_failed(step: Step, name: &str, address: &str, exit_code: i32, stderr: &str) -> String {
    let mut text = host_line(name, address);
    let _ = writeln!(text, "\n{}", failed_headline(step));
    let _ = writeln!(text, "Exit code: {exit_code}");
    text.push_str(&labelled("Error: ", last_lines(stderr, ERROR_LINES)));
    text.push('\n');
    text.push_str(&logs_hint(step));
    text
}

/// A long step failed without an exit code to show: `why` says how.
pub fn step_failed_because(step: Step, name: &str, address: &str, why: &str) -> String {
    format!(
        "{}\n{}\n{why}\n\n{}",
        host_line(name, address),
        failed_headline(step),
        logs_hint(step)
    )
}

fn failed_headline(step: Step) -> &'static str {
    match step {
        Step::Join => "Worker node join command failed!",
        Step::Init => "Control plane initialisation (kubeadm init) failed!",
        Step::Rke2Install => "RKE2 installation failed!",
        Step::Rke2Start => "rke2-server failed to start!",
    }
}

fn logs_hint(step: Step) -> String {
    let unit = step.unit();
    format!("Check the {unit} logs for more details:\njournalctl -u {unit} -n 100")
}

/// How many of the last stderr lines a failure block quotes; the whole
/// output is in the host's log file.
const ERROR_LINES: usize = 10;

/// Neither kubelet.conf nor the join's exit within the join timeout.
fn join_timed_out(
    name: &str,
    address: &str,
    timeout: Duration,
    status: &AsyncStatus,
    endpoint: &str,
) -> String {
    let mut text = host_line(name, address);
    let _ = write!(
        text,
        "\nTimed out waiting for /etc/kubernetes/kubelet.conf to appear after {}.\n\n",
        in_words(timeout)
    );
    let _ = write!(
        text,
        "The kubeadm join command status:\n- Finished: {}\n- Failed: {}\n- RC: {}\n\n",
        flag(status.finished),
        flag(status.failed()),
        rc(status.rc)
    );
    text.push_str(
        "This usually indicates one of the following issues:\n\
         1. The join command is still running and needs more time\n\
         2. The join command failed but didn't report an error\n\
         3. Network connectivity issues between worker and control plane\n\
         4. The control plane is not ready to accept new nodes\n\n\
         Troubleshooting steps:\n\
         1. Check kubelet logs: journalctl -u kubelet -n 100\n\
         2. Check if kubelet is running: systemctl status kubelet\n",
    );
    let _ = write!(
        text,
        "3. Check control plane connectivity: curl -k https://{endpoint}/healthz\n\
         4. Check if join command is still running: ps aux | grep kubeadm"
    );
    if status.finished == Some(false) {
        let _ = write!(
            text,
            "\n\nThe join was left running on {name}; run `deploy join` again to attach to it."
        );
    }
    text
}

/// A long step timed out: for a join, the seed's block (with `endpoint`
/// in its curl line); the same shape, with the causes and steps that fit,
/// for the others.
pub fn step_timed_out(
    step: Step,
    name: &str,
    address: &str,
    timeout: Duration,
    status: &AsyncStatus,
    endpoint: &str,
) -> String {
    if step == Step::Join {
        return join_timed_out(name, address, timeout, status, endpoint);
    }
    let waited_for = match step {
        Step::Init => "kubeadm init to finish".to_string(),
        Step::Rke2Install => "the RKE2 installer to finish".to_string(),
        Step::Join | Step::Rke2Start => format!("{} to appear", step.file()),
    };
    let unit = step.unit();
    let mut text = host_line(name, address);
    let _ = write!(
        text,
        "\nTimed out waiting for {waited_for} after {}.\n\n\
         The {} command status:\n- Finished: {}\n- Failed: {}\n- RC: {}\n\n\
         Troubleshooting steps:\n\
         1. Check the {unit} logs: journalctl -u {unit} -n 100\n\
         2. Check if {unit} is running: systemctl status {unit}\n\
         3. Check if the {} is still running: ps aux | grep {}",
        in_words(timeout),
        step.noun(),
        flag(status.finished),
        flag(status.failed()),
        rc(status.rc),
        step.noun(),
        match step {
            Step::Init => "kubeadm",
            _ => "rke2",
        }
    );
    if status.finished == Some(false) {
        let _ = write!(
            text,
            "\n\nThe {} was left running on {name}; run `deploy all` again to attach to it.",
            step.noun()
        );
    }
    text
}

/// A long step's host stopped answering before its end was seen: since
/// `since` (`silent` ago), so how the step went there is unknown, and a
/// rerun once the host answers finds out.
pub fn step_unreachable(
    step: Step,
    name: &str,
    address: &str,
    timeout: Duration,
    since: SystemTime,
    silent: Duration,
) -> String {
    let advice = unreachable(step, name, timeout, since, silent);
    let mut text = host_line(name, address);
    text.push('\n');
    text.push_str(&advice.message);
    for line in fix_lines("", "fix:", advice.fix.as_deref().unwrap_or_default()) {
        text.push('\n');
        text.push_str(&line);
    }
    text
}

fn unreachable(
    step: Step,
    name: &str,
    timeout: Duration,
    since: SystemTime,
    silent: Duration,
) -> Advice {
    let noun = step.noun();
    let rerun = match step {
        Step::Join => "deploy join",
        Step::Init | Step::Rke2Install | Step::Rke2Start => "deploy all",
    };
    Advice::new(
        format!(
            "Timed out after {}: {name} has been unreachable since {} ({}), \
             so the state of the {noun} there is unknown.",
            in_words(timeout),
            humantime::format_rfc3339_seconds(since),
            short(silent),
        ),
        format!(
            "once {name} answers again, run `{rerun}` again: it finds out whether the {noun} finished"
        ),
    )
}

/// The job status block shown with `-v` for every failed host.
pub fn job_status(step: Step, status: &AsyncStatus) -> String {
    let mut text = match step {
        Step::Join => String::from("Join job status:\n"),
        other => format!("The {} job status:\n", other.noun()),
    };
    let _ = writeln!(text, "Finished: {}", flag(status.finished));
    let _ = writeln!(text, "Failed: {}", flag(status.failed()));
    let _ = writeln!(text, "RC: {}", rc(status.rc));
    text.push_str(&labelled("Stdout: ", or_na(&status.stdout)));
    text.push_str(&labelled("Stderr: ", or_na(&status.stderr)));
    text
}

fn or_na(text: &str) -> &str {
    if text.trim().is_empty() { "N/A" } else { text }
}

/// `label` then the text, later lines indented under the first so a
/// multi-line stderr still reads as one field.
fn labelled(label: &str, text: &str) -> String {
    let indent = " ".repeat(label.len());
    let mut out = String::new();
    for (index, line) in text.trim_end().lines().enumerate() {
        if index > 0 {
            out.push('\n');
            out.push_str(&indent);
        } else {
            out.push_str(label);
        }
        out.push_str(line);
    }
    if out.is_empty() {
        out.push_str(label.trim_end());
    }
    out.push('\n');
    out
}

/// The last `count` non-empty lines of `text`.
pub fn last_lines(text: &str, count: usize) -> &str {
    let trimmed = text.trim_end();
    let mut start = trimmed.len();
    for _ in 0..count {
        match trimmed[..start].rfind('\n') {
            Some(newline) => start = newline,
            None => return trimmed.trim_start_matches('\n'),
        }
    }
    trimmed[start..].trim_start_matches('\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../../tests/fixtures/worker-join-hang-fix.md");

    /// The fenced block that follows `heading` in the seed document.
    fn seed_block(heading: &str) -> Vec<&'static str> {
        let after = &SEED[SEED.find(heading).expect("heading in seed") + heading.len()..];
        let body = &after[after.find("```\n").expect("code block") + 4..];
        body[..body.find("\n```").expect("end of block")]
            .lines()
            .collect()
    }

    fn lines(text: &str) -> Vec<&str> {
        text.lines().collect()
    }

    fn exited(rc: i32) -> AsyncStatus {
        AsyncStatus {
            finished: Some(true),
            rc: Some(rc),
            ..AsyncStatus::default()
        }
    }

    fn still_running() -> AsyncStatus {
        AsyncStatus {
            finished: Some(false),
            ..AsyncStatus::default()
        }
    }

    #[test]
    fn join_failure_is_the_seed_block_under_a_host_line() {
        let text = step_failed(
            Step::Join,
            "storagenodet3500",
            "192.0.2.61",
            127,
            "/bin/sh: 1: kubeadm: not found\n",
        );
        let lines = lines(&text);
        assert_eq!(lines[0], "storagenodet3500 (192.0.2.61):");
        assert_eq!(
            lines[1..],
            seed_block("**If the join command failed:**")[..]
        );
    }

    #[test]
    fn timeout_is_the_seed_block_under_a_host_line() {
        let status = exited(1);
        let text = join_timed_out(
            "w1",
            "192.0.2.61",
            Duration::from_secs(900),
            &status,
            "masternode:6443",
        );
        let lines = lines(&text);
        assert_eq!(lines[0], "w1 (192.0.2.61):");
        assert_eq!(lines[1..], seed_block("**If the timeout occurred:**")[..]);
    }

    #[test]
    fn a_timeout_with_the_job_still_running_says_it_was_left_running() {
        let status = still_running();
        let text = join_timed_out(
            "w1",
            "10.0.0.9",
            Duration::from_secs(5),
            &status,
            "10.0.0.1:6443",
        );
        assert!(text.contains("to appear after 5 seconds."));
        assert!(text.contains("- Finished: false\n- Failed: false\n- RC: N/A\n"));
        assert!(text.contains("curl -k https://10.0.0.1:6443/healthz"));
        assert!(text.ends_with(
            "The join was left running on w1; run `deploy join` again to attach to it."
        ));
    }

    #[test]
    fn a_job_nobody_could_look_at_is_unknown() {
        let text = join_timed_out(
            "w1",
            "w1",
            Duration::from_secs(60),
            &AsyncStatus::default(),
            "cp:6443",
        );
        assert!(text.starts_with(
            "w1:\nTimed out waiting for /etc/kubernetes/kubelet.conf to appear after 1 minute."
        ));
        assert!(text.contains("- Finished: unknown\n- Failed: unknown\n- RC: N/A\n"));
        assert!(!text.contains("left running"));
    }

    #[test]
    fn a_host_gone_silent_is_unreachable_since_then_and_a_rerun_finds_out() {
        let since = std::time::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let silent = Duration::from_secs(130);
        let text = step_unreachable(
            Step::Join,
            "w1",
            "192.0.2.61",
            Duration::from_secs(900),
            since,
            silent,
        );
        assert_eq!(
            text,
            "w1 (192.0.2.61):\n\
             Timed out after 15 minutes: w1 has been unreachable since 2023-11-14T22:13:20Z \
             (2m 10s), so the state of the join there is unknown.\n\
             fix: once w1 answers again, run `deploy join` again: it finds out whether the join finished"
        );
        let advice = unreachable(Step::Init, "m", Duration::from_secs(60), since, silent);
        assert_eq!(
            advice.fix.as_deref(),
            Some(
                "once m answers again, run `deploy all` again: it finds out whether the kubeadm init finished"
            )
        );
    }

    #[test]
    fn verbose_job_status_matches_the_playbook_debug_block() {
        let status = AsyncStatus {
            finished: Some(true),
            rc: Some(1),
            stdout: "[preflight] Running pre-flight checks\n".into(),
            stderr: "error execution phase preflight: boom\nTo see the stack trace of this error execute with --v=5 or higher\n".into(),
        };
        assert_eq!(
            job_status(Step::Join, &status),
            "Join job status:\nFinished: true\nFailed: true\nRC: 1\n\
             Stdout: [preflight] Running pre-flight checks\n\
             Stderr: error execution phase preflight: boom\n        \
             To see the stack trace of this error execute with --v=5 or higher\n"
        );
        let init = job_status(Step::Init, &AsyncStatus::default());
        assert!(init.starts_with("The kubeadm init job status:\n"), "{init}");
        assert!(init.contains("Stdout: N/A\nStderr: N/A\n"));
    }

    #[test]
    fn long_stderr_is_cut_to_its_last_lines() {
        let stderr: String = (1..=30).map(|n| format!("line {n}\n")).collect();
        let text = step_failed(Step::Join, "w", "a", 1, &stderr);
        assert!(text.contains("Error: line 21\n       line 22\n"));
        assert!(!text.contains("line 20\n"));
        assert!(step_failed(Step::Join, "w", "a", 1, "").contains("\nError:\n"));
    }

    #[test]
    fn other_steps_fail_in_the_same_shape_with_their_own_unit() {
        let text = step_failed(
            Step::Rke2Start,
            "homelab",
            "192.0.2.62",
            1,
            "Job for rke2-server.service failed\n",
        );
        assert_eq!(
            text,
            "homelab (192.0.2.62):\nrke2-server failed to start!\nExit code: 1\n\
             Error: Job for rke2-server.service failed\n\n\
             Check the rke2-server logs for more details:\njournalctl -u rke2-server -n 100"
        );
        let text = step_failed(
            Step::Init,
            "m",
            "m",
            1,
            "error execution phase wait-control-plane",
        );
        assert!(text.starts_with(
            "m:\nControl plane initialisation (kubeadm init) failed!\nExit code: 1\n"
        ));
        assert!(text.ends_with("journalctl -u kubelet -n 100"));
    }

    #[test]
    fn other_steps_time_out_naming_what_they_waited_for() {
        let status = exited(0);
        let text = step_timed_out(
            Step::Rke2Start,
            "h",
            "10.0.0.2",
            Duration::from_secs(300),
            &status,
            "",
        );
        assert!(
            text.contains(
                "Timed out waiting for /etc/rancher/rke2/rke2.yaml to appear after 5 minutes."
            ),
            "{text}"
        );
        assert!(
            text.contains("- Finished: true\n- Failed: false\n- RC: 0\n"),
            "{text}"
        );
        assert!(text.contains("journalctl -u rke2-server -n 100"));
        assert!(!text.contains("left running"));
        let running = still_running();
        let text = step_timed_out(Step::Init, "m", "m", Duration::from_secs(60), &running, "");
        assert!(text.contains("Timed out waiting for kubeadm init to finish after 1 minute."));
        assert!(text.ends_with(
            "The kubeadm init was left running on m; run `deploy all` again to attach to it."
        ));
    }

    #[test]
    fn last_lines_keeps_short_text_whole() {
        assert_eq!(last_lines("a\nb\n", 5), "a\nb");
        assert_eq!(last_lines("a\nb\nc", 2), "b\nc");
        assert_eq!(last_lines("", 2), "");
    }
}

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
    if step == Step::Prepare {
        return super::prepare::failed_block(name, address, exit_code, stderr);
    }
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
        Step::Reset => "Node reset (kubeadm reset) failed!",
        Step::Rke2Uninstall => "RKE2 uninstall (rke2-killall.sh, rke2-uninstall.sh) failed!",
        Step::Prepare => "Preparing the host failed!",
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
        Step::Reset | Step::Rke2Uninstall | Step::Prepare => {
            format!("the {} to finish", step.noun())
        }
        Step::Join | Step::Rke2Start => {
            format!("{} to appear", step.file().unwrap_or_default())
        }
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
            Step::Init | Step::Reset => "kubeadm",
            _ => "rke2",
        }
    );
    if status.finished == Some(false) {
        let _ = write!(
            text,
            "\n\nThe {} was left running on {name}; run `{}` again to attach to it.",
            step.noun(),
            rerun(step)
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
    let rerun = rerun(step);
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

/// The command whose rerun attaches to the step's job, or finds out how it
/// ended.
fn rerun(step: Step) -> &'static str {
    match step {
        Step::Join => "deploy join",
        Step::Init | Step::Rke2Install | Step::Rke2Start => "deploy all",
        Step::Reset | Step::Rke2Uninstall => "deploy reset",
        Step::Prepare => "deploy prepare",
    }
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
mod tests;

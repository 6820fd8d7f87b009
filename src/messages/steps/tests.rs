//! The blocks checked against the incident write-up, line by line.

use super::*;

const SEED: &str = include_str!("../../../tests/fixtures/worker-join-hang-fix.md");

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
    assert!(
        text.ends_with("The join was left running on w1; run `deploy join` again to attach to it.")
    );
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
    assert!(
        text.starts_with("m:\nControl plane initialisation (kubeadm init) failed!\nExit code: 1\n")
    );
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

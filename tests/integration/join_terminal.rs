//! What `deploy join` draws: live lines in a pseudo-terminal, plain
//! timestamped lines with `-q` or without a terminal — with the failure
//! block intact either way.

use std::time::Duration;

use crate::pty::{self, Screen};
use crate::support::lab::{Lab, cluster};
use crate::support::run::{deploy, lab_args};
use crate::support::scenario::Scenario;

const LIMIT: Duration = Duration::from_secs(60);
const SPINNER: &[char] = &['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
/// The block under the failing worker's host line, line by line.
/// The documented block, then the diagnosis under it.
const FAILURE: [&str; 9] = [
    "Worker node join command failed!",
    "Exit code: 127",
    "Error: /bin/sh: 1: kubeadm: not found",
    "",
    "Check the kubelet logs for more details:",
    "journalctl -u kubelet -n 100",
    "Likely cause: kubeadm is not on this host's PATH.",
    "  /bin/sh: 1: kubeadm: not found",
    "fix: install kubeadm, kubelet and kubectl there (`deploy check` says how), then run deploy again",
];

/// w1 joins in about a second, w2 has no kubeadm (its join fails at once:
/// preflight is told to let it through), w3 takes 3 s.
fn mixed() -> Option<Lab> {
    let lab = cluster(&[("w1", &[]), ("w2", &["no-kubeadm"]), ("w3", &[])])?;
    lab.set_scenario("w3", &Scenario::JoinDelay(Duration::from_secs(3)));
    Some(lab)
}

/// `deploy <lab args> EXTRA... join --ignore-check worker.kubeadm` in the pty.
fn join_in_pty(lab: &Lab, extra: &[&str]) -> Screen {
    let base = lab_args(lab);
    let mut args: Vec<&str> = base.iter().map(String::as_str).collect();
    args.extend(extra);
    args.extend(["join", "--ignore-check", "worker.kubeadm"]);
    pty::run(&args, &[], lab.dir(), LIMIT)
}

/// The index of the line equal to `line`, which must be there once.
fn only(lines: &[String], line: &str) -> usize {
    let found: Vec<usize> = (0..lines.len()).filter(|&i| lines[i] == line).collect();
    assert_eq!(
        found.len(),
        1,
        "{line:?} not there once in\n{}",
        lines.join("\n")
    );
    found[0]
}

/// The index of the one line starting with `prefix`.
fn only_starting(lines: &[String], prefix: &str) -> usize {
    let found: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with(prefix))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "not one line starting {prefix:?} in\n{}",
        lines.join("\n")
    );
    found[0]
}

/// Asserts the host line and the failure block, as consecutive lines.
fn assert_failure_block(lines: &[String], host_line: &str) {
    let at = only(lines, FAILURE[0]);
    assert!(at > 0 && lines[at - 1] == host_line, "{}", lines.join("\n"));
    assert_eq!(
        lines.get(at..at + FAILURE.len()),
        Some(&FAILURE.map(String::from)[..]),
        "the failure block is torn:\n{}",
        lines.join("\n")
    );
}

/// The longest elapsed time drawn after `state` on a live line (`  2s`).
fn longest_elapsed(text: &str, state: &str) -> u64 {
    text.match_indices(state)
        .filter_map(|(at, _)| {
            let rest = text[at + state.len()..].trim_start_matches(' ');
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            rest[digits.len()..]
                .starts_with('s')
                .then(|| digits.parse().ok())
                .flatten()
        })
        .max()
        .unwrap_or(0)
}

/// `2026-11-24T10:00:00Z  NAME  STATE` split into name and state; the
/// name column is as wide as the longest worker name (2 here).
fn timestamped(line: &str) -> Option<(&str, &str)> {
    let (stamp, rest) = (line.get(..20)?, line.get(20..)?);
    let shape = stamp.chars().enumerate().all(|(i, c)| match i {
        4 | 7 => c == '-',
        10 => c == 'T',
        13 | 16 => c == ':',
        19 => c == 'Z',
        _ => c.is_ascii_digit(),
    });
    let rest = rest.strip_prefix("  ")?;
    let (name, state) = (rest.get(..2)?, rest.get(2..)?.strip_prefix("  ")?);
    shape.then_some((name, state))
}

/// The plain lines of `text` (stderr), each checked for its shape: the
/// events as (worker, state), in order.
fn events(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(timestamped)
        .map(|(name, state)| (name.to_string(), state.to_string()))
        .collect()
}

#[test]
fn live_lines_on_a_terminal_with_the_failure_block_above_them() {
    let Some(lab) = mixed() else { return };
    let screen = join_in_pty(&lab, &[]);
    let lines = screen.lines();
    assert_eq!(screen.code, 1, "{}", lines.join("\n"));

    // Live lines: drawn and redrawn in place, spinning, with states and time.
    let raw = &screen.output;
    assert!(
        raw.contains("\u{1b}[1A") && raw.contains("\u{1b}[2K"),
        "no cursor movement: {raw:?}"
    );
    let text = screen.text();
    let frames = SPINNER.iter().filter(|&&c| text.contains(c)).count();
    assert!(frames >= 3, "the spinner did not turn: {frames} frames");
    for state in ["connecting", "starting the join", "joining [kubelet-start]"] {
        assert!(text.contains(state), "{state:?} never drawn: {text}");
    }
    assert!(
        longest_elapsed(&text, "w3  joining [kubelet-start]") >= 2,
        "w3's elapsed time did not count up: {text}"
    );
    assert!(raw.contains("\u{1b}[32m✓"), "the joined mark is not green");

    // What stays on the terminal: the block, each worker's final line once,
    // no spinner left, then the summary table (stdout).
    assert_failure_block(&lines, &format!("w2 ({}):", lab.address("w2")));
    let block = only(&lines, FAILURE[0]);
    let w1 = only_starting(&lines, "✓ w1  joined in ");
    let w2 = only_starting(&lines, "✗ w2  failed: exit code 127");
    let w3 = only_starting(&lines, "✓ w3  joined in ");
    assert!(
        block < w1 && (w1, w2) == (w2 - 1, w3 - 1),
        "{}",
        lines.join("\n")
    );
    assert!(
        !lines.iter().any(|line| line.contains(SPINNER)),
        "a live line was left on the terminal:\n{}",
        lines.join("\n")
    );
    let table = only_starting(&lines, "HOST  RESULT");
    assert_eq!(table, w3 + 1, "{}", lines.join("\n"));
    assert!(lines[table + 2].starts_with("w2    failed: exit code 127"));
    assert_eq!(lines.len(), table + 4, "{}", lines.join("\n"));
    assert!(screen.echoes_control, "^C echo not given back");

    // The block went out in one piece: no redraw between its lines.
    let first = raw.find(&format!("w2 ({}):", lab.address("w2"))).unwrap();
    let last = raw[first..].find(FAILURE[FAILURE.len() - 1]).unwrap();
    assert!(
        !raw[first..first + last].contains('\u{1b}'),
        "the bars were redrawn inside the failure block: {:?}",
        &raw[first..first + last]
    );
}

#[test]
fn quiet_on_a_terminal_prints_plain_lines_only() {
    let Some(lab) = mixed() else { return };
    let screen = join_in_pty(&lab, &["-q"]);
    let text = screen.text();
    assert_eq!(screen.code, 1, "{text}");
    let movement = ["\u{1b}[1A", "\u{1b}[1B", "\u{1b}[2K", "\r\u{1b}"];
    assert!(
        !movement.iter().any(|m| screen.output.contains(m)),
        "live lines drawn despite -q: {:?}",
        screen.output
    );
    assert!(!text.contains(SPINNER), "{text}");
    let events = events(&text);
    for (worker, state) in [
        ("w1", "joining [kubelet-start]"),
        ("w2", "failed: exit code 127"),
        ("w3", "joining [kubelet-start]"),
    ] {
        assert!(
            events.iter().any(|(w, s)| w == worker && s == state),
            "{worker}: {state:?} missing in\n{text}"
        );
    }
    assert!(
        events
            .iter()
            .any(|(w, s)| w == "w3" && s.starts_with("joined in ")),
        "{text}"
    );
    assert_failure_block(&screen.lines(), &format!("w2 ({}):", lab.address("w2")));
}

#[test]
fn without_a_terminal_each_event_is_one_timestamped_line() {
    let Some(lab) = mixed() else { return };
    let block = format!("w2 ({}):\n{}\n", lab.address("w2"), FAILURE.join("\n"));
    let run = deploy()
        .on(&lab)
        .args(["join", "--ignore-check", "worker.kubeadm"])
        .limit(LIMIT)
        .status(1)
        .stderr_has(&block)
        .run();
    assert!(
        !run.all().contains('\u{1b}'),
        "escape codes: {:?}",
        run.all()
    );
    let events = events(&run.stderr);
    for worker in ["w1", "w3"] {
        let states: Vec<&str> = events
            .iter()
            .filter(|(w, _)| w == worker)
            .map(|(_, s)| s.as_str())
            .collect();
        assert_eq!(
            states[..states.len() - 1],
            [
                "connecting",
                "starting the join",
                "joining",
                "joining [preflight]",
                "joining [kubelet-start]"
            ],
            "{}",
            run.stderr
        );
        assert!(states[states.len() - 1].starts_with("joined in "));
    }
    let w2: Vec<&str> = events
        .iter()
        .filter(|(w, _)| w == "w2")
        .map(|(_, s)| s.as_str())
        .collect();
    assert_eq!(w2.last(), Some(&"failed: exit code 127"), "{}", run.stderr);
    // Every line is an event, a preflight line, or the failure block.
    let rest = run.stderr.replace(&block, "");
    for line in rest.lines() {
        assert!(
            timestamped(line).is_some() || line.starts_with("preflight: "),
            "a stray line {line:?} in\n{}",
            run.stderr
        );
    }
    assert!(run.stdout.starts_with("HOST  RESULT"), "{}", run.stdout);
}

#[test]
fn ctrl_c_on_a_terminal_is_answered_above_the_live_lines() {
    let Some(lab) = cluster(&[("w1", &[])]) else {
        return;
    };
    lab.set_scenario("w1", &Scenario::JoinDelay(Duration::from_secs(5)));
    let base = lab_args(&lab);
    let mut args: Vec<&str> = base.iter().map(String::as_str).collect();
    args.push("join");
    let mut running = pty::spawn(&args, &[], lab.dir(), LIMIT);
    running.wait_for("joining [kubelet-start]");
    running.send(b"\x03");
    let screen = running.finish();
    let lines = screen.lines();
    assert_eq!(screen.code, 130, "{}", lines.join("\n"));
    let stopping = only(
        &lines,
        "deploy: stopping (press Ctrl-C again to stop at once)",
    );
    let told = only(
        &lines,
        "Interrupted: the join keeps running on these hosts: w1.",
    );
    let w1 = only_starting(
        &lines,
        "! w1  interrupted: the job keeps running on the host",
    );
    assert!(stopping < told && told < w1, "{}", lines.join("\n"));
    assert!(!lines.iter().any(|line| line.contains(SPINNER)));
    // The terminal did not echo `^C` under the live lines (its echo would
    // leave a stale copy of them behind), and echoes it again afterwards.
    assert!(!screen.text().contains("^C"), "{}", lines.join("\n"));
    assert!(screen.echoes_control);
}

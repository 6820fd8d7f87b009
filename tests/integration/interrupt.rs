//! Ctrl-C and SIGTERM before any work is in flight: while the inventory is
//! read, `deploy` has nothing to wind down and ends at once.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::run::{Running, deploy};

/// How long `deploy` may take to end after the signal: "at once", with
/// room for a loaded machine.
const PROMPTLY: Duration = Duration::from_secs(2);

/// Waits until `deploy` catches SIGTERM (its handler is installed), so the
/// signal the test sends is deploy's to handle and not the default kill.
fn wait_for_the_handler(running: &mut Running) {
    let status = format!("/proc/{}/status", running.pid());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        assert!(running.is_running(), "deploy ended before it was signalled");
        let text = std::fs::read_to_string(&status).unwrap_or_default();
        let caught = text
            .lines()
            .find_map(|line| line.strip_prefix("SigCgt:"))
            .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
            .unwrap_or(0);
        if caught & (1 << (libc::SIGTERM - 1)) != 0 {
            return;
        }
        assert!(Instant::now() < deadline, "deploy never caught SIGTERM");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// CPU time `deploy` has used so far (user and system).
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name, which is in parentheses.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|i| fields.get(*i).and_then(|f| f.parse::<u64>().ok()))
        .sum();
    // SAFETY: sysconf has no memory effects.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Duration::from_millis(ticks * 1000 / per_second)
}

/// Sends SIGTERM and checks that `deploy` ends promptly, interrupted, with
/// its line and no panic.
fn terminate(running: Running) {
    // SAFETY: kill(2) on our own child.
    assert_eq!(
        unsafe { libc::kill(running.pid() as i32, libc::SIGTERM) },
        0
    );
    let signalled = Instant::now();
    let run = running.finish();
    let took = signalled.elapsed();
    assert!(took < PROMPTLY, "deploy took {took:?} to end after SIGTERM");
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

fn mkfifo(path: &Path) {
    let c_path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
}

#[test]
fn sigterm_ends_deploy_waiting_for_a_fifo_nobody_writes() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("hosts.yml");
    mkfifo(&fifo);
    let mut running = deploy()
        .arg("check")
        .arg("-i")
        .arg(&fifo)
        .limit(Duration::from_secs(30))
        .status(130)
        .stderr_has("deploy: error: interrupted before anything started: nothing was changed")
        .spawn();
    wait_for_the_handler(&mut running);
    // Opening a FIFO without a writer never returns: deploy is blocked there.
    std::thread::sleep(Duration::from_millis(300));
    assert!(running.is_running(), "deploy did not wait for the FIFO");
    terminate(running);
}

#[test]
fn a_signal_before_any_work_ends_the_events_once_each() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("hosts.yml");
    mkfifo(&fifo);
    let mut running = deploy()
        .args(["join", "--output", "jsonl", "-i"])
        .arg(&fifo)
        .limit(Duration::from_secs(30))
        .status(130)
        .spawn();
    wait_for_the_handler(&mut running);
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: kill(2) on our own child.
    assert_eq!(
        unsafe { libc::kill(running.pid() as i32, libc::SIGTERM) },
        0
    );
    let run = running.finish();
    let events = crate::events::events_of(&run);
    let names: Vec<&str> = events
        .iter()
        .map(|event| event["event"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["run_started", "interrupted", "run_finished"]);
    assert_eq!(events[2]["exit_code"], 130);
}

#[test]
fn sigterm_ends_deploy_in_the_middle_of_a_long_parse() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hosts.ini");
    std::fs::write(&path, slow_inventory()).unwrap();
    let mut running = deploy()
        .arg("check")
        .arg("-i")
        .arg(&path)
        .limit(Duration::from_secs(60))
        .status(130)
        .stderr_has("deploy: error: interrupted before anything started: nothing was changed")
        .spawn();
    wait_for_the_handler(&mut running);
    let deadline = Instant::now() + Duration::from_secs(20);
    while cpu_time(running.pid()) < Duration::from_millis(300) {
        assert!(Instant::now() < deadline, "deploy never got busy");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(
        running.is_running(),
        "deploy read the inventory before it was signalled: make it slower to read"
    );
    terminate(running);
}

/// An inventory that takes deploy seconds to read: a chain of groups with a
/// host at every level, so each host has the whole chain above it to merge.
fn slow_inventory() -> String {
    let mut text = String::new();
    for level in 0..30_000 {
        text.push_str(&format!(
            "[g{level}]\nh{level} v{level}={level}\n[g{level}:children]\ng{}\n",
            level + 1
        ));
    }
    text.push_str("[g30000]\nlast\n");
    text
}

#[test]
fn an_inventory_from_process_substitution_is_read() {
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/inventories/features.yml");
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(r#""$0" -i <(cat "$1") inventory --list"#)
        .arg(env!("CARGO_BIN_EXE_deploy"))
        .arg(&file)
        .env_remove("DEPLOY_INVENTORY")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(list["all"]["children"].is_array(), "{list}");
}

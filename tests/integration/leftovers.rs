//! What a run leaves behind, against the lab: after a SIGKILL no process
//! of the killed `deploy` lives on and the next run sweeps its control
//! directory; the join token is deleted when a run ends; and no file in a
//! host's job directories ever holds a token in clear.
//!
//! Processes are only ever looked at when they can be attributed to a
//! `deploy` this test started: by the control directory in their command
//! line, found through that `deploy`'s own children.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::lab::{Lab, cluster};
use crate::support::run::{Deploy, deploy, log_dir, wait_for};
use crate::support::scenario::Scenario;

const LIMIT: Duration = Duration::from_secs(90);

fn join(lab: &Lab) -> Deploy {
    deploy().on(lab).limit(LIMIT).arg("join")
}

/// The control directory of the running `deploy` `pid`, read from the
/// `ControlPath=` of one of its children (an ssh client or master).
fn control_dir_of(pid: u32) -> Option<PathBuf> {
    for task in fs::read_dir(format!("/proc/{pid}/task")).ok()?.flatten() {
        let children = fs::read_to_string(task.path().join("children")).unwrap_or_default();
        for child in children.split_whitespace() {
            let cmdline = fs::read(format!("/proc/{child}/cmdline")).unwrap_or_default();
            for arg in cmdline.split(|b| *b == 0) {
                let arg = String::from_utf8_lossy(arg);
                if let Some(path) = arg.strip_prefix("ControlPath=") {
                    return Path::new(path).parent().map(Path::to_owned);
                }
            }
        }
    }
    None
}

/// Waits for the running `deploy` `pid` to have a child naming its control
/// directory, and returns that directory.
fn wait_for_control_dir(pid: u32) -> PathBuf {
    let mut dir = None;
    wait_for(
        "a child of deploy naming its control directory",
        Duration::from_secs(20),
        || {
            dir = control_dir_of(pid);
            dir.is_some()
        },
    );
    dir.unwrap()
}

/// Live processes (zombies are not) whose command line names `dir`.
fn processes_naming(dir: &Path) -> Vec<String> {
    let needle = dir.to_string_lossy().into_owned();
    let mut found = Vec::new();
    for entry in fs::read_dir("/proc").unwrap().flatten() {
        let path = entry.path();
        let stat = fs::read_to_string(path.join("stat")).unwrap_or_default();
        let state = stat.rsplit_once(") ").map(|(_, rest)| rest.chars().next());
        if state == Some(Some('Z')) {
            continue;
        }
        let cmdline = fs::read(path.join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if cmdline.contains(&needle) {
            found.push(format!(
                "{}: {cmdline}",
                entry.file_name().to_string_lossy()
            ));
        }
    }
    found
}

fn wait_for_the_join(lab: &Lab, worker: &str) {
    wait_for("the join to start", Duration::from_secs(20), || {
        let pid = "/var/lib/deploy/jobs/kubeadm-join/pid";
        lab.exec(worker, &["test", "-s", pid]).status.success()
    });
}

#[test]
fn after_a_sigkill_nothing_of_deploy_lives_on_and_the_next_run_sweeps_its_directory() {
    let Some(lab) = cluster(&[("w1", &[])]) else {
        return;
    };
    // Long enough that it still runs when the second `deploy join` comes.
    lab.set_scenario("w1", &Scenario::JoinDelay(Duration::from_secs(10)));
    // Killed by SIGKILL: no exit code.
    let killed = join(&lab).status(-1).spawn();
    wait_for_the_join(&lab, "w1");
    let first = wait_for_control_dir(killed.pid());
    assert!(!processes_naming(&first).is_empty());
    // SAFETY: kill(2) on our own child.
    unsafe { libc::kill(killed.pid() as i32, libc::SIGKILL) };
    killed.finish();
    let started = std::time::Instant::now();
    let mut left = processes_naming(&first);
    while !left.is_empty() && started.elapsed() < Duration::from_secs(2) {
        std::thread::sleep(Duration::from_millis(50));
        left = processes_naming(&first);
    }
    assert!(left.is_empty(), "left running after the SIGKILL: {left:#?}");

    let rerun = join(&lab).spawn();
    let second = wait_for_control_dir(rerun.pid());
    let run = rerun.finish();
    assert!(
        run.stdout
            .lines()
            .any(|line| line.starts_with("w1") && line.contains("joined")),
        "{}",
        run.stdout
    );
    let log = fs::read_to_string(log_dir(&lab).join("w1.log")).unwrap();
    assert!(
        log.contains("attached to the job already running there"),
        "{log}"
    );
    assert!(
        !first.exists(),
        "the killed run's {} is left",
        first.display()
    );
    assert!(!second.exists(), "the rerun's {} is left", second.display());
    assert!(processes_naming(&second).is_empty());
}

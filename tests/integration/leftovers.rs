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

/// The tokens `kubeadm token list` shows on the control plane.
fn listed_tokens(lab: &Lab) -> Vec<String> {
    let out = lab.exec("masternode", &["kubeadm", "token", "list"]);
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(1)
        .filter_map(|line| line.split_whitespace().next().map(str::to_owned))
        .collect()
}

/// Every token the lab's cluster ever issued, in order.
fn issued_tokens(lab: &Lab) -> Vec<String> {
    let issued = fs::read_to_string(lab.dir().join("cluster/issued")).unwrap_or_default();
    issued.lines().map(str::to_owned).collect()
}

/// What of `node`'s job directories, and its /dev/shm, holds any issued
/// token's secret part, in clear.
fn tokens_at_rest(lab: &Lab, node: &str) -> String {
    let mut found = String::new();
    for token in issued_tokens(lab) {
        let secret = token.split('.').nth(1).unwrap();
        let grep = ["grep", "-rlF", secret, "/var/lib/deploy/jobs", "/dev/shm"];
        let out = lab.exec(node, &grep);
        found.push_str(&String::from_utf8_lossy(&out.stdout));
    }
    found
}

#[test]
fn after_deploy_all_its_token_is_gone_and_no_token_is_at_rest_on_a_host() {
    let Some(lab) = Lab::builder().control("masternode").worker("w1").start() else {
        return;
    };
    deploy()
        .on(&lab)
        .limit(LIMIT)
        .args(["all", "--yes"])
        .status(0)
        .run();
    let issued = issued_tokens(&lab);
    // kubeadm init's own, then the one deploy made for the join.
    assert_eq!(issued.len(), 2, "{issued:?}");
    assert_eq!(
        listed_tokens(&lab),
        issued[..1],
        "deploy's token is still listed"
    );
    // kubeadm init's own expires within the quarter hour, not in a day.
    let list = lab.exec("masternode", &["kubeadm", "token", "list"]);
    let list = String::from_utf8_lossy(&list.stdout);
    let ttl = list
        .lines()
        .nth(1)
        .and_then(|line| line.split_whitespace().nth(1));
    assert!(matches!(ttl, Some("14m") | Some("15m")), "{list}");
    for node in ["masternode", "w1"] {
        let found = tokens_at_rest(&lab, node);
        assert!(found.is_empty(), "a token in clear on {node}: {found}");
    }
    let out = lab.exec(
        "masternode",
        &["cat", "/var/lib/deploy/jobs/kubeadm-init/out"],
    );
    let out = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.contains("[bootstrap-token] Using token: ******"),
        "{out}"
    );
}

#[test]
fn deploy_join_deletes_its_token_whether_the_join_fails_or_not() {
    let Some(lab) = cluster(&[("w1", &[])]) else {
        return;
    };
    let before = listed_tokens(&lab);
    let fail = Scenario::JoinFail {
        code: 1,
        stderr: String::new(),
    };
    lab.set_scenario("w1", &fail);
    join(&lab).status(1).run();
    assert_eq!(listed_tokens(&lab), before, "after a failed join");
    lab.clear_scenario("w1", &fail);
    join(&lab).status(0).run();
    assert_eq!(listed_tokens(&lab), before, "after a join");
    assert_eq!(issued_tokens(&lab).len(), 3);
    let found = tokens_at_rest(&lab, "w1");
    assert!(found.is_empty(), "a token in clear on w1: {found}");
}

#[test]
fn a_join_left_running_keeps_its_token_which_expires_soon() {
    let Some(lab) = cluster(&[("w1", &[])]) else {
        return;
    };
    lab.set_scenario("w1", &Scenario::JoinDelay(Duration::from_secs(8)));
    let running = join(&lab)
        .args(["--join-timeout", "30s"])
        .status(130)
        .stderr_has("the join keeps running on these hosts: w1")
        .stderr_has("join token ")
        .stderr_has(" kept for the joins that may still be running; it expires at ")
        .spawn();
    wait_for_the_join(&lab, "w1");
    // SAFETY: kill(2) on our own child.
    unsafe { libc::kill(running.pid() as i32, libc::SIGINT) };
    running.finish();
    let out = lab.exec("masternode", &["kubeadm", "token", "list"]);
    let list = String::from_utf8_lossy(&out.stdout);
    let ours = list
        .lines()
        .find(|line| line.contains("made by deploy to join workers"))
        .unwrap_or_else(|| panic!("deploy's token is not listed:\n{list}"));
    // 30 s of join timeout and a minute: listed as a minute or less.
    let ttl = ours.split_whitespace().nth(1).unwrap();
    assert!(ttl == "1m" || ttl.ends_with('s'), "{ours}");
}

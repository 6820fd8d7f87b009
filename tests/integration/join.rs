//! `deploy join` against the lab, over real SSH: the incident's scenarios,
//! failing fast, resuming, and secrets that never show.

use std::time::Duration;

use crate::support::lab::{Lab, cluster};
use crate::support::run::{self, Deploy, Run, deploy, wait_for};
use crate::support::scenario::Scenario;

const LIMIT: Duration = Duration::from_secs(90);

fn joined(lab: &Lab, worker: &str) -> bool {
    lab.node_path(worker, "/etc/kubernetes/kubelet.conf")
        .exists()
}

/// `deploy join` on `lab`.
fn join(lab: &Lab) -> Deploy {
    deploy().on(lab).limit(LIMIT).arg("join")
}

/// Waits until `deploy join` has started the join on `worker`.
fn wait_for_the_join(lab: &Lab, worker: &str) {
    let what = format!("the join to start on {worker}");
    wait_for(&what, Duration::from_secs(20), || {
        let pid = "/var/lib/deploy/jobs/kubeadm-join/pid";
        lab.exec(worker, &["test", "-s", pid]).status.success()
    });
}

/// The summary line of `host`.
fn result_of<'a>(run: &'a Run, host: &str) -> &'a str {
    run.stdout
        .lines()
        .find(|line| line.split_whitespace().next() == Some(host))
        .unwrap_or_else(|| panic!("no summary line for {host}:\n{}", run.stdout))
}

#[test]
fn a_normal_join_is_reported_as_soon_as_kubelet_conf_appears() {
    let Some(lab) = cluster(&[("w1", &[]), ("w2", &[])]) else {
        return;
    };
    lab.set_scenario("w1", &Scenario::JoinDelay(Duration::from_secs(2)));
    let run = join(&lab)
        .status(0)
        .stderr_has("Z  w1  joining [kubelet-start]")
        .stderr_has("  w1  joined in ")
        .run();
    assert!(joined(&lab, "w1") && joined(&lab, "w2"));
    assert!(result_of(&run, "w1").contains("joined"), "{}", run.stdout);
    // 2 s of join, plus connecting and the watch loop's 0.2 s polls.
    assert!(run.took < Duration::from_secs(8), "took {:?}", run.took);
    // Not a terminal: plain timestamped lines, no escape codes.
    assert!(!run.all().contains('\u{1b}'), "{}", run.stderr);
}

#[test]
fn kubeadm_not_found_on_a_worker_fails_within_seconds_with_exit_code_127() {
    let Some(lab) = cluster(&[("w1", &["no-kubeadm"])]) else {
        return;
    };
    // Preflight catches it first, changing nothing.
    join(&lab).status(1).stderr_has("worker.kubeadm").run();
    let job = lab.exec("w1", &["test", "-e", "/var/lib/deploy/jobs/kubeadm-join"]);
    assert!(
        !job.status.success(),
        "preflight failed, yet a join was started"
    );

    let block = "Worker node join command failed!\nExit code: 127\nError: /bin/sh: 1: kubeadm: not found\n\n\
                 Check the kubelet logs for more details:\njournalctl -u kubelet -n 100\n";
    let host_line = format!("w1 ({}):\n", lab.address("w1"));
    let run = join(&lab)
        .args(["--ignore-check", "all"])
        .status(1)
        .stderr_has(&format!("{host_line}{block}"))
        .run();
    assert!(run.took < Duration::from_secs(10), "took {:?}", run.took);
    assert!(result_of(&run, "w1").contains("failed: exit code 127"));
}

#[test]
fn kubeadms_own_join_error_fails_within_seconds() {
    let Some(lab) = cluster(&[("w1", &[])]) else {
        return;
    };
    let error = "error execution phase preflight: couldn't validate the identity of the API Server: \
                 Get \"https://127.0.0.1:6443/api\": dial tcp: connect: connection refused";
    lab.set_scenario(
        "w1",
        &Scenario::JoinFail {
            code: 1,
            stderr: error.into(),
        },
    );
    let run = join(&lab)
        .status(1)
        .stderr_has(&format!("Exit code: 1\nError: {error}"))
        .run();
    assert!(run.took < Duration::from_secs(10), "took {:?}", run.took);
    assert!(!joined(&lab, "w1"));
}

#[test]
fn a_hanging_join_times_out_with_the_documented_block_and_is_left_running() {
    let Some(lab) = cluster(&[("w1", &[])]) else {
        return;
    };
    lab.set_scenario("w1", &Scenario::JoinHang);
    let mut hang = join(&lab).args(["--join-timeout", "5s"]).status(1);
    let endpoint = format!("{}:6443", lab.address("masternode"));
    for line in [
        "Timed out waiting for /etc/kubernetes/kubelet.conf to appear after 5 seconds.",
        "The kubeadm join command status:\n- Finished: false\n- Failed: false\n- RC: N/A\n",
        "1. The join command is still running and needs more time",
        "4. The control plane is not ready to accept new nodes",
        &format!("3. Check control plane connectivity: curl -k https://{endpoint}/healthz"),
        "4. Check if join command is still running: ps aux | grep kubeadm",
        "The join was left running on w1",
    ] {
        hang = hang.stderr_has(line);
    }
    let run = hang.run();
    assert!(
        run.took >= Duration::from_secs(5) && run.took < Duration::from_secs(15),
        "took {:?}",
        run.took
    );
    let alive = lab.exec(
        "w1",
        &[
            "sh",
            "-c",
            "kill -0 \"$(cat /var/lib/deploy/jobs/kubeadm-join/pid)\"",
        ],
    );
    assert!(alive.status.success(), "the join should still run on w1");
}

#[test]
fn kubeadm_missing_on_the_control_plane_stops_in_preflight_changing_nothing() {
    let Some(lab) = Lab::builder()
        .control("masternode")
        .option("masternode", "no-kubeadm")
        .worker("w1")
        .start()
    else {
        return;
    };
    let before = lab.snapshot();
    let who = format!("masternode ({})", lab.address("masternode"));
    let run = join(&lab)
        .status(1)
        .stderr_has("control-plane.kubeadm")
        .stderr_has(&who)
        .stderr_has("apt-get install -y kubelet kubeadm kubectl")
        .run();
    assert!(run.took < Duration::from_secs(5), "took {:?}", run.took);
    assert_eq!(lab.snapshot(), before, "a host changed");
}

/// w1 … w5, with kubeadm missing on w2.
fn five_workers() -> Option<Lab> {
    cluster(&[
        ("w1", &[]),
        ("w2", &["no-kubeadm"]),
        ("w3", &[]),
        ("w4", &[]),
        ("w5", &[]),
    ])
}

#[test]
fn five_workers_with_mixed_outcomes_stop_at_the_first_failure() {
    let Some(lab) = five_workers() else {
        return;
    };
    lab.set_scenario("w1", &Scenario::JoinDelay(Duration::from_secs(3)));
    let run = deploy()
        .on(&lab)
        .limit(LIMIT)
        .args(["--forks", "2", "join", "--ignore-check", "worker.kubeadm"])
        .status(1)
        .run();
    assert!(
        result_of(&run, "w1").contains("joined"),
        "w1 was running: watched to its end\n{}",
        run.stdout
    );
    assert!(result_of(&run, "w2").contains("failed: exit code 127"));
    for worker in ["w3", "w4", "w5"] {
        assert!(
            result_of(&run, worker).contains("not started"),
            "{}",
            run.stdout
        );
        assert!(!joined(&lab, worker));
    }
}

#[test]
fn keep_going_joins_the_rest_after_failures() {
    let Some(lab) = five_workers() else {
        return;
    };
    lab.set_scenario(
        "w3",
        &Scenario::JoinFail {
            code: 1,
            stderr: "error execution phase kubelet-start: timed out".into(),
        },
    );
    let args = [
        "--forks",
        "2",
        "join",
        "--keep-going",
        "--ignore-check",
        "worker.kubeadm",
    ];
    let run = deploy().on(&lab).limit(LIMIT).args(args).status(1).run();
    assert!(result_of(&run, "w2").contains("failed: exit code 127"));
    assert!(result_of(&run, "w3").contains("failed: exit code 1"));
    for worker in ["w1", "w4", "w5"] {
        assert!(result_of(&run, worker).contains("joined"), "{}", run.stdout);
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(run::log_dir(&lab).join("summary.json")).unwrap())
            .unwrap();
    assert_eq!(summary["result"], "failed");
    let workers = summary["phases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|phase| phase["phase"] == "workers")
        .unwrap();
    assert_eq!(workers["hosts"][2]["detail"], "exit code 1");
}

#[test]
fn a_second_run_after_success_changes_nothing() {
    let Some(lab) = cluster(&[("w1", &[]), ("w2", &[])]) else {
        return;
    };
    join(&lab).status(0).run();
    let before = lab.snapshot();
    let again = join(&lab).status(0).run();
    assert_eq!(lab.snapshot(), before);
    assert!(result_of(&again, "w1").contains("already joined"));
    assert!(result_of(&again, "w2").contains("already joined"));
    assert!(
        again.took < Duration::from_secs(10),
        "took {:?}",
        again.took
    );
}

#[test]
fn ctrl_c_leaves_the_join_running_and_the_next_run_attaches_to_it() {
    let Some(lab) = cluster(&[("w1", &[])]) else {
        return;
    };
    // Long enough that it still runs when the second `deploy join` comes to
    // attach, on a loaded machine too.
    lab.set_scenario("w1", &Scenario::JoinDelay(Duration::from_secs(8)));
    let running = join(&lab)
        .status(130)
        .stderr_has("the join keeps running on these hosts: w1")
        .spawn();
    wait_for_the_join(&lab, "w1");
    // SAFETY: kill(2) on our own child.
    unsafe { libc::kill(running.pid() as i32, libc::SIGINT) };
    let run = running.finish();
    assert!(
        result_of(&run, "w1").contains("left running"),
        "{}",
        run.stdout
    );
    let key = lab.dir().join("id_ed25519");
    let leftover = std::process::Command::new("pgrep")
        .arg("-f")
        .arg(key)
        .output()
        .unwrap();
    assert!(
        leftover.stdout.is_empty(),
        "ssh processes left: {}",
        String::from_utf8_lossy(&leftover.stdout)
    );

    let again = join(&lab).status(0).run();
    assert!(result_of(&again, "w1").contains("joined"));
    let log = std::fs::read_to_string(run::log_dir(&lab).join("w1.log")).unwrap();
    assert!(
        log.contains("attached to the job already running there"),
        "{log}"
    );
}

#[test]
fn a_join_survives_sshd_restarting_and_the_connection_dropping() {
    let Some(lab) = cluster(&[("w1", &[])]) else {
        return;
    };
    lab.set_scenario("w1", &Scenario::JoinDelay(Duration::from_secs(5)));
    let running = join(&lab).status(0).stderr_has("reconnecting").spawn();
    wait_for_the_join(&lab, "w1");
    lab.restart_sshd("w1");
    // Then what a restart with KillMode=control-group does: every session goes.
    lab.exec("w1", &["pkill", "-f", "^sshd: root"]);
    let run = running.finish();
    assert!(result_of(&run, "w1").contains("joined"), "{}", run.stdout);
}

#[test]
fn the_token_never_shows_in_output_logs_or_on_the_worker() {
    let Some(lab) = cluster(&[("w1", &[])]) else {
        return;
    };
    lab.set_scenario("w1", &Scenario::JoinDelay(Duration::from_secs(3)));
    let started = std::time::Instant::now();
    let mut running = deploy()
        .on(&lab)
        .limit(LIMIT)
        .args(["-v", "join"])
        .status(0)
        .spawn();
    let mut process_lists = String::new();
    let mut job_files = String::new();
    while running.is_running() && started.elapsed() < LIMIT {
        let ps = lab.exec("w1", &["ps", "-eo", "args"]);
        process_lists.push_str(&String::from_utf8_lossy(&ps.stdout));
        let files = ["sh", "-c", "cat /var/lib/deploy/jobs/*/* 2>/dev/null"];
        job_files.push_str(&String::from_utf8_lossy(&lab.exec("w1", &files).stdout));
        std::thread::sleep(Duration::from_millis(100));
    }
    let run = running.finish();
    assert!(
        process_lists.contains("kubeadm join"),
        "the join was never seen running:\n{process_lists}"
    );
    // Every token the cluster ever issued, deploy's (deleted by now) too.
    let tokens = std::fs::read_to_string(lab.dir().join("cluster/issued")).unwrap();
    let mut logs = String::new();
    for entry in std::fs::read_dir(run::log_dir(&lab)).unwrap() {
        logs.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    assert!(
        job_files.contains("kubeadm join"),
        "the job's files were never read:\n{job_files}"
    );
    for token in tokens.lines() {
        let secret = token.trim().split('.').nth(1).unwrap().to_string();
        assert!(!run.all().contains(&secret), "token in output");
        assert!(!logs.contains(&secret), "token in a log file");
        assert!(
            !process_lists.contains(&secret),
            "token in the worker's process list"
        );
        assert!(
            !job_files.contains(&secret),
            "token in the worker's job files"
        );
    }
}

#[test]
fn a_join_that_cannot_start_says_why_once_with_the_fix() {
    let Some(lab) = cluster(&[("w1", &["sudo-password"])]) else {
        return;
    };
    // Preflight warns (host.sudo, ignored); the join then cannot start.
    let run = join(&lab).args(["--ignore-check", "all"]).status(1).run();
    let why = "sudo asks deployer for a password to become root";
    let block = format!("w1 ({}):\nw1: starting job kubeadm-join", lab.address("w1"));
    assert!(run.stderr.contains(&block), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "{why}\nfix: give deploy deployer's password on the host"
        )),
        "{}",
        run.stderr
    );
    assert!(result_of(&run, "w1").contains("failed: the join could not be started or watched"));
    assert!(!joined(&lab, "w1"));
}

#[test]
fn a_join_that_failed_after_writing_kubelet_conf_is_reset_and_joined_again() {
    let Some(lab) = cluster(&[("w1", &[])]) else {
        return;
    };
    let late = Scenario::JoinLateFail {
        code: 1,
        stderr: String::new(),
    };
    lab.set_scenario("w1", &late);
    let first = join(&lab)
        .status(1)
        .stderr_has("Worker node join command failed!\nExit code: 1\n")
        .run();
    assert!(result_of(&first, "w1").contains("failed: exit code 1"));
    assert!(joined(&lab, "w1"), "the failed join left no kubelet.conf");

    // kubelet.conf is there, but the recorded exit code says the join failed.
    deploy()
        .on(&lab)
        .args(["check", "--output", "json"])
        .stdout_has("w1 (")
        .stdout_has("not joined: the earlier join failed with exit code 1")
        .run();
    deploy()
        .on(&lab)
        .args(["--check", "join"])
        .stdout_has("w1: kubeadm reset -f (the earlier join failed with exit code 1)")
        .run();

    lab.clear_scenario("w1", &late);
    let again = join(&lab)
        .status(0)
        .stderr_has("w1: the earlier join failed with exit code 1 at ")
        .stderr_has(": kubeadm reset -f, then joining again")
        .stderr_has("  w1  joined in ")
        .run();
    assert!(!again.stderr.contains("already joined"), "{}", again.stderr);
    let rc = lab.exec("w1", &["cat", "/var/lib/deploy/jobs/kubeadm-join/rc"]);
    assert_eq!(String::from_utf8_lossy(&rc.stdout).trim(), "0");
    let resets = lab.exec("w1", &["cat", "/var/lib/lab/kubeadm-reset.calls"]);
    assert_eq!(
        String::from_utf8_lossy(&resets.stdout).trim(),
        "-f --cri-socket unix:///run/containerd/containerd.sock",
        "the reset before joining again is given the host's runtime socket"
    );
    // The third run finds it joined.
    join(&lab).status(0).stderr_has("already joined").run();
}

#[test]
fn a_second_deploy_on_a_busy_cluster_stops_at_once_naming_the_first() {
    let Some(lab) = cluster(&[("w1", &[])]) else {
        return;
    };
    lab.set_scenario("w1", &Scenario::JoinDelay(Duration::from_secs(4)));
    let first = join(&lab).spawn();
    wait_for_the_join(&lab, "w1");
    let holder = format!("pid {}, `deploy join`, since ", first.pid());
    let second = join(&lab)
        .status(2)
        .stderr_has("deploy: error: another deploy is working on the cluster of ")
        .stderr_has(&holder)
        .stderr_has("fix: wait for it to end")
        .run();
    assert!(
        second.took < Duration::from_secs(5),
        "took {:?}",
        second.took
    );
    // Looking changes nothing, so it is allowed meanwhile.
    deploy().on(&lab).args(["--check", "join"]).run();
    first.finish();
    // Once the first has ended, the cluster is free again.
    join(&lab).stderr_has("already joined").run();
}

#[test]
fn a_join_before_any_init_says_so_with_kubeadms_words_and_the_fix() {
    let Some(lab) = Lab::builder().control("masternode").worker("w1").start() else {
        return;
    };
    join(&lab)
        .status(1)
        .stderr_has("failed to load admin kubeconfig: open /etc/kubernetes/admin.conf")
        .stderr_has("fix: the control plane is not initialised: run `deploy all`")
        .run();
    assert!(!joined(&lab, "w1"));
}

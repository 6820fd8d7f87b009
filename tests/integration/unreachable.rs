//! A worker that stops answering in the middle of its join, against the
//! lab: its sshd killed, or frozen with SIGSTOP. `deploy` cannot know how
//! the join went there, and says so: since when the host is unreachable,
//! and that a rerun once it answers will find out.

use std::time::Duration;

use crate::support::lab::{Lab, cluster};
use crate::support::run::{Deploy, Run, deploy, wait_for};
use crate::support::scenario::Scenario;

const LIMIT: Duration = Duration::from_secs(90);

fn join(lab: &Lab) -> Deploy {
    deploy().on(lab).limit(LIMIT).arg("join")
}

fn wait_for_the_join(lab: &Lab, worker: &str) {
    wait_for("the join to start", Duration::from_secs(20), || {
        let pid = "/var/lib/deploy/jobs/kubeadm-join/pid";
        lab.exec(worker, &["test", "-s", pid]).status.success()
    });
}

/// `deploy join` with a short join timeout, with `stop` done to w1's sshd
/// once its join has started; the run must say w1 became unreachable.
fn join_losing_w1(lab: &Lab, stop: &[&str]) -> Run {
    let running = join(lab)
        .args(["--join-timeout", "12s"])
        .status(1)
        .stderr_has(&format!("w1 ({}):\n", lab.address("w1")))
        .stderr_has("w1 has been unreachable since ")
        .stderr_has("the state of the join there is unknown")
        .stderr_has("fix: once w1 answers again, run `deploy join` again: it finds out whether the join finished")
        .spawn();
    wait_for_the_join(lab, "w1");
    let stopped = lab.exec("w1", stop);
    assert!(stopped.status.success(), "{stopped:?}");
    let run = running.finish();
    assert!(!run.stderr.contains("Finished: false"), "{}", run.stderr);
    let line = run
        .stdout
        .lines()
        .find(|line| line.starts_with("w1"))
        .unwrap_or_else(|| panic!("no summary line for w1:\n{}", run.stdout));
    assert!(line.contains("unreachable"), "{line}");
    // Decided at the join timeout, and not held up by the lost connection.
    assert!(run.took < Duration::from_secs(25), "took {:?}", run.took);
    run
}

#[test]
fn a_worker_whose_sshd_dies_mid_join_is_unreachable_and_a_rerun_finds_it_joined() {
    let Some(lab) = cluster(&[("w1", &[])]) else {
        return;
    };
    // The join goes on without sshd, and succeeds.
    lab.set_scenario("w1", &Scenario::JoinDelay(Duration::from_secs(4)));
    join_losing_w1(&lab, &["pkill", "-KILL", "sshd"]);
    lab.restart_sshd("w1");
    let again = join(&lab).status(0).run();
    let line = again.stdout.lines().find(|line| line.starts_with("w1"));
    assert!(
        line.is_some_and(|line| line.contains("joined")),
        "{}",
        again.stdout
    );
}

#[test]
fn a_worker_whose_sshd_is_frozen_mid_join_is_unreachable() {
    let Some(lab) = cluster(&[("w1", &[])]) else {
        return;
    };
    lab.set_scenario("w1", &Scenario::JoinDelay(Duration::from_secs(4)));
    join_losing_w1(&lab, &["pkill", "-STOP", "sshd"]);
    lab.exec("w1", &["pkill", "-CONT", "sshd"]);
}

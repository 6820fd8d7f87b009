//! `deploy all --with-rke2`: the kubeadm and RKE2 chains side by side after
//! preflight, seen in the lab's own timestamps of the jobs; a failure in
//! either halting the other's new steps; Ctrl-C stopping both.

use std::time::Duration;

use crate::support::lab::Lab;
use crate::support::run::{self, Deploy, deploy, wait_for};
use crate::support::scenario::Scenario;

const LIMIT: Duration = Duration::from_secs(120);

fn all(lab: &Lab) -> Deploy {
    deploy()
        .on(lab)
        .limit(LIMIT)
        .args(["all", "--with-rke2", "--yes"])
}

/// A control plane, two workers whose joins take `join` and an RKE2 host
/// whose rke2-server takes `rke2` to start.
fn slow_lab(join: Duration, rke2: Duration) -> Option<Lab> {
    let lab = Lab::builder()
        .control("masternode")
        .worker("w1")
        .worker("w2")
        .rke2("homelab")
        .start()?;
    for worker in ["w1", "w2"] {
        lab.set_scenario(worker, &Scenario::JoinDelay(join));
    }
    lab.set_scenario("homelab", &Scenario::Rke2Delay(rke2));
    Some(lab)
}

/// When `job` began and ended on `node`, in seconds since the epoch, from
/// the job's own files there.
fn span(lab: &Lab, node: &str, job: &str) -> (u64, u64) {
    let dir = format!("/var/lib/deploy/jobs/{job}");
    let script = format!("date -d \"$(cat {dir}/started-at)\" +%s; stat -c %Y {dir}/rc");
    let out = lab.exec(node, &["sh", "-c", &script]);
    let text = String::from_utf8_lossy(&out.stdout);
    let times: Vec<u64> = text.lines().filter_map(|line| line.parse().ok()).collect();
    assert_eq!(times.len(), 2, "{job} on {node}: {text:?} {out:?}");
    (times[0], times[1])
}

fn joined(lab: &Lab, worker: &str) -> bool {
    lab.node_path(worker, "/etc/kubernetes/kubelet.conf")
        .exists()
}

#[test]
fn the_two_chains_overlap_and_the_table_names_each_phases_chain() {
    let secs = Duration::from_secs;
    let Some(lab) = slow_lab(secs(5), secs(5)) else {
        return;
    };
    let run = all(&lab)
        .stderr_has("the kubeadm and rke2 chains run side by side from here")
        .run();
    let (join_start, join_end) = span(&lab, "w2", "kubeadm-join");
    let (rke2_start, rke2_end) = span(&lab, "homelab", "rke2-server-start");
    assert!(
        rke2_start < join_end && join_start < rke2_end,
        "no overlap: join {join_start}..{join_end}, rke2-server {rke2_start}..{rke2_end}"
    );
    assert!(run.row("workers").contains(" kubeadm "), "{}", run.stdout);
    assert!(run.row("RKE2").contains(" rke2 "), "{}", run.stdout);
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(run::log_dir(&lab).join("summary.json")).unwrap())
            .unwrap();
    let chains: Vec<(&str, Option<&str>)> = summary["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|phase| (phase["phase"].as_str().unwrap(), phase["chain"].as_str()))
        .collect();
    assert_eq!(chains.first(), Some(&("preflight", None)), "{chains:?}");
    assert!(chains.contains(&("RKE2", Some("rke2"))), "{chains:?}");
    assert!(chains.contains(&("workers", Some("kubeadm"))), "{chains:?}");

    // The plan shows the chains, and a second run changes nothing.
    deploy()
        .on(&lab)
        .args(["--check", "all", "--with-rke2"])
        .stdout_has("after preflight, side by side:")
        .stdout_has("rke2     RKE2")
        .run();
    let before = lab.snapshot();
    all(&lab).run();
    assert_eq!(lab.snapshot(), before, "the second run changed a host");
}

#[test]
fn a_failing_rke2_server_halts_the_kubeadm_chains_new_joins() {
    let Some(lab) = slow_lab(Duration::from_secs(6), Duration::from_secs(1)) else {
        return;
    };
    lab.set_scenario("homelab", &Scenario::Rke2Fail(None));
    let run = all(&lab)
        .args(["--forks", "1"])
        .status(1)
        .stderr_has("journalctl -u rke2-server -n 100")
        .run();
    assert!(!joined(&lab, "w2"), "w2 joined after the RKE2 chain failed");
    assert!(
        run.row("validation")
            .contains("not started: the other chain failed"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_failing_init_halts_the_rke2_chain_after_its_running_step() {
    let Some(lab) = slow_lab(Duration::from_secs(1), Duration::from_secs(6)) else {
        return;
    };
    lab.set_scenario(
        "masternode",
        &Scenario::InitFail {
            code: 1,
            stderr: String::new(),
        },
    );
    let run = all(&lab)
        .status(1)
        .stderr_has("stopped: the other chain of phases failed")
        .run();
    // The error that stopped the run is init's, said first.
    let error = run
        .stderr
        .lines()
        .find(|line| line.starts_with("deploy: error:"))
        .unwrap_or_default();
    assert!(error.contains("control plane"), "{}", run.stderr);
    assert!(
        run.row("RKE2").contains("stopped: the other chain failed"),
        "{}",
        run.stdout
    );
    assert!(
        !run::log_dir(&lab)
            .join("homelab-rke2-kubeconfig.yaml")
            .exists(),
        "the RKE2 chain went on after the kubeadm chain failed"
    );
}

#[test]
fn ctrl_c_stops_both_chains_and_a_rerun_finishes_them() {
    let secs = Duration::from_secs;
    let Some(lab) = slow_lab(secs(8), secs(8)) else {
        return;
    };
    let running = all(&lab).status(130).spawn();
    wait_for("both chains' steps to run", secs(60), || {
        let pid = |node: &str, job: &str| {
            let path = format!("/var/lib/deploy/jobs/{job}/pid");
            lab.exec(node, &["test", "-s", &path]).status.success()
        };
        pid("w1", "kubeadm-join") && pid("homelab", "rke2-server-start")
    });
    // SAFETY: kill(2) on our own child.
    unsafe { libc::kill(running.pid() as i32, libc::SIGINT) };
    let stopped = running.finish();
    assert!(stopped.took < LIMIT, "{:?}", stopped.took);
    all(&lab).run();
    assert!(joined(&lab, "w1") && joined(&lab, "w2"));
    assert!(
        run::log_dir(&lab)
            .join("homelab-rke2-kubeconfig.yaml")
            .exists()
    );
}

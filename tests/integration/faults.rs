//! The fault suite: `deploy` under the faults and races a hostile
//! environment brings, each asserted on what the hosts were left with, not
//! only on what was said.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::lab::{Lab, cluster};
use crate::support::run::{self, Deploy, deploy, wait_for};
use crate::support::scenario::Scenario;

const LIMIT: Duration = Duration::from_secs(90);

/// `deploy -i INVENTORY ... join`, logging under `logs`.
fn join_with(inventory: &Path, logs: &Path) -> Deploy {
    deploy()
        .args(["-i".as_ref(), inventory.as_os_str()])
        .args(["--log-dir".as_ref(), logs.as_os_str()])
        .args(["--connect-timeout", "20s", "join"])
        .limit(LIMIT)
}

/// A copy of the lab's inventory at `name` in the lab's directory, with
/// `edit` applied to its text: a second path is a second cluster to the
/// local lock, so only the hosts can keep two runs apart.
fn inventory_copy(lab: &Lab, name: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let path = lab.dir().join(name);
    let text = fs::read_to_string(lab.inventory()).unwrap();
    fs::write(&path, edit(text)).unwrap();
    path
}

fn text_on(lab: &Lab, node: &str, path: &str) -> String {
    let out = lab.exec(node, &["cat", path]);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Sends `signal` to the process `pid` (our own child).
fn send(pid: u32, signal: i32) {
    // SAFETY: kill(2) on a child this test started.
    unsafe { libc::kill(pid as i32, signal) };
}

/// Local processes whose command line names this lab's key: ssh clients
/// and masters of the lab's deploy runs, and nothing of anyone else's.
fn ssh_processes_of(lab: &Lab) -> String {
    let out = std::process::Command::new("pgrep")
        .arg("-af")
        .arg(lab.dir().join("id_ed25519"))
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn two_deploys_racing_on_a_slow_worker_start_one_join() {
    let Some(lab) = cluster(&[("w1", &["slow"])]) else {
        return;
    };
    lab.set_scenario("w1", &Scenario::JoinDelay(Duration::from_secs(2)));
    let second = inventory_copy(&lab, "second.yml", |text| text);
    let (logs_a, logs_b) = (lab.dir().join("logs-a"), lab.dir().join("logs-b"));
    for round in 0..3 {
        let a = join_with(&lab.inventory(), &logs_a).spawn();
        let b = join_with(&second, &logs_b).spawn();
        let (a, b) = (a.finish(), b.finish());
        let starts = text_on(&lab, "w1", "/var/lib/lab/kubeadm-join.starts");
        assert_eq!(
            starts.lines().count(),
            1,
            "round {round}: kubeadm join started by {starts:?}\n{}\n{}",
            a.stderr,
            b.stderr
        );
        // Both runs end with the worker joined, whichever started it.
        for run in [&a, &b] {
            assert!(
                run.stdout.contains("joined"),
                "round {round}: {}",
                run.stdout
            );
        }
        let reset = "kubeadm reset -f >/dev/null && rm -rf /var/lib/deploy/jobs/kubeadm-join \
                     /var/lib/lab/kubeadm-join.starts";
        assert!(lab.exec("w1", &["sh", "-c", reset]).status.success());
    }
}

#[test]
fn a_changed_host_key_stops_preflight_even_with_strict_checking_off() {
    let Some(lab) = cluster(&[("w1", &[]), ("w2", &[])]) else {
        return;
    };
    // w1's recorded key is replaced by another one; the inventory turns
    // checking off, as the user's own does.
    let other = fs::read_to_string(lab.dir().join("id_ed25519.pub")).unwrap();
    let other: Vec<&str> = other.split_whitespace().take(2).collect();
    let known = fs::read_to_string(lab.dir().join("known_hosts")).unwrap();
    let w1 = format!("[{}]:2222 ", lab.address("w1"));
    let changed: String = known
        .lines()
        .map(|line| match line.starts_with(&w1) {
            true => format!("{w1}{}\n", other.join(" ")),
            false => format!("{line}\n"),
        })
        .collect();
    fs::write(lab.dir().join("known_hosts_changed"), changed).unwrap();
    let inventory = inventory_copy(&lab, "lax.yml", |text| {
        text.replace(
            "known_hosts -o StrictHostKeyChecking=yes",
            "known_hosts_changed -o StrictHostKeyChecking=no",
        )
    });
    let before = lab.snapshot();

    let report = deploy()
        .args(["-i".as_ref(), inventory.as_os_str()])
        .args(["check", "--output", "json"])
        .status(1)
        .run()
        .json();
    let findings = report["checks"].as_array().unwrap();
    let on = |id: &str, host: &str| {
        findings
            .iter()
            .find(|f| f["id"] == id && f["host"] == host)
            .unwrap_or_else(|| panic!("no {id} on {host}: {report:#}"))
            .clone()
    };
    let reachable = on("host.reachable", "w1");
    assert_eq!(reachable["status"], "fail", "{reachable:#}");
    let message = reachable["message"].as_str().unwrap();
    assert!(message.contains("host key has CHANGED"), "{message}");
    assert!(message.contains("(it now sends SHA256:"), "{message}");
    // Every host that answered is told its checking is weakened, with the fix.
    for host in ["masternode", "w2"] {
        let keys = on("host.host-keys", host);
        assert_eq!(keys["status"], "warn", "{keys:#}");
        assert!(
            keys["hint"].as_str().unwrap().contains("accept-new"),
            "{keys:#}"
        );
    }

    join_with(&inventory, &lab.dir().join("logs"))
        .status(1)
        .stderr_has("host key has CHANGED")
        .run();
    assert_eq!(lab.snapshot(), before, "a host changed");
    assert!(!text_on(&lab, "w2", "/etc/kubernetes/kubelet.conf").contains("server"));
}

#[test]
fn sigterm_while_probing_stops_at_once_changing_nothing() {
    let Some(lab) = cluster(&[("w1", &["slow"])]) else {
        return;
    };
    // The probe's `date` on w1 waits 30 s: deploy is caught mid-probe.
    let slow = Scenario::Slow(Duration::from_secs(30));
    lab.set_scenario("w1", &slow);
    let before = lab.snapshot();
    let running = deploy()
        .on(&lab)
        .arg("join")
        .status(130)
        .limit(Duration::from_secs(20))
        .spawn();
    wait_for(
        "the probe to reach w1's date",
        Duration::from_secs(15),
        || {
            let out = lab.exec("w1", &["pgrep", "-f", "sleep 30"]);
            out.status.success()
        },
    );
    send(running.pid(), libc::SIGTERM);
    let run = running.finish();
    assert!(run.took < Duration::from_secs(15), "took {:?}", run.took);
    assert!(run.stderr.contains("stopped"), "{}", run.stderr);
    assert!(
        ssh_processes_of(&lab).is_empty(),
        "{}",
        ssh_processes_of(&lab)
    );
    assert_eq!(lab.snapshot(), before, "a host changed");
    lab.clear_scenario("w1", &slow);
}

#[test]
fn sigterm_while_joining_leaves_the_join_running_and_a_rerun_attaches() {
    let Some(lab) = cluster(&[("w1", &[])]) else {
        return;
    };
    lab.set_scenario("w1", &Scenario::JoinDelay(Duration::from_secs(8)));
    let running = deploy()
        .on(&lab)
        .arg("join")
        .limit(LIMIT)
        .status(130)
        .stderr_has("the join keeps running on these hosts: w1")
        .spawn();
    wait_for("the join to start on w1", Duration::from_secs(20), || {
        let pid = "/var/lib/deploy/jobs/kubeadm-join/pid";
        lab.exec("w1", &["test", "-s", pid]).status.success()
    });
    send(running.pid(), libc::SIGTERM);
    let run = running.finish();
    assert!(run.took < LIMIT, "took {:?}", run.took);
    assert!(
        ssh_processes_of(&lab).is_empty(),
        "{}",
        ssh_processes_of(&lab)
    );

    deploy().on(&lab).arg("join").limit(LIMIT).status(0).run();
    let log = fs::read_to_string(run::log_dir(&lab).join("w1.log")).unwrap();
    assert!(
        log.contains("attached to the job already running there"),
        "{log}"
    );
    let starts = text_on(&lab, "w1", "/var/lib/lab/kubeadm-join.starts");
    assert_eq!(starts.lines().count(), 1, "{starts}");
}

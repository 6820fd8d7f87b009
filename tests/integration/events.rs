//! `--output jsonl` against the lab, over real SSH: every line of stdout is
//! one event as `deploy::events::schema` (the README's table) has it,
//! through a whole `deploy all --with-rke2`, a failed join, Ctrl-C and a
//! join that stalls.

use std::time::Duration;

use deploy::events::schema::{COMMON, EVENTS, VERSION};
use serde_json::Value;

use crate::support::lab::{Lab, cluster};
use crate::support::run::{self, Run, deploy, wait_for};
use crate::support::scenario::Scenario;

const LIMIT: Duration = Duration::from_secs(120);

/// Every line of stdout as an event, each checked against the schema.
#[track_caller]
pub fn events_of(run: &Run) -> Vec<Value> {
    assert!(run.stdout.ends_with('\n'), "{:?}", run.stdout);
    run.stdout.lines().map(valid).collect()
}

#[track_caller]
fn valid(line: &str) -> Value {
    let value: Value =
        serde_json::from_str(line).unwrap_or_else(|err| panic!("not JSON ({err}): {line}"));
    let object = value.as_object().expect("an object");
    let keys: Vec<&str> = object.keys().map(String::as_str).collect();
    assert_eq!(&keys[..COMMON.len()], COMMON, "{line}");
    assert_eq!(value["schema"], VERSION, "{line}");
    let time = value["time"].as_str().expect("time");
    // RFC 3339 in UTC, with milliseconds: 2026-12-02T02:20:00.123Z.
    assert!(
        time.len() == 24 && time.ends_with('Z') && &time[19..20] == "." && &time[10..11] == "T",
        "{line}"
    );
    let name = value["event"].as_str().expect("event");
    let spec = EVENTS
        .iter()
        .find(|spec| spec.kind.name() == name)
        .unwrap_or_else(|| panic!("no such event: {line}"));
    assert_eq!(value["host"].is_string(), spec.host, "{line}");
    assert!(
        value["host"].is_string() || value["host"].is_null(),
        "{line}"
    );
    assert!(
        value["phase"].is_string() || value["phase"].is_null(),
        "{line}"
    );
    for field in spec.fields {
        assert!(object.contains_key(*field), "no {field}: {line}");
    }
    for key in &keys[COMMON.len()..] {
        assert!(
            spec.fields.contains(key) || spec.optional.contains(key),
            "{key} is no field of {name}: {line}"
        );
    }
    let details = value["details"].as_object().expect("details");
    for key in spec.details {
        assert!(details.contains_key(*key), "no details.{key}: {line}");
    }
    value
}

/// The events named `name`, about `host` where given.
fn named<'a>(events: &'a [Value], name: &str, host: Option<&str>) -> Vec<&'a Value> {
    events
        .iter()
        .filter(|event| event["event"] == name)
        .filter(|event| host.is_none_or(|host| event["host"] == host))
        .collect()
}

fn last(events: &[Value]) -> &Value {
    events.last().expect("some event")
}

fn summary(lab: &Lab) -> Value {
    let path = run::log_dir(lab).join("summary.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn a_whole_deploy_all_with_rke2_and_its_reset_are_one_valid_event_a_line() {
    let Some(lab) = Lab::builder()
        .control("masternode")
        .worker("w1")
        .rke2("homelab")
        .start()
    else {
        return;
    };
    let run = deploy()
        .on(&lab)
        .limit(LIMIT)
        .args(["all", "--with-rke2", "--yes", "--output", "jsonl"])
        .status(0)
        .stderr_has("PHASE")
        .run();
    let events = events_of(&run);
    assert_eq!(events[0]["event"], "run_started", "{}", run.stdout);
    assert_eq!(events[0]["details"]["command"], "all");
    let end = last(&events);
    assert_eq!(end["event"], "run_finished");
    assert_eq!(
        (&end["exit_code"], &end["details"]["result"]),
        (&0.into(), &"success".into())
    );
    // Each phase begins and ends; the two chains' steps each have their host.
    let started = named(&events, "phase_started", None);
    let finished = named(&events, "phase_finished", None);
    assert_eq!(started.len(), finished.len(), "{}", run.stdout);
    for phase in ["preflight", "workers", "RKE2"] {
        assert!(
            started.iter().any(|event| event["phase"] == phase),
            "no phase_started for {phase}: {}",
            run.stdout
        );
    }
    for (host, step) in [
        ("masternode", "kubeadm-init"),
        ("w1", "kubeadm-join"),
        ("homelab", "rke2-install"),
        ("homelab", "rke2-server-start"),
    ] {
        let done = named(&events, "succeeded", Some(host));
        assert!(
            done.iter().any(|event| event["details"]["step"] == step),
            "{host} {step}: {}",
            run.stdout
        );
    }
    let joined = named(&events, "succeeded", Some("w1"))[0];
    assert_eq!(joined["phase"], "workers");
    let phases = named(&events, "phase_changed", Some("w1"));
    assert!(
        phases
            .iter()
            .any(|event| event["details"]["step_phase"] == "kubelet-start"),
        "{}",
        run.stdout
    );
    // summary.json: the same schema version, the same names for outcomes.
    let summary = summary(&lab);
    assert_eq!(summary["schema"], VERSION);
    let workers = summary["phases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|phase| phase["phase"] == "workers")
        .unwrap();
    assert_eq!(workers["outcome"], "succeeded");
    assert_eq!(workers["hosts"][0]["outcome"], joined["event"]);

    let run = deploy()
        .on(&lab)
        .limit(LIMIT)
        .args(["reset", "--with-rke2", "--yes", "--output", "jsonl"])
        .status(0)
        .stderr_has("PHASE")
        .run();
    let events = events_of(&run);
    assert_eq!(events[0]["details"]["command"], "reset");
    for (host, step) in [
        ("masternode", "kubeadm-reset"),
        ("w1", "kubeadm-reset"),
        ("homelab", "rke2-uninstall"),
    ] {
        let done = named(&events, "succeeded", Some(host));
        assert!(
            done.iter().any(|event| event["details"]["step"] == step),
            "{host} {step}: {}",
            run.stdout
        );
    }
    assert_eq!(last(&events)["exit_code"], 0);
}

#[test]
fn a_failed_join_is_a_failed_event_with_its_exit_code_and_the_table_goes_to_stderr() {
    let Some(lab) = cluster(&[("w1", &[])]) else {
        return;
    };
    lab.set_scenario(
        "w1",
        &Scenario::JoinFail {
            code: 3,
            stderr: String::new(),
        },
    );
    let run = deploy()
        .on(&lab)
        .limit(LIMIT)
        .args(["join", "--output", "jsonl"])
        .status(1)
        .stderr_has("HOST  RESULT")
        .run();
    let events = events_of(&run);
    let failed = named(&events, "failed", Some("w1"));
    assert_eq!(failed.len(), 1, "{}", run.stdout);
    assert_eq!(failed[0]["exit_code"], 3);
    assert_eq!(failed[0]["phase"], "workers");
    assert_eq!(failed[0]["details"]["reason"], "exit code 3");
    // A failure no known cause explains carries none.
    assert!(failed[0].get("cause").is_none(), "{}", run.stdout);
    let end = last(&events);
    assert_eq!(
        (&end["exit_code"], &end["details"]["result"]),
        (&1.into(), &"failed".into())
    );
    let workers = &summary(&lab)["phases"][1];
    assert_eq!(workers["outcome"], "failed");
    assert_eq!(workers["hosts"][0]["outcome"], "failed");
    let finished = named(&events, "phase_finished", None);
    assert_eq!(finished.last().unwrap()["details"]["outcome"], "failed");
}

#[test]
fn a_stdout_closed_early_neither_hides_a_failure_nor_loses_summary_json() {
    // With events the table goes to stderr all the same; without, it is
    // lost with stdout, the run's code and summary.json are not.
    for (output, table) in [(&["--output", "jsonl"][..], "HOST"), (&[], "")] {
        // w1's kubelet fails to configure, once: a lab each.
        let Some(lab) = Lab::builder()
            .control("masternode")
            .worker("w1")
            .option("masternode", "fresh")
            .option("w1", "fresh")
            .option("w1", "postinst-fail")
            .start()
        else {
            return;
        };
        deploy()
            .on(&lab)
            .limit(LIMIT)
            .args(["prepare", "--yes"])
            .args(output)
            .stdout_closed()
            .status(1)
            .stderr_has(table)
            .run();
        let summary = summary(&lab);
        assert_eq!(summary["result"], "failed", "{output:?}: {summary}");
    }
}

#[test]
fn ctrl_c_is_an_interrupted_event_exit_130_and_every_line_still_valid() {
    let Some(lab) = cluster(&[("w1", &[])]) else {
        return;
    };
    lab.set_scenario("w1", &Scenario::JoinHang);
    let running = deploy()
        .on(&lab)
        .limit(LIMIT)
        .args(["join", "--output", "jsonl"])
        .status(130)
        .spawn();
    wait_for("the join to start on w1", Duration::from_secs(20), || {
        let pid = "/var/lib/deploy/jobs/kubeadm-join/pid";
        lab.exec("w1", &["test", "-s", pid]).status.success()
    });
    // SAFETY: kill(2) on our own child.
    unsafe { libc::kill(running.pid() as i32, libc::SIGINT) };
    let run = running.finish();
    let events = events_of(&run);
    assert_eq!(
        named(&events, "interrupted", None).len(),
        1,
        "{}",
        run.stdout
    );
    assert_eq!(
        named(&events, "left_running", Some("w1")).len(),
        1,
        "{}",
        run.stdout
    );
    let end = last(&events);
    assert_eq!(end["event"], "run_finished");
    assert_eq!(
        (&end["exit_code"], &end["details"]["result"]),
        (&130.into(), &"interrupted".into())
    );
}

#[test]
fn a_hanging_join_stalls_on_its_line_in_its_log_and_as_an_event_and_ends_at_its_timeout() {
    let Some(lab) = cluster(&[("w1", &[])]) else {
        return;
    };
    lab.set_scenario("w1", &Scenario::JoinHang);
    let notice = "no progress for 2s; kubelet: \"E";
    let cni = r#"\"Container runtime network not ready\" networkReady=\"NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized\"""#;
    let run = deploy()
        .on(&lab)
        .limit(LIMIT)
        .args(["join", "--join-timeout", "8s", "--stall-after", "2s"])
        .args(["--output", "jsonl"])
        .status(1)
        .stderr_has(&format!("w1  joining [kubelet-start]; {notice}"))
        .stderr_has(cni)
        .stderr_has("Timed out waiting for /etc/kubernetes/kubelet.conf to appear after 8 seconds.")
        .run();
    // The stall is information: the join still ends at its timeout.
    assert!(run.took >= Duration::from_secs(8), "took {:?}", run.took);
    let log = std::fs::read_to_string(run::log_dir(&lab).join("w1.log")).unwrap();
    assert!(log.contains(notice) && log.contains(cni), "{log}");
    assert!(
        log.contains("kubelet: E"),
        "the kubelet's line in the log: {log}"
    );
    let events = events_of(&run);
    // On a loaded machine the kubelet's line may come after a first stall
    // (which then resumes): the last stall has it.
    let stalled = named(&events, "stalled", Some("w1"));
    let stall = stalled.last().expect("a stalled event");
    assert_eq!(stall["details"]["seconds"], 2, "{}", run.stdout);
    assert_eq!(stall["details"]["unit"], "kubelet");
    let line = stall["details"]["last_line"].as_str().unwrap_or_default();
    assert!(
        line.ends_with("cni plugin not initialized\""),
        "{}",
        run.stdout
    );
    let ends: Vec<&str> = events
        .iter()
        .filter(|event| event["host"] == "w1")
        .map(|event| event["event"].as_str().unwrap())
        .collect();
    let at = |name| ends.iter().position(|event| *event == name);
    assert!(
        at("stalled") < at("timed_out") && at("timed_out").is_some(),
        "{ends:?}"
    );
    let timed_out = named(&events, "timed_out", Some("w1"))[0];
    assert_eq!(timed_out["exit_code"], Value::Null);
    // The journal's follower ended with the watch loop; the join runs on.
    let pid = "/var/lib/deploy/jobs/kubeadm-join/journal.pid";
    let followed = lab.exec("w1", &["test", "-s", pid]);
    assert!(followed.status.success(), "the journal was followed");
    let follower = "p=$(cat /var/lib/deploy/jobs/kubeadm-join/journal.pid) \
                    && grep -q journalctl /proc/$p/cmdline 2>/dev/null";
    wait_for("journalctl to end on w1", Duration::from_secs(5), || {
        !lab.exec("w1", &["sh", "-c", follower]).status.success()
    });
    let join = "kill -0 \"$(cat /var/lib/deploy/jobs/kubeadm-join/pid)\"";
    assert!(lab.exec("w1", &["sh", "-c", join]).status.success());
}

#[test]
fn a_reconnect_mid_join_reports_no_journal_line_twice_nor_a_false_resume() {
    let Some(lab) = cluster(&[("w1", &[])]) else {
        return;
    };
    lab.set_scenario("w1", &Scenario::JoinHang);
    let running = deploy()
        .on(&lab)
        .limit(LIMIT)
        .args(["join", "--join-timeout", "20s", "--stall-after", "2s"])
        .args(["--output", "jsonl"])
        .status(1)
        .spawn();
    let log_path = run::log_dir(&lab).join("w1.log");
    let log = || std::fs::read_to_string(&log_path).unwrap_or_default();
    // Stalled on the kubelet's one line, with the journal followed.
    wait_for("w1's join to stall", Duration::from_secs(30), || {
        log().contains("no progress for 2s")
    });
    let follower = "cat /var/lib/deploy/jobs/kubeadm-join/journal.pid";
    let first = lab.exec("w1", &["sh", "-c", follower]).stdout;
    lab.restart_sshd("w1");
    // What a restart with KillMode=control-group does: every session goes.
    lab.exec("w1", &["pkill", "-f", "^sshd: root"]);
    wait_for("a new watch loop on w1", Duration::from_secs(15), || {
        let now = lab.exec("w1", &["sh", "-c", follower]).stdout;
        !now.is_empty() && now != first
    });
    // Its reports of the journal: one at once, then every second.
    std::thread::sleep(Duration::from_secs(3));
    let run = running.finish();
    let log = log();
    assert!(log.contains("reconnecting"), "{log}");
    let journal = log
        .lines()
        .filter(|line| {
            line.split_once(' ')
                .is_some_and(|(_, said)| said.starts_with("kubelet: "))
        })
        .count();
    assert_eq!(journal, 1, "{log}");
    let events = events_of(&run);
    assert_eq!(
        named(&events, "resumed", Some("w1")).len(),
        0,
        "{}",
        run.stdout
    );
    assert_eq!(
        named(&events, "timed_out", Some("w1")).len(),
        1,
        "{}",
        run.stdout
    );
}

#[test]
fn prepare_says_each_host_once_whether_it_is_ready_changed_or_refused() {
    let Some(lab) = Lab::builder()
        .control("masternode")
        .worker("w1")
        .option("masternode", "fresh")
        .option("w1", "fresh")
        .start()
    else {
        return;
    };
    let prepare = |args: &[&str], status: i32| {
        let run = deploy()
            .on(&lab)
            .limit(LIMIT)
            .args(["prepare", "--yes", "--output", "jsonl"])
            .args(args)
            .status(status)
            .run();
        events_of(&run)
    };
    let outcomes = |events: &[Value], host: &str| -> Vec<String> {
        events
            .iter()
            .filter(|event| event["host"] == host)
            .filter(|event| {
                ["skipped", "succeeded", "failed"]
                    .iter()
                    .any(|end| event["event"] == *end)
            })
            .map(|event| {
                format!(
                    "{} {}",
                    event["event"].as_str().unwrap(),
                    event["phase"].as_str().unwrap()
                )
            })
            .collect()
    };
    prepare(&["-l", "masternode"], 0);
    // One ready, one to change.
    let events = prepare(&[], 0);
    assert_eq!(outcomes(&events, "masternode"), ["skipped prepare"]);
    assert_eq!(outcomes(&events, "w1"), ["succeeded prepare"]);
    // Nothing to do anywhere: the prepare phase is skipped, each host said.
    let events = prepare(&[], 0);
    for host in ["masternode", "w1"] {
        assert_eq!(outcomes(&events, host), ["skipped readiness"], "{events:?}");
        let skipped = named(&events, "skipped", Some(host))[0];
        assert_eq!(skipped["details"]["step"], "deploy-prepare");
        assert_eq!(skipped["details"]["result"], "nothing to do");
    }
    // Refused, both: failed, with no exit code, nothing having run.
    let inventory = std::fs::read_to_string(lab.inventory()).unwrap();
    let changed = inventory.replacen(
        "kubernetes_version: \"1.29\"",
        "kubernetes_version: \"1.30\"",
        1,
    );
    assert_ne!(changed, inventory);
    std::fs::write(lab.inventory(), changed).unwrap();
    let events = prepare(&[], 1);
    for host in ["masternode", "w1"] {
        assert_eq!(outcomes(&events, host), ["failed readiness"], "{events:?}");
        let failed = named(&events, "failed", Some(host))[0];
        assert_eq!(failed["exit_code"], Value::Null);
        let reason = failed["details"]["reason"].as_str().unwrap();
        assert!(reason.contains("kubernetes_version is 1.30"), "{reason}");
    }
    assert_eq!(last(&events)["exit_code"], 1);
}

#[test]
fn a_host_reset_could_not_ask_is_a_failed_event() {
    let Some(lab) = Lab::builder().control("masternode").worker("w1").start() else {
        return;
    };
    // Nothing listens on port 1 of w1's address: refused at once.
    let inventory = std::fs::read_to_string(lab.inventory()).unwrap();
    let at = format!(
        "ansible_host: {}\n      ansible_port: 2222",
        lab.address("w1")
    );
    let closed = format!("ansible_host: {}\n      ansible_port: 1", lab.address("w1"));
    assert!(inventory.contains(&at), "{inventory}");
    std::fs::write(lab.inventory(), inventory.replacen(&at, &closed, 1)).unwrap();
    let run = deploy()
        .on(&lab)
        .limit(LIMIT)
        .args(["reset", "--yes", "--output", "jsonl"])
        .status(1)
        .run();
    let events = events_of(&run);
    let failed = named(&events, "failed", Some("w1"));
    assert_eq!(failed.len(), 1, "{}", run.stdout);
    assert_eq!(failed[0]["phase"], "survey");
    assert_eq!(failed[0]["exit_code"], Value::Null);
    assert_eq!(failed[0]["details"]["step"], "kubeadm-reset");
    let reason = failed[0]["details"]["reason"].as_str().unwrap();
    assert!(reason.starts_with("w1 ("), "{reason}");
    assert!(
        named(&events, "failed", Some("masternode")).is_empty(),
        "{}",
        run.stdout
    );
}

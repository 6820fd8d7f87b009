//! A failed join or init says why, from the host's own evidence, under the
//! documented block: each known cause made to happen for real in the lab
//! (the fakes print the real tools' texts), and an unknown one.

use std::time::Duration;

use crate::support::lab::{Lab, cluster};
use crate::support::run::{Deploy, Run, deploy};
use crate::support::scenario::Scenario;

const LIMIT: Duration = Duration::from_secs(90);

fn join(lab: &Lab) -> Deploy {
    deploy().on(lab).limit(LIMIT).arg("join")
}

/// The documented block's last line, then the diagnosis right under it.
const BLOCK_END: &str = "journalctl -u kubelet -n 100\n";

/// The run failed on w1 with `cause` and `fix`, printed under the block,
/// and the same text is in w1's log.
fn said(lab: &Lab, run: &Run, cause: &str, fix: &str) {
    let under = format!("{BLOCK_END}Likely cause: {cause}");
    assert!(run.stderr.contains(&under), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("\nfix: {fix}")),
        "{}",
        run.stderr
    );
    let log = std::fs::read_to_string(crate::support::run::log_dir(lab).join("w1.log"))
        .unwrap_or_default();
    assert!(log.contains(&format!("Likely cause: {cause}")), "{log}");
}

/// A worker w1 whose join fails as `scenario` makes it, diagnosed.
fn joined_with(options: &[&str], scenario: Option<Scenario>, args: &[&str]) -> Option<(Lab, Run)> {
    let lab = cluster(&[("w1", options)])?;
    if let Some(scenario) = scenario {
        lab.set_scenario("w1", &scenario);
    }
    let run = join(&lab).args(args).status(1).run();
    Some((lab, run))
}

#[test]
fn an_expired_token_is_named_with_kubeadms_line_and_in_the_failed_event() {
    let Some((lab, run)) = joined_with(&[], Some(Scenario::TokenExpired), &["--output", "jsonl"])
    else {
        return;
    };
    let events = crate::events::events_of(&run);
    let failed: Vec<_> = events
        .iter()
        .filter(|event| event["event"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1, "{}", run.stdout);
    let cause = &failed[0]["cause"];
    assert_eq!(cause["cause_id"], "token-unknown", "{}", run.stdout);
    assert!(
        cause["fix"]
            .as_str()
            .is_some_and(|fix| fix.starts_with("run `deploy join` again")),
        "{}",
        run.stdout
    );
    assert!(
        cause["evidence"][0]
            .as_str()
            .is_some_and(|line| line.contains("could not find a JWS signature"))
    );
    said(
        &lab,
        &run,
        "the join token is unknown to the cluster",
        "run `deploy join` again",
    );
    assert!(run.stderr.contains("  error execution phase preflight: couldn't validate the identity of the API Server: could not find a JWS signature in the cluster-info ConfigMap for token ID"));
    // w1's line in summary.json carries the same cause.
    let summary: serde_json::Value = serde_json::from_slice(
        &std::fs::read(crate::support::run::log_dir(&lab).join("summary.json")).unwrap(),
    )
    .unwrap();
    let w1 = summary["phases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|phase| phase["hosts"].as_array().unwrap())
        .find(|host| host["host"] == "w1" && host["outcome"] == "failed")
        .unwrap_or_else(|| panic!("{summary}"));
    assert_eq!(w1["cause"], *cause, "{summary}");
}

#[test]
fn a_ca_made_anew_is_named_as_not_pinned() {
    let Some((lab, run)) = joined_with(&[], Some(Scenario::CaRotated), &[]) else {
        return;
    };
    said(
        &lab,
        &run,
        "the cluster's CA is not the one the join pins",
        "run `deploy join` again, so the join command",
    );
    assert!(run.stderr.contains("are pinned"), "{}", run.stderr);
}

#[test]
fn an_unreachable_endpoint_says_refused_timeout_and_no_route_apart() {
    let cases = [
        (
            "refused",
            "the API server endpoint refused the connection",
            "connect: connection refused",
        ),
        (
            "timeout",
            "the API server endpoint did not answer (i/o timeout)",
            ": i/o timeout",
        ),
        (
            "no-route",
            "there is no route from this host to the API server endpoint",
            "connect: no route to host",
        ),
    ];
    let Some(lab) = cluster(&[("w1", &[])]) else {
        return;
    };
    for (how, cause, line) in cases {
        lab.set_scenario("w1", &Scenario::ApiPath(how));
        let run = join(&lab).status(1).run();
        let under = format!("{BLOCK_END}Likely cause: {cause}");
        assert!(run.stderr.contains(&under), "{how}: {}", run.stderr);
        assert!(run.stderr.contains(line), "{how}: {}", run.stderr);
    }
}

#[test]
fn a_node_of_that_name_from_another_machine_is_named() {
    let Some(lab) = cluster(&[("w1", &[])]) else {
        return;
    };
    // The Node an earlier machine called w1 registered, still Ready.
    std::fs::write(
        lab.dir().join("cluster/nodes/w1"),
        "address=192.0.2.99\nrole=worker\njoined_at=0\nready_at=0\n",
    )
    .unwrap();
    let run = join(&lab).args(["--ignore-check", "all"]).status(1).run();
    said(
        &lab,
        &run,
        "a Node of this name already exists in the cluster",
        "delete the stale Node",
    );
}

#[test]
fn containerd_with_its_cri_plugin_disabled_is_named_from_its_config() {
    // Deploy's preflight sees the socket; kubeadm's own finds no CRI.
    let Some((lab, run)) = joined_with(&["cri-disabled"], None, &[]) else {
        return;
    };
    said(
        &lab,
        &run,
        "containerd's CRI plugin is disabled",
        "write containerd's defaults",
    );
    assert!(
        run.stderr
            .contains("unknown service runtime.v1.RuntimeService")
    );
}

#[test]
fn swap_ip_forward_port_and_containerd_arising_after_preflight_are_named() {
    let cases: [(&'static [&'static str], &str, &str); 4] = [
        (
            &["swap"],
            "swap is on",
            "  swap: 1 active area(s) in /proc/swaps",
        ),
        (
            &["ip-forward-off"],
            "IP forwarding is off",
            "  /proc/sys/net/ipv4/ip_forward: 0",
        ),
        (
            &["port-10250"],
            "port 10250, the kubelet's, is held by another process",
            "  port 10250: ",
        ),
        (
            &["containerd-stopped"],
            "containerd is not running",
            "  systemctl is-active containerd: inactive",
        ),
    ];
    for (at_join, cause, evidence) in cases {
        let Some((lab, run)) = joined_with(&[], Some(Scenario::AtJoin(at_join)), &[]) else {
            return;
        };
        said(&lab, &run, cause, "");
        assert!(run.stderr.contains(evidence), "{at_join:?}: {}", run.stderr);
    }
}

#[test]
fn different_cgroup_drivers_are_named_from_both_configs() {
    let Some((lab, run)) = joined_with(&["cgroupfs"], None, &[]) else {
        return;
    };
    said(
        &lab,
        &run,
        "the kubelet and containerd use different cgroup drivers",
        "set `SystemdCgroup = true`",
    );
    assert!(run.stderr.contains("  cgroup driver: kubelet systemd (/var/lib/kubelet/config.yaml), containerd SystemdCgroup = false"));
}

#[test]
fn a_clock_behind_the_clusters_ca_is_named_with_the_skew() {
    let Some((lab, run)) = joined_with(
        &["clock-skew=-3600"],
        None,
        &["--ignore-check", "cluster.clock-skew"],
    ) else {
        return;
    };
    said(&lab, &run, "this host's clock is off", "set the clock");
    assert!(
        run.stderr
            .contains("x509: certificate has expired or is not yet valid")
    );
    assert!(
        run.stderr
            .contains("  clock: this host is 3600 s behind the machine running deploy")
            || run.stderr.contains("  clock: this host is 3599 s behind")
            || run.stderr.contains("  clock: this host is 3601 s behind"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_kubelet_that_keeps_crashing_fails_init_with_its_cause() {
    let Some(lab) = Lab::builder().control("masternode").start() else {
        return;
    };
    lab.set_scenario("masternode", &Scenario::KubeletCrashloop);
    let run = deploy()
        .on(&lab)
        .limit(LIMIT)
        .args(["all", "--yes"])
        .status(1)
        .run();
    let under = format!("{BLOCK_END}Likely cause: the kubelet keeps crashing");
    assert!(run.stderr.contains(&under), "{}", run.stderr);
    assert!(run.stderr.contains(
        "  [kubelet-check] The HTTP call equal to 'curl -sSL http://localhost:10248/healthz' failed"
    ));
    // The failed phase's line for the host, with its cause, in summary.json.
    let summary: serde_json::Value = serde_json::from_slice(
        &std::fs::read(crate::support::run::log_dir(&lab).join("summary.json")).unwrap(),
    )
    .unwrap();
    let failed = summary["phases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|phase| phase["outcome"] == "failed")
        .unwrap_or_else(|| panic!("{summary}"));
    let host = &failed["hosts"][0];
    assert_eq!(host["host"], "masternode", "{summary}");
    assert_eq!(host["outcome"], "failed", "{summary}");
    assert_eq!(host["cause"]["cause_id"], "kubelet-crashloop", "{summary}");
}

#[test]
fn an_unknown_failure_shows_the_kubelets_last_lines() {
    let Some(lab) = cluster(&[("w1", &[])]) else {
        return;
    };
    lab.exec(
        "w1",
        &[
            "sh",
            "-c",
            ". /var/lib/lab/lib/fake.sh && journal kubelet 'E1202 kubelet said something new'",
        ],
    );
    lab.set_scenario(
        "w1",
        &Scenario::JoinFail {
            code: 1,
            stderr: "error execution phase boom: nobody knows".into(),
        },
    );
    let run = join(&lab).status(1).run();
    let under =
        format!("{BLOCK_END}no known cause matched; the last lines of kubelet's journal:\n  ");
    assert!(run.stderr.contains(&under), "{}", run.stderr);
    assert!(
        run.stderr.contains("kubelet said something new"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_node_left_without_its_network_add_on_is_named_at_the_ready_wait() {
    let Some(lab) = Lab::builder().control("masternode").worker("w1").start() else {
        return;
    };
    lab.set_scenario("w1", &Scenario::NoCni);
    let mut inventory = std::fs::OpenOptions::new()
        .append(true)
        .open(lab.inventory())
        .unwrap();
    std::io::Write::write_all(&mut inventory, b"    node_ready_timeout: 3s\n").unwrap();
    let run = deploy()
        .on(&lab)
        .limit(LIMIT)
        .args(["all", "--yes", "--output", "jsonl"])
        .status(1)
        .stderr_has("Nodes did not become Ready within 3 seconds: w1 NotReady.")
        .run();
    let under = format!(
        "4. Allow it longer with `node_ready_timeout` in the inventory\nw1 ({}):\n\
         Likely cause: the node's network plugin is not initialised",
        lab.address("w1")
    );
    assert!(run.stderr.contains(&under), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("message:Network plugin returns error: cni plugin not initialized")
    );
    assert!(
        run.stderr
            .contains("  /etc/cni/net.d: no network configuration\nfix: ")
    );
    let log = std::fs::read_to_string(crate::support::run::log_dir(&lab).join("w1.log")).unwrap();
    assert!(
        log.contains("Likely cause: the node's network plugin is not initialised"),
        "{log}"
    );
    // The same cause in w1's failed event and its line in summary.json.
    let events = crate::events::events_of(&run);
    let failed: Vec<_> = events
        .iter()
        .filter(|event| event["event"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1, "{}", run.stdout);
    assert_eq!(failed[0]["host"], "w1");
    assert_eq!(failed[0]["phase"], "validation");
    assert_eq!(failed[0]["exit_code"], serde_json::Value::Null);
    assert_eq!(failed[0]["details"]["reason"], "not Ready");
    assert_eq!(failed[0]["details"]["step"], "node-ready");
    assert_eq!(failed[0]["cause"]["cause_id"], "cni-not-initialized");
    let summary: serde_json::Value = serde_json::from_slice(
        &std::fs::read(crate::support::run::log_dir(&lab).join("summary.json")).unwrap(),
    )
    .unwrap();
    let phase = summary["phases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|phase| phase["phase"] == "validation")
        .unwrap();
    assert_eq!(phase["outcome"], "failed", "{summary}");
    let host = &phase["hosts"][0];
    assert_eq!(host["host"], "w1", "{summary}");
    assert_eq!(host["outcome"], "failed", "{summary}");
    assert_eq!(host["detail"], "not Ready", "{summary}");
    assert_eq!(host["cause"], failed[0]["cause"], "{summary}");
}

#[test]
fn a_failed_rke2_start_shows_its_journal_when_no_cause_is_known() {
    let Some(lab) = Lab::builder().control("masternode").rke2("homelab").start() else {
        return;
    };
    lab.set_scenario("homelab", &Scenario::Rke2Fail(None));
    let run = deploy()
        .on(&lab)
        .limit(LIMIT)
        .args(["all", "--with-rke2", "--yes"])
        .status(1)
        .run();
    let under = "journalctl -u rke2-server -n 100\n\
                 no known cause matched; the last lines of rke2-server's journal:\n  ";
    assert!(run.stderr.contains(under), "{}", run.stderr);
    assert!(
        run.stderr.contains("failed to start etcd"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_join_that_times_out_is_diagnosed_under_the_timeout_block() {
    let Some(lab) = cluster(&[("w1", &[])]) else {
        return;
    };
    // The kubelet kubeadm started cannot run with swap, so the TLS
    // bootstrap never ends; its journal says why.
    lab.exec(
        "w1",
        &[
            "sh",
            "-c",
            ". /var/lib/lab/lib/fake.sh && journal kubelet 'E1202 02:00:00.000000    2231 run.go:74] \
             \"command failed\" err=\"failed to run Kubelet: running with swap on is not supported, please \
             disable swap! or set --fail-swap-on flag to false\"'",
        ],
    );
    lab.set_scenario("w1", &Scenario::JoinHang);
    let run = join(&lab).args(["--join-timeout", "3s"]).status(1).run();
    let under = "run `deploy join` again to attach to it.\nLikely cause: swap is on";
    assert!(run.stderr.contains(under), "{}", run.stderr);
    let evidence = "kubelet: E1202 02:00:00.000000    2231 run.go:74] \"command failed\" \
                    err=\"failed to run Kubelet: running with swap on is not supported";
    assert!(run.stderr.contains(evidence), "{}", run.stderr);
}

#[test]
fn containerds_config_is_read_in_either_quotes_over_lines_and_without_comments() {
    let Some(lab) = cluster(&[("w1", &[])]) else {
        return;
    };
    lab.set_scenario(
        "w1",
        &Scenario::JoinFail {
            code: 1,
            stderr: "error execution phase boom: nobody knows".into(),
        },
    );
    let write = |config: &str| {
        let script = format!(
            "mkdir -p /etc/containerd && cat >/etc/containerd/config.toml <<'EOF'\n{config}EOF\n"
        );
        lab.exec("w1", &["sh", "-c", &script]);
    };
    // containerd 2's version 3, the gRPC plugin's URI in single quotes.
    write(
        "version = 3\n# disabled_plugins = []\ndisabled_plugins = [\n  \
         'io.containerd.snapshotter.v1.devmapper',\n  'io.containerd.grpc.v1.cri', # off\n]\n\
         [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]\n  \
         SystemdCgroup = true\n",
    );
    let run = join(&lab).status(1).run();
    let under = format!("{BLOCK_END}Likely cause: containerd's CRI plugin is disabled");
    assert!(run.stderr.contains(&under), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "  /etc/containerd/config.toml: disabled_plugins = [ \
             'io.containerd.snapshotter.v1.devmapper', 'io.containerd.grpc.v1.cri', ]"
        ),
        "{}",
        run.stderr
    );
    // Only commented out: the plugin runs, and no cause is known.
    write(
        "#   Copyright 2018-2022 Docker Inc.\n#disabled_plugins = [\"cri\"]\ndisabled_plugins = []\n\
         [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  \
         # SystemdCgroup = false\n  SystemdCgroup = true\n",
    );
    let run = join(&lab).status(1).run();
    let under = format!("{BLOCK_END}no known cause matched");
    assert!(run.stderr.contains(&under), "{}", run.stderr);
}

#[test]
fn a_join_failing_within_deploy_all_leaves_its_cause_in_the_summary() {
    let Some(lab) = Lab::builder().control("masternode").worker("w1").start() else {
        return;
    };
    lab.set_scenario("w1", &Scenario::TokenExpired);
    let run = deploy()
        .on(&lab)
        .limit(LIMIT)
        .args(["all", "--yes"])
        .status(1)
        .run();
    assert!(
        run.stderr
            .contains("Likely cause: the join token is unknown to the cluster"),
        "{}",
        run.stderr
    );
    let summary: serde_json::Value = serde_json::from_slice(
        &std::fs::read(crate::support::run::log_dir(&lab).join("summary.json")).unwrap(),
    )
    .unwrap();
    let workers = summary["phases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|phase| phase["phase"] == "workers")
        .unwrap_or_else(|| panic!("{summary}"));
    assert_eq!(workers["outcome"], "failed", "{summary}");
    let w1 = &workers["hosts"][0];
    assert_eq!(w1["host"], "w1", "{summary}");
    assert_eq!(w1["outcome"], "failed", "{summary}");
    assert_eq!(w1["cause"]["cause_id"], "token-unknown", "{summary}");
}

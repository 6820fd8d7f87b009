//! `deploy all` against the lab, over real SSH: the whole deployment, safe
//! to run twice, failing fast in every phase, and never waiting on a prompt
//! nobody can answer.

use std::io::Write;
use std::time::Duration;

use crate::pty;
use crate::support::lab::Lab;
use crate::support::run::{Deploy, Run, deploy, lab_args, log_dir};
use crate::support::scenario::Scenario;

const LIMIT: Duration = Duration::from_secs(120);

/// `deploy all --with-rke2 --yes` on `lab`.
fn all(lab: &Lab) -> Deploy {
    deploy()
        .on(lab)
        .limit(LIMIT)
        .args(["all", "--with-rke2", "--yes"])
}

/// The user's shape: masternode, storagenodet3500, homelab (RKE2).
fn users_cluster(options: &[(&str, &str)]) -> Option<Lab> {
    let mut builder = Lab::builder()
        .control("masternode")
        .worker("storagenodet3500")
        .rke2("homelab");
    for (node, option) in options {
        builder = builder.option(node, option);
    }
    builder.start()
}

/// Adds `key: value` to the inventory's `all: vars:` (the lab writes it last).
fn set_var(lab: &Lab, key: &str, value: &str) {
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(lab.inventory())
        .unwrap();
    writeln!(file, "    {key}: {value}").unwrap();
}

fn labels(lab: &Lab, node: &str) -> String {
    std::fs::read_to_string(lab.dir().join("cluster/labels").join(node)).unwrap_or_default()
}

#[test]
fn all_with_rke2_brings_the_simulated_cluster_up() {
    let Some(lab) = users_cluster(&[]) else {
        return;
    };
    let run = all(&lab)
        .status(0)
        .stdout_has("storagenodet3500  Ready")
        .stderr_has("deploy: done in ")
        .run();
    for (phase, result) in [
        ("control plane", "initialised"),
        ("API ready", "ready"),
        ("workers", "joined"),
        ("validation", "Ready, labelled"),
        ("RKE2", "running"),
    ] {
        assert!(run.row(phase).contains(result), "{phase}:\n{}", run.stdout);
    }
    assert!(
        lab.node_path("masternode", "/etc/kubernetes/admin.conf")
            .exists()
    );
    assert!(
        lab.node_path("storagenodet3500", "/etc/kubernetes/kubelet.conf")
            .exists()
    );
    assert!(labels(&lab, "storagenodet3500").contains("vmstation.io/role=storage"));
    assert!(labels(&lab, "masternode").contains("vmstation.io/role=monitoring"));

    let kubeconfig =
        std::fs::read_to_string(log_dir(&lab).join("homelab-rke2-kubeconfig.yaml")).unwrap();
    assert!(
        kubeconfig.contains(&format!("server: https://{}:6443", lab.address("homelab"))),
        "{kubeconfig}"
    );
    assert!(!kubeconfig.contains("127.0.0.1"));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(log_dir(&lab).join("summary.json")).unwrap())
            .unwrap();
    assert_eq!(summary["result"], "success");
    assert_eq!(summary["phases"].as_array().unwrap().len(), 7);
    assert_eq!(summary["phases"][0]["phase"], "preflight");
}

#[test]
fn a_second_run_changes_nothing_says_so_and_is_quick() {
    let Some(lab) = users_cluster(&[]) else {
        return;
    };
    all(&lab).status(0).run();
    let before = lab.snapshot();
    let again = all(&lab)
        .status(0)
        .stderr_has("every node is Ready, labelled, tainted and schedulable already")
        .run();
    assert_eq!(lab.snapshot(), before, "the second run changed a host");
    assert!(again.row("control plane").contains("already initialised"));
    assert!(again.row("workers").contains("already joined"));
    assert!(again.row("RKE2").contains("already running"));
    // The 2 s target is measured in bench/all; here only "no waiting".
    assert!(
        again.took < Duration::from_secs(10),
        "took {:?}",
        again.took
    );
}

#[test]
fn the_incident_fails_in_preflight_naming_the_host_and_the_fix() {
    let Some(lab) = users_cluster(&[("masternode", "no-kubeadm")]) else {
        return;
    };
    let before = lab.snapshot();
    let who = format!("masternode ({})", lab.address("masternode"));
    let run = all(&lab)
        .status(1)
        .stderr_has("control-plane.kubeadm")
        .stderr_has(&who)
        .stderr_has("fix: `deploy prepare -l masternode` installs it; or by hand:")
        .stderr_has("install kubeadm on masternode from pkgs.k8s.io")
        .run();
    assert!(run.took < Duration::from_secs(5), "took {:?}", run.took);
    assert_eq!(lab.snapshot(), before, "a host changed");
}

/// A failure injected into a phase stops there, naming phase, host and hint.
fn assert_stops_in(run: &Run, phase: &str, host: &str, hint: &str, within: Duration) {
    let named = format!("deploy: error: phase \"{phase}\" failed: {host}");
    assert!(
        run.stderr.contains(&named),
        "missing {named:?} in\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(hint),
        "missing {hint:?} in\n{}",
        run.stderr
    );
    assert!(run.took < within, "took {:?}", run.took);
}

#[test]
fn a_failed_init_stops_at_once() {
    let Some(lab) = users_cluster(&[]) else {
        return;
    };
    lab.set_scenario(
        "masternode",
        &Scenario::InitFail {
            code: 1,
            stderr:
                "error execution phase wait-control-plane: couldn't initialize a Kubernetes cluster"
                    .into(),
        },
    );
    let run = all(&lab)
        .status(1)
        .stderr_has("Control plane initialisation (kubeadm init) failed!\nExit code: 1\n")
        .run();
    assert_stops_in(
        &run,
        "control plane",
        "masternode",
        "journalctl -u kubelet -n 100",
        Duration::from_secs(10),
    );
    assert!(
        !lab.node_path("storagenodet3500", "/etc/kubernetes/kubelet.conf")
            .exists()
    );
}

#[test]
fn an_api_that_never_gets_ready_stops_at_its_bound() {
    let Some(lab) = users_cluster(&[]) else {
        return;
    };
    lab.set_scenario("masternode", &Scenario::ApiDelay(Duration::from_secs(1000)));
    set_var(&lab, "api_ready_timeout", "3s");
    let run = all(&lab)
        .status(1)
        .stderr_has("The API server did not become ready within 3 seconds.")
        .run();
    assert_stops_in(
        &run,
        "API ready",
        "masternode",
        "api_ready_timeout",
        Duration::from_secs(12),
    );
}

#[test]
fn a_failed_join_stops_with_the_seed_message() {
    let Some(lab) = users_cluster(&[]) else {
        return;
    };
    lab.set_scenario(
        "storagenodet3500",
        &Scenario::JoinFail {
            code: 1,
            stderr: "error execution phase kubelet-start: a real kubeadm error".into(),
        },
    );
    let run = all(&lab).status(1).stderr_has(
            "Worker node join command failed!\nExit code: 1\nError: error execution phase kubelet-start",
        )
        .run();
    assert_stops_in(
        &run,
        "workers",
        "storagenodet3500",
        "journalctl -u kubelet -n 100",
        Duration::from_secs(12),
    );
}

#[test]
fn a_node_that_stays_not_ready_stops_at_its_bound() {
    let Some(lab) = users_cluster(&[]) else {
        return;
    };
    lab.set_scenario(
        "storagenodet3500",
        &Scenario::NotReady(Duration::from_secs(1000)),
    );
    set_var(&lab, "node_ready_timeout", "3s");
    let run = all(&lab)
        .status(1)
        .stderr_has("Nodes did not become Ready within 3 seconds: storagenodet3500 NotReady.")
        .run();
    assert_stops_in(
        &run,
        "validation",
        "masternode",
        "kubectl describe node",
        Duration::from_secs(15),
    );
}

#[test]
fn a_failing_rke2_server_stops_at_once_with_its_journal_hint() {
    let Some(lab) = users_cluster(&[]) else {
        return;
    };
    lab.set_scenario("homelab", &Scenario::Rke2Fail(None));
    let run = all(&lab)
        .status(1)
        .stderr_has("rke2-server failed to start!\nExit code: 1\n")
        .run();
    assert_stops_in(
        &run,
        "RKE2",
        "homelab",
        "journalctl -u rke2-server -n 100",
        Duration::from_secs(15),
    );
}

/// `deploy all --with-rke2 --check`, which must list `steps` and change
/// nothing.
fn plan(lab: &Lab, steps: &[&str]) -> Run {
    let before = lab.snapshot();
    let mut plan = deploy()
        .on(lab)
        .limit(LIMIT)
        .args(["all", "--with-rke2", "--check"])
        .status(0);
    for step in steps {
        plan = plan.stdout_has(step);
    }
    let run = plan.run();
    assert_eq!(lab.snapshot(), before, "--check changed a host");
    run
}

#[test]
fn check_lists_the_steps_and_changes_nothing_fresh_or_deployed() {
    let Some(lab) = users_cluster(&[]) else {
        return;
    };
    plan(
        &lab,
        &[
            "masternode: kubeadm init",
            "storagenodet3500: kubeadm join",
            "storagenodet3500: label node.kubernetes.io/instance-type=storage vmstation.io/role=storage",
            "homelab: install RKE2",
            "homelab: systemctl enable --now rke2-server",
        ],
    );

    all(&lab).status(0).run();
    let deployed = plan(
        &lab,
        &[
            "masternode: skip, already initialised",
            "storagenodet3500: skip, already joined",
            "homelab: skip install",
            "homelab: skip start, rke2-server is active",
        ],
    );
    assert!(
        !deployed.stdout.contains(": label "),
        "labels are all applied:\n{}",
        deployed.stdout
    );
}

#[test]
fn without_a_terminal_and_without_flags_it_refuses_naming_them() {
    let Some(lab) = users_cluster(&[]) else {
        return;
    };
    let before = lab.snapshot();
    deploy()
        .on(&lab)
        .limit(LIMIT)
        .arg("all")
        .status(2)
        .stderr_has("\"Proceed with two-phase deployment?\" needs an answer")
        .stderr_has("fix: run again with --yes or --with-rke2")
        .run();
    assert_eq!(lab.snapshot(), before);
}

#[test]
fn on_a_terminal_it_asks_and_no_means_nothing_changes() {
    let Some(lab) = users_cluster(&[]) else {
        return;
    };
    let base = lab_args(&lab);
    let mut args: Vec<&str> = base.iter().map(String::as_str).collect();
    args.push("all");
    let before = lab.snapshot();
    let screen = pty::run_answering(
        &args,
        lab.dir(),
        LIMIT,
        "Proceed with two-phase deployment? [y/N]",
        "n",
    );
    assert_eq!(screen.code, 1, "{}", screen.output);
    assert!(
        screen.output.contains("not confirmed: nothing was changed"),
        "{}",
        screen.output
    );
    assert_eq!(lab.snapshot(), before);

    let screen = pty::run_answering(
        &args,
        lab.dir(),
        LIMIT,
        "Proceed with two-phase deployment? [y/N]",
        "y",
    );
    assert_eq!(screen.code, 0, "{}", screen.output);
    assert!(
        lab.node_path("storagenodet3500", "/etc/kubernetes/kubelet.conf")
            .exists()
    );
}

#[test]
fn kubeadm_leftovers_on_the_rke2_host_are_removed_only_with_consent() {
    let Some(lab) = users_cluster(&[]) else {
        return;
    };
    let leftover = lab.node_path("homelab", "/etc/kubernetes");
    std::fs::create_dir_all(&leftover).unwrap();
    std::fs::write(leftover.join("kubelet.conf"), "old").unwrap();

    let before = lab.snapshot();
    deploy()
        .on(&lab)
        .limit(LIMIT)
        .args(["all", "--with-rke2"])
        .status(2)
        .stderr_has("Remove the kubeadm leftovers on homelab")
        .stderr_has("fix: run again with --yes")
        .run();
    assert_eq!(
        lab.snapshot(),
        before,
        "asked only after changing something"
    );

    all(&lab)
        .status(0)
        .stderr_has("homelab: kubeadm leftovers removed")
        .run();
    assert!(!leftover.join("kubelet.conf").exists());
}

#[test]
fn the_network_add_on_is_applied_once_and_again_when_it_changes() {
    let Some(lab) = Lab::builder().control("masternode").worker("w1").start() else {
        return;
    };
    let manifest = lab.dir().join("cni.yaml");
    std::fs::write(
        &manifest,
        "kind: DaemonSet\nmetadata:\n  name: kube-flannel-ds\n",
    )
    .unwrap();
    // Relative to the inventory, which the lab writes in its directory.
    set_var(&lab, "cni_manifest", "cni.yaml");
    let applied = || {
        std::fs::read_to_string(lab.dir().join("cluster/applied"))
            .unwrap_or_default()
            .lines()
            .count()
    };
    let all_yes = || {
        deploy()
            .on(&lab)
            .limit(LIMIT)
            .args(["all", "--yes"])
            .status(0)
            .run()
    };

    let run = all_yes();
    assert!(
        run.row("network add-on").contains("applied"),
        "{}",
        run.stdout
    );
    assert_eq!(applied(), 1);

    let again = all_yes();
    assert!(
        again
            .row("network add-on")
            .contains("skipped: already applied"),
        "{}",
        again.stdout
    );
    assert_eq!(applied(), 1);

    std::fs::write(
        &manifest,
        "kind: DaemonSet\nmetadata:\n  name: kube-flannel-ds-v2\n",
    )
    .unwrap();
    all_yes();
    assert_eq!(applied(), 2);
}

#[test]
fn a_changed_rke2_config_is_written_and_takes_effect_once() {
    let Some(lab) = users_cluster(&[]) else {
        return;
    };
    all(&lab).status(0).run();
    set_var(
        &lab,
        "rke2_config",
        "{write-kubeconfig-mode: \"0640\", tls-san: [homelab]}",
    );
    plan(
        &lab,
        &[
            "homelab: write /etc/rancher/rke2/config.yaml",
            "homelab: systemctl restart rke2-server, for its new config.yaml",
        ],
    );
    all(&lab)
        .status(0)
        .stderr_has("homelab: /etc/rancher/rke2/config.yaml written")
        .stderr_has("homelab: rke2-server restarted for its new config.yaml")
        .run();
    let config =
        std::fs::read_to_string(lab.node_path("homelab", "/etc/rancher/rke2/config.yaml")).unwrap();
    assert!(config.contains("write-kubeconfig-mode: '0640'"), "{config}");

    let again = all(&lab)
        .status(0)
        .stderr_has("config.yaml unchanged")
        .run();
    assert!(!again.stderr.contains("restarted"), "{}", again.stderr);
}

#[test]
fn an_ignored_endpoint_check_is_not_called_reachable_before_the_joins() {
    let Some(lab) = users_cluster(&[]) else {
        return;
    };
    // Nothing listens on 6444: after init the workers' check fails, and
    // --ignore-check turns that failure into a warning. (The lab's join
    // goes to the address kubeadm printed, so it still works.)
    set_var(
        &lab,
        "control_plane_endpoint",
        &format!("\"{}:6444\"", lab.address("masternode")),
    );
    let run = deploy()
        .on(&lab)
        .limit(LIMIT)
        .args([
            "all",
            "--yes",
            "--ignore-check",
            "worker.endpoint-reachable",
        ])
        .stderr_has("! worker.endpoint-reachable: storagenodet3500 (")
        .run();
    assert!(
        !run.stderr.contains("reachable from every worker"),
        "{}",
        run.stderr
    );
}

//! `deploy reset` against the lab, over real SSH: a cluster taken down and
//! brought up again, a node removed and joined back, the refusals (another
//! cluster's host, nodes a control plane would strand, no terminal and no
//! `--yes`), `--check`, and a host that fails while the others go on.

use std::path::Path;
use std::time::Duration;

use crate::pty;
use crate::support::lab::Lab;
use crate::support::run::{Deploy, Run, deploy, lab_args, log_dir};
use crate::support::scenario::Scenario;

const LIMIT: Duration = Duration::from_secs(120);
const CRI: &str = "unix:///run/containerd/containerd.sock";

/// masternode, the given workers and (with `rke2`) homelab, nothing set up.
fn lab(workers: &[&str], rke2: bool) -> Option<Lab> {
    let mut builder = Lab::builder().control("masternode");
    for worker in workers {
        builder = builder.worker(worker);
    }
    if rke2 {
        builder = builder.rke2("homelab");
    }
    builder.start()
}

fn all(lab: &Lab, rke2: bool) -> Run {
    let mut args = vec!["all", "--yes"];
    if rke2 {
        args.push("--with-rke2");
    }
    deploy().on(lab).limit(LIMIT).args(args).status(0).run()
}

fn reset(lab: &Lab) -> Deploy {
    deploy().on(lab).limit(LIMIT).arg("reset")
}

/// The regular files under `dir` on `node` (a directory private to it).
fn files(lab: &Lab, node: &str, dir: &str) -> Vec<String> {
    let mut found = Vec::new();
    walk(&lab.node_path(node, dir), &mut found);
    found
}

fn walk(dir: &Path, found: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, found);
        } else {
            found.push(path.display().to_string());
        }
    }
}

fn read(lab: &Lab, node: &str, path: &str) -> String {
    std::fs::read_to_string(lab.node_path(node, path)).unwrap_or_default()
}

/// The kubeadm cluster's nodes, as its API would list them.
fn nodes(lab: &Lab) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(lab.dir().join("cluster/nodes"))
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Nothing of a kubeadm cluster is left on `node`; packages stay.
fn assert_reset(lab: &Lab, node: &str) {
    for dir in [
        "/etc/kubernetes",
        "/var/lib/kubelet",
        "/var/lib/etcd",
        "/etc/cni",
        "/root/.kube",
        "/var/lib/lab/links",
    ] {
        assert_eq!(files(lab, node, dir), Vec::<String>::new(), "{node}: {dir}");
    }
    let rules = read(lab, node, "/var/lib/lab/iptables.rules");
    assert!(!rules.contains("KUBE-"), "{node}: {rules}");
    assert!(rules.contains("--dport 22 -j ACCEPT"), "{node}: {rules}");
    assert!(
        !lab.node_path(node, "/var/lib/lab/services/kubelet.active")
            .exists(),
        "{node}: kubelet still runs"
    );
    assert!(
        read(lab, node, "/var/lib/lab/kubeadm-reset.calls")
            .contains(&format!("-f --cri-socket {CRI}")),
        "{node}: kubeadm reset was not given the host's socket"
    );
    assert!(
        lab.node_path(node, "/usr/local/bin/kubeadm").exists(),
        "{node}: packages stay"
    );
    assert!(
        lab.node_path(node, "/run/containerd/containerd.sock")
            .exists(),
        "{node}: containerd is not back"
    );
}

/// Where `needle` first shows in `text`.
fn at(text: &str, needle: &str) -> usize {
    text.find(needle)
        .unwrap_or_else(|| panic!("no {needle:?} in\n{text}"))
}

#[test]
fn a_reset_cluster_deploys_again_and_a_second_reset_finds_nothing_to_do() {
    let Some(lab) = lab(&["w1", "w2"], true) else {
        return;
    };
    all(&lab, true);
    let logs = log_dir(&lab);
    let run = reset(&lab)
        .args(["--with-rke2", "--yes"])
        .status(0)
        .stderr_has(&format!("w1 ({}) will be reset:", lab.address("w1")))
        .stderr_has("drain node w1 and delete it from the cluster (kubectl on masternode)")
        .stderr_has(&format!("kubeadm reset -f --cri-socket {CRI}"))
        .stderr_has(
            "remove /etc/cni/net.d /var/lib/kubelet /etc/kubernetes /root/.kube /var/lib/etcd",
        )
        .stderr_has("delete the links cni0 flannel.1")
        .stderr_has("flush kube-proxy's iptables chains (KUBE-*)")
        .stderr_has("rke2-killall.sh, then rke2-uninstall.sh")
        .stderr_has("masternode  reset in ")
        .stdout_has("RKE2 uninstall  homelab     uninstalled")
        .run();
    // Workers first, the control plane last.
    for worker in ["w1", "w2"] {
        assert!(
            at(&run.stderr, &format!("{worker}  reset in "))
                < at(&run.stderr, "masternode  resetting"),
            "{}",
            run.stderr
        );
    }
    for node in ["masternode", "w1", "w2"] {
        assert_reset(&lab, node);
    }
    assert!(nodes(&lab).is_empty(), "{:?}", nodes(&lab));
    for gone in [
        "/usr/local/bin/rke2",
        "/etc/rancher/rke2",
        "/var/lib/rancher/rke2",
    ] {
        assert!(!lab.node_path("homelab", gone).exists(), "{gone}");
    }
    for saved in ["masternode-kubeconfig.yaml", "homelab-rke2-kubeconfig.yaml"] {
        assert!(!logs.join(saved).exists(), "{saved}");
        assert!(
            logs.join(format!("{saved}.stale")).exists(),
            "{saved}.stale"
        );
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(logs.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["command"], "reset");
    assert_eq!(summary["result"], "success");
    assert!(logs.join("w1.log").exists());

    let before = lab.snapshot();
    let again = reset(&lab)
        .args(["--with-rke2", "--yes"])
        .status(0)
        .stderr_has("nothing to reset: no host taking part has anything of a cluster left")
        .run();
    assert_eq!(lab.snapshot(), before, "the second reset changed a host");
    assert!(again.stdout.is_empty(), "{}", again.stdout);
    assert!(again.took < Duration::from_secs(10), "{:?}", again.took);

    all(&lab, true);
    assert_eq!(nodes(&lab), ["masternode", "w1", "w2"]);
    assert!(lab.node_path("homelab", "/usr/local/bin/rke2").exists());
}

#[test]
fn a_worker_is_removed_with_l_and_joins_back() {
    let Some(lab) = lab(&["w1", "w2"], false) else {
        return;
    };
    all(&lab, false);

    // The control plane alone would strand w1 and w2.
    let before = lab.snapshot();
    reset(&lab)
        .args(["-l", "masternode", "--yes"])
        .status(2)
        .stderr_has("resetting the control plane masternode would strand the nodes still joined to it and left out by -l: w1, w2")
        .stderr_has("fix: reset them first (deploy reset -l w1,w2), or with it, or reset the control plane alone all the same with --force")
        .stderr_has("deploy: error: the reset is refused for the reason above: nothing was changed")
        .run();
    assert_eq!(lab.snapshot(), before);

    let untouched = |snapshot: &std::collections::BTreeMap<String, u64>| {
        snapshot
            .iter()
            .filter(|(key, _)| key.starts_with("w1:") || key.starts_with("masternode:"))
            .map(|(key, hash)| (key.clone(), *hash))
            .collect::<Vec<_>>()
    };
    reset(&lab)
        .args(["-l", "w2", "--yes"])
        .status(0)
        .stderr_has("    w2: drained and deleted from the cluster in ")
        .stdout_has("reset  w2    reset")
        .run();
    assert_eq!(nodes(&lab), ["masternode", "w1"]);
    assert_reset(&lab, "w2");
    assert_eq!(untouched(&lab.snapshot()), untouched(&before));

    deploy()
        .on(&lab)
        .limit(LIMIT)
        .args(["join", "-l", "w2"])
        .status(0)
        .stdout_has("w2    joined")
        .run();
    assert_eq!(nodes(&lab), ["masternode", "w1", "w2"]);
    assert!(lab.node_path("w2", "/etc/kubernetes/kubelet.conf").exists());
}

#[test]
fn a_host_of_another_cluster_is_refused_unless_forced() {
    let Some(lab) = Lab::builder()
        .control("masternode")
        .worker("w1")
        .option("w1", "earlier-install")
        .worker("w2")
        .start()
    else {
        return;
    };
    let init = lab.exec("masternode", &["kubeadm", "init"]);
    assert!(init.status.success(), "{init:?}");
    // w2 names this cluster's API server, but another cluster's CA.
    let ours = format!("https://{}:6443", lab.address("masternode"));
    let conf = lab.node_path("w2", "/etc/kubernetes/kubelet.conf");
    std::fs::create_dir_all(conf.parent().unwrap()).unwrap();
    std::fs::write(
        &conf,
        format!("apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: QU5PVEhFUi1DQQo=\n    server: {ours}\n  name: kubernetes\n"),
    )
    .unwrap();

    let before = lab.snapshot();
    reset(&lab)
        .arg("--yes")
        .status(2)
        .stderr_has(&format!(
            "! w1 ({}) belongs to another cluster: its kubelet.conf names https://192.0.2.99:6443, and this inventory's control plane masternode is {ours}",
            lab.address("w1")
        ))
        .stderr_has("fix: leave it out (-l '!w1'), or reset it all the same with --force")
        .stderr_has(&format!("its kubelet.conf names {ours}, with another cluster CA"))
        .stderr_has("deploy: error: the reset is refused for the reasons above: nothing was changed")
        .run();
    assert_eq!(lab.snapshot(), before, "a refused reset changed a host");

    reset(&lab)
        .args(["--yes", "--force"])
        .status(0)
        .stderr_has("--force: w1 (")
        .run();
    for node in ["masternode", "w1", "w2"] {
        assert!(
            files(&lab, node, "/etc/kubernetes").is_empty(),
            "{node}: {:?}",
            files(&lab, node, "/etc/kubernetes")
        );
    }
}

#[test]
fn without_a_terminal_or_yes_it_stops_with_2_and_on_a_terminal_only_yes_goes_on() {
    let Some(lab) = lab(&["w1"], false) else {
        return;
    };
    all(&lab, false);
    let before = lab.snapshot();
    reset(&lab)
        .status(2)
        .stderr_has(&format!("w1 ({}) will be reset:", lab.address("w1")))
        .stderr_has("\"Reset these 2 hosts, removing what is listed above? Type yes to go on:\" needs an answer, and there is no terminal to ask on")
        .stderr_has("fix: run again with --yes to proceed without asking")
        .run();
    assert_eq!(lab.snapshot(), before, "a headless reset changed a host");

    let base = lab_args(&lab);
    let mut args: Vec<&str> = base.iter().map(String::as_str).collect();
    args.push("reset");
    let question = "Type yes to go on:";
    let screen = pty::run_answering(&args, lab.dir(), LIMIT, question, "y");
    assert_eq!(screen.code, 1, "{}", screen.output);
    assert!(
        screen
            .text()
            .contains("not confirmed (only the word yes goes on): nothing was changed"),
        "{}",
        screen.output
    );
    assert_eq!(lab.snapshot(), before, "\"y\" changed a host");

    let screen = pty::run_answering(&args, lab.dir(), LIMIT, question, "yes");
    assert_eq!(screen.code, 0, "{}", screen.output);
    assert_reset(&lab, "w1");
}

#[test]
fn check_shows_the_plan_and_changes_nothing() {
    let Some(lab) = lab(&["w1"], true) else {
        return;
    };
    all(&lab, true);
    let before = lab.snapshot();
    reset(&lab)
        .args(["--with-rke2", "--check"])
        .status(0)
        .stdout_has("deploy reset --check: the plan; nothing was changed")
        .stdout_has("survey          3 to reset, 0 with nothing to reset")
        .stdout_has("drain           w1: drain node w1 and delete it from the cluster (kubectl on masternode, up to 2 minutes)")
        .stdout_has(&format!("reset           w1: kubeadm reset -f --cri-socket {CRI}; stop kubelet; remove /etc/cni/net.d /var/lib/kubelet /etc/kubernetes; delete the links cni0 flannel.1; flush kube-proxy's iptables chains (KUBE-*); restart containerd"))
        .stdout_has("reset           masternode (last): kubeadm reset -f")
        .stdout_has("RKE2 uninstall  homelab: rke2-killall.sh, then rke2-uninstall.sh")
        .run();
    assert_eq!(lab.snapshot(), before, "--check changed a host");
    assert!(log_dir(&lab).join("masternode-kubeconfig.yaml").exists());
    assert_eq!(nodes(&lab), ["masternode", "w1"]);
}

#[test]
fn a_host_whose_reset_fails_is_said_at_once_and_the_others_go_on() {
    let Some(lab) = lab(&["w1", "w2"], false) else {
        return;
    };
    all(&lab, false);
    lab.set_scenario(
        "w1",
        &Scenario::ResetFail {
            code: 1,
            stderr: String::new(),
        },
    );
    let run = reset(&lab)
        .arg("--yes")
        .status(1)
        .stderr_has(&format!("w1 ({}):\nNode reset (kubeadm reset) failed!\nExit code: 1\nError: error execution phase cleanup-node: failed to unmount mounted directories in /var/lib/kubelet", lab.address("w1")))
        .stdout_has("reset  w1          failed: exit code 1")
        .stdout_has("reset  w2          reset")
        .stdout_has("reset  masternode  reset")
        .run();
    // Said when it happened, before the control plane's reset began.
    assert!(
        at(&run.stderr, "Node reset (kubeadm reset) failed!")
            < at(&run.stderr, "masternode  resetting"),
        "{}",
        run.stderr
    );
    assert!(run.took < Duration::from_secs(30), "{:?}", run.took);
    assert!(lab.node_path("w1", "/etc/kubernetes/kubelet.conf").exists());
    assert_reset(&lab, "w2");
    assert!(files(&lab, "masternode", "/etc/kubernetes").is_empty());
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(log_dir(&lab).join("summary.json")).unwrap())
            .unwrap();
    assert_eq!(summary["result"], "failed");
}

#[test]
fn a_drain_that_outlasts_its_timeout_leaves_the_worker_as_it_is() {
    let Some(lab) = lab(&["w1"], false) else {
        return;
    };
    all(&lab, false);
    lab.set_scenario("masternode", &Scenario::DrainDelay(Duration::from_secs(30)));
    let run = reset(&lab)
        .args(["-l", "w1", "--yes", "--drain-timeout", "1s"])
        .status(1)
        .stderr_has("! w1: not drained, so it is not reset: error: unable to drain node \"w1\" due to error: error when evicting pods/\"web-0\" -n \"default\": global timeout reached: 1s, continuing command...\n")
        .stderr_has("with a longer --drain-timeout than 1 second if it needs it")
        .stdout_has("drain  w1    failed: not drained")
        .stdout_has("reset  w1    failed: left as it is")
        .run();
    assert!(run.took < Duration::from_secs(20), "{:?}", run.took);
    assert!(lab.node_path("w1", "/etc/kubernetes/kubelet.conf").exists());
    assert_eq!(nodes(&lab), ["masternode", "w1"]);
}

#[test]
fn a_failed_rke2_uninstall_stops_none_of_the_kubeadm_resets() {
    let Some(lab) = lab(&["w1"], true) else {
        return;
    };
    all(&lab, true);
    lab.set_scenario(
        "homelab",
        &Scenario::Rke2UninstallFail {
            code: 1,
            stderr: "rm: cannot remove '/var/lib/rancher/rke2/server/db': Device or resource busy"
                .into(),
        },
    );
    reset(&lab)
        .args(["--with-rke2", "--yes"])
        .status(1)
        .stderr_has(&format!(
            "homelab ({}):\nRKE2 uninstall (rke2-killall.sh, rke2-uninstall.sh) failed!\nExit code: 1\nError: ",
            lab.address("homelab")
        ))
        // Under RKE2's scripts' own trace (`set -x`) of the killall.
        .stderr_has("       rm: cannot remove '/var/lib/rancher/rke2/server/db': Device or resource busy")
        .stderr_has("journalctl -u rke2-server -n 100")
        .stdout_has("RKE2 uninstall  homelab     failed: exit code 1")
        .stdout_has("reset           masternode  reset")
        .run();
    for node in ["masternode", "w1"] {
        assert_reset(&lab, node);
    }
    assert!(lab.node_path("homelab", "/usr/local/bin/rke2").exists());
    let logs = log_dir(&lab);
    assert!(logs.join("homelab-rke2-kubeconfig.yaml").exists());
    assert!(logs.join("masternode-kubeconfig.yaml.stale").exists());
}

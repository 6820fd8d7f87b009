//! The lab's simulated tools behave as the real ones do in the flows deploy
//! uses: the same lines, errors, exit codes, and files at the same moments.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::lab::Lab;
use crate::support::scenario::Scenario;

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn init(lab: &Lab, node: &str) -> String {
    let out = lab.exec(node, &["kubeadm", "init"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "kubeadm init: {stdout}{stderr}");
    assert!(stdout.contains("Your Kubernetes control-plane has initialized successfully!"));
    let out = lab.exec(
        node,
        &["kubeadm", "token", "create", "--print-join-command"],
    );
    assert!(out.status.success(), "{out:?}");
    text(&out).0.trim().to_string()
}

#[test]
fn init_then_a_join_that_completes_after_its_delay() {
    let Some(lab) = Lab::builder().control("m").worker("w").start() else {
        return;
    };
    assert!(!lab.node_path("m", "/etc/kubernetes/admin.conf").exists());
    let join = init(&lab, "m");
    assert!(lab.node_path("m", "/etc/kubernetes/admin.conf").exists());
    assert!(!lab.node_path("w", "/etc/kubernetes/kubelet.conf").exists());

    lab.set_scenario("w", &Scenario::JoinDelay(Duration::from_secs(2)));
    let started = Instant::now();
    let lab_script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/lab/lab");
    let child = Command::new(lab_script)
        .arg("exec")
        .arg(lab.dir())
        .args(["w", "--", "/bin/sh", "-c", &join])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1000));
    assert!(
        !lab.node_path("w", "/etc/kubernetes/kubelet.conf").exists(),
        "kubelet.conf before the join completed"
    );
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(started.elapsed() >= Duration::from_secs(2));
    assert!(text(&out).0.contains("This node has joined the cluster:"));
    assert!(lab.node_path("w", "/etc/kubernetes/kubelet.conf").exists());

    let out = lab.exec(
        "m",
        &[
            "kubectl",
            "--kubeconfig",
            "/etc/kubernetes/admin.conf",
            "get",
            "nodes",
        ],
    );
    let nodes = text(&out).0;
    assert!(nodes.contains("w      Ready"), "{nodes}");
}

#[test]
fn missing_kubeadm_is_dashs_not_found_and_127() {
    let Some(lab) = Lab::builder()
        .control("m")
        .worker("w")
        .option("w", "no-kubeadm")
        .start()
    else {
        return;
    };
    let join = init(&lab, "m");
    let out = lab.exec("w", &["/bin/sh", "-c", &join]);
    assert_eq!(out.status.code(), Some(127));
    assert_eq!(text(&out).1, "/bin/sh: 1: kubeadm: not found\n");
}

#[test]
fn token_create_prints_a_fresh_join_command_each_time() {
    let Some(lab) = Lab::builder().control("m").start() else {
        return;
    };
    let first = init(&lab, "m");
    let second = text(&lab.exec("m", &["kubeadm", "token", "create", "--print-join-command"])).0;
    let words: Vec<&str> = first.split_whitespace().collect();
    assert_eq!(
        words[..3],
        ["kubeadm", "join", &format!("{}:6443", lab.address("m"))]
    );
    let token = words[4];
    assert!(
        token.len() == 23 && token.as_bytes()[6] == b'.',
        "token {token}"
    );
    assert!(words[6].starts_with("sha256:") && words[6].len() == 71);
    assert!(!second.contains(token), "the same token twice");
}

#[test]
fn join_before_init_is_refused_like_kubeadm() {
    let Some(lab) = Lab::builder().control("m").worker("w").start() else {
        return;
    };
    let endpoint = format!("{}:6443", lab.address("m"));
    let out = lab.exec(
        "w",
        &[
            "kubeadm",
            "join",
            &endpoint,
            "--token",
            "abcdef.0123456789abcdef",
            "--discovery-token-ca-cert-hash",
            "sha256:00",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let expected = format!(
        "error execution phase preflight: couldn't validate the identity of the API Server: Get \"https://{endpoint}/api/v1/namespaces/kube-public/configmaps/cluster-info?timeout=10s\": dial tcp {endpoint}: connect: connection refused"
    );
    assert!(text(&out).1.contains(&expected), "{}", text(&out).1);
}

#[test]
fn rke2_installer_then_server_writes_its_kubeconfig() {
    let Some(lab) = Lab::builder().rke2("h").start() else {
        return;
    };
    let out = lab.exec("h", &["systemctl", "enable", "--now", "rke2-server"]);
    assert_eq!(out.status.code(), Some(5), "no rke2 before the installer");
    let install = "cat /var/lib/lab/get.rke2.io | INSTALL_RKE2_TYPE=server sh -";
    assert!(lab.exec("h", &["sh", "-c", install]).status.success());
    assert!(
        lab.exec("h", &["systemctl", "enable", "--now", "rke2-server"])
            .status
            .success()
    );
    let config =
        std::fs::read_to_string(lab.node_path("h", "/etc/rancher/rke2/rke2.yaml")).unwrap();
    assert!(config.contains("server: https://127.0.0.1:6443"));
}

#[test]
fn looking_changes_nothing() {
    let Some(lab) = Lab::builder().control("m").option("m", "swap").start() else {
        return;
    };
    let before = lab.snapshot();
    for args in [
        &["kubeadm", "version"][..],
        &["systemctl", "is-active", "kubelet"],
        &["cat", "/proc/swaps"],
    ] {
        lab.exec("m", args);
    }
    assert_eq!(before, lab.snapshot());
    assert!(lab.exec("m", &["swapoff", "-a"]).status.success());
    assert_ne!(before, lab.snapshot(), "swapoff changed the node's swap");
}

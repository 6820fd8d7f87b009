//! RKE2's node name against the lab, over real SSH: a fresh host's node is
//! named as the inventory names it, whatever the hostname; an RKE2 that
//! already runs under its hostname keeps that node, unrestarted, and the
//! warning says once how to rename it, under `--check` too.

use std::time::Duration;

use crate::support::lab::Lab;
use crate::support::run::{Deploy, deploy};

const LIMIT: Duration = Duration::from_secs(120);

/// The user's shape: masternode, storagenodet3500, homelab (RKE2), with
/// homelab's hostname not its inventory name.
fn renamed_host() -> Option<Lab> {
    let lab = Lab::builder()
        .control("masternode")
        .worker("storagenodet3500")
        .rke2("homelab")
        .start()?;
    on(&lab, "hostname rke2-old");
    Some(lab)
}

/// Runs `script` on homelab as root, which must succeed.
fn on(lab: &Lab, script: &str) {
    let out = lab.exec("homelab", &["sh", "-c", script]);
    assert!(
        out.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn all(lab: &Lab, check: bool) -> Deploy {
    let mode = if check { "--check" } else { "--yes" };
    deploy()
        .on(lab)
        .limit(LIMIT)
        .args(["all", "--with-rke2", mode])
        .status(0)
}

fn read(lab: &Lab, path: &str) -> String {
    std::fs::read_to_string(lab.node_path("homelab", path)).unwrap_or_default()
}

const NODES: &str = "/var/lib/rancher/rke2/server/lab-cluster/nodes";
const CONFIG: &str = "/etc/rancher/rke2/config.yaml";

/// How many times rke2-server started, by its journal.
fn starts(lab: &Lab) -> usize {
    read(lab, "/var/lib/lab/journal/rke2-server.log")
        .matches("Starting rke2")
        .count()
}

#[test]
fn a_running_rke2_keeps_its_hostnames_node_unrestarted_and_says_how_to_rename() {
    let Some(lab) = renamed_host() else {
        return;
    };
    // RKE2 set up before deploy named nodes: config.yaml with the labels
    // and no node-name, so the node registered under the hostname.
    on(
        &lab,
        "cat /var/lib/lab/get.rke2.io | INSTALL_RKE2_TYPE=server sh - >/dev/null \
         && mkdir -p /etc/rancher/rke2 \
         && printf 'node-label:\\n- node.kubernetes.io/instance-type=compute\\n- vmstation.io/role=compute\\n' >/etc/rancher/rke2/config.yaml \
         && systemctl enable --now rke2-server",
    );
    assert!(lab.node_path("homelab", NODES).join("rke2-old").exists());
    assert_eq!(starts(&lab), 1);
    let warning = format!(
        "! rke2.node-name: homelab ({}): RKE2 already runs here as node rke2-old (its hostname), not homelab as the inventory names it",
        lab.address("homelab")
    );
    let fix = "fix: to rename it, reset the host (rke2-uninstall.sh) and deploy again, or set node-name: homelab in rke2_config";

    let before = lab.snapshot();
    let plan = all(&lab, true)
        .stderr_has(&warning)
        .stderr_has(fix)
        .stdout_has("homelab: keep, unchanged, /etc/rancher/rke2/config.yaml")
        .stdout_has("homelab: skip start, rke2-server is active")
        .stdout_has("homelab: wait for node rke2-old to be Ready")
        .run();
    assert!(!plan.stdout.contains("restart"), "{}", plan.stdout);
    assert_eq!(lab.snapshot(), before, "--check changed a host");

    let run = all(&lab, false)
        .stderr_has(&warning)
        .stderr_has(fix)
        .stderr_has("homelab: /etc/rancher/rke2/config.yaml unchanged")
        .stderr_has("homelab: RKE2 node(s) Ready: rke2-old")
        .run();
    assert_eq!(
        run.stderr.matches("rke2.node-name").count(),
        1,
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("restarted"), "{}", run.stderr);
    assert_eq!(starts(&lab), 1, "rke2-server was restarted");
    assert!(
        !read(&lab, CONFIG).contains("node-name"),
        "{}",
        read(&lab, CONFIG)
    );
    assert!(!lab.node_path("homelab", NODES).join("homelab").exists());
}

#[test]
fn a_fresh_rke2_host_is_named_as_the_inventory_says_whatever_its_hostname() {
    let Some(lab) = renamed_host() else {
        return;
    };
    all(&lab, true)
        .stdout_has("homelab: wait for node homelab to be Ready")
        .run();
    let run = all(&lab, false)
        .stderr_has("homelab: RKE2 node(s) Ready: homelab")
        .run();
    assert!(!run.stderr.contains("rke2.node-name"), "{}", run.stderr);
    assert!(
        read(&lab, CONFIG).contains("node-name: homelab"),
        "{}",
        read(&lab, CONFIG)
    );
    assert!(!lab.node_path("homelab", NODES).join("rke2-old").exists());
}

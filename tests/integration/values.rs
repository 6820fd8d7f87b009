//! The inventory's values against the lab, over real SSH: hostile node
//! names, labels and versions stop in preflight with nothing changed;
//! labels and taints reach kubectl as values and RKE2 as its config; an
//! earlier install's leftovers on a worker are found before the join
//! meets them; a missing key file stops before any SSH.

use std::time::Duration;

use crate::support::lab::{Lab, cluster};
use crate::support::run::{Deploy, deploy};

const LIMIT: Duration = Duration::from_secs(120);

/// masternode and storagenodet3500, nothing set up yet.
fn fresh() -> Option<Lab> {
    Lab::builder()
        .control("masternode")
        .worker("storagenodet3500")
        .start()
}

fn all(lab: &Lab) -> Deploy {
    deploy().on(lab).limit(LIMIT).args(["all", "--yes"])
}

/// Replaces `from` (which must be there) with `to` in the lab's inventory.
fn edit_inventory(lab: &Lab, from: &str, to: &str) {
    let text = std::fs::read_to_string(lab.inventory()).unwrap();
    assert!(
        text.contains(from),
        "{from:?} not in the inventory:\n{text}"
    );
    std::fs::write(lab.inventory(), text.replacen(from, to, 1)).unwrap();
}

/// The line after which the lab lists the worker's labels.
const WORKER_LABEL: &str = "        - \"vmstation.io/role=storage\"\n";

/// `deploy all` stops in preflight (exit 1) naming `texts`, and no node
/// changed.
fn stops_in_preflight(lab: &Lab, texts: &[&str]) {
    let before = lab.snapshot();
    let mut run = all(lab).status(1).stderr_has("preflight");
    for text in texts {
        run = run.stderr_has(text);
    }
    let run = run.run();
    assert!(
        !run.stderr.contains("kubeadm init"),
        "went past preflight:\n{}",
        run.stderr
    );
    assert_eq!(lab.snapshot(), before, "a node changed");
}

#[test]
fn hostile_labels_stop_in_preflight_naming_host_and_values() {
    let Some(lab) = fresh() else {
        return;
    };
    edit_inventory(
        &lab,
        WORKER_LABEL,
        &format!(
            "{WORKER_LABEL}        - \"x=ok\"\n        - \"--dry-run=client\"\n        - \"-n=kube-system\"\n        - \"role=$(touch /tmp/deploy-label-pwned)\"\n"
        ),
    );
    stops_in_preflight(
        &lab,
        &[
            "inventory.node-labels",
            &format!("storagenodet3500 ({})", lab.address("storagenodet3500")),
            "\"--dry-run=client\"",
            "\"-n=kube-system\"",
            "\"role=$(touch /tmp/deploy-label-pwned)\"",
            "fix: write each label as key=value",
        ],
    );
    assert!(!std::path::Path::new("/tmp/deploy-label-pwned").exists());
}

#[test]
fn a_node_name_kubernetes_refuses_stops_in_preflight() {
    let Some(lab) = fresh() else {
        return;
    };
    edit_inventory(
        &lab,
        "    storagenodet3500:\n",
        "    \"storage01$(touch /tmp/deploy-name-pwned)\":\n",
    );
    stops_in_preflight(
        &lab,
        &[
            "inventory.node-names",
            "the node name \"storage01$(touch /tmp/deploy-name-pwned)\"",
            "fix: rename it in the inventory's host name",
        ],
    );
    assert!(!std::path::Path::new("/tmp/deploy-name-pwned").exists());
}

#[test]
fn a_version_kubeadm_refuses_or_an_unquoted_one_stops_in_preflight() {
    let Some(lab) = fresh() else {
        return;
    };
    edit_inventory(
        &lab,
        "kubernetes_version: \"1.29\"",
        "kubernetes_version: \"1.29 --dry-run\"",
    );
    stops_in_preflight(
        &lab,
        &[
            "inventory.kubernetes-version",
            "kubernetes_version \"1.29 --dry-run\" is not a version kubeadm accepts",
            "fix: write it like `1.29`",
        ],
    );
    // Unquoted, YAML reads 1.30 as the number 1.3: not the version meant.
    edit_inventory(
        &lab,
        "kubernetes_version: \"1.29 --dry-run\"",
        "kubernetes_version: 1.30",
    );
    stops_in_preflight(
        &lab,
        &[
            "inventory.kubernetes-version",
            &format!(
                "masternode ({}): kubernetes_version is the number 1.3, not text",
                lab.address("masternode")
            ),
            "fix: quote it: kubernetes_version: \"1.30\"",
        ],
    );
}

#[test]
fn labels_and_taints_are_applied_as_values_and_rke2_is_told_its_name() {
    let Some(lab) = Lab::builder()
        .control("masternode")
        .worker("storagenodet3500")
        .rke2("homelab")
        .start()
    else {
        return;
    };
    edit_inventory(
        &lab,
        WORKER_LABEL,
        &format!("{WORKER_LABEL}      node_taints:\n        - \"dedicated=storage:NoSchedule\"\n"),
    );
    edit_inventory(
        &lab,
        "        - \"vmstation.io/role=compute\"\n",
        "        - \"vmstation.io/role=compute\"\n      node_taints: [\"dedicated=compute:NoSchedule\"]\n",
    );
    deploy()
        .on(&lab)
        .limit(LIMIT)
        .args(["all", "--with-rke2", "--yes"])
        .status(0)
        .stderr_has("storagenodet3500: tainted dedicated=storage:NoSchedule")
        .stderr_has("homelab: RKE2 node(s) Ready: homelab")
        .run();
    let taints =
        std::fs::read_to_string(lab.dir().join("cluster/taints/storagenodet3500")).unwrap();
    assert_eq!(taints, "dedicated=storage:NoSchedule\n");

    // RKE2 reads its name, labels and taints from config.yaml.
    let config =
        std::fs::read_to_string(lab.node_path("homelab", "/etc/rancher/rke2/config.yaml")).unwrap();
    let config: serde_yaml::Value = serde_yaml::from_str(&config).unwrap();
    assert_eq!(config["node-name"], "homelab", "{config:?}");
    let list = |key: &str| -> Vec<String> {
        let items = config[key].as_sequence().cloned().unwrap_or_default();
        items
            .iter()
            .map(|item| item.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        list("node-label"),
        [
            "node.kubernetes.io/instance-type=compute",
            "vmstation.io/role=compute"
        ]
    );
    assert_eq!(list("node-taint"), ["dedicated=compute:NoSchedule"]);
    let registered = std::fs::read_to_string(lab.node_path(
        "homelab",
        "/var/lib/rancher/rke2/server/lab-cluster/labels/homelab",
    ))
    .unwrap();
    assert!(
        registered.contains("vmstation.io/role=compute"),
        "{registered}"
    );

    // Nothing to do the second time.
    let before = lab.snapshot();
    deploy()
        .on(&lab)
        .limit(LIMIT)
        .args(["all", "--with-rke2", "--yes"])
        .status(0)
        .stderr_has("every node is Ready, labelled, tainted and schedulable already")
        .stderr_has("config.yaml unchanged")
        .run();
    assert_eq!(lab.snapshot(), before, "the second run changed a host");
}

#[test]
fn an_earlier_installs_leftovers_are_found_before_the_join_meets_them() {
    let Some(lab) = cluster(&[("w1", &["earlier-install"]), ("w2", &[])]) else {
        return;
    };
    let who = format!("w1 ({})", lab.address("w1"));
    deploy()
        .on(&lab)
        .arg("check")
        .status(1)
        .stdout_has("worker.leftovers")
        .stdout_has("/etc/kubernetes/kubelet.conf exists, and the cluster has no node w1")
        .stdout_has("/etc/kubernetes/bootstrap-kubelet.conf exists")
        .stdout_has("/etc/kubernetes/pki/ca.crt exists")
        .stdout_has("port 10250 is in use")
        .stdout_has("fix: run `sudo kubeadm reset -f` on w1")
        .run();
    let before = lab.snapshot();
    deploy()
        .on(&lab)
        .limit(LIMIT)
        .arg("join")
        .status(1)
        .stderr_has("worker.leftovers")
        .stderr_has(&who)
        .run();
    assert_eq!(lab.snapshot(), before, "a node changed");

    // What the check spares the user: kubeadm's own refusal, mid-join
    // (without kubelet.conf, which would pass for joined when ignored).
    std::fs::remove_file(lab.node_path("w1", "/etc/kubernetes/kubelet.conf")).unwrap();
    let refused = deploy()
        .on(&lab)
        .limit(LIMIT)
        .args(["join", "--ignore-check", "worker.leftovers"])
        .status(1)
        .run();
    let log = std::fs::read_to_string(crate::support::run::log_dir(&lab).join("w1.log"))
        .unwrap_or_default();
    for error in [
        "[ERROR FileAvailable--etc-kubernetes-bootstrap-kubelet.conf]: /etc/kubernetes/bootstrap-kubelet.conf already exists",
        "[ERROR Port-10250]: Port 10250 is in use",
        "[ERROR FileAvailable--etc-kubernetes-pki-ca.crt]: /etc/kubernetes/pki/ca.crt already exists",
    ] {
        assert!(
            refused.all().contains(error) || log.contains(error),
            "{error}:\n{}\n{log}",
            refused.all()
        );
    }

    // The fix the check gives works.
    let reset = lab.exec("w1", &["kubeadm", "reset", "-f"]);
    assert!(reset.status.success(), "{reset:?}");
    deploy().on(&lab).limit(LIMIT).arg("join").status(0).run();
    deploy()
        .on(&lab)
        .arg("check")
        .status(0)
        .stdout_has("w1 (")
        .run();
}

#[test]
fn a_missing_key_file_is_an_input_error_before_any_ssh() {
    let home = tempfile::tempdir().unwrap();
    let inventory = home.path().join("hosts.yml");
    std::fs::write(
        &inventory,
        "monitoring_nodes:\n  hosts:\n    masternode:\n      ansible_host: 127.0.0.1\n      ansible_port: 1\n      ansible_ssh_private_key_file: ~/.ssh/id_k3s\n",
    )
    .unwrap();
    let path = home.path().join(".ssh/id_k3s");
    for command in [&["check"][..], &["join"], &["all", "--yes"]] {
        let run = deploy()
            .env("HOME", home.path().to_str().unwrap())
            .args(["-i", inventory.to_str().unwrap()])
            .args(command)
            .status(2)
            .stderr_has(&format!(
                "host masternode: ansible_ssh_private_key_file: {} does not exist",
                path.display()
            ))
            .stderr_has("fix: point ansible_ssh_private_key_file at the private key")
            .run();
        assert!(!run.stderr.contains("refused"), "{}", run.stderr);
    }
}

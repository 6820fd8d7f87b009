//! `deploy prepare` against the lab, over real SSH, on fresh nodes (nothing
//! of Kubernetes installed, swap on, br_netfilter unloaded, ip_forward 0)
//! whose apt-get, dpkg-query, curl and gpg are the lab's: the whole
//! lifecycle from fresh hosts, a second prepare with nothing to do,
//! `--check`, `deploy all --prepare`, a version it will not change, each
//! way apt fails, and a mirror.

use std::fs;
use std::time::Duration;

use crate::support::lab::Lab;
use crate::support::run::{Run, deploy, log_dir, wait_for};

const LIMIT: Duration = Duration::from_secs(120);

/// masternode, the workers and (with `rke2`) homelab, all fresh; `options`
/// adds a node's options.
fn fresh(workers: &[&str], rke2: bool, options: &[(&str, &str)]) -> Option<Lab> {
    let mut builder = Lab::builder().control("masternode");
    for worker in workers {
        builder = builder.worker(worker);
    }
    if rke2 {
        builder = builder.rke2("homelab");
    }
    let mut nodes = vec!["masternode"];
    nodes.extend(workers);
    if rke2 {
        nodes.push("homelab");
    }
    for node in nodes {
        builder = builder.option(node, "fresh");
    }
    for (node, option) in options {
        builder = builder.option(node, option);
    }
    builder.start()
}

/// A command's stdout inside a node.
fn sh(lab: &Lab, node: &str, script: &str) -> String {
    let out = lab.exec(node, &["sh", "-c", script]);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn prepare(lab: &Lab, args: &[&str], status: i32) -> crate::support::run::Deploy {
    deploy()
        .on(lab)
        .limit(LIMIT)
        .arg("prepare")
        .args(args)
        .status(status)
}

fn all(lab: &Lab, args: &[&str]) -> Run {
    deploy()
        .on(lab)
        .limit(LIMIT)
        .arg("all")
        .args(["--yes"])
        .args(args)
        .status(0)
        .run()
}

/// Replaces the first `from` in the lab's inventory.
fn edit_inventory(lab: &Lab, from: &str, to: &str) {
    let text = fs::read_to_string(lab.inventory()).unwrap();
    assert!(text.contains(from), "{from:?} not in the inventory");
    fs::write(lab.inventory(), text.replacen(from, to, 1)).unwrap();
}

/// A kubeadm node as prepare leaves it: packages of 1.29 installed and
/// held, swap off now and in fstab, the kernel settings, containerd.
fn assert_prepared(lab: &Lab, node: &str) {
    let packages = sh(
        lab,
        node,
        "dpkg-query -W -f '${Package} ${Version}\\n' kubelet kubeadm kubectl containerd",
    );
    assert_eq!(
        packages,
        "kubelet 1.29.15-1.1\nkubeadm 1.29.15-1.1\nkubectl 1.29.15-1.1\ncontainerd 1.6.20~ds1-1+b1\n",
        "{node}"
    );
    assert_eq!(
        sh(lab, node, "apt-mark showhold"),
        "kubeadm\nkubectl\nkubelet\n",
        "{node}"
    );
    assert_eq!(
        sh(lab, node, "kubeadm version -o short"),
        "v1.29.15\n",
        "{node}"
    );
    assert_eq!(
        sh(lab, node, "systemctl is-enabled kubelet"),
        "enabled\n",
        "{node}"
    );
    assert_eq!(
        sh(lab, node, "cat /etc/apt/sources.list.d/kubernetes.list"),
        "deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.29/deb/ /\n",
        "{node}"
    );
    assert!(
        sh(
            lab,
            node,
            "cat /etc/apt/keyrings/kubernetes-apt-keyring.gpg"
        )
        .contains("lab signing key for https://pkgs.k8s.io/core:/stable:/v1.29/deb"),
        "{node}"
    );
    assert!(
        sh(lab, node, "cat /etc/containerd/config.toml").contains("SystemdCgroup = true"),
        "{node}"
    );
    assert_eq!(
        sh(lab, node, "cat /etc/crictl.yaml"),
        "runtime-endpoint: unix:///run/containerd/containerd.sock\nimage-endpoint: unix:///run/containerd/containerd.sock\n",
        "{node}"
    );
    assert!(
        lab.node_path(node, "/run/containerd/containerd.sock")
            .exists(),
        "{node}: containerd runs"
    );
    assert_kernel(lab, node);
}

/// Swap off (now and at boot), the modules and the sysctls.
fn assert_kernel(lab: &Lab, node: &str) {
    assert_eq!(sh(lab, node, "tail -n +2 /proc/swaps"), "", "{node}: swap");
    assert!(
        sh(lab, node, "cat /etc/fstab").contains("# /swapfile none swap sw 0 0"),
        "{node}: fstab's swap line is kept, commented"
    );
    assert_eq!(
        sh(lab, node, "cat /etc/modules-load.d/k8s.conf"),
        "overlay\nbr_netfilter\n",
        "{node}"
    );
    assert_eq!(
        sh(lab, node, "cat /etc/sysctl.d/k8s.conf"),
        "net.bridge.bridge-nf-call-iptables = 1\nnet.bridge.bridge-nf-call-ip6tables = 1\nnet.ipv4.ip_forward = 1\n",
        "{node}"
    );
    assert_eq!(
        sh(
            lab,
            node,
            "cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/bridge/bridge-nf-call-iptables"
        ),
        "1\n1\n",
        "{node}"
    );
}

fn cluster_nodes(lab: &Lab) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(lab.dir().join("cluster/nodes"))
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

#[test]
fn fresh_hosts_are_prepared_deployed_reset_and_deployed_again() {
    let Some(lab) = fresh(&["w1", "w2"], true, &[]) else {
        return;
    };
    let run = prepare(&lab, &["--with-rke2", "--yes"], 0)
        .stderr_has(&format!(
            "w1 ({}) will be prepared:\n      turn swap off (swapoff -a)",
            lab.address("w1")
        ))
        .stderr_has("install containerd kubelet=1.29.* kubeadm=1.29.* kubectl=1.29.*")
        .stderr_has("hold kubelet kubeadm kubectl (apt-mark hold)")
        .stdout_has("homelab     prepared: swap, modules, sysctls")
        .run();
    assert!(
        run.row("w1")
            .contains("prepared: swap, modules, sysctls, repository, packages, containerd, crictl, holds, kubelet"),
        "{}",
        run.stdout
    );
    for node in ["masternode", "w1", "w2"] {
        assert_prepared(&lab, node);
    }
    assert_kernel(&lab, "homelab");
    assert_eq!(
        sh(&lab, "homelab", "apt-mark showhold"),
        "",
        "the RKE2 host gets no packages"
    );

    // Again: nothing to do, nothing changed.
    let before = lab.snapshot();
    let again = prepare(&lab, &["--with-rke2", "--yes"], 0)
        .stderr_has(&format!(
            "masternode ({}): nothing to do",
            lab.address("masternode")
        ))
        .stderr_has("nothing to do: every host taking part is ready")
        .run();
    assert_eq!(lab.snapshot(), before, "the second prepare changed a host");
    for node in ["masternode", "w1", "w2", "homelab"] {
        assert!(
            again.row(node).contains("nothing to do"),
            "{}",
            again.stdout
        );
    }
    // For scripts: one valid event a line; the survey finds every host
    // ready, and the phase that changes hosts is skipped.
    let events = crate::events::events_of(
        &prepare(&lab, &["--with-rke2", "--yes", "--output", "jsonl"], 0).run(),
    );
    let finished = |phase: &str| {
        events
            .iter()
            .find(|event| event["event"] == "phase_finished" && event["phase"] == phase)
            .unwrap_or_else(|| panic!("no {phase}: {events:?}"))["details"]
            .clone()
    };
    assert_eq!(
        finished("readiness")["result"],
        "0 to prepare, 4 with nothing to do"
    );
    assert_eq!(finished("prepare")["outcome"], "skipped");
    let end = events.last().expect("events");
    assert_eq!(
        (&end["event"], &end["exit_code"]),
        (&"run_finished".into(), &0.into())
    );
    assert_eq!(
        lab.snapshot(),
        before,
        "a prepare with nothing to do changed a host"
    );

    all(&lab, &["--with-rke2"]);
    assert_eq!(cluster_nodes(&lab), ["masternode", "w1", "w2"]);
    assert!(lab.node_path("homelab", "/usr/local/bin/rke2").exists());
    deploy()
        .on(&lab)
        .limit(LIMIT)
        .args(["reset", "--with-rke2", "--yes"])
        .status(0)
        .run();
    assert!(cluster_nodes(&lab).is_empty());
    for node in ["masternode", "w1", "w2"] {
        assert_prepared(&lab, node);
    }
    all(&lab, &["--with-rke2"]);
    assert_eq!(cluster_nodes(&lab), ["masternode", "w1", "w2"]);

    let last = all(&lab, &["--with-rke2"]);
    for phase in [
        "control plane   kubeadm  skipped: already initialised",
        "workers         kubeadm  skipped: already joined",
        "RKE2            rke2     already running",
    ] {
        assert!(last.stdout.contains(phase), "{phase}\n{}", last.stdout);
    }
    assert_eq!(cluster_nodes(&lab), ["masternode", "w1", "w2"]);

    // A joined node's cgroup driver is its kubelet's: left alone.
    let cgroupfs =
        "sed -i 's/SystemdCgroup = true/SystemdCgroup = false/' /etc/containerd/config.toml";
    lab.exec("w1", &["sh", "-c", cgroupfs]);
    let before = lab.snapshot();
    prepare(&lab, &["--yes", "-l", "w1"], 0)
        .stderr_has(&format!("w1 ({}): nothing to do", lab.address("w1")))
        .run();
    assert_eq!(lab.snapshot(), before, "a joined node's config was changed");
}

#[test]
fn prepare_check_says_what_it_would_do_and_changes_nothing() {
    let Some(lab) = fresh(&["w1"], false, &[]) else {
        return;
    };
    let before = lab.snapshot();
    prepare(&lab, &["--check"], 0)
        .stdout_has(
            "prepare w1: turn swap off (swapoff -a); comment out the swap lines of /etc/fstab;",
        )
        .stdout_has("install containerd kubelet=1.29.* kubeadm=1.29.* kubectl=1.29.*")
        .run();
    assert_eq!(lab.snapshot(), before, "--check changed a host");
    assert_eq!(sh(&lab, "w1", "tail -n +2 /proc/swaps | wc -l"), "1\n");

    // No terminal to ask on and no --yes: exit 2, nothing changed.
    prepare(&lab, &[], 2)
        .without_terminal()
        .stderr_has("Prepare these 2 hosts?")
        .stderr_has("--yes")
        .run();
    assert_eq!(
        lab.snapshot(),
        before,
        "an unconfirmed prepare changed a host"
    );
}

#[test]
fn all_with_prepare_brings_fresh_hosts_up() {
    let Some(lab) = fresh(&["w1"], false, &[]) else {
        return;
    };
    // Without --prepare, a missing kubeadm stops everything, with its fix.
    deploy()
        .on(&lab)
        .limit(LIMIT)
        .args(["all", "--yes"])
        .status(1)
        .stderr_has("kubeadm not found on the control plane masternode")
        .stderr_has("fix: `deploy prepare -l masternode` installs it; or by hand:")
        .run();
    assert_eq!(
        sh(&lab, "w1", "tail -n +2 /proc/swaps | wc -l"),
        "1\n",
        "nothing changed"
    );

    // With --prepare, any other failing check still stops it before prepare.
    let label = "\"vmstation.io/role=storage\"";
    edit_inventory(&lab, label, "\"role=$(touch /tmp/x)\"");
    let before = lab.snapshot();
    deploy()
        .on(&lab)
        .limit(LIMIT)
        .args(["all", "--yes", "--prepare"])
        .status(1)
        .stderr_has("inventory.node-labels")
        .run();
    assert_eq!(lab.snapshot(), before, "a node changed");
    edit_inventory(&lab, "\"role=$(touch /tmp/x)\"", label);

    // Limited to w1, prepare does not survey the control plane: its
    // missing kubeadm is not deferred.
    deploy()
        .on(&lab)
        .limit(LIMIT)
        .args(["all", "--yes", "--prepare", "-l", "w1"])
        .status(1)
        .stderr_has("control-plane.kubeadm")
        .run();
    assert_eq!(lab.snapshot(), before, "a node changed");

    let run = all(&lab, &["--prepare"]);
    for phase in ["readiness", "prepare", "recheck", "workers"] {
        assert!(run.stdout.contains(phase), "{phase}\n{}", run.stdout);
    }
    assert!(run.row("recheck").contains("passed"), "{}", run.stdout);
    assert_eq!(cluster_nodes(&lab), ["masternode", "w1"]);
    assert_prepared(&lab, "w1");
}

#[test]
fn an_unquoted_version_is_a_usage_error_before_any_host_is_asked() {
    let Some(lab) = fresh(&["w1"], false, &[]) else {
        return;
    };
    edit_inventory(
        &lab,
        "kubernetes_version: \"1.29\"",
        "kubernetes_version: 1.30",
    );
    let before = lab.snapshot();
    prepare(&lab, &["--yes"], 2)
        .stderr_has("kubernetes_version is the number 1.3, not text")
        .stderr_has("quote it: kubernetes_version: \"1.30\"")
        .run();
    assert_eq!(lab.snapshot(), before, "a host was changed");
}

#[test]
fn containerd_2_gets_the_systemd_driver_and_a_users_config_is_kept() {
    let Some(lab) = fresh(&["w1"], false, &[("w1", "containerd2")]) else {
        return;
    };
    prepare(&lab, &["--yes"], 0).run();
    let config = sh(&lab, "w1", "cat /etc/containerd/config.toml");
    assert!(
        config.contains(
            "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]\n            SystemdCgroup = true\n"
        ),
        "{config}"
    );
    let before = lab.snapshot();
    prepare(&lab, &["--yes"], 0)
        .stderr_has("nothing to do: every host taking part is ready")
        .run();
    assert_eq!(lab.snapshot(), before, "the second prepare changed a host");

    // A config of the user's, with its registry mirrors and no runc options.
    let mirrors = "[plugins.'io.containerd.cri.v1.images'.registry]\n  config_path = '/etc/containerd/certs.d'\n";
    let user = format!("version = 3\n\n{mirrors}");
    let write = "printf '%s' \"$1\" >/etc/containerd/config.toml";
    lab.exec("w1", &["sh", "-c", write, "sh", &user]);
    prepare(&lab, &["--yes"], 0)
        .stderr_has("set SystemdCgroup = true in /etc/containerd/config.toml")
        .run();
    let config = sh(&lab, "w1", "cat /etc/containerd/config.toml");
    assert!(
        config.contains(mirrors),
        "the user's config was replaced: {config}"
    );
    assert!(
        config.contains(
            "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]\n  SystemdCgroup = true\n"
        ),
        "{config}"
    );
    prepare(&lab, &["--yes"], 0)
        .stderr_has("nothing to do: every host taking part is ready")
        .run();

    // The CRI off by its version 3 name, in single quotes, beside another
    // plugin: seen by the survey, and only its name taken off the list.
    let off = format!(
        "version = 3\ndisabled_plugins = ['io.containerd.cri.v1.runtime', 'io.containerd.snapshotter.v1.devmapper']\n\n{mirrors}\n[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]\n  SystemdCgroup = true\n"
    );
    lab.exec("w1", &["sh", "-c", write, "sh", &off]);
    prepare(&lab, &["--yes"], 0)
        .stderr_has("set SystemdCgroup = true in /etc/containerd/config.toml (CRI on)")
        .run();
    let config = sh(&lab, "w1", "cat /etc/containerd/config.toml");
    assert!(
        config.contains("disabled_plugins = [ 'io.containerd.snapshotter.v1.devmapper']\n"),
        "{config}"
    );
    prepare(&lab, &["--yes"], 0)
        .stderr_has("nothing to do: every host taking part is ready")
        .run();
}

#[test]
fn a_minimal_host_gets_curl_and_gpg_first() {
    let Some(lab) = fresh(&[], false, &[("masternode", "minimal")]) else {
        return;
    };
    prepare(&lab, &["--yes"], 0)
        .stderr_has("install curl ca-certificates gpg from the distribution's repository")
        .run();
    assert_prepared(&lab, "masternode");
    prepare(&lab, &["--yes"], 0)
        .stderr_has("nothing to do: every host taking part is ready")
        .run();
}

#[test]
fn a_version_of_another_minor_is_reported_and_never_changed() {
    let Some(lab) = fresh(&["w1"], false, &[]) else {
        return;
    };
    prepare(&lab, &["--yes"], 0).run();
    edit_inventory(
        &lab,
        "kubernetes_version: \"1.29\"",
        "kubernetes_version: \"1.30\"",
    );
    deploy()
        .on(&lab)
        .limit(LIMIT)
        .arg("check")
        .status(1)
        .stdout_has("✗ host.version-skew")
        .stdout_has("✗ host.version-skew             kubeadm v1.29.15 is installed, but kubernetes_version is 1.30 (another minor version)")
        .stdout_has("kubeadm='1.30.*'")
        .run();
    let before = lab.snapshot();
    let run = prepare(&lab, &["--yes"], 1)
        .stderr_has(&format!(
            "w1 ({}): kubeadm 1.29.15-1.1 is installed, kubernetes_version is 1.30: deploy prepare does not change a version",
            lab.address("w1")
        ))
        .stderr_has("sed -i 's|/v1.29/|/v1.30/|g' /etc/apt/sources.list.d/kubernetes.list && apt-get update && apt-mark unhold kubelet kubeadm kubectl && apt-get install -y kubelet='1.30.*'")
        .run();
    assert!(run.row("w1").contains("failed: refused"), "{}", run.stdout);
    assert_eq!(lab.snapshot(), before, "a version was changed");
    assert_eq!(sh(&lab, "w1", "kubeadm version -o short"), "v1.29.15\n");
}

#[test]
fn all_with_prepare_changes_no_host_when_one_is_refused() {
    let Some(lab) = fresh(&["w1", "w2"], false, &[]) else {
        return;
    };
    prepare(&lab, &["--yes", "-l", "w1"], 0).run();
    edit_inventory(
        &lab,
        "kubernetes_version: \"1.29\"",
        "kubernetes_version: \"1.30\"",
    );
    let before = lab.snapshot();
    deploy()
        .on(&lab)
        .limit(LIMIT)
        .args(["all", "--yes", "--prepare", "--ignore-check", "host.version-skew"])
        .status(1)
        .stderr_has("deploy prepare does not change a version")
        .stderr_has("a host was refused or could not be surveyed (said above, with its fix): nothing was changed on any host")
        .run();
    assert_eq!(lab.snapshot(), before, "a host was changed");
    assert_ne!(
        sh(&lab, "w2", "tail -n +2 /proc/swaps"),
        "",
        "w2's swap was turned off"
    );
}

#[test]
fn each_apt_failure_is_named_at_once_and_the_others_carry_on() {
    let Some(lab) = fresh(
        &["w1", "w2", "w3"],
        false,
        &[
            ("w1", "apt-unreachable"),
            ("w2", "dpkg-locked"),
            ("w3", "postinst-fail"),
        ],
    ) else {
        return;
    };
    let run = prepare(&lab, &["--yes"], 1)
        .stderr_has(&format!(
            "w1 ({}):\nPreparing the host failed!\nthe package repository could not be reached: ",
            lab.address("w1")
        ))
        .stderr_has("Could not resolve")
        .stderr_has("kubernetes_apt_repo and kubernetes_apt_key")
        .stderr_has("the dpkg lock is held by process ")
        .stderr_has(" (unattended-upgr)")
        .stderr_has("the package kubelet failed to configure: its post-installation script failed")
        .stderr_has("dpkg --configure -a")
        .run();
    assert!(run.took < Duration::from_secs(30), "{:?}", run.took);
    assert!(
        run.row("masternode").contains("prepared:"),
        "{}",
        run.stdout
    );
    for worker in ["w1", "w2", "w3"] {
        assert!(run.row(worker).contains("failed"), "{}", run.stdout);
    }
    assert_prepared(&lab, "masternode");

    // Once its postinst can succeed, the half-configured kubelet (and the
    // packages unpacked after it) are configured before anything else.
    let status = "dpkg-query -W -f '${Package} ${db:Status-Abbrev}\\n' kubelet kubeadm";
    assert_eq!(sh(&lab, "w3", status), "kubelet iF \nkubeadm iU \n");
    lab.exec("w3", &["rm", "/var/lib/lab/scenario/postinst-fail"]);
    prepare(&lab, &["--yes", "-l", "w3"], 0)
        .stderr_has("finish configuring kubelet kubeadm kubectl, which dpkg left half-done (dpkg --configure -a)")
        .run();
    assert_prepared(&lab, "w3");
    assert_eq!(sh(&lab, "w3", status), "kubelet hi \nkubeadm hi \n");
    prepare(&lab, &["--yes", "-l", "w3"], 0)
        .stderr_has("nothing to do: every host taking part is ready")
        .run();
}

#[test]
fn a_version_the_repository_lacks_is_named() {
    let Some(lab) = fresh(&[], false, &[]) else {
        return;
    };
    edit_inventory(
        &lab,
        "kubernetes_version: \"1.29\"",
        "kubernetes_version: \"v1.29.99\"",
    );
    prepare(&lab, &["--yes"], 1)
        .stderr_has("the version asked for is not in the repository: Version '1.29.99-*' for 'kubelet' was not found")
        .stderr_has("apt-cache madison kubeadm")
        .run();
}

#[test]
fn a_mirror_serves_the_packages() {
    let Some(lab) = fresh(&[], false, &[]) else {
        return;
    };
    let mirror = "http://mirror.lab.test/k8s/v1.29/deb/";
    fs::write(
        lab.node_path("masternode", "/var/lib/lab/repo/served"),
        "http://mirror.lab.test/\n",
    )
    .unwrap();
    // pkgs.k8s.io is out of reach here.
    prepare(&lab, &["--yes"], 1)
        .stderr_has("curl: (6) Could not resolve host: pkgs.k8s.io")
        .run();

    edit_inventory(
        &lab,
        "all:\n  vars:\n",
        "all:\n  vars:\n    kubernetes_apt_repo: \"not a url\"\n",
    );
    prepare(&lab, &["--yes"], 2)
        .stderr_has("kubernetes_apt_repo is \"not a url\", not a URL")
        .run();
    edit_inventory(&lab, "\"not a url\"", &format!("\"{mirror}\""));
    prepare(&lab, &["--yes"], 0)
        .stderr_has(&format!("add the repository {mirror}"))
        .run();
    assert_eq!(
        sh(
            &lab,
            "masternode",
            "cat /etc/apt/sources.list.d/kubernetes.list"
        ),
        format!("deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] {mirror} /\n")
    );
    assert!(
        sh(
            &lab,
            "masternode",
            "cat /etc/apt/keyrings/kubernetes-apt-keyring.gpg"
        )
        .contains("lab signing key for http://mirror.lab.test/k8s/v1.29/deb"),
    );
    assert_eq!(
        sh(&lab, "masternode", "kubeadm version -o short"),
        "v1.29.15\n"
    );
}

#[test]
fn firewalld_gets_each_roles_ports_once() {
    let Some(lab) = fresh(
        &["w1"],
        true,
        &[
            ("masternode", "firewalld"),
            ("w1", "firewalld"),
            ("homelab", "firewalld"),
        ],
    ) else {
        return;
    };
    prepare(&lab, &["--with-rke2", "--yes"], 0)
        .stderr_has(
            "open 9345/tcp 6443/tcp 10250/tcp 2379-2380/tcp 8472/udp 30000-32767/tcp in firewalld",
        )
        .run();
    let ports =
        |node| fs::read_to_string(lab.node_path(node, "/var/lib/lab/firewalld/runtime")).unwrap();
    assert_eq!(
        ports("masternode"),
        "10250/tcp\n10257/tcp\n10259/tcp\n2379-2380/tcp\n6443/tcp\n"
    );
    assert_eq!(ports("w1"), "10250/tcp\n30000-32767/tcp\n");
    assert!(
        ports("homelab").contains("8472/udp"),
        "{}",
        ports("homelab")
    );
    let before = lab.snapshot();
    prepare(&lab, &["--with-rke2", "--yes"], 0)
        .stderr_has("nothing to do: every host taking part is ready")
        .run();
    assert_eq!(lab.snapshot(), before);
}

#[test]
fn ctrl_c_leaves_the_preparation_running_and_the_next_run_attaches_to_it() {
    let Some(lab) = fresh(&[], false, &[]) else {
        return;
    };
    fs::write(
        lab.node_path("masternode", "/var/lib/lab/scenario/apt-delay"),
        "8\n",
    )
    .unwrap();
    let running = prepare(&lab, &["--yes"], 130)
        .stderr_has("the preparation keeps running on these hosts: masternode")
        .spawn();
    // The kernel settings come first; apt-get then waits.
    wait_for("the sysctls", Duration::from_secs(30), || {
        sh(&lab, "masternode", "cat /proc/sys/net/ipv4/ip_forward") == "1\n"
    });
    // The cluster is this run's: another stops at once, naming it.
    deploy()
        .on(&lab)
        .limit(LIMIT)
        .args(["all", "--yes"])
        .status(2)
        .stderr_has("deploy: error: another deploy is working on the cluster of ")
        .stderr_has(&format!("pid {}, `deploy prepare`, since ", running.pid()))
        .run();
    // SAFETY: kill(2) on our own child.
    unsafe { libc::kill(running.pid() as i32, libc::SIGINT) };
    let run = running.finish();
    assert!(run.took < Duration::from_secs(8), "{:?}", run.took);

    prepare(&lab, &["--yes"], 0).run();
    let log = fs::read_to_string(log_dir(&lab).join("masternode.log")).unwrap();
    assert!(
        log.contains("attached to the job already running there"),
        "{log}"
    );
    assert_prepared(&lab, "masternode");
}

#[test]
fn rhel_kubeadm_nodes_get_their_packages_through_dnf() {
    let Some(lab) = fresh(&["w1"], false, &[("masternode", "rhel"), ("w1", "rhel")]) else {
        return;
    };
    // No containerd package in Rocky's repositories: refused, unchanged.
    let before = lab.snapshot();
    prepare(&lab, &["--yes"], 1)
        .stderr_has(&format!(
            "w1 ({}): containerd is not installed, and Red Hat's family ships no containerd package",
            lab.address("w1")
        ))
        .stderr_has("dnf install -y containerd.io")
        .run();
    assert_eq!(lab.snapshot(), before, "a refused host was changed");
    // containerd.io, installed as Docker's repository would.
    for node in ["masternode", "w1"] {
        let install = "cp /var/lib/lab/pkgs/containerd /usr/bin/containerd";
        lab.exec(node, &["sh", "-c", install]);
    }
    prepare(&lab, &["--yes"], 0)
        .stderr_has("install kubelet-1.29.* kubeadm-1.29.* kubectl-1.29.*")
        .stderr_has("add the repository https://pkgs.k8s.io/core:/stable:/v1.29/rpm/ (/etc/yum.repos.d/kubernetes.repo)")
        .run();
    for node in ["masternode", "w1"] {
        let repo = sh(&lab, node, "cat /etc/yum.repos.d/kubernetes.repo");
        assert!(
            repo.contains("baseurl=https://pkgs.k8s.io/core:/stable:/v1.29/rpm/\n"),
            "{repo}"
        );
        assert!(repo.contains("exclude=kubelet kubeadm kubectl"), "{repo}");
        assert_eq!(
            sh(
                &lab,
                node,
                "rpm -q --qf '%{VERSION}\\n' kubeadm kubelet kubectl"
            ),
            "1.29.15\n1.29.15\n1.29.15\n"
        );
        assert_kernel(&lab, node);
    }
    prepare(&lab, &["--yes"], 0)
        .stderr_has("nothing to do: every host taking part is ready")
        .run();
    all(&lab, &[]);
    assert_eq!(cluster_nodes(&lab), ["masternode", "w1"]);
}

//! `deploy check` against the lab, over real SSH: each failure produced for
//! real, asserted in the human table, the JSON document and the exit status.

use std::fs;
use std::time::Duration;

use serde_json::Value;

use crate::pty;
use crate::support::lab::{Lab, LabBuilder};
use crate::support::run::{Deploy, Run, deploy, lab_args};
use crate::support::scenario::Scenario;

/// The checks of a `deploy check --output json` run.
trait Findings {
    /// The findings of `id` on `host` (`None`: cluster-wide).
    fn findings(&self, id: &str, host: Option<&str>) -> Vec<Value>;

    /// The one finding of `id` on `host`.
    fn one(&self, id: &str, host: Option<&str>) -> Value;
}

impl Findings for Run {
    fn findings(&self, id: &str, host: Option<&str>) -> Vec<Value> {
        let json = self.json();
        let checks = json["checks"]
            .as_array()
            .expect("checks is an array")
            .clone();
        checks
            .into_iter()
            .filter(|c| c["id"] == id && c["host"].as_str() == host)
            .collect()
    }

    fn one(&self, id: &str, host: Option<&str>) -> Value {
        let found = self.findings(id, host);
        assert_eq!(found.len(), 1, "{id} on {host:?}: {}", self.stdout);
        found[0].clone()
    }
}

/// `deploy <lab args> check ARGS...`
fn check(lab: &Lab, args: &[&str]) -> Deploy {
    deploy()
        .on(lab)
        .arg("check")
        .args(args)
        .limit(Duration::from_secs(60))
}

fn cluster(extra: impl FnOnce(LabBuilder) -> LabBuilder) -> Option<Lab> {
    extra(
        Lab::builder()
            .control("m")
            .worker("w1")
            .worker("w2")
            .rke2("r"),
    )
    .start()
}

#[test]
fn a_clean_lab_passes_with_a_documented_json_report() {
    let Some(lab) = cluster(|b| b) else { return };

    let human = check(&lab, &[])
        .status(0)
        .stdout_has(&format!("m ({})", lab.address("m")))
        .stdout_has("✓ control-plane.kubeadm")
        .run();
    assert!(
        human.stdout.lines().last().unwrap().starts_with("ready: "),
        "{}",
        human.stdout
    );

    let run = check(&lab, &["--output", "json"]).status(0).run();
    let json = run.json();
    // The schema of README "JSON report".
    let hosts = json["hosts"].as_array().unwrap();
    let names: Vec<&str> = hosts.iter().map(|h| h["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["m", "w1", "w2", "r"]);
    for host in hosts {
        assert!(host["address"].as_str().unwrap().starts_with("127."));
        assert!(host["os"].is_string() && host["arch"].is_string());
        assert_eq!(host["reachable"], true);
    }
    for check in json["checks"].as_array().unwrap() {
        let keys: Vec<&str> = check
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["id", "host", "status", "message", "hint", "ignored"]);
        assert!(
            ["pass", "warn", "skip"].contains(&check["status"].as_str().unwrap()),
            "{check}"
        );
        assert!(check["host"].is_string() || check["host"].is_null());
    }
    let summary = &json["summary"];
    assert_eq!(summary["fail"], 0);
    assert!(summary["pass"].as_u64().unwrap() > 30, "{summary}");
    // Before `kubeadm init` the endpoint check waits for `deploy all`.
    assert_eq!(
        run.one("worker.endpoint-reachable", Some("w1"))["status"],
        "skip"
    );
}

#[test]
fn kubeadm_missing_on_the_control_plane_fails_naming_host_address_and_fix() {
    let Some(lab) = cluster(|b| b.option("m", "no-kubeadm")) else {
        return;
    };

    let run = check(&lab, &["--output", "json"]).status(1).run();
    assert!(run.took < Duration::from_secs(5), "took {:?}", run.took);
    let finding = run.one("control-plane.kubeadm", Some("m"));
    assert_eq!(finding["status"], "fail");
    assert_eq!(
        finding["message"],
        format!(
            "kubeadm not found on the control plane m ({})",
            lab.address("m")
        )
    );
    assert!(
        finding["hint"].as_str().unwrap().contains("pkgs.k8s.io"),
        "{finding}"
    );
    assert_eq!(run.json()["summary"]["fail"], 1);

    check(&lab, &[])
        .status(1)
        .stdout_has("✗ control-plane.kubeadm")
        .stdout_has("fix: `deploy prepare -l m` installs it; or by hand:")
        .stdout_has("install kubeadm on m from pkgs.k8s.io")
        .run();

    let ignored = check(
        &lab,
        &[
            "--output",
            "json",
            "--ignore-check",
            "control-plane.kubeadm",
        ],
    )
    .status(0)
    .run();
    let finding = ignored.one("control-plane.kubeadm", Some("m"));
    assert_eq!(
        (&finding["status"], &finding["ignored"]),
        (&"warn".into(), &true.into())
    );
    // Ignored warnings do not fail --strict.
    check(&lab, &["--strict", "--ignore-check", "all"])
        .status(0)
        .stdout_has("(ignored)")
        .run();
}

#[test]
fn worker_failures_are_each_found_on_their_worker() {
    let Some(lab) = cluster(|b| {
        b.option("w1", "no-kubeadm")
            .option("w1", "swap")
            .option("w2", "no-runtime-socket")
            .option("w2", "no-br-netfilter")
    }) else {
        return;
    };

    let run = check(&lab, &["--output", "json"]).status(1).run();
    let kubeadm = run.one("worker.kubeadm", Some("w1"));
    assert_eq!(kubeadm["status"], "fail");
    assert_eq!(
        kubeadm["message"],
        format!("kubeadm not found on the worker w1 ({})", lab.address("w1"))
    );
    let swap = run.one("worker.swap", Some("w1"));
    assert_eq!(swap["status"], "fail");
    assert!(
        swap["message"]
            .as_str()
            .unwrap()
            .contains("swap is on (1 area(s)"),
        "{swap}"
    );
    assert!(swap["hint"].as_str().unwrap().starts_with("swapoff -a"));
    let socket = run.one("worker.runtime-socket", Some("w2"));
    assert_eq!(socket["status"], "fail");
    assert!(
        socket["message"]
            .as_str()
            .unwrap()
            .contains("/run/containerd/containerd.sock not found")
    );
    let modules = run.one("worker.kernel-modules", Some("w2"));
    assert_eq!(modules["status"], "fail");
    assert!(
        modules["message"]
            .as_str()
            .unwrap()
            .contains("br_netfilter not loaded")
    );
    // Each failure stays on its own host.
    assert_eq!(run.one("worker.swap", Some("w2"))["status"], "pass");
    assert_eq!(run.one("worker.kubeadm", Some("w2"))["status"], "pass");
    assert_eq!(run.json()["summary"]["fail"], 4);
}

#[test]
fn the_endpoint_is_tried_from_the_worker_once_the_control_plane_exists() {
    let Some(lab) = Lab::builder().control("m").worker("w1").start() else {
        return;
    };
    let admin = lab.node_path("m", "/etc/kubernetes/admin.conf");
    fs::create_dir_all(admin.parent().unwrap()).unwrap();
    fs::write(&admin, "apiVersion: v1\nkind: Config\n").unwrap();

    // Initialised, but nothing answers on the endpoint.
    let run = check(&lab, &["--output", "json"]).status(1).run();
    let endpoint = format!("{}:6443", lab.address("m"));
    let finding = run.one("worker.endpoint-reachable", Some("w1"));
    assert_eq!(finding["status"], "fail");
    assert!(
        finding["message"].as_str().unwrap().contains(&endpoint),
        "{finding}"
    );
    assert!(
        finding["hint"]
            .as_str()
            .unwrap()
            .contains(&format!("curl -k https://{endpoint}/healthz"))
    );
    assert!(
        run.one("control-plane.ports", Some("m"))["message"]
            .as_str()
            .unwrap()
            .contains("already initialised")
    );

    // What `deploy all` calls right after `kubeadm init`: only this check.
    let inventory = deploy::inventory::Inventory::load(&lab.inventory()).unwrap();
    let cluster = deploy::cluster::build(
        &inventory,
        Some("w1"),
        deploy::cluster::Rke2::Excluded,
        &deploy::passwords::Keyring::default(),
    )
    .unwrap();
    let session = deploy::remote::Session::new(Duration::from_secs(3)).unwrap();
    let ignore = deploy::checks::Ignore::none();
    let ctx = deploy::preflight::Checker {
        cluster: &cluster,
        session: &session,
        forks: 4,
        ignore: &ignore,
        ui: deploy::ui::Ui::new(deploy::ui::Color::Never, true, 0),
        woke: None,
    };
    let report = deploy::preflight::endpoint_after_init(&ctx, &cluster.participants(true)).unwrap();
    let ids: Vec<&str> = report.checks.iter().map(|f| f.id).collect();
    assert_eq!(ids, ["worker.endpoint-reachable"]);
    assert!(report.ensure_passed().is_err());
    assert_eq!(
        report.hosts.len(),
        2,
        "the control plane is probed despite --limit w1"
    );

    // An API server answering there (the nodes share this network).
    let _api = std::net::TcpListener::bind(&endpoint).unwrap();
    let run = check(&lab, &["--output", "json"]).status(0).run();
    assert_eq!(
        run.one("worker.endpoint-reachable", Some("w1"))["status"],
        "pass"
    );
}

#[test]
fn unreachable_and_refused_logins_are_named_without_delaying_the_others() {
    let Some(lab) = cluster(|b| b.option("w2", "no-sshd")) else {
        return;
    };
    // w1's sshd no longer knows our key.
    fs::write(lab.node_path("w1", "/var/lib/lab/authorized_keys"), "").unwrap();

    let run = check(&lab, &["--output", "json"]).status(1).run();
    // Well inside the 20 s connect bound: nobody waited on it.
    assert!(run.took < Duration::from_secs(10), "took {:?}", run.took);
    let refused = run.one("host.reachable", Some("w2"));
    assert_eq!(refused["status"], "fail");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("refused the SSH connection"),
        "{refused}"
    );
    let denied = run.one("host.reachable", Some("w1"));
    assert_eq!(denied["status"], "fail");
    assert!(
        denied["message"]
            .as_str()
            .unwrap()
            .contains("did not accept the SSH key"),
        "{denied}"
    );
    assert!(
        denied["hint"].as_str().unwrap().contains("ssh-copy-id"),
        "{denied}"
    );
    // Nothing else is judged on a host that gave no answer; the rest are.
    assert_eq!(run.findings("worker.swap", Some("w2")).len(), 0);
    assert_eq!(
        run.one("control-plane.kubeadm", Some("m"))["status"],
        "pass"
    );
    let hosts = run.json()["hosts"].clone();
    assert_eq!(hosts[2]["reachable"], false);
    assert!(hosts[2]["os"].is_null());
}

#[test]
fn become_works_and_a_sudo_that_wants_a_password_fails_host_sudo() {
    let Some(lab) = cluster(|b| b.option("w1", "sudo-password").option("w2", "become")) else {
        return;
    };
    let run = check(&lab, &["--output", "json"]).status(1).run();
    assert_eq!(run.one("host.reachable", Some("w1"))["status"], "pass");
    let sudo = run.one("host.sudo", Some("w1"));
    assert_eq!(sudo["status"], "fail");
    assert!(
        sudo["message"].as_str().unwrap().contains("password"),
        "{sudo}"
    );
    // w2 logs in as `deployer` and the probe runs through `sudo -n`.
    let through_sudo = run.one("host.sudo", Some("w2"));
    assert_eq!(through_sudo["status"], "pass", "{through_sudo}");
    assert!(
        through_sudo["message"]
            .as_str()
            .unwrap()
            .ends_with("runs as root")
    );
    assert_eq!(run.one("worker.swap", Some("w2"))["status"], "pass");
}

/// Usage and inventory errors exit 2 before any host is asked.
#[test]
fn usage_and_inventory_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let refused = |args: &[&str]| deploy().current_dir(dir.path()).args(args).status(2);
    refused(&["-i", "nowhere.yml", "check"])
        .stderr_has("nowhere.yml")
        .run();
    refused(&["-i", "nowhere.yml", "check", "--ignore-check", "swap"])
        .stderr_has("\"swap\": no check has this id")
        .stderr_has("fix: use `all` or one of: inventory.control-plane")
        .run();
    fs::write(dir.path().join("bad.yml"), "all:\n  hosts: [a, b]\n").unwrap();
    // No report for an inventory error.
    refused(&["-i", "bad.yml", "check", "--output", "json"])
        .stdout_is("")
        .run();
}

#[test]
fn a_clock_far_from_the_others_fails_by_name() {
    let Some(lab) = cluster(|b| b.option("w2", "clock-skew=90")) else {
        return;
    };

    let run = check(&lab, &["--output", "json"]).status(1).run();
    let skew = run.one("cluster.clock-skew", Some("w2"));
    assert_eq!(skew["status"], "fail");
    assert!(
        skew["message"]
            .as_str()
            .unwrap()
            .contains("ahead of the median"),
        "{skew}"
    );
    assert_eq!(run.findings("cluster.clock-skew", Some("w1")).len(), 0);
}

#[test]
fn limit_narrows_the_hosts_and_unknown_ids_are_usage_errors() {
    let Some(lab) = cluster(|b| b.option("w2", "swap")) else {
        return;
    };
    check(&lab, &["--output", "json"]).status(1).run();

    let json = deploy()
        .on(&lab)
        .args(["--limit", "w1", "check", "--output", "json"])
        .status(0)
        .run()
        .json();
    assert_eq!(json["hosts"].as_array().unwrap().len(), 1);
    assert_eq!(json["hosts"][0]["name"], "w1");

    check(&lab, &["--ignore-check", "worker.swp"])
        .status(2)
        .stderr_has("--ignore-check \"worker.swp\": no check has this id")
        .stderr_has("worker.swap")
        .stdout_is("")
        .run();
}

#[test]
fn a_terminal_sees_the_hosts_answer_and_a_pipe_sees_only_the_report() {
    let Some(lab) = cluster(|b| b.option("w2", "slow")) else {
        return;
    };
    // w2's probe takes over 2 s: long enough to be drawn waiting.
    lab.set_scenario("w2", &Scenario::Slow(Duration::from_secs(2)));
    let base = lab_args(&lab);
    let mut args: Vec<&str> = base.iter().map(String::as_str).collect();
    args.push("check");
    let screen = pty::run(&args, &[], lab.dir(), Duration::from_secs(60));
    assert_eq!(screen.code, 0, "{}", screen.text());
    let drawn = screen.text();
    assert!(drawn.contains("checking hosts"), "{drawn}");
    assert!(drawn.contains("/4  waiting for w2"), "{drawn}");
    // Cleared once every host answered: the report stands alone.
    let lines = screen.lines();
    assert!(
        !lines.iter().any(|line| line.contains("checking hosts")),
        "{}",
        lines.join("\n")
    );
    assert!(
        lines.iter().any(|line| line.starts_with("w2 ")),
        "{}",
        lines.join("\n")
    );

    let piped = check(&lab, &[]).run();
    assert!(!piped.stderr.contains("checking hosts"), "{}", piped.stderr);
}

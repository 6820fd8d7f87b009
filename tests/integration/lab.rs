//! The lab itself: nodes reachable over real SSH with the inventory's own
//! settings, private filesystems, and a teardown that leaves nothing behind.

use std::collections::BTreeSet;
use std::fs;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_yaml::Value;

use crate::support::lab::Lab;
use crate::support::scenario::Scenario;

/// `ssh` with exactly the connection variables the inventory gives `node`.
fn ssh(lab: &Lab, node: &str, remote: &str) -> Output {
    ssh_within(lab, node, remote, 30)
}

/// `ssh` as above, giving up connecting after `connect_timeout` seconds.
fn ssh_within(lab: &Lab, node: &str, remote: &str, connect_timeout: u32) -> Output {
    let text = fs::read_to_string(lab.inventory()).unwrap();
    let inventory: Value = serde_yaml::from_str(&text).unwrap();
    let host = ["monitoring_nodes", "storage_nodes", "compute_nodes"]
        .iter()
        .find_map(|group| inventory[group]["hosts"].get(node))
        .unwrap_or_else(|| panic!("{node} is not in the inventory:\n{text}"));
    let var = |name: &str| {
        host[name]
            .as_str()
            .map(str::to_string)
            .or(host[name].as_u64().map(|n| n.to_string()))
    };
    let mut cmd = Command::new("ssh");
    cmd.args(shlex::split(&var("ansible_ssh_common_args").unwrap()).unwrap())
        .args(["-o", "BatchMode=yes", "-o"])
        .arg(format!("ConnectTimeout={connect_timeout}"))
        .args(["-p", &var("ansible_port").unwrap()])
        .args(["-i", &var("ansible_ssh_private_key_file").unwrap()])
        .arg(format!(
            "{}@{}",
            var("ansible_user").unwrap(),
            var("ansible_host").unwrap()
        ))
        .arg(remote);
    cmd.output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn every_node_answers_over_ssh_with_the_inventorys_settings() {
    let Some(lab) = Lab::builder()
        .control("masternode")
        .worker("storagenodet3500")
        .rke2("homelab")
        .option("homelab", "become")
        .start()
    else {
        return;
    };
    for node in ["masternode", "storagenodet3500", "homelab"] {
        let out = ssh(&lab, node, "hostname; id -u");
        assert!(
            out.status.success(),
            "ssh {node}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let expected_uid = if node == "homelab" { "2001" } else { "0" };
        assert_eq!(stdout(&out), format!("{node}\n{expected_uid}"));
    }
    let out = ssh(&lab, "homelab", "sudo -n id -u");
    // The nodes take .2, .3, .4 of one subnet, in the order given.
    let subnet = |node: &str| lab.address(node).rsplit_once('.').unwrap().0.to_string();
    assert_eq!(subnet("masternode"), subnet("homelab"));
    assert!(lab.address("masternode").ends_with(".2") && lab.address("homelab").ends_with(".4"));
    assert_eq!(
        stdout(&out),
        "0",
        "become: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn sudo_password_makes_sudo_ask_and_a_missing_sshd_refuses() {
    let Some(lab) = Lab::builder()
        .control("c")
        .worker("w")
        .option("w", "sudo-password")
        .worker("gone")
        .option("gone", "no-sshd")
        .start()
    else {
        return;
    };
    let out = ssh(&lab, "w", "sudo -n true");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("sudo: a password is required"));
    let out = ssh(&lab, "gone", "true");
    assert_eq!(out.status.code(), Some(255));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Connection refused"),
        "{out:?}"
    );
}

/// A magic packet for `mac` to the lab's listener (the inventory's
/// `wol_broadcast` and `wol_port`), as a Wake-on-LAN sender makes it.
fn wake(lab: &Lab, mac: &str) {
    let text = fs::read_to_string(lab.inventory()).unwrap();
    let inventory: Value = serde_yaml::from_str(&text).unwrap();
    let vars = &inventory["all"]["vars"];
    let to = format!(
        "{}:{}",
        vars["wol_broadcast"].as_str().unwrap(),
        vars["wol_port"].as_u64().unwrap()
    );
    let octets: Vec<u8> = mac
        .split(':')
        .map(|octet| u8::from_str_radix(octet, 16).unwrap())
        .collect();
    let mut packet = vec![0xFF; 6];
    for _ in 0..16 {
        packet.extend_from_slice(&octets);
    }
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.send_to(&packet, to).unwrap();
}

#[test]
fn a_powered_off_node_answers_nothing_until_a_magic_packet_for_its_mac() {
    let Some(lab) = Lab::builder().control("c").worker("w").start() else {
        return;
    };
    let out = ssh(&lab, "w", "echo before > /etc/kubernetes/kept");
    assert!(out.status.success(), "{out:?}");
    lab.set_scenario("w", &Scenario::BootDelay(Duration::from_millis(500)));
    lab.power_off("w");
    assert!(lab.asleep("w"));
    // As a sleeping machine: no refusal, ssh waits out its timeout.
    let out = ssh_within(&lab, "w", "true", 2);
    assert_eq!(out.status.code(), Some(255));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Connection timed out"),
        "{out:?}"
    );
    // Another card's packet changes nothing.
    wake(&lab, "02:00:00:00:00:01");
    std::thread::sleep(Duration::from_millis(1500));
    assert!(lab.asleep("w"));
    let woken = Instant::now();
    wake(&lab, &lab.mac("w"));
    while lab.asleep("w") {
        assert!(woken.elapsed() < Duration::from_secs(10), "w never woke");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        woken.elapsed() >= Duration::from_millis(500),
        "before its boot delay"
    );
    assert_eq!(
        stdout(&ssh(&lab, "w", "hostname; cat /etc/kubernetes/kept")),
        "w\nbefore"
    );
    let log = lab.wol_log();
    assert!(
        log.contains("(102 bytes, 02:00:00:00:00:01): no node has that MAC, ignored"),
        "{log}"
    );
    assert!(
        log.contains(&format!("for {}: w powers on, sshd in 0.5s", lab.mac("w"))),
        "{log}"
    );
    assert!(log.contains("w is up: its sshd started"), "{log}");
    // The listener goes with the lab.
    let pid = fs::read_to_string(lab.dir().join("run/wol.pid")).unwrap();
    drop(lab);
    let stat = fs::read_to_string(format!("/proc/{}/stat", pid.trim())).unwrap_or_default();
    assert!(
        stat.is_empty() || stat.contains(") Z "),
        "the listener still runs: {stat}"
    );
}

#[test]
fn each_node_has_its_own_files() {
    let Some(lab) = Lab::builder().control("a").worker("b").start() else {
        return;
    };
    let out = ssh(
        &lab,
        "a",
        "echo secret > /etc/kubernetes/only-a; echo x > /etc/sysctl.d/lab-only-a.conf",
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        fs::read_to_string(lab.node_path("a", "/etc/kubernetes/only-a")).unwrap(),
        "secret\n"
    );
    for path in ["/etc/kubernetes/only-a", "/etc/sysctl.d/lab-only-a.conf"] {
        assert!(
            !lab.exec("b", &["test", "-e", path]).status.success(),
            "{path} leaked to b"
        );
        assert!(
            !std::path::Path::new(path).exists(),
            "{path} leaked to the host"
        );
    }
    assert!(
        lab.snapshot()
            .contains_key("a:/etc/sysctl.d/lab-only-a.conf")
    );
    // A node's processes are all a node sees.
    let ps = stdout(&lab.exec("b", &["ps", "-eo", "args"]));
    assert!(!ps.contains("nodes/a"), "b sees a's processes:\n{ps}");
}

/// The pid and mount namespaces of a node's init.
fn namespaces(pid: u32) -> BTreeSet<String> {
    ["pid", "mnt"]
        .iter()
        .map(|ns| {
            fs::read_link(format!("/proc/{pid}/ns/{ns}"))
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

/// Processes of this machine in any of `spaces`, as their /proc stat lines.
fn processes_in(spaces: &BTreeSet<String>) -> Vec<String> {
    let mut found = Vec::new();
    for entry in fs::read_dir("/proc").unwrap().flatten() {
        let pid = entry.file_name().to_string_lossy().into_owned();
        if !pid.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        for ns in ["pid", "mnt"] {
            if let Ok(link) = fs::read_link(format!("/proc/{pid}/ns/{ns}"))
                && spaces.contains(&*link.to_string_lossy())
            {
                let stat = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
                found.push(stat);
            }
        }
    }
    found
}

#[test]
fn down_leaves_no_process_and_no_mount() {
    let Some(lab) = Lab::builder().control("c").worker("w").start() else {
        return;
    };
    let out = ssh(
        &lab,
        "w",
        "setsid nohup sleep 600 >/dev/null 2>&1 < /dev/null & echo started",
    );
    assert_eq!(stdout(&out), "started");
    let mut spaces = BTreeSet::new();
    let mut inits = Vec::new();
    for node in ["c", "w"] {
        let pid = lab.init_pid(node).expect("node init running");
        spaces.extend(namespaces(pid));
        inits.push(pid);
    }
    assert!(
        processes_in(&spaces).len() >= 4,
        "sshd and sleep in the nodes"
    );
    let dir = lab.dir().to_path_buf();
    let down = || {
        Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/lab/lab"))
            .arg("down")
            .arg(&dir)
            .output()
            .unwrap()
    };
    assert!(down().status.success());
    // On a loaded machine the kernel may still be tearing the last tasks
    // down just after their init was reaped: allow it a moment.
    let mut left = processes_in(&spaces);
    for _ in 0..40 {
        if left.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        left = processes_in(&spaces);
    }
    assert_eq!(
        left,
        Vec::<String>::new(),
        "processes left in the nodes' namespaces"
    );
    for pid in inits {
        let state = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        assert!(
            state.is_empty() || state.contains(") Z "),
            "init {pid} still runs: {state}"
        );
    }
    let mounts = fs::read_to_string("/proc/self/mountinfo").unwrap();
    assert!(
        !mounts.contains(&*dir.to_string_lossy()),
        "a lab mount is left:\n{mounts}"
    );
    assert!(down().status.success(), "down twice");
    drop(lab);
}

#[test]
fn a_detached_job_survives_an_sshd_restart() {
    let Some(lab) = Lab::builder().worker("w").start() else {
        return;
    };
    let out = ssh(
        &lab,
        "w",
        "setsid nohup sleep 600 >/dev/null 2>&1 < /dev/null & echo $!",
    );
    let job = stdout(&out);
    lab.restart_sshd("w");
    let out = ssh(&lab, "w", &format!("kill -0 {job} && echo alive"));
    assert_eq!(stdout(&out), "alive", "{out:?}");
}

#[test]
fn start_time_for_3_and_30_nodes() {
    for count in [3, 30] {
        let mut builder = Lab::builder().control("c");
        for n in 1..count {
            builder = builder.worker(&format!("w{n}"));
        }
        let started = Instant::now();
        let Some(lab) = builder.start() else { return };
        let up = started.elapsed();
        let last = format!("w{}", count - 1);
        assert_eq!(stdout(&ssh(&lab, &last, "hostname")), last);
        let stopping = Instant::now();
        drop(lab);
        eprintln!(
            "lab of {count} nodes: up in {up:.2?}, down in {:.2?}",
            stopping.elapsed()
        );
    }
}

#[test]
fn scenario_switches_written_outside_are_seen_inside() {
    let Some(lab) = Lab::builder().worker("w").start() else {
        return;
    };
    let delay = Scenario::JoinDelay(Duration::from_secs(3));
    lab.set_scenario("w", &delay);
    let cat = |lab: &Lab| stdout(&lab.exec("w", &["cat", "/var/lib/lab/scenario/join-delay"]));
    assert_eq!(cat(&lab), "3");
    lab.clear_scenario("w", &delay);
    assert_eq!(cat(&lab), "");
}

/// Each `Scenario` as the fakes read it, through their own readers in
/// /var/lib/lab/lib/fake.sh: the typed values and the shell agree.
#[test]
fn each_scenario_means_to_the_fakes_what_it_says() {
    let Some(lab) = Lab::builder()
        .worker("w")
        .option("w", "clock-skew=0")
        .start()
    else {
        return;
    };
    let means = |scenario: Scenario, shell: &str, expected: (i32, &str)| {
        lab.set_scenario("w", &scenario);
        let script = format!(". /var/lib/lab/lib/fake.sh; {{ {shell}; }} 2>&1");
        let out = lab.exec("w", &["bash", "-c", &script]);
        lab.clear_scenario("w", &scenario);
        let got = (out.status.code().unwrap_or(-1), stdout(&out));
        assert_eq!((got.0, got.1.as_str()), expected, "{scenario:?}");
    };
    let (ms, s) = (Duration::from_millis, Duration::from_secs);
    means(
        Scenario::JoinDelay(ms(1500)),
        "scenario_number join-delay 1",
        (0, "1.5"),
    );
    means(
        Scenario::ApiDelay(s(1000)),
        "scenario_number api-delay 0",
        (0, "1000"),
    );
    let ready_at = "echo $(($(scenario_number notready 0) + 1))";
    means(Scenario::NotReady(s(1000)), ready_at, (0, "1001"));
    means(
        Scenario::Rke2Delay(ms(2500)),
        "scenario_number rke2-delay 1",
        (0, "2.5"),
    );
    means(
        Scenario::JoinHang,
        "scenario join-hang && echo set",
        (0, "set"),
    );
    let join_fail = Scenario::JoinFail {
        code: 3,
        stderr: "boom".into(),
    };
    means(join_fail, "fail_scenario join-fail 9 default", (3, "boom"));
    let late_fail = Scenario::JoinLateFail {
        code: 5,
        stderr: "late".into(),
    };
    means(
        late_fail,
        "fail_scenario join-late-fail 9 default",
        (5, "late"),
    );
    let init_fail = Scenario::InitFail {
        code: 4,
        stderr: String::new(),
    };
    means(
        init_fail,
        "fail_scenario init-fail 9 default",
        (4, "default"),
    );
    let journal = Some("level=fatal".to_string());
    means(
        Scenario::Rke2Fail(journal),
        "scenario rke2-fail",
        (0, "level=fatal"),
    );
    let journal = "v=$(scenario rke2-fail) && echo \"${v:-default}\"";
    means(Scenario::Rke2Fail(None), journal, (0, "default"));
    // Rounded to the minute: a second may tick between the two dates.
    let skew = "echo $((($(date +%s) - $(/bin/date +%s) - 30) / 60))";
    means(Scenario::ClockSkew(-3600), skew, (0, "-60"));
}

//! Waking sleeping nodes with Wake-on-LAN against the lab, over real SSH:
//! `deploy wake`, `--wake` before preflight, a card that ignores its
//! packet, a pasted `ip link` line as wol_mac, and the way to wake a host
//! preflight could not reach. Every packet goes to the lab's listener on
//! its loopback address (the inventory's wol_broadcast).

use std::fs;
use std::time::Duration;

use crate::support::lab::{Lab, cluster};
use crate::support::run::{Deploy, deploy, log_dir};
use crate::support::scenario::Scenario;

const LIMIT: Duration = Duration::from_secs(120);

/// `deploy` on `lab` with a connect timeout short enough that looking at
/// a sleeping node (whose address answers nothing) takes seconds, and long
/// enough that a loaded machine still reaches an awake one.
fn on(lab: &Lab) -> Deploy {
    deploy()
        .arg("-i")
        .arg(lab.inventory())
        .arg("--log-dir")
        .arg(log_dir(lab))
        .args(["--connect-timeout", "5s"])
        .limit(LIMIT)
}

/// Replaces `node`'s wol_mac in the lab's inventory with `value`.
fn set_mac(lab: &Lab, node: &str, value: &str) {
    let text = fs::read_to_string(lab.inventory()).unwrap();
    let line = format!("wol_mac: '{}'", lab.mac(node));
    assert!(text.contains(&line), "{line} not in\n{text}");
    fs::write(
        lab.inventory(),
        text.replace(&line, &format!("wol_mac: '{value}'")),
    )
    .unwrap();
}

/// The line of `host` in a table on stdout.
fn row<'a>(stdout: &'a str, host: &str) -> &'a str {
    stdout
        .lines()
        .find(|line| line.split_whitespace().next() == Some(host))
        .unwrap_or_else(|| panic!("no line for {host} in\n{stdout}"))
}

#[test]
fn a_sleeping_worker_is_woken_by_deploy_wake_then_joined() {
    let Some(lab) = cluster(&[("w1", &["asleep"]), ("w2", &[])]) else {
        return;
    };
    let run = on(&lab)
        .args(["wake", "-l", "w1"])
        .status(0)
        .stderr_has("  w1  asleep: magic packet sent to ")
        .stderr_has("  w1  woken in ")
        .run();
    assert!(row(&run.stdout, "w1").contains("woken"), "{}", run.stdout);
    assert!(
        !run.stdout.contains("w2"),
        "--limit left w2 out:\n{}",
        run.stdout
    );
    let log = lab.wol_log();
    assert!(
        log.contains(&format!("for {}: w1 powers on", lab.mac("w1"))),
        "{log}"
    );
    assert!(!lab.asleep("w1"));
    eprintln!("woken: {}", row(&run.stdout, "w1"));

    // Awake, it is joined like any other; a second wake finds it up.
    on(&lab)
        .arg("join")
        .status(0)
        .stderr_has("  w1  joined in ")
        .run();
    assert!(lab.node_path("w1", "/etc/kubernetes/kubelet.conf").exists());
    let again = on(&lab).arg("wake").status(0).run();
    for host in ["masternode", "w1", "w2"] {
        assert!(
            row(&again.stdout, host).contains("already up"),
            "{}",
            again.stdout
        );
    }
}

#[test]
fn all_with_wake_wakes_the_control_plane_and_a_worker_before_preflight() {
    let Some(lab) = Lab::builder()
        .control("masternode")
        .option("masternode", "asleep")
        .worker("storagenodet3500")
        .option("storagenodet3500", "asleep")
        .rke2("homelab")
        .start()
    else {
        return;
    };
    let run = on(&lab)
        .args(["all", "--with-rke2", "--yes", "--wake"])
        .status(0)
        .stderr_has("[1/8] wake")
        .stderr_has("  masternode        woken in ")
        .stderr_has("  storagenodet3500  woken in ")
        .stderr_has("deploy: done in ")
        .run();
    let wake = row(&run.stdout, "wake");
    assert!(wake.contains("2 woken"), "{}", run.stdout);
    assert!(
        row(&run.stdout, "workers").contains("joined"),
        "{}",
        run.stdout
    );
    assert!(!lab.asleep("masternode") && !lab.asleep("storagenodet3500"));
    let summary = fs::read_to_string(log_dir(&lab).join("summary.json")).unwrap();
    let summary: serde_json::Value = serde_json::from_str(&summary).unwrap();
    assert_eq!(summary["phases"][0]["phase"], "wake");
    assert_eq!(summary["phases"][0]["hosts"][0]["result"], "woken");
}

#[test]
fn a_card_that_ignores_its_packet_stays_asleep_and_gets_the_fix_after_wait() {
    let Some(lab) = Lab::builder()
        .control("m")
        .worker("w1")
        .option("w1", "asleep")
        .start()
    else {
        return;
    };
    // The inventory names a card the node does not have.
    set_mac(&lab, "w1", "02:00:00:00:00:99");
    let fix = "fix: turn Wake-on-LAN on for w1: in its BIOS/UEFI";
    let run = on(&lab)
        .args(["wake", "-l", "w1", "--wait", "3s"])
        .status(1)
        .stderr_has("  w1  did not wake within 3s")
        .stderr_has("deploy: error: 1 host(s) did not wake:\n  ✗ w1 (")
        .stderr_has("within 3 seconds of the Wake-on-LAN packet for 02:00:00:00:00:99 sent to ")
        .stderr_has(fix)
        .stderr_has("where `ethtool IFACE` must show `Wake-on: g` (`sudo ethtool -s IFACE wol g` turns it on)")
        .run();
    assert!(
        row(&run.stdout, "w1").contains("did not wake"),
        "{}",
        run.stdout
    );
    assert!(
        lab.wol_log()
            .contains("02:00:00:00:00:99): no node has that MAC, ignored")
    );
    assert!(lab.asleep("w1"));

    // With --wake, preflight takes the same answer rather than asking again.
    let run = on(&lab)
        .args(["check", "--wake", "--wait", "2s", "--output", "json"])
        .status(1)
        .run();
    let json = run.json();
    let reach = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "host.reachable" && c["host"] == "w1")
        .cloned()
        .unwrap();
    assert_eq!(reach["status"], "fail");
    assert!(
        reach["message"].as_str().unwrap().contains("did not wake"),
        "{reach}"
    );
    assert!(
        reach["hint"].as_str().unwrap().contains("ethtool"),
        "{reach}"
    );
    assert!(lab.asleep("w1"));
}

#[test]
fn check_mode_sends_no_packet() {
    let Some(lab) = Lab::builder()
        .control("m")
        .worker("w1")
        .option("w1", "asleep")
        .start()
    else {
        return;
    };
    let run = on(&lab)
        .args(["wake", "--check"])
        .status(0)
        .stderr_has("  w1  does not answer: --check sends no packet")
        .run();
    assert!(
        row(&run.stdout, "w1").contains("would wake"),
        "{}",
        run.stdout
    );
    assert!(
        row(&run.stdout, "m").contains("already up"),
        "{}",
        run.stdout
    );
    assert!(!lab.wol_log().contains("packet from"), "{}", lab.wol_log());
    assert!(lab.asleep("w1"));
}

#[test]
fn a_pasted_ip_link_line_as_wol_mac_is_an_inventory_error_naming_the_host() {
    let Some(lab) = cluster(&[("w1", &[])]) else {
        return;
    };
    let mac = lab.mac("w1");
    set_mac(&lab, "w1", &format!("{mac} brd ff:ff:ff:ff:ff:ff"));
    let message = format!(
        "w1 ({}): wol_mac '{mac} brd ff:ff:ff:ff:ff:ff' is not a MAC address: something follows the six octets",
        lab.address("w1")
    );
    let fix = format!("fix: write wol_mac: '{mac}' alone");

    // No packet leaves for a MAC that is not one: exit 2, naming the file.
    on(&lab)
        .arg("wake")
        .status(2)
        .stderr_has(
            "inventory.yml: the inventory's Wake-on-LAN settings are wrong, no packet was sent:",
        )
        .stderr_has(&message)
        .stderr_has(&fix)
        .run();
    assert!(!lab.wol_log().contains("packet from"));

    // Preflight names it, and join stops there having changed nothing.
    let run = on(&lab).args(["check", "--output", "json"]).status(1).run();
    let json = run.json();
    let found: Vec<&serde_json::Value> = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["id"] == "inventory.wake-on-lan")
        .collect();
    assert_eq!(found.len(), 1, "{}", run.stdout);
    assert_eq!(found[0]["host"], "w1");
    assert_eq!(found[0]["status"], "fail");
    assert_eq!(found[0]["message"], message.as_str());
    let before = lab.snapshot();
    on(&lab)
        .arg("join")
        .status(1)
        .stderr_has("✗ inventory.wake-on-lan: ")
        .stderr_has(&fix)
        .run();
    assert_eq!(lab.snapshot(), before, "join changed a host");
}

#[test]
fn without_wake_an_unreachable_host_with_a_mac_is_told_to_run_deploy_wake() {
    let Some(lab) = Lab::builder()
        .control("m")
        .worker("w1")
        .option("w1", "asleep")
        .worker("w2")
        .option("w2", "asleep")
        .start()
    else {
        return;
    };
    lab.set_scenario("w1", &Scenario::BootDelay(Duration::from_millis(200)));
    // w2 has no wol_mac: nothing says to wake it.
    let text = fs::read_to_string(lab.inventory()).unwrap();
    let line = format!("      wol_mac: '{}'\n", lab.mac("w2"));
    fs::write(lab.inventory(), text.replace(&line, "")).unwrap();

    let run = on(&lab)
        .arg("check")
        .status(1)
        .stdout_has("cannot be reached over SSH")
        .stdout_has(
            "      fix: if w1 is asleep, wake it: deploy wake -l w1 (or run this again with --wake)\n\
             \x20          otherwise: check that the host is up",
        )
        .run();
    assert_eq!(
        run.stdout.matches("deploy wake -l").count(),
        1,
        "{}",
        run.stdout
    );
    on(&lab)
        .arg("join")
        .status(1)
        .stderr_has("fix: if w1 is asleep, wake it: deploy wake -l w1")
        .run();
    assert!(lab.asleep("w1"), "without --wake nothing was sent");

    // Done as told, w1 answers; w2, with no wol_mac, is left as it is.
    let run = on(&lab).args(["wake"]).status(0).run();
    assert!(row(&run.stdout, "w1").contains("woken"), "{}", run.stdout);
    assert!(
        row(&run.stdout, "w2").contains("no wol_mac"),
        "{}",
        run.stdout
    );
}

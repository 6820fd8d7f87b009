//! Variables templated where deploy uses them, over real SSH: a templated
//! endpoint reaches the join; an undefined name stops before any host is
//! asked, naming host, variable and fix.

use std::fs;

use crate::support::lab::{Lab, cluster};
use crate::support::run::deploy;

/// Replaces the inventory's `control_plane_endpoint` line with `line`.
fn endpoint_as(lab: &Lab, line: &str) {
    let text = fs::read_to_string(lab.inventory()).unwrap();
    let edited: String = text
        .lines()
        .map(
            |l| match l.trim_start().starts_with("control_plane_endpoint:") {
                true => format!("    {line}\n"),
                false => format!("{l}\n"),
            },
        )
        .collect();
    assert_ne!(edited, text, "no control_plane_endpoint line");
    fs::write(lab.inventory(), edited).unwrap();
}

#[test]
fn a_templated_endpoint_reaches_the_join() {
    let Some(lab) = cluster(&[("w1", &[])]) else {
        return;
    };
    endpoint_as(
        &lab,
        "control_plane_endpoint: \"{{ hostvars[groups['monitoring_nodes'][0]]['ansible_host'] }}:{{ api_port | default(6443) }}\"",
    );
    deploy()
        .on(&lab)
        .arg("join")
        .stderr_has("  w1  joined in ")
        .run();
    let kubelet = fs::read_to_string(lab.node_path("w1", "/etc/kubernetes/kubelet.conf")).unwrap();
    let server = format!("server: https://{}:6443", lab.address("masternode"));
    assert!(kubelet.contains(&server), "{kubelet}");
}

#[test]
fn an_undefined_name_stops_before_any_host_is_asked() {
    let Some(lab) = Lab::builder().control("masternode").worker("w1").start() else {
        return;
    };
    endpoint_as(&lab, "control_plane_endpoint: \"{{ api_vip }}:6443\"");
    let before = lab.snapshot();
    deploy()
        .on(&lab)
        .args(["all", "--yes"])
        .status(2)
        .stderr_has("variable control_plane_endpoint (from ")
        .stderr_has("which uses api_vip: not defined for masternode")
        .stderr_has("fix: define api_vip for masternode")
        .run();
    assert_eq!(lab.snapshot(), before, "a host changed");
}

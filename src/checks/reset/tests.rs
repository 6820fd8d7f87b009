//! The reset decided from survey answers written by hand.

use super::*;
use crate::checks::fixtures::cluster;

const CRI: &str = "unix:///run/containerd/containerd.sock";

fn conf(server: &str, ca: &str) -> Kubeconf {
    Kubeconf {
        server: server.into(),
        ca: Some(ca.into()),
    }
}

/// A node as `deploy all` leaves it.
fn joined(dirs: &[&str]) -> Remains {
    Remains {
        kubeadm: Some("/usr/bin/kubeadm".into()),
        dirs: dirs.iter().map(|dir| dir.to_string()).collect(),
        kubelet: Some("active".into()),
        links: vec!["cni0".into(), "flannel.1".into()],
        chains: vec!["iptables-save".into()],
        kubelet_conf: Some(conf("https://192.0.2.10:6443", "CA1")),
        ..Remains::default()
    }
}

fn control_plane() -> Remains {
    Remains {
        admin_conf: Some(conf("https://192.0.2.10:6443", "CA1")),
        nodes: Some(vec!["m".into(), "w1".into(), "w2".into()]),
        ..joined(&["/etc/kubernetes", "/var/lib/etcd"])
    }
}

fn clean() -> Remains {
    Remains {
        kubeadm: Some("/usr/bin/kubeadm".into()),
        kubelet: Some("inactive".into()),
        ..Remains::default()
    }
}

fn answers(list: Vec<(&str, Answer)>) -> BTreeMap<String, Answer> {
    list.into_iter()
        .map(|(name, answer)| (name.to_string(), answer))
        .collect()
}

fn decide(cluster: &Cluster, list: Vec<(&str, Answer)>, saved: &[&str]) -> Teardown {
    let saved: Vec<String> = saved.iter().map(|name| name.to_string()).collect();
    let control_plane = cluster.control_plane().unwrap();
    teardown(cluster, control_plane, &answers(list), &saved)
}

fn names(hosts: &[HostTeardown]) -> Vec<&str> {
    hosts.iter().map(|host| host.name.as_str()).collect()
}

#[test]
fn workers_go_first_drained_then_the_control_plane_then_rke2() {
    let rke2 = Remains {
        rke2: vec!["/usr/local/bin/rke2-uninstall.sh".into()],
        ..Remains::default()
    };
    let plan = decide(
        &cluster(),
        vec![
            ("m", Ok(control_plane())),
            ("w1", Ok(joined(&["/etc/kubernetes"]))),
            ("w2", Ok(joined(&["/var/lib/kubelet"]))),
            ("r", Ok(rke2)),
        ],
        &["m-kubeconfig.yaml", "r-rke2-kubeconfig.yaml"],
    );
    assert_eq!(names(&plan.hosts), ["w1", "w2", "m", "r"]);
    assert_eq!(
        plan.hosts[0].chores,
        [
            Chore::Drain { node: "w1".into() },
            Chore::KubeadmReset {
                cri_socket: Some(CRI.into())
            },
            Chore::StopKubelet,
            Chore::Remove(vec!["/etc/kubernetes".into()]),
            Chore::DeleteLinks(vec!["cni0".into(), "flannel.1".into()]),
            Chore::FlushChains,
            Chore::RestartContainerd,
        ]
    );
    let m = plan.host("m").unwrap();
    assert_eq!(m.drain(), None, "the control plane is not drained");
    assert!(m.chores.contains(&Chore::Remove(vec![
        "/etc/kubernetes".into(),
        "/var/lib/etcd".into()
    ])));
    assert_eq!(
        m.chores.last(),
        Some(&Chore::MarkStale("m-kubeconfig.yaml".into()))
    );
    assert_eq!(
        plan.host("r").unwrap().chores,
        [
            Chore::Rke2Uninstall,
            Chore::MarkStale("r-rke2-kubeconfig.yaml".into())
        ]
    );
    assert!(plan.refusals().is_empty(), "{:?}", plan.refusals());
    assert!(!plan.nothing_to_do());
    assert_eq!(plan.to_do(ResetKind::Worker).count(), 2);
}

#[test]
fn a_second_reset_finds_nothing_to_do() {
    let plan = decide(
        &cluster(),
        vec![
            ("m", Ok(clean())),
            ("w1", Ok(clean())),
            ("w2", Ok(clean())),
            ("r", Ok(Remains::default())),
        ],
        &["m-kubeconfig.yaml.stale"],
    );
    assert!(plan.nothing_to_do(), "{plan:?}");
    assert_eq!(plan.to_do(ResetKind::ControlPlane).count(), 0);
}

#[test]
fn a_node_reset_by_hand_is_still_drained_and_deleted() {
    let plan = decide(
        &cluster(),
        vec![
            ("m", Ok(control_plane())),
            ("w1", Ok(clean())),
            ("w2", Ok(clean())),
            ("r", Ok(Remains::default())),
        ],
        &[],
    );
    let w1 = plan.host("w1").unwrap();
    assert_eq!(w1.chores, [Chore::Drain { node: "w1".into() }]);
    assert!(!w1.job());
}

#[test]
fn a_worker_of_another_cluster_is_refused_with_both_endpoints() {
    let mut stray = joined(&["/etc/kubernetes"]);
    stray.kubelet_conf = Some(Kubeconf {
        server: "https://192.0.2.99:6443".into(),
        ca: None,
    });
    let mut other_ca = joined(&["/etc/kubernetes"]);
    other_ca.kubelet_conf = Some(conf("https://192.0.2.10:6443/", "CA2"));
    let plan = decide(
        &cluster(),
        vec![
            ("m", Ok(control_plane())),
            ("w1", Ok(stray)),
            ("w2", Ok(other_ca)),
            ("r", Ok(Remains::default())),
        ],
        &[],
    );
    assert_eq!(
        plan.host("w1").unwrap().stranger,
        Some(Stranger {
            theirs: "https://192.0.2.99:6443".into(),
            ours: "https://192.0.2.10:6443".into(),
            other_ca: false,
        })
    );
    assert!(plan.host("w2").unwrap().stranger.as_ref().unwrap().other_ca);
    let refusals = plan.refusals();
    assert_eq!(refusals.len(), 2, "{refusals:?}");
    assert!(refusals[0].message.contains("https://192.0.2.99:6443"));
}

#[test]
fn without_the_control_planes_cluster_the_inventory_endpoint_decides() {
    let mut orphan = joined(&["/etc/kubernetes"]);
    orphan.kubelet_conf = Some(conf("https://192.0.2.10:6443", "CA-of-a-gone-cluster"));
    let plan = decide(
        &cluster(),
        vec![
            ("m", Ok(clean())),
            ("w1", Ok(orphan)),
            ("w2", Ok(clean())),
            ("r", Ok(Remains::default())),
        ],
        &[],
    );
    assert!(plan.refusals().is_empty(), "{:?}", plan.refusals());
    assert_eq!(
        plan.ours.as_ref().map(|ours| ours.server.as_str()),
        Some("https://192.0.2.10:6443")
    );
}

#[test]
fn the_control_plane_alone_is_refused_while_other_nodes_are_joined() {
    let mut limited = cluster();
    for host in &mut limited.hosts {
        host.selected = host.name == "m";
    }
    let plan = decide(&limited, vec![("m", Ok(control_plane()))], &[]);
    assert_eq!(plan.stranded, ["w1", "w2"]);
    assert_eq!(plan.refusals().len(), 1);

    let mut silent = control_plane();
    silent.nodes = None;
    let plan = decide(&limited, vec![("m", Ok(silent))], &[]);
    assert_eq!(plan.stranded, ["w1", "w2"], "the inventory's workers");
    assert!(plan.refusals()[0].message.contains("may still be joined"));
}

#[test]
fn removing_a_worker_leaves_the_control_plane_and_the_others_alone() {
    let mut limited = cluster();
    for host in &mut limited.hosts {
        host.selected = host.name == "w2";
    }
    let plan = decide(
        &limited,
        vec![
            ("m", Ok(control_plane())),
            ("w2", Ok(joined(&["/etc/kubernetes"]))),
        ],
        &[],
    );
    assert_eq!(names(&plan.hosts), ["w2"]);
    assert_eq!(plan.host("w2").unwrap().drain(), Some("w2"));
    assert!(plan.stranded.is_empty());
    assert!(plan.refusals().is_empty());
}

#[test]
fn a_host_not_asked_has_failed_and_is_left_alone() {
    let plan = decide(
        &cluster(),
        vec![
            ("m", Ok(control_plane())),
            ("w1", Err(Advice::new("connection refused", "start sshd"))),
            ("w2", Ok(joined(&["/etc/kubernetes"]))),
            ("r", Ok(Remains::default())),
        ],
        &[],
    );
    assert_eq!(plan.failed, ["w1"]);
    let workers: Vec<&str> = plan
        .to_do(ResetKind::Worker)
        .map(|host| host.name.as_str())
        .collect();
    assert_eq!(workers, ["w2"]);
    assert!(!plan.nothing_to_do());
}

#[test]
fn rke2_hosts_take_part_only_with_rke2() {
    let mut without = cluster();
    without.rke2 = Rke2::Excluded;
    let plan = decide(&without, vec![("m", Ok(clean()))], &[]);
    assert!(plan.host("r").is_none());
}

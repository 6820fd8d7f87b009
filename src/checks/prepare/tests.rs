//! `deploy prepare`'s decisions, from surveys as hosts answer them.

use super::super::fixtures::cluster;
use super::*;
use crate::kube::prepare::modules_lines;

fn release() -> Release {
    Release::parse("1.29").unwrap()
}

fn fresh() -> Ready {
    Ready {
        os_id: "debian".into(),
        tools: APT_TOOLS.iter().map(|t| (*t).to_owned()).collect(),
        swap_areas: 1,
        fstab_swap: true,
        modules: vec!["overlay".into()],
        ..Ready::default()
    }
}

/// A host as a run of prepare leaves it.
fn ready() -> Ready {
    let source = source(&release(), &Mirrors::default(), false);
    Ready {
        os_id: "debian".into(),
        modules: MODULES.iter().map(|m| (*m).to_owned()).collect(),
        sysctls: SYSCTLS
            .iter()
            .map(|k| ((*k).to_owned(), "1".to_owned()))
            .collect(),
        modules_file: Some(modules_lines()),
        sysctl_file: Some(sysctl_lines()),
        containerd: true,
        systemd_cgroup: true,
        crictl: Some(crictl_lines("unix:///run/containerd/containerd.sock")),
        keyring: true,
        tools: APT_TOOLS.iter().map(|t| (*t).to_owned()).collect(),
        apt_list: Some(apt_list_lines(&source.repo)),
        packages: KUBE_PACKAGES
            .iter()
            .map(|p| ((*p).to_owned(), "1.29.15-1.1".to_owned()))
            .chain([("containerd".to_owned(), "1.6.20".to_owned())])
            .collect(),
        held: KUBE_PACKAGES.iter().map(|p| (*p).to_owned()).collect(),
        kubeadm: Some("v1.29.15".into()),
        kubelet: Some("v1.29.15".into()),
        kubectl: true,
        kubelet_enabled: true,
        ..Ready::default()
    }
}

#[test]
fn an_unquoted_version_is_refused_as_preflight_refuses_it() {
    let mut cluster = cluster();
    cluster.settings.kubernetes_version = Some(crate::cluster::Version {
        text: "1.3".into(),
        number: true,
    });
    let refusal = super::release(&cluster).unwrap_err();
    assert!(
        refusal
            .message
            .contains("kubernetes_version is the number 1.3"),
        "{}",
        refusal.message
    );
    assert!(refusal.fix.unwrap().contains("quote it"));
    cluster.settings.kubernetes_version = Some(crate::cluster::Version {
        text: "1.30".into(),
        number: false,
    });
    assert_eq!(super::release(&cluster).unwrap().minor, "1.30");
}

#[test]
fn a_fresh_worker_gets_everything_in_order() {
    let cluster = cluster();
    let worker = cluster.host("w1").unwrap();
    let changes = changes(worker, &release(), &Mirrors::default(), &fresh()).unwrap();
    assert_eq!(
        changes,
        vec![
            Change::SwapOff,
            Change::FstabSwap,
            Change::Modules {
                load: vec!["br_netfilter".into()],
                file: true
            },
            Change::Sysctls,
            Change::AptRepo,
            Change::Install {
                manager: PackageManager::Apt,
                packages: vec![
                    "containerd".into(),
                    "kubelet=1.29.*".into(),
                    "kubeadm=1.29.*".into(),
                    "kubectl=1.29.*".into()
                ]
            },
            Change::ContainerdConfig,
            Change::Crictl,
            Change::Hold(vec!["kubelet".into(), "kubeadm".into(), "kubectl".into()]),
            Change::EnableKubelet,
        ]
    );
}

#[test]
fn a_package_left_half_configured_is_configured_again_first() {
    let cluster = cluster();
    let worker = cluster.host("w1").unwrap();
    let ready = Ready {
        broken: vec!["kubelet".into()],
        ..ready()
    };
    assert_eq!(
        changes_of(worker, &ready),
        vec![Change::Repair(vec!["kubelet".into()])]
    );
}

#[test]
fn another_runtimes_host_gets_no_containerd_and_a_joined_one_keeps_its_driver() {
    let mut cluster = cluster();
    cluster.hosts[1].cri_socket = Some("unix:///var/run/crio/crio.sock".into());
    let worker = cluster.host("w1").unwrap();
    let changes = changes_of(worker, &fresh());
    assert!(
        !changes
            .iter()
            .any(|c| matches!(c, Change::ContainerdConfig | Change::Crictl)),
        "{changes:?}"
    );
    assert!(changes.iter().any(|c| matches!(c,
        Change::Install { packages, .. } if !packages.contains(&"containerd".to_owned()))));

    let cluster = super::super::fixtures::cluster();
    let worker = cluster.host("w1").unwrap();
    let joined = Ready {
        systemd_cgroup: false,
        joined: true,
        ..ready()
    };
    assert_eq!(changes_of(worker, &joined), vec![]);
    let unjoined = Ready {
        joined: false,
        ..joined
    };
    assert_eq!(
        changes_of(worker, &unjoined),
        vec![Change::ContainerdConfig]
    );
}

#[test]
fn a_minimal_host_gets_curl_and_gpg_before_the_repository() {
    let cluster = cluster();
    let worker = cluster.host("w1").unwrap();
    let ready = Ready {
        tools: vec!["ca-certificates".into()],
        ..fresh()
    };
    let changes = changes_of(worker, &ready);
    let tools = changes
        .iter()
        .position(|c| *c == Change::AptTools(vec!["curl".into(), "gpg".into()]))
        .expect("curl and gpg installed");
    assert_eq!(changes[tools + 1], Change::AptRepo);
}

#[test]
fn a_ready_host_needs_nothing() {
    let cluster = cluster();
    let worker = cluster.host("w1").unwrap();
    assert_eq!(
        changes(worker, &release(), &Mirrors::default(), &ready()),
        Ok(vec![])
    );
}

#[test]
fn the_rke2_host_gets_the_kernel_settings_and_its_ports_only() {
    let cluster = cluster();
    let rke2 = cluster.host("r").unwrap();
    let ready = Ready {
        firewalld: true,
        ..fresh()
    };
    let changes = changes(rke2, &release(), &Mirrors::default(), &ready).unwrap();
    assert!(!changes.iter().any(|c| matches!(c, Change::Install { .. })));
    assert!(changes.contains(&Change::Firewall(firewall_ports(false, true))));
    // Only the ports still closed.
    let ready = Ready {
        firewalld: true,
        open_ports: firewall_ports(false, true)[1..].to_vec(),
        ..fresh()
    };
    let changes = changes_of(rke2, &ready);
    assert!(changes.contains(&Change::Firewall(vec!["9345/tcp".into()])));
}

fn changes_of(host: &Host, ready: &Ready) -> Vec<Change> {
    changes(host, &release(), &Mirrors::default(), ready).unwrap()
}

#[test]
fn a_version_change_is_refused() {
    let cluster = cluster();
    let worker = cluster.host("w1").unwrap();
    let newer = Release::parse("1.30").unwrap();
    let refusal = changes(worker, &newer, &Mirrors::default(), &ready()).unwrap_err();
    assert!(
        refusal.message.contains("kubeadm 1.29.15-1.1 is installed"),
        "{}",
        refusal.message
    );
}

#[test]
fn a_mirror_replaces_the_repository_and_its_key_defaults_beside_it() {
    let mirrors = Mirrors {
        apt_repo: Some("http://mirror.lan/k8s/v1.29/deb".into()),
        ..Mirrors::default()
    };
    let source = source(&release(), &mirrors, false);
    assert_eq!(source.key, "http://mirror.lan/k8s/v1.29/deb/Release.key");
    let cluster = cluster();
    let worker = cluster.host("w1").unwrap();
    let changes = changes(worker, &release(), &mirrors, &ready()).unwrap();
    assert_eq!(changes, vec![Change::AptRepo]);
}

#[test]
fn rpm_hosts_install_with_dnf_and_hold_nothing() {
    let cluster = cluster();
    let worker = cluster.host("w1").unwrap();
    let ready = Ready {
        os_id: "rocky".into(),
        ..fresh()
    };
    let refusal = changes(worker, &release(), &Mirrors::default(), &ready).unwrap_err();
    assert!(
        refusal.message.contains("containerd is not installed"),
        "{}",
        refusal.message
    );
    let ready = Ready {
        containerd: true,
        ..ready
    };
    let changes = changes(worker, &release(), &Mirrors::default(), &ready).unwrap();
    assert!(changes.contains(&Change::YumRepo));
    assert!(changes.iter().any(|c| matches!(c,
        Change::Install { manager: PackageManager::Dnf, packages } if packages.contains(&"kubeadm-1.29.*".to_owned()))));
    assert!(!changes.iter().any(|c| matches!(c, Change::Hold(_))));
}

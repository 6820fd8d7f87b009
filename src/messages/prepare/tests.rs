//! Each of prepare's texts, and each fix, produced.

use super::*;

#[test]
fn a_config_left_without_the_systemd_driver_says_where_to_set_it() {
    let advice = failure(
        "SystemdCgroup unset: /etc/containerd/config.toml [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]\n",
    )
    .unwrap();
    assert_eq!(
        advice.message,
        "/etc/containerd/config.toml still lacks SystemdCgroup = true: deploy could not add it"
    );
    assert_eq!(
        advice.fix.as_deref(),
        Some(
            "set `SystemdCgroup = true` under [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options] in /etc/containerd/config.toml, run `systemctl restart containerd`, then deploy prepare again"
        )
    );
}

#[test]
fn a_rhel_host_without_containerd_is_told_of_containerd_io() {
    let advice = no_containerd_rpm("w1", "192.0.2.11");
    assert!(
        advice
            .message
            .starts_with("w1 (192.0.2.11): containerd is not installed"),
        "{}",
        advice.message
    );
    assert!(advice.fix.unwrap().contains("dnf install -y containerd.io"));
}

#[test]
fn a_held_lock_names_its_holder() {
    let advice = failure(
        "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 1234 (unattended-upgr)\nN: Be aware that removing the lock file is not a solution and may break your system.",
    )
    .unwrap();
    assert_eq!(
        advice.message,
        "the dpkg lock is held by process 1234 (unattended-upgr)"
    );
    assert!(advice.fix.unwrap().contains("wait until it is done"));
}

#[test]
fn a_missing_version_is_named() {
    let advice = failure("E: Version '1.99.*' for 'kubeadm' was not found").unwrap();
    assert_eq!(
        advice.message,
        "the version asked for is not in the repository: Version '1.99.*' for 'kubeadm' was not found"
    );
    assert!(advice.fix.unwrap().contains("apt-cache madison kubeadm"));
}

#[test]
fn an_unreachable_repository_points_at_mirrors() {
    for stderr in [
        "E: Failed to fetch https://pkgs.k8s.io/core:/stable:/v1.29/deb/InRelease  Could not resolve 'pkgs.k8s.io'",
        "curl: (6) Could not resolve host: pkgs.k8s.io",
    ] {
        let advice = failure(stderr).unwrap();
        assert!(
            advice
                .message
                .starts_with("the package repository could not be reached: "),
            "{}",
            advice.message
        );
        assert!(advice.fix.unwrap().contains("kubernetes_apt_repo"));
    }
}

#[test]
fn a_failed_postinst_names_the_package() {
    let advice = failure(
        "dpkg: error processing package kubelet (--configure):\n installed kubelet package post-installation script subprocess returned error exit status 1",
    )
    .unwrap();
    assert_eq!(
        advice.message,
        "the package kubelet failed to configure: its post-installation script failed"
    );
    assert!(advice.fix.unwrap().contains("dpkg --configure -a"));
}

#[test]
fn other_failures_are_quoted_as_they_are() {
    assert_eq!(failure("sed: cannot rename /etc/fstab"), None);
    let block = failed_block("w", "192.0.2.11", 4, "sed: cannot rename /etc/fstab");
    assert!(
        block.contains(
            "Preparing the host failed!\nExit code: 4\nError: sed: cannot rename /etc/fstab"
        ),
        "{block}"
    );
}

#[test]
fn a_version_change_is_refused_with_the_command_it_takes() {
    let advice = version_change("w", "192.0.2.11", "kubeadm", "1.29.15-1.1", "1.30", false);
    assert_eq!(
        advice.message,
        "w (192.0.2.11): kubeadm 1.29.15-1.1 is installed, kubernetes_version is 1.30: deploy prepare does not change a version"
    );
    assert_eq!(
        advice.fix.as_deref(),
        Some(
            "set kubernetes_version to the installed minor, or change it yourself (an upgrade goes through `kubeadm upgrade`): sed -i 's|/v1.29/|/v1.30/|g' /etc/apt/sources.list.d/kubernetes.list && apt-get update && apt-mark unhold kubelet kubeadm kubectl && apt-get install -y kubelet='1.30.*' kubeadm='1.30.*' kubectl='1.30.*' && apt-mark hold kubelet kubeadm kubectl"
        )
    );
    let rpm = version_change("r", "192.0.2.12", "kubelet", "1.29.15", "1.30", true);
    assert!(rpm.fix.unwrap().ends_with(
        "sed -i 's|/v1.29/|/v1.30/|g' /etc/yum.repos.d/kubernetes.repo && dnf install -y --disableexcludes=kubernetes kubelet-1.30.* kubeadm-1.30.* kubectl-1.30.*"
    ));
    let unknown = version_change("w", "192.0.2.11", "kubeadm", "devel", "1.30", false);
    assert!(unknown.fix.unwrap().contains(
        "point /etc/apt/sources.list.d/kubernetes.list at the v1.30 repository, then apt-get update"
    ));
}

#[test]
fn version_skew_in_preflight_says_both_ways_out() {
    let host = crate::checks::fixtures::cluster();
    let w1 = host.host("w1").unwrap();
    let advice = version_skew(w1, "kubelet", "v1.28.15", "1.29");
    assert_eq!(
        advice.message,
        "w1 (192.0.2.11): kubelet v1.28.15 is installed, but kubernetes_version is 1.29 (another minor version)"
    );
    assert_eq!(
        advice.fix.as_deref(),
        Some(
            "set kubernetes_version to the installed minor, or change the packages on w1 (deploy prepare never does): sed -i 's|/v1.28/|/v1.29/|g' /etc/apt/sources.list.d/kubernetes.list && apt-get update && apt-mark unhold kubelet kubeadm kubectl && apt-get install -y kubelet='1.29.*' kubeadm='1.29.*' kubectl='1.29.*' && apt-mark hold kubelet kubeadm kubectl"
        )
    );
    assert_eq!(versions_match(w1, "1.29").fix, None);
}

#[test]
fn prepare_needs_a_minor_version() {
    assert!(
        no_release(None)
            .fix
            .unwrap()
            .contains("kubernetes_version: \"1.30\"")
    );
    assert!(
        no_release(Some("stable"))
            .message
            .contains("names no minor")
    );
}

#[test]
fn not_asked_keeps_the_fix_of_why() {
    let why = Advice::new("connection refused", "start sshd");
    let advice = not_asked("w", "192.0.2.11", &why);
    assert_eq!(advice.fix.as_deref(), Some("start sshd"));
}

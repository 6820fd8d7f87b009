//! The control plane: kubeadm and friends, the runtime, and free ports
//! unless the cluster is already there.

use super::catalog::*;
use super::node::{busy_ports, skew, socket, tool};
use super::{Finding, Status};
use crate::cluster::{Cluster, Host};
use crate::messages::nodes as say;
use crate::probe::Facts;

const ROLE: &str = "control plane";
const PORTS: [u16; 2] = [6443, 10250];

pub fn check(cluster: &Cluster, spec: &Host, facts: &Facts) -> Vec<Finding> {
    let version = cluster
        .settings
        .kubernetes_version
        .as_ref()
        .map(|version| version.text.as_str());
    let text = cluster
        .settings
        .kubernetes_version
        .as_ref()
        .filter(|version| !version.number)
        .map(|version| version.text.as_str());
    let mut findings = vec![
        tool(
            CONTROL_PLANE_KUBEADM,
            spec,
            ROLE,
            "kubeadm",
            facts.kubeadm.as_deref(),
            facts,
            version,
        ),
        tool(
            CONTROL_PLANE_KUBELET,
            spec,
            ROLE,
            "kubelet",
            facts.kubelet.as_deref(),
            facts,
            version,
        ),
        tool(
            CONTROL_PLANE_KUBECTL,
            spec,
            ROLE,
            "kubectl",
            facts.kubectl.as_deref(),
            facts,
            version,
        ),
        socket(CONTROL_PLANE_RUNTIME_SOCKET, spec, facts),
        ports(spec, facts),
    ];
    findings.extend(skew(HOST_VERSION_SKEW, spec, facts, text));
    findings
}

/// An initialised control plane owns its ports: that is reported, and
/// `deploy all` skips `kubeadm init`.
fn ports(spec: &Host, facts: &Facts) -> Finding {
    let on = |status, text| Finding::new(CONTROL_PLANE_PORTS, Some(&spec.name), status, text);
    if facts.admin_conf {
        return on(Status::Pass, say::already_initialised(spec));
    }
    match busy_ports(spec, facts, &PORTS).as_slice() {
        [] => on(Status::Pass, say::ports_free(spec, &PORTS)),
        busy => on(Status::Fail, say::ports_busy(spec, busy)),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

    #[test]
    fn missing_kubeadm_names_host_address_and_the_install_steps() {
        let (cluster, answers) = with("m", |facts| facts.kubeadm = None);
        let finding = find(&cluster, &answers, CONTROL_PLANE_KUBEADM, Some("m"));
        assert_eq!(finding.status, Status::Fail);
        assert_eq!(
            finding.message,
            "kubeadm not found on the control plane m (192.0.2.10)"
        );
        let hint = finding.hint.unwrap();
        assert!(
            hint.contains("pkgs.k8s.io/core:/stable:/v1.29/deb/"),
            "{hint}"
        );
        assert!(
            hint.contains("apt-get install -y kubelet kubeadm kubectl"),
            "{hint}"
        );
    }

    #[test]
    fn rpm_hosts_get_dnf_steps() {
        let (mut cluster, answers) = with("m", |facts| {
            facts.kubeadm = None;
            facts.os.id = "rocky".into();
        });
        cluster.settings.kubernetes_version = Some(text_version("v1.31.2"));
        let hint = find(&cluster, &answers, CONTROL_PLANE_KUBEADM, Some("m"))
            .hint
            .unwrap();
        assert!(
            hint.contains("dnf install") && hint.contains("v1.31/rpm"),
            "{hint}"
        );
    }

    #[test]
    fn kubelet_and_kubectl_are_needed_too() {
        let (cluster, answers) = with("m", |facts| {
            facts.kubelet = None;
            facts.kubectl = None;
        });
        for id in [CONTROL_PLANE_KUBELET, CONTROL_PLANE_KUBECTL] {
            assert_eq!(find(&cluster, &answers, id, Some("m")).status, Status::Fail);
        }
        let hint = find(&cluster, &answers, CONTROL_PLANE_KUBELET, Some("m"))
            .hint
            .unwrap();
        assert!(
            hint.ends_with("(set up as for kubeadm): apt-get install -y kubelet"),
            "{hint}"
        );
        assert_eq!(
            find(&cluster, &answers, CONTROL_PLANE_KUBEADM, Some("m")).status,
            Status::Pass
        );
    }

    #[test]
    fn a_missing_runtime_socket_fails_and_an_unset_one_is_skipped() {
        let (mut cluster, answers) = with("m", |facts| facts.cri_socket = Some(false));
        let finding = find(&cluster, &answers, CONTROL_PLANE_RUNTIME_SOCKET, Some("m"));
        assert_eq!(finding.status, Status::Fail);
        assert!(
            finding
                .message
                .contains("/run/containerd/containerd.sock not found")
        );
        cluster.hosts[0].cri_socket = None;
        let finding = find(&cluster, &answers, CONTROL_PLANE_RUNTIME_SOCKET, Some("m"));
        assert_eq!(finding.status, Status::Skip);
    }

    #[test]
    fn busy_ports_fail_unless_already_initialised() {
        let (cluster, answers) = with("m", |facts| {
            facts.listeners = vec![listener("0.0.0.0", 6443), listener("192.0.2.10", 10250)];
        });
        let finding = find(&cluster, &answers, CONTROL_PLANE_PORTS, Some("m"));
        assert_eq!(finding.status, Status::Fail);
        assert!(
            finding
                .message
                .contains("port(s) 6443, 10250 already in use")
        );
        let (cluster, answers) = with("m", |facts| {
            facts.listeners = vec![listener("0.0.0.0", 6443)];
            facts.admin_conf = true;
        });
        let finding = find(&cluster, &answers, CONTROL_PLANE_PORTS, Some("m"));
        assert_eq!(finding.status, Status::Pass);
        assert!(finding.message.contains("already initialised"));
    }

    #[test]
    fn a_neighbours_listener_on_another_address_is_not_ours() {
        let (cluster, answers) = with("m", |facts| {
            facts.listeners = vec![
                listener("192.0.2.99", 6443),
                listener("::ffff:192.0.2.98", 10250),
            ];
        });
        let finding = find(&cluster, &answers, CONTROL_PLANE_PORTS, Some("m"));
        assert_eq!(finding.status, Status::Pass);
    }
}

//! The RKE2 host: what a kubeadm install left behind, and free ports
//! unless rke2-server already runs.

use super::catalog::{RKE2_KUBEADM_LEFTOVERS, RKE2_PORTS};
use super::node::busy_ports;
use super::{Finding, Status};
use crate::cluster::Host;
use crate::messages::nodes as say;
use crate::probe::Facts;

const PORTS: [u16; 2] = [9345, 6443];

pub fn check(spec: &Host, facts: &Facts) -> Vec<Finding> {
    let on = |id, status, text| Finding::new(id, Some(&spec.name), status, text);
    let mut found = facts.leftover_binaries.clone();
    if facts.etc_kubernetes {
        found.push("/etc/kubernetes".to_owned());
    }
    // A warning, as deploy.sh gave: RKE2 may still start, but a stray
    // kubelet fights it for the same ports and directories.
    let leftovers = if found.is_empty() {
        on(
            RKE2_KUBEADM_LEFTOVERS,
            Status::Pass,
            say::no_leftovers(spec),
        )
    } else {
        on(
            RKE2_KUBEADM_LEFTOVERS,
            Status::Warn,
            say::leftovers(spec, &found),
        )
    };
    let ports = if facts.rke2_active == Some(true) {
        on(RKE2_PORTS, Status::Pass, say::rke2_running(spec))
    } else {
        match busy_ports(spec, facts, &PORTS).as_slice() {
            [] => on(RKE2_PORTS, Status::Pass, say::ports_free(spec, &PORTS)),
            busy => on(RKE2_PORTS, Status::Fail, say::ports_busy(spec, busy)),
        }
    };
    vec![leftovers, ports]
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::checks::Rke2;

    #[test]
    fn kubeadm_leftovers_are_a_warning_listing_them() {
        let (cluster, answers) = with("r", |facts| {
            facts.leftover_binaries = vec!["/usr/bin/kubelet".into()];
            facts.etc_kubernetes = true;
        });
        let finding = find(&cluster, &answers, RKE2_KUBEADM_LEFTOVERS, Some("r"));
        assert_eq!(finding.status, Status::Warn);
        assert!(
            finding
                .message
                .ends_with("/usr/bin/kubelet, /etc/kubernetes"),
            "{}",
            finding.message
        );
    }

    #[test]
    fn busy_ports_fail_unless_rke2_runs() {
        let (cluster, answers) = with("r", |facts| facts.listeners = vec![listener("::", 9345)]);
        let finding = find(&cluster, &answers, RKE2_PORTS, Some("r"));
        assert_eq!(finding.status, Status::Fail);
        assert!(finding.message.contains("port(s) 9345 already in use"));
        let (cluster, answers) = with("r", |facts| {
            facts.listeners = vec![listener("::", 9345)];
            facts.rke2_active = Some(true);
        });
        assert_eq!(
            find(&cluster, &answers, RKE2_PORTS, Some("r")).status,
            Status::Pass
        );
    }

    #[test]
    fn rke2_hosts_are_not_judged_when_rke2_is_excluded() {
        let (mut cluster, answers) = clean();
        cluster.rke2 = Rke2::Excluded;
        let findings = crate::checks::evaluate(&cluster, &answers, &crate::checks::Ignore::none());
        assert!(!findings.iter().any(|f| f.id.starts_with("rke2.")));
    }
}

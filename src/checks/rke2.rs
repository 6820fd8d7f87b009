//! The RKE2 host: what a kubeadm install left behind, free ports unless
//! rke2-server already runs, and the name its node has.

use super::catalog::{RKE2_KUBEADM_LEFTOVERS, RKE2_NODE_NAME, RKE2_PORTS};
use super::node::busy_ports;
use super::{Finding, Status};
use crate::cluster::Host;
use crate::kube::rke2::{self, Found, NodeName};
use crate::messages::{nodes as say, rke2 as named};
use crate::probe::Facts;

/// The name RKE2's node on `spec` has or is to have, from what preflight
/// found there: the RKE2 phase writes and waits for it, this check tells it.
pub fn node_name(spec: &Host, facts: &Facts) -> NodeName {
    let own = match spec.rke2_config.get(rke2::NODE_NAME) {
        Some(serde_json::Value::String(name)) => Some(name.as_str()),
        _ => None,
    };
    let found = Found {
        ran: facts.rke2_ran || facts.rke2_active == Some(true),
        config_name: facts.rke2_node_name.as_deref(),
        hostname: facts.hostname.as_deref(),
    };
    rke2::node_name(own, &spec.name, found)
}

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
    let name = match node_name(spec, facts) {
        NodeName::Set(name) => on(RKE2_NODE_NAME, Status::Pass, named::node_named(spec, &name)),
        NodeName::Kept { current, in_config } => on(
            RKE2_NODE_NAME,
            Status::Warn,
            named::node_name_kept(spec, &current, in_config, &spec.name),
        ),
    };
    vec![leftovers, ports, name]
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
    fn a_node_that_ran_under_its_hostname_keeps_it_with_a_warning() {
        let (cluster, answers) = with("r", |facts| {
            facts.rke2_active = Some(true);
            facts.hostname = Some("rhel-01".into());
        });
        let finding = find(&cluster, &answers, RKE2_NODE_NAME, Some("r"));
        assert_eq!(finding.status, Status::Warn);
        assert!(
            finding
                .message
                .contains("as node rhel-01 (its hostname), not r"),
            "{}",
            finding.message
        );
        assert!(
            finding
                .hint
                .unwrap()
                .contains("set node-name: r in rke2_config")
        );

        // Not yet run, or named by the user: the name is set, nothing to say.
        let (cluster, answers) = with("r", |facts| facts.hostname = Some("rhel-01".into()));
        let finding = find(&cluster, &answers, RKE2_NODE_NAME, Some("r"));
        assert_eq!(
            (finding.status, finding.message.as_str()),
            (Status::Pass, "r (192.0.2.20): RKE2's node is named r")
        );
        let (mut cluster, answers) = with("r", |facts| {
            facts.rke2_ran = true;
            facts.hostname = Some("rhel-01".into());
        });
        let rke2 = cluster.hosts.iter_mut().find(|h| h.is_rke2()).unwrap();
        rke2.rke2_config.insert("node-name".into(), "r".into());
        assert_eq!(
            find(&cluster, &answers, RKE2_NODE_NAME, Some("r")).status,
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

//! Checks of the inventory itself and of this machine: no host is asked.

use std::collections::BTreeMap;

use super::catalog::*;
use super::{Finding, Status};
use crate::cluster::{Cluster, Network, Rke2, Setting};
use crate::messages::Advice;
use crate::messages::checks as say;

pub fn check(cluster: &Cluster) -> Vec<Finding> {
    let names = |pick: fn(&super::Host) -> bool| -> Vec<&str> {
        cluster
            .hosts
            .iter()
            .filter(|host| pick(host))
            .map(|host| host.name.as_str())
            .collect()
    };
    let control = names(|host| host.is_control_plane());
    let workers = names(|host| host.is_worker());
    let rke2 = names(|host| host.is_rke2());

    let mut findings = vec![
        if control.is_empty() {
            fail(INVENTORY_CONTROL_PLANE, say::control_plane_missing())
        } else {
            pass(INVENTORY_CONTROL_PLANE, say::control_plane_found(&control))
        },
        if workers.is_empty() {
            finding(INVENTORY_WORKERS, Status::Warn, say::workers_missing())
        } else {
            pass(INVENTORY_WORKERS, say::workers_found(&workers))
        },
    ];
    match (cluster.rke2, rke2.is_empty()) {
        (Rke2::Excluded, _) => {}
        (Rke2::Required, true) => {
            findings.push(fail(INVENTORY_RKE2_HOST, say::rke2_host_missing()))
        }
        (Rke2::IfPresent, true) => findings.push(finding(
            INVENTORY_RKE2_HOST,
            Status::Skip,
            say::rke2_host_absent(),
        )),
        (_, false) => findings.push(pass(INVENTORY_RKE2_HOST, say::rke2_host_found(&rke2))),
    }
    findings.extend(unique(cluster));
    findings.push(endpoint(cluster));
    findings.push(cidrs(cluster));
    findings.push(ssh_client(cluster));
    findings
}

fn finding(id: &'static str, status: Status, text: Advice) -> Finding {
    Finding::new(id, None, status, text)
}

fn pass(id: &'static str, text: Advice) -> Finding {
    finding(id, Status::Pass, text)
}

fn fail(id: &'static str, text: Advice) -> Finding {
    finding(id, Status::Fail, text)
}

/// One failure per shared address; a single pass when there are none.
fn unique(cluster: &Cluster) -> Vec<Finding> {
    let mut by_address: BTreeMap<(&str, Option<u16>), Vec<&str>> = BTreeMap::new();
    for host in cluster.hosts.iter().filter(|host| !host.local) {
        by_address
            .entry((host.address.as_str(), host.port))
            .or_default()
            .push(&host.name);
    }
    let mut findings: Vec<Finding> = by_address
        .into_iter()
        .filter(|(_, names)| names.len() > 1)
        .map(|((address, _), names)| fail(INVENTORY_UNIQUE, say::shared_address(address, &names)))
        .collect();
    if findings.is_empty() {
        findings.push(pass(INVENTORY_UNIQUE, say::unique()));
    }
    findings
}

fn endpoint(cluster: &Cluster) -> Finding {
    match &cluster.settings.control_plane_endpoint {
        Some(parsed) => match &parsed.value {
            Ok(endpoint) => pass(INVENTORY_ENDPOINT, say::endpoint_ok(endpoint)),
            Err(why) => fail(INVENTORY_ENDPOINT, say::endpoint_invalid(&parsed.text, why)),
        },
        None => match cluster.control_plane() {
            Some(host) => pass(INVENTORY_ENDPOINT, say::endpoint_defaulted(&host.address)),
            None => finding(INVENTORY_ENDPOINT, Status::Skip, say::endpoint_unknown()),
        },
    }
}

fn cidrs(cluster: &Cluster) -> Finding {
    let settings = &cluster.settings;
    let mut parsed = Vec::new();
    for (name, value) in [
        ("pod_network_cidr", &settings.pod_network_cidr),
        ("service_network_cidr", &settings.service_network_cidr),
    ] {
        if let Some(value) = value {
            match &value.value {
                Ok(network) => parsed.push(*network),
                Err(why) => {
                    return fail(INVENTORY_CIDRS, say::cidr_invalid(name, &value.text, why));
                }
            }
        }
    }
    if let [pod, service] = parsed.as_slice()
        && pod.overlaps(service)
    {
        return fail(
            INVENTORY_CIDRS,
            say::cidrs_overlap(&pod.to_string(), &service.to_string()),
        );
    }
    let text = |value: &Option<Setting<Network>>| value.as_ref().map(|value| value.text.clone());
    pass(
        INVENTORY_CIDRS,
        say::cidrs_ok(
            text(&settings.pod_network_cidr).as_deref(),
            text(&settings.service_network_cidr).as_deref(),
        ),
    )
}

fn ssh_client(cluster: &Cluster) -> Finding {
    if cluster.hosts.iter().all(|host| host.local) {
        return pass(LOCAL_SSH_CLIENT, say::ssh_client_not_needed());
    }
    match &cluster.ssh_client {
        Some(path) => pass(LOCAL_SSH_CLIENT, say::ssh_client_found(path)),
        None => fail(LOCAL_SSH_CLIENT, say::ssh_client_missing()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::cluster::Endpoint;

    fn only(cluster: &Cluster, id: &str) -> Vec<Finding> {
        check(cluster).into_iter().filter(|f| f.id == id).collect()
    }

    fn one(cluster: &Cluster, id: &str) -> Finding {
        let mut found = only(cluster, id);
        assert_eq!(found.len(), 1, "{found:#?}");
        found.remove(0)
    }

    #[test]
    fn a_missing_control_plane_fails() {
        let mut cluster = cluster();
        cluster.hosts.retain(|host| !host.is_control_plane());
        let finding = one(&cluster, INVENTORY_CONTROL_PLANE);
        assert_eq!(finding.status, Status::Fail);
        assert!(finding.hint.unwrap().contains("monitoring_nodes"));
        assert_eq!(
            one(&cluster, INVENTORY_ENDPOINT).status,
            Status::Pass,
            "set explicitly"
        );
    }

    #[test]
    fn no_workers_is_a_warning() {
        let mut cluster = cluster();
        assert_eq!(
            one(&cluster, INVENTORY_WORKERS).message,
            "2 worker(s): w1, w2"
        );
        cluster.hosts.retain(|host| !host.is_worker());
        assert_eq!(one(&cluster, INVENTORY_WORKERS).status, Status::Warn);
    }

    #[test]
    fn with_rke2_needs_an_rke2_host() {
        let mut cluster = cluster();
        cluster.hosts.retain(|host| !host.is_rke2());
        cluster.rke2 = Rke2::Required;
        assert_eq!(one(&cluster, INVENTORY_RKE2_HOST).status, Status::Fail);
        cluster.rke2 = Rke2::IfPresent;
        assert_eq!(one(&cluster, INVENTORY_RKE2_HOST).status, Status::Skip);
        cluster.rke2 = Rke2::Excluded;
        assert!(only(&cluster, INVENTORY_RKE2_HOST).is_empty());
    }

    #[test]
    fn shared_addresses_fail() {
        let mut cluster = cluster();
        assert_eq!(one(&cluster, INVENTORY_UNIQUE).status, Status::Pass);
        cluster.hosts[2].address = "192.0.2.11".into();
        let found = only(&cluster, INVENTORY_UNIQUE);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "hosts w1 and w2 share the address 192.0.2.11"
        );
        // The same address on another port is another host (NAT, the lab).
        cluster.hosts[2].port = Some(2222);
        assert_eq!(one(&cluster, INVENTORY_UNIQUE).status, Status::Pass);
    }

    #[test]
    fn an_endpoint_without_a_port_fails_and_none_defaults_to_the_control_plane() {
        let mut cluster = cluster();
        cluster.settings.control_plane_endpoint =
            Some(Setting::new("192.168.4.63".into(), Endpoint::parse));
        let finding = one(&cluster, INVENTORY_ENDPOINT);
        assert_eq!(finding.status, Status::Fail);
        assert!(
            finding.message.contains("the port is missing"),
            "{}",
            finding.message
        );
        cluster.settings.control_plane_endpoint = None;
        assert!(
            one(&cluster, INVENTORY_ENDPOINT)
                .message
                .contains("192.0.2.10:6443")
        );
    }

    #[test]
    fn bad_or_overlapping_cidrs_fail() {
        let mut cluster = cluster();
        assert_eq!(one(&cluster, INVENTORY_CIDRS).status, Status::Pass);
        cluster.settings.service_network_cidr =
            Some(Setting::new("10.244.128.0/17".into(), Network::parse));
        let finding = one(&cluster, INVENTORY_CIDRS);
        assert_eq!(finding.status, Status::Fail);
        assert!(finding.message.contains("overlap"));
        cluster.settings.pod_network_cidr =
            Some(Setting::new("10.244.0.0/40".into(), Network::parse));
        assert!(
            one(&cluster, INVENTORY_CIDRS)
                .message
                .contains("pod_network_cidr")
        );
    }

    #[test]
    fn an_ssh_client_is_needed_unless_every_host_is_local() {
        let mut cluster = cluster();
        cluster.ssh_client = None;
        assert_eq!(one(&cluster, LOCAL_SSH_CLIENT).status, Status::Fail);
        for host in &mut cluster.hosts {
            host.local = true;
        }
        assert_eq!(one(&cluster, LOCAL_SSH_CLIENT).status, Status::Pass);
    }
}

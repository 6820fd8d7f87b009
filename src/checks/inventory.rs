//! Checks of the inventory itself and of this machine: no host is asked.

use std::collections::BTreeMap;
use std::net::IpAddr;

use super::catalog::*;
use super::messages as say;
use super::model::{Cluster, Rke2};
use super::{Finding, Status};

pub fn check(cluster: &Cluster) -> Vec<Finding> {
    let names = |pick: fn(&super::HostSpec) -> bool| -> Vec<&str> {
        cluster
            .hosts
            .iter()
            .filter(|host| pick(host))
            .map(|host| host.name.as_str())
            .collect()
    };
    let control = names(|host| host.roles.control_plane);
    let workers = names(|host| host.roles.worker);
    let rke2 = names(|host| host.roles.rke2);

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

fn finding(id: &'static str, status: Status, text: say::Text) -> Finding {
    Finding::new(id, None, status, text)
}

fn pass(id: &'static str, text: say::Text) -> Finding {
    finding(id, Status::Pass, text)
}

fn fail(id: &'static str, text: say::Text) -> Finding {
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
        Some(text) => match parse_endpoint(text) {
            Ok((host, port)) => pass(INVENTORY_ENDPOINT, say::endpoint_ok(&host, port)),
            Err(why) => fail(INVENTORY_ENDPOINT, say::endpoint_invalid(text, why)),
        },
        None => match cluster.control_planes().next() {
            Some(host) => pass(INVENTORY_ENDPOINT, say::endpoint_defaulted(&host.address)),
            None => finding(INVENTORY_ENDPOINT, Status::Skip, say::endpoint_unknown()),
        },
    }
}

/// `host:port`, `[v6]:port`. The host part is a name or an address; the
/// port is required, as kubeadm's `controlPlaneEndpoint` is used here for
/// the join, which needs one.
pub fn parse_endpoint(text: &str) -> Result<(String, u16), &'static str> {
    let (host, port) = if let Some(rest) = text.strip_prefix('[') {
        let (host, port) = rest
            .split_once("]:")
            .ok_or("an IPv6 address is written [addr]:port")?;
        host.parse::<std::net::Ipv6Addr>()
            .map_err(|_| "the part in brackets is not an IPv6 address")?;
        (host, port)
    } else {
        let (host, port) = text.rsplit_once(':').ok_or("the port is missing")?;
        if host.is_empty() || host.contains(':') {
            return Err("the host part is empty, or an IPv6 address without [brackets]");
        }
        if !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
        {
            return Err("the host part has characters a host name cannot have");
        }
        (host, port)
    };
    match port.parse::<u16>() {
        Ok(port) if port > 0 => Ok((host.to_owned(), port)),
        _ => Err("the port is not a number from 1 to 65535"),
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
            match Network::parse(value) {
                Ok(network) => parsed.push(network),
                Err(why) => return fail(INVENTORY_CIDRS, say::cidr_invalid(name, value, why)),
            }
        }
    }
    if let [pod, service] = parsed.as_slice() {
        if pod.overlaps(service) {
            return fail(
                INVENTORY_CIDRS,
                say::cidrs_overlap(&pod.to_string(), &service.to_string()),
            );
        }
    }
    pass(
        INVENTORY_CIDRS,
        say::cidrs_ok(
            settings.pod_network_cidr.as_deref(),
            settings.service_network_cidr.as_deref(),
        ),
    )
}

/// An address range written `address/prefix`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    pub fn parse(text: &str) -> Result<Network, &'static str> {
        let (address, prefix) = text
            .trim()
            .split_once('/')
            .ok_or("the /prefix is missing")?;
        let address: IpAddr = address
            .parse()
            .map_err(|_| "not an IP address before the /")?;
        let bits = if address.is_ipv4() { 32 } else { 128 };
        let prefix: u8 = prefix
            .parse()
            .ok()
            .filter(|prefix| *prefix <= bits)
            .ok_or("the prefix is not a number of bits the address has")?;
        Ok(Network { address, prefix })
    }

    /// Two ranges overlap when the shorter prefix's bits agree; ranges of
    /// different families never do.
    pub fn overlaps(&self, other: &Network) -> bool {
        let prefix = self.prefix.min(other.prefix);
        match (self.address, other.address) {
            (IpAddr::V4(a), IpAddr::V4(b)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
                u32::from(a) & mask == u32::from(b) & mask
            }
            (IpAddr::V6(a), IpAddr::V6(b)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
                u128::from(a) & mask == u128::from(b) & mask
            }
            _ => false,
        }
    }
}

impl std::fmt::Display for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.address, self.prefix)
    }
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
        cluster.hosts.retain(|host| !host.roles.control_plane);
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
        cluster.hosts.retain(|host| !host.roles.worker);
        assert_eq!(one(&cluster, INVENTORY_WORKERS).status, Status::Warn);
    }

    #[test]
    fn with_rke2_needs_an_rke2_host() {
        let mut cluster = cluster();
        cluster.hosts.retain(|host| !host.roles.rke2);
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
    fn endpoints_are_host_and_port() {
        assert_eq!(
            parse_endpoint("192.168.4.63:6443"),
            Ok(("192.168.4.63".into(), 6443))
        );
        assert_eq!(parse_endpoint("k8s.lan:443"), Ok(("k8s.lan".into(), 443)));
        assert_eq!(
            parse_endpoint("[2001:db8::1]:6443"),
            Ok(("2001:db8::1".into(), 6443))
        );
        for bad in [
            "192.168.4.63",
            ":6443",
            "host:0",
            "host:99999",
            "a b:1",
            "2001:db8::1:6443",
            "[zz]:1",
        ] {
            assert!(parse_endpoint(bad).is_err(), "{bad}");
        }
        let mut cluster = cluster();
        cluster.settings.control_plane_endpoint = Some("192.168.4.63".into());
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
    fn networks_parse_and_overlap() {
        let net = |text| Network::parse(text).unwrap();
        assert!(net("10.0.0.0/8").overlaps(&net("10.96.0.0/12")));
        assert!(!net("10.244.0.0/16").overlaps(&net("10.96.0.0/12")));
        assert!(net("0.0.0.0/0").overlaps(&net("192.0.2.0/24")));
        assert!(net("fd00::/8").overlaps(&net("fd00:1::/64")));
        assert!(!net("fd00::/8").overlaps(&net("10.0.0.0/8")));
        for bad in ["10.0.0.0", "10.0.0.0/33", "ten/8", "::/129"] {
            assert!(Network::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bad_or_overlapping_cidrs_fail() {
        let mut cluster = cluster();
        assert_eq!(one(&cluster, INVENTORY_CIDRS).status, Status::Pass);
        cluster.settings.service_network_cidr = Some("10.244.128.0/17".into());
        let finding = one(&cluster, INVENTORY_CIDRS);
        assert_eq!(finding.status, Status::Fail);
        assert!(finding.message.contains("overlap"));
        cluster.settings.pod_network_cidr = Some("10.244.0.0/40".into());
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

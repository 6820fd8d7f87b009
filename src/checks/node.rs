//! Judgements the control plane, the workers and the RKE2 host share.

use std::net::IpAddr;

use super::{Finding, Status};
use crate::cluster::Host;
use crate::kube::prepare::Release;
use crate::messages::nodes as say;
use crate::probe::{self, Facts};

/// A Kubernetes tool found on `PATH`, or the failure with install steps.
pub fn tool(
    id: &'static str,
    spec: &Host,
    role: &str,
    name: &str,
    path: Option<&str>,
    facts: &Facts,
    version: Option<&str>,
) -> Finding {
    let (status, text) = match path {
        Some(path) => (Status::Pass, say::tool_found(spec, name, path)),
        None => (
            Status::Fail,
            say::tool_missing(spec, role, name, &facts.os.id, version),
        ),
    };
    Finding::new(id, Some(&spec.name), status, text)
}

/// The runtime socket named by `cri_socket`; skipped when none is set,
/// since kubeadm then looks for a runtime itself.
pub fn socket(id: &'static str, spec: &Host, facts: &Facts) -> Finding {
    let (status, text) = match (&spec.cri_socket, facts.cri_socket) {
        (None, _) => (Status::Skip, say::socket_not_set(spec)),
        (Some(socket), Some(true)) => (
            Status::Pass,
            say::socket_found(spec, probe::socket_path(socket)),
        ),
        (Some(socket), _) => (
            Status::Fail,
            say::socket_missing(spec, probe::socket_path(socket)),
        ),
    };
    Finding::new(id, Some(&spec.name), status, text)
}

/// The ports something already listens on, of those the host will need.
pub fn busy_ports(spec: &Host, facts: &Facts, ports: &[u16]) -> Vec<u16> {
    let own: Option<IpAddr> = spec.address.parse().ok();
    ports
        .iter()
        .copied()
        .filter(|port| facts.listening(*port, own))
        .collect()
}

/// kubeadm's and kubelet's minor against `kubernetes_version`: a
/// failure when either is of another (skipped when either side is
/// unknown, or the version is not one with a minor).
pub fn skew(
    id: &'static str,
    spec: &Host,
    facts: &Facts,
    version: Option<&str>,
) -> Option<Finding> {
    let release = version.and_then(Release::parse)?;
    let installed = [
        ("kubeadm", facts.kubeadm_version.as_deref()),
        ("kubelet", facts.kubelet_version.as_deref()),
    ];
    if let Some((tool, installed)) = release.other_minor(&installed) {
        let advice = crate::messages::prepare::version_skew(spec, tool, installed, &release.minor);
        return Some(Finding::new(id, Some(&spec.name), Status::Fail, advice));
    }
    let known = installed.iter().any(|(_, version)| version.is_some());
    known.then(|| {
        let advice = crate::messages::prepare::versions_match(spec, &release.minor);
        Finding::new(id, Some(&spec.name), Status::Pass, advice)
    })
}

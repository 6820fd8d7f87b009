//! `deploy reset`'s decisions, without I/O: from what the survey found on
//! each host, what its reset does there, in which order the hosts go
//! (workers, then the control plane), and which resets are refused: a
//! host of another cluster, and a control plane whose other nodes would
//! be stranded.

use std::collections::BTreeMap;

use crate::cluster::{Cluster, Host, Rke2};
use crate::kube::reset::{Chore, Stranger, saved_kubeconfig, server_key};
use crate::messages::{Advice, reset as say};
use crate::probe::remains::{Kubeconf, Remains};

/// What the survey said of a host: what is left there, or why it could
/// not be asked.
pub type Answer = Result<Remains, Advice>;

/// The whole reset, decided before anything changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Teardown {
    /// The hosts to reset, in order: workers, then control planes, then
    /// RKE2 hosts.
    pub hosts: Vec<HostTeardown>,
    /// The control plane that drains: the inventory's, by name.
    pub control_plane: String,
    /// The cluster's nodes, while its API answers.
    pub nodes: Option<Vec<String>>,
    /// The control plane the inventory names: its API server (from its
    /// admin.conf, else the inventory's endpoint) and its CA when known.
    pub ours: Option<Kubeconf>,
    /// The nodes joined to the control plane that are not being reset,
    /// when the control plane is (or would be, for `None` nodes: the
    /// inventory's workers left out).
    pub stranded: Vec<String>,
    /// Hosts that failed on the way (not asked, not drained): nothing
    /// more is done on them.
    pub failed: Vec<String>,
}

/// One host's part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostTeardown {
    pub name: String,
    pub address: String,
    pub kind: ResetKind,
    /// What it answered; its chores come from it.
    pub answer: Answer,
    pub chores: Vec<Chore>,
    /// Its kubelet.conf names another cluster.
    pub stranger: Option<Stranger>,
}

/// Which reset a host gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetKind {
    Worker,
    ControlPlane,
    Rke2,
}

impl HostTeardown {
    /// Its reset job has work to do on it.
    pub fn job(&self) -> bool {
        self.chores.iter().any(Chore::on_host)
    }

    pub fn drain(&self) -> Option<&str> {
        self.chores.iter().find_map(|chore| match chore {
            Chore::Drain { node } => Some(node.as_str()),
            _ => None,
        })
    }
}

impl Teardown {
    /// Nothing on any host taking part: a reset has nothing to do.
    pub fn nothing_to_do(&self) -> bool {
        self.hosts
            .iter()
            .all(|host| host.answer.is_ok() && host.chores.is_empty())
    }

    /// The hosts of `kind` with something to do, not failed on the way.
    pub fn to_do(&self, kind: ResetKind) -> impl Iterator<Item = &HostTeardown> {
        self.hosts.iter().filter(move |host| {
            host.kind == kind && !host.chores.is_empty() && !self.failed.contains(&host.name)
        })
    }

    pub fn host(&self, name: &str) -> Option<&HostTeardown> {
        self.hosts.iter().find(|host| host.name == name)
    }

    /// Why the reset must not go ahead as asked; `force` overrides each.
    pub fn refusals(&self) -> Vec<Advice> {
        let mut refusals: Vec<Advice> = self
            .hosts
            .iter()
            .filter_map(|host| {
                let stranger = host.stranger.as_ref()?;
                Some(say::another_cluster(
                    &host.name,
                    &host.address,
                    stranger,
                    &self.control_plane,
                ))
            })
            .collect();
        if !self.stranded.is_empty() {
            refusals.push(say::stranded(
                &self.control_plane,
                &self.stranded,
                self.nodes.is_some(),
            ));
        }
        refusals
    }
}

/// Decides the reset of the hosts `--limit` leaves, from each surveyed
/// host's answer (the control plane's always: it drains, and it is the
/// cluster the hosts must belong to) and the kubeconfigs saved in the log
/// directory (`saved`: their file names).
pub fn teardown(
    cluster: &Cluster,
    control_plane: &Host,
    answers: &BTreeMap<String, Answer>,
    saved: &[String],
) -> Teardown {
    let ours_answer = answers
        .get(&control_plane.name)
        .and_then(|answer| answer.as_ref().ok());
    let nodes = ours_answer.and_then(|remains| remains.nodes.clone());
    let ours = ours_answer
        .and_then(|remains| remains.admin_conf.clone())
        .or_else(|| {
            cluster.endpoint().map(|endpoint| Kubeconf {
                server: format!("https://{endpoint}"),
                ca: None,
            })
        });
    let workers = cluster.hosts.iter().filter(|host| host.is_worker());
    let control_planes = cluster.hosts.iter().filter(|host| host.is_control_plane());
    let rke2 = cluster
        .hosts
        .iter()
        .filter(|host| host.is_rke2() && cluster.rke2 != Rke2::Excluded);
    let mut hosts = Vec::new();
    for host in workers.chain(control_planes).chain(rke2) {
        if !host.selected {
            continue;
        }
        let kind = if host.is_worker() {
            ResetKind::Worker
        } else if host.is_control_plane() {
            ResetKind::ControlPlane
        } else {
            ResetKind::Rke2
        };
        let answer = answers
            .get(&host.name)
            .cloned()
            .unwrap_or_else(|| Err(Advice::note(say::NOT_ASKED)));
        let chores = match &answer {
            Ok(remains) => chores(host, kind, remains, nodes.as_deref(), saved),
            Err(_) => Vec::new(),
        };
        let stranger = match (&answer, &ours) {
            (Ok(remains), Some(ours)) if kind == ResetKind::Worker => {
                stranger(remains.kubelet_conf.as_ref(), ours)
            }
            _ => None,
        };
        hosts.push(HostTeardown {
            name: host.name.clone(),
            address: host.address.clone(),
            kind,
            answer,
            chores,
            stranger,
        });
    }
    let failed = hosts
        .iter()
        .filter(|host| host.answer.is_err())
        .map(|host| host.name.clone())
        .collect();
    let stranded = stranded(cluster, &hosts, nodes.as_deref());
    Teardown {
        hosts,
        control_plane: control_plane.name.clone(),
        nodes,
        ours,
        stranded,
        failed,
    }
}

/// What resetting `host` takes, from what is left there.
fn chores(
    host: &Host,
    kind: ResetKind,
    remains: &Remains,
    nodes: Option<&[String]>,
    saved: &[String],
) -> Vec<Chore> {
    let mut chores = Vec::new();
    let stale = |name: String| saved.contains(&name).then_some(Chore::MarkStale(name));
    if kind == ResetKind::Rke2 {
        if !remains.rke2.is_empty() {
            chores.push(Chore::Rke2Uninstall);
        }
        chores.extend(stale(saved_kubeconfig(&host.name, true)));
        return chores;
    }
    let joined = nodes.is_some_and(|nodes| nodes.contains(&host.name));
    if kind == ResetKind::Worker && joined {
        chores.push(Chore::Drain {
            node: host.name.clone(),
        });
    }
    if !remains.clean() {
        if remains.kubeadm.is_some() {
            chores.push(Chore::KubeadmReset {
                cri_socket: host.cri_socket.clone(),
            });
        }
        if remains.kubelet_running() {
            chores.push(Chore::StopKubelet);
        }
        if !remains.dirs.is_empty() {
            chores.push(Chore::Remove(remains.dirs.clone()));
        }
        if !remains.links.is_empty() {
            chores.push(Chore::DeleteLinks(remains.links.clone()));
        }
        if !remains.chains.is_empty() {
            chores.push(Chore::FlushChains);
        }
        chores.push(Chore::RestartContainerd);
    }
    if kind == ResetKind::ControlPlane {
        chores.extend(stale(saved_kubeconfig(&host.name, false)));
    }
    chores
}

/// A kubelet.conf naming another API server than ours, or the same one
/// with another CA (where both are known).
fn stranger(theirs: Option<&Kubeconf>, ours: &Kubeconf) -> Option<Stranger> {
    let theirs = theirs?;
    let other_server = server_key(&theirs.server) != server_key(&ours.server);
    let other_ca = matches!((&theirs.ca, &ours.ca), (Some(a), Some(b)) if a != b);
    (other_server || other_ca).then(|| Stranger {
        theirs: theirs.server.clone(),
        ours: ours.server.clone(),
        other_ca: other_ca && !other_server,
    })
}

/// When a control plane is reset: the nodes still joined to the cluster
/// that are not reset with it. Without the node list (the API does not
/// answer), the inventory's workers left out by `--limit`.
fn stranded(cluster: &Cluster, hosts: &[HostTeardown], nodes: Option<&[String]>) -> Vec<String> {
    let resets_control_plane = hosts
        .iter()
        .any(|host| host.kind == ResetKind::ControlPlane);
    if !resets_control_plane {
        return Vec::new();
    }
    let going = |name: &str| {
        hosts.iter().any(|host| host.name == name)
            || cluster
                .host(name)
                .is_some_and(|host| host.is_control_plane())
    };
    match nodes {
        Some(nodes) => nodes.iter().filter(|node| !going(node)).cloned().collect(),
        None => cluster
            .hosts
            .iter()
            .filter(|host| host.is_worker() && !going(&host.name))
            .map(|host| host.name.clone())
            .collect(),
    }
}

#[cfg(test)]
mod tests;

//! `deploy prepare` decided from the survey, purely: each host's changes
//! in the order they are made, or its refusal when only what prepare
//! never does (a version change, containerd from outside the
//! distribution) would make it ready.

use crate::cluster::{Cluster, Host, Mirrors};
use crate::kube::prepare::{
    APT_TOOLS, CONTAINERD, Change, DEFAULT_CRI_SOCKET, KUBE_PACKAGES, MODULES, PackageManager,
    PackageSource, Release, SYSCTLS, apt_list_lines, containerd_socket, crictl_lines,
    firewall_ports, key_beside, modules_lines, sysctl_lines, yum_repo_lines,
};
use crate::messages::{Advice, prepare as say, values};
use crate::probe::ready::Ready;

/// What the survey decided for one host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The survey could not ask it: nothing is done there.
    NotAsked(Advice),
    /// Only what prepare never does would make it ready: a version change,
    /// or containerd from outside the distribution.
    Refused(Advice),
    /// Its changes, in order; none when it is ready.
    Changes(Vec<Change>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPreparation {
    pub name: String,
    pub address: String,
    pub verdict: Verdict,
    /// Where its packages come from (the changes' REPO and KEY).
    pub source: PackageSource,
}

impl HostPreparation {
    pub fn changes(&self) -> &[Change] {
        match &self.verdict {
            Verdict::Changes(changes) => changes,
            _ => &[],
        }
    }

    pub fn failed(&self) -> bool {
        !matches!(self.verdict, Verdict::Changes(_))
    }
}

/// Every host taking part, decided; empty until the survey has run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preparation {
    pub hosts: Vec<HostPreparation>,
}

impl Preparation {
    /// One host, from its survey's answer (or why it had none).
    pub fn decide(
        host: &Host,
        release: &Release,
        mirrors: &Mirrors,
        answer: Result<Ready, Advice>,
    ) -> HostPreparation {
        let rpm = answer.as_ref().is_ok_and(Ready::rpm_family);
        let verdict = match answer {
            Err(why) => Verdict::NotAsked(say::not_asked(&host.name, &host.address, &why)),
            Ok(ready) => match changes(host, release, mirrors, &ready) {
                Ok(changes) => Verdict::Changes(changes),
                Err(refusal) => Verdict::Refused(refusal),
            },
        };
        HostPreparation {
            name: host.name.clone(),
            address: host.address.clone(),
            verdict,
            source: source(release, mirrors, rpm),
        }
    }

    /// The hosts with something to change.
    pub fn to_change(&self) -> impl Iterator<Item = &HostPreparation> {
        self.hosts.iter().filter(|host| !host.changes().is_empty())
    }
}

/// The release prepare installs, from `kubernetes_version`: refused as
/// preflight refuses it when YAML read it as a number (`1.30` is 1.3),
/// and when it names no minor.
pub fn release(cluster: &Cluster) -> Result<Release, Advice> {
    let version = cluster.settings.kubernetes_version.as_ref();
    if let Some(version) = version.filter(|version| version.number) {
        let read_from = cluster
            .settings
            .host
            .as_deref()
            .and_then(|name| cluster.host(name));
        if let Some(host) = read_from.or_else(|| cluster.hosts.first()) {
            return Err(values::version_a_number(host, &version.text));
        }
    }
    version
        .and_then(|version| Release::parse(&version.text))
        .ok_or_else(|| say::no_release(version.map(|version| version.text.as_str())))
}

/// Where a host's packages come from: the inventory's mirror, else
/// pkgs.k8s.io for the release. A mirror's key defaults to the one beside
/// its repository, as pkgs.k8s.io lays them out.
pub fn source(release: &Release, mirrors: &Mirrors, rpm: bool) -> PackageSource {
    let (repo, key) = if rpm {
        (&mirrors.rpm_repo, &mirrors.rpm_key)
    } else {
        (&mirrors.apt_repo, &mirrors.apt_key)
    };
    let default_repo = if rpm {
        release.rpm_repo()
    } else {
        release.apt_repo()
    };
    let repo = repo.clone().unwrap_or(default_repo);
    let key = key.clone().unwrap_or_else(|| key_beside(&repo, rpm));
    PackageSource { repo, key }
}

/// What `host` needs, from what the survey found there.
pub fn changes(
    host: &Host,
    release: &Release,
    mirrors: &Mirrors,
    ready: &Ready,
) -> Result<Vec<Change>, Advice> {
    let mut changes = kernel(ready);
    let kubeadm = host.is_control_plane() || host.is_worker();
    if ready.firewalld {
        let closed: Vec<String> =
            firewall_ports(host.is_control_plane(), !kubeadm && host.is_rke2())
                .into_iter()
                .filter(|port| !ready.open_ports.contains(port))
                .collect();
        if !closed.is_empty() {
            changes.push(Change::Firewall(closed));
        }
    }
    if !kubeadm {
        return Ok(changes);
    }
    let rpm = ready.rpm_family();
    refuse_version_change(host, release, ready, rpm)?;
    let source = source(release, mirrors, rpm);
    let manager = if rpm {
        PackageManager::Dnf
    } else {
        PackageManager::Apt
    };
    let installed = |name: &str| {
        ready.packages.contains_key(name)
            || match name {
                "kubeadm" => ready.kubeadm.is_some(),
                "kubelet" => ready.kubelet.is_some(),
                "kubectl" => ready.kubectl,
                _ => ready.containerd,
            }
    };
    let mut install = Vec::new();
    // Another runtime's socket: that runtime is the user's, not prepare's.
    let containerd = containerd_socket(host.cri_socket.as_deref());
    if containerd && !installed(CONTAINERD) && rpm {
        return Err(say::no_containerd_rpm(&host.name, &host.address));
    }
    if containerd && !installed(CONTAINERD) {
        install.push(CONTAINERD.to_owned());
    }
    for package in KUBE_PACKAGES {
        if !installed(package) {
            install.push(match manager {
                PackageManager::Apt => format!("{package}={}", release.apt_spec()),
                PackageManager::Dnf => format!("{package}-{}", release.rpm_spec()),
            });
        }
    }
    // apt installs nothing while dpkg has packages half-done.
    if manager == PackageManager::Apt && !ready.broken.is_empty() {
        changes.push(Change::Repair(ready.broken.clone()));
    }
    let repo_set = match manager {
        PackageManager::Apt => {
            ready.keyring && ready.apt_list == Some(apt_list_lines(&source.repo))
        }
        PackageManager::Dnf => ready.yum_repo == Some(yum_repo_lines(&source)),
    };
    if !repo_set && manager == PackageManager::Apt {
        let missing: Vec<String> = APT_TOOLS
            .iter()
            .filter(|tool| !ready.tools.iter().any(|there| there == *tool))
            .map(|tool| (*tool).to_owned())
            .collect();
        if !missing.is_empty() {
            changes.push(Change::AptTools(missing));
        }
    }
    if !repo_set {
        changes.push(match manager {
            PackageManager::Apt => Change::AptRepo,
            PackageManager::Dnf => Change::YumRepo,
        });
    }
    let new_containerd = install.iter().any(|package| package == CONTAINERD);
    if !install.is_empty() {
        changes.push(Change::Install {
            manager,
            packages: install.clone(),
        });
    }
    // A joined node's kubelet runs with the driver it has: switching
    // containerd's under it is the cgroup-mismatch failure.
    let configure = new_containerd || !ready.systemd_cgroup || ready.cri_disabled;
    if containerd && configure && !ready.joined {
        changes.push(Change::ContainerdConfig);
    }
    let socket = host.cri_socket.as_deref().unwrap_or(DEFAULT_CRI_SOCKET);
    if containerd && ready.crictl != Some(crictl_lines(socket)) {
        changes.push(Change::Crictl);
    }
    // dnf's repository excludes them from upgrades; apt holds them.
    if manager == PackageManager::Apt {
        let to_hold: Vec<String> = KUBE_PACKAGES
            .iter()
            .filter(|package| {
                let packaged = ready.packages.contains_key(**package)
                    || install.iter().any(|spec| spec.starts_with(**package));
                packaged && !ready.held.iter().any(|held| held == *package)
            })
            .map(|package| (*package).to_owned())
            .collect();
        if !to_hold.is_empty() {
            changes.push(Change::Hold(to_hold));
        }
    }
    if !ready.kubelet_enabled {
        changes.push(Change::EnableKubelet);
    }
    Ok(changes)
}

/// Swap, the modules and the sysctls: every host taking part.
fn kernel(ready: &Ready) -> Vec<Change> {
    let mut changes = Vec::new();
    if ready.swap_areas > 0 {
        changes.push(Change::SwapOff);
    }
    if ready.fstab_swap {
        changes.push(Change::FstabSwap);
    }
    let load: Vec<String> = MODULES
        .iter()
        .filter(|module| !ready.modules.iter().any(|loaded| loaded == *module))
        .map(|module| (*module).to_owned())
        .collect();
    let file = ready.modules_file != Some(modules_lines());
    if !load.is_empty() || file {
        changes.push(Change::Modules { load, file });
    }
    let applied = SYSCTLS
        .iter()
        .all(|key| ready.sysctls.get(*key).map(String::as_str) == Some("1"));
    if !applied || ready.sysctl_file != Some(sysctl_lines()) {
        changes.push(Change::Sysctls);
    }
    changes
}

/// kubeadm or kubelet of another minor, as a package or on the PATH.
fn refuse_version_change(
    host: &Host,
    release: &Release,
    ready: &Ready,
    rpm: bool,
) -> Result<(), Advice> {
    let version = |tool: &str| ready.packages.get(tool).map(String::as_str);
    let installed = [
        ("kubeadm", version("kubeadm").or(ready.kubeadm.as_deref())),
        ("kubelet", version("kubelet").or(ready.kubelet.as_deref())),
    ];
    match release.other_minor(&installed) {
        Some((tool, installed)) => Err(say::version_change(
            &host.name,
            &host.address,
            tool,
            installed,
            &release.minor,
            rpm,
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;

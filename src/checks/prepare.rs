//! `deploy prepare` decided from the survey, purely: each host's changes
//! in the order they are made, or its refusal when only a version change
//! would make it ready.

use crate::cluster::{Cluster, Host, Mirrors};
use crate::kube::prepare::{
    APT_TOOLS, CONTAINERD, Change, DEFAULT_CRI_SOCKET, KUBE_PACKAGES, MODULES, PackageManager,
    PackageSource, Release, SYSCTLS, apt_list_lines, containerd_socket, crictl_lines,
    firewall_ports, modules_lines, sysctl_lines, yum_repo_lines,
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
    let (default_repo, key_file) = if rpm {
        (release.rpm_repo(), "repodata/repomd.xml.key")
    } else {
        (release.apt_repo(), "Release.key")
    };
    let repo = repo.clone().unwrap_or(default_repo);
    let key = key.clone().unwrap_or_else(|| {
        let base = if repo.ends_with('/') {
            repo.clone()
        } else {
            format!("{repo}/")
        };
        format!("{base}{key_file}")
    });
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
    for (tool, on_path) in [("kubeadm", &ready.kubeadm), ("kubelet", &ready.kubelet)] {
        let installed = ready.packages.get(tool).or(on_path.as_ref());
        if let Some(installed) = installed.filter(|version| !release.same_minor(version)) {
            return Err(say::version_change(
                &host.name,
                &host.address,
                tool,
                installed,
                &release.minor,
                rpm,
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
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
}

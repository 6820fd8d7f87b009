//! `deploy prepare`'s survey: what of a host ready for kubeadm is already
//! there, asked with one read-only script ([`command`]) and read into
//! [`Ready`]. What to change is decided from it elsewhere, purely.

use std::collections::BTreeMap;

use anyhow::{Result, bail};

use crate::kube::prepare::{APT_LIST, CRICTL_FILE, KEYRING, MODULES_FILE, SYSCTL_FILE, YUM_REPO};
use crate::remote::Cmd;

const READY_SCRIPT: &str = include_str!("ready.sh");

/// The survey of one host; `kubeadm`: it is a kubeadm node, whose runtime,
/// repository and packages are asked too.
pub fn command(kubeadm: bool) -> Cmd {
    let cmd = Cmd::script("prepare survey", READY_SCRIPT)
        .var("MODULES_FILE", MODULES_FILE)
        .var("SYSCTL_FILE", SYSCTL_FILE)
        .var("CRICTL_FILE", CRICTL_FILE)
        .var("KEYRING", KEYRING)
        .var("APT_LIST", APT_LIST)
        .var("YUM_REPO", YUM_REPO);
    if kubeadm {
        cmd.var("KUBEADM", "1")
    } else {
        cmd
    }
}

/// A file's lines, or `None` when it does not exist.
pub type Lines = Option<Vec<String>>;

/// A host as the survey saw it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ready {
    /// `ID` and `ID_LIKE` of os-release.
    pub os_id: String,
    pub os_like: String,
    pub swap_areas: u32,
    /// /etc/fstab has a swap line not commented out.
    pub fstab_swap: bool,
    /// The modules loaded (of those deploy asks about).
    pub modules: Vec<String>,
    /// Each sysctl deploy sets, as it is now.
    pub sysctls: BTreeMap<String, String>,
    pub modules_file: Lines,
    pub sysctl_file: Lines,
    pub firewalld: bool,
    /// The ports firewalld has open (`6443/tcp`).
    pub open_ports: Vec<String>,
    pub containerd: bool,
    pub systemd_cgroup: bool,
    pub cri_disabled: bool,
    pub crictl: Lines,
    pub keyring: bool,
    /// What adding the apt repository needs that is there: `curl`, `gpg`,
    /// `ca-certificates` (its CA bundle).
    pub tools: Vec<String>,
    pub apt_list: Lines,
    pub yum_repo: Lines,
    /// Installed packages and their versions.
    pub packages: BTreeMap<String, String>,
    pub held: Vec<String>,
    /// Packages dpkg left unpacked, half-configured or half-installed.
    pub broken: Vec<String>,
    /// The versions kubeadm and kubelet say of themselves, where they are
    /// on the PATH (installed by a package or not).
    pub kubeadm: Option<String>,
    pub kubelet: Option<String>,
    pub kubectl: bool,
    pub kubelet_enabled: bool,
    /// kubeadm configured its kubelet (`/var/lib/kubelet/config.yaml`):
    /// the node joined a cluster.
    pub joined: bool,
}

impl Ready {
    pub fn parse(text: &str) -> Result<Ready> {
        let mut ready = Ready::default();
        let mut answered = false;
        let mut files: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for line in text.lines() {
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let nonempty = || (!value.trim().is_empty()).then(|| value.trim().to_owned());
            match key {
                "ready" => answered = value == "1",
                "os.ID" => ready.os_id = value.to_owned(),
                "os.ID_LIKE" => ready.os_like = value.to_owned(),
                "swap" => ready.swap_areas = value.parse().unwrap_or_default(),
                "fstab.swap" => ready.fstab_swap = true,
                "module" => ready.modules.push(value.to_owned()),
                "firewalld" => ready.firewalld = true,
                "port" => ready.open_ports.push(value.to_owned()),
                "containerd.bin" => ready.containerd = true,
                "containerd.systemd_cgroup" => ready.systemd_cgroup = true,
                "containerd.disabled_plugins" => {
                    ready.cri_disabled = crate::kube::containerd::cri_disabled(value);
                }
                "keyring" => ready.keyring = true,
                "tool" => ready.tools.push(value.to_owned()),
                "pkg" => {
                    if let Some((name, version)) = value.split_once(' ') {
                        ready.packages.insert(name.to_owned(), version.to_owned());
                    }
                }
                "hold" => ready.held.push(value.to_owned()),
                "broken" => ready.broken.push(value.to_owned()),
                "bin.kubeadm" => ready.kubeadm = nonempty(),
                "bin.kubelet" => ready.kubelet = nonempty(),
                "bin.kubectl" => ready.kubectl = true,
                "kubelet.enabled" => ready.kubelet_enabled = true,
                "kubelet.joined" => ready.joined = true,
                _ => {
                    if let Some(name) = key.strip_prefix("sysctl.") {
                        ready
                            .sysctls
                            .insert(name.to_owned(), value.trim().to_owned());
                    } else if let Some(file) = key.strip_suffix(".present") {
                        files.entry(file).or_default();
                    } else if matches!(
                        key,
                        "modules" | "sysctls" | "crictl" | "apt_list" | "yum_repo"
                    ) {
                        files.entry(key).or_default().push(value.to_owned());
                    }
                }
            }
        }
        if !answered {
            bail!("the survey's answer has no `ready=1` line: it did not run");
        }
        let mut take = |name: &str| files.remove(name);
        ready.modules_file = take("modules");
        ready.sysctl_file = take("sysctls");
        ready.crictl = take("crictl");
        ready.apt_list = take("apt_list");
        ready.yum_repo = take("yum_repo");
        Ok(ready)
    }

    /// A Red Hat family host: dnf and rpm, not apt.
    pub fn rpm_family(&self) -> bool {
        let words = format!("{} {}", self.os_id, self.os_like);
        words.split_whitespace().any(|word| {
            matches!(
                word,
                "rhel" | "fedora" | "centos" | "rocky" | "almalinux" | "ol"
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_hosts_answer_is_read() {
        let ready = Ready::parse(
            "ready=1\nos.ID=debian\nswap=1\nfstab.swap=yes\nmodule=overlay\n\
             sysctl.net.ipv4.ip_forward=0\nmodules.present=yes\nmodules=overlay\n",
        )
        .unwrap();
        assert_eq!(ready.swap_areas, 1);
        assert!(ready.fstab_swap);
        assert_eq!(ready.modules, ["overlay"]);
        assert_eq!(ready.sysctls["net.ipv4.ip_forward"], "0");
        assert_eq!(ready.modules_file, Some(vec!["overlay".to_owned()]));
        assert_eq!(ready.sysctl_file, None);
        assert!(!ready.rpm_family());
    }

    #[test]
    fn packages_holds_and_versions_are_read() {
        let ready = Ready::parse(
            "ready=1\nos.ID=rocky\nos.ID_LIKE=rhel centos fedora\npkg=kubeadm 1.29.15-1.1\nhold=kubeadm\nbroken=kubelet\nkubelet.joined=yes\ntool=curl\nbin.kubeadm=v1.29.15\nbin.kubelet=\n",
        )
        .unwrap();
        assert_eq!(ready.packages["kubeadm"], "1.29.15-1.1");
        assert_eq!(ready.held, ["kubeadm"]);
        assert_eq!(ready.broken, ["kubelet"]);
        assert!(ready.joined);
        assert_eq!(ready.tools, ["curl"]);
        assert_eq!(ready.kubeadm.as_deref(), Some("v1.29.15"));
        assert_eq!(ready.kubelet, None);
        assert!(ready.rpm_family());
    }

    #[test]
    fn an_answer_without_its_marker_is_an_error() {
        assert!(Ready::parse("login banner\n").is_err());
    }
}

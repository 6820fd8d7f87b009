//! `deploy prepare`'s texts: each change said as the list before anything
//! is done shows it, the refusal to change a version, and each way apt
//! fails on a host named with its fix.

use super::{Advice, fix_lines, host_line, who};
use crate::kube::prepare::{
    APT_LIST, CONTAINERD_CONFIG, CRICTL_FILE, Change, KEYRING, MODULES_FILE, SYSCTL_FILE, YUM_REPO,
    minor_of,
};

/// The survey's result.
pub fn surveyed(to_change: usize, ready: usize, failed: usize) -> String {
    let mut text = format!("{to_change} to prepare, {ready} with nothing to do");
    if failed > 0 {
        text.push_str(&format!(", {failed} failed"));
    }
    text
}

/// A host's result and the phase's skip when nothing is to be done.
pub const NOTHING_TO_DO: &str = "nothing to do";

pub const NOTHING_ANYWHERE: &str = "nothing to do: every host taking part is ready";

/// The heading of one host's changes in the list shown before any is made.
pub fn host_heading(name: &str, address: &str) -> String {
    format!("{} will be prepared:", who(name, address))
}

pub fn host_ready(name: &str, address: &str) -> String {
    format!("{}: nothing to do", who(name, address))
}

/// One change, as the list shows it.
pub fn change(change: &Change, repo: &str) -> String {
    match change {
        Change::SwapOff => "turn swap off (swapoff -a)".into(),
        Change::FstabSwap => "comment out the swap lines of /etc/fstab".into(),
        Change::Modules { load, file } => {
            let mut parts = Vec::new();
            if !load.is_empty() {
                parts.push(format!("load {}", load.join(" and ")));
            }
            if *file {
                parts.push(format!("list overlay and br_netfilter in {MODULES_FILE}"));
            }
            parts.join(", ")
        }
        Change::Sysctls => format!(
            "write {SYSCTL_FILE} (bridge-nf-call-iptables, bridge-nf-call-ip6tables, ip_forward = 1) and apply it"
        ),
        Change::Repair(packages) => format!(
            "finish configuring {}, which dpkg left half-done (dpkg --configure -a)",
            packages.join(" ")
        ),
        Change::AptTools(packages) => format!(
            "install {} from the distribution's repository (adding the repository needs them)",
            packages.join(" ")
        ),
        Change::AptRepo => format!("add the repository {repo} ({APT_LIST}, its key in {KEYRING})"),
        Change::YumRepo => format!("add the repository {repo} ({YUM_REPO})"),
        Change::Install { packages, .. } => format!("install {}", packages.join(" ")),
        Change::ContainerdConfig => {
            format!(
                "set SystemdCgroup = true in {CONTAINERD_CONFIG} (CRI on), restart containerd if it changed"
            )
        }
        Change::Crictl => format!("point crictl at the runtime socket ({CRICTL_FILE})"),
        Change::Hold(packages) => format!("hold {} (apt-mark hold)", packages.join(" ")),
        Change::EnableKubelet => "enable kubelet".into(),
        Change::Firewall(ports) => format!("open {} in firewalld", ports.join(" ")),
    }
}

/// What a host's result names of its changes.
pub fn change_word(change: &Change) -> &'static str {
    match change {
        Change::SwapOff | Change::FstabSwap => "swap",
        Change::Modules { .. } => "modules",
        Change::Sysctls => "sysctls",
        Change::AptRepo | Change::YumRepo => "repository",
        Change::Repair(_) | Change::AptTools(_) | Change::Install { .. } => "packages",
        Change::ContainerdConfig => "containerd",
        Change::Crictl => "crictl",
        Change::Hold(_) => "holds",
        Change::EnableKubelet => "kubelet",
        Change::Firewall(_) => "firewall",
    }
}

/// A host's result once its changes were made.
pub fn prepared(changes: &[Change]) -> String {
    let mut words: Vec<&str> = changes.iter().map(change_word).collect();
    words.dedup();
    format!("prepared: {}", words.join(", "))
}

/// `--check`'s line for one host.
pub fn plan_line(name: &str, lines: &[String]) -> String {
    format!("prepare {name}: {}", lines.join("; "))
}

/// kubeadm or kubelet of another minor than `kubernetes_version`: joins
/// and `kubeadm init` would run at a version the cluster was not meant
/// to have. `deploy prepare` never changes it.
pub fn version_skew(
    spec: &dyn super::Subject,
    tool: &str,
    installed: &str,
    wanted: &str,
) -> Advice {
    let name = spec.name();
    Advice::new(
        format!(
            "{}: {tool} {installed} is installed, but kubernetes_version is {wanted} (another minor version)",
            super::checks::who(spec)
        ),
        format!(
            "set kubernetes_version to the installed minor, or change the packages on {name} (deploy prepare never does): {}",
            change_minor(installed, wanted, false)
        ),
    )
}

pub fn versions_match(spec: &dyn super::Subject, wanted: &str) -> Advice {
    Advice::note(format!(
        "{}: kubeadm and kubelet are of kubernetes_version {wanted}",
        super::checks::who(spec)
    ))
}

/// kubeadm or kubelet of another minor: prepare fails the host rather
/// than change it, and says the change it would take.
pub fn version_change(
    name: &str,
    address: &str,
    tool: &str,
    installed: &str,
    minor: &str,
    rpm: bool,
) -> Advice {
    let command = change_minor(installed, minor, rpm);
    Advice::new(
        format!(
            "{}: {tool} {installed} is installed, kubernetes_version is {minor}: deploy prepare does not change a version",
            who(name, address)
        ),
        format!(
            "set kubernetes_version to the installed minor, or change it yourself (an upgrade goes through `kubeadm upgrade`): {command}"
        ),
    )
}

/// The commands that move a host's packages to `minor` from `installed`:
/// the repository's list, which names one minor, then the packages.
fn change_minor(installed: &str, minor: &str, rpm: bool) -> String {
    let (file, install) = if rpm {
        (
            YUM_REPO,
            format!(
                "dnf install -y --disableexcludes=kubernetes kubelet-{minor}.* kubeadm-{minor}.* kubectl-{minor}.*"
            ),
        )
    } else {
        (
            APT_LIST,
            format!(
                "apt-get update && apt-mark unhold kubelet kubeadm kubectl && apt-get install -y kubelet='{minor}.*' kubeadm='{minor}.*' kubectl='{minor}.*' && apt-mark hold kubelet kubeadm kubectl"
            ),
        )
    };
    match minor_of(installed) {
        Some(old) => format!("sed -i 's|/v{old}/|/v{minor}/|g' {file} && {install}"),
        None => format!("point {file} at the v{minor} repository, then {install}"),
    }
}

/// The result of a host refused (a version change, no containerd).
pub const REFUSED_RESULT: &str = "failed: refused";

/// A host the survey could not ask.
pub fn not_asked(name: &str, address: &str, why: &Advice) -> Advice {
    Advice {
        message: format!(
            "{}: could not be asked, so nothing is done there: {}",
            who(name, address),
            why.message
        ),
        fix: why.fix.clone(),
    }
}

pub const NOT_ASKED_RESULT: &str = "failed: not asked";

/// prepare needs a minor version to install.
pub fn no_release(value: Option<&str>) -> Advice {
    let message = match value {
        Some(value) => format!(
            "kubernetes_version {value} names no minor version, which deploy prepare installs packages of"
        ),
        None => "kubernetes_version is not set: deploy prepare needs the minor version to install"
            .to_owned(),
    };
    Advice::new(
        message,
        "set it in the inventory's `all` vars, like kubernetes_version: \"1.30\"",
    )
}

pub fn question(hosts: usize) -> String {
    let what = if hosts == 1 {
        "this host".to_owned()
    } else {
        format!("these {hosts} hosts")
    };
    format!("Prepare {what}?")
}

pub const QUESTION_FLAGS: &str = "--yes";

pub const NOT_CONFIRMED: &str = "not confirmed: nothing was changed";

/// `deploy all --prepare` stops when a host could not be prepared.
pub const FAILED_HOSTS: &str =
    "a host could not be prepared (said above, with its fix): nothing else was changed";

/// A RHEL family kubeadm node without containerd: the distribution has no
/// package of it (Docker's repository has `containerd.io`).
pub fn no_containerd_rpm(name: &str, address: &str) -> Advice {
    Advice::new(
        format!(
            "{}: containerd is not installed, and Red Hat's family ships no containerd package: deploy prepare does not add Docker's repository",
            who(name, address)
        ),
        "install containerd.io from Docker's repository (`dnf config-manager --add-repo https://download.docker.com/linux/rhel/docker-ce.repo && dnf install -y containerd.io`), or set cri_socket to the runtime the host has, then run deploy prepare again",
    )
}

/// `deploy all --prepare` stops before any change when a host was refused
/// or could not be surveyed.
pub const NOT_EVERY_HOST: &str = "a host was refused or could not be surveyed (said above, with its fix): nothing was changed on any host";

/// `--check`'s line for the checks after prepare.
pub const RECHECK_PLAN: &str = "every check again, once prepare has run";

pub const TABLE: [&str; 3] = ["HOST", "RESULT", "TIME"];

/// Why a host's changes failed, read from what apt, dpkg or curl said.
pub fn failure(stderr: &str) -> Option<Advice> {
    if let Some(line) = stderr
        .lines()
        .find(|line| line.contains("Could not get lock"))
    {
        let holder = line
            .split_once("It is held by ")
            .map_or("another apt or dpkg", |(_, holder)| {
                holder.trim_end_matches('.')
            });
        return Some(Advice::new(
            format!("the dpkg lock is held by {holder}"),
            "another apt is working (unattended-upgrades runs after a first boot): wait until it is done (`systemctl status unattended-upgrades`, `ps -p PID`), then run deploy prepare again; never remove the lock file",
        ));
    }
    if let Some(line) = stderr
        .lines()
        .find(|line| line.contains("for '") && line.contains("was not found"))
    {
        return Some(Advice::new(
            format!(
                "the version asked for is not in the repository: {}",
                line.trim_start_matches("E: ")
            ),
            "set kubernetes_version to a version the repository has (`apt-cache madison kubeadm` on the host lists them)",
        ));
    }
    if let Some(line) = stderr
        .lines()
        .find(|line| line.contains("Failed to fetch") || line.contains("Could not resolve"))
    {
        return Some(Advice::new(
            format!(
                "the package repository could not be reached: {}",
                line.trim_start_matches("E: ").trim()
            ),
            "make it reachable from the host (DNS, proxy, firewall), or serve it from a mirror: kubernetes_apt_repo and kubernetes_apt_key (kubernetes_rpm_repo, kubernetes_rpm_key) in the inventory",
        ));
    }
    if let Some(line) = stderr
        .lines()
        .find_map(|line| line.strip_prefix("SystemdCgroup unset: "))
    {
        let (config, table) = line
            .split_once(' ')
            .unwrap_or((line, "its runc options table"));
        return Some(Advice::new(
            format!("{config} still lacks SystemdCgroup = true: deploy could not add it"),
            format!(
                "set `SystemdCgroup = true` under {table} in {config}, run `systemctl restart containerd`, then deploy prepare again"
            ),
        ));
    }
    if let Some(line) = stderr
        .lines()
        .find(|line| line.starts_with("dpkg: error processing package"))
    {
        let package = line
            .trim_start_matches("dpkg: error processing package ")
            .split_whitespace()
            .next()
            .unwrap_or("a package");
        return Some(Advice::new(
            format!(
                "the package {package} failed to configure: its post-installation script failed"
            ),
            format!(
                "see why with `journalctl -xe` and `systemctl status {package}` on the host, then `dpkg --configure -a` and run deploy prepare again"
            ),
        ));
    }
    None
}

/// A host's changes failed: what failed, its fix, and apt's last lines.
pub fn failed_block(name: &str, address: &str, code: i32, stderr: &str) -> String {
    let mut text = host_line(name, address);
    text.push_str("\nPreparing the host failed!\n");
    if let Some(advice) = failure(stderr) {
        text.push_str(&advice.message);
        text.push('\n');
        for line in fix_lines("", "fix:", advice.fix.as_deref().unwrap_or_default()) {
            text.push_str(&line);
            text.push('\n');
        }
    }
    text.push_str(&format!("Exit code: {code}\n"));
    let last: Vec<&str> = stderr.lines().rev().take(6).collect();
    let quoted: Vec<&str> = last.into_iter().rev().collect();
    text.push_str(&format!("Error: {}", quoted.join("\n")));
    text
}

#[cfg(test)]
mod tests;

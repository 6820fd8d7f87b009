//! The evidence of one failed step: its own output, the unit's journal
//! since it started, and the host's state as the gathering script
//! reported it (`key=value` lines), turned into each thing that is wrong
//! (its `Symptom`) with the line that shows it.

use std::net::IpAddr;

use super::Symptom;
use crate::kube::containerd;
use crate::messages::diagnosis as say;
use crate::probe::Listener;

/// The kubelet's port.
const KUBELET_PORT: u16 = 10250;
/// A clock further off than this, either way, is named.
const SKEW_SECONDS: i64 = 30;

/// The host's state as the script reported it; `None` where it could not say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostState {
    /// The host's clock, seconds since the epoch.
    pub time: Option<i64>,
    /// `systemctl is-active` of kubelet and containerd.
    pub kubelet: Option<String>,
    pub containerd: Option<String>,
    /// config.toml's `disabled_plugins = [...]` line, when there is one.
    pub disabled_plugins: Option<String>,
    /// config.toml's `SystemdCgroup` value; `None` without config.toml.
    pub systemd_cgroup: Option<String>,
    /// `cgroupDriver` in /var/lib/kubelet/config.yaml.
    pub kubelet_cgroup: Option<String>,
    pub swap_areas: Option<u32>,
    pub ip_forward: Option<String>,
    /// Sockets listening on the kubelet's port.
    pub port_listeners: Vec<Listener>,
    /// `ss`'s process column for them, where ss could say.
    pub port_holder: Option<String>,
    /// Files in /etc/cni/net.d.
    pub cni_files: Option<u32>,
}

/// What a diagnosis reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    /// The unit whose journal this is (kubelet, rke2-server).
    pub unit: String,
    pub step: Vec<String>,
    pub journal: Vec<String>,
    /// Each thing wrong on the host, with the line that shows it.
    pub host: Vec<(Symptom, String)>,
}

impl Evidence {
    /// The evidence from the script's `answer` (empty when it could not be
    /// run), the step's `output`, the host's `address` as the inventory
    /// names it, and this machine's clock (`now`, seconds since the epoch).
    pub fn new(unit: &str, output: &[String], answer: &str, address: &str, now: i64) -> Evidence {
        let (state, journal) = HostState::parse(answer);
        Evidence {
            unit: unit.to_owned(),
            step: output.to_vec(),
            journal,
            host: state.wrong(address.parse().ok(), now),
        }
    }
}

impl HostState {
    /// The state and the journal's lines from the script's answer.
    pub fn parse(answer: &str) -> (HostState, Vec<String>) {
        let mut state = HostState::default();
        let mut journal = Vec::new();
        for line in answer.lines() {
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let text = || Some(value.trim().to_owned()).filter(|value| !value.is_empty());
            match key {
                "journal" => journal.push(value.to_owned()),
                "time" => state.time = value.trim().parse().ok(),
                "active.kubelet" => state.kubelet = text(),
                "active.containerd" => state.containerd = text(),
                "disabled_plugins" => state.disabled_plugins = text(),
                "systemd_cgroup" => state.systemd_cgroup = text(),
                "cgroup_driver" => {
                    state.kubelet_cgroup = text().map(|value| value.trim_matches('"').to_owned())
                }
                "swap" => state.swap_areas = value.trim().parse().ok(),
                "ip_forward" => state.ip_forward = text(),
                "listen" => state.port_listeners.extend(
                    Listener::decode(value.trim()).filter(|found| found.port == KUBELET_PORT),
                ),
                "holder" => state.port_holder = text(),
                "cni" => state.cni_files = value.trim().parse().ok(),
                _ => {}
            }
        }
        (state, journal)
    }

    /// Each thing wrong on the host, with its line. `address` is the host's,
    /// when the inventory names it by IP: a listener on another address
    /// of a shared machine is not its.
    pub fn wrong(&self, address: Option<IpAddr>, now: i64) -> Vec<(Symptom, String)> {
        let mut lines = Vec::new();
        if let Some(time) = self.time {
            let skew = time - now;
            if skew.abs() > SKEW_SECONDS {
                lines.push((Symptom::ClockOff, say::clock_off(skew)));
            }
        }
        if let Some(areas) = self.swap_areas.filter(|areas| *areas > 0) {
            lines.push((Symptom::SwapOn, say::swap_on(areas)));
        }
        if self.ip_forward.as_deref() == Some("0") {
            lines.push((Symptom::IpForwardOff, say::IP_FORWARD_ZERO.into()));
        }
        if let Some(state) = self
            .containerd
            .as_deref()
            .filter(|state| *state != "active")
        {
            lines.push((
                Symptom::ContainerdInactive,
                say::unit_state("containerd", state),
            ));
        }
        if let Some(line) = self
            .disabled_plugins
            .as_deref()
            .filter(|line| containerd::cri_disabled(line))
        {
            lines.push((Symptom::CriDisabled, say::disabled_plugins(line)));
        }
        if let (Some(kubelet), Some(systemd)) = (&self.kubelet_cgroup, &self.systemd_cgroup)
            && (kubelet == "systemd") != (systemd == "true")
        {
            lines.push((
                Symptom::CgroupMismatch,
                say::cgroup_drivers(kubelet, systemd),
            ));
        }
        for listener in &self.port_listeners {
            let ours = listener.address.is_unspecified()
                || address.is_none_or(|address| listener.is(address));
            if ours {
                let shown = match listener.address {
                    IpAddr::V6(v6) => format!("[{v6}]:{KUBELET_PORT}"),
                    v4 => format!("{v4}:{KUBELET_PORT}"),
                };
                lines.push((
                    Symptom::PortHeld,
                    say::port_held(&shown, self.port_holder.as_deref()),
                ));
            }
        }
        if self.cni_files == Some(0) {
            lines.push((Symptom::CniEmpty, say::CNI_EMPTY.into()));
        }
        if let Some(state) = self.kubelet.as_deref().filter(|state| *state != "active") {
            lines.push((Symptom::KubeletInactive, say::unit_state("kubelet", state)));
        }
        lines
    }
}

//! What the checks of the inventory, this machine and each host's login
//! say: the message says what was found, naming host and address; the fix
//! says what to do about it. What each node needs is in `nodes`.

use std::fmt::Display;
use std::time::Duration;

use super::{Advice, Subject, in_words};

/// `masternode (192.168.4.63)`: how every per-host message names its host.
pub(super) fn who(spec: &dyn Subject) -> String {
    super::who(spec.name(), spec.address())
}

// ---- inventory and this machine ------------------------------------------

pub fn control_plane_found(names: &[&str]) -> Advice {
    Advice::note(format!("control plane: {}", names.join(", ")))
}

const FIX_NO_CONTROL_PLANE: &str = "put a host in `monitoring_nodes` (or `kube_control_plane`), or give it `node_role: control-plane`";

/// The inventory has no control plane: the check's finding, and the error
/// of a command that cannot go on without one.
pub fn control_plane_missing() -> Advice {
    Advice::new(
        "no control plane host in the inventory",
        FIX_NO_CONTROL_PLANE,
    )
}

pub fn workers_found(names: &[&str]) -> Advice {
    Advice::note(format!("{} worker(s): {}", names.len(), names.join(", ")))
}

pub fn workers_missing() -> Advice {
    Advice::new(
        "no workers in the inventory: only the control plane will be set up",
        "put workers in `storage_nodes` or `compute_nodes` (or `kube_node`), or give them `node_role: worker`",
    )
}

pub fn rke2_host_found(names: &[&str]) -> Advice {
    Advice::note(format!("RKE2 host: {}", names.join(", ")))
}

pub fn rke2_host_missing() -> Advice {
    Advice::new(
        "--with-rke2 was given but no host has the RKE2 role",
        "put the RKE2 host in `compute_nodes` with `os_family: RedHat`, or name its group with `deploy_rke2_group`",
    )
}

pub fn rke2_host_absent() -> Advice {
    Advice::note("no RKE2 host in the inventory (needed only for --with-rke2)")
}

pub fn unique() -> Advice {
    Advice::note("every host has its own address")
}

pub fn shared_address(address: &str, names: &[&str]) -> Advice {
    Advice::new(
        format!("hosts {} share the address {address}", names.join(" and ")),
        "give each host its own `ansible_host` (or `ansible_port`)",
    )
}

pub fn endpoint_ok(endpoint: &dyn Display) -> Advice {
    Advice::note(format!("control_plane_endpoint: {endpoint}"))
}

pub fn endpoint_defaulted(host: &str) -> Advice {
    Advice::note(format!(
        "control_plane_endpoint not set: workers will join {host}:6443"
    ))
}

pub fn endpoint_unknown() -> Advice {
    Advice::note("control_plane_endpoint not set and no control plane to default it to")
}

pub fn endpoint_invalid(value: &str, why: &str) -> Advice {
    Advice::new(
        format!("control_plane_endpoint {value:?} is not host:port: {why}"),
        "write it like `192.168.4.63:6443` (`[2001:db8::1]:6443` for IPv6)",
    )
}

pub fn cidrs_ok(pod: Option<&str>, service: Option<&str>) -> Advice {
    let show = |value: Option<&str>| value.unwrap_or("kubeadm's default").to_owned();
    Advice::note(format!(
        "pod network {}, service network {}",
        show(pod),
        show(service)
    ))
}

pub fn cidr_invalid(name: &str, value: &str, why: &str) -> Advice {
    Advice::new(
        format!("{name} {value:?} is not a network: {why}"),
        format!("write {name} as address/prefix, like `10.244.0.0/16`"),
    )
}

pub fn cidrs_overlap(pod: &str, service: &str) -> Advice {
    Advice::new(
        format!("pod_network_cidr {pod} and service_network_cidr {service} overlap"),
        "choose separate ranges, like `10.244.0.0/16` for pods and `10.96.0.0/12` for services",
    )
}

pub fn ssh_client_found(path: &str) -> Advice {
    Advice::note(format!("ssh client: {path}"))
}

pub fn ssh_client_not_needed() -> Advice {
    Advice::note("every host is local: no ssh client needed")
}

pub fn ssh_client_missing() -> Advice {
    Advice::new(
        "no `ssh` client on this machine: remote hosts cannot be reached",
        super::remote::FIX_NO_SSH_CLIENT,
    )
}

// ---- every host ----------------------------------------------------------

pub fn reachable(spec: &dyn Subject) -> Advice {
    if spec.local() {
        Advice::note(format!("{}: local connection", who(spec)))
    } else {
        Advice::note(format!("{}: logged in over SSH", who(spec)))
    }
}

/// A host that gave no answer: the failure in the words of the layer that
/// met it (`super::remote`), with its fix, under the host's name.
pub fn unreachable(spec: &dyn Subject, failure: &Advice) -> Advice {
    Advice {
        message: format!("{}: {}", who(spec), failure.message),
        fix: failure.fix.clone(),
    }
}

pub fn host_keys_checked(spec: &dyn Subject) -> Advice {
    Advice::note(format!("{}: ssh checks its host key", who(spec)))
}

pub fn host_keys_local(spec: &dyn Subject) -> Advice {
    Advice::note(format!("{}: local connection, no host key", who(spec)))
}

/// ssh is told to take any key: a first connection to an impostor would go
/// unnoticed, and the join token with it.
pub fn host_keys_weakened(spec: &dyn Subject, setting: &str) -> Advice {
    Advice::new(
        format!(
            "{}: host-key checking is off ({setting}): a host that is not the one in the inventory would be trusted on first contact",
            who(spec)
        ),
        "set `-o StrictHostKeyChecking=accept-new` in ansible_ssh_common_args: new hosts' keys are recorded, changed ones refused",
    )
}

pub fn root(spec: &dyn Subject) -> Advice {
    Advice::note(format!("{}: runs as root", who(spec)))
}

pub fn not_root(spec: &dyn Subject, uid: u32) -> Advice {
    let how = if spec.becomes() {
        "even with ansible_become (is ansible_become_user root?)"
    } else {
        "without ansible_become"
    };
    Advice::new(
        format!(
            "{}: commands run as uid {uid} {how}; kubeadm needs root",
            who(spec)
        ),
        "set `ansible_become: true` (with ansible_become_password or -K if sudo asks for a password), or `ansible_user: root`",
    )
}

pub fn uid_unknown(spec: &dyn Subject) -> Advice {
    Advice::new(
        format!("{}: could not tell which user the probe ran as", who(spec)),
        "make sure `id` works on the host",
    )
}

pub fn os(spec: &dyn Subject, pretty: &str, arch: &str) -> Advice {
    Advice::note(format!("{}: {pretty}, {arch}", who(spec)))
}

pub fn os_unknown(spec: &dyn Subject, arch: &str) -> Advice {
    Advice::new(
        format!(
            "{}: unknown operating system (no /etc/os-release), {arch}",
            who(spec)
        ),
        "make /etc/os-release readable; deploy expects Debian for kubeadm and RHEL for RKE2",
    )
}

// ---- across hosts --------------------------------------------------------

/// `limit`: how far from the median a clock may be, in seconds.
pub fn clocks_agree(largest: i64, limit: i64) -> Advice {
    Advice::note(format!(
        "clocks within {} of the median (largest difference {})",
        seconds(limit),
        seconds(largest)
    ))
}

pub fn clocks_unknown() -> Advice {
    Advice::note("no host reported its clock")
}

pub fn clock_skewed(name: &str, skew: i64, limit: i64) -> Advice {
    let direction = if skew > 0 { "ahead of" } else { "behind" };
    Advice::new(
        format!(
            "{name}'s clock is {} {direction} the median of the hosts (more than {})",
            seconds(skew),
            seconds(limit)
        ),
        format!("turn on time sync on {name}: `timedatectl set-ntp true` (or `chronyc makestep`)"),
    )
}

/// A clock offset in seconds, either way, in words.
fn seconds(offset: i64) -> String {
    in_words(Duration::from_secs(offset.unsigned_abs()))
}

// ---- the command line ----------------------------------------------------

/// `--ignore-check` named no check: a typo must not silently ignore nothing.
pub fn unknown_check(value: &str, valid: &[&str]) -> Advice {
    Advice::new(
        format!("--ignore-check {value:?}: no check has this id"),
        format!("use `all` or one of: {}", valid.join(", ")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{CONTROL, spec};

    /// Every fix these checks give, word for word as the user reads it.
    #[test]
    fn every_fix_reads_as_written() {
        let m = spec("m", "192.0.2.10", CONTROL);
        for (advice, fix) in [
            (control_plane_missing(), FIX_NO_CONTROL_PLANE),
            (
                workers_missing(),
                "put workers in `storage_nodes` or `compute_nodes` (or `kube_node`), or give them `node_role: worker`",
            ),
            (
                rke2_host_missing(),
                "put the RKE2 host in `compute_nodes` with `os_family: RedHat`, or name its group with `deploy_rke2_group`",
            ),
            (
                shared_address("192.0.2.10", &["m", "w1"]),
                "give each host its own `ansible_host` (or `ansible_port`)",
            ),
            (
                endpoint_invalid("192.0.2.10", "the port is missing"),
                "write it like `192.168.4.63:6443` (`[2001:db8::1]:6443` for IPv6)",
            ),
            (
                cidr_invalid("pod_network_cidr", "10.244.0.0", "no prefix"),
                "write pod_network_cidr as address/prefix, like `10.244.0.0/16`",
            ),
            (
                cidrs_overlap("10.0.0.0/8", "10.96.0.0/12"),
                "choose separate ranges, like `10.244.0.0/16` for pods and `10.96.0.0/12` for services",
            ),
            (
                ssh_client_missing(),
                crate::messages::remote::FIX_NO_SSH_CLIENT,
            ),
            (
                not_root(&m, 1000),
                "set `ansible_become: true` (with ansible_become_password or -K if sudo asks for a password), or `ansible_user: root`",
            ),
            (uid_unknown(&m), "make sure `id` works on the host"),
            (
                os_unknown(&m, "x86_64"),
                "make /etc/os-release readable; deploy expects Debian for kubeadm and RHEL for RKE2",
            ),
            (
                clock_skewed("w2", 90, 30),
                "turn on time sync on w2: `timedatectl set-ntp true` (or `chronyc makestep`)",
            ),
            (
                unknown_check("worker.swp", &["worker.swap", "host.os"]),
                "use `all` or one of: worker.swap, host.os",
            ),
        ] {
            assert_eq!(advice.fix.as_deref(), Some(fix), "{}", advice.message);
        }
    }

    #[test]
    fn a_failure_from_the_remote_layer_keeps_its_fix_under_the_host_name() {
        let m = spec("m", "192.0.2.10", CONTROL);
        let failure = Advice::new("refused the SSH connection", "start the SSH server");
        assert_eq!(
            unreachable(&m, &failure),
            Advice::new(
                "m (192.0.2.10): refused the SSH connection",
                "start the SSH server"
            )
        );
    }

    #[test]
    fn clock_offsets_are_said_in_words_either_way() {
        assert_eq!(
            clock_skewed("w2", 90, 30).message,
            "w2's clock is 1 minute 30 seconds ahead of the median of the hosts (more than 30 seconds)"
        );
        assert!(
            clock_skewed("w2", -45, 30)
                .message
                .contains("45 seconds behind")
        );
        assert_eq!(
            clocks_agree(0, 30).message,
            "clocks within 30 seconds of the median (largest difference 0 seconds)"
        );
    }
}

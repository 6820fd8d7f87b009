//! Every text a check prints, in one place: the message says what was
//! found, naming host and address; the hint says what to do about it.

use crate::cluster::{Endpoint, Host};

/// A message and, for warnings and failures, the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub message: String,
    pub hint: Option<String>,
}

fn text(message: impl Into<String>, hint: impl Into<String>) -> Text {
    Text {
        message: message.into(),
        hint: Some(hint.into()),
    }
}

fn info(message: impl Into<String>) -> Text {
    Text {
        message: message.into(),
        hint: None,
    }
}

/// `masternode (192.168.4.63)`: how every per-host message names its host.
fn who(spec: &Host) -> String {
    super::who(&spec.name, &spec.address)
}

// ---- inventory and this machine ------------------------------------------

pub fn control_plane_found(names: &[&str]) -> Text {
    info(format!("control plane: {}", names.join(", ")))
}

pub fn control_plane_missing() -> Text {
    text(
        "no control plane host in the inventory",
        "put a host in `monitoring_nodes` (or `kube_control_plane`), or give it `node_role: control-plane`",
    )
}

pub fn workers_found(names: &[&str]) -> Text {
    info(format!("{} worker(s): {}", names.len(), names.join(", ")))
}

pub fn workers_missing() -> Text {
    text(
        "no workers in the inventory: only the control plane will be set up",
        "put workers in `storage_nodes` or `compute_nodes` (or `kube_node`), or give them `node_role: worker`",
    )
}

pub fn rke2_host_found(names: &[&str]) -> Text {
    info(format!("RKE2 host: {}", names.join(", ")))
}

pub fn rke2_host_missing() -> Text {
    text(
        "--with-rke2 was given but no host has the RKE2 role",
        "put the RKE2 host in `compute_nodes` with `os_family: RedHat`, or name its group with `deploy_rke2_group`",
    )
}

pub fn rke2_host_absent() -> Text {
    info("no RKE2 host in the inventory (needed only for --with-rke2)")
}

pub fn unique() -> Text {
    info("every host has its own address")
}

pub fn shared_address(address: &str, names: &[&str]) -> Text {
    text(
        format!("hosts {} share the address {address}", names.join(" and ")),
        "give each host its own `ansible_host` (or `ansible_port`)",
    )
}

pub fn endpoint_ok(endpoint: &Endpoint) -> Text {
    info(format!("control_plane_endpoint: {endpoint}"))
}

pub fn endpoint_defaulted(host: &str) -> Text {
    info(format!(
        "control_plane_endpoint not set: workers will join {host}:6443"
    ))
}

pub fn endpoint_unknown() -> Text {
    info("control_plane_endpoint not set and no control plane to default it to")
}

pub fn endpoint_invalid(value: &str, why: &str) -> Text {
    text(
        format!("control_plane_endpoint {value:?} is not host:port: {why}"),
        "write it like `192.168.4.63:6443` (`[2001:db8::1]:6443` for IPv6)",
    )
}

pub fn cidrs_ok(pod: Option<&str>, service: Option<&str>) -> Text {
    let show = |value: Option<&str>| value.unwrap_or("kubeadm's default").to_owned();
    info(format!(
        "pod network {}, service network {}",
        show(pod),
        show(service)
    ))
}

pub fn cidr_invalid(name: &str, value: &str, why: &str) -> Text {
    text(
        format!("{name} {value:?} is not a network: {why}"),
        format!("write {name} as address/prefix, like `10.244.0.0/16`"),
    )
}

pub fn cidrs_overlap(pod: &str, service: &str) -> Text {
    text(
        format!("pod_network_cidr {pod} and service_network_cidr {service} overlap"),
        "choose separate ranges, like `10.244.0.0/16` for pods and `10.96.0.0/12` for services",
    )
}

pub fn ssh_client_found(path: &str) -> Text {
    info(format!("ssh client: {path}"))
}

pub fn ssh_client_not_needed() -> Text {
    info("every host is local: no ssh client needed")
}

pub fn ssh_client_missing() -> Text {
    text(
        "no `ssh` client on this machine: remote hosts cannot be reached",
        "apt-get install openssh-client",
    )
}

// ---- every host ----------------------------------------------------------

pub fn reachable(spec: &Host) -> Text {
    if spec.local {
        info(format!("{}: local connection", who(spec)))
    } else {
        info(format!("{}: logged in over SSH", who(spec)))
    }
}

/// The connection layer's own words, with a fix where it had none.
pub fn unreachable(spec: &Host, message: &str, fix: Option<&str>, default_fix: &str) -> Text {
    text(
        format!("{}: {message}", who(spec)),
        fix.unwrap_or(default_fix).to_owned(),
    )
}

pub const FIX_UNREACHABLE: &str =
    "check that the host is up and that `ansible_host`/`ansible_port` are right";
pub const FIX_REFUSED: &str =
    "start sshd on the host, or set `ansible_port` to the port it listens on";
pub const FIX_AUTH: &str = "install your public key for the user (`ssh-copy-id`), or set `ansible_user` / `ansible_ssh_private_key_file`";
pub const FIX_HOST_KEY_UNKNOWN: &str =
    "connect once with `ssh` and check the key, or add it with `ssh-keyscan` to known_hosts";
pub const FIX_HOST_KEY_CHANGED: &str = "if the host was reinstalled, `ssh-keygen -R <address>`; otherwise find out why its key changed";
pub const FIX_TIMED_OUT: &str =
    "the host is slow or a command hangs there; run the probe by hand with `-vv`";
pub const FIX_SUDO: &str =
    "allow the user password-less sudo (`NOPASSWD` in /etc/sudoers.d/), or log in as root";
pub const FIX_OTHER: &str = "run again with `-v` for the connection's own output";

pub fn root(spec: &Host) -> Text {
    info(format!("{}: runs as root", who(spec)))
}

pub fn not_root(spec: &Host, uid: u32) -> Text {
    let how = if spec.becomes() {
        "even with ansible_become (is ansible_become_user root?)"
    } else {
        "without ansible_become"
    };
    text(
        format!(
            "{}: commands run as uid {uid} {how}; kubeadm needs root",
            who(spec)
        ),
        "set `ansible_become: true` (with password-less sudo), or `ansible_user: root`",
    )
}

pub fn uid_unknown(spec: &Host) -> Text {
    text(
        format!("{}: could not tell which user the probe ran as", who(spec)),
        "make sure `id` works on the host",
    )
}

pub fn os(spec: &Host, pretty: &str, arch: &str) -> Text {
    info(format!("{}: {pretty}, {arch}", who(spec)))
}

pub fn os_unknown(spec: &Host, arch: &str) -> Text {
    text(
        format!(
            "{}: unknown operating system (no /etc/os-release), {arch}",
            who(spec)
        ),
        "make /etc/os-release readable; deploy expects Debian for kubeadm and RHEL for RKE2",
    )
}

// ---- Kubernetes tools ----------------------------------------------------

pub fn tool_found(spec: &Host, tool: &str, path: &str) -> Text {
    info(format!("{}: {tool} at {path}", who(spec)))
}

/// A missing kubeadm, kubelet or kubectl, with the install steps for the
/// host's package manager (pkgs.k8s.io, the official repositories).
pub fn tool_missing(
    spec: &Host,
    role: &str,
    tool: &str,
    os_id: &str,
    version: Option<&str>,
) -> Text {
    let minor = version
        .map(|v| v.trim_start_matches('v'))
        .map(|v| v.split('.').take(2).collect::<Vec<_>>().join("."))
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "1.29".to_owned());
    let rpm = matches!(
        os_id,
        "rhel" | "rocky" | "almalinux" | "centos" | "fedora" | "ol"
    );
    let name = &spec.name;
    // The repository steps once, with kubeadm; kubelet and kubectl come
    // from the same repository.
    let hint = match (tool, rpm) {
        ("kubeadm", true) => format!(
            "install kubeadm on {name} from pkgs.k8s.io:\n\
             add a yum repository with baseurl=https://pkgs.k8s.io/core:/stable:/v{minor}/rpm/\n\
             dnf install -y kubelet kubeadm kubectl && systemctl enable kubelet"
        ),
        ("kubeadm", false) => format!(
            "install kubeadm on {name} from pkgs.k8s.io:\n\
             curl -fsSL https://pkgs.k8s.io/core:/stable:/v{minor}/deb/Release.key | gpg --dearmor -o /etc/apt/keyrings/kubernetes-apt-keyring.gpg\n\
             echo 'deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v{minor}/deb/ /' > /etc/apt/sources.list.d/kubernetes.list\n\
             apt-get update && apt-get install -y kubelet kubeadm kubectl && apt-mark hold kubelet kubeadm kubectl"
        ),
        (_, true) => format!(
            "install {tool} on {name} from the pkgs.k8s.io v{minor} repository: dnf install -y {tool}"
        ),
        (_, false) => format!(
            "install {tool} on {name} from the pkgs.k8s.io v{minor} repository (set up as for kubeadm): apt-get install -y {tool}"
        ),
    };
    text(
        format!("{tool} not found on the {role} {}", who(spec)),
        hint,
    )
}

pub fn kubeadm_missing_but_joined(spec: &Host) -> Text {
    text(
        format!(
            "kubeadm not found on the worker {}, which has already joined",
            who(spec)
        ),
        "nothing blocks: the join skips this worker; install kubeadm before upgrading it",
    )
}

pub fn socket_found(spec: &Host, path: &str) -> Text {
    info(format!("{}: runtime socket {path}", who(spec)))
}

pub fn socket_missing(spec: &Host, path: &str) -> Text {
    text(
        format!("{}: container runtime socket {path} not found", who(spec)),
        "install and start the runtime (`apt-get install -y containerd && systemctl enable --now containerd`), or set `cri_socket` to your runtime's socket",
    )
}

pub fn socket_not_set(spec: &Host) -> Text {
    info(format!(
        "{}: cri_socket not set in the inventory; kubeadm will look for a runtime itself",
        who(spec)
    ))
}

// ---- ports ---------------------------------------------------------------

pub fn ports_free(spec: &Host, ports: &[u16]) -> Text {
    info(format!("{}: ports {} free", who(spec), list(ports)))
}

pub fn ports_busy(spec: &Host, ports: &[u16]) -> Text {
    text(
        format!("{}: port(s) {} already in use", who(spec), list(ports)),
        format!(
            "find what listens with `ss -ltnp 'sport = :{}'` and stop it, or `kubeadm reset -f` if it is an old cluster",
            ports[0]
        ),
    )
}

pub fn already_initialised(spec: &Host) -> Text {
    info(format!(
        "{}: already initialised (/etc/kubernetes/admin.conf): `kubeadm init` will be skipped",
        who(spec)
    ))
}

pub fn rke2_running(spec: &Host) -> Text {
    info(format!(
        "{}: rke2-server already runs: ports 9345 and 6443 are its own",
        who(spec)
    ))
}

fn list(ports: &[u16]) -> String {
    ports
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

// ---- workers -------------------------------------------------------------

pub fn swap_off(spec: &Host) -> Text {
    info(format!("{}: swap off", who(spec)))
}

pub fn swap_on(spec: &Host, areas: u32) -> Text {
    text(
        format!(
            "{}: swap is on ({areas} area(s) in /proc/swaps); the kubelet will not start",
            who(spec)
        ),
        "swapoff -a, and remove or comment the swap lines in /etc/fstab",
    )
}

pub fn swap_unknown(spec: &Host) -> Text {
    text(
        format!("{}: could not read /proc/swaps", who(spec)),
        "check swap by hand with `swapon --show`",
    )
}

pub fn modules_loaded(spec: &Host) -> Text {
    info(format!("{}: br_netfilter and overlay loaded", who(spec)))
}

pub fn modules_missing(spec: &Host, missing: &[&str]) -> Text {
    text(
        format!(
            "{}: kernel module(s) {} not loaded",
            who(spec),
            missing.join(", ")
        ),
        format!(
            "modprobe {0}, and list them in /etc/modules-load.d/k8s.conf to load them at boot",
            missing.join(" ")
        ),
    )
}

pub fn ip_forward_on(spec: &Host) -> Text {
    info(format!("{}: net.ipv4.ip_forward=1", who(spec)))
}

pub fn ip_forward_off(spec: &Host) -> Text {
    text(
        format!(
            "{}: net.ipv4.ip_forward is 0; pod traffic would not be routed",
            who(spec)
        ),
        "sysctl -w net.ipv4.ip_forward=1, and put `net.ipv4.ip_forward = 1` in /etc/sysctl.d/k8s.conf",
    )
}

pub fn ip_forward_unknown(spec: &Host) -> Text {
    text(
        format!("{}: could not read net.ipv4.ip_forward", who(spec)),
        "check it with `sysctl net.ipv4.ip_forward`",
    )
}

pub fn joined(spec: &Host) -> Text {
    info(format!(
        "{}: already joined (/etc/kubernetes/kubelet.conf exists): the join will skip it",
        who(spec)
    ))
}

pub fn not_joined(spec: &Host) -> Text {
    info(format!("{}: not joined yet", who(spec)))
}

pub fn endpoint_reached(spec: &Host, endpoint: &Endpoint) -> Text {
    info(format!("{}: reaches {endpoint}", who(spec)))
}

pub fn endpoint_unreached(spec: &Host, endpoint: &Endpoint, how: &str) -> Text {
    text(
        format!(
            "{}: cannot reach the control plane endpoint {endpoint} ({how})",
            who(spec)
        ),
        format!(
            "from {name}, `curl -k https://{endpoint}/healthz` must answer: open the port in the firewalls between them, or correct control_plane_endpoint",
            name = spec.name
        ),
    )
}

pub fn endpoint_before_init(spec: &Host) -> Text {
    info(format!(
        "{}: the control plane is not initialised yet; `deploy all` checks this right after `kubeadm init`",
        who(spec)
    ))
}

pub fn endpoint_untested(spec: &Host) -> Text {
    text(
        format!(
            "{}: could not test the endpoint (neither bash with timeout nor nc on the host)",
            who(spec)
        ),
        "install netcat (`apt-get install -y netcat-openbsd`) so the check can run",
    )
}

pub fn endpoint_not_configured(spec: &Host) -> Text {
    info(format!("{}: no control plane endpoint to test", who(spec)))
}

// ---- RKE2 ----------------------------------------------------------------

pub fn no_leftovers(spec: &Host) -> Text {
    info(format!("{}: no kubeadm leftovers", who(spec)))
}

pub fn leftovers(spec: &Host, found: &[String]) -> Text {
    text(
        format!(
            "{}: leftovers of a kubeadm install: {}",
            who(spec),
            found.join(", ")
        ),
        "`deploy all --with-rke2` offers to clean them up (kubeadm reset -f and the leftover directories); or remove them by hand",
    )
}

// ---- across hosts --------------------------------------------------------

pub fn clocks_agree(largest: i64) -> Text {
    info(format!(
        "clocks within 30 s of the median (largest difference {largest} s)"
    ))
}

pub fn clocks_unknown() -> Text {
    info("no host reported its clock")
}

pub fn clock_skewed(name: &str, skew: i64) -> Text {
    let direction = if skew > 0 { "ahead of" } else { "behind" };
    text(
        format!(
            "{name}'s clock is {} s {direction} the median of the hosts (more than 30 s)",
            skew.abs()
        ),
        format!("turn on time sync on {name}: `timedatectl set-ntp true` (or `chronyc makestep`)"),
    )
}

//! Every check id, with what it means and how to fix it. The ids are an
//! interface (`--ignore-check`, the JSON report, scripts): they change only
//! on purpose. The README's table lists the same entries (a test compares).

pub const INVENTORY_CONTROL_PLANE: &str = "inventory.control-plane";
pub const INVENTORY_WORKERS: &str = "inventory.workers";
pub const INVENTORY_RKE2_HOST: &str = "inventory.rke2-host";
pub const INVENTORY_UNIQUE: &str = "inventory.unique";
pub const INVENTORY_ENDPOINT: &str = "inventory.endpoint";
pub const INVENTORY_CIDRS: &str = "inventory.cidrs";
pub const INVENTORY_NODE_NAMES: &str = "inventory.node-names";
pub const INVENTORY_NODE_LABELS: &str = "inventory.node-labels";
pub const INVENTORY_NODE_TAINTS: &str = "inventory.node-taints";
pub const INVENTORY_KUBERNETES_VERSION: &str = "inventory.kubernetes-version";
pub const INVENTORY_WAKE_ON_LAN: &str = "inventory.wake-on-lan";
pub const LOCAL_SSH_CLIENT: &str = "local.ssh-client";
pub const HOST_REACHABLE: &str = "host.reachable";
pub const HOST_KEYS: &str = "host.host-keys";
pub const HOST_SUDO: &str = "host.sudo";
pub const HOST_OS: &str = "host.os";
pub const HOST_VERSION_SKEW: &str = "host.version-skew";
pub const CONTROL_PLANE_KUBEADM: &str = "control-plane.kubeadm";
pub const CONTROL_PLANE_KUBELET: &str = "control-plane.kubelet";
pub const CONTROL_PLANE_KUBECTL: &str = "control-plane.kubectl";
pub const CONTROL_PLANE_RUNTIME_SOCKET: &str = "control-plane.runtime-socket";
pub const CONTROL_PLANE_PORTS: &str = "control-plane.ports";
pub const WORKER_KUBEADM: &str = "worker.kubeadm";
pub const WORKER_KUBELET: &str = "worker.kubelet";
pub const WORKER_RUNTIME_SOCKET: &str = "worker.runtime-socket";
pub const WORKER_SWAP: &str = "worker.swap";
pub const WORKER_KERNEL_MODULES: &str = "worker.kernel-modules";
pub const WORKER_IP_FORWARD: &str = "worker.ip-forward";
pub const WORKER_JOINED: &str = "worker.joined";
pub const WORKER_ENDPOINT_REACHABLE: &str = "worker.endpoint-reachable";
pub const WORKER_LEFTOVERS: &str = "worker.leftovers";
pub const RKE2_KUBEADM_LEFTOVERS: &str = "rke2.kubeadm-leftovers";
pub const RKE2_PORTS: &str = "rke2.ports";
pub const RKE2_NODE_NAME: &str = "rke2.node-name";
pub const CLUSTER_CLOCK_SKEW: &str = "cluster.clock-skew";

/// What `deploy prepare` makes right: with `deploy all --prepare` these
/// do not stop preflight, and are checked again once prepare has run.
pub const PREPARE_FIXES: &[&str] = &[
    CONTROL_PLANE_KUBEADM,
    CONTROL_PLANE_KUBELET,
    CONTROL_PLANE_KUBECTL,
    CONTROL_PLANE_RUNTIME_SOCKET,
    WORKER_KUBEADM,
    WORKER_KUBELET,
    WORKER_RUNTIME_SOCKET,
    WORKER_SWAP,
    WORKER_KERNEL_MODULES,
    WORKER_IP_FORWARD,
];

/// One row of the catalogue.
#[derive(Debug, Clone, Copy)]
pub struct Check {
    pub id: &'static str,
    pub meaning: &'static str,
    pub fix: &'static str,
}

const fn check(id: &'static str, meaning: &'static str, fix: &'static str) -> Check {
    Check { id, meaning, fix }
}

pub const CHECKS: &[Check] = &[
    check(
        INVENTORY_CONTROL_PLANE,
        "the inventory names a control plane host",
        "put a host in `monitoring_nodes` (or `kube_control_plane`, or set `node_role: control-plane`)",
    ),
    check(
        INVENTORY_WORKERS,
        "the inventory names workers (a warning when none)",
        "put hosts in `storage_nodes`/`compute_nodes` (or `kube_node`, or `node_role: worker`)",
    ),
    check(
        INVENTORY_RKE2_HOST,
        "with `--with-rke2`, the inventory names an RKE2 host",
        "put the RKE2 host in `compute_nodes` with `os_family: RedHat`, or set `deploy_rke2_group`",
    ),
    check(
        INVENTORY_UNIQUE,
        "host addresses (with ports) are unique",
        "give each host its own `ansible_host` (or `ansible_port`)",
    ),
    check(
        INVENTORY_ENDPOINT,
        "`control_plane_endpoint` is `host:port`",
        "write it like `192.168.4.63:6443` (`[2001:db8::1]:6443` for IPv6)",
    ),
    check(
        INVENTORY_CIDRS,
        "`pod_network_cidr` and `service_network_cidr` are valid and do not overlap",
        "use two separate ranges, like `10.244.0.0/16` and `10.96.0.0/12`",
    ),
    check(
        INVENTORY_NODE_NAMES,
        "each host's node name (the inventory name, or RKE2's `node-name`) is a DNS-1123 subdomain Kubernetes accepts",
        "rename the host: lowercase letters, digits, `-` and `.`, at most 253 characters (`ansible_host` keeps its address)",
    ),
    check(
        INVENTORY_NODE_LABELS,
        "each `node_labels` entry is a Kubernetes label `key=value` (checked before anything changes)",
        "write it like `vmstation.io/role=storage`: key and value up to 63 letters, digits, `-`, `_`, `.`",
    ),
    check(
        INVENTORY_NODE_TAINTS,
        "each `node_taints` entry is a Kubernetes taint `key=value:Effect` or `key:Effect`",
        "write it like `dedicated=storage:NoSchedule`; Effect is NoSchedule, PreferNoSchedule or NoExecute",
    ),
    check(
        INVENTORY_KUBERNETES_VERSION,
        "`kubernetes_version` is text (a number fails: `1.30` unquoted is 1.3) and one kubeadm accepts (`1.29`, `v1.29.3`, `stable-1.29`)",
        "write it quoted, like `\"1.29\"` (the newest 1.29 release) or `v1.29.3`",
    ),
    check(
        INVENTORY_WAKE_ON_LAN,
        "each `wol_mac` is six hex octets separated by `:` or `-`; `wol_broadcast` is an IP address and `wol_port` a port (for `deploy wake` and `--wake`)",
        "write the card's MAC alone, like `'00:e0:4c:68:cb:bf'` (not the `brd ...` after it in `ip link`)",
    ),
    check(
        LOCAL_SSH_CLIENT,
        "this machine has an `ssh` client (unless every host is local)",
        "install the OpenSSH client: `apt-get install openssh-client` (RHEL: `dnf install openssh-clients`)",
    ),
    check(
        HOST_REACHABLE,
        "the host answers over SSH and the login works (unreachable, refused, denied and host key problems are each named)",
        "the message says which: check `ansible_host`/`ansible_port`, the key, or known_hosts",
    ),
    check(
        HOST_KEYS,
        "ssh checks the host's key against known_hosts (a warning names `StrictHostKeyChecking=no` or `UserKnownHostsFile=/dev/null`)",
        "`-o StrictHostKeyChecking=accept-new` in `ansible_ssh_common_args`",
    ),
    check(
        HOST_SUDO,
        "commands can run as root: logged in as root, or `ansible_become` through sudo (with its password when it asks: `ansible_become_password` or `-K`)",
        "set `ansible_become: true` (with `ansible_become_password` or `-K` when sudo asks for a password), or log in as root",
    ),
    check(
        HOST_OS,
        "the operating system and architecture (reported; a warning when unknown)",
        "make `/etc/os-release` readable",
    ),
    check(
        HOST_VERSION_SKEW,
        "kubeadm and kubelet on a kubeadm node are of the minor version `kubernetes_version` names",
        "set `kubernetes_version` to the installed minor, or change the packages by hand (`deploy prepare` never changes a version)",
    ),
    check(
        CONTROL_PLANE_KUBEADM,
        "`kubeadm` is installed on the control plane",
        "`deploy prepare -l HOST`, or install kubeadm from pkgs.k8s.io (the hint gives the apt steps)",
    ),
    check(
        CONTROL_PLANE_KUBELET,
        "`kubelet` is installed on the control plane",
        "install kubelet from pkgs.k8s.io",
    ),
    check(
        CONTROL_PLANE_KUBECTL,
        "`kubectl` is installed on the control plane",
        "install kubectl from pkgs.k8s.io",
    ),
    check(
        CONTROL_PLANE_RUNTIME_SOCKET,
        "the container runtime socket (`cri_socket`) exists on the control plane",
        "install and start the runtime (`systemctl enable --now containerd`), or correct `cri_socket`",
    ),
    check(
        CONTROL_PLANE_PORTS,
        "ports 6443 and 10250 are free, or the cluster is already initialised (`admin.conf`), which is reported",
        "stop what listens there (`ss -ltnp`), or `kubeadm reset -f` an old cluster",
    ),
    check(
        WORKER_KUBEADM,
        "`kubeadm` is installed on the worker (a warning when it has already joined)",
        "install kubeadm from pkgs.k8s.io",
    ),
    check(
        WORKER_KUBELET,
        "`kubelet` is installed on the worker",
        "install kubelet from pkgs.k8s.io",
    ),
    check(
        WORKER_RUNTIME_SOCKET,
        "the container runtime socket (`cri_socket`) exists on the worker",
        "install and start the runtime, or correct `cri_socket`",
    ),
    check(
        WORKER_SWAP,
        "swap is off (the kubelet will not start with swap on)",
        "`swapoff -a` and remove swap lines from `/etc/fstab`",
    ),
    check(
        WORKER_KERNEL_MODULES,
        "the `br_netfilter` and `overlay` kernel modules are loaded",
        "`modprobe br_netfilter overlay`, and list them in `/etc/modules-load.d/k8s.conf`",
    ),
    check(
        WORKER_IP_FORWARD,
        "`net.ipv4.ip_forward` is 1",
        "`sysctl -w net.ipv4.ip_forward=1`, and persist it in `/etc/sysctl.d/k8s.conf`",
    ),
    check(
        WORKER_JOINED,
        "whether the worker already joined (`/etc/kubernetes/kubelet.conf`): information, the join skips it",
        "nothing to fix",
    ),
    check(
        WORKER_ENDPOINT_REACHABLE,
        "the control plane endpoint answers over TCP from the worker itself (skipped until the control plane is initialised)",
        "open the port between worker and control plane (firewall, routes), or correct `control_plane_endpoint`",
    ),
    check(
        WORKER_LEFTOVERS,
        "no leftovers of an earlier install that `kubeadm join` would refuse: `/etc/kubernetes/pki/ca.crt`, `bootstrap-kubelet.conf`, a `kubelet.conf` the cluster has no node for, port 10250 in use (a joined worker, or one whose deploy join failed and is reset, passes)",
        "`sudo kubeadm reset -f` on that host",
    ),
    check(
        RKE2_KUBEADM_LEFTOVERS,
        "no kubeadm leftovers (kubelet binaries, `/etc/kubernetes`) on the RKE2 host (a warning)",
        "`kubeadm reset -f` and remove the leftovers; `deploy all --with-rke2` offers to",
    ),
    check(
        RKE2_PORTS,
        "ports 9345 and 6443 are free on the RKE2 host, unless rke2-server already runs",
        "stop what listens there (`ss -ltnp`)",
    ),
    check(
        RKE2_NODE_NAME,
        "RKE2's node is named as the inventory names it, except where rke2-server has run under another name, which it keeps (a warning)",
        "set `node-name` in `rke2_config` (the inventory name to rename the node, its current name to keep it), or reset the host",
    ),
    check(
        CLUSTER_CLOCK_SKEW,
        "every host's clock is within 30 s of the median of the hosts",
        "turn on time sync: `timedatectl set-ntp true` (or `chronyc makestep`)",
    ),
];

pub fn is_known(id: &str) -> bool {
    CHECKS.iter().any(|check| check.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_dotted() {
        let mut ids: Vec<&str> = CHECKS.iter().map(|check| check.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), CHECKS.len());
        assert!(
            ids.iter()
                .all(|id| id.contains('.') && *id == id.to_lowercase())
        );
        assert!(is_known("worker.swap") && !is_known("worker.swp"));
    }

    /// The README's table is the user's reference: same ids, same order,
    /// same words.
    #[test]
    fn the_readme_lists_every_check() {
        let readme = include_str!("../../README.md");
        let section = readme
            .split("\n## Checks\n")
            .nth(1)
            .expect("README has a Checks section");
        let section = section.split("\n## ").next().unwrap_or(section);
        let rows: Vec<&str> = section
            .lines()
            .filter(|line| line.starts_with("| `"))
            .collect();
        let expected: Vec<String> = CHECKS
            .iter()
            .map(|check| format!("| `{}` | {} | {} |", check.id, check.meaning, check.fix))
            .collect();
        assert_eq!(rows, expected);
    }
}

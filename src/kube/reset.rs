//! What a reset takes off a kubeadm node after `kubeadm reset -f`, which
//! leaves the CNI configuration, root's kubeconfig, the network links and
//! kube-proxy's iptables chains behind; and where RKE2's own scripts are.

/// Removed on every kubeadm node: emptied where one is a mount point.
pub const NODE_DIRS: [&str; 4] = [
    "/etc/cni/net.d",
    "/var/lib/kubelet",
    "/etc/kubernetes",
    "/root/.kube",
];

/// Removed on the control plane too: etcd's data.
pub const ETCD_DIR: &str = "/var/lib/etcd";

/// The links flannel and the bridge plugin make on each node.
pub const CNI_LINKS: [&str; 2] = ["cni0", "flannel.1"];

/// What the names of kube-proxy's iptables chains start with.
pub const KUBE_CHAINS: &str = "KUBE-";

/// The directories a reset removes on a node, the control plane's etcd
/// data last.
pub fn dirs(control_plane: bool) -> Vec<&'static str> {
    let mut dirs = NODE_DIRS.to_vec();
    if control_plane {
        dirs.push(ETCD_DIR);
    }
    dirs
}

/// Where RKE2's installers put its scripts: the tarball's root, the RPMs',
/// and the one used where /usr/local is read-only.
pub const RKE2_BIN_DIRS: [&str; 3] = ["/usr/local/bin", "/usr/bin", "/opt/rke2/bin"];

/// The kubeconfigs `deploy all` saves in the log directory: the control
/// plane's admin kubeconfig, and each RKE2 host's.
pub fn saved_kubeconfig(host: &str, rke2: bool) -> String {
    if rke2 {
        format!("{host}-rke2-kubeconfig.yaml")
    } else {
        format!("{host}-kubeconfig.yaml")
    }
}

/// One thing a reset does for a host, in the order they are done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chore {
    /// Drained and deleted from the cluster, with kubectl on the control
    /// plane, while its API answers.
    Drain {
        node: String,
    },
    /// With the host's runtime socket.
    KubeadmReset {
        cri_socket: Option<String>,
    },
    StopKubelet,
    /// The directories that hold something.
    Remove(Vec<String>),
    /// The CNI links that exist.
    DeleteLinks(Vec<String>),
    FlushChains,
    RestartContainerd,
    /// `rke2-killall.sh`, then `rke2-uninstall.sh`.
    Rke2Uninstall,
    /// A kubeconfig saved in the log directory (its file name) is renamed
    /// with [`STALE_SUFFIX`].
    MarkStale(String),
}

impl Chore {
    /// Done by the host's own reset job (not by the control plane's kubectl,
    /// nor here in the log directory).
    pub fn on_host(&self) -> bool {
        !matches!(self, Chore::Drain { .. } | Chore::MarkStale(_))
    }
}

/// A host whose kubelet.conf names another cluster than the inventory's
/// control plane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stranger {
    /// The API server its kubelet.conf names.
    pub theirs: String,
    /// The inventory's control plane's.
    pub ours: String,
    /// The API servers agree but the cluster CAs do not.
    pub other_ca: bool,
}

/// What a saved kubeconfig is renamed to once its cluster is gone.
pub const STALE_SUFFIX: &str = ".stale";

/// The server a kubeconfig names, as `host:port` in lower case, so that
/// `https://CP.example:6443/` and `https://cp.example:6443` are one.
pub fn server_key(server: &str) -> String {
    let rest = server.trim().trim_matches(['"', '\'']);
    let rest = rest
        .strip_prefix("https://")
        .or_else(|| rest.strip_prefix("http://"))
        .unwrap_or(rest);
    let rest = rest.split('/').next().unwrap_or_default();
    let with_port = if rest.ends_with(']') || !rest.contains(':') {
        format!("{rest}:443")
    } else {
        rest.to_owned()
    };
    with_port.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_control_plane_loses_its_etcd_data_too() {
        assert_eq!(dirs(false), NODE_DIRS);
        assert_eq!(dirs(true).last(), Some(&ETCD_DIR));
    }

    #[test]
    fn servers_compare_by_host_and_port() {
        assert_eq!(server_key("https://CP.example:6443/"), "cp.example:6443");
        assert_eq!(server_key("'https://192.0.2.10:6443'"), "192.0.2.10:6443");
        assert_eq!(server_key("https://cp.example"), "cp.example:443");
        assert_eq!(server_key("https://[2001:db8::1]"), "[2001:db8::1]:443");
        assert_eq!(
            server_key("https://[2001:db8::1]:6443"),
            "[2001:db8::1]:6443"
        );
    }

    #[test]
    fn saved_kubeconfigs_are_named_as_deploy_all_writes_them() {
        assert_eq!(saved_kubeconfig("m", false), "m-kubeconfig.yaml");
        assert_eq!(saved_kubeconfig("h", true), "h-rke2-kubeconfig.yaml");
    }
}

//! `deploy reset`'s survey: what of a cluster is left on a host, asked
//! with one read-only script and read here into [`Remains`]. What to do
//! about it is `checks::reset`'s business.

use anyhow::{Result, bail};

use crate::kube::reset::{CNI_LINKS, KUBE_CHAINS, RKE2_BIN_DIRS, dirs};
use crate::remote::Cmd;

const SCRIPT: &str = include_str!("remains.sh");

/// The API server and cluster CA a kubeconfig names: which cluster it is
/// for. Never its credentials.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Kubeconf {
    pub server: String,
    /// `certificate-authority-data`, when the file embeds it.
    pub ca: Option<String>,
}

/// What the survey found on one host.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Remains {
    pub kubeadm: Option<String>,
    /// The directories a reset removes that hold a file.
    pub dirs: Vec<String>,
    /// `systemctl is-active kubelet`, when systemctl answered.
    pub kubelet: Option<String>,
    /// The CNI links that exist.
    pub links: Vec<String>,
    /// `iptables-save`, `ip6tables-save`: each that shows kube-proxy's chains.
    pub chains: Vec<String>,
    pub kubelet_conf: Option<Kubeconf>,
    pub admin_conf: Option<Kubeconf>,
    /// The cluster's node names, from the control plane while its API
    /// answers; `None` when it was not asked or could not say.
    pub nodes: Option<Vec<String>>,
    /// RKE2's binary and scripts found on an RKE2 host.
    pub rke2: Vec<String>,
}

/// The survey of one host: its role decides what is asked.
pub fn command(kubeadm_node: bool, control_plane: bool, rke2: bool) -> Cmd {
    let mut cmd = Cmd::script("survey before the reset", SCRIPT)
        .var("DIRS", dirs(control_plane).join(" "))
        .var("LINKS", CNI_LINKS.join(" "))
        .var("CHAINS", KUBE_CHAINS)
        .var("RKE2_DIRS", RKE2_BIN_DIRS.join(" "));
    if kubeadm_node {
        cmd = cmd.var("KUBEADM", "1");
    }
    if control_plane {
        cmd = cmd.var("NODES", "1");
    }
    if rke2 {
        cmd = cmd.var("RKE2", "1");
    }
    cmd
}

impl Remains {
    /// Reads the survey's `key=value` answer; without its `survey=1` line
    /// the script never ran, which is an error.
    pub fn parse(text: &str) -> Result<Remains> {
        let mut remains = Remains::default();
        let mut answered = false;
        let mut kubelet_conf = Kubeconf::default();
        let mut admin_conf = Kubeconf::default();
        let (mut kubelet_seen, mut admin_seen) = (false, false);
        for line in text.lines() {
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let value = value.trim();
            let scalar = || value.trim_matches(['"', '\'']).to_owned();
            match key {
                "survey" => answered = value == "1",
                "kubeadm" => remains.kubeadm = Some(value.to_owned()),
                "remains" => remains.dirs.push(value.to_owned()),
                "kubelet" => remains.kubelet = (!value.is_empty()).then(|| value.to_owned()),
                "link" => remains.links.push(value.to_owned()),
                "chains" => remains.chains.push(value.to_owned()),
                "kubelet_conf.server" => (kubelet_conf.server, kubelet_seen) = (scalar(), true),
                "kubelet_conf.ca" => kubelet_conf.ca = Some(scalar()),
                "admin_conf.server" => (admin_conf.server, admin_seen) = (scalar(), true),
                "admin_conf.ca" => admin_conf.ca = Some(scalar()),
                "nodes" => remains.nodes = Some(remains.nodes.take().unwrap_or_default()),
                "node" => remains
                    .nodes
                    .get_or_insert_with(Vec::new)
                    .push(value.to_owned()),
                "rke2" => remains.rke2.push(value.to_owned()),
                _ => {}
            }
        }
        if !answered {
            bail!(
                "the survey did not answer (first line: {:?})",
                text.lines().next().unwrap_or("")
            );
        }
        remains.kubelet_conf = kubelet_seen.then_some(kubelet_conf);
        remains.admin_conf = admin_seen.then_some(admin_conf);
        Ok(remains)
    }

    /// kubelet runs, or keeps restarting.
    pub fn kubelet_running(&self) -> bool {
        matches!(
            self.kubelet.as_deref(),
            Some("active" | "activating" | "reloading" | "deactivating")
        )
    }

    /// Nothing of a kubeadm cluster is left on the host.
    pub fn clean(&self) -> bool {
        self.dirs.is_empty()
            && !self.kubelet_running()
            && self.links.is_empty()
            && self.chains.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORKER: &str = "\
survey=1
kubeadm=/usr/bin/kubeadm
remains=/var/lib/kubelet
remains=/etc/kubernetes
kubelet=active
link=cni0
link=flannel.1
chains=iptables-save
kubelet_conf.server= https://192.0.2.10:6443
kubelet_conf.ca= TFMwdExTMUNSVWRK
";

    #[test]
    fn a_joined_worker_shows_what_a_reset_removes() {
        let remains = Remains::parse(WORKER).unwrap();
        assert_eq!(remains.kubeadm.as_deref(), Some("/usr/bin/kubeadm"));
        assert_eq!(remains.dirs, ["/var/lib/kubelet", "/etc/kubernetes"]);
        assert!(remains.kubelet_running());
        assert_eq!(remains.links, ["cni0", "flannel.1"]);
        assert_eq!(remains.chains, ["iptables-save"]);
        assert_eq!(
            remains.kubelet_conf,
            Some(Kubeconf {
                server: "https://192.0.2.10:6443".into(),
                ca: Some("TFMwdExTMUNSVWRK".into()),
            })
        );
        assert_eq!(remains.admin_conf, None);
        assert_eq!(remains.nodes, None);
        assert!(!remains.clean());
    }

    #[test]
    fn a_reset_host_is_clean_and_a_stopped_kubelet_is_no_remain() {
        let remains = Remains::parse("survey=1\nkubelet=inactive\n").unwrap();
        assert!(remains.clean());
        let restarting = Remains::parse("survey=1\nkubelet=activating\n").unwrap();
        assert!(!restarting.clean());
    }

    #[test]
    fn the_control_plane_lists_its_nodes_while_its_api_answers() {
        let remains = Remains::parse("survey=1\nnodes=known\nnode=m\nnode=w1\n").unwrap();
        assert_eq!(
            remains.nodes.as_deref(),
            Some(&["m".into(), "w1".into()][..])
        );
        let silent = Remains::parse("survey=1\n").unwrap();
        assert_eq!(silent.nodes, None);
    }

    #[test]
    fn an_answer_without_its_first_line_is_an_error() {
        let err = Remains::parse("Welcome to the host\n").unwrap_err();
        assert!(err.to_string().contains("Welcome to the host"), "{err}");
    }
}

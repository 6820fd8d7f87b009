//! The one-round-trip probe: what a host looks like, asked with a single
//! read-only script and parsed here into [`Facts`]. Judging the facts is
//! `checks`' business; this module only asks and reads.

mod listen;
pub mod ready;
pub mod remains;

use std::net::IpAddr;

use anyhow::{Result, bail};

pub use listen::Listener;

use crate::cluster::Endpoint;
use crate::kube::Step;
use crate::remote::{Cmd, job};

/// The probe script, sent on stdin to `sh -s` after its inputs and the
/// job layer's lines that find the join job's directory.
const PROBE_SCRIPT: &str = include_str!("probe.sh");

/// What the probe needs to know about the host it runs on. Every value
/// reaches the script as a quoted shell assignment, never as code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inputs {
    /// Path of the container runtime socket, without `unix://`.
    pub cri_socket: Option<String>,
    /// The control plane endpoint to try over TCP from the host itself.
    pub endpoint: Option<Endpoint>,
    /// Ask whether rke2-server runs (only the RKE2 host: `systemctl` is
    /// the slowest question).
    pub rke2: bool,
    /// Ask for the cluster's nodes (only the control plane).
    pub nodes: bool,
}

impl Inputs {
    /// The probe for one host: one script, its inputs as variables.
    pub fn command(&self) -> Cmd {
        let script = format!("{}{PROBE_SCRIPT}", job::DIR_SH);
        let cmd = Cmd::script("preflight probe", &script).var("JOB", Step::Join.job());
        self.vars()
            .into_iter()
            .fold(cmd, |cmd, (name, value)| cmd.var(name, value))
    }

    /// The shell variables the script reads, for the remote layer to quote
    /// ahead of it (`Cmd::var`).
    pub fn vars(&self) -> Vec<(&'static str, String)> {
        let mut vars = Vec::new();
        if self.rke2 {
            vars.push(("DEPLOY_RKE2", "1".to_owned()));
        }
        if self.nodes {
            vars.push(("DEPLOY_NODES", "1".to_owned()));
        }
        if let Some(socket) = &self.cri_socket {
            vars.push(("DEPLOY_CRI_SOCKET", socket.clone()));
        }
        if let Some(endpoint) = &self.endpoint {
            vars.push(("DEPLOY_ENDPOINT_HOST", endpoint.host.clone()));
            vars.push(("DEPLOY_ENDPOINT_PORT", endpoint.port.to_string()));
        }
        vars
    }
}

/// `cri_socket` is written as a URL (`unix:///run/containerd/containerd.sock`)
/// in inventories and kubeadm configs; the probe needs the path.
pub fn socket_path(cri_socket: &str) -> &str {
    cri_socket.strip_prefix("unix://").unwrap_or(cri_socket)
}

/// A value as YAML reads it after `key:` (quoted or not, a comment after
/// it), when it is a string or a number.
fn yaml_scalar(text: &str) -> Option<String> {
    match serde_yaml::from_str(text).ok()? {
        serde_yaml::Value::String(text) if !text.is_empty() => Some(text),
        serde_yaml::Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// The recorded end of an earlier join job: `join.exit=CODE EPOCH`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EarlierJoin {
    pub exit_code: i32,
    /// When it ended, in seconds since the epoch, by the host's clock.
    pub ended_at: Option<i64>,
}

impl EarlierJoin {
    fn parse(value: &str) -> Option<EarlierJoin> {
        let mut words = value.split_whitespace();
        Some(EarlierJoin {
            exit_code: words.next()?.parse().ok()?,
            ended_at: words.next().and_then(|at| at.parse().ok()),
        })
    }

    pub fn failed(&self) -> bool {
        self.exit_code != 0
    }
}

/// What a TCP connection from the host to the control plane endpoint did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    Open,
    Closed,
    TimedOut,
    /// Neither bash with `timeout` nor `nc` on the host.
    Untested,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Os {
    pub id: String,
    pub version_id: String,
    pub pretty_name: String,
}

/// A host as the probe saw it. `None` means the host could not say (a file
/// it cannot read, a tool it lacks); checks treat that as unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    pub uid: Option<u32>,
    pub os: Os,
    pub arch: String,
    pub kubeadm: Option<String>,
    pub kubelet: Option<String>,
    pub kubectl: Option<String>,
    /// What `kubeadm version -o short` and `kubelet --version` said
    /// (`v1.29.15`, `Kubernetes v1.29.15`), where they are installed.
    pub kubeadm_version: Option<String>,
    pub kubelet_version: Option<String>,
    /// RKE2's binary: `deploy all --with-rke2` installs it when absent.
    pub rke2: Option<String>,
    /// kubeadm/kubelet binaries in the places package installs put them.
    pub leftover_binaries: Vec<String>,
    /// Whether the runtime socket exists (asked only when one is configured).
    pub cri_socket: Option<bool>,
    /// Active swap areas in /proc/swaps.
    pub swap_areas: Option<u32>,
    pub br_netfilter: bool,
    pub overlay: bool,
    pub ip_forward: Option<bool>,
    pub admin_conf: bool,
    pub kubelet_conf: bool,
    /// `/etc/kubernetes/pki/ca.crt` exists.
    pub pki_ca: bool,
    /// `/etc/kubernetes/bootstrap-kubelet.conf` exists.
    pub bootstrap_kubelet_conf: bool,
    /// The cluster's node names, as an initialised control plane lists
    /// them; `None` when it was not asked or could not say.
    pub nodes: Option<Vec<String>>,
    /// How the last `deploy join` on this host ended, if one did.
    pub earlier_join: Option<EarlierJoin>,
    /// `/etc/kubernetes` exists and is not empty.
    pub etc_kubernetes: bool,
    pub rke2_active: Option<bool>,
    /// RKE2's server has started here before (its node token exists), so
    /// its node is registered under some name.
    pub rke2_ran: bool,
    /// `node-name` in RKE2's config.yaml as it is now.
    pub rke2_node_name: Option<String>,
    /// The host's name, which RKE2 names its node after (lower-cased)
    /// unless config.yaml says otherwise. Asked only on the RKE2 host.
    pub hostname: Option<String>,
    pub listeners: Vec<Listener>,
    pub endpoint: Option<Reach>,
    /// The host's clock, epoch seconds, read last.
    pub time: Option<i64>,
}

impl Facts {
    /// Reads the probe's `key=value` answer. Unknown keys are skipped so a
    /// newer script still parses; a missing `probe=1` line means the script
    /// never ran (wrong shell, output from a login banner), which is an error.
    pub fn parse(text: &str) -> Result<Facts> {
        let mut facts = Facts::default();
        let mut answered = false;
        for line in text.lines() {
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let path = || (!value.is_empty()).then(|| value.to_owned());
            match key {
                "probe" => answered = value == "1",
                "uid" => facts.uid = value.parse().ok(),
                "os.ID" => facts.os.id = value.to_owned(),
                "os.VERSION_ID" => facts.os.version_id = value.to_owned(),
                "os.PRETTY_NAME" => facts.os.pretty_name = value.to_owned(),
                "arch" => facts.arch = value.to_owned(),
                "bin.kubeadm" => facts.kubeadm = path(),
                "bin.kubelet" => facts.kubelet = path(),
                "bin.kubectl" => facts.kubectl = path(),
                "bin.rke2" => facts.rke2 = path(),
                "version.kubeadm" => facts.kubeadm_version = path(),
                "version.kubelet" => {
                    facts.kubelet_version =
                        path().map(|v| v.trim_start_matches("Kubernetes ").to_owned());
                }
                "leftover.bin" => facts.leftover_binaries.push(value.to_owned()),
                "cri_socket" => facts.cri_socket = Some(value == "yes"),
                "swap" => facts.swap_areas = value.parse().ok(),
                "module.br_netfilter" => facts.br_netfilter = value == "yes",
                "module.overlay" => facts.overlay = value == "yes",
                "ip_forward" => facts.ip_forward = Some(value.trim() == "1"),
                "file.admin_conf" => facts.admin_conf = value == "yes",
                "file.kubelet_conf" => facts.kubelet_conf = value == "yes",
                "file.pki_ca" => facts.pki_ca = value == "yes",
                "file.bootstrap_kubelet_conf" => facts.bootstrap_kubelet_conf = value == "yes",
                "nodes" => facts.nodes = Some(facts.nodes.take().unwrap_or_default()),
                "node" => facts
                    .nodes
                    .get_or_insert_with(Vec::new)
                    .push(value.to_owned()),
                "join.exit" => facts.earlier_join = EarlierJoin::parse(value),
                "dir.etc_kubernetes" => facts.etc_kubernetes = value == "yes",
                "rke2_active" => facts.rke2_active = Some(value == "yes"),
                "rke2.ran" => facts.rke2_ran = value == "yes",
                "rke2.node_name" => facts.rke2_node_name = yaml_scalar(value),
                "hostname" => facts.hostname = path(),
                "listen" => facts.listeners.extend(Listener::decode(value)),
                "endpoint" => {
                    facts.endpoint = Some(match value {
                        "open" => Reach::Open,
                        "timeout" => Reach::TimedOut,
                        "untested" => Reach::Untested,
                        _ => Reach::Closed,
                    })
                }
                "time" => facts.time = value.parse().ok(),
                _ => {}
            }
        }
        if !answered {
            bail!(
                "the probe did not answer (first line: {:?})",
                text.lines().next().unwrap_or("")
            );
        }
        Ok(facts)
    }

    /// Whether something listens on `port` in a way that would stop this
    /// host from binding it: on every address, or on `own` (the host's own
    /// address). Listeners on other addresses are ignored on purpose: in
    /// the lab every node shares one network namespace, each on its own
    /// 127.x address, and a neighbour's API server is not this host's.
    pub fn listening(&self, port: u16, own: Option<IpAddr>) -> bool {
        self.listeners.iter().any(|listener| {
            listener.port == port
                && (listener.address.is_unspecified() || own.is_some_and(|own| listener.is(own)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANSWER: &str = "\
probe=1
uid=1000
os.ID=debian
os.VERSION_ID=12
os.PRETTY_NAME=Debian GNU/Linux 12 (bookworm)
arch=x86_64
bin.kubeadm=
bin.kubelet=/usr/bin/kubelet
bin.kubectl=/usr/bin/kubectl
bin.rke2=/usr/local/bin/rke2
leftover.bin=/usr/bin/kubelet
cri_socket=yes
swap=1
module.br_netfilter=no
module.overlay=yes
ip_forward=0
file.admin_conf=no
file.kubelet_conf=yes
file.pki_ca=yes
file.bootstrap_kubelet_conf=no
nodes=known
node=m
node=w1
join.exit=1 1699999000
dir.etc_kubernetes=yes
rke2_active=no
rke2.ran=yes
rke2.node_name= 'rke2-a' # set by hand
hostname=RHEL-01
listen=00000000:192B
listen=0100007F:280A
endpoint=closed
future.key=ignored
time=1700000000
";

    #[test]
    fn a_full_answer_parses_into_facts() {
        let facts = Facts::parse(ANSWER).unwrap();
        assert_eq!(facts.uid, Some(1000));
        assert_eq!(facts.os.pretty_name, "Debian GNU/Linux 12 (bookworm)");
        assert_eq!(facts.kubeadm, None);
        assert_eq!(facts.kubelet.as_deref(), Some("/usr/bin/kubelet"));
        assert_eq!(facts.rke2.as_deref(), Some("/usr/local/bin/rke2"));
        assert_eq!(facts.leftover_binaries, ["/usr/bin/kubelet"]);
        assert_eq!(facts.cri_socket, Some(true));
        assert_eq!(facts.swap_areas, Some(1));
        assert_eq!(
            facts.earlier_join,
            Some(EarlierJoin {
                exit_code: 1,
                ended_at: Some(1_699_999_000)
            })
        );
        assert!(facts.earlier_join.unwrap().failed());
        assert!(!facts.br_netfilter && facts.overlay);
        assert_eq!(facts.ip_forward, Some(false));
        assert!(facts.kubelet_conf && !facts.admin_conf);
        assert!(facts.pki_ca && !facts.bootstrap_kubelet_conf);
        assert_eq!(
            facts.nodes.as_deref(),
            Some(&["m".to_string(), "w1".to_string()][..])
        );
        assert_eq!(facts.endpoint, Some(Reach::Closed));
        assert_eq!(facts.time, Some(1_700_000_000));
        assert_eq!(facts.listeners.len(), 2);
        assert!(facts.rke2_ran);
        assert_eq!(facts.rke2_node_name.as_deref(), Some("rke2-a"));
        assert_eq!(facts.hostname.as_deref(), Some("RHEL-01"));
    }

    #[test]
    fn rke2s_node_name_is_read_as_yaml_reads_it() {
        let name = |value: &str| {
            Facts::parse(&format!("probe=1\nrke2.node_name={value}\n"))
                .unwrap()
                .rke2_node_name
        };
        assert_eq!(name(" homelab").as_deref(), Some("homelab"));
        assert_eq!(name(" \"homelab\"").as_deref(), Some("homelab"));
        assert_eq!(name("").as_deref(), None);
        assert_eq!(name(" ''").as_deref(), None);
        assert_eq!(name(" [a]").as_deref(), None);
        let facts = Facts::parse("probe=1\n").unwrap();
        assert!(!facts.rke2_ran && facts.hostname.is_none());
    }

    #[test]
    fn a_control_plane_without_nodes_lists_none_and_one_not_asked_is_unknown() {
        let facts = Facts::parse("probe=1\nnodes=known\n").unwrap();
        assert_eq!(facts.nodes, Some(Vec::new()));
        assert_eq!(Facts::parse("probe=1\n").unwrap().nodes, None);
    }

    #[test]
    fn listeners_count_only_on_every_address_or_the_hosts_own() {
        let facts = Facts::parse(ANSWER).unwrap();
        assert!(facts.listening(6443, None), "0.0.0.0:6443 blocks any host");
        assert!(!facts.listening(10250, None));
        assert!(!facts.listening(10250, Some("127.0.0.2".parse().unwrap())));
        assert!(facts.listening(10250, Some("127.0.0.1".parse().unwrap())));
    }

    #[test]
    fn output_without_the_probe_marker_is_an_error() {
        let err = Facts::parse("Welcome to host\n").unwrap_err();
        assert!(err.to_string().contains("Welcome to host"), "{err}");
        assert!(Facts::parse("").is_err());
    }

    #[test]
    fn inputs_become_the_scripts_variables() {
        let inputs = Inputs {
            cri_socket: Some("/run/containerd/containerd.sock".into()),
            endpoint: Some(Endpoint::default_for("192.0.2.10")),
            rke2: false,
            nodes: true,
        };
        let names: Vec<&str> = inputs.vars().iter().map(|(name, _)| *name).collect();
        assert_eq!(
            names,
            [
                "DEPLOY_NODES",
                "DEPLOY_CRI_SOCKET",
                "DEPLOY_ENDPOINT_HOST",
                "DEPLOY_ENDPOINT_PORT"
            ]
        );
        assert!(Inputs::default().vars().is_empty());
    }

    #[test]
    fn socket_urls_become_paths() {
        assert_eq!(
            socket_path("unix:///var/run/containerd/containerd.sock"),
            "/var/run/containerd/containerd.sock"
        );
        assert_eq!(socket_path("/run/crio.sock"), "/run/crio.sock");
    }

    /// The script itself, for real, on this machine, through the remote
    /// layer's local connection exactly as on a host: read-only, so no
    /// namespace is needed. A listener and a socket of our own (its path
    /// hostile to a shell) give it something known to find.
    #[test]
    fn the_probe_answers_truthfully_on_this_machine() {
        use crate::remote::{Session, Target};

        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("run time; touch pwned $(id).sock");
        let _runtime = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        let open = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = open.local_addr().unwrap().port();
        let closed = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let session = Session::new(std::time::Duration::from_secs(5)).unwrap();
        let ask = |endpoint_port: u16| {
            let inputs = Inputs {
                cri_socket: Some(socket.to_str().unwrap().to_owned()),
                endpoint: Some(Endpoint {
                    host: "127.0.0.1".into(),
                    port: endpoint_port,
                }),
                rke2: true,
                nodes: true,
            };
            let limit = std::time::Duration::from_secs(20);
            let output = session
                .run(&Target::local("here"), &inputs.command(), limit)
                .unwrap();
            assert!(output.success(), "{}", output.stderr_text());
            Facts::parse(&output.stdout_text()).unwrap()
        };
        let facts = ask(port);

        // SAFETY: getuid has no preconditions and cannot fail.
        assert_eq!(facts.uid, Some(unsafe { libc::getuid() }));
        assert_eq!(facts.arch, std::env::consts::ARCH);
        assert!(!facts.os.id.is_empty());
        assert_eq!(facts.cri_socket, Some(true));
        assert!(facts.rke2_active.is_some() || which::which("systemctl").is_err());
        assert!(!dir.path().join("pwned").exists() && !std::path::Path::new("pwned").exists());
        assert_eq!(facts.endpoint, Some(Reach::Open));
        assert!(facts.listening(port, Some("127.0.0.1".parse().unwrap())));
        assert!(!facts.listening(port, Some("127.0.0.2".parse().unwrap())));
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        assert!((facts.time.unwrap() - now).abs() <= 5);
        assert_eq!(ask(closed).endpoint, Some(Reach::Closed));
    }
}

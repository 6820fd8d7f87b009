//! What the checks of each node say: the Kubernetes tools, the runtime,
//! ports, what a worker needs, and the RKE2 host.

use std::fmt::Display;
use std::time::Duration;

use super::checks::who;
use super::{Advice, Subject, in_words};

// ---- Kubernetes tools ----------------------------------------------------

pub fn tool_found(spec: &dyn Subject, tool: &str, path: &str) -> Advice {
    Advice::note(format!("{}: {tool} at {path}", who(spec)))
}

/// A missing kubeadm, kubelet or kubectl, with the install steps for the
/// host's package manager (pkgs.k8s.io, the official repositories).
pub fn tool_missing(
    spec: &dyn Subject,
    role: &str,
    tool: &str,
    os_id: &str,
    version: Option<&str>,
) -> Advice {
    let minor = version
        .map(|v| v.trim_start_matches('v'))
        .map(|v| v.split('.').take(2).collect::<Vec<_>>().join("."))
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "1.29".to_owned());
    let rpm = matches!(
        os_id,
        "rhel" | "rocky" | "almalinux" | "centos" | "fedora" | "ol"
    );
    let name = &spec.name();
    // The repository steps once, with kubeadm; kubelet and kubectl come
    // from the same repository. `deploy prepare` first: it does them all.
    let by_hand = match (tool, rpm) {
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
    let fix = format!("`deploy prepare -l {name}` installs it; or by hand:\n{by_hand}");
    Advice::new(format!("{tool} not found on the {role} {}", who(spec)), fix)
}

pub fn kubeadm_missing_but_joined(spec: &dyn Subject) -> Advice {
    Advice::new(
        format!(
            "kubeadm not found on the worker {}, which has already joined",
            who(spec)
        ),
        "nothing blocks: the join skips this worker; install kubeadm before upgrading it",
    )
}

pub fn socket_found(spec: &dyn Subject, path: &str) -> Advice {
    Advice::note(format!("{}: runtime socket {path}", who(spec)))
}

pub fn socket_missing(spec: &dyn Subject, path: &str) -> Advice {
    Advice::new(
        format!("{}: container runtime socket {path} not found", who(spec)),
        "install and start the runtime (`apt-get install -y containerd && systemctl enable --now containerd`), or set `cri_socket` to your runtime's socket",
    )
}

pub fn socket_not_set(spec: &dyn Subject) -> Advice {
    Advice::note(format!(
        "{}: cri_socket not set in the inventory; kubeadm will look for a runtime itself",
        who(spec)
    ))
}

// ---- ports ---------------------------------------------------------------

pub fn ports_free(spec: &dyn Subject, ports: &[u16]) -> Advice {
    Advice::note(format!("{}: ports {} free", who(spec), list(ports)))
}

pub fn ports_busy(spec: &dyn Subject, ports: &[u16]) -> Advice {
    Advice::new(
        format!("{}: port(s) {} already in use", who(spec), list(ports)),
        format!(
            "find what listens with `ss -ltnp 'sport = :{}'` and stop it, or `kubeadm reset -f` if it is an old cluster",
            ports[0]
        ),
    )
}

pub fn already_initialised(spec: &dyn Subject) -> Advice {
    Advice::note(format!(
        "{}: already initialised (/etc/kubernetes/admin.conf): `kubeadm init` will be skipped",
        who(spec)
    ))
}

pub fn rke2_running(spec: &dyn Subject) -> Advice {
    Advice::note(format!(
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

pub fn swap_off(spec: &dyn Subject) -> Advice {
    Advice::note(format!("{}: swap off", who(spec)))
}

pub fn swap_on(spec: &dyn Subject, areas: u32) -> Advice {
    Advice::new(
        format!(
            "{}: swap is on ({areas} area(s) in /proc/swaps); the kubelet will not start",
            who(spec)
        ),
        "swapoff -a, and remove or comment the swap lines in /etc/fstab",
    )
}

pub fn swap_unknown(spec: &dyn Subject) -> Advice {
    Advice::new(
        format!("{}: could not read /proc/swaps", who(spec)),
        "check swap by hand with `swapon --show`",
    )
}

pub fn modules_loaded(spec: &dyn Subject) -> Advice {
    Advice::note(format!("{}: br_netfilter and overlay loaded", who(spec)))
}

pub fn modules_missing(spec: &dyn Subject, missing: &[&str]) -> Advice {
    Advice::new(
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

pub fn ip_forward_on(spec: &dyn Subject) -> Advice {
    Advice::note(format!("{}: net.ipv4.ip_forward=1", who(spec)))
}

pub fn ip_forward_off(spec: &dyn Subject) -> Advice {
    Advice::new(
        format!(
            "{}: net.ipv4.ip_forward is 0; pod traffic would not be routed",
            who(spec)
        ),
        "sysctl -w net.ipv4.ip_forward=1, and put `net.ipv4.ip_forward = 1` in /etc/sysctl.d/k8s.conf",
    )
}

pub fn ip_forward_unknown(spec: &dyn Subject) -> Advice {
    Advice::new(
        format!("{}: could not read net.ipv4.ip_forward", who(spec)),
        "check it with `sysctl net.ipv4.ip_forward`",
    )
}

pub fn joined(spec: &dyn Subject) -> Advice {
    Advice::note(format!(
        "{}: already joined (/etc/kubernetes/kubelet.conf exists): the join will skip it",
        who(spec)
    ))
}

/// kubelet.conf proves nothing after a failed join: it is reset and joined again.
pub fn join_failed_before(spec: &dyn Subject, exit_code: i32) -> Advice {
    Advice::note(format!(
        "{}: not joined: the earlier join failed with exit code {exit_code}; the join will reset it first",
        who(spec)
    ))
}

pub fn not_joined(spec: &dyn Subject) -> Advice {
    Advice::note(format!("{}: not joined yet", who(spec)))
}

/// kubelet.conf is there, but the cluster has no node of that name.
pub fn kubelet_conf_stale(spec: &dyn Subject) -> Advice {
    Advice::note(format!(
        "{}: not joined: /etc/kubernetes/kubelet.conf is left from an earlier install",
        who(spec)
    ))
}

/// What an earlier install left on a worker that `kubeadm join` refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leftover {
    /// kubelet.conf, and no cluster yet (`no_cluster`) or none with this node.
    KubeletConf {
        no_cluster: bool,
    },
    BootstrapKubeletConf,
    CaCert,
    Port10250,
}

fn leftover_words(leftover: Leftover, node: &str) -> String {
    match leftover {
        Leftover::KubeletConf { no_cluster: true } => {
            "/etc/kubernetes/kubelet.conf exists, and the control plane has no cluster yet".into()
        }
        Leftover::KubeletConf { no_cluster: false } => {
            format!("/etc/kubernetes/kubelet.conf exists, and the cluster has no node {node}")
        }
        Leftover::BootstrapKubeletConf => "/etc/kubernetes/bootstrap-kubelet.conf exists".into(),
        Leftover::CaCert => "/etc/kubernetes/pki/ca.crt exists".into(),
        Leftover::Port10250 => "port 10250 is in use (an old kubelet?)".into(),
    }
}

pub fn leftovers_none(spec: &dyn Subject) -> Advice {
    Advice::note(format!("{}: nothing left of an earlier install", who(spec)))
}

pub fn leftovers_joined(spec: &dyn Subject) -> Advice {
    Advice::note(format!(
        "{}: its kubelet.conf, certificates and port 10250 are the cluster's: it has joined",
        who(spec)
    ))
}

pub fn leftovers_reset_by_deploy(spec: &dyn Subject) -> Advice {
    Advice::note(format!(
        "{}: what its failed join left, deploy removes (kubeadm reset -f) before joining it again",
        who(spec)
    ))
}

/// `kubeadm join` would stop on these (FileAvailable, Port-10250).
pub fn leftovers_found(spec: &dyn Subject, node: &str, found: &[Leftover]) -> Advice {
    let words: Vec<String> = found.iter().map(|l| leftover_words(*l, node)).collect();
    let mut fix = format!(
        "run `sudo kubeadm reset -f` on {}: it stops the old kubelet and removes what the earlier install left; then run deploy again",
        spec.name()
    );
    if found.contains(&Leftover::Port10250) {
        fix.push_str(
            ". If no old kubelet holds port 10250, stop what does (`ss -ltnp 'sport = :10250'`)",
        );
    }
    Advice::new(
        format!(
            "{}: left from an earlier install, which `kubeadm join` refuses: {}",
            who(spec),
            words.join("; ")
        ),
        fix,
    )
}

pub fn endpoint_reached(spec: &dyn Subject, endpoint: &dyn Display) -> Advice {
    Advice::note(format!("{}: reaches {endpoint}", who(spec)))
}

/// How long the probe's endpoint test waits (`timeout 2`, `nc -w 2` in
/// probe.sh).
const ENDPOINT_WAIT: Duration = Duration::from_secs(2);

/// The endpoint did not answer: refused, or silent (`timed_out`).
pub fn endpoint_unreached(spec: &dyn Subject, endpoint: &dyn Display, timed_out: bool) -> Advice {
    let how = if timed_out {
        format!("no answer within {}", in_words(ENDPOINT_WAIT))
    } else {
        "connection refused or no route".to_owned()
    };
    Advice::new(
        format!(
            "{}: cannot reach the control plane endpoint {endpoint} ({how})",
            who(spec)
        ),
        format!(
            "from {name}, `curl -k https://{endpoint}/healthz` must answer: open the port in the firewalls between them, or correct control_plane_endpoint",
            name = spec.name()
        ),
    )
}

pub fn endpoint_before_init(spec: &dyn Subject) -> Advice {
    Advice::note(format!(
        "{}: the control plane is not initialised yet; `deploy all` checks this right after `kubeadm init`",
        who(spec)
    ))
}

pub fn endpoint_untested(spec: &dyn Subject) -> Advice {
    Advice::new(
        format!(
            "{}: could not test the endpoint (neither bash with timeout nor nc on the host)",
            who(spec)
        ),
        "install netcat (`apt-get install -y netcat-openbsd`) so the check can run",
    )
}

pub fn endpoint_not_configured(spec: &dyn Subject) -> Advice {
    Advice::note(format!("{}: no control plane endpoint to test", who(spec)))
}

// ---- RKE2 ----------------------------------------------------------------

pub fn no_leftovers(spec: &dyn Subject) -> Advice {
    Advice::note(format!("{}: no kubeadm leftovers", who(spec)))
}

pub fn leftovers(spec: &dyn Subject, found: &[String]) -> Advice {
    Advice::new(
        format!(
            "{}: leftovers of a kubeadm install: {}",
            who(spec),
            found.join(", ")
        ),
        "`deploy all --with-rke2` offers to clean them up (kubeadm reset -f and the leftover directories); or remove them by hand",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{WORKER, spec};
    use crate::cluster::Endpoint;

    /// Every fix these checks give, word for word as the user reads it.
    #[test]
    fn every_fix_reads_as_written() {
        let w = spec("w1", "192.0.2.11", WORKER);
        let endpoint = Endpoint::default_for("192.0.2.10");
        for (advice, fix) in [
            (
                tool_missing(&w, "worker", "kubeadm", "debian", Some("v1.31.2")),
                "`deploy prepare -l w1` installs it; or by hand:\ninstall kubeadm on w1 from pkgs.k8s.io:\n\
                 curl -fsSL https://pkgs.k8s.io/core:/stable:/v1.31/deb/Release.key | gpg --dearmor -o /etc/apt/keyrings/kubernetes-apt-keyring.gpg\n\
                 echo 'deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.31/deb/ /' > /etc/apt/sources.list.d/kubernetes.list\n\
                 apt-get update && apt-get install -y kubelet kubeadm kubectl && apt-mark hold kubelet kubeadm kubectl",
            ),
            (
                tool_missing(&w, "worker", "kubeadm", "rocky", None),
                "`deploy prepare -l w1` installs it; or by hand:\ninstall kubeadm on w1 from pkgs.k8s.io:\n\
                 add a yum repository with baseurl=https://pkgs.k8s.io/core:/stable:/v1.29/rpm/\n\
                 dnf install -y kubelet kubeadm kubectl && systemctl enable kubelet",
            ),
            (
                tool_missing(&w, "worker", "kubelet", "debian", None),
                "`deploy prepare -l w1` installs it; or by hand:\ninstall kubelet on w1 from the pkgs.k8s.io v1.29 repository (set up as for kubeadm): apt-get install -y kubelet",
            ),
            (
                tool_missing(&w, "worker", "kubectl", "rhel", None),
                "`deploy prepare -l w1` installs it; or by hand:\ninstall kubectl on w1 from the pkgs.k8s.io v1.29 repository: dnf install -y kubectl",
            ),
            (
                kubeadm_missing_but_joined(&w),
                "nothing blocks: the join skips this worker; install kubeadm before upgrading it",
            ),
            (
                socket_missing(&w, "/run/containerd/containerd.sock"),
                "install and start the runtime (`apt-get install -y containerd && systemctl enable --now containerd`), or set `cri_socket` to your runtime's socket",
            ),
            (
                ports_busy(&w, &[6443, 10250]),
                "find what listens with `ss -ltnp 'sport = :6443'` and stop it, or `kubeadm reset -f` if it is an old cluster",
            ),
            (
                swap_on(&w, 1),
                "swapoff -a, and remove or comment the swap lines in /etc/fstab",
            ),
            (swap_unknown(&w), "check swap by hand with `swapon --show`"),
            (
                modules_missing(&w, &["br_netfilter", "overlay"]),
                "modprobe br_netfilter overlay, and list them in /etc/modules-load.d/k8s.conf to load them at boot",
            ),
            (
                ip_forward_off(&w),
                "sysctl -w net.ipv4.ip_forward=1, and put `net.ipv4.ip_forward = 1` in /etc/sysctl.d/k8s.conf",
            ),
            (
                ip_forward_unknown(&w),
                "check it with `sysctl net.ipv4.ip_forward`",
            ),
            (
                endpoint_unreached(&w, &endpoint, false),
                "from w1, `curl -k https://192.0.2.10:6443/healthz` must answer: open the port in the firewalls between them, or correct control_plane_endpoint",
            ),
            (
                endpoint_untested(&w),
                "install netcat (`apt-get install -y netcat-openbsd`) so the check can run",
            ),
            (
                leftovers(&w, &["/etc/kubernetes".to_owned()]),
                "`deploy all --with-rke2` offers to clean them up (kubeadm reset -f and the leftover directories); or remove them by hand",
            ),
        ] {
            assert_eq!(advice.fix.as_deref(), Some(fix), "{}", advice.message);
        }
    }

    #[test]
    fn an_unreached_endpoint_says_how() {
        let w = spec("w1", "192.0.2.11", WORKER);
        let endpoint = Endpoint::default_for("192.0.2.10");
        assert_eq!(
            endpoint_unreached(&w, &endpoint, false).message,
            "w1 (192.0.2.11): cannot reach the control plane endpoint 192.0.2.10:6443 (connection refused or no route)"
        );
        assert!(
            endpoint_unreached(&w, &endpoint, true)
                .message
                .ends_with("(no answer within 2 seconds)")
        );
    }

    #[test]
    fn leftovers_are_each_named_with_kubeadm_reset_as_the_fix() {
        let w1 = spec("w1", "192.0.2.11", WORKER);
        let advice = leftovers_found(
            &w1,
            "w1",
            &[
                Leftover::KubeletConf { no_cluster: false },
                Leftover::BootstrapKubeletConf,
                Leftover::CaCert,
            ],
        );
        assert_eq!(
            advice.message,
            "w1 (192.0.2.11): left from an earlier install, which `kubeadm join` refuses: /etc/kubernetes/kubelet.conf exists, and the cluster has no node w1; /etc/kubernetes/bootstrap-kubelet.conf exists; /etc/kubernetes/pki/ca.crt exists"
        );
        assert_eq!(
            advice.fix.as_deref(),
            Some(
                "run `sudo kubeadm reset -f` on w1: it stops the old kubelet and removes what the earlier install left; then run deploy again"
            )
        );
        let port = leftovers_found(
            &w1,
            "w1",
            &[
                Leftover::Port10250,
                Leftover::KubeletConf { no_cluster: true },
            ],
        );
        assert!(port.message.contains("port 10250 is in use"));
        assert!(
            port.message
                .contains("the control plane has no cluster yet")
        );
        assert!(port.fix.unwrap().ends_with("(`ss -ltnp 'sport = :10250'`)"));
        assert!(
            kubelet_conf_stale(&w1)
                .message
                .contains("left from an earlier install")
        );
    }
}

//! The scenario switches of the lab's simulated tools, typed: each is one
//! file in a node's `/var/lib/lab/scenario/`, read by `tests/lab/fakes/*`
//! at each call (README "The lab and the demo"). `Lab::set_scenario`
//! writes one.

use std::time::Duration;

#[derive(Clone, Debug)]
pub enum Scenario {
    /// `kubeadm join` completes after this long (1 s without it).
    JoinDelay(Duration),
    /// `kubeadm join` fails with this exit code and stderr (empty: the
    /// fake's "couldn't validate the identity of the API Server").
    JoinFail { code: i32, stderr: String },
    /// `kubeadm join` never completes.
    JoinHang,
    /// `kubeadm join` writes kubelet.conf, then fails with this exit code
    /// and stderr (empty: the fake's "error uploading crisocket").
    JoinLateFail { code: i32, stderr: String },
    /// The API listener starts this long after `kubeadm init`.
    ApiDelay(Duration),
    /// A node is NotReady this long after it joined; whole seconds (the
    /// fakes add it to the clock in shell arithmetic).
    NotReady(Duration),
    /// `kubeadm init` fails at wait-control-plane with this exit code and
    /// stderr (empty: the fake's "timed out waiting for the condition").
    InitFail { code: i32, stderr: String },
    /// `kubeadm reset` fails before it removes anything, with this exit
    /// code and stderr (empty: the fake's "device or resource busy").
    ResetFail { code: i32, stderr: String },
    /// On the control plane: each `kubectl drain` has a pod that takes
    /// this long to go (a longer `--timeout` fails it, as kubectl does).
    DrainDelay(Duration),
    /// `rke2-uninstall.sh` fails after its killall, removing nothing, with
    /// this exit code and stderr.
    Rke2UninstallFail { code: i32, stderr: String },
    /// `systemctl start rke2-server` fails, with this line in its journal
    /// (`None`: the fake's etcd failure).
    Rke2Fail(Option<String>),
    /// `systemctl start rke2-server` takes this long (1 s without it).
    Rke2Delay(Duration),
    /// The node's `date` is off by this many seconds; only a node started
    /// with the `clock-skew=S` option has that `date`.
    ClockSkew(i64),
    /// Every `date` on the node first waits this long; only a node started
    /// with the `slow` option (0.5 s) has that `date`.
    Slow(Duration),
    /// Conditions that arise as `kubeadm join` starts, after deploy's
    /// preflight found the host fine: `swap`, `ip-forward-off`,
    /// `port-10250`, `containerd-stopped`.
    AtJoin(&'static [&'static str]),
    /// What the worker's network does to the join's connection to the
    /// API server: `refused`, `timeout` or `no-route`.
    ApiPath(&'static str),
    /// The join token's life runs out before `kubeadm join` uses it.
    TokenExpired,
    /// The control plane's CA is made anew after the join command was read.
    CaRotated,
    /// No network add-on reaches the node: it stays NotReady, its kubelet
    /// saying "cni plugin not initialized", /etc/cni/net.d empty.
    NoCni,
    /// On the control plane: the kubelet exits at each start, so
    /// `kubeadm init` waits for its health check in vain.
    KubeletCrashloop,
    /// A powered-off node's sshd starts this long after its magic packet
    /// (1 s without it); read by the lab's Wake-on-LAN listener.
    BootDelay(Duration),
}

impl Scenario {
    /// The switch's file name and content, as the fakes read them.
    pub fn switch(&self) -> (&'static str, String) {
        let seconds = |d: &Duration| d.as_secs_f64().to_string();
        let failure = |code: &i32, stderr: &str| format!("{code}\n{stderr}");
        match self {
            Scenario::JoinDelay(d) => ("join-delay", seconds(d)),
            Scenario::JoinFail { code, stderr } => ("join-fail", failure(code, stderr)),
            Scenario::JoinHang => ("join-hang", String::new()),
            Scenario::JoinLateFail { code, stderr } => ("join-late-fail", failure(code, stderr)),
            Scenario::ApiDelay(d) => ("api-delay", seconds(d)),
            Scenario::NotReady(d) => ("notready", d.as_secs().to_string()),
            Scenario::InitFail { code, stderr } => ("init-fail", failure(code, stderr)),
            Scenario::ResetFail { code, stderr } => ("reset-fail", failure(code, stderr)),
            Scenario::DrainDelay(d) => ("drain-delay", seconds(d)),
            Scenario::Rke2UninstallFail { code, stderr } => {
                ("rke2-uninstall-fail", failure(code, stderr))
            }
            Scenario::Rke2Fail(line) => ("rke2-fail", line.clone().unwrap_or_default()),
            Scenario::Rke2Delay(d) => ("rke2-delay", seconds(d)),
            Scenario::ClockSkew(s) => ("clock-skew", s.to_string()),
            Scenario::Slow(d) => ("slow", seconds(d)),
            Scenario::BootDelay(d) => ("boot-delay", seconds(d)),
            Scenario::AtJoin(words) => ("at-join", words.join("\n")),
            Scenario::ApiPath(how) => ("api-path", (*how).to_owned()),
            Scenario::TokenExpired => ("token-expired", String::new()),
            Scenario::CaRotated => ("ca-rotated", String::new()),
            Scenario::KubeletCrashloop => ("kubelet-crashloop", String::new()),
            Scenario::NoCni => ("no-cni", String::new()),
        }
    }
}

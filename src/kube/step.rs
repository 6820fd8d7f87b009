//! The long remote steps watched the way joins are: each runs detached on
//! its host, and a file appearing or the job's exit decides how it went.

/// A kind of long step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// `kubeadm join` on a worker.
    Join,
    /// `kubeadm init` on the control plane.
    Init,
    /// The RKE2 installer on an RKE2 host.
    Rke2Install,
    /// `systemctl enable --now rke2-server`.
    Rke2Start,
    /// `kubeadm reset -f` and the cleanup after it, on a kubeadm node.
    Reset,
    /// `rke2-killall.sh`, then `rke2-uninstall.sh`, on an RKE2 host.
    Rke2Uninstall,
    /// `deploy prepare`'s changes: swap, modules, sysctls, packages.
    Prepare,
}

impl Step {
    /// The job's name on the host: a later `deploy` finds it by this.
    pub fn job(self) -> &'static str {
        match self {
            Step::Join => "kubeadm-join",
            Step::Init => "kubeadm-init",
            Step::Rke2Install => "rke2-install",
            Step::Rke2Start => "rke2-server-start",
            Step::Reset => "kubeadm-reset",
            Step::Rke2Uninstall => "rke2-uninstall",
            Step::Prepare => "deploy-prepare",
        }
    }

    /// The watched file; none where the job's exit alone decides.
    pub fn file(self) -> Option<&'static str> {
        match self {
            Step::Join => Some("/etc/kubernetes/kubelet.conf"),
            Step::Init => Some("/etc/kubernetes/admin.conf"),
            Step::Rke2Install => Some("/usr/local/bin/rke2"),
            Step::Rke2Start => Some("/etc/rancher/rke2/rke2.yaml"),
            Step::Reset | Step::Rke2Uninstall | Step::Prepare => None,
        }
    }

    /// What the step is called in progress lines ("the join").
    pub fn noun(self) -> &'static str {
        match self {
            Step::Join => "join",
            Step::Init => "kubeadm init",
            Step::Rke2Install => "RKE2 install",
            Step::Rke2Start => "rke2-server start",
            Step::Reset => "reset",
            Step::Rke2Uninstall => "RKE2 uninstall",
            Step::Prepare => "preparation",
        }
    }

    /// The state while the job is being started.
    pub fn starting(self) -> &'static str {
        match self {
            Step::Join => "starting the join",
            Step::Init => "starting kubeadm init",
            Step::Rke2Install => "starting the RKE2 installer",
            Step::Rke2Start => "starting rke2-server",
            Step::Reset => "starting the reset",
            Step::Rke2Uninstall => "starting rke2-killall.sh",
            Step::Prepare => "starting the preparation",
        }
    }

    /// The state while it runs ("joining").
    pub fn running(self) -> &'static str {
        match self {
            Step::Join => "joining",
            Step::Init => "initialising",
            Step::Rke2Install => "installing RKE2",
            Step::Rke2Start => "waiting for rke2-server",
            Step::Reset => "resetting",
            Step::Rke2Uninstall => "uninstalling RKE2",
            Step::Prepare => "preparing",
        }
    }

    /// The outcome when it worked ("joined").
    pub fn done(self) -> &'static str {
        match self {
            Step::Join => "joined",
            Step::Init => "initialised",
            Step::Rke2Install => "installed",
            Step::Rke2Start => "started",
            Step::Reset => "reset",
            Step::Rke2Uninstall => "uninstalled",
            Step::Prepare => "prepared",
        }
    }

    /// The outcome when it was done before ("already joined").
    pub fn already(self) -> &'static str {
        match self {
            Step::Join => "already joined",
            Step::Init => "already initialised",
            Step::Rke2Install => "already installed",
            Step::Rke2Start => "already running",
            Step::Reset => "nothing to reset",
            Step::Rke2Uninstall => "nothing to uninstall",
            Step::Prepare => "nothing to do",
        }
    }

    /// Why it was already done: the evidence found on the host.
    pub fn already_because(self) -> &'static str {
        match self {
            Step::Join => "/etc/kubernetes/kubelet.conf exists",
            Step::Init => "/etc/kubernetes/admin.conf exists",
            Step::Rke2Install => "/usr/local/bin/rke2 exists",
            Step::Rke2Start => "rke2-server is active",
            Step::Reset => "nothing of a cluster is left there",
            Step::Rke2Uninstall => "RKE2 is not installed there",
            Step::Prepare => "it is ready",
        }
    }

    /// kubeadm runs it, and says each phase it enters (`[preflight]`).
    pub fn kubeadm(self) -> bool {
        matches!(self, Step::Join | Step::Init | Step::Reset)
    }

    /// Whether a failure of it is diagnosed on its host: the steps that
    /// bring a node up, whose failures the diagnosis table knows.
    pub fn diagnosed(self) -> bool {
        matches!(self, Step::Join | Step::Init | Step::Rke2Start)
    }

    /// The unit whose journal explains a failure.
    pub fn unit(self) -> &'static str {
        match self {
            Step::Join | Step::Init | Step::Reset | Step::Prepare => "kubelet",
            Step::Rke2Install | Step::Rke2Start | Step::Rke2Uninstall => "rke2-server",
        }
    }
}

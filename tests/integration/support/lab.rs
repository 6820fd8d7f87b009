//! The lab from Rust: `Lab::builder()...start()` runs `tests/lab/lab up` in a
//! fresh directory (the lab finds it a subnet of its own), and dropping the
//! `Lab` runs `lab down`. See README "The lab and the demo".

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::{fs, thread};

use super::scenario::Scenario;

const LAB: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/lab/lab");
/// Directories a node keeps to itself (bind mounts of DIR/nodes/NODE/...).
const PRIVATE: &[&str] = &[
    "/etc/kubernetes",
    "/etc/rancher",
    "/etc/cni",
    "/var/lib/rancher",
    "/var/lib/kubelet",
    "/var/lib/etcd",
    "/var/lib/lab",
    "/usr/local/bin",
    "/run",
    "/root",
    "/home",
    "/etc/hosts",
    "/etc/hostname",
    "/etc/passwd",
    "/etc/group",
    "/etc/shadow",
    "/etc/sudoers",
];
/// Directories every node sees as the host's plus its own writes.
const OVERLAID: &[&str] = &["etc", "var", "opt", "usr"];
/// What changes by merely logging in, left out of snapshots.
const CHURN: &[&str] = &["/run/", "/var/log/", "/var/run/"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Control,
    Worker,
    Rke2,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Control => "control",
            Role::Worker => "worker",
            Role::Rke2 => "rke2",
        }
    }
}

#[derive(Default)]
pub struct LabBuilder {
    nodes: Vec<(String, Role, Vec<String>)>,
}

impl LabBuilder {
    pub fn node(mut self, name: &str, role: Role) -> Self {
        self.nodes.push((name.to_string(), role, Vec::new()));
        self
    }

    pub fn control(self, name: &str) -> Self {
        self.node(name, Role::Control)
    }

    pub fn worker(self, name: &str) -> Self {
        self.node(name, Role::Worker)
    }

    pub fn rke2(self, name: &str) -> Self {
        self.node(name, Role::Rke2)
    }

    /// A `lab up` node option: `no-kubeadm`, `swap`, `become`,
    /// `clock-skew=30`... (README "The lab and the demo").
    pub fn option(mut self, node: &str, option: &str) -> Self {
        let entry = self.nodes.iter_mut().find(|(name, ..)| name == node);
        let (.., options) =
            entry.unwrap_or_else(|| panic!("option {option} for unknown node {node}"));
        options.push(option.to_string());
        self
    }

    /// Starts the lab (`lab up` finds it a free subnet). `None` when this
    /// machine cannot run it (not root, no sshd) and we are not in CI; in CI
    /// that is a failure, never a skip.
    pub fn start(self) -> Option<Lab> {
        let dir = tempfile::Builder::new()
            .prefix("deploy-lab-")
            .tempdir()
            .expect("a temporary directory for the lab");
        let mut cmd = Command::new(LAB);
        cmd.arg("up").arg(dir.path());
        // A test run stopped with Ctrl-C never drops its labs: the lab's
        // watchdog takes them down when this process ends.
        cmd.args(["--owner", &std::process::id().to_string()]);
        for (name, role, options) in &self.nodes {
            let mut spec = format!("{name}:{}", role.as_str());
            if !options.is_empty() {
                spec = format!("{spec}:{}", options.join(","));
            }
            cmd.args(["--node", &spec]);
        }
        let out = cmd.output().expect("running tests/lab/lab up");
        if out.status.success() {
            let nodes = read_nodes(dir.path());
            return Some(Lab {
                dir: Some(dir),
                nodes,
            });
        }
        let why = format!(
            "the lab cannot start: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
        if std::env::var("CI").is_ok_and(|ci| ci == "true") {
            panic!("{why}");
        }
        eprintln!("skipping: {why}");
        None
    }
}

/// A lab with a control plane ("masternode") already initialised with
/// `kubeadm init`, and the given workers (`name`, options).
pub fn cluster(workers: &[(&str, &[&str])]) -> Option<Lab> {
    let mut builder = Lab::builder().control("masternode");
    for (name, options) in workers {
        builder = builder.worker(name);
        for option in *options {
            builder = builder.option(name, option);
        }
    }
    let lab = builder.start()?;
    let init = lab.exec("masternode", &["kubeadm", "init"]);
    assert!(
        init.status.success(),
        "kubeadm init: {}",
        String::from_utf8_lossy(&init.stderr)
    );
    Some(lab)
}

struct Node {
    name: String,
    address: String,
}

fn read_nodes(dir: &Path) -> Vec<Node> {
    let text = fs::read_to_string(dir.join("nodes.txt")).expect("nodes.txt of the lab");
    text.lines()
        .map(|line| {
            let f: Vec<&str> = line.split(' ').collect();
            Node {
                name: f[0].into(),
                address: f[2].into(),
            }
        })
        .collect()
}

pub struct Lab {
    /// `None` once handed back on drop.
    dir: Option<tempfile::TempDir>,
    nodes: Vec<Node>,
}

impl Lab {
    pub fn builder() -> LabBuilder {
        LabBuilder::default()
    }

    pub fn dir(&self) -> &Path {
        self.dir.as_ref().expect("lab directory").path()
    }

    pub fn inventory(&self) -> PathBuf {
        self.dir().join("inventory.yml")
    }

    fn node(&self, name: &str) -> &Node {
        let node = self.nodes.iter().find(|n| n.name == name);
        node.unwrap_or_else(|| panic!("no node {name} in this lab"))
    }

    pub fn address(&self, node: &str) -> &str {
        &self.node(node).address
    }

    /// Where a node's private file is on this machine, so tests can read it
    /// or put one there; panics for a path the node shares with the host.
    pub fn node_path(&self, node: &str, path: &str) -> PathBuf {
        self.node(node);
        let private = PRIVATE.iter().any(|p| {
            path == *p
                || path
                    .strip_prefix(p)
                    .is_some_and(|rest| rest.starts_with('/'))
        });
        assert!(
            private,
            "{path} is not private to a node: use lab.exec to read it"
        );
        self.dir().join("nodes").join(node).join(&path[1..])
    }

    /// Sets a scenario switch of a node's simulated tools.
    pub fn set_scenario(&self, node: &str, scenario: &Scenario) {
        let (name, value) = scenario.switch();
        let path = self.node_path(node, "/var/lib/lab/scenario").join(name);
        fs::write(&path, format!("{value}\n")).expect("writing a scenario switch");
    }

    /// Takes the switch of `scenario` away again, whatever its value.
    pub fn clear_scenario(&self, node: &str, scenario: &Scenario) {
        let path = self
            .node_path(node, "/var/lib/lab/scenario")
            .join(scenario.switch().0);
        let _ = fs::remove_file(path);
    }

    /// Runs a command inside a node, as root, with the node's PATH.
    pub fn exec(&self, node: &str, args: &[&str]) -> Output {
        self.node(node);
        let out = Command::new(LAB)
            .arg("exec")
            .arg(self.dir())
            .arg(node)
            .arg("--")
            .args(args)
            .output();
        out.expect("running tests/lab/lab exec")
    }

    pub fn restart_sshd(&self, node: &str) {
        let out = Command::new(LAB)
            .arg("restart-sshd")
            .arg(self.dir())
            .arg(node)
            .output();
        let out = out.expect("running tests/lab/lab restart-sshd");
        assert!(
            out.status.success(),
            "restart-sshd {node}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Puts a node to sleep (`lab power-off`): its sshd stops and its
    /// address answers nothing until a magic packet for its MAC arrives.
    pub fn power_off(&self, node: &str) {
        let out = Command::new(LAB)
            .arg("power-off")
            .arg(self.dir())
            .arg(node)
            .output();
        let out = out.expect("running tests/lab/lab power-off");
        assert!(
            out.status.success(),
            "power-off {node}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Whether a node is powered off (asleep, or still booting).
    pub fn asleep(&self, node: &str) -> bool {
        self.node(node);
        self.dir().join(format!("run/{node}.asleep")).exists()
    }

    /// A node's MAC, as the inventory's `wol_mac` gives it.
    pub fn mac(&self, node: &str) -> String {
        let octets: Vec<String> = self
            .address(node)
            .split('.')
            .map(|part| format!("{:02x}", part.parse::<u8>().expect("an IPv4 address")))
            .collect();
        format!("02:00:{}", octets.join(":"))
    }

    /// What the lab's Wake-on-LAN listener saw.
    pub fn wol_log(&self) -> String {
        fs::read_to_string(self.dir().join("logs/wol.log")).unwrap_or_default()
    }

    /// The pid (on this machine) of a node's init: its namespaces are the node.
    pub fn init_pid(&self, node: &str) -> Option<u32> {
        let unshare =
            fs::read_to_string(self.dir().join(format!("run/{node}.unshare.pid"))).ok()?;
        let unshare = unshare.trim();
        let children =
            fs::read_to_string(format!("/proc/{unshare}/task/{unshare}/children")).ok()?;
        children.split_whitespace().next()?.parse().ok()
    }

    /// Every regular file a node has of its own — private directories and
    /// its writes to the shared ones — and the cluster state, each with a
    /// hash of its content: equal snapshots mean nothing was changed.
    pub fn snapshot(&self) -> BTreeMap<String, u64> {
        let mut files = BTreeMap::new();
        for node in &self.nodes {
            let root = self.dir().join("nodes").join(&node.name);
            walk(&root, "", &format!("{}:", node.name), &mut files);
            let Some(init) = self.init_pid(&node.name) else {
                continue;
            };
            let upper =
                PathBuf::from(format!("/proc/{init}/root")).join(root.strip_prefix("/").unwrap());
            for dir in OVERLAID {
                let top = upper.join(".upper").join(dir).join("upper");
                walk(
                    &top,
                    &format!("/{dir}"),
                    &format!("{}:", node.name),
                    &mut files,
                );
            }
        }
        walk(&self.dir().join("cluster"), "", "cluster:", &mut files);
        files.retain(|key, _| {
            !key.contains(":/.upper/") && !CHURN.iter().any(|c| key.contains(&format!(":{c}")))
        });
        files
    }
}

fn walk(dir: &Path, under: &str, label: &str, files: &mut BTreeMap<String, u64>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = format!("{under}/{}", entry.file_name().to_string_lossy());
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            walk(&entry.path(), &name, label, files);
        } else if kind.is_file() {
            let mut hasher = DefaultHasher::new();
            fs::read(entry.path()).unwrap_or_default().hash(&mut hasher);
            files.insert(format!("{label}{name}"), hasher.finish());
        }
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        let out = Command::new(LAB).arg("down").arg(self.dir()).output();
        let stopped = out.as_ref().is_ok_and(|o| o.status.success());
        let dir = self.dir.take().expect("lab directory");
        if thread::panicking() || !stopped {
            // Kept for the post-mortem: logs, node files, inventory.
            eprintln!("lab kept in {}", dir.keep().display());
        }
        if !stopped && !thread::panicking() {
            panic!("lab down failed: {out:?}");
        }
    }
}

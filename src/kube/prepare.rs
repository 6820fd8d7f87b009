//! What a host ready for kubeadm has, as Kubernetes' installation guide
//! sets it up: swap off, the kernel modules and sysctls, containerd with
//! the systemd cgroup driver, crictl pointed at the runtime, the
//! pkgs.k8s.io repository of one minor version, and kubelet, kubeadm and
//! kubectl of that minor, held. Pure: the files' contents, the package
//! versions, and the shell that makes each change.

/// The modules containerd and kube-proxy need, loaded at boot from here.
pub const MODULES_FILE: &str = "/etc/modules-load.d/k8s.conf";
pub const MODULES: [&str; 2] = ["overlay", "br_netfilter"];
pub const SYSCTL_FILE: &str = "/etc/sysctl.d/k8s.conf";
pub const SYSCTLS: [&str; 3] = [
    "net.bridge.bridge-nf-call-iptables",
    "net.bridge.bridge-nf-call-ip6tables",
    "net.ipv4.ip_forward",
];
pub const CONTAINERD_CONFIG: &str = "/etc/containerd/config.toml";
pub const CRICTL_FILE: &str = "/etc/crictl.yaml";
pub const KEYRING: &str = "/etc/apt/keyrings/kubernetes-apt-keyring.gpg";
pub const APT_LIST: &str = "/etc/apt/sources.list.d/kubernetes.list";
pub const YUM_REPO: &str = "/etc/yum.repos.d/kubernetes.repo";
/// The packages of one Kubernetes version, held at it.
pub const KUBE_PACKAGES: [&str; 3] = ["kubelet", "kubeadm", "kubectl"];
pub const CONTAINERD: &str = "containerd";
/// What adding the apt repository runs: a minimal Debian lacks them.
pub const APT_TOOLS: [&str; 3] = ["curl", "ca-certificates", "gpg"];
/// containerd's socket when the inventory names none.
pub const DEFAULT_CRI_SOCKET: &str = "unix:///run/containerd/containerd.sock";

/// Whether a host's `cri_socket` (unset: containerd's) is the containerd
/// prepare installs, rather than another runtime's or RKE2's own.
pub fn containerd_socket(cri_socket: Option<&str>) -> bool {
    cri_socket.is_none_or(|socket| {
        let path = socket.strip_prefix("unix://").unwrap_or(socket);
        matches!(
            path,
            "/run/containerd/containerd.sock" | "/var/run/containerd/containerd.sock"
        )
    })
}

/// `kubernetes_version` as packages see it: the minor (`1.30`) whose
/// repository serves it, and the patch when one was named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub minor: String,
    pub patch: Option<String>,
}

impl Release {
    /// `1.30`, `v1.30.2`, `stable-1.30`; `None` for what names no minor
    /// (`stable`, `latest`).
    pub fn parse(version: &str) -> Option<Release> {
        let bare = version
            .trim()
            .trim_start_matches("stable-")
            .trim_start_matches('v');
        let parts: Vec<&str> = bare.split('.').collect();
        let numeric = |part: &&str| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit());
        if !(2..=3).contains(&parts.len()) || !parts.iter().all(numeric) {
            return None;
        }
        Some(Release {
            minor: format!("{}.{}", parts[0], parts[1]),
            patch: parts.get(2).map(|_| bare.to_owned()),
        })
    }

    /// The version apt is asked for: `1.30.*`, or `1.30.2-*`.
    pub fn apt_spec(&self) -> String {
        match &self.patch {
            Some(patch) => format!("{patch}-*"),
            None => format!("{}.*", self.minor),
        }
    }

    /// The version dnf is asked for: `1.30.*`, or `1.30.2`.
    pub fn rpm_spec(&self) -> String {
        self.patch
            .clone()
            .unwrap_or_else(|| format!("{}.*", self.minor))
    }

    /// Whether an installed version (`1.30.2-1.1`, `v1.30.2`) is of this
    /// minor.
    pub fn same_minor(&self, installed: &str) -> bool {
        minor_of(installed).as_deref() == Some(self.minor.as_str())
    }

    pub fn apt_repo(&self) -> String {
        format!("https://pkgs.k8s.io/core:/stable:/v{}/deb/", self.minor)
    }

    pub fn rpm_repo(&self) -> String {
        format!("https://pkgs.k8s.io/core:/stable:/v{}/rpm/", self.minor)
    }

    /// The first of `installed` (a tool and its version, when known) of
    /// another minor than this release: the version change that neither a
    /// join nor prepare makes.
    pub fn other_minor<'a>(
        &self,
        installed: &[(&'a str, Option<&'a str>)],
    ) -> Option<(&'a str, &'a str)> {
        installed.iter().find_map(|(tool, version)| {
            version
                .filter(|version| !self.same_minor(version))
                .map(|version| (*tool, version))
        })
    }
}

/// Where a repository's signing key lies beside it, as pkgs.k8s.io lays
/// them out: `Release.key` for apt, `repodata/repomd.xml.key` for dnf.
pub fn key_beside(repo: &str, rpm: bool) -> String {
    let file = if rpm {
        "repodata/repomd.xml.key"
    } else {
        "Release.key"
    };
    if repo.ends_with('/') {
        format!("{repo}{file}")
    } else {
        format!("{repo}/{file}")
    }
}

/// The minor of an installed version: `1.30` of `1.30.2-1.1` or `v1.30.2`.
pub fn minor_of(installed: &str) -> Option<String> {
    let bare = installed.trim().trim_start_matches('v');
    let mut parts = bare.split(['.', '-']);
    let major = parts.next().filter(|part| !part.is_empty())?;
    let minor = parts.next().filter(|part| !part.is_empty())?;
    Some(format!("{major}.{minor}"))
}

/// Where the packages come from: pkgs.k8s.io for the release, or the
/// inventory's mirror.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageSource {
    pub repo: String,
    pub key: String,
}

/// The contents deploy writes, a line each.
pub fn modules_lines() -> Vec<String> {
    MODULES.iter().map(|module| (*module).to_owned()).collect()
}

pub fn sysctl_lines() -> Vec<String> {
    SYSCTLS.iter().map(|key| format!("{key} = 1")).collect()
}

pub fn crictl_lines(cri_socket: &str) -> Vec<String> {
    vec![
        format!("runtime-endpoint: {cri_socket}"),
        format!("image-endpoint: {cri_socket}"),
    ]
}

pub fn apt_list_lines(repo: &str) -> Vec<String> {
    vec![format!("deb [signed-by={KEYRING}] {repo} /")]
}

pub fn yum_repo_lines(source: &PackageSource) -> Vec<String> {
    vec![
        "[kubernetes]".to_owned(),
        "name=Kubernetes".to_owned(),
        format!("baseurl={}", source.repo),
        "enabled=1".to_owned(),
        "gpgcheck=1".to_owned(),
        format!("gpgkey={}", source.key),
        "exclude=kubelet kubeadm kubectl cri-tools kubernetes-cni".to_owned(),
    ]
}

/// One change to a host, in the order they are made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// `swapoff -a`, where swap is on now.
    SwapOff,
    /// The swap lines of /etc/fstab commented out.
    FstabSwap,
    /// The modules loaded now, and listed in [`MODULES_FILE`].
    Modules {
        load: Vec<String>,
        file: bool,
    },
    /// [`SYSCTL_FILE`] written and applied.
    Sysctls,
    /// Packages dpkg left half-done, configured again (`dpkg --configure -a`).
    Repair(Vec<String>),
    /// Of [`APT_TOOLS`], those missing, from the distribution's repository.
    AptTools(Vec<String>),
    /// The repository's key in [`KEYRING`] and its [`APT_LIST`].
    AptRepo,
    /// The repository in [`YUM_REPO`].
    YumRepo,
    /// Packages installed at the release: `name=spec` each.
    Install {
        manager: PackageManager,
        packages: Vec<String>,
    },
    /// `SystemdCgroup = true` and the CRI plugin enabled in
    /// [`CONTAINERD_CONFIG`]; containerd restarted when it changed.
    ContainerdConfig,
    /// [`CRICTL_FILE`] pointed at the runtime socket.
    Crictl,
    /// Packages held at their version.
    Hold(Vec<String>),
    EnableKubelet,
    /// firewalld's ports for the host's role, opened.
    Firewall(Vec<String>),
}

/// The package manager of a host's family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageManager {
    Apt,
    Dnf,
}

/// The ports a role needs open, as firewalld names them.
pub fn firewall_ports(control_plane: bool, rke2: bool) -> Vec<String> {
    let ports: &[&str] = if rke2 {
        &[
            "9345/tcp",
            "6443/tcp",
            "10250/tcp",
            "2379-2380/tcp",
            "8472/udp",
            "30000-32767/tcp",
        ]
    } else if control_plane {
        &[
            "6443/tcp",
            "2379-2380/tcp",
            "10250/tcp",
            "10257/tcp",
            "10259/tcp",
        ]
    } else {
        &["10250/tcp", "30000-32767/tcp"]
    };
    ports.iter().map(|port| (*port).to_owned()).collect()
}

/// The shell of one change, run with `/bin/sh -c` after the variables
/// REPO, KEY and CRI_SOCKET. Each says what it does in a `[tag]` line, as
/// kubeadm does, for the progress line.
pub fn shell(change: &Change) -> String {
    match change {
        Change::SwapOff => "echo '[swap] turning swap off'\nswapoff -a || exit\n".into(),
        Change::FstabSwap => {
            format!("echo '[swap] commenting out the swap lines of /etc/fstab'\n{FSTAB_SH}")
        }
        Change::Modules { load, file } => {
            let mut text = String::new();
            for module in load {
                text.push_str(&format!(
                    "echo '[modules] loading {module}'\nmodprobe {module} || exit\n"
                ));
            }
            if *file {
                text.push_str(&write_file(MODULES_FILE, &modules_lines()));
            }
            text
        }
        Change::Sysctls => format!(
            "{}echo '[sysctl] applying {SYSCTL_FILE}'\nsysctl -p {SYSCTL_FILE} || exit\n",
            write_file(SYSCTL_FILE, &sysctl_lines())
        ),
        Change::Repair(packages) => format!(
            "echo '[packages] configuring {} (dpkg --configure -a)'\n\
             DEBIAN_FRONTEND=noninteractive dpkg --configure -a || exit\n",
            packages.join(" ")
        ),
        Change::AptTools(packages) => {
            let list = packages.join(" ");
            format!(
                "echo '[packages] installing {list} from the distribution'\n\
                 apt-get update || exit\n\
                 DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends {list} || exit\n"
            )
        }
        Change::AptRepo => apt_repo_sh(),
        Change::YumRepo => {
            let placeholders = PackageSource {
                repo: "%s".into(),
                key: "%s".into(),
            };
            format!(
                "echo \"[repository] adding $REPO\"\n{}",
                printf_file(
                    YUM_REPO,
                    &yum_repo_lines(&placeholders),
                    "\"$REPO\" \"$KEY\""
                )
            )
        }
        Change::Install { manager, packages } => {
            let list = packages.join(" ");
            match manager {
                PackageManager::Apt => format!(
                    "echo '[packages] installing {list}'\n\
                     apt-get update -o APT::Update::Error-Mode=any || exit\n\
                     DEBIAN_FRONTEND=noninteractive apt-get install -y -o Dpkg::Options::=--force-confold {list} || exit\n"
                ),
                PackageManager::Dnf => format!(
                    "echo '[packages] installing {list}'\n\
                     dnf install -y --disableexcludes=kubernetes {list} || exit\n"
                ),
            }
        }
        Change::ContainerdConfig => CONTAINERD_SH.into(),
        Change::Crictl => format!(
            "echo '[runtime] pointing crictl at the runtime socket'\n{}",
            printf_file(
                CRICTL_FILE,
                &crictl_lines("%s"),
                "\"$CRI_SOCKET\" \"$CRI_SOCKET\""
            )
        ),
        Change::Hold(packages) => {
            let list = packages.join(" ");
            format!("echo '[packages] holding {list}'\napt-mark hold {list} || exit\n")
        }
        Change::EnableKubelet => {
            "echo '[kubelet] enabling kubelet'\nsystemctl enable kubelet || exit\n".into()
        }
        Change::Firewall(ports) => {
            let mut text = "echo '[firewall] opening the role'\"'\"'s ports'\n".to_owned();
            for port in ports {
                text.push_str(&format!(
                    "firewall-cmd --permanent --add-port={port} || exit\n"
                ));
            }
            text.push_str("firewall-cmd --reload || exit\n");
            text
        }
    }
}

/// A file's lines written with `printf`: no value of the inventory is
/// ever part of it.
fn write_file(path: &str, lines: &[String]) -> String {
    format!(
        "echo '[files] writing {path}'\n{}",
        printf_file(path, lines, "")
    )
}

/// `lines` as `printf`'s format, their `%s` filled by `args` (quoted
/// variables): the same lines the survey's answer is compared with.
fn printf_file(path: &str, lines: &[String], args: &str) -> String {
    let format: String = lines.iter().map(|line| format!("{line}\\n")).collect();
    format!("mkdir -p \"$(dirname {path})\" && printf '{format}' {args} >{path} || exit\n")
}

const FSTAB_SH: &str = r#"sed -i.deploy-prepare -e '/^[[:space:]]*#/b' -e '/[[:space:]]swap[[:space:]]/s/^/# /' /etc/fstab || exit
"#;

/// The repository's key, dearmored into [`KEYRING`], and its list.
fn apt_repo_sh() -> String {
    format!(
        "echo \"[repository] adding $REPO\"\n\
         mkdir -p -m 0755 \"$(dirname {KEYRING})\" || exit\n\
         key=$(curl -fsSL \"$KEY\") || exit\n\
         printf '%s\\n' \"$key\" | gpg --batch --yes --dearmor -o {KEYRING} || exit\n\
         chmod 0644 {KEYRING}\n{}",
        printf_file(APT_LIST, &apt_list_lines("%s"), "\"$REPO\"")
    )
}

/// containerd's configuration with the systemd cgroup driver and the CRI
/// plugin on. A file there is kept (a user's registry mirrors with it):
/// `SystemdCgroup = true` is set, or added under the runc options table of
/// its config version (3 is containerd 2.x's, whose default omits the
/// key); containerd's default is written only where there is no file.
/// Verified at the end, so a file it cannot edit fails rather than being
/// rewritten by every run; containerd restarted only when the file changed.
const CONTAINERD_SH: &str = r#"echo '[runtime] configuring containerd (SystemdCgroup = true)'
config=/etc/containerd/config.toml
mkdir -p /etc/containerd || exit
before=$(cat "$config" 2>/dev/null)
if [ ! -e "$config" ]; then
  containerd config default >"$config" || exit
fi
if grep -q '^[[:space:]]*version[[:space:]]*=[[:space:]]*3' "$config"; then
  table="[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]"
else
  table='[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]'
fi
if grep -q '^[[:space:]]*SystemdCgroup[[:space:]]*=' "$config"; then
  sed -i 's/^\([[:space:]]*\)SystemdCgroup[[:space:]]*=[[:space:]]*false/\1SystemdCgroup = true/' "$config" || exit
elif grep -qF "$table" "$config"; then
  edited=$(awk -v table="$table" '
    { print; line = $0; gsub(/^[ \t]+|[ \t]+$/, "", line) }
    !done && line == table { match($0, /^[ \t]*/); print substr($0, 1, RLENGTH) "  SystemdCgroup = true"; done = 1 }
  ' "$config") || exit
  printf '%s\n' "$edited" >"$config" || exit
else
  printf '\n%s\n  SystemdCgroup = true\n' "$table" >>"$config" || exit
fi
# The CRI by any of its names, in either quotes, off the top-level list.
sed -i -E "/^[[:space:]]*disabled_plugins/s/[\"'](cri|io\.containerd\.grpc\.v1\.cri|io\.containerd\.cri\.v1\.(runtime|images))[\"'][[:space:]]*,?//g" "$config" || exit
if ! grep -q '^[[:space:]]*SystemdCgroup = true' "$config"; then
  echo "SystemdCgroup unset: $config $table" >&2
  exit 1
fi
if [ "$before" != "$(cat "$config")" ]; then
  echo '[runtime] restarting containerd'
  systemctl restart containerd || exit
fi
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_name_their_minor_and_the_versions_packages_are_asked_for() {
        let minor = Release::parse("1.30").unwrap();
        assert_eq!(minor.apt_spec(), "1.30.*");
        assert_eq!(minor.rpm_spec(), "1.30.*");
        assert_eq!(
            key_beside(&minor.apt_repo(), false),
            "https://pkgs.k8s.io/core:/stable:/v1.30/deb/Release.key"
        );
        assert_eq!(
            key_beside("http://mirror.lan/rpm", true),
            "http://mirror.lan/rpm/repodata/repomd.xml.key"
        );
        let patch = Release::parse("v1.30.2").unwrap();
        assert_eq!(
            (patch.minor.as_str(), patch.apt_spec()),
            ("1.30", "1.30.2-*".into())
        );
        assert_eq!(Release::parse("stable-1.29").unwrap().minor, "1.29");
        assert_eq!(Release::parse("stable"), None);
        assert_eq!(Release::parse("1"), None);
    }

    #[test]
    fn the_first_tool_of_another_minor_is_named() {
        let release = Release::parse("1.30").unwrap();
        let installed = [
            ("kubeadm", Some("1.30.2-1.1")),
            ("kubelet", Some("v1.29.3")),
        ];
        assert_eq!(
            release.other_minor(&installed),
            Some(("kubelet", "v1.29.3"))
        );
        assert_eq!(release.other_minor(&[("kubeadm", None)]), None);
    }

    #[test]
    fn installed_versions_are_compared_by_minor() {
        let release = Release::parse("1.30").unwrap();
        assert!(release.same_minor("1.30.11-1.1"));
        assert!(release.same_minor("v1.30.2"));
        assert!(!release.same_minor("1.29.15-1.1"));
        assert_eq!(minor_of("garbage"), None);
    }

    #[test]
    fn only_containerds_own_socket_is_containerds() {
        assert!(containerd_socket(None));
        assert!(containerd_socket(Some(DEFAULT_CRI_SOCKET)));
        assert!(containerd_socket(Some(
            "/var/run/containerd/containerd.sock"
        )));
        assert!(!containerd_socket(Some("unix:///var/run/crio/crio.sock")));
        assert!(!containerd_socket(Some(
            "unix:///run/k3s/containerd/containerd.sock"
        )));
    }

    #[test]
    fn the_files_written_are_the_lines_the_survey_compares() {
        assert!(shell(&Change::Crictl).contains(
            "printf 'runtime-endpoint: %s\\nimage-endpoint: %s\\n' \"$CRI_SOCKET\" \"$CRI_SOCKET\" >/etc/crictl.yaml"
        ));
        assert!(shell(&Change::AptRepo).contains(&format!(
            "printf 'deb [signed-by={KEYRING}] %s /\\n' \"$REPO\" >{APT_LIST}"
        )));
        assert!(
            shell(&Change::YumRepo).contains("baseurl=%s\\nenabled=1\\ngpgcheck=1\\ngpgkey=%s\\n")
        );
    }

    #[test]
    fn every_role_has_its_ports() {
        assert!(firewall_ports(true, false).contains(&"10259/tcp".to_owned()));
        assert!(firewall_ports(false, false).contains(&"30000-32767/tcp".to_owned()));
        assert!(firewall_ports(false, true).contains(&"8472/udp".to_owned()));
    }
}

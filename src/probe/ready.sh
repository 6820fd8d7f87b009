# deploy prepare's read-only survey: what of a host ready for kubeadm is
# already there. POSIX sh on stdin, after quoted variables: KUBEADM (1 on a
# kubeadm node), MODULES_FILE, SYSCTL_FILE, CRICTL_FILE, KEYRING,
# APT_LIST, YUM_REPO. Answers are `key=value` lines; a file's lines are
# sent as they are so that deploy, not the host, decides what differs.

say() { printf '%s=%s\n' "$1" "$2"; }
lines() { # KEY FILE
  [ -r "$2" ] || return 0
  say "$1.present" yes
  while IFS= read -r line || [ -n "$line" ]; do say "$1" "$line"; done <"$2"
}

say ready 1
if [ -r /etc/os-release ]; then
  while IFS='=' read -r key value; do
    case $key in ID | ID_LIKE)
      value=${value#[\"\']}
      value=${value%[\"\']}
      say "os.$key" "$value"
      ;;
    esac
  done </etc/os-release
fi

if [ -r /proc/swaps ]; then
  areas=-1
  while read -r _; do areas=$((areas + 1)); done </proc/swaps
  [ "$areas" -lt 0 ] && areas=0
  say swap "$areas"
fi
if [ -r /etc/fstab ]; then
  while read -r _ _ kind _; do
    case $kind in swap) say fstab.swap yes ;; esac
  done <<FSTAB
$(grep -v '^[[:space:]]*#' /etc/fstab)
FSTAB
fi
if [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]; then say module br_netfilter; fi
if [ -d /sys/module/overlay ]; then say module overlay; fi
for key in net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables net.ipv4.ip_forward; do
  path=/proc/sys/$(printf '%s' "$key" | tr . /)
  [ -r "$path" ] && read -r value <"$path" && say "sysctl.$key" "$value"
done
lines modules "$MODULES_FILE"
lines sysctls "$SYSCTL_FILE"
if command -v firewall-cmd >/dev/null 2>&1 && firewall-cmd --state >/dev/null 2>&1; then
  say firewalld running
  for port in $(firewall-cmd --list-ports 2>/dev/null); do say port "$port"; done
fi

[ "${KUBEADM:-}" = 1 ] || exit 0

command -v containerd >/dev/null 2>&1 && say containerd.bin yes
[ -e /var/lib/kubelet/config.yaml ] && say kubelet.joined yes
if [ -r /etc/containerd/config.toml ]; then
  grep -q '^[[:space:]]*SystemdCgroup = true' /etc/containerd/config.toml && say containerd.systemd_cgroup yes
  # The top-level list (before any table), which the survey's reader
  # judges as diagnosis does.
  plugins=$(sed -n '/^[[:space:]]*\[/q; /^[[:space:]]*disabled_plugins[[:space:]]*=/p' /etc/containerd/config.toml)
  [ -z "$plugins" ] || say containerd.disabled_plugins "$plugins"
fi
lines crictl "$CRICTL_FILE"
[ -e "$KEYRING" ] && say keyring yes
for tool in curl gpg; do command -v "$tool" >/dev/null 2>&1 && say tool "$tool"; done
[ -e /etc/ssl/certs/ca-certificates.crt ] && say tool ca-certificates
lines apt_list "$APT_LIST"
lines yum_repo "$YUM_REPO"
if command -v dpkg-query >/dev/null 2>&1; then
  dpkg-query -W -f '${Package} ${Version} ${db:Status-Abbrev}\n' kubelet kubeadm kubectl containerd 2>/dev/null |
    while read -r name version status; do
      # Installed, or held (h); unpacked, half-configured or awaiting
      # triggers: there but broken; half-installed: broken, not there.
      case $status in
        [ih]i*) say pkg "$name $version" ;;
        [ih][UFWt]*) say pkg "$name $version" && say broken "$name" ;;
        [ih]H*) say broken "$name" ;;
      esac
    done
  command -v apt-mark >/dev/null 2>&1 && for name in $(apt-mark showhold 2>/dev/null); do say hold "$name"; done
elif command -v rpm >/dev/null 2>&1; then
  for name in kubelet kubeadm kubectl containerd; do
    version=$(rpm -q --qf '%{VERSION}-%{RELEASE}' "$name" 2>/dev/null) && say pkg "$name $version"
  done
fi
command -v kubeadm >/dev/null 2>&1 && say bin.kubeadm "$(kubeadm version -o short 2>/dev/null)"
command -v kubelet >/dev/null 2>&1 && say bin.kubelet "$(kubelet --version 2>/dev/null | sed 's/^Kubernetes //')"
command -v kubectl >/dev/null 2>&1 && say bin.kubectl yes
command -v systemctl >/dev/null 2>&1 && systemctl is-enabled --quiet kubelet >/dev/null 2>&1 && say kubelet.enabled yes
exit 0

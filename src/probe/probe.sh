# deploy's read-only host probe: one round trip answers every preflight
# question. POSIX sh, sent on stdin to `sh -s` after a header of quoted
# variables (DEPLOY_CRI_SOCKET, DEPLOY_ENDPOINT_HOST, DEPLOY_ENDPOINT_PORT,
# DEPLOY_RKE2, DEPLOY_NODES), so no inventory value is ever part of the code. Where the
# inventory sets ansible_become, the connection layer runs the whole script
# through sudo, with the become password if there is one, so a sudo that
# refuses never gets here.
# Answers are `key=value` lines; the parser ignores keys it does not know,
# so the script can grow without breaking older readers.
# No `set -e`: a failing probe is an answer, not a reason to stop.
# Shell builtins wherever they do: every forked process costs about a
# millisecond of CPU, and many hosts probed at once (the lab: all on this
# machine's cores) add them up. What is left: uname, date (the lab fakes
# the clock with its own `date`), kubeadm's and kubelet's versions where
# they are installed, the endpoint test on workers, and the node list on
# an initialised control plane.

say() { printf '%s=%s\n' "$1" "$2"; }
# KEY yes|no from a test, without a subshell.
flag() {
  key=$1
  shift
  if "$@" 2>/dev/null; then say "$key" yes; else say "$key" no; fi
}

# The first match of $1 on PATH, as `command -v` finds it, without a fork.
on_path() {
  found=
  saved_ifs=$IFS
  IFS=:
  set -f
  # Not `dir`: that is the join job's directory, set ahead of this script.
  for path_dir in $PATH; do
    if [ -n "$path_dir" ] && [ -f "$path_dir/$1" ] && [ -x "$path_dir/$1" ]; then
      found=$path_dir/$1
      break
    fi
  done
  set +f
  IFS=$saved_ifs
}

say probe 1
# The real uid, from the shell's own /proc/self/status (no fork); `id`
# where there is no /proc.
uid=
if [ -r /proc/self/status ]; then
  while read -r field real _; do
    [ "$field" = Uid: ] && uid=$real && break
  done </proc/self/status
fi
[ -n "$uid" ] || uid=$(id -u)
say uid "$uid"

# os-release values may be quoted; strip one level of quotes.
if [ -r /etc/os-release ]; then
  while IFS='=' read -r key value; do
    case $key in
      ID | VERSION_ID | PRETTY_NAME)
        value=${value#[\"\']}
        value=${value%[\"\']}
        say "os.$key" "$value"
        ;;
    esac
  done </etc/os-release
fi
say arch "$(uname -m)"

for tool in kubeadm kubelet kubectl rke2; do
  on_path "$tool"
  say "bin.$tool" "$found"
done
# Their versions, for the skew check: kubeadm and kubelet must be of the
# minor kubernetes_version names.
on_path kubeadm
[ -n "$found" ] && say version.kubeadm "$("$found" version -o short 2>/dev/null)"
on_path kubelet
[ -n "$found" ] && say version.kubelet "$("$found" --version 2>/dev/null)"
for path in /usr/bin/kubelet /usr/local/bin/kubelet /usr/bin/kubeadm /usr/local/bin/kubeadm; do
  [ -e "$path" ] && say leftover.bin "$path"
done

[ -n "${DEPLOY_CRI_SOCKET:-}" ] && flag cri_socket test -S "$DEPLOY_CRI_SOCKET"

# /proc/swaps: a header line, then one line per active swap area.
if [ -r /proc/swaps ]; then
  areas=-1
  while read -r _; do areas=$((areas + 1)); done </proc/swaps
  [ "$areas" -lt 0 ] && areas=0
  say swap "$areas"
fi

# br_netfilter as kubeadm sees it: its sysctl exists only while it is
# loaded (whether as a module or built in). overlay leaves no sysctl.
flag module.br_netfilter test -e /proc/sys/net/bridge/bridge-nf-call-iptables
flag module.overlay test -d /sys/module/overlay
if [ -r /proc/sys/net/ipv4/ip_forward ]; then
  read -r forward </proc/sys/net/ipv4/ip_forward
  say ip_forward "$forward"
fi

flag file.admin_conf test -e /etc/kubernetes/admin.conf
flag file.kubelet_conf test -e /etc/kubernetes/kubelet.conf
# What an earlier install leaves and `kubeadm join` refuses (FileAvailable).
flag file.pki_ca test -e /etc/kubernetes/pki/ca.crt
flag file.bootstrap_kubelet_conf test -e /etc/kubernetes/bootstrap-kubelet.conf
# The control plane's nodes, so a worker's kubelet.conf can be told from
# an earlier install's: `nodes=known`, then one `node=NAME` each.
if [ "${DEPLOY_NODES:-}" = 1 ] && [ -e /etc/kubernetes/admin.conf ]; then
  on_path kubectl
  if [ -n "$found" ] && names=$("$found" --kubeconfig /etc/kubernetes/admin.conf get nodes -o name --request-timeout=5s 2>/dev/null); then
    say nodes known
    for name in $names; do say node "${name#node/}"; done
  fi
fi
# How an earlier `deploy join` here ended ($dir: its job directory, set by
# the job layer's lines ahead of this script): a join can write kubelet.conf
# and still fail, and then kubelet.conf proves nothing.
if [ -r "$dir/rc" ]; then
  read -r rc <"$dir/rc"
  say join.exit "$rc $(date -r "$dir/rc" +%s 2>/dev/null)"
fi
# An empty /etc/kubernetes is no leftover: a package may create it empty.
leftover=no
for entry in /etc/kubernetes/* /etc/kubernetes/.[!.]*; do
  [ -e "$entry" ] && leftover=yes
done
say dir.etc_kubernetes "$leftover"
if [ "${DEPLOY_RKE2:-}" = 1 ] && command -v systemctl >/dev/null 2>&1; then
  flag rke2_active systemctl is-active --quiet rke2-server
fi
# The node an RKE2 server that ran here registered as: config.yaml's
# node-name, else the hostname. The node token is written at its first start.
if [ "${DEPLOY_RKE2:-}" = 1 ]; then
  [ -r /proc/sys/kernel/hostname ] && read -r host_name </proc/sys/kernel/hostname &&
    say hostname "$host_name"
  flag rke2.ran test -e /var/lib/rancher/rke2/server/node-token
  if [ -r /etc/rancher/rke2/config.yaml ]; then
    while IFS= read -r line; do
      case $line in node-name:*) say rke2.node_name "${line#node-name:}" && break ;; esac
    done </etc/rancher/rke2/config.yaml
  fi
fi

# Listening TCP sockets (state 0A), raw "hexaddr:hexport"; deploy decodes
# them and decides which ones matter for this host.
for table in /proc/net/tcp /proc/net/tcp6; do
  [ -r "$table" ] || continue
  while read -r _ local _ state _; do
    [ "$state" = 0A ] && say listen "$local"
  done <"$table"
done

# The control plane endpoint, from this host's side of the network. The
# address travels as arguments, never inside the code string.
if [ -n "${DEPLOY_ENDPOINT_HOST:-}" ]; then
  if command -v bash >/dev/null 2>&1 && command -v timeout >/dev/null 2>&1; then
    timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$DEPLOY_ENDPOINT_HOST" "$DEPLOY_ENDPOINT_PORT" 2>/dev/null
    case $? in
      0) say endpoint open ;;
      124) say endpoint timeout ;;
      *) say endpoint closed ;;
    esac
  elif command -v nc >/dev/null 2>&1; then
    if nc -z -w 2 "$DEPLOY_ENDPOINT_HOST" "$DEPLOY_ENDPOINT_PORT" >/dev/null 2>&1; then
      say endpoint open
    else
      say endpoint closed
    fi
  else
    say endpoint untested
  fi
fi

# Last, so the time is as close as possible to the moment deploy reads it.
say time "$(date +%s)"

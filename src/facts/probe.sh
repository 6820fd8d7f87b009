# deploy's read-only host probe: one round trip answers every preflight
# question. POSIX sh, sent on stdin to `sh -s` after a header of quoted
# variables (DEPLOY_CRI_SOCKET, DEPLOY_ENDPOINT_HOST, DEPLOY_ENDPOINT_PORT),
# so no inventory value is ever part of the code. Where the inventory sets
# ansible_become, the connection layer runs the whole script through
# `sudo -n`, so a sudo that wants a password never gets here.
# Answers are `key=value` lines; the parser ignores keys it does not know,
# so the script can grow without breaking older readers.
# No `set -e`: a failing probe is an answer, not a reason to stop.

say() { printf '%s=%s\n' "$1" "$2"; }
yes_no() { if "$@" >/dev/null 2>&1; then echo yes; else echo no; fi; }

say probe 1
say uid "$(id -u)"

# os-release values may be quoted; strip one level of quotes.
if [ -r /etc/os-release ]; then
  for key in ID VERSION_ID PRETTY_NAME; do
    value=$(sed -n "s/^$key=//p" /etc/os-release | head -n 1 | sed -e 's/^"//' -e 's/"$//' -e "s/^'//" -e "s/'\$//")
    say "os.$key" "$value"
  done
fi
say arch "$(uname -m)"

for tool in kubeadm kubelet kubectl; do
  say "bin.$tool" "$(command -v "$tool" 2>/dev/null)"
done
for path in /usr/bin/kubelet /usr/local/bin/kubelet /usr/bin/kubeadm /usr/local/bin/kubeadm; do
  [ -e "$path" ] && say leftover.bin "$path"
done

if [ -n "${DEPLOY_CRI_SOCKET:-}" ]; then
  say cri_socket "$(yes_no test -S "$DEPLOY_CRI_SOCKET")"
fi

# /proc/swaps: a header line, then one line per active swap area.
if [ -r /proc/swaps ]; then
  say swap "$(awk 'NR > 1 { n++ } END { print n + 0 }' /proc/swaps)"
fi

# br_netfilter as kubeadm sees it: its sysctl exists only while it is
# loaded (whether as a module or built in). overlay leaves no sysctl.
say module.br_netfilter "$(yes_no test -e /proc/sys/net/bridge/bridge-nf-call-iptables)"
if [ -d /sys/module/overlay ] || grep -q '^overlay ' /proc/modules 2>/dev/null; then
  say module.overlay yes
else
  say module.overlay no
fi
if [ -r /proc/sys/net/ipv4/ip_forward ]; then
  say ip_forward "$(cat /proc/sys/net/ipv4/ip_forward)"
fi

say file.admin_conf "$(yes_no test -e /etc/kubernetes/admin.conf)"
say file.kubelet_conf "$(yes_no test -e /etc/kubernetes/kubelet.conf)"
# An empty /etc/kubernetes is no leftover: a package may create it empty.
say dir.etc_kubernetes "$(if [ -n "$(ls -A /etc/kubernetes 2>/dev/null)" ]; then echo yes; else echo no; fi)"
if command -v systemctl >/dev/null 2>&1; then
  say rke2_active "$(yes_no systemctl is-active --quiet rke2-server)"
fi

# Listening TCP sockets (state 0A), raw "hexaddr:hexport"; deploy decodes
# them and decides which ones matter for this host.
for table in /proc/net/tcp /proc/net/tcp6; do
  [ -r "$table" ] && awk '$4 == "0A" { print "listen=" $2 }' "$table"
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
    say endpoint "$(if nc -z -w 2 "$DEPLOY_ENDPOINT_HOST" "$DEPLOY_ENDPOINT_PORT" >/dev/null 2>&1; then echo open; else echo closed; fi)"
  else
    say endpoint untested
  fi
fi

# Last, so the time is as close as possible to the moment deploy reads it.
say time "$(date +%s)"

# deploy reset's read-only survey: what of a cluster is left on a host, in
# one round trip. POSIX sh, sent on stdin to `sh -s` after its quoted
# inputs: KUBEADM (1 on a kubeadm node), DIRS (the directories a reset
# removes there), LINKS (the CNI links), CHAINS (how kube-proxy's iptables
# chains are named), NODES (1 on the control plane: its nodes, while the
# API answers), RKE2 (1 on an RKE2 host) and RKE2_DIRS (where RKE2's
# scripts may be). Answers are `key=value` lines; unknown keys are skipped
# by the reader. No `set -e`: a failing question is an answer.

say() { printf '%s=%s\n' "$1" "$2"; }

# kubeconf KEY FILE: the server and the CA data of the file's cluster,
# never its credentials.
kubeconf() {
  [ -r "$2" ] || return 0
  server= ca=
  while IFS= read -r line; do
    line=${line#"${line%%[! ]*}"}
    case $line in
      server:*) [ -n "$server" ] || server=${line#server:} ;;
      certificate-authority-data:*) [ -n "$ca" ] || ca=${line#certificate-authority-data:} ;;
    esac
  done <"$2"
  say "$1.server" "$server"
  [ -z "$ca" ] || say "$1.ca" "$ca"
}

say survey 1
if [ "${KUBEADM:-}" = 1 ]; then
  found=$(command -v kubeadm 2>/dev/null) && say kubeadm "$found"
  # A directory with no file in it (a package's own, or a mount point
  # emptied before) holds nothing of a cluster.
  for d in $DIRS; do
    [ -d "$d" ] && [ -n "$(find "$d" ! -type d 2>/dev/null | head -n 1)" ] && say remains "$d"
  done
  if command -v systemctl >/dev/null 2>&1; then
    say kubelet "$(systemctl is-active kubelet 2>/dev/null)"
  fi
  if command -v ip >/dev/null 2>&1; then
    for link in $LINKS; do
      ip link show "$link" >/dev/null 2>&1 && say link "$link"
    done
  fi
  for tool in iptables-save ip6tables-save; do
    command -v "$tool" >/dev/null 2>&1 && "$tool" 2>/dev/null | grep -q -- "$CHAINS" && say chains "$tool"
  done
  kubeconf kubelet_conf /etc/kubernetes/kubelet.conf
  kubeconf admin_conf /etc/kubernetes/admin.conf
  if [ "${NODES:-}" = 1 ] && [ -r /etc/kubernetes/admin.conf ] && command -v kubectl >/dev/null 2>&1; then
    if names=$(kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes -o name --request-timeout=5s 2>/dev/null); then
      say nodes known
      for name in $names; do say node "${name#node/}"; done
    fi
  fi
fi
if [ "${RKE2:-}" = 1 ]; then
  for d in $RKE2_DIRS; do
    for f in rke2 rke2-killall.sh rke2-uninstall.sh; do
      [ -e "$d/$f" ] && say rke2 "$d/$f"
    done
  done
fi
exit 0

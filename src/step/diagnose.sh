# deploy's read-only look at a host whose long step failed: one round trip,
# bounded, changing nothing. Inputs (quoted ahead of it): UNIT, the step's
# unit, and SINCE, the seconds since the step started. Answers are
# `key=value` lines; each tool is given a few seconds at most.
say() { printf '%s=%s\n' "$1" "$2"; }
say diagnosis 1
say time "$(date +%s)"
# kubeadm's kubelet and containerd; RKE2 runs its own, under rke2-server.
kubeadm=
[ "$UNIT" = kubelet ] && kubeadm=1
if [ -n "$kubeadm" ]; then
  for unit in kubelet containerd; do
    say "active.$unit" "$(timeout 2 systemctl is-active "$unit" 2>/dev/null)"
  done
fi
# The unit's journal since the step started, relative to the host's own
# clock, which may be off.
timeout 3 journalctl -u "$UNIT" --since="-${SINCE}s" --no-pager -n 200 2>/dev/null |
  while IFS= read -r line; do say journal "$line"; done
config=/etc/containerd/config.toml
if [ -n "$kubeadm" ] && [ -r "$config" ]; then
  # TOML, read as containerd does for these two keys: a comment (no plugin
  # ID holds a `#`) is not the config, the top-level `disabled_plugins`
  # comes before the first table and may span lines, and runc's options
  # default to cgroupfs when no SystemdCgroup is set.
  top=1 plugins= open= cgroup=false
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%%#*}
    line=${line#"${line%%[![:space:]]*}"}
    line=${line%"${line##*[![:space:]]}"}
    if [ -n "$open" ]; then
      plugins="$plugins $line"
      case $line in *]*) open= ;; esac
      continue
    fi
    case $line in
      '['*) top= ;;
      disabled_plugins*=*)
        if [ -n "$top" ]; then
          plugins=$line
          case $line in *]*) ;; *) open=1 ;; esac
        fi
        ;;
      SystemdCgroup*=*) value=${line#*=} && cgroup=${value# } ;;
    esac
  done <"$config"
  [ -n "$plugins" ] && say disabled_plugins "$plugins"
  say systemd_cgroup "$cgroup"
fi
if [ -n "$kubeadm" ] && [ -r /var/lib/kubelet/config.yaml ]; then
  while IFS= read -r line; do
    case $line in cgroupDriver:*) value=${line#cgroupDriver:} && say cgroup_driver "${value# }" ;; esac
  done </var/lib/kubelet/config.yaml
fi
if [ -r /proc/swaps ]; then
  areas=-1
  while read -r _; do areas=$((areas + 1)); done </proc/swaps
  [ "$areas" -lt 0 ] && areas=0
  say swap "$areas"
fi
[ -r /proc/sys/net/ipv4/ip_forward ] && read -r forward </proc/sys/net/ipv4/ip_forward && say ip_forward "$forward"
# Listeners on the kubelet's port (hex 280A), and who holds them.
held=
for table in /proc/net/tcp /proc/net/tcp6; do
  [ -r "$table" ] || continue
  while read -r _ local _ state _; do
    case $local in *:280A) [ "$state" = 0A ] && say listen "$local" && held=1 ;; esac
  done <"$table"
done
if [ -n "$held" ] && command -v ss >/dev/null 2>&1; then
  holder=$(timeout 2 ss -Hltnp 'sport = :10250' 2>/dev/null | sed -n 's/.*\(users:.*\)/\1/p' | head -n1)
  [ -n "$holder" ] && say holder "$holder"
fi
files=0
for entry in /etc/cni/net.d/*; do [ -e "$entry" ] && files=$((files + 1)); done
say cni "$files"

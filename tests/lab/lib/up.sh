# `lab up`: prepare every node's files in DIR, start the nodes and the
# Wake-on-LAN listener in parallel, wait until each sshd listens, then power
# off the nodes started `asleep`. On any failure the half-started lab is
# taken down again before exiting. Without --subnet it finds a free subnet
# itself.

# shellcheck source=tests/lab/lib/inventory.sh
. "$LAB_HOME/lib/inventory.sh"
# shellcheck source=tests/lab/lib/node_files.sh
. "$LAB_HOME/lib/node_files.sh"

LAB_OPTIONS="no-kubeadm swap no-runtime-socket no-br-netfilter clock-skew slow become sudo-password no-sshd earlier-install asleep cri-disabled cgroupfs fresh apt-unreachable postinst-fail dpkg-locked firewalld rhel containerd2 minimal"
# Exit code when an address of the subnet is taken: the caller picks another.
LAB_EX_BUSY=75

lab_up() {
  local dir subnet= owner= specs=() spec name role opts n=2 o
  [ $# -ge 1 ] || usage
  dir=$1
  shift
  while [ $# -gt 0 ]; do
    case $1 in
      --subnet) subnet=${2:-}; shift 2 || usage ;;
      --node) specs+=("${2:-}"); shift 2 || usage ;;
      --owner) owner=${2:-}; shift 2 || usage ;;
      *) usage ;;
    esac
  done
  if [ -z "$subnet" ]; then
    local again=()
    for spec in "${specs[@]}"; do again+=(--node "$spec"); done
    [ -z "$owner" ] || again+=(--owner "$owner")
    lab_up_anywhere "$dir" "${again[@]}"
    return
  fi
  [[ $subnet =~ ^127\.([0-9]{1,3})\.([0-9]{1,3})$ ]] && [ "${BASH_REMATCH[1]}" -le 255 ] &&
    [ "${BASH_REMATCH[2]}" -le 255 ] && [ "$subnet" != 127.0.0 ] ||
    die "--subnet must be 127.A.B with A.B other than 0.0 (got '$subnet')"
  [ ${#specs[@]} -ge 1 ] || die "no --node given"
  [ ${#specs[@]} -le 250 ] || die "at most 250 nodes"
  command -v /usr/sbin/sshd >/dev/null || die "/usr/sbin/sshd is missing: run make sshd"
  [ "$(id -u)" = 0 ] || die "the lab needs root (mount and pid namespaces, bind mounts)"

  mkdir -p "$dir"
  dir=$(lab_dir "$dir")
  check_dir_visible "$dir"
  [ ! -e "$dir/nodes.txt" ] || [ -z "$(running_nodes "$dir")" ] ||
    die "a lab is running in $dir: lab down $dir first"
  # 0755 so that a non-root login (the become option) can read its keys.
  chmod 0755 "$dir"
  rm -rf "$dir/nodes" "$dir/cluster" "$dir/run" "$dir/logs"
  mkdir -p "$dir/nodes" "$dir/cluster" "$dir/run" "$dir/logs"
  : >"$dir/nodes.txt"

  for spec in "${specs[@]}"; do
    IFS=: read -r name role opts <<<"$spec"
    [[ $name =~ ^[a-z0-9]([a-z0-9-]*[a-z0-9])?$ ]] || die "bad node name '$name' in --node $spec"
    case $role in control | worker | rke2) ;; *) die "role must be control, worker or rke2 in --node $spec" ;; esac
    ! grep -q "^$name " "$dir/nodes.txt" || die "node $name given twice"
    for o in ${opts//,/ }; do
      case " $LAB_OPTIONS " in *" ${o%%=*} "*) ;; *) die "unknown option '$o' in --node $spec (known: $LAB_OPTIONS)" ;; esac
    done
    echo "$name $role $subnet.$n ${opts:--}" >>"$dir/nodes.txt"
    n=$((n + 1))
  done

  # Keys first (the node files need them); one host key for every node.
  rm -f "$dir"/id_ed25519* "$dir"/ssh_host_ed25519_key*
  ssh-keygen -q -t ed25519 -N '' -C lab-client -f "$dir/id_ed25519" &
  ssh-keygen -q -t ed25519 -N '' -C lab-host -f "$dir/ssh_host_ed25519_key" &
  wait
  write_known_hosts "$dir"
  write_inventory "$dir"

  trap 'lab_down "$dir" >/dev/null 2>&1 || true' EXIT
  start_wol_listener "$dir" "$subnet"
  local pids=()
  while read -r name role addr opts; do
    (prepare_node "$dir" "$name" "$role" "$addr" "$opts" && start_node "$dir" "$name" "$opts") &
    pids+=($!)
  done <"$dir/nodes.txt"
  for o in "${pids[@]}"; do wait "$o" || die "preparing a node failed"; done
  wait_until_up "$dir"
  wait_for_wol_listener "$dir"
  while read -r name role addr opts; do
    if has_option "$opts" asleep; then lab_power_off "$dir" "$name"; fi
  done <"$dir/nodes.txt"
  [ -z "$owner" ] || start_watchdog "$dir" "$owner"
  trap - EXIT
}

# lab_up_anywhere DIR ARGS...: `lab up` on a random 127.A.B (A from 1, so
# never 127.0.0), then on another while the one tried is taken (by another
# lab, a test run, anything on :2222 there). The one place that retries, so
# that every caller (the Rust tests, bench/lib.sh) simply calls `lab up`.
lab_up_anywhere() {
  local dir=$1 try subnet err status
  shift
  for try in $(seq 16); do
    subnet=127.$((RANDOM % 254 + 1)).$((RANDOM % 256))
    status=0
    # A try's stderr is shown unless its subnet was merely taken. fd 3 (the
    # caller's stdout) is closed for it, so that no node it starts holds it.
    { err=$("$LAB_HOME/lab" up "$dir" --subnet "$subnet" "$@" 2>&1 1>&3 3>&-) || status=$?; } 3>&1
    [ "$status" = "$LAB_EX_BUSY" ] && [ "$try" -lt 16 ] && continue
    [ -z "$err" ] || printf '%s\n' "$err" >&2
    return "$status"
  done
}

# With --owner PID, the lab goes down when that process ends however it
# ends: a test run stopped with Ctrl-C has no chance to run `lab down`, and
# the nodes' inits ignore the SIGINT. The watchdog runs outside the nodes
# (their pid namespaces cannot see the owner) and `lab down` stops it.
start_watchdog() {
  local dir=$1 owner=$2
  [[ $owner =~ ^[0-9]+$ ]] && is_running "$owner" || die "--owner $owner is not a running process"
  setsid "$LAB_HOME/lab" watch "$dir" "$owner" </dev/null >"$dir/logs/watchdog.log" 2>&1 &
  echo $! >"$dir/run/watchdog.pid"
}

# The network cards of sleeping nodes (tests/lab/wol-listener), on the
# subnet's broadcast address: started beside the nodes, waited for after.
start_wol_listener() {
  local dir=$1 subnet=$2
  rm -f "$dir/run/wol.ready"
  setsid "$LAB_HOME/wol-listener" "$dir" "$subnet.255" "$LAB_WOL_PORT" \
    </dev/null >"$dir/logs/wol.log" 2>&1 &
  echo $! >"$dir/run/wol.pid"
}

wait_for_wol_listener() {
  local dir=$1 pid i
  pid=$(cat "$dir/run/wol.pid")
  for i in $(seq 400); do
    [ -e "$dir/run/wol.ready" ] && return 0
    if ! is_running "$pid"; then
      if grep -qs 'Address already in use' "$dir/logs/wol.log"; then
        echo "lab: $(tail -n 1 "$dir/logs/wol.log"): choose another --subnet" >&2
        lab_down "$dir"
        exit "$LAB_EX_BUSY"
      fi
      cat "$dir/logs/wol.log" >&2
      die "the Wake-on-LAN listener failed to start (logs in $dir/logs)"
    fi
    sleep 0.05
  done
  die "the Wake-on-LAN listener did not start within 20 s (logs in $dir/logs)"
}

# A node sees DIR through its own mounts, so DIR must not be under a
# directory that a node replaces.
check_dir_visible() {
  local p
  for p in $LAB_OVERLAID $LAB_PRIVATE_DIRS; do
    case $1/ in "/$p"/*) die "the lab directory cannot be under /$p (nodes replace it): $1" ;; esac
  done
}

running_nodes() {
  local node
  for node in $(lab_nodes "$1"); do
    node_unshare_pid "$1" "$node" >/dev/null && echo "$node"
  done
  return 0
}

start_node() {
  local dir=$1 node=$2 opts=$3
  case ",$opts," in *,no-sshd,*) return 0 ;; esac
  # --kill-child: if unshare dies, so does the node (no orphaned nodes after
  # a Ctrl-C); a clean environment so nothing of the caller's leaks in.
  env -i PATH="$LAB_PATH" LANG=C.UTF-8 \
    unshare --mount --pid --uts --fork --kill-child --mount-proc --propagation private \
    "$LAB_HOME/node-init" "$dir" "$node" </dev/null >"$dir/logs/$node.init.log" 2>&1 &
  local pid=$! i
  echo "$pid" >"$dir/run/$node.unshare.pid"
  # Until the forked shell has exec'd env and unshare, its command line is
  # still this script's, and node_unshare_pid (so wait_until_up and lab_down)
  # would take the node for dead: wait for the exec, or for its death.
  for i in $(seq 400); do
    node_unshare_pid "$dir" "$node" >/dev/null && return 0
    is_running "$pid" || return 0
    sleep 0.05
  done
}

wait_until_up() {
  local dir=$1 name role addr opts waiting i
  for i in $(seq 400); do
    waiting=
    while read -r name role addr opts; do
      case ",$opts," in *,no-sshd,*) continue ;; esac
      [ -s "$dir/run/$name.sshd.pid" ] && continue
      # sshd daemonizes before it binds, so its node lives on without it: a
      # taken address shows in its log alone.
      if grep -qs 'Address already in use' "$dir/logs/$name.sshd.log"; then
        echo "lab: $addr:2222 is taken: choose another --subnet" >&2
        lab_down "$dir"
        exit "$LAB_EX_BUSY"
      fi
      if ! node_unshare_pid "$dir" "$name" >/dev/null; then
        tail -n 20 "$dir/logs/$name.init.log" "$dir/logs/$name.sshd.log" >&2 2>/dev/null || true
        die "node $name failed to start (logs in $dir/logs)"
      fi
      waiting="$waiting $name"
    done <"$dir/nodes.txt"
    [ -z "$waiting" ] && return 0
    sleep 0.05
  done
  die "nodes not up after 20 s:$waiting (logs in $dir/logs)"
}

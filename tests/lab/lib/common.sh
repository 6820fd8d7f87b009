# Shared by the lab's commands: where things are, how a node is found by
# pid, and the commands that act on a running lab (down, exec, restart-sshd,
# power-off).

# Directories private to each node: bind mounts of DIR/nodes/NODE/<path>.
# The rest of /etc, /var, /opt and /usr is an overlay per node, so whatever a
# node writes there (sysctl.d, fstab, job directories) never reaches the host.
LAB_PRIVATE_DIRS="etc/kubernetes etc/rancher etc/cni var/lib/rancher var/lib/kubelet
var/lib/etcd var/lib/lab usr/local/bin run root home"
LAB_PRIVATE_FILES="etc/hosts etc/hostname etc/passwd etc/group etc/shadow etc/sudoers"
LAB_OVERLAID="etc var opt usr"
# The PATH a node's root sees over ssh (Debian's sshd default for root).
LAB_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

die() {
  echo "lab: $*" >&2
  exit 1
}

# The absolute, physical path of an existing lab directory.
lab_dir() {
  [ -d "$1" ] || die "no lab directory $1"
  (cd "$1" && pwd -P)
}

# The host pid of a node's `unshare`, if it is alive and really ours: a pid
# recorded in DIR may have been reused since, so its command line must name
# this lab.
node_unshare_pid() {
  local dir=$1 node=$2 pid
  pid=$(cat "$dir/run/$node.unshare.pid" 2>/dev/null) || return 1
  tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF "node-init $dir $node " || return 1
  echo "$pid"
}

# The host pid of a node's pid 1 (node-init), the process whose namespaces
# are the node.
node_init_pid() {
  local upid child
  upid=$(node_unshare_pid "$1" "$2") || return 1
  child=$(cat "/proc/$upid/task/$upid/children" 2>/dev/null) || return 1
  child=${child%% *}
  [ -n "$child" ] || return 1
  echo "$child"
}

# A zombie is not running: it holds nothing but its pid.
is_running() {
  local state
  state=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) && [ "$state" != Z ]
}

# The UDP port of the lab's Wake-on-LAN listener, on the subnet's .255 (the
# inventory's wol_broadcast): 7, the other port cards listen on, so that a
# test shows wol_port is honoured rather than the default 9.
LAB_WOL_PORT=7

# lab_mac ADDRESS: a node's MAC, 02:00 then its IPv4 address (a locally
# administered address no real card has), as wol-listener derives it too.
lab_mac() {
  local IFS=.
  # shellcheck disable=SC2086
  printf '02:00:%02x:%02x:%02x:%02x' $1
}

# The pid of the lab's Wake-on-LAN listener, if it is alive and really ours.
wol_listener_pid() {
  local dir=$1 pid
  pid=$(cat "$dir/run/wol.pid" 2>/dev/null) || return 1
  tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF "wol-listener $dir " || return 1
  echo "$pid"
}

lab_nodes() {
  cut -d' ' -f1 "$1/nodes.txt" 2>/dev/null || true
}

lab_down() {
  local dir=$1 node upid init i watchdog pid
  # The watchdog, unless it is the one taking the lab down.
  if watchdog=$(cat "$dir/run/watchdog.pid" 2>/dev/null) && [ "$watchdog" != "$$" ] &&
    tr '\0' ' ' <"/proc/$watchdog/cmdline" 2>/dev/null | grep -F "lab watch $dir " >/dev/null; then
    kill "$watchdog" 2>/dev/null || true
  fi
  rm -f "$dir/run/watchdog.pid"
  if pid=$(wol_listener_pid "$dir"); then
    kill "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/run/wol.pid" "$dir/run/wol.ready" "$dir/run/"*.asleep "$dir/run/"*.dark
  for node in $(lab_nodes "$dir"); do
    upid=$(node_unshare_pid "$dir" "$node") || { rm -f "$dir/run/$node".*.pid; continue; }
    # Killing a pid namespace's init kills every process in it; the mounts
    # go with the namespace's last process. unshare then reaps the init and
    # exits; killing it too would leave the init a zombie for the machine's
    # init to reap, whenever it gets to it.
    if init=$(node_init_pid "$dir" "$node"); then
      kill -KILL "$init" 2>/dev/null || true
    else
      kill -KILL "$upid" 2>/dev/null || true
    fi
  done
  for node in $(lab_nodes "$dir"); do
    upid=$(cat "$dir/run/$node.unshare.pid" 2>/dev/null) || continue
    # unshare's waitpid returns only once the namespace is empty. Its own
    # parent is gone, so it may linger as a zombie until init reaps it.
    for i in $(seq 100); do
      is_running "$upid" || break
      [ "$i" = 100 ] && die "node $node (pid $upid) did not stop"
      sleep 0.05
    done
    rm -f "$dir/run/$node".*.pid
  done
}

# lab watch DIR OWNER: takes the lab down once OWNER has ended.
lab_watch() {
  local dir=$1 owner=$2
  while is_running "$owner"; do sleep 1; done
  lab_down "$dir"
}

lab_exec() {
  local dir=$1 node=$2 init
  shift 2
  init=$(node_init_pid "$dir" "$node") || die "node $node is not running in $dir"
  exec nsenter -t "$init" -m -p -u -r -w -- \
    env -i PATH="$LAB_PATH" HOME=/root USER=root LOGNAME=root LANG=C.UTF-8 "$@"
}

# Stops a node's sshd only: that listener, from inside the node (its pid
# file holds the pid in the node's pid namespace). Sessions and detached
# jobs live on.
stop_sshd() {
  local dir=$1 node=$2 init=$3
  nsenter -t "$init" -m -p -u -r -w -- env -i PATH="$LAB_PATH" /bin/sh -c '
    if pid=$(cat "$1" 2>/dev/null); then
      kill -TERM "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.02; done
      rm -f "$1"
    fi' stop-sshd "$dir/run/$node.sshd.pid"
}

# lab power-off DIR NODE: the node sleeps. Its sshd stops, its files and
# processes stay, and its address answers nothing until the Wake-on-LAN
# listener gets a magic packet for its MAC (then its sshd starts again).
lab_power_off() {
  local dir=$1 node=$2 init i
  init=$(node_init_pid "$dir" "$node") || die "node $node is not running in $dir"
  wol_listener_pid "$dir" >/dev/null || die "the lab's Wake-on-LAN listener is not running in $dir"
  [ ! -e "$dir/run/$node.asleep" ] || die "node $node is already powered off"
  stop_sshd "$dir" "$node" "$init"
  : >"$dir/run/$node.asleep"
  for i in $(seq 200); do
    [ -e "$dir/run/$node.dark" ] && return 0
    sleep 0.05
  done
  die "node $node did not go silent within 10 s (see $dir/logs/wol.log)"
}

lab_restart_sshd() {
  local dir=$1 node=$2 init
  init=$(node_init_pid "$dir" "$node") || die "node $node is not running in $dir"
  # Only the listener, as with `systemctl restart ssh` on Debian. The new
  # sshd daemonizes and is adopted by the node's init.
  stop_sshd "$dir" "$node" "$init"
  nsenter -t "$init" -m -p -u -r -w -- env -i PATH="$LAB_PATH" \
    /usr/sbin/sshd -f "$dir/run/$node.sshd_config" -E "$dir/logs/$node.sshd.log"
}

# Shared by the simulated tools inside a node (installed as
# /var/lib/lab/lib/fake.sh): the node's identity, its scenario switches and
# the cluster state all nodes share.

# shellcheck source=/dev/null
. /var/lib/lab/node.env
CLUSTER=/var/lib/lab-cluster
# kubeadm's version: the package's when the lab's apt-get installed it.
K8S_VERSION=v1.29.15
if [ -r /var/lib/lab/dpkg/kubeadm ]; then
  K8S_VERSION=v$(cut -d- -f1 /var/lib/lab/dpkg/kubeadm)
fi
SCENARIO=/var/lib/lab/scenario

# scenario NAME: succeeds when the switch is set; its value on stdout.
scenario() {
  [ -e "$SCENARIO/$1" ] && cat "$SCENARIO/$1"
}

# scenario_number NAME DEFAULT
scenario_number() {
  local v
  v=$(scenario "$1" 2>/dev/null | head -n1) || v=
  case $v in '' | *[!0-9.]*) echo "$2" ;; *) echo "$v" ;; esac
}

now() { date +%s; }

# tcp_open HOST PORT: is something listening there?
tcp_open() {
  timeout 1 bash -c 'exec 3<>"/dev/tcp/$1/$2"' tcp "$1" "$2" 2>/dev/null
}

# journal UNIT LINE...: what `journalctl -u UNIT` shows.
journal() {
  local unit=$1
  shift
  mkdir -p /var/lib/lab/journal
  printf '%s %s %s: %s\n' "$(LC_ALL=C /bin/date '+%b %d %H:%M:%S')" "$NODE_NAME" "$unit" "$*" >>"/var/lib/lab/journal/$unit.log"
}

random_lower() {
  LC_ALL=C tr -dc 'a-z0-9' </dev/urandom | head -c "$1"
}

# fail_scenario NAME DEFAULT_CODE DEFAULT_TEXT: a failure switch's value is
# "CODE" on its first line and the stderr text after it.
fail_scenario() {
  local value code text
  value=$(scenario "$1") || return 1
  code=$(printf '%s\n' "$value" | head -n1)
  text=$(printf '%s\n' "$value" | tail -n +2)
  case $code in '' | *[!0-9]*) code=$2 ;; esac
  [ -n "$text" ] || text=$3
  printf '%s\n' "$text" >&2
  exit "$code"
}

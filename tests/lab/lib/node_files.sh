# The files of one node, written from outside before it starts: its private
# directories, its identity (hostname, /etc/hosts, users, sudo), the kernel
# state its checks read under /proc, and its sshd_config.

LAB_DEPLOYER_UID=2001
# For the sudo-password option: deployer's password, SHA-512 crypt. The
# password is `lab pw7Zr 'q' "$HOME" \x` (spaces, quotes, `$` and a
# backslash, so a quoting slip shows; tests/integration/become.rs knows it).
LAB_DEPLOYER_HASH='$6$labsalt$aZZebb11GntxF3jI..7ZjrRbYLTRtnHAxPant1/4gwFLYwU.2Jezt3rg6XPf3J9R/9wNBDpgpwCWLEPFffh7l.'

# has_option OPTS NAME: is NAME (or NAME=value) among the comma-separated OPTS?
has_option() {
  case ",$1," in *",$2,"* | *",$2="*) return 0 ;; *) return 1 ;; esac
}

prepare_node() {
  local dir=$1 node=$2 role=$3 addr=$4 opts=$5 r=$dir/nodes/$2 p control
  for p in $LAB_PRIVATE_DIRS; do mkdir -p "$r/$p"; done
  mkdir -p "$r/.upper" "$r/run/sshd" "$r/var/lib/lab/scenario" "$r/var/lib/lab/proc"
  chmod 0700 "$r/root"
  chmod 0755 "$r/run/sshd"
  control=$(awk '$2 == "control" { print $3; exit }' "$dir/nodes.txt")
  cat >"$r/var/lib/lab/node.env" <<EOF
NODE_NAME=$node
NODE_ADDRESS=$addr
NODE_ROLE=$role
NODE_OPTIONS=$opts
CONTROL_ADDRESS=$control
EOF
  install -m 0644 "$dir/id_ed25519.pub" "$r/var/lib/lab/authorized_keys"
  write_identity "$dir" "$node" "$opts"
  write_kernel_state "$r" "$opts"
  write_sshd_config "$dir" "$node" "$addr"
  install_tools "$r" "$role" "$opts"
}

write_identity() {
  local dir=$1 node=$2 opts=$3 r=$dir/nodes/$2 user= rule=
  echo "$node" >"$r/etc/hostname"
  {
    printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n'
    awk '{ printf "%s\t%s\n", $3, $1 }' "$dir/nodes.txt"
  } >"$r/etc/hosts"
  cp /etc/passwd "$r/etc/passwd"
  cp /etc/group "$r/etc/group"
  # Without PAM, sshd refuses even key logins to a locked ("!") account.
  sed 's/^root:[^:]*:/root:*:/' /etc/shadow >"$r/etc/shadow"
  if [ -f /etc/sudoers ]; then cp /etc/sudoers "$r/etc/sudoers"; else : >"$r/etc/sudoers"; fi
  if has_option "$opts" sudo-password; then
    user="deployer:$LAB_DEPLOYER_HASH" rule='deployer ALL=(ALL:ALL) ALL'
  elif has_option "$opts" become; then
    user='deployer:*' rule='deployer ALL=(ALL:ALL) NOPASSWD: ALL'
  fi
  if [ -n "$user" ]; then
    echo "deployer:x:$LAB_DEPLOYER_UID:$LAB_DEPLOYER_UID:lab deployer:/home/deployer:/bin/bash" >>"$r/etc/passwd"
    echo "deployer:x:$LAB_DEPLOYER_UID:" >>"$r/etc/group"
    echo "$user:20000:0:99999:7:::" >>"$r/etc/shadow"
    echo "$rule" >>"$r/etc/sudoers"
    mkdir -p "$r/home/deployer"
    chown "$LAB_DEPLOYER_UID:$LAB_DEPLOYER_UID" "$r/home/deployer"
  fi
  chmod 0640 "$r/etc/shadow"
  chmod 0440 "$r/etc/sudoers"
}

# What an earlier kubeadm install of another cluster leaves on a worker
# (option earlier-install): the files `kubeadm join` refuses to overwrite;
# node-init starts its kubelet, on port 10250.
write_earlier_install() {
  local r=$1
  mkdir -p "$r/etc/kubernetes/pki" "$r/var/lib/kubelet"
  echo "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg== an-earlier-cluster" >"$r/etc/kubernetes/pki/ca.crt"
  for f in kubelet.conf bootstrap-kubelet.conf; do
    printf 'apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://192.0.2.99:6443\n  name: earlier\n' >"$r/etc/kubernetes/$f"
  done
  echo "kind: KubeletConfiguration" >"$r/var/lib/kubelet/config.yaml"
}

# What kubeadm's preflight and deploy's checks read: swap, IP forwarding and
# the bridge netfilter sysctls (present only while br_netfilter is loaded).
# Bind-mounted over /proc in the node; a test may rewrite them in place.
# The lab's package repositories (tests/lab/fakes/libexec/pkg.sh): the
# packages the simulated apt-get installs, the URLs it serves, and the
# failure options' switches.
write_packages() {
  local r=$1 opts=$2 f=$LAB_HOME/fakes t
  mkdir -p "$r/var/lib/lab/pkgs" "$r/var/lib/lab/repo"
  for t in kubeadm kubelet kubectl containerd curl gpg; do cp "$f/$t" "$r/var/lib/lab/pkgs/$t"; done
  echo "https://pkgs.k8s.io/" >"$r/var/lib/lab/repo/served"
  has_option "$opts" apt-unreachable && : >"$r/var/lib/lab/scenario/apt-unreachable"
  if has_option "$opts" postinst-fail; then echo kubelet >"$r/var/lib/lab/scenario/postinst-fail"; fi
  # containerd 2.x: its default is config version 3, without SystemdCgroup,
  # and its package ships no config.toml.
  if has_option "$opts" containerd2; then : >"$r/var/lib/lab/scenario/containerd2"; fi
  return 0
}

write_kernel_state() {
  local r=$1 opts=$2 k=$1/var/lib/lab/proc f
  printf 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n' >"$k/swaps"
  if has_option "$opts" swap || has_option "$opts" fresh; then
    printf '/swapfile                               file\t\t2097148\t\t0\t\t-2\n' >>"$k/swaps"
  fi
  if has_option "$opts" fresh; then echo 0 >"$k/ip_forward"; else echo 1 >"$k/ip_forward"; fi
  mkdir -p "$k/bridge"
  if ! has_option "$opts" no-br-netfilter && ! has_option "$opts" fresh; then
    for f in bridge-nf-call-iptables bridge-nf-call-ip6tables bridge-nf-call-arptables; do
      echo 1 >"$k/bridge/$f"
    done
  fi
}

write_sshd_config() {
  local dir=$1 node=$2 addr=$3
  cat >"$dir/run/$node.sshd_config" <<EOF
# Lab node $node: only files of the lab, never /etc/ssh.
ListenAddress $addr:2222
HostKey $dir/ssh_host_ed25519_key
# Inside the node: $dir/nodes/$node/var/lib/lab/authorized_keys
AuthorizedKeysFile /var/lib/lab/authorized_keys
PidFile $dir/run/$node.sshd.pid
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
# No PAM stack in a node (Debian's would need a logind and a real login).
UsePAM no
# The lab directory may sit under group-writable directories.
StrictModes no
LogLevel VERBOSE
PrintMotd no
PrintLastLog no
# Tests open many connections and multiplexed sessions at once.
MaxStartups 200
MaxSessions 100
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
}

# The simulated tools (tests/lab/fakes) a node of this role has on its PATH;
# a tool left out is really missing. Their helpers stay off the PATH, in
# /var/lib/lab. Every node has the network tools, simulated: the nodes share
# this machine's network namespace, so the real ones must never run there.
install_tools() {
  local r=$1 role=$2 opts=$3 f=$LAB_HOME/fakes tools family refused
  tools="systemctl journalctl swapoff modprobe sysctl ip"
  # A minimal install has neither curl nor gpg (nor the CA bundle).
  has_option "$opts" minimal || tools="$tools curl gpg"
  # A RHEL node has dnf and rpm; the others apt's tools, and stand-ins
  # that refuse for the rest, so the machine's own never run.
  if has_option "$opts" rhel; then
    tools="$tools dnf rpm"
    refused="dpkg apt yum"
  else
    tools="$tools apt-get apt-mark dpkg-query dpkg"
    refused="apt dnf yum rpm"
  fi
  # A fresh kubeadm node has none of Kubernetes' tools: `deploy prepare`
  # installs them through the simulated apt-get. RKE2 brings its kubectl.
  [ "$role" != rke2 ] && has_option "$opts" fresh || tools="$tools kubectl"
  if [ "$role" != rke2 ] && ! has_option "$opts" fresh; then
    tools="$tools kubelet containerd"
    has_option "$opts" no-kubeadm || tools="$tools kubeadm"
  fi
  for t in $tools; do cp "$f/$t" "$r/usr/local/bin/$t"; done
  for t in $refused; do cp "$f/refuse" "$r/usr/local/bin/$t"; done
  if has_option "$opts" firewalld; then cp "$f/firewall-cmd" "$r/usr/local/bin/firewall-cmd"; fi
  write_packages "$r" "$opts"
  for family in iptables ip6tables; do
    cp "$f/iptables-save" "$r/usr/local/bin/$family-save"
    cp "$f/iptables-restore" "$r/usr/local/bin/$family-restore"
  done
  # The machine's own rule, which kube-proxy's come beside and a reset
  # leaves in place.
  printf '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n' \
    >"$r/var/lib/lab/iptables.rules"
  mkdir -p "$r/var/lib/lab/lib" "$r/var/lib/lab/bin"
  cp "$f/libexec/fake.sh" "$f/libexec/pkg.sh" "$r/var/lib/lab/lib/"
  cp "$f/libexec/kube-apiserver" "$r/var/lib/lab/bin/"
  # The earlier install's kubelet, also what holds port 10250 when a
  # scenario makes it arise at the join.
  cp "$f/libexec/old-kubelet" "$r/var/lib/lab/bin/"
  if has_option "$opts" earlier-install; then
    write_earlier_install "$r"
  fi
  if [ "$role" = rke2 ]; then
    cp "$f/libexec/rke2" "$f/libexec/rke2-killall.sh" "$f/libexec/rke2-uninstall.sh" "$r/var/lib/lab/bin/"
    cp "$f/libexec/get.rke2.io" "$r/var/lib/lab/get.rke2.io"
  fi
  if has_option "$opts" clock-skew || has_option "$opts" slow; then
    cp "$f/libexec/date" "$r/usr/local/bin/date"
    local o
    for o in ${opts//,/ }; do
      case $o in
        clock-skew=*) echo "${o#*=}" >"$r/var/lib/lab/scenario/clock-skew" ;;
        slow) echo 0.5 >"$r/var/lib/lab/scenario/slow" ;;
      esac
    done
  fi
}

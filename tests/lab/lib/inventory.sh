# The lab's inventory, in the shape of the user's (../shared/inventories):
# monitoring_nodes = control plane, storage_nodes = workers, compute_nodes =
# the RKE2 host, with the connection variables that reach the lab's sshds and
# trust only the lab's host key, and each node's wol_mac with the address of
# the lab's Wake-on-LAN listener.

write_known_hosts() {
  local dir=$1 key
  key=$(cut -d' ' -f1,2 "$dir/ssh_host_ed25519_key.pub")
  awk -v key="$key" '{ printf "[%s]:2222 %s\n", $3, key }' "$dir/nodes.txt" >"$dir/known_hosts"
}

# group_hosts DIR ROLE: the hosts block of one group.
group_hosts() {
  local dir=$1 want=$2 name role addr opts found=
  while read -r name role addr opts; do
    [ "$role" = "$want" ] || continue
    found=1
    echo "    $name:"
    echo "      ansible_host: $addr"
    echo "      ansible_port: 2222"
    if has_option "$opts" become || has_option "$opts" sudo-password; then
      echo "      ansible_user: deployer"
      echo "      ansible_become: true"
      echo "      ansible_become_method: sudo"
    else
      echo "      ansible_user: root"
    fi
    echo "      ansible_ssh_private_key_file: $dir/id_ed25519"
    echo "      ansible_ssh_common_args: '-o UserKnownHostsFile=$dir/known_hosts -o StrictHostKeyChecking=yes'"
    echo "      wol_mac: '$(lab_mac "$addr")'"
    case $role in
      control)
        echo "      node_role: control-plane"
        echo "      node_labels:"
        echo '        - "node-role.kubernetes.io/control-plane="'
        echo '        - "node.kubernetes.io/instance-type=control-plane"'
        echo '        - "vmstation.io/role=monitoring"'
        ;;
      worker)
        echo "      node_role: worker"
        echo "      node_labels:"
        echo '        - "node.kubernetes.io/instance-type=storage"'
        echo '        - "vmstation.io/role=storage"'
        ;;
      rke2)
        echo "      node_role: worker"
        echo "      node_labels:"
        echo '        - "node.kubernetes.io/instance-type=compute"'
        echo '        - "vmstation.io/role=compute"'
        ;;
    esac
  done <"$dir/nodes.txt"
  [ -n "$found" ] || echo "    {}"
}

write_inventory() {
  local dir=$1 control first
  control=$(awk '$2 == "control" { print $3; exit }' "$dir/nodes.txt")
  first=$(awk 'NR == 1 { print $3 }' "$dir/nodes.txt")
  {
    echo "# Written by tests/lab/lab up: a simulated cluster on this machine."
    echo "monitoring_nodes:"
    echo "  hosts:"
    group_hosts "$dir" control
    echo
    echo "storage_nodes:"
    echo "  hosts:"
    group_hosts "$dir" worker
    echo
    echo "compute_nodes:"
    echo "  hosts:"
    group_hosts "$dir" rke2
    echo
    echo "all:"
    echo "  vars:"
    echo '    kubernetes_version: "1.29"'
    # Cluster-internal ranges: configuration only, never connected to. They
    # stay clear of the private ranges a homelab's hosts live in.
    echo '    pod_network_cidr: "100.64.0.0/16"'
    echo '    service_network_cidr: "100.96.0.0/12"'
    echo "    container_runtime: containerd"
    echo '    cri_socket: "unix:///run/containerd/containerd.sock"'
    [ -z "$control" ] || echo "    control_plane_endpoint: \"$control:6443\""
    echo "    cni_plugin: flannel"
    echo "    disable_swap: true"
    echo "    # The lab's Wake-on-LAN listener (tests/lab/wol-listener)."
    echo "    wol_broadcast: ${first%.*}.255"
    echo "    wol_port: $LAB_WOL_PORT"
    echo "    # The lab's installer: what get.rke2.io does, without downloading."
    echo '    rke2_install_command: "cat /var/lib/lab/get.rke2.io | INSTALL_RKE2_TYPE=server sh -"'
  } >"$dir/inventory.yml"
}

#!/bin/sh
# The lab's rke2-killall.sh, installed by its get.rke2.io as RKE2's
# tarball installs its own: rke2-server stopped and its processes gone,
# with the real script's trace on stderr. The lab's RKE2 runs no
# containers, mounts nothing and makes no links of its own.
if [ ! "$(id -u)" -eq 0 ]; then
  echo "$(basename "${0}"): must be run as root" >&2
  exit 1
fi
set -x
systemctl stop rke2-server.service || true
systemctl stop rke2-agent.service || true
rm -f /var/lib/rancher/rke2/agent/pod-manifests/etcd.yaml \
  /var/lib/rancher/rke2/agent/pod-manifests/kube-apiserver.yaml
set +x
echo 'If this cluster was upgraded from an older release of the Canal CNI, you may need to manually remove some flannel iptables rules:'

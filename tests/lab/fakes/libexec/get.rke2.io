#!/bin/sh
# The lab's RKE2 installer: what `curl -sfL https://get.rke2.io | sh -` does
# (same lines, same files), from the node's own copy instead of a download.
set -eu
info() { echo "[INFO]  $*"; }
fatal() { echo "[ERROR]  $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fatal "You need to be root to perform this install"
case "${INSTALL_RKE2_TYPE:-server}" in server | agent) ;; *) fatal "Invalid install type: ${INSTALL_RKE2_TYPE}" ;; esac
version=v1.29.15+rke2r1
info "finding release for channel ${INSTALL_RKE2_CHANNEL:-stable}"
info "using $version as release"
info "downloading checksums at https://github.com/rancher/rke2/releases/download/$version/sha256sum-amd64.txt"
info "downloading tarball at https://github.com/rancher/rke2/releases/download/$version/rke2.linux-amd64.tar.gz"
info "verifying tarball"
info "unpacking tarball file to /usr/local"
cp /var/lib/lab/bin/rke2 /var/lib/lab/bin/rke2-killall.sh /var/lib/lab/bin/rke2-uninstall.sh /usr/local/bin/
mkdir -p /var/lib/rancher/rke2/bin /usr/local/lib/systemd/system
cp /usr/local/bin/kubectl /var/lib/rancher/rke2/bin/kubectl
printf '[Unit]\nDescription=Rancher Kubernetes Engine v2 (server)\n[Service]\nType=notify\nExecStart=/usr/local/bin/rke2 server\n' \
  >/usr/local/lib/systemd/system/rke2-server.service

#!/bin/sh
# The lab's rke2-uninstall.sh, installed by its get.rke2.io as RKE2's
# tarball installs its own: the killall script, the service disabled, and
# what the lab's installer and rke2-server made removed, the script itself
# last, with the real one's lines. A scenario makes it fail
# (/var/lib/lab/scenario/rke2-uninstall-fail: exit code, then stderr).
set -e
log() { echo "[$(date +'%Y-%m-%d %H:%M:%S')] $*"; }
if [ ! "$(id -u)" -eq 0 ]; then
  log "ERROR: $(basename "$0"): must be run as root" >&2
  exit 1
fi
log "Running killall script"
"$(dirname "$0")/rke2-killall.sh"
log "Disabling rke2 services"
systemctl disable rke2-server || true
if [ -e /var/lib/lab/scenario/rke2-uninstall-fail ]; then
  code=$(head -n 1 /var/lib/lab/scenario/rke2-uninstall-fail)
  tail -n +2 /var/lib/lab/scenario/rke2-uninstall-fail >&2
  exit "${code:-1}"
fi
log "Removing rke2 files"
rm -f /usr/local/lib/systemd/system/rke2-server.service
rm -f /usr/local/bin/rke2 /usr/local/bin/rke2-killall.sh
rm -rf /etc/rancher/rke2 /etc/rancher/node /etc/cni/net.d
rm -rf /var/lib/rancher/rke2
rm -f /var/lib/lab/services/rke2-server.enabled /var/lib/lab/services/rke2-server.active
log "Removing uninstall script"
rm -f /usr/local/bin/rke2-uninstall.sh
log "Cleanup completed successfully"

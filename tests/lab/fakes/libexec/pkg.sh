# shellcheck shell=bash disable=SC2034
# Shared by the simulated package tools (apt-get, apt-mark, dpkg-query,
# dnf, rpm, curl): the lab's package repositories and the node's package
# database. A repository is "served" when its URL starts with a line of
# /var/lib/lab/repo/served (pkgs.k8s.io unless a test says otherwise); a
# package "installed" is one of the lab's fakes copied into /usr/bin (an
# overlay per node) with its version in /var/lib/lab/dpkg/PACKAGE.

REPO=/var/lib/lab/repo
DB=/var/lib/lab/dpkg
# A package unpacked (U) or whose post-installation script failed (F,
# half-configured): dpkg's status letter for it in STATE/PACKAGE, until it
# configures.
STATE=/var/lib/lab/dpkg-state
# The versions pkgs.k8s.io has for each minor (one patch each, as the lab
# needs) and the distribution's containerd, for the tools that source this.
K8S_VERSIONS="1.28.15-1.1 1.29.15-1.1 1.30.11-1.1 1.31.7-1.1"
CONTAINERD_VERSION="1.6.20~ds1-1+b1"

# distribution_version PACKAGE: what bookworm has of the tools prepare
# needs first on a minimal host.
distribution_version() {
  case $1 in
    curl) echo "7.88.1-10+deb12u8" ;;
    gpg) echo "2.2.40-1.1" ;;
    ca-certificates) echo "20230311" ;;
  esac
}

# served URL: does the lab answer for URL?
served() {
  local prefix
  [ -r "$REPO/served" ] || return 1
  while IFS= read -r prefix; do
    [ -n "$prefix" ] && case $1 in "$prefix"*) return 0 ;; esac
  done <"$REPO/served"
  return 1
}

# url_host URL: the host part, as resolvers name it.
url_host() {
  local rest=${1#*://}
  echo "${rest%%/*}"
}

# installed PACKAGE: its version, when installed.
installed() {
  [ -r "$DB/$1" ] && cat "$DB/$1"
}

# What a package puts on the node: the lab's fake in /usr/bin, and for
# containerd its default configuration (CRI on, cgroupfs) and a running
# service, as Debian's postinst starts it.
install_files() {
  case $1 in
    ca-certificates)
      mkdir -p /etc/ssl/certs
      echo "lab CA bundle" >/etc/ssl/certs/ca-certificates.crt
      return
      ;;
  esac
  cp "/var/lib/lab/pkgs/$1" "/usr/bin/$1"
  case $1 in
    containerd)
      mkdir -p /etc/containerd
      [ -e /var/lib/lab/scenario/containerd2 ] ||
        printf 'version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  SystemdCgroup = false\n' \
        >/etc/containerd/config.toml
      systemctl enable --now containerd >/dev/null 2>&1
      ;;
  esac
}

# configure PACKAGE VERSION: its post-installation script, which fails for
# the package the postinst-fail scenario names, leaving it half-configured.
configure() {
  echo "Setting up $1 ($2) ..."
  if [ "$(cat /var/lib/lab/scenario/postinst-fail 2>/dev/null)" = "$1" ]; then
    echo F >"$STATE/$1"
    {
      echo "dpkg: error processing package $1 (--configure):"
      echo " installed $1 package post-installation script subprocess returned error exit status 1"
      echo "Errors were encountered while processing:"
      echo " $1"
    } >&2
    return 1
  fi
  rm -f "$STATE/$1"
}

# shellcheck shell=bash
# bench/lib.sh: what the bench scripts share. Each sources it first:
#   . "$(dirname "$0")/../lib.sh"
# It moves to the repository's root and sets $root, $lab (tests/lab/lab),
# $deploy (the release binary) and $playbook (ansible-playbook in the venv
# `make ansible` makes). Labs started with bench_lab_up come down, and their
# directories go, however the script ends: Ctrl-C too.

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit
root=$PWD
lab=$root/tests/lab/lab
# shellcheck disable=SC2034 # for the scripts that source this
deploy=$root/target/release/deploy playbook=$root/target/ansible-venv/bin/ansible-playbook

# need PROGRAM PACKAGE: PROGRAM, from Debian's PACKAGE when it is missing
# (as root with apt), or exit 2 saying what to install.
need() {
  command -v "$1" >/dev/null && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y -q "$2" >/dev/null
  else
    echo "bench: $1 is missing: apt-get install $2" >&2
    exit 2
  fi
}

bench_labs=()
bench_cleanup() {
  local dir
  for dir in "${bench_labs[@]}"; do
    "$lab" down "$dir" >/dev/null 2>&1 || true
    rm -rf "$dir"
  done
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

# bench_lab_up DIR --node NAME:ROLE...: a fresh lab in DIR (one running
# there is taken down first) on a subnet `lab up` finds free.
bench_lab_up() {
  local dir=$1 status=0
  shift
  case " ${bench_labs[*]} " in *" $dir "*) ;; *) bench_labs+=("$dir") ;; esac
  "$lab" down "$dir" >/dev/null 2>&1 || true
  "$lab" up "$dir" "$@" >/dev/null || status=$?
  [ "$status" = 0 ] || { echo "bench: lab up failed ($status)" >&2; exit 1; }
}

# ansible_env DIR: the Ansible peer keeps its state in DIR (nothing in
# ~/.ansible), pipelines, and finds its interpreter quietly.
ansible_env() {
  export ANSIBLE_HOME=$1/ansible-home ANSIBLE_SSH_CONTROL_PATH_DIR=$1/ansible-cp ANSIBLE_PIPELINING=true \
    ANSIBLE_PYTHON_INTERPRETER=auto_silent
}

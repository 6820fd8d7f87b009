# The remote half of the watcher of a long step (a join, kubeadm init, ...),
# run with `sh -s` on the host over one SSH session. It reports, one line
# each: the watched file appearing ("file") and the job ending ("exit N"),
# within 0.2 s; new lines of the job's output ("out ..." and "err ..."), and
# its process gone without an exit code ("vanished"), within a second; and
# "alive" every second, so that its silence means the host stopped answering.
# Set before this script: dir (the job directory) and alive() (is this pid
# still the job?), from the job layer; FILE (the watched file);
# OUT_SENT and ERR_SENT, the lines an earlier loop already reported, when
# this one follows a lost connection.
file_seen=
out_sent=${OUT_SENT:-0}
err_sent=${ERR_SENT:-0}
pid=
# report NAME SENT [all]: prints the complete lines of $dir/NAME after the
# first SENT, prefixed with NAME, on fd 3 (the script's stdout), and echoes
# the new count for the caller to keep. With "all", an unterminated last
# line too: the job has ended, nothing more will be added to it.
report() {
  [ -f "$dir/$1" ] || { echo "$2"; return; }
  total=$(wc -l < "$dir/$1")
  if [ "$total" -gt "$2" ]; then
    sed -n "$(($2 + 1)),${total}s/^/$1 /p" "$dir/$1" >&3
  fi
  if [ -n "${3-}" ]; then
    tail -c 1 "$dir/$1" | grep -q . && printf '%s %s\n' "$1" "$(tail -n 1 "$dir/$1")" >&3
  fi
  echo "$total"
}
exec 3>&1
[ -f "$dir/pid" ] && read -r pid < "$dir/pid"
# The two signals that decide (the file, the exit code) are looked at every
# pass with the shell's own test; the output and the still-alive check fork
# (wc, sed, ps-like reads), so they run every fifth pass: with fifty hosts
# the loops would otherwise eat a core of a small machine.
pass=0
while :; do
  if [ -z "$file_seen" ] && [ -f "$FILE" ]; then
    echo file
    file_seen=1
  fi
  if [ -f "$dir/rc" ]; then
    # Every line written before the exit, an unterminated last one too.
    report out "$out_sent" all >/dev/null
    report err "$err_sent" all >/dev/null
    read -r rc < "$dir/rc"
    echo "exit $rc"
    exit 0
  fi
  if [ $((pass % 5)) -eq 0 ]; then
    echo alive
    out_sent=$(report out "$out_sent")
    err_sent=$(report err "$err_sent")
    if [ -n "$pid" ] && ! alive "$pid" && [ ! -f "$dir/rc" ]; then
      echo vanished
      exit 0
    fi
  fi
  pass=$((pass + 1))
  sleep 0.2
done

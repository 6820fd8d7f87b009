# The remote half of the watcher of a long step (a join, kubeadm init, ...),
# run with `sh -s` on the host over one SSH session. It reports, one line
# each: the watched file appearing ("file") and the job ending ("exit N"),
# within 0.2 s; new lines of the job's output ("out ..." and "err ..."), and
# its process gone without an exit code ("vanished"), within a second; and
# "alive" every second, so that its silence means the host stopped answering;
# and the new lines of UNIT's journal since the job started ("journal ..."),
# within a second, where journalctl is.
# Set before this script: dir (the job directory) and alive() (is this pid
# still the job?), from the job layer; FILE (the watched file); UNIT;
# OUT_SENT, ERR_SENT and JOURNAL_SENT, the lines an earlier loop already
# reported, when this one follows a lost connection.
file_seen=
out_sent=${OUT_SENT:-0}
err_sent=${ERR_SENT:-0}
journal_sent=${JOURNAL_SENT:-0}
pid=
# report NAME SENT [all]: prints the complete lines of $dir/NAME after the
# first SENT, prefixed with NAME, on fd 3 (the script's stdout), and echoes
# the new count for the caller to keep, never below SENT: a journal written
# anew after a lost connection holds fewer lines until it has caught up,
# and those are the lines already sent. With "all", an unterminated last
# line too: the job has ended, nothing more will be added to it.
report() {
  [ -f "$dir/$1" ] || { echo "$2"; return; }
  total=$(wc -l < "$dir/$1")
  [ "$total" -ge "$2" ] || { echo "$2"; return; }
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
# One journalctl follows the journal into $dir/journal, from the job's start
# (the mtime of started-at, on the host's own clock): a loop after a lost
# connection stops the last one's and reads the same lines again, of which
# it skips those reported. It ends with this loop, however that ends.
follows=
if [ -n "${UNIT-}" ] && [ -f "$dir/started-at" ] && [ ! -f "$dir/rc" ] &&
  command -v journalctl >/dev/null 2>&1; then
  if [ -f "$dir/journal.pid" ]; then
    read -r old < "$dir/journal.pid"
    grep -q journalctl "/proc/$old/cmdline" 2>/dev/null && kill "$old" 2>/dev/null
  fi
  since=$(stat -c %Y "$dir/started-at")
  journalctl -u "$UNIT" --since "@$since" --no-tail -f -o cat -q --no-pager \
    > "$dir/journal" 2>/dev/null < /dev/null &
  follows=$!
  echo "$follows" > "$dir/journal.pid"
  trap 'kill "$follows" 2>/dev/null' EXIT
  trap 'exit 0' HUP INT TERM PIPE
fi
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
    [ -z "$follows" ] || report journal "$journal_sent" >/dev/null
    read -r rc < "$dir/rc"
    echo "exit $rc"
    exit 0
  fi
  if [ $((pass % 5)) -eq 0 ]; then
    echo alive
    out_sent=$(report out "$out_sent")
    err_sent=$(report err "$err_sent")
    [ -z "$follows" ] || journal_sent=$(report journal "$journal_sent")
    if [ -n "$pid" ] && ! alive "$pid" && [ ! -f "$dir/rc" ]; then
      echo vanished
      exit 0
    fi
  fi
  pass=$((pass + 1))
  sleep 0.2
done

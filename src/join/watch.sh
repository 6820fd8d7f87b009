# The remote half of the join watcher, run with `sh -s` on the worker over
# one SSH session. It reports, one line each, as soon as it sees them
# (polling every 0.2 s): new lines of the join's output ("out ..."),
# kubelet.conf appearing ("kubelet-conf"), and the join ending ("exit N"),
# or its process gone without an exit code ("vanished").
# Set before this script: JOB (the job directory), CONF (kubelet.conf path).
conf_seen=
lines_sent=0
pid=
[ -f "$JOB/pid" ] && read -r pid < "$JOB/pid"
while :; do
  if [ -z "$conf_seen" ] && [ -f "$CONF" ]; then
    echo kubelet-conf
    conf_seen=1
  fi
  if [ -f "$JOB/out" ]; then
    lines=$(wc -l < "$JOB/out")
    if [ "$lines" -gt "$lines_sent" ]; then
      sed -n "$((lines_sent + 1)),${lines}s/^/out /p" "$JOB/out"
      lines_sent=$lines
    fi
  fi
  if [ -f "$JOB/rc" ]; then
    if [ -z "$conf_seen" ] && [ -f "$CONF" ]; then echo kubelet-conf; fi
    read -r rc < "$JOB/rc"
    echo "exit $rc"
    exit 0
  fi
  if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null && [ ! -f "$JOB/rc" ]; then
    echo vanished
    exit 0
  fi
  sleep 0.2
done

//! Detached jobs: long commands (a join, `kubeadm init`, starting rke2)
//! that run on the host under `setsid nohup`, outside any SSH connection,
//! writing what they do into a job directory there:
//!
//! ```text
//! /var/lib/deploy/jobs/NAME/   (as root; ~/.deploy/jobs/NAME/ otherwise), 0700
//!   command     the command line, quoted (never a secret)
//!   started-at  UTC, ISO 8601
//!   pid         the job's process
//!   out, err    its stdout and stderr, bootstrap tokens masked
//!   rc          its exit code, written (atomically) when it ends
//!   claim/      held while a start is deciding, so two never both start
//! ```
//!
//! A lost connection or a restarted `deploy` finds the job again by name.
//! Secrets go in the payload: it travels on the stdin of the starting
//! script, never on a command line, and reaches the job as its stdin from
//! a 0600 file in a private directory on /dev/shm, removed when the job
//! ends. No secret is written to the host's disk: not the payload, and
//! not a token the job prints (`kubeadm init` prints its bootstrap token
//! and a join command), which its output's way to `out` and `err` masks.

use std::time::Duration;

use anyhow::{Context, Result, bail};

use super::cmd::{Cmd, quote_words};
use super::session::Session;
use super::target::Target;
use crate::exit::Problem;

/// Where jobs live when the remote user is root.
pub const ROOT_JOBS_DIR: &str = "/var/lib/deploy/jobs";
/// How much of the end of `out` and `err` a status reads.
pub const TAIL_BYTES: usize = 16 * 1024;
/// Starting and asking are quick; this bounds them on a stuck host.
const CALL_LIMIT: Duration = Duration::from_secs(30);

/// Shell lines that set `dir` to the job directory of `$JOB` and define
/// `alive PID`: true while PID is this job's process (not a recycled pid).
/// Watchers that tail a job's files on the host can start with them.
pub const DIR_SH: &str = r#"if [ "$(id -u)" = 0 ]; then base=/var/lib/deploy/jobs; else base="${HOME:-/tmp}/.deploy/jobs"; fi
dir="$base/$JOB"
alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "deploy-job-$JOB "; }
"#;

const START_SH: &str = r#"umask 077
mkdir -p "$dir" || exit 90
# One start at a time: mkdir is atomic, so of two deploys starting this job
# at once the second waits here, then finds the first one's job running.
# A claim left by a start that was killed is broken after 10 s.
tries=0
until mkdir "$dir/claim" 2>/dev/null; do
  tries=$((tries + 1))
  if [ "$tries" -ge 100 ]; then rmdir "$dir/claim" 2>/dev/null; tries=0; fi
  sleep 0.1
done
trap 'rmdir "$dir/claim" 2>/dev/null' EXIT
if [ -f "$dir/pid" ] && [ ! -f "$dir/rc" ] && alive "$(cat "$dir/pid")"; then
  echo "attached $(cat "$dir/pid") $(cat "$dir/started-at" 2>/dev/null)"
  exit 0
fi
rm -f "$dir/pid" "$dir/rc" "$dir/rc.tmp" "$dir/out" "$dir/err" "$dir/payload" "$dir/started-at"
printf '%s\n' "$ARGV" >"$dir/command"
# The payload in memory (tmpfs), never on disk; a file rather than a pipe,
# since a job may read its stdin more than once (kubeadm --config /dev/stdin).
input=/dev/null
if [ -n "${PAYLOAD+set}" ]; then
  input=$(mktemp -d /dev/shm/deploy-job.XXXXXX)/payload || exit 91
  printf '%s' "$PAYLOAD" >"$input"
fi
unset PAYLOAD
date -u +%Y-%m-%dT%H:%M:%SZ >"$dir/started-at"
eval "set -- $ARGV"
cd /
# Not a process group leader (no job control here), so setsid makes the new
# session in this very process and $! is the job's pid. All of its fds leave
# the SSH channel, so the connection can close (or die) under it. Its stdout
# and stderr each reach their file through mask (a bootstrap token becomes
# ******, as deploy's own redaction shows it), and rc is written once both
# are complete.
setsid nohup sh -c '
  dir=$1 input=$2; shift 2
  mask() {
    LC_ALL=C sed -u -E -e :a -e "s/(^|[^a-z0-9])[a-z0-9]{6}\.[a-z0-9]{16}([^a-z0-9]|\$)/\1******\2/" -e ta
  }
  { { "$@" <"$input" 3>&-; echo $? >"$dir/rc.tmp"; } 2>&1 >&3 | mask >"$dir/err"; } 3>&1 | mask >"$dir/out"
  mv "$dir/rc.tmp" "$dir/rc"
  [ "$input" = /dev/null ] || rm -rf "${input%/payload}"
' "deploy-job-$JOB" "$dir" "$input" "$@" </dev/null >/dev/null 2>&1 &
pid=$!
# Until the job has exec'd it does not look like itself to `alive`: hold
# the claim till then, so a second start finds it running.
tries=0
while ! alive "$pid" && kill -0 "$pid" 2>/dev/null && [ "$tries" -lt 100 ]; do
  tries=$((tries + 1))
  sleep 0.02
done
echo "$pid" >"$dir/pid"
echo "started $pid"
"#;

const STATUS_SH: &str = r#"if [ ! -d "$dir" ]; then echo "state missing"; exit 0; fi
pid=$(cat "$dir/pid" 2>/dev/null)
# rc is looked at again after alive: a job that ends between the two looks
# wrote rc before it went, and is not lost.
if [ -f "$dir/rc" ]; then state="exited $(cat "$dir/rc")"
elif alive "$pid"; then state=running
elif [ -f "$dir/rc" ]; then state="exited $(cat "$dir/rc")"
else state=lost; fi
echo "state $state"
echo "pid $pid"
echo "started-at $(cat "$dir/started-at" 2>/dev/null)"
for stream in out err; do
  size=$(($(wc -c <"$dir/$stream" 2>/dev/null || echo 0)))
  n=$size; [ "$n" -gt "$TAIL" ] && n=$TAIL
  echo "$stream $n"
  [ "$n" -gt 0 ] && tail -c "$n" "$dir/$stream"
done
exit 0
"#;

/// What [`start`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Started {
    /// A new run of the job, with its pid on the host.
    New { pid: u32 },
    /// The job was still running from before: nothing new was started.
    Attached { pid: u32, started_at: String },
}

/// Where a job is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobState {
    /// No job of this name on the host.
    Missing,
    Running,
    Exited(i32),
    /// Neither running nor finished: killed, or the host rebooted.
    Lost,
}

/// A job as [`status`] finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobStatus {
    pub state: JobState,
    pub pid: Option<u32>,
    pub started_at: Option<String>,
    /// The last [`TAIL_BYTES`] of its stdout and stderr.
    pub stdout_tail: Vec<u8>,
    pub stderr_tail: Vec<u8>,
}

/// Starts `argv` as job `name` on `target`, detached, with `payload` as its
/// stdin — or attaches to the job of that name if it is still running.
pub fn start<S: AsRef<str>>(
    session: &Session,
    target: &Target,
    name: &str,
    argv: &[S],
    payload: Option<&[u8]>,
) -> Result<Started> {
    check_name(name)?;
    if argv.is_empty() {
        bail!("{}: job {name} has no command", target.name());
    }
    let line = quote_words(argv.iter().map(AsRef::as_ref))?;
    let mut cmd = Cmd::script(&format!("start job {name}"), &format!("{DIR_SH}{START_SH}"))
        .var("JOB", name)
        .var("ARGV", &line);
    if let Some(payload) = payload {
        cmd = cmd.var("PAYLOAD", payload);
    }
    let output = session
        .run_ok(target, &cmd, CALL_LIMIT)
        .with_context(|| format!("{}: starting job {name} (`{line}`)", target.name()))?;
    parse_started(&output.stdout_text())
        .with_context(|| format!("{}: starting job {name}: unexpected answer", target.name()))
}

/// How job `name` on `target` is doing, with the ends of its output.
pub fn status(session: &Session, target: &Target, name: &str) -> Result<JobStatus> {
    check_name(name)?;
    let cmd = Cmd::script(
        &format!("status of job {name}"),
        &format!("{DIR_SH}{STATUS_SH}"),
    )
    .var("JOB", name)
    .var("TAIL", TAIL_BYTES.to_string());
    let output = session
        .run_ok(target, &cmd, CALL_LIMIT)
        .with_context(|| format!("{}: reading job {name}", target.name()))?;
    parse_status(&output.stdout)
        .with_context(|| format!("{}: reading job {name}: unexpected answer", target.name()))
}

/// Names become directory names on the host: plain words only.
fn check_name(name: &str) -> Result<()> {
    let plain = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if !plain {
        return Err(Problem::usage(format!(
            "`{name}` cannot name a job: use letters, digits, `.`, `_` and `-`"
        ))
        .into());
    }
    Ok(())
}

fn parse_started(text: &str) -> Result<Started> {
    let mut words = text.split_whitespace();
    let verb = words.next();
    let pid = words
        .next()
        .and_then(|pid| pid.parse().ok())
        .with_context(|| format!("no pid in {text:?}"))?;
    match verb {
        Some("started") => Ok(Started::New { pid }),
        Some("attached") => Ok(Started::Attached {
            pid,
            started_at: words.next().unwrap_or_default().to_owned(),
        }),
        _ => bail!("{text:?}"),
    }
}

/// Reads `key value` lines, then `out N` and `err N` each followed by N bytes.
fn parse_status(bytes: &[u8]) -> Result<JobStatus> {
    let mut rest = bytes;
    let line = |rest: &mut &[u8]| -> Result<String> {
        let end = rest
            .iter()
            .position(|b| *b == b'\n')
            .context("the answer ended early")?;
        let text = String::from_utf8_lossy(&rest[..end]).into_owned();
        *rest = &rest[end + 1..];
        Ok(text)
    };
    let state_line = line(&mut rest)?;
    let state = match state_line.strip_prefix("state ").unwrap_or_default() {
        "missing" => {
            return Ok(JobStatus {
                state: JobState::Missing,
                pid: None,
                started_at: None,
                stdout_tail: Vec::new(),
                stderr_tail: Vec::new(),
            });
        }
        "running" => JobState::Running,
        "lost" => JobState::Lost,
        other => match other.strip_prefix("exited ").map(str::trim).map(str::parse) {
            Some(Ok(code)) => JobState::Exited(code),
            _ => bail!("unknown job state {state_line:?}"),
        },
    };
    let pid = line(&mut rest)?
        .strip_prefix("pid")
        .and_then(|pid| pid.trim().parse().ok());
    let started_at = line(&mut rest)?
        .strip_prefix("started-at")
        .map(str::trim)
        .filter(|at| !at.is_empty())
        .map(str::to_owned);
    let mut tails = [Vec::new(), Vec::new()];
    for (tail, stream) in tails.iter_mut().zip(["out", "err"]) {
        let header = line(&mut rest)?;
        let size: usize = header
            .strip_prefix(stream)
            .and_then(|size| size.trim().parse().ok())
            .with_context(|| format!("expected the size of {stream}, got {header:?}"))?;
        if rest.len() < size {
            bail!("{stream} is shorter than announced");
        }
        *tail = rest[..size].to_vec();
        rest = &rest[size..];
    }
    let [stdout_tail, stderr_tail] = tails;
    Ok(JobStatus {
        state,
        pid,
        started_at,
        stdout_tail,
        stderr_tail,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_names_are_plain_words() {
        for good in ["join", "kubeadm-init", "rke2.server_1"] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            ".",
            "..",
            "../etc",
            "a/b",
            "a b",
            "$(x)",
            &"x".repeat(65),
        ] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    /// The job ends while its status is being read: its `alive` look
    /// (here a stand-in) finds it gone, and only then is its rc there.
    #[test]
    fn a_job_ending_while_its_status_is_read_has_exited_not_been_lost() {
        let dir = tempfile::tempdir().unwrap();
        let script = format!(
            "dir={dir}; TAIL=64\n\
             alive() {{ echo 7 >\"$dir/rc\"; return 1; }}\n{STATUS_SH}",
            dir = dir.path().display()
        );
        let output = std::process::Command::new("sh")
            .args(["-c", &script])
            .output()
            .unwrap();
        let answer = String::from_utf8_lossy(&output.stdout);
        assert!(answer.starts_with("state exited 7\n"), "{answer}");
    }

    #[test]
    fn start_answers_are_read() {
        assert_eq!(
            parse_started("started 4242\n").unwrap(),
            Started::New { pid: 4242 }
        );
        assert_eq!(
            parse_started("attached 17 2026-01-02T03:04:05Z\n").unwrap(),
            Started::Attached {
                pid: 17,
                started_at: "2026-01-02T03:04:05Z".into()
            }
        );
        assert!(parse_started("").is_err());
        assert!(parse_started("started x").is_err());
    }

    #[test]
    fn status_answers_keep_output_bytes_exactly() {
        let answer = b"state exited 127\npid 99\nstarted-at 2026-01-02T03:04:05Z\nout 6\nline\n\nerr 30\n/bin/sh: 1: kubeadm: not found";
        let status = parse_status(answer).unwrap();
        assert_eq!(status.state, JobState::Exited(127));
        assert_eq!(status.pid, Some(99));
        assert_eq!(status.started_at.as_deref(), Some("2026-01-02T03:04:05Z"));
        assert_eq!(status.stdout_tail, b"line\n\n");
        assert_eq!(status.stderr_tail, b"/bin/sh: 1: kubeadm: not found");
        let running = parse_status(b"state running\npid 5\nstarted-at \nout 0\nerr 0\n").unwrap();
        assert_eq!(
            (running.state, running.started_at),
            (JobState::Running, None)
        );
        assert_eq!(
            parse_status(b"state missing\n").unwrap().state,
            JobState::Missing
        );
        assert!(parse_status(b"state exited x\n").is_err());
        assert!(parse_status(b"state running\npid 5\nstarted-at \nout 10\nshort").is_err());
    }
}

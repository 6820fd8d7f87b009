//! Running one local process (ssh or sh) to completion within a deadline,
//! with stdout and stderr captured on their own threads (duct's), so a
//! chatty command can never deadlock on a full pipe.

use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::interrupt;

/// How often a wait looks at the clock and at Ctrl-C.
pub const POLL: Duration = Duration::from_millis(50);
/// After a kill, how long we still wait for the pipes to close: a process
/// that escaped the group (setsid) may hold them open for ever.
const AFTER_KILL: Duration = Duration::from_secs(2);

/// How a process run ended.
#[derive(Debug)]
pub enum Ended {
    Exited {
        code: i32,
        stdout: Vec<u8>,
        stderr: Vec<u8>,
    },
    /// Killed at the deadline.
    TimedOut,
    /// Killed because the user pressed Ctrl-C.
    Interrupted,
}

/// A process tied to us (see [`tie`]). The thread that starts it must
/// outlive it: every caller waits for it, or kills it, before going on.
pub fn expression(program: &Path, args: Vec<OsString>, stdin: Option<Vec<u8>>) -> duct::Expression {
    let expr = duct::cmd(program, args)
        .unchecked()
        .before_spawn(|command| {
            tie(command);
            Ok(())
        });
    match stdin {
        Some(bytes) => expr.stdin_bytes(bytes),
        // Never our own stdin: ssh would read the user's terminal.
        None => expr.stdin_null(),
    }
}

/// Sets up `command` to run in its own process group, so that a terminal's
/// Ctrl-C reaches `deploy` only and a kill reaches everything the child
/// started; and to be killed when the thread that starts it ends, so that
/// nothing outlives `deploy`, even killed with SIGKILL. That signal is the
/// kernel's (PR_SET_PDEATHSIG), tied to the starting thread, not to the
/// process: a child meant to outlive its starter needs a thread of its own.
pub fn tie(command: &mut std::process::Command) {
    command.process_group(0);
    #[cfg(target_os = "linux")]
    {
        let parent = std::process::id();
        // SAFETY: the closure runs in the child between fork and exec, where
        // only async-signal-safe calls may be made: prctl and getppid are
        // plain system calls, and the errors made here do not allocate.
        unsafe {
            command.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                // Our starter ended before the prctl: nobody would kill us.
                if libc::getppid() as u32 != parent {
                    return Err(std::io::Error::from_raw_os_error(libc::ESRCH));
                }
                Ok(())
            });
        }
    }
}

/// Whether Ctrl-C stops a run: it does, but for the cleanup on the way out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CtrlC {
    Stops,
    Waits,
}

pub fn run(expr: duct::Expression, deadline: Instant, ctrl_c: CtrlC) -> Result<Ended> {
    let handle = expr
        .stdout_capture()
        .stderr_capture()
        .start()
        .context("starting the process")?;
    let group = handle.pids().first().map_or(0, |pid| *pid as i32);
    let _tracked = interrupt::track_child(group);
    loop {
        let now = Instant::now();
        let slice = POLL.min(deadline.saturating_duration_since(now));
        if let Some(output) = handle
            .wait_timeout(slice)
            .context("waiting for the process")?
        {
            return Ok(Ended::Exited {
                code: exit_code(&output.status),
                stdout: output.stdout.clone(),
                stderr: output.stderr.clone(),
            });
        }
        let ended = if ctrl_c == CtrlC::Stops && interrupt::requested() {
            Ended::Interrupted
        } else if Instant::now() >= deadline {
            Ended::TimedOut
        } else {
            continue;
        };
        interrupt::kill_group(group);
        let _ = handle.kill();
        // Reap it (duct also reaps on drop); the output of a killed run is not used.
        let _ = handle.wait_timeout(AFTER_KILL);
        return Ok(ended);
    }
}

/// The exit code, or 128 + signal as shells report a killed process.
pub fn exit_code(status: &std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .or_else(|| status.signal().map(|signal| 128 + signal))
        .unwrap_or(-1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> duct::Expression {
        expression(Path::new("/bin/sh"), vec!["-c".into(), script.into()], None)
    }

    #[test]
    fn output_larger_than_a_pipe_does_not_deadlock() {
        // 1 MiB on each stream: far beyond a 64 KiB pipe buffer.
        let script = "head -c 1048576 /dev/zero; head -c 1048576 /dev/zero >&2; exit 3";
        let deadline = Instant::now() + Duration::from_secs(20);
        match run(sh(script), deadline, CtrlC::Stops).unwrap() {
            Ended::Exited {
                code,
                stdout,
                stderr,
            } => {
                assert_eq!(code, 3);
                assert_eq!(stdout.len(), 1 << 20);
                assert_eq!(stderr.len(), 1 << 20);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_deadline_kills_the_whole_group() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("survived");
        // A grandchild holding the pipes open, and one that would leave a mark.
        let script = format!("sleep 30 & (sleep 1; touch {}) & wait", marker.display());
        let started = Instant::now();
        let ended = run(
            sh(&script),
            started + Duration::from_millis(300),
            CtrlC::Stops,
        )
        .unwrap();
        assert!(matches!(ended, Ended::TimedOut), "{ended:?}");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        std::thread::sleep(Duration::from_millis(1200));
        assert!(!marker.exists(), "a grandchild outlived the kill");
    }

    #[test]
    fn a_tied_child_dies_with_the_thread_that_started_it() {
        let pid = std::thread::spawn(|| {
            let mut command = std::process::Command::new("sleep");
            command.arg("30");
            tie(&mut command);
            // Neither waited for nor killed: only the thread's end kills it.
            command.spawn().unwrap().id() as i32
        })
        .join()
        .unwrap();
        let mut status = 0;
        let started = Instant::now();
        // SAFETY: waitpid(2) on our own child, writing into `status`.
        while unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) } == 0 {
            assert!(started.elapsed() < Duration::from_secs(5), "still alive");
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(libc::WIFSIGNALED(status) && libc::WTERMSIG(status) == libc::SIGKILL);
    }

    #[test]
    fn stdin_is_delivered_and_never_inherited() {
        let expr = expression(Path::new("/bin/cat"), Vec::new(), Some(b"payload".to_vec()));
        let deadline = Instant::now() + Duration::from_secs(10);
        match run(expr, deadline, CtrlC::Stops).unwrap() {
            Ended::Exited { stdout, .. } => assert_eq!(stdout, b"payload"),
            other => panic!("{other:?}"),
        }
        let expr = expression(Path::new("/bin/cat"), Vec::new(), None);
        match run(expr, deadline, CtrlC::Stops).unwrap() {
            Ended::Exited { code, stdout, .. } => assert_eq!((code, stdout.len()), (0, 0)),
            other => panic!("{other:?}"),
        }
    }
}

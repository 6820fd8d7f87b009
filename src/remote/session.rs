//! A [`Session`]: how `deploy` runs commands on hosts — over OpenSSH with one
//! multiplexed master per host, or on this machine through `sh -c`.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::cmd::{Cmd, Plan};
use super::control::ControlDir;
use super::error::Failure;
use super::invocation::{Down, Invocation, bring_up, failure_of, remote_error};
use super::master::Masters;
use super::options;
use super::process::{self, CtrlC, Ended};
use super::stream::{self, Stream};
use super::sudo;
use super::target::{Connection, Target};
use crate::exit::Problem;
use crate::messages;

/// The local shell for `ansible_connection: local`.
const SH: &str = "/bin/sh";
/// How long a stream's connection may take to log in once connected; a
/// plain run has its own limit for that.
const LOGIN_LIMIT: Duration = Duration::from_secs(30);

/// What a command left behind: its exit code and both output streams.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl Output {
    pub fn success(&self) -> bool {
        self.code == 0
    }

    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

/// Runs commands on targets. Owns the master connections and their
/// sockets: dropping the session ends every master, then removes their
/// directory.
#[derive(Debug)]
pub struct Session {
    connect_timeout: Duration,
    /// Found on first use, so an inventory of local hosts needs no ssh.
    ssh: OnceLock<Result<PathBuf, String>>,
    /// Before `control`: fields are dropped in order.
    masters: Masters,
    control: ControlDir,
}

impl Session {
    pub fn new(connect_timeout: Duration) -> Result<Session> {
        let control = ControlDir::new()?;
        Ok(Session {
            connect_timeout,
            ssh: OnceLock::new(),
            masters: Masters::new(control.path()),
            control,
        })
    }

    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// The directory of this session's control sockets (tests look in it).
    pub fn control_dir(&self) -> &Path {
        self.control.path()
    }

    /// Runs `cmd` on `target` and returns how it ended, whatever its exit
    /// code. Errors: a connection, host key or sudo failure ([`RemoteError`]),
    /// the time limit ([`Failure::TimeLimit`]), or Ctrl-C. `limit` counts
    /// from when the connection is up: connecting has `--connect-timeout`.
    pub fn run(&self, target: &Target, cmd: &Cmd, limit: Duration) -> Result<Output> {
        if crate::interrupt::requested() {
            // Ctrl-C stops scheduling: nothing new starts after it.
            return Err(interrupted(target, cmd));
        }
        self.run_with(target, cmd, limit, CtrlC::Stops)
    }

    /// Like [`Session::run`], but Ctrl-C neither refuses nor stops it: for
    /// the cleanup on the way out, which `limit` keeps short. A second
    /// Ctrl-C still ends everything at once.
    pub fn run_to_the_end(&self, target: &Target, cmd: &Cmd, limit: Duration) -> Result<Output> {
        self.run_with(target, cmd, limit, CtrlC::Waits)
    }

    fn run_with(
        &self,
        target: &Target,
        cmd: &Cmd,
        limit: Duration,
        ctrl_c: CtrlC,
    ) -> Result<Output> {
        let invocation = self.invocation(target, cmd)?;
        let deadline = Instant::now() + limit + self.connect_allowance(target);
        let stop = || ctrl_c == CtrlC::Stops && crate::interrupt::requested();
        match bring_up(&invocation, target, cmd, limit, deadline, &stop) {
            Ok(()) => {}
            Err(Down::Failed(err)) => return Err(err.into()),
            Err(Down::TimedOut) => {
                return Err(remote_error(Failure::TimeLimit, target, cmd, limit, "").into());
            }
            Err(Down::Stopped) => return Err(interrupted(target, cmd)),
        }
        let ended = process::run(
            process::expression(&invocation.program, invocation.args, invocation.stdin),
            deadline,
            ctrl_c,
        )
        .with_context(|| {
            format!(
                "{}: running `{}` with {}",
                target.name(),
                cmd.label(),
                invocation.program.display()
            )
        })?;
        match ended {
            Ended::Exited {
                code,
                stdout,
                stderr,
            } => {
                let text = String::from_utf8_lossy(&stderr);
                if let Some(failure) = failure_of(target, code, &text, invocation.master.as_ref()) {
                    return Err(remote_error(failure, target, cmd, limit, &text).into());
                }
                Ok(Output {
                    code,
                    stdout,
                    stderr,
                })
            }
            Ended::TimedOut => Err(remote_error(Failure::TimeLimit, target, cmd, limit, "").into()),
            Ended::Interrupted => Err(interrupted(target, cmd)),
        }
    }

    /// Like [`Session::run`], but a non-zero exit code is an error naming
    /// the host, the command, the code and the end of its stderr.
    pub fn run_ok(&self, target: &Target, cmd: &Cmd, limit: Duration) -> Result<Output> {
        let output = self.run(target, cmd, limit)?;
        if !output.success() {
            return Err(Problem::failed(messages::remote::command_failed(
                target.name(),
                &cmd.label(),
                output.code,
                &output.stderr_text(),
            ))
            .into());
        }
        Ok(output)
    }

    /// Starts `cmd` and yields its stdout line by line as it arrives; for
    /// watchers that run for long. Dropping the stream kills it. While the
    /// connection is being made, `stop` is asked whether to give up.
    pub fn stream(&self, target: &Target, cmd: &Cmd, stop: &dyn Fn() -> bool) -> Result<Stream> {
        let invocation = self.invocation(target, cmd)?;
        // Connecting has --connect-timeout, then a bound for logging in.
        let deadline = Instant::now() + self.connect_allowance(target) + LOGIN_LIMIT;
        let stopped = || crate::interrupt::requested() || stop();
        match bring_up(&invocation, target, cmd, Duration::ZERO, deadline, &stopped) {
            Ok(()) => stream::start(invocation, target, cmd),
            Err(Down::Failed(err)) => Err(err.into()),
            Err(Down::TimedOut) => {
                Err(remote_error(Failure::Unreachable, target, cmd, Duration::ZERO, "").into())
            }
            // Ctrl-C, or the caller's own stop.
            Err(Down::Stopped) => Err(interrupted(target, cmd)),
        }
    }

    fn invocation(&self, target: &Target, cmd: &Cmd) -> Result<Invocation> {
        let Plan {
            command_line,
            stdin,
        } = match target.sudo() {
            None => cmd.plan(),
            Some(via) => sudo::plan(via, cmd),
        }
        .with_context(|| format!("{}: preparing `{}`", target.name(), cmd.label()))?;
        Ok(match target.connection() {
            Connection::Local => Invocation {
                program: PathBuf::from(SH),
                args: vec!["-c".into(), command_line.into()],
                stdin,
                master: None,
            },
            Connection::Ssh(ssh) => {
                let program = self.ssh_program()?.to_owned();
                let master = self.masters.of(&program, ssh, self.connect_timeout);
                Invocation {
                    args: options::ssh_command(
                        ssh,
                        master.socket(),
                        self.connect_timeout,
                        &command_line,
                    ),
                    master: Some(master),
                    program,
                    stdin,
                }
            }
        })
    }

    fn connect_allowance(&self, target: &Target) -> Duration {
        match target.connection() {
            Connection::Local => Duration::ZERO,
            Connection::Ssh(_) => self.connect_timeout,
        }
    }

    fn ssh_program(&self) -> Result<&Path> {
        self.ssh
            .get_or_init(|| which::which("ssh").map_err(|err| err.to_string()))
            .as_deref()
            .map_err(|err| Problem::usage(messages::remote::no_ssh_client(err)).into())
    }
}

fn interrupted(target: &Target, cmd: &Cmd) -> anyhow::Error {
    anyhow::Error::new(Problem::interrupted()).context(format!(
        "{}: `{}` was stopped",
        target.name(),
        cmd.label()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remote::error::{Failure, RemoteError};

    fn local() -> Target {
        Target::local("here")
    }

    #[test]
    fn local_commands_run_through_sh_with_arguments_kept_whole() {
        let session = Session::new(Duration::from_secs(1)).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let hostile = format!("a; touch {}/pwned", dir.path().display());
        let output = session
            .run(
                &local(),
                &Cmd::argv(["printf", "%s", hostile.as_str()]),
                Duration::from_secs(10),
            )
            .unwrap();
        assert_eq!(output.stdout_text(), hostile);
        assert!(!dir.path().join("pwned").exists());
    }

    #[test]
    fn exit_codes_and_stderr_come_back_as_output() {
        let session = Session::new(Duration::from_secs(1)).unwrap();
        let output = session
            .run(
                &local(),
                &Cmd::script("fail", "echo out; echo err >&2; exit 7"),
                Duration::from_secs(10),
            )
            .unwrap();
        assert_eq!(
            output,
            Output {
                code: 7,
                stdout: b"out\n".to_vec(),
                stderr: b"err\n".to_vec()
            }
        );
        let err = session
            .run_ok(
                &local(),
                &Cmd::script("fail", "echo bad >&2; exit 3"),
                Duration::from_secs(10),
            )
            .unwrap_err();
        assert_eq!(
            format!("{err:#}"),
            "here: `fail` failed with exit code 3: bad"
        );
    }

    #[test]
    fn the_limit_is_an_error_naming_host_command_and_limit() {
        let session = Session::new(Duration::from_secs(1)).unwrap();
        let started = Instant::now();
        let err = session
            .run(
                &local(),
                &Cmd::argv(["sleep", "30"]),
                Duration::from_millis(300),
            )
            .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(
            err.downcast_ref::<RemoteError>().unwrap().failure,
            Failure::TimeLimit
        );
        let text = format!("{err:#}");
        assert!(
            text.contains("here: `sleep 30` did not finish within 0.3s"),
            "{text}"
        );
    }

    #[test]
    fn a_local_only_session_needs_no_ssh() {
        let session = Session::new(Duration::from_secs(1)).unwrap();
        // Not even looked up: nothing in the session asked for it.
        session
            .run(&local(), &Cmd::argv(["true"]), Duration::from_secs(5))
            .unwrap();
        assert!(session.ssh.get().is_none());
    }
}

//! One prepared run of a command, and how its ending is read: the pieces
//! a plain run ([`super::session`]) and a stream ([`super::stream`]) share.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::cmd::Cmd;
use super::error::{Attempt, Failure, RemoteError, classify};
use super::master::{Master, Up};
use super::target::{Connection, Target};

/// One prepared invocation: the program, its arguments and stdin.
pub(crate) struct Invocation {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    pub stdin: Option<Vec<u8>>,
    /// Over SSH: the host's master, to bring up before the command runs
    /// and to ask afterwards whether it still lives.
    pub master: Option<Master>,
}

/// Why a command could not start: its host's master is not up.
pub(crate) enum Down {
    /// The master could not connect, or connected to a host whose key
    /// changed: the failure, in ssh's own words.
    Failed(RemoteError),
    TimedOut,
    /// The caller's `stop` asked to stop waiting.
    Stopped,
}

/// Brings up the invocation's master, if it has one, by `deadline`.
pub(crate) fn bring_up(
    invocation: &Invocation,
    target: &Target,
    cmd: &Cmd,
    limit: Duration,
    deadline: Instant,
    stop: &dyn Fn() -> bool,
) -> Result<(), Down> {
    let Some(master) = &invocation.master else {
        return Ok(());
    };
    let failed =
        |failure, said: &str| Down::Failed(remote_error(failure, target, cmd, limit, said));
    match master.up(deadline, stop) {
        // Logged in despite a changed host key: never to be trusted.
        Up::Ready(said) => match classify(0, &said, true, false) {
            Some(failure) => Err(failed(failure, &said)),
            None => Ok(()),
        },
        // ssh's own words when they are known, a lost connection otherwise.
        Up::Failed(code, said) => {
            let failure = classify(code, &said, true, false).unwrap_or(Failure::ConnectionLost);
            Err(failed(failure, &said))
        }
        Up::TimedOut => Err(Down::TimedOut),
        Up::Stopped => Err(Down::Stopped),
    }
}

/// Classifies how a command ended. A mux client whose master died exits 255
/// without a word, so an unexplained 255 is a lost connection only when the
/// master is gone too; otherwise the command itself exited 255. After a
/// lost connection its master is ended, for the next command to get a new
/// one.
pub(crate) fn failure_of(
    target: &Target,
    code: i32,
    stderr: &str,
    master: Option<&Master>,
) -> Option<Failure> {
    let over_ssh = master.is_some();
    let failure = classify(code, stderr, over_ssh, target.become_user().is_some()).or_else(|| {
        let master = master.filter(|_| code == 255)?;
        (!master.alive()).then_some(Failure::ConnectionLost)
    });
    if let (Some(Failure::ConnectionLost), Some(master)) = (failure, master) {
        master.end_now();
    }
    failure
}

pub(crate) fn remote_error(
    failure: Failure,
    target: &Target,
    cmd: &Cmd,
    limit: Duration,
    stderr: &str,
) -> RemoteError {
    let user = match target.connection() {
        Connection::Ssh(ssh) => ssh.user.clone(),
        Connection::Local => None,
    };
    RemoteError::new(
        failure,
        &Attempt {
            host: target.name(),
            address: &target.address(),
            command: &cmd.label(),
            user: user.as_deref(),
            become_user: target.become_user(),
            password: target
                .sudo()
                .and_then(|sudo| sudo.sent_password())
                .map(|password| password.from()),
            limit,
            stderr,
        },
    )
}

//! One prepared run of a command, and how its ending is read: the pieces
//! a plain run ([`super::session`]) and a stream ([`super::stream`]) share.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::cmd::Cmd;
use super::error::{Attempt, Failure, RemoteError, classify};
use super::options;
use super::process::{self, Ended};
use super::target::{Connection, SshTarget, Target};

/// Time allowed for `ssh -O check`, used to tell a lost connection from a
/// command that itself exited 255.
const CHECK_LIMIT: Duration = Duration::from_secs(5);

/// One prepared invocation: the program, its arguments and stdin.
pub(crate) struct Invocation {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    pub stdin: Option<Vec<u8>>,
    /// The ssh options and host, to ask the master whether it still lives.
    pub master: Option<MasterProbe>,
}

/// Asks a host's master connection whether it still lives (`ssh -O check`).
#[derive(Debug, Clone)]
pub(crate) struct MasterProbe {
    program: PathBuf,
    args: Vec<OsString>,
}

impl MasterProbe {
    pub(crate) fn new(
        program: &Path,
        ssh: &SshTarget,
        control: &Path,
        connect_timeout: Duration,
    ) -> MasterProbe {
        let mut args = options::ssh_options(ssh, control, connect_timeout);
        args.extend([
            "-O".into(),
            "check".into(),
            "--".into(),
            ssh.host.clone().into(),
        ]);
        MasterProbe {
            program: program.to_owned(),
            args,
        }
    }

    fn alive(&self) -> bool {
        let expr = process::expression(&self.program, self.args.clone(), None);
        matches!(
            process::run(expr, Instant::now() + CHECK_LIMIT),
            Ok(Ended::Exited { code: 0, .. })
        )
    }
}

/// Classifies how a command ended. A mux client whose master died exits 255
/// without a word, so an unexplained 255 is a lost connection only when the
/// master is gone too; otherwise the command itself exited 255.
pub(crate) fn failure_of(
    target: &Target,
    code: i32,
    stderr: &str,
    master: Option<&MasterProbe>,
) -> Option<Failure> {
    let over_ssh = master.is_some();
    classify(code, stderr, over_ssh, target.become_user().is_some()).or_else(|| {
        let master = master.filter(|_| code == 255)?;
        (!master.alive()).then_some(Failure::ConnectionLost)
    })
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
            limit,
            stderr,
        },
    )
}

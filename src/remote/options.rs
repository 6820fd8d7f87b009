//! The `ssh` command lines for a target, decided in pure functions: a
//! master's (`remote::master`) and its clients'.
//!
//! OpenSSH takes the first value it sees for an option, so the order is the
//! policy: what `deploy` cannot work without comes first (no prompts, our
//! control socket, the master in the foreground), then what the inventory
//! says, then defaults the inventory's `ansible_ssh_common_args` may
//! override. Host key checking is never set here: it stays as the user's
//! ssh config and inventory say.

use std::ffi::OsString;
use std::path::Path;
use std::time::Duration;

use super::target::SshTarget;

/// Keep-alives: a dead connection is noticed within interval × count.
pub const SERVER_ALIVE_INTERVAL: u32 = 5;
pub const SERVER_ALIVE_COUNT_MAX: u32 = 3;

/// A client's options up to, not including, `--` and the destination: it
/// goes through the master at `socket`, and never becomes one itself (with
/// no master there, it connects on its own).
fn ssh_options(ssh: &SshTarget, socket: &Path, connect_timeout: Duration) -> Vec<OsString> {
    options(ssh, socket, &["ControlMaster=no"], connect_timeout)
}

/// The master's whole command line: it serves `socket` and runs nothing
/// (`-N`), in the foreground (`ControlPersist=no`, whatever the user's ssh
/// config says), so it stays our child until it is told to end.
pub fn master_command(ssh: &SshTarget, socket: &Path, connect_timeout: Duration) -> Vec<OsString> {
    let mut args = options(
        ssh,
        socket,
        &["ControlMaster=yes", "ControlPersist=no"],
        connect_timeout,
    );
    args.extend(["-N".into(), "--".into(), ssh.host.clone().into()]);
    args
}

fn options(
    ssh: &SshTarget,
    socket: &Path,
    control: &[&str],
    connect_timeout: Duration,
) -> Vec<OsString> {
    let mut args: Vec<OsString> = Vec::new();
    let mut option = |text: String| {
        args.push("-o".into());
        args.push(text.into());
    };
    option("BatchMode=yes".into());
    for text in control {
        option((*text).into());
    }
    option(format!("ControlPath={}", socket.display()));
    // Never a terminal: stdout and stderr must stay apart, and a prompt
    // must fail rather than wait.
    args.push("-T".into());
    if let Some(port) = ssh.port {
        args.push("-p".into());
        args.push(port.to_string().into());
    }
    if let Some(user) = &ssh.user {
        args.push("-l".into());
        args.push(user.into());
    }
    if let Some(key) = &ssh.key_file {
        args.push("-i".into());
        args.push(key.into());
    }
    args.extend(ssh.args.iter().map(OsString::from));
    let seconds = connect_timeout.as_secs_f64().ceil().max(1.0);
    for text in [
        format!("ConnectTimeout={seconds}"),
        format!("ServerAliveInterval={SERVER_ALIVE_INTERVAL}"),
        format!("ServerAliveCountMax={SERVER_ALIVE_COUNT_MAX}"),
    ] {
        args.push("-o".into());
        args.push(text.into());
    }
    args
}

/// The full command line: options, then `--` so that nothing after it (the
/// host, the remote command) is ever read as an option.
pub fn ssh_command(
    ssh: &SshTarget,
    socket: &Path,
    connect_timeout: Duration,
    command_line: &str,
) -> Vec<OsString> {
    let mut args = ssh_options(ssh, socket, connect_timeout);
    args.extend(["--".into(), ssh.host.clone().into(), command_line.into()]);
    args
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn target() -> SshTarget {
        SshTarget {
            host: "192.0.2.61".into(),
            port: Some(2222),
            user: Some("root".into()),
            key_file: Some(PathBuf::from("/keys/id")),
            args: vec![
                "-o".into(),
                "ConnectTimeout=3".into(),
                "-o".into(),
                "StrictHostKeyChecking=no".into(),
            ],
        }
    }

    fn strings(args: Vec<OsString>) -> Vec<String> {
        args.into_iter()
            .map(|arg| arg.into_string().unwrap())
            .collect()
    }

    #[test]
    fn options_come_in_the_order_that_decides_who_wins() {
        let args = strings(ssh_command(
            &target(),
            Path::new("/tmp/deploy-abc/0123"),
            Duration::from_millis(1500),
            "echo 'a b'",
        ));
        let line = args.join(" ");
        assert_eq!(
            line,
            "-o BatchMode=yes -o ControlMaster=no -o ControlPath=/tmp/deploy-abc/0123 \
             -T -p 2222 -l root -i /keys/id \
             -o ConnectTimeout=3 -o StrictHostKeyChecking=no \
             -o ConnectTimeout=2 -o ServerAliveInterval=5 -o ServerAliveCountMax=3 \
             -- 192.0.2.61 echo 'a b'"
        );
        // The remote command is one argument: ssh does not split it again.
        assert_eq!(args.last().unwrap(), "echo 'a b'");
    }

    #[test]
    fn the_master_stays_in_the_foreground_and_runs_nothing() {
        let args = strings(master_command(
            &target(),
            Path::new("/tmp/deploy-abc/0123"),
            Duration::from_secs(5),
        ));
        let line = args.join(" ");
        assert!(
            line.starts_with(
                "-o BatchMode=yes -o ControlMaster=yes -o ControlPersist=no \
                 -o ControlPath=/tmp/deploy-abc/0123 -T -p 2222"
            ),
            "{line}"
        );
        assert!(line.ends_with(" -N -- 192.0.2.61"), "{line}");
    }

    #[test]
    fn host_key_checking_is_left_to_the_user() {
        let mut plain = target();
        plain.args.clear();
        let line = strings(ssh_options(
            &plain,
            Path::new("/tmp/d"),
            Duration::from_secs(10),
        ))
        .join(" ");
        assert!(!line.contains("StrictHostKeyChecking"));
        assert!(!line.contains("UserKnownHostsFile"));
        assert!(!line.contains("-F"));
        assert!(line.contains("ConnectTimeout=10"));
    }

    #[test]
    fn unset_variables_add_nothing() {
        let bare = SshTarget {
            host: "node".into(),
            port: None,
            user: None,
            key_file: None,
            args: Vec::new(),
        };
        let args = strings(ssh_options(&bare, Path::new("/tmp/d"), Duration::ZERO));
        for flag in ["-p", "-l", "-i"] {
            assert!(!args.iter().any(|arg| arg == flag), "{flag}");
        }
        assert!(args.contains(&"ConnectTimeout=1".to_string()));
    }
}

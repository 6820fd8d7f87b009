//! The `ssh` command line for a target, decided in one pure function.
//!
//! OpenSSH takes the first value it sees for an option, so the order is the
//! policy: what `deploy` cannot work without comes first (no prompts, our
//! control socket), then what the inventory says, then defaults the
//! inventory's `ansible_ssh_common_args` may override. Host key checking is
//! never set here: it stays as the user's ssh config and inventory say.

use std::ffi::OsString;
use std::path::Path;
use std::time::Duration;

use super::target::SshTarget;

/// How long an idle master connection outlives its last command. `Session`
/// closes masters explicitly; this only bounds a master left behind by a
/// `deploy` killed with SIGKILL.
pub const CONTROL_PERSIST: &str = "60s";
/// Keep-alives: a dead connection is noticed within interval × count.
pub const SERVER_ALIVE_INTERVAL: u32 = 5;
pub const SERVER_ALIVE_COUNT_MAX: u32 = 3;

/// Options for `ssh` up to, not including, `--` and the destination.
/// `control_dir` holds the master sockets; `%C` (a hash of host, port and
/// user) keeps the path short, well under the 108-byte socket path limit.
pub fn ssh_options(
    ssh: &SshTarget,
    control_dir: &Path,
    connect_timeout: Duration,
) -> Vec<OsString> {
    let mut args: Vec<OsString> = Vec::new();
    let mut option = |text: String| {
        args.push("-o".into());
        args.push(text.into());
    };
    option("BatchMode=yes".into());
    option("ControlMaster=auto".into());
    option(format!("ControlPath={}/%C", control_dir.display()));
    option(format!("ControlPersist={CONTROL_PERSIST}"));
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
    control_dir: &Path,
    connect_timeout: Duration,
    command_line: &str,
) -> Vec<OsString> {
    let mut args = ssh_options(ssh, control_dir, connect_timeout);
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
            Path::new("/tmp/deploy-abc"),
            Duration::from_millis(1500),
            "echo 'a b'",
        ));
        let line = args.join(" ");
        assert_eq!(
            line,
            "-o BatchMode=yes -o ControlMaster=auto -o ControlPath=/tmp/deploy-abc/%C \
             -o ControlPersist=60s -T -p 2222 -l root -i /keys/id \
             -o ConnectTimeout=3 -o StrictHostKeyChecking=no \
             -o ConnectTimeout=2 -o ServerAliveInterval=5 -o ServerAliveCountMax=3 \
             -- 192.0.2.61 echo 'a b'"
        );
        // The remote command is one argument: ssh does not split it again.
        assert_eq!(args.last().unwrap(), "echo 'a b'");
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

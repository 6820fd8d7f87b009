//! Why a host could not be reached or a command not run there, each
//! failure the remote layer tells apart (`remote::Failure`) with its own
//! message and fix, and the probe's own failures. These are the only fixes
//! for them: the checks and the error at the top show them as they are.

use std::time::Duration;

use super::sudo::{self, PasswordFrom};
use super::{Advice, short};

/// What went wrong, so callers can decide whether to try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// No answer: a connect or banner timeout, no route, or an unknown name.
    Unreachable,
    /// Nothing listens on the SSH port.
    Refused,
    /// The server refused every key offered.
    AuthDenied,
    /// The host key is not in known_hosts and checking is strict.
    HostKeyUnknown,
    /// The host key differs from the one in known_hosts: never retried.
    HostKeyChanged,
    /// The connection dropped while a command ran.
    ConnectionLost,
    /// sudo asks for a password and none was given.
    SudoPassword,
    /// sudo asked for the password and refused the one given.
    SudoWrongPassword,
    /// The user may not use sudo, or not as the become user.
    SudoDenied,
    /// sudo is not installed on the host.
    SudoMissing,
    /// The command did not finish within its time limit and was stopped.
    TimeLimit,
}

/// The command that failed, where and how it was run: what the message
/// needs to know beyond the failure itself.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    pub host: &'a str,
    pub address: &'a str,
    /// The remote command, as `Cmd::label` shows it.
    pub command: &'a str,
    /// The ssh user, for sudo messages.
    pub user: Option<&'a str>,
    pub become_user: Option<&'a str>,
    /// Where the become password sent to sudo came from, if one was.
    pub password: Option<PasswordFrom>,
    pub limit: Duration,
    /// ssh's or sudo's own words: the whole stderr.
    pub stderr: &'a str,
}

/// What `failure` means for `attempt`, quoting ssh's or sudo's own words.
pub fn failure(failure: Failure, attempt: &Attempt<'_>) -> Advice {
    let ssh_said = ssh_line(attempt.stderr);
    let login = attempt.user.unwrap_or("your user");
    let become_user = attempt.become_user.unwrap_or("root");
    match failure {
        Failure::Unreachable => Advice::new(
            format!("cannot be reached over SSH: {ssh_said}"),
            "check that the host is up and that ansible_host and ansible_port are right; \
             --connect-timeout allows a slower network more time",
        ),
        Failure::Refused => Advice::new(
            format!("refused the SSH connection: {ssh_said}"),
            "start the SSH server on the host (systemctl start ssh), or correct ansible_port",
        ),
        Failure::AuthDenied => Advice::new(
            format!("did not accept the SSH key: {ssh_said}"),
            format!(
                "set ansible_ssh_private_key_file (and ansible_user) to a key the host knows, \
                 or install your key there: ssh-copy-id {}",
                copy_id_destination(attempt.address)
            ),
        ),
        Failure::HostKeyUnknown => Advice::new(
            format!("its SSH host key is not in known_hosts: {ssh_said}"),
            "verify the host's key fingerprint, then record it by connecting once with \
             `ssh` by hand (or ssh-keyscan into known_hosts); deploy never accepts keys on its own",
        ),
        Failure::HostKeyChanged => Advice::new(
            format!(
                "its SSH host key has CHANGED since it was recorded in known_hosts{}: either the host \
                 was reinstalled or someone is intercepting the connection",
                sent_fingerprint(attempt.stderr)
                    .map(|fingerprint| format!(" (it now sends {fingerprint})"))
                    .unwrap_or_default()
            ),
            format!(
                "if you know the host was reinstalled, remove the old key with `{}` \
                 and verify the new one; otherwise do not connect",
                remove_command(attempt.stderr).unwrap_or_else(|| "ssh-keygen -R HOST".to_owned())
            ),
        ),
        Failure::ConnectionLost => Advice::new(
            format!(
                "the SSH connection was lost while running `{}`{}",
                attempt.command,
                if ssh_said.is_empty() {
                    String::new()
                } else {
                    format!(": {ssh_said}")
                }
            ),
            "check that the host and its SSH server stay up; run deploy again to carry on",
        ),
        Failure::SudoPassword => sudo::asked(attempt.host, login, become_user),
        Failure::SudoWrongPassword => {
            sudo::refused(attempt.host, login, attempt.password, attempt.stderr)
        }
        Failure::SudoDenied => sudo::denied(login, become_user, attempt.stderr),
        Failure::SudoMissing => sudo::missing(),
        Failure::TimeLimit => Advice::new(
            format!(
                "`{}` did not finish within {} and was stopped",
                attempt.command,
                short(attempt.limit)
            ),
            "look at what the command waits for on the host; a slow host may need a longer limit",
        ),
    }
}

/// The fix for a missing `ssh` client: the `local.ssh-client` check's, and
/// each host's when a probe could not be sent for want of one.
pub const FIX_NO_SSH_CLIENT: &str = "install the OpenSSH client (Debian: apt-get install openssh-client; RHEL: dnf install openssh-clients)";

/// `ssh` is not on this machine's PATH: `why` says where it was looked for.
pub fn no_ssh_client(why: &str) -> Advice {
    Advice::new(
        format!("the OpenSSH client `ssh` was not found on PATH ({why})"),
        FIX_NO_SSH_CLIENT,
    )
}

/// A command that had to succeed exited non-zero on `host`.
pub fn command_failed(host: &str, command: &str, code: i32, stderr: &str) -> String {
    format!(
        "{host}: `{command}` failed with exit code {code}: {}",
        last_error(stderr)
    )
}

/// The probe ran but exited non-zero: its shell failed, since the script
/// itself never stops on an error.
pub fn probe_exited(code: i32, stderr: &str) -> Advice {
    Advice::new(
        format!("the probe exited with code {code}: {}", last_error(stderr)),
        "the probe is a POSIX `sh` script read from stdin: check that `sh -s` runs \
         for the login user on the host (through sudo with ansible_become)",
    )
}

/// The probe's answer could not be read: `why` says what was wrong.
pub fn probe_unreadable(why: &anyhow::Error) -> Advice {
    Advice::new(
        format!("{why:#}"),
        "something else printed on the probe's output: make the login shell on the host \
         silent for commands (no output from ~/.bashrc or /etc/profile)",
    )
}

/// The probe could not even be sent: this machine's trouble, not the
/// host's. Its own fix where it has one (no `ssh` client, say).
pub fn probe_not_sent(why: &anyhow::Error, fix: Option<&str>) -> Advice {
    Advice::new(
        format!("{why:#}"),
        fix.unwrap_or(
            "the message says what failed on this machine; fix it and run `deploy check` again",
        ),
    )
}

/// The fingerprint ssh says the host sent, from its changed-key warning.
fn sent_fingerprint(stderr: &str) -> Option<&str> {
    let mut lines = stderr.lines().map(str::trim);
    lines.find(|line| line.contains("key sent by the remote host is"))?;
    let fingerprint = lines.next()?.trim_end_matches('.');
    fingerprint.starts_with("SHA256:").then_some(fingerprint)
}

/// The last line of a command's stderr that says what failed: kubeadm ends
/// its errors with a line on how to see the stack trace, which says nothing.
pub fn last_error(stderr: &str) -> &str {
    stderr
        .trim_end()
        .lines()
        .rev()
        .find(|line| !line.starts_with("To see the stack trace of this error"))
        .unwrap_or("(no error output)")
}

/// The line of ssh's output worth quoting: the last one that is neither a
/// banner of `@`s nor ssh's closing "Host key verification failed." (unless
/// that is all there is), without ssh's `ssh: ` prefix.
fn ssh_line(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('@'))
        .collect();
    let line = lines
        .iter()
        .rev()
        .find(|line| !line.starts_with("Host key verification failed"))
        .or(lines.last());
    line.map(|line| line.strip_prefix("ssh: ").unwrap_or(line).to_owned())
        .unwrap_or_default()
}

/// ssh prints the exact `ssh-keygen -R` command for a changed key.
fn remove_command(stderr: &str) -> Option<String> {
    let mut lines = stderr.lines().map(str::trim);
    lines.find(|line| *line == "remove with:")?;
    lines
        .next()
        .filter(|line| line.starts_with("ssh-keygen "))
        .map(str::to_owned)
}

/// `user@host` and `-p port` for `ssh-copy-id`, from `user@host:port`.
fn copy_id_destination(address: &str) -> String {
    match address.rsplit_once(':') {
        Some((destination, port)) if port.bytes().all(|b| b.is_ascii_digit()) => {
            format!("-p {port} {destination}")
        }
        _ => address.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exit::Problem;
    use crate::remote::{attempt, sample};

    /// The message and fix `kind` gets from `stderr`.
    fn said(kind: Failure, stderr: &str) -> (String, String) {
        let advice = failure(kind, &attempt(stderr));
        (advice.message, advice.fix.expect("every failure has a fix"))
    }

    #[test]
    fn connection_failures_quote_ssh_and_say_what_to_do() {
        assert_eq!(
            said(Failure::Unreachable, sample("connect-timeout")),
            (
                "cannot be reached over SSH: connect to host 127.0.9.3 port 2222: Connection timed out".into(),
                "check that the host is up and that ansible_host and ansible_port are right; \
                 --connect-timeout allows a slower network more time".into()
            )
        );
        assert_eq!(
            said(Failure::Refused, sample("refused")),
            (
                "refused the SSH connection: connect to host 127.0.9.2 port 2222: Connection refused".into(),
                "start the SSH server on the host (systemctl start ssh), or correct ansible_port".into()
            )
        );
        assert_eq!(
            said(Failure::ConnectionLost, sample("closed-by-remote")),
            (
                "the SSH connection was lost while running `kubeadm join`: \
                 Connection to 127.0.9.1 closed by remote host."
                    .into(),
                "check that the host and its SSH server stay up; run deploy again to carry on"
                    .into()
            )
        );
        let (message, _) = said(Failure::ConnectionLost, "");
        assert_eq!(
            message,
            "the SSH connection was lost while running `kubeadm join`"
        );
    }

    #[test]
    fn a_refused_key_names_the_ssh_copy_id_to_run() {
        assert_eq!(
            said(Failure::AuthDenied, sample("auth-denied")),
            (
                "did not accept the SSH key: root@127.0.9.1: Permission denied (publickey).".into(),
                "set ansible_ssh_private_key_file (and ansible_user) to a key the host knows, \
                 or install your key there: ssh-copy-id -p 2222 root@127.0.9.1"
                    .into()
            )
        );
        assert_eq!(copy_id_destination("w1"), "w1");
    }

    #[test]
    fn host_key_failures_never_accept_a_key() {
        assert_eq!(
            said(Failure::HostKeyUnknown, sample("host-key-unknown-strict")),
            (
                "its SSH host key is not in known_hosts: No ED25519 host key is known for \
                 [127.0.9.1]:2222 and you have requested strict checking."
                    .into(),
                "verify the host's key fingerprint, then record it by connecting once with \
                 `ssh` by hand (or ssh-keyscan into known_hosts); deploy never accepts keys on its own"
                    .into()
            )
        );
        let (message, fix) = said(Failure::HostKeyChanged, sample("host-key-changed"));
        assert!(
            message.starts_with(
                "its SSH host key has CHANGED since it was recorded in known_hosts \
                 (it now sends SHA256:qA27Wc/GO4NFj9uhAtgUCOl25jkaUG2zIU8/Fg0hiMU): "
            ),
            "{message}"
        );
        assert_eq!(
            fix,
            "if you know the host was reinstalled, remove the old key with \
             `ssh-keygen -f \"known_hosts_changed\" -R \"[127.0.9.1]:2222\"` \
             and verify the new one; otherwise do not connect"
        );
        // Without ssh's own command to quote, the general one.
        let (_, fix) = said(Failure::HostKeyChanged, "");
        assert!(fix.contains("`ssh-keygen -R HOST`"), "{fix}");
    }

    #[test]
    fn the_time_limit_names_the_command_and_the_limit() {
        assert_eq!(
            said(Failure::TimeLimit, ""),
            (
                "`kubeadm join` did not finish within 1m 30s and was stopped".into(),
                "look at what the command waits for on the host; a slow host may need a longer limit"
                    .into()
            )
        );
    }

    #[test]
    fn probe_failures_say_what_to_check() {
        let exited = probe_exited(2, "sh: 1: syntax error\n");
        assert_eq!(
            exited.message,
            "the probe exited with code 2: sh: 1: syntax error"
        );
        assert_eq!(
            exited.fix.as_deref(),
            Some(
                "the probe is a POSIX `sh` script read from stdin: check that `sh -s` runs \
                 for the login user on the host (through sudo with ansible_become)"
            )
        );
        assert!(probe_exited(1, "").message.ends_with("(no error output)"));
        let unreadable = probe_unreadable(&anyhow::anyhow!("the probe did not answer"));
        assert_eq!(unreadable.message, "the probe did not answer");
        assert_eq!(
            unreadable.fix.as_deref(),
            Some(
                "something else printed on the probe's output: make the login shell on the host \
                 silent for commands (no output from ~/.bashrc or /etc/profile)"
            )
        );
    }

    #[test]
    fn a_probe_never_sent_keeps_the_fix_it_came_with() {
        let no_ssh = anyhow::Error::new(Problem::usage(no_ssh_client("cannot find binary path")));
        assert_eq!(
            probe_not_sent(&no_ssh, crate::exit::fix_of(&no_ssh)),
            Advice::new(
                "the OpenSSH client `ssh` was not found on PATH (cannot find binary path)",
                "install the OpenSSH client (Debian: apt-get install openssh-client; \
                 RHEL: dnf install openssh-clients)"
            )
        );
        let spawn = anyhow::anyhow!("cannot start /usr/bin/ssh");
        assert_eq!(
            probe_not_sent(&spawn, None),
            Advice::new(
                "cannot start /usr/bin/ssh",
                "the message says what failed on this machine; fix it and run `deploy check` again"
            )
        );
    }
}

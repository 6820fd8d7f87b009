//! Why a host could not be reached or a command could not run there, told
//! apart from ssh's and sudo's own words; the message and fix for each are
//! in `messages::remote`. The classification is pure and tested on real
//! OpenSSH output (`samples/`).

use std::fmt;

use crate::exit::Problem;
use crate::messages::{self, Advice};

pub use crate::messages::remote::{Attempt, Failure};

impl Failure {
    /// Whether trying again later can help. A changed host key never heals
    /// by waiting; neither does a missing key, sudo right or known_hosts entry.
    pub fn retryable(self) -> bool {
        matches!(
            self,
            Failure::Unreachable | Failure::Refused | Failure::ConnectionLost
        )
    }
}

/// A failure on one host: who (`Display`: name and address) caused by what
/// (`source`: a [`Problem`] with the message and the fix, which decides the
/// exit code and the `fix:` line). Find it in a chain with
/// `err.downcast_ref::<RemoteError>()`.
#[derive(Debug)]
pub struct RemoteError {
    pub host: String,
    pub address: String,
    pub failure: Failure,
    problem: Problem,
}

impl fmt::Display for RemoteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A local host's "address" says how, not where: the name alone.
        if self.address == "local" {
            f.write_str(&self.host)
        } else {
            f.write_str(&messages::who(&self.host, &self.address))
        }
    }
}

impl std::error::Error for RemoteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.problem)
    }
}

impl RemoteError {
    pub fn new(failure: Failure, attempt: &Attempt<'_>) -> RemoteError {
        RemoteError {
            host: attempt.host.to_owned(),
            address: attempt.address.to_owned(),
            failure,
            problem: Problem::failed(messages::remote::failure(failure, attempt)),
        }
    }

    /// What went wrong and the fix, without the host's name.
    pub fn advice(&self) -> &Advice {
        self.problem.advice()
    }
}

/// Decides from how `ssh` (or the local `sh`) ended whether a connection,
/// host-key or sudo failure happened, or whether the command simply ran and
/// returned `code`. `over_ssh`: exit status 255 is ssh's own. `via_sudo`: the
/// command was run through sudo (`super::sudo`).
pub fn classify(code: i32, stderr: &str, over_ssh: bool, via_sudo: bool) -> Option<Failure> {
    let has = |needle: &str| stderr.contains(needle);
    // With StrictHostKeyChecking=no, ssh warns of a changed key and logs in
    // anyway: the connection is not to be trusted, whatever it exited with.
    if over_ssh && has("REMOTE HOST IDENTIFICATION HAS CHANGED") {
        return Some(Failure::HostKeyChanged);
    }
    if over_ssh && code == 255 {
        let failure = if has("REMOTE HOST IDENTIFICATION HAS CHANGED")
            || (has("Host key for") && has("has changed"))
        {
            Failure::HostKeyChanged
        } else if has("Host key verification failed") || has("host key is known for") {
            Failure::HostKeyUnknown
        } else if has("Permission denied (") || has("Too many authentication failures") {
            Failure::AuthDenied
        } else if has("Connection refused") {
            Failure::Refused
        } else if has("timed out")
            || has("No route to host")
            || has("Network is unreachable")
            || has("Could not resolve hostname")
        {
            Failure::Unreachable
        } else if has("closed by remote host")
            || has("Connection reset")
            || has("Broken pipe")
            || has("not responding")
            || has("Connection closed by")
            || has("client_loop:")
        {
            Failure::ConnectionLost
        } else {
            return None;
        };
        return Some(failure);
    }
    if via_sudo {
        let sudo_says = |needle: &str| {
            stderr
                .lines()
                .any(|line| line.starts_with("sudo:") && line.contains(needle))
        };
        if code == 127 && (has("sudo: not found") || has("sudo: command not found")) {
            return Some(Failure::SudoMissing);
        }
        if code == 1 {
            // Each wrong password gets "Sorry, try again.", the last
            // "N incorrect password attempt(s)"; sudo-rs says "Authentication
            // failed, try again." and "incorrect authentication attempts".
            if has("Sorry, try again.")
                || sudo_says("incorrect password attempt")
                || sudo_says("incorrect authentication attempt")
                || sudo_says("Authentication failed")
            {
                return Some(Failure::SudoWrongPassword);
            }
            if sudo_says("a password is required")
                || sudo_says("interactive authentication is required")
            {
                return Some(Failure::SudoPassword);
            }
            if has("is not in the sudoers file")
                || has("is not allowed to execute")
                || has("may not run sudo")
                || sudo_says("unknown user")
            {
                return Some(Failure::SudoDenied);
            }
        }
    }
    None
}

/// Real OpenSSH and sudo output, for the tests here and of the messages.
#[cfg(test)]
pub(crate) fn sample(name: &str) -> &'static str {
    match name {
        "auth-denied" => include_str!("samples/auth-denied.txt"),
        "banner-timeout" => include_str!("samples/banner-timeout.txt"),
        "closed-by-remote" => include_str!("samples/closed-by-remote.txt"),
        "connect-timeout" => include_str!("samples/connect-timeout.txt"),
        "host-key-changed" => include_str!("samples/host-key-changed.txt"),
        "host-key-unknown-batch" => include_str!("samples/host-key-unknown-batch.txt"),
        "host-key-unknown-strict" => include_str!("samples/host-key-unknown-strict.txt"),
        "refused" => include_str!("samples/refused.txt"),
        "unresolvable" => include_str!("samples/unresolvable.txt"),
        "sudo-unknown-user" => include_str!("samples/sudo-unknown-user.txt"),
        "sudo-password" => include_str!("samples/sudo-password.txt"),
        "sudo-wrong-password" => include_str!("samples/sudo-wrong-password.txt"),
        "sudo-wrong-password-thrice" => include_str!("samples/sudo-wrong-password-thrice.txt"),
        "sudo-missing-dash" => include_str!("samples/sudo-missing-dash.txt"),
        "sudo-missing-bash" => include_str!("samples/sudo-missing-bash.txt"),
        other => panic!("no sample {other}"),
    }
}

/// A join run as deployer through sudo, with a limit of 90 s, that ended
/// with `stderr`: for the tests here and of the messages.
#[cfg(test)]
pub(crate) fn attempt(stderr: &str) -> Attempt<'_> {
    Attempt {
        host: "storagenodet3500",
        address: "root@127.0.9.1:2222",
        command: "kubeadm join",
        user: Some("deployer"),
        become_user: Some("root"),
        password: None,
        limit: std::time::Duration::from_secs(90),
        stderr,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exit::{Code, code_of, render};

    #[test]
    fn real_openssh_failures_are_told_apart() {
        for (name, expected) in [
            ("auth-denied", Failure::AuthDenied),
            ("banner-timeout", Failure::Unreachable),
            ("connect-timeout", Failure::Unreachable),
            ("unresolvable", Failure::Unreachable),
            ("refused", Failure::Refused),
            ("host-key-changed", Failure::HostKeyChanged),
            ("host-key-unknown-batch", Failure::HostKeyUnknown),
            ("host-key-unknown-strict", Failure::HostKeyUnknown),
            ("closed-by-remote", Failure::ConnectionLost),
        ] {
            assert_eq!(
                classify(255, sample(name), true, false),
                Some(expected),
                "{name}"
            );
            // The same words from a command that ran, or from `sh -c`, are
            // output; but for ssh's changed-key warning, which it gives and
            // then logs in anyway under StrictHostKeyChecking=no.
            let ran = classify(1, sample(name), true, false);
            if expected == Failure::HostKeyChanged {
                assert_eq!(ran, Some(expected), "{name}");
                assert_eq!(classify(0, sample(name), true, false), Some(expected));
            } else {
                assert_eq!(ran, None, "{name}");
            }
            assert_eq!(classify(255, sample(name), false, false), None, "{name}");
        }
    }

    #[test]
    fn a_command_exiting_255_on_its_own_is_not_a_connection_failure() {
        assert_eq!(classify(255, "", true, false), None);
        assert_eq!(classify(255, "error: no such pod\n", true, true), None);
    }

    #[test]
    fn sudo_failures_are_recognised_only_when_sudo_was_used() {
        let password = sample("sudo-password");
        assert_eq!(
            classify(1, password, true, true),
            Some(Failure::SudoPassword)
        );
        assert_eq!(classify(1, password, true, false), None);
        for wrong in ["sudo-wrong-password", "sudo-wrong-password-thrice"] {
            assert_eq!(
                classify(1, sample(wrong), true, true),
                Some(Failure::SudoWrongPassword),
                "{wrong}"
            );
            assert_eq!(classify(1, sample(wrong), true, false), None);
        }
        // sudo-rs's words for the same two refusals.
        assert_eq!(
            classify(1, "sudo: Authentication failed, try again.\n", false, true),
            Some(Failure::SudoWrongPassword)
        );
        assert_eq!(
            classify(
                1,
                "sudo: interactive authentication is required\n",
                false,
                true
            ),
            Some(Failure::SudoPassword)
        );
        let denied = "deployer is not in the sudoers file.  This incident will be reported.\n";
        assert_eq!(classify(1, denied, true, true), Some(Failure::SudoDenied));
        assert_eq!(
            classify(1, sample("sudo-unknown-user"), false, true),
            Some(Failure::SudoDenied)
        );
        for shell in ["sudo-missing-dash", "sudo-missing-bash"] {
            assert_eq!(
                classify(127, sample(shell), true, true),
                Some(Failure::SudoMissing)
            );
        }
        // A command that itself failed under sudo is the command's failure.
        assert_eq!(classify(1, "kubeadm: error\n", true, true), None);
    }

    #[test]
    fn only_transient_failures_are_retryable() {
        assert!(Failure::Unreachable.retryable());
        assert!(Failure::ConnectionLost.retryable());
        assert!(!Failure::HostKeyChanged.retryable());
        assert!(!Failure::AuthDenied.retryable());
        assert!(!Failure::TimeLimit.retryable());
    }

    #[test]
    fn the_error_names_the_host_then_says_what_to_do() {
        let err = anyhow::Error::new(RemoteError::new(
            Failure::Refused,
            &attempt(sample("refused")),
        ));
        assert_eq!(code_of(&err), Code::Failed);
        assert_eq!(
            render(&err),
            "deploy: error: storagenodet3500 (root@127.0.9.1:2222): refused the SSH connection: \
             connect to host 127.0.9.2 port 2222: Connection refused\n  \
             fix: start the SSH server on the host (systemctl start ssh), or correct ansible_port"
        );
        let local = RemoteError::new(
            Failure::TimeLimit,
            &Attempt {
                address: "local",
                ..attempt("")
            },
        );
        assert_eq!(local.to_string(), "storagenodet3500");
        assert!(local.advice().fix.is_some());
    }

    #[test]
    fn the_typed_failure_survives_added_context() {
        use anyhow::Context;
        let err = Err::<(), _>(anyhow::Error::new(RemoteError::new(
            Failure::HostKeyChanged,
            &attempt(""),
        )))
        .context("checking hosts")
        .unwrap_err();
        let remote = err.downcast_ref::<RemoteError>().unwrap();
        assert_eq!(remote.failure, Failure::HostKeyChanged);
        assert!(!remote.failure.retryable());
    }
}

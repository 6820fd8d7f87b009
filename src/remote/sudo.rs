//! Commands run as another user through sudo (`ansible_become`), and the
//! become password, which reaches sudo on stdin and nowhere else.
//!
//! Without a password a command runs as `sudo -n -u USER -- …`: sudo never
//! prompts, so a sudo that wants a password is an error
//! (`Failure::SudoPassword`), never a hang.
//!
//! With one, the password is the first line of the command's stdin, ahead
//! of what the command itself reads there (a script for `sh -s`, with its
//! secrets). The remote command line is a fixed wrapper, the same for every
//! password, run by the login user's `sh`:
//!
//! 1. It reads that first line into a shell variable: never exported, so in
//!    no process's environment, and written out only by the shell's own
//!    `printf`, so on no command line.
//! 2. It tries the password alone: `sudo -k -S -p "" -u USER -- sh -c :`
//!    with nothing but that line on its stdin. `-k` ignores cached
//!    credentials (and caches none), so sudo reads the line whenever its
//!    policy wants a password; a wrong one finds nothing more to read and
//!    fails after one attempt, in sudo's own words
//!    (`Failure::SudoWrongPassword`). sudo never gets to read the command's
//!    input as further attempts.
//! 3. It runs the command through `sudo -k -S -p "" -u USER`, whose stdin is
//!    the password line, an empty line, then the rest of its own stdin.
//!    Under sudo, a few lines of shell skip what sudo left there: nothing
//!    but the empty line when sudo read the password, the password line
//!    and the empty line when its policy wants none (NOPASSWD). Either way
//!    the command reads from where its own input starts.
//!
//! sudo reads its password a byte at a time up to a line feed or carriage
//! return, so it never takes more than the line; a password holding either
//! (or a NUL) cannot be given. An empty password is no password, as in
//! Ansible. The host's process list shows the wrapper, `sudo -k -S -p  -u
//! root -- sh -c …` and `cat`, never the password.

use anyhow::Result;

use super::cmd::{Cmd, Plan, quote_words};
use crate::messages::sudo::PasswordFrom;
use crate::secret::Secret;

/// The wrapper the login user's shell runs: `$1` the user to become, `$2`
/// the skipping lines, then the command. One line, for a login shell
/// (tcsh, say) that takes no line break inside quotes.
const WRAPPER: &str = concat!(
    "IFS= read -r p || exit 125; ",
    r#"e=$(printf "%s\n" "$p" | sudo -k -S -p "" -u "$1" -- sh -c : 2>&1 >/dev/null) "#,
    r#"|| { s=$?; printf "%s\n" "$e" >&2; exit "$s"; }; "#,
    "u=$1 skip=$2; shift 2; ",
    r#"{ printf "%s\n\n" "$p"; exec cat; } "#,
    r#"| sudo -k -S -p "" -u "$u" -- sh -c "$skip" deploy-become "$@""#,
);

/// Under sudo: skips the password line if sudo left it, then the empty
/// line, and runs the command on the rest.
const SKIP: &str = concat!(
    "IFS= read -r l || exit 125; ",
    r#"[ -z "$l" ] || { IFS= read -r l && [ -z "$l" ]; } || exit 125; "#,
    r#"unset l; exec "$@""#,
);

/// Whom commands run as, and the password sudo may ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Become {
    pub user: String,
    pub password: Option<BecomePassword>,
}

/// A become password and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BecomePassword {
    secret: Secret,
    from: PasswordFrom,
}

impl BecomePassword {
    /// `text` as sudo will read it: one line ending at its end is dropped;
    /// `None` when a line break or a NUL is left inside.
    pub fn new(text: &str, from: PasswordFrom) -> Option<BecomePassword> {
        let line = text
            .strip_suffix("\r\n")
            .or_else(|| text.strip_suffix('\n'))
            .unwrap_or(text);
        if line.contains(['\n', '\r', '\0']) {
            return None;
        }
        Some(BecomePassword {
            secret: Secret::new(line),
            from,
        })
    }

    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    pub fn from(&self) -> PasswordFrom {
        self.from
    }
}

impl Become {
    /// The password sudo is given: none when none was set, or it is empty.
    pub fn sent_password(&self) -> Option<&BecomePassword> {
        self.password
            .as_ref()
            .filter(|password| !password.secret.expose().is_empty())
    }
}

/// The remote command line and stdin that run `cmd` as `via.user`.
pub(crate) fn plan(via: &Become, cmd: &Cmd) -> Result<Plan> {
    let (shell, stdin) = cmd.shell()?;
    let argv = shell.iter().map(String::as_str);
    let Some(password) = via.sent_password() else {
        let mut words = vec!["sudo", "-n", "-u", via.user.as_str(), "--"];
        words.extend(argv);
        return Ok(Plan {
            command_line: quote_words(words)?,
            stdin,
        });
    };
    // One line, as `BecomePassword::new` made sure.
    let secret = password.secret.expose();
    let mut words = vec![
        "sh",
        "-c",
        WRAPPER,
        "deploy-become",
        via.user.as_str(),
        SKIP,
    ];
    words.extend(argv);
    let own = stdin.unwrap_or_default();
    let mut input = Vec::with_capacity(secret.len() + 1 + own.len());
    input.extend_from_slice(secret.as_bytes());
    input.push(b'\n');
    input.extend_from_slice(&own);
    Ok(Plan {
        command_line: quote_words(words)?,
        stdin: Some(input),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;
    use std::process::{Command, Stdio};

    const PASSWORD: &str = r#"Zq9 'q' "$HOME" \x ;"#;

    /// A `sudo` for the tests, first on PATH: it wants the password in the
    /// file beside it (`none`: NOPASSWD), reads it as sudo does, one line
    /// per attempt with -S, and records its environment beside it.
    const FAKE_SUDO: &str = r#"#!/bin/sh
here=$(dirname "$0")
env >>"$here/env"
wants=$(cat "$here/wants")
stdin=
while [ $# -gt 0 ]; do
  case $1 in
    --) shift; break ;;
    -u|-p) shift 2 ;;
    -S) stdin=1; shift ;;
    *) shift ;;
  esac
done
if [ "$wants" != none ]; then
  [ -n "$stdin" ] || { echo "sudo: a password is required" >&2; exit 1; }
  IFS= read -r pw || { echo "sudo: no password was provided" >&2; exit 1; }
  if [ "$pw" != "$wants" ]; then
    echo "Sorry, try again." >&2
    IFS= read -r pw && echo "sudo: read a second attempt: $pw" >&2
    echo "sudo: 1 incorrect password attempt" >&2
    exit 1
  fi
fi
exec "$@"
"#;

    fn become_root(password: Option<&str>) -> Become {
        Become {
            user: "root".into(),
            password: password.map(|text| {
                BecomePassword::new(text, PasswordFrom::Variable("ansible_become_pass")).unwrap()
            }),
        }
    }

    /// Runs `plan` with `sh -c`, the fake sudo wanting `wants`: its exit
    /// code, stdout, stderr and the environments sudo saw.
    fn run(plan: &Plan, wants: &str) -> (i32, String, String, String) {
        let dir = tempfile::tempdir().unwrap();
        let sudo = dir.path().join("sudo");
        std::fs::write(&sudo, FAKE_SUDO).unwrap();
        std::fs::set_permissions(&sudo, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::write(dir.path().join("wants"), wants).unwrap();
        let env = dir.path().join("env");
        let path = format!(
            "{}:{}",
            dir.path().display(),
            std::env::var("PATH").unwrap()
        );
        let mut child = Command::new("sh")
            .args(["-c", &plan.command_line])
            .env("PATH", path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(plan.stdin.as_deref().unwrap_or_default())
            .unwrap();
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        (
            out.status.code().unwrap_or(-1),
            text(&out.stdout),
            text(&out.stderr),
            std::fs::read_to_string(env).unwrap_or_default(),
        )
    }

    /// A script whose variable and body show it ran, then `cat`: what is
    /// left of its stdin after it.
    fn script_plan(via: &Become) -> Plan {
        let cmd = Cmd::script("shows", "echo \"script ran: $V\"\ncat").var("V", "it's");
        plan(via, &cmd).unwrap()
    }

    #[test]
    fn without_a_password_sudo_never_prompts() {
        let cmd = Cmd::argv(["echo", "a; b"]);
        let quoted = plan(&become_root(None), &cmd).unwrap();
        assert_eq!(
            quoted.command_line,
            "sudo -n -u root -- sh -c \"echo 'a; b'\""
        );
        assert_eq!(quoted.stdin, None);
        assert_eq!(run(&quoted, "none").1, "a; b\n");
        let odd_user = Become {
            user: "a b".into(),
            password: None,
        };
        let odd = plan(&odd_user, &cmd).unwrap().command_line;
        assert!(odd.starts_with("sudo -n -u 'a b' -- "), "{odd}");
        // An empty password is none, as in Ansible.
        let empty = script_plan(&become_root(Some("")));
        assert!(empty.command_line.starts_with("sudo -n -u root -- sh -s"));
        assert_eq!(run(&empty, "none").1, "script ran: it's\n");
    }

    #[test]
    fn the_password_is_on_stdin_only_and_the_command_reads_its_own_input() {
        let via = become_root(Some(PASSWORD));
        let plan = script_plan(&via);
        assert!(!plan.command_line.contains("Zq9"), "{}", plan.command_line);
        assert!(!plan.command_line.contains('\n'), "{}", plan.command_line);
        assert!(
            plan.stdin
                .as_ref()
                .unwrap()
                .starts_with(PASSWORD.as_bytes())
        );
        // Where sudo asks, and where it does not (NOPASSWD): the script
        // runs, and `cat` after it finds nothing of the password.
        for wants in [PASSWORD, "none"] {
            let (code, stdout, stderr, env) = run(&plan, wants);
            assert_eq!(
                (code, stdout.as_str()),
                (0, "script ran: it's\n"),
                "{stderr}"
            );
            assert!(!env.contains("Zq9") && !env.is_empty(), "{env}");
        }
        // An argument list has no input: it reads nothing at all.
        let argv = super::plan(&via, &Cmd::argv(["cat"])).unwrap();
        for wants in [PASSWORD, "none"] {
            assert_eq!(run(&argv, wants).1, "", "{wants}");
        }
    }

    #[test]
    fn a_wrong_password_is_refused_without_sudo_reading_the_command_input() {
        let plan = script_plan(&become_root(Some("wrong")));
        let (code, stdout, stderr, _) = run(&plan, PASSWORD);
        assert_eq!((code, stdout.as_str()), (1, ""));
        assert_eq!(
            stderr,
            "Sorry, try again.\nsudo: 1 incorrect password attempt\n"
        );
    }

    #[test]
    fn a_password_is_one_line() {
        let from = PasswordFrom::Prompt;
        let secret = |text| BecomePassword::new(text, from).map(|p| p.secret.expose().to_owned());
        assert_eq!(secret("pw\n").as_deref(), Some("pw"));
        assert_eq!(secret("pw\r\n").as_deref(), Some("pw"));
        for bad in ["a\nb", "a\rb", "pw\n\n", "a\0b"] {
            assert_eq!(secret(bad), None, "{bad:?}");
        }
    }
}

//! What to run on a host, and how it becomes the one string a remote shell
//! reads. Every word is quoted here, with shlex: no inventory value is ever
//! pasted into a shell string as it is.

use anyhow::{Result, bail};

/// A command for a host: an argument list, or a shell script read from stdin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cmd {
    kind: Shape,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    Argv(Vec<String>),
    Script {
        label: String,
        vars: Vec<(String, Vec<u8>)>,
        body: String,
    },
}

/// What is sent: the remote command line (visible in the host's process
/// list, so never a secret) and the bytes for its stdin (where secrets go,
/// so never shown).
pub(crate) struct Plan {
    pub command_line: String,
    pub stdin: Option<Vec<u8>>,
}

impl Cmd {
    /// Runs `args` as one command; each argument arrives as exactly that text.
    pub fn argv<I, S>(args: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Cmd {
            kind: Shape::Argv(args.into_iter().map(Into::into).collect()),
        }
    }

    /// Runs `body` with `sh -s`: the script travels on stdin, so it may be
    /// long and its variables may be secrets. `label` names it in messages.
    /// The script must not read stdin itself: stdin is the script.
    pub fn script(label: &str, body: &str) -> Cmd {
        Cmd {
            kind: Shape::Script {
                label: label.to_owned(),
                vars: Vec::new(),
                body: body.to_owned(),
            },
        }
    }

    /// Sets shell variable `name` to `value`, quoted, ahead of the script.
    /// It travels on stdin with the script, never on a command line. An
    /// argument list has no variables: this adds nothing there.
    pub fn var(mut self, name: &str, value: impl AsRef<[u8]>) -> Cmd {
        if let Shape::Script { vars, .. } = &mut self.kind {
            vars.push((name.to_owned(), value.as_ref().to_vec()));
        }
        self
    }

    /// How the command is named in messages: the quoted argument list, or
    /// the script's label. Never includes variables or stdin, where secrets go.
    pub fn label(&self) -> String {
        match &self.kind {
            Shape::Argv(args) => {
                shlex::try_join(args.iter().map(String::as_str)).unwrap_or_else(|_| args.join(" "))
            }
            Shape::Script { label, .. } => label.clone(),
        }
    }

    /// The remote command line and stdin, for the login user's shell.
    pub(crate) fn plan(&self) -> Result<Plan> {
        Ok(match &self.kind {
            Shape::Argv(args) => Plan {
                command_line: line(args)?,
                stdin: None,
            },
            Shape::Script { label, vars, body } => Plan {
                command_line: "sh -s".to_owned(),
                stdin: Some(script(label, vars, body)?),
            },
        })
    }

    /// The command as the words of a shell that runs it, for a program
    /// that runs it in turn (sudo): `sh -c LINE` or `sh -s`, and its stdin.
    pub(crate) fn shell(&self) -> Result<(Vec<String>, Option<Vec<u8>>)> {
        Ok(match &self.kind {
            Shape::Argv(args) => (vec!["sh".into(), "-c".into(), line(args)?], None),
            Shape::Script { label, vars, body } => (
                vec!["sh".into(), "-s".into()],
                Some(script(label, vars, body)?),
            ),
        })
    }
}

/// An argument list as one quoted line.
fn line(args: &[String]) -> Result<String> {
    if args.is_empty() {
        bail!("an empty command was asked for");
    }
    quote_words(args.iter().map(String::as_str))
}

/// A script with its variables set, quoted, ahead of its body.
fn script(label: &str, vars: &[(String, Vec<u8>)], body: &str) -> Result<Vec<u8>> {
    let mut script = Vec::new();
    for (name, value) in vars {
        if !is_shell_name(name) {
            bail!("script `{label}`: `{name}` is not a shell variable name");
        }
        script.extend_from_slice(name.as_bytes());
        script.push(b'=');
        script.extend_from_slice(&quote_bytes(value)?);
        script.push(b'\n');
    }
    script.extend_from_slice(body.as_bytes());
    if !body.ends_with('\n') {
        script.push(b'\n');
    }
    Ok(script)
}

/// Words quoted for a POSIX shell and joined with spaces.
pub fn quote_words<'a>(words: impl IntoIterator<Item = &'a str>) -> Result<String> {
    shlex::try_join(words).map_err(|err| anyhow::anyhow!("cannot pass a command argument: {err}"))
}

fn quote_bytes(value: &[u8]) -> Result<Vec<u8>> {
    shlex::bytes::try_quote(value)
        .map(|quoted| quoted.into_owned())
        .map_err(|err| anyhow::anyhow!("cannot pass a script variable: {err}"))
}

fn is_shell_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first == '_' || first.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `sh` makes of a command line: the argument list it would run.
    fn words_seen_by_sh(line: &str) -> Vec<String> {
        let out = std::process::Command::new("sh")
            .args([
                "-c",
                &format!("for a in {line}; do printf '%s\\0' \"$a\"; done"),
            ])
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout)
            .unwrap()
            .split_terminator('\0')
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn hostile_arguments_stay_text_for_a_real_shell() {
        let args = [
            "echo",
            "a; touch /tmp/pwned",
            "$(reboot)",
            "`id`",
            "it's",
            "\"q\"",
            "",
            "*",
            "line\nbreak",
            "~root",
            "-n",
        ];
        let plan = Cmd::argv(args).plan().unwrap();
        assert_eq!(words_seen_by_sh(&plan.command_line), args);
        assert_eq!(plan.stdin, None);
    }

    #[test]
    fn scripts_travel_on_stdin_with_their_variables_quoted() {
        let cmd = Cmd::script("probe", "echo \"$TOKEN\"")
            .var("TOKEN", "s3cr3t'; rm -rf /")
            .var("EMPTY", "");
        let plan = cmd.plan().unwrap();
        assert_eq!(plan.command_line, "sh -s");
        let script = String::from_utf8(plan.stdin.unwrap()).unwrap();
        assert!(!plan.command_line.contains("s3cr3t"));
        let out = std::process::Command::new("sh")
            .args(["-c", &script])
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            "s3cr3t'; rm -rf /\n"
        );
        assert_eq!(cmd.label(), "probe");
    }

    #[test]
    fn mistakes_are_errors_not_panics() {
        assert!(Cmd::argv(Vec::<String>::new()).plan().is_err());
        assert!(Cmd::argv(["a\0b"]).plan().is_err());
        assert!(Cmd::script("s", "true").var("1X", "v").plan().is_err());
        assert!(Cmd::script("s", "true").var("X", "a\0").plan().is_err());
    }

    #[test]
    fn labels_show_the_command_not_its_secrets() {
        assert_eq!(
            Cmd::argv(["kubeadm", "reset", "-f"]).label(),
            "kubeadm reset -f"
        );
        assert_eq!(Cmd::argv(["echo", "a b"]).label(), "echo 'a b'");
    }
}

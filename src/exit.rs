//! Exit codes, decided in one place, and the one error type that carries a
//! code and a fix through anyhow's context chain.

use std::fmt;

use crate::messages::{self, Advice};

/// How `deploy` ends. The numbers are part of the interface: scripts rely on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// Everything asked for was done (or was already done).
    Success = 0,
    /// A check, join or phase failed.
    Failed = 1,
    /// Usage, inventory or configuration error: nothing was attempted.
    Usage = 2,
    /// Stopped by Ctrl-C (SIGINT) or SIGTERM.
    Interrupted = 130,
}

impl Code {
    /// How the run ended, in `summary.json`.
    pub fn word(self) -> &'static str {
        match self {
            Code::Success => "success",
            Code::Failed => "failed",
            Code::Usage => "usage error",
            Code::Interrupted => "interrupted",
        }
    }
}

impl From<Code> for std::process::ExitCode {
    fn from(code: Code) -> Self {
        std::process::ExitCode::from(code as u8)
    }
}

/// An error whose exit code and fix are known where it happens. Anywhere in
/// an anyhow chain, it decides the exit code and adds the `fix:` line; errors
/// without one exit with [`Code::Failed`].
#[derive(Debug)]
pub struct Problem {
    code: Code,
    advice: Advice,
}

impl Problem {
    /// A mistake in the command line, the inventory or the configuration:
    /// a message, or an [`Advice`] with its fix.
    pub fn usage(advice: impl Into<Advice>) -> Self {
        Self {
            code: Code::Usage,
            advice: advice.into(),
        }
    }

    /// Something on a host or in a step went wrong: a message, or an
    /// [`Advice`] with its fix.
    pub fn failed(advice: impl Into<Advice>) -> Self {
        Self {
            code: Code::Failed,
            advice: advice.into(),
        }
    }

    pub fn interrupted() -> Self {
        Self {
            code: Code::Interrupted,
            advice: messages::INTERRUPTED.into(),
        }
    }

    /// What the user can do about it, printed on its own `fix:` line.
    pub fn fix(mut self, fix: impl Into<String>) -> Self {
        self.advice.fix = Some(fix.into());
        self
    }

    pub fn code(&self) -> Code {
        self.code
    }

    /// The message and fix, for callers that lay them out themselves (the
    /// check report).
    pub fn advice(&self) -> &Advice {
        &self.advice
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.advice.message)
    }
}

impl std::error::Error for Problem {}

/// The exit code an error stands for: the outermost [`Problem`] decides.
pub fn code_of(err: &anyhow::Error) -> Code {
    problem_of(err).map_or(Code::Failed, Problem::code)
}

/// The fix an error carries, where one is known.
pub fn fix_of(err: &anyhow::Error) -> Option<&str> {
    problem_of(err).and_then(|problem| problem.advice.fix.as_deref())
}

fn problem_of(err: &anyhow::Error) -> Option<&Problem> {
    err.chain()
        .find_map(|cause| cause.downcast_ref::<Problem>())
}

/// The text printed for an error, once, at the top: the whole context chain
/// on the first line, then the fix where one is known.
pub fn render(err: &anyhow::Error) -> String {
    let mut text = format!("deploy: error: {err:#}");
    for line in fix_of(err).map_or_else(Vec::new, |fix| messages::fix_lines("  ", "fix:", fix)) {
        text.push('\n');
        text.push_str(&line);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn the_problem_anywhere_in_the_chain_decides_the_code() {
        let err = Err::<(), _>(Problem::usage("no such file"))
            .context("reading inventory inventory/hosts.yml")
            .unwrap_err();
        assert_eq!(code_of(&err), Code::Usage);
        assert_eq!(code_of(&anyhow::anyhow!("plain")), Code::Failed);
    }

    #[test]
    fn errors_render_their_chain_and_fix() {
        let err = Err::<(), _>(
            Problem::usage("no such file").fix("pass -i PATH\nor set DEPLOY_INVENTORY"),
        )
        .context("reading inventory x.yml")
        .unwrap_err();
        assert_eq!(
            render(&err),
            "deploy: error: reading inventory x.yml: no such file\n  fix: pass -i PATH\n       or set DEPLOY_INVENTORY"
        );
    }

    #[test]
    fn a_problem_made_of_advice_keeps_its_fix() {
        let problem = Problem::failed(Advice::new("w1: refused", "start sshd"));
        assert_eq!(problem.advice().fix.as_deref(), Some("start sshd"));
        assert_eq!(
            render(&problem.into()),
            "deploy: error: w1: refused\n  fix: start sshd"
        );
        assert_eq!(
            render(&Problem::interrupted().into()),
            "deploy: error: interrupted"
        );
    }
}

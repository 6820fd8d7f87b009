//! Exit codes, decided in one place, and the one error type that carries a
//! code and a fix through anyhow's context chain.

use std::fmt;

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
    message: String,
    fix: Option<String>,
}

impl Problem {
    /// A mistake in the command line, the inventory or the configuration.
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            code: Code::Usage,
            message: message.into(),
            fix: None,
        }
    }

    /// Something on a host or in a step went wrong.
    pub fn failed(message: impl Into<String>) -> Self {
        Self {
            code: Code::Failed,
            message: message.into(),
            fix: None,
        }
    }

    pub fn interrupted() -> Self {
        Self {
            code: Code::Interrupted,
            message: "interrupted".into(),
            fix: None,
        }
    }

    /// What the user can do about it, printed on its own `fix:` line.
    pub fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }

    pub fn code(&self) -> Code {
        self.code
    }

    /// The fix, for callers that lay it out themselves (the check report).
    pub fn fix_text(&self) -> Option<&str> {
        self.fix.as_deref()
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Problem {}

/// The exit code an error stands for: the outermost [`Problem`] decides.
pub fn code_of(err: &anyhow::Error) -> Code {
    problem_of(err).map_or(Code::Failed, Problem::code)
}

/// The fix an error carries, where one is known.
pub fn fix_of(err: &anyhow::Error) -> Option<&str> {
    problem_of(err).and_then(Problem::fix_text)
}

fn problem_of(err: &anyhow::Error) -> Option<&Problem> {
    err.chain()
        .find_map(|cause| cause.downcast_ref::<Problem>())
}

/// The text printed for an error, once, at the top: the whole context chain
/// on the first line, then the fix where one is known.
pub fn render(err: &anyhow::Error) -> String {
    let mut text = format!("deploy: error: {err:#}");
    if let Some(fix) = problem_of(err).and_then(|problem| problem.fix.as_deref()) {
        for (index, line) in fix.lines().enumerate() {
            text.push_str(if index == 0 { "\n  fix: " } else { "\n       " });
            text.push_str(line);
        }
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
}

//! Confirmations. Whether to ask is decided apart from asking, so the rule —
//! never wait on a prompt nobody can answer — is unit-tested.

use std::io::{BufRead, Write};

use anyhow::{Context, Result};

use crate::exit::Problem;

/// What to do about a confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    Proceed,
    Ask,
    /// No terminal to ask on, and no flag that answers: stop, naming the flags.
    Refuse,
}

/// `answered` is true when a flag (`--yes`, or one that implies consent)
/// already answers the question.
pub fn decide(answered: bool, interactive: bool) -> Confirm {
    match (answered, interactive) {
        (true, _) => Confirm::Proceed,
        (false, true) => Confirm::Ask,
        (false, false) => Confirm::Refuse,
    }
}

/// Asks `question` unless a flag already answers it (`answered`); with no
/// terminal to ask on and no flag, refuses, naming `flags`.
pub fn confirm(question: &str, answered: bool, interactive: bool, flags: &str) -> Result<bool> {
    match decide(answered, interactive) {
        Confirm::Proceed => Ok(true),
        Confirm::Ask => ask(
            question,
            &mut std::io::stdin().lock(),
            &mut std::io::stderr(),
        ),
        Confirm::Refuse => Err(refusal(question, flags).into()),
    }
}

/// Asks `question` on the terminal; only "y" or "yes" proceeds.
pub fn ask(question: &str, input: &mut dyn BufRead, output: &mut dyn Write) -> Result<bool> {
    write!(output, "{question} [y/N] ")?;
    output.flush()?;
    let mut answer = String::new();
    input.read_line(&mut answer).context("reading the answer")?;
    // Ctrl-C while the question waited: the read gave up, so do we.
    if crate::interrupt::requested() {
        return Err(crate::exit::Problem::interrupted().into());
    }
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

/// Like [`confirm`], for what cannot be undone: the terminal's answer
/// must be the word `yes`, not `y`.
pub fn confirm_word(
    question: &str,
    answered: bool,
    interactive: bool,
    flags: &str,
) -> Result<bool> {
    match decide(answered, interactive) {
        Confirm::Proceed => Ok(true),
        Confirm::Ask => ask_word(
            question,
            &mut std::io::stdin().lock(),
            &mut std::io::stderr(),
        ),
        Confirm::Refuse => Err(refusal(question, flags).into()),
    }
}

/// Asks `question` on the terminal; only the word "yes" proceeds.
pub fn ask_word(question: &str, input: &mut dyn BufRead, output: &mut dyn Write) -> Result<bool> {
    write!(output, "{question} ")?;
    output.flush()?;
    let mut answer = String::new();
    input.read_line(&mut answer).context("reading the answer")?;
    if crate::interrupt::requested() {
        return Err(crate::exit::Problem::interrupted().into());
    }
    Ok(answer.trim().eq_ignore_ascii_case("yes"))
}

/// The error when a confirmation cannot be asked: `flags` answer it.
pub fn refusal(question: &str, flags: &str) -> Problem {
    Problem::usage(crate::messages::commands::refusal(question, flags))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flag_answers_a_terminal_asks_nothing_else_refuses() {
        assert_eq!(decide(true, false), Confirm::Proceed);
        assert_eq!(decide(true, true), Confirm::Proceed);
        assert_eq!(decide(false, true), Confirm::Ask);
        assert_eq!(decide(false, false), Confirm::Refuse);
    }

    #[test]
    fn only_yes_proceeds() {
        for (answer, expected) in [
            ("y\n", true),
            ("YES\n", true),
            ("\n", false),
            ("no\n", false),
            ("", false),
        ] {
            let mut output = Vec::new();
            assert_eq!(
                ask("Proceed?", &mut answer.as_bytes(), &mut output).unwrap(),
                expected
            );
            assert_eq!(output, b"Proceed? [y/N] ");
        }
    }

    #[test]
    fn only_the_word_yes_proceeds_where_it_cannot_be_undone() {
        for (answer, expected) in [
            ("yes\n", true),
            (" Yes \n", true),
            ("y\n", false),
            ("", false),
        ] {
            let mut output = Vec::new();
            assert_eq!(
                ask_word("Reset?", &mut answer.as_bytes(), &mut output).unwrap(),
                expected,
                "{answer:?}"
            );
            assert_eq!(output, b"Reset? ");
        }
    }

    #[test]
    fn the_refusal_names_the_flags() {
        let problem = refusal("Proceed with two-phase deployment?", "--yes or --with-rke2");
        assert!(
            problem
                .to_string()
                .contains("Proceed with two-phase deployment?")
        );
        let err = anyhow::Error::new(problem);
        assert!(crate::exit::render(&err).contains("fix: run again with --yes or --with-rke2"));
    }
}

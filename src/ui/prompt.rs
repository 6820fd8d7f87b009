//! Confirmations. Whether to ask is decided apart from asking, so the rule —
//! never wait on a prompt nobody can answer — is unit-tested.

use std::io::{BufRead, Write};
use std::os::fd::AsRawFd;
use std::sync::Mutex;

use anyhow::{Context, Result, bail};

use crate::exit::Problem;
use crate::messages::sudo;
use crate::secret::Secret;

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

/// The terminal's settings from before a password prompt turned its echo
/// off: given back after the prompt, or by a signal that ends `deploy`
/// while it waits.
static BEFORE_PROMPT: Mutex<Option<libc::termios>> = Mutex::new(None);

/// A password asked on the terminal (`/dev/tty`, as sudo and ssh ask)
/// with nothing echoed, the terminal given back however it ends.
pub fn password(question: &str) -> std::io::Result<String> {
    // Echo goes off before the question is shown, as sudo does it, so that
    // nothing typed as soon as it shows is echoed.
    *crate::interrupt::lock(&BEFORE_PROMPT) = echo_off();
    crate::interrupt::at_exit(give_terminal_back);
    let typed = rpassword::prompt_password(question);
    give_terminal_back();
    typed
}

/// `-K`'s question. With no terminal nothing can answer: a usage error.
/// Ctrl-D answers nothing, which is no password, as in Ansible.
pub fn become_password() -> Result<Secret> {
    match password(sudo::PROMPT) {
        Ok(typed) => Ok(Secret::new(typed)),
        Err(err) if err.kind() == std::io::ErrorKind::UnexpectedEof => Ok(Secret::new("")),
        Err(err) if err.kind() == std::io::ErrorKind::Interrupted => bail!(Problem::interrupted()),
        Err(err) => Err(Problem::usage(sudo::no_terminal(&err)).into()),
    }
}

/// Turns the terminal's echo off; its settings from before, if there is one.
fn echo_off() -> Option<libc::termios> {
    let tty = std::fs::File::open("/dev/tty").ok()?;
    // SAFETY: tcgetattr and tcsetattr on a descriptor we own, with termios
    // structures of our own.
    unsafe {
        let mut before: libc::termios = std::mem::zeroed();
        if libc::tcgetattr(tty.as_raw_fd(), &mut before) != 0 {
            return None;
        }
        let mut quiet = before;
        quiet.c_lflag &= !(libc::ECHO | libc::ECHONL);
        libc::tcsetattr(tty.as_raw_fd(), libc::TCSANOW, &quiet);
        Some(before)
    }
}

fn give_terminal_back() {
    let Some(before) = crate::interrupt::lock(&BEFORE_PROMPT).take() else {
        return;
    };
    if let Ok(tty) = std::fs::File::open("/dev/tty") {
        // SAFETY: tcsetattr on a descriptor we own, from settings it had.
        unsafe {
            libc::tcsetattr(tty.as_raw_fd(), libc::TCSANOW, &before);
        }
    }
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

//! Terminal output: colour is decided once here, and every other module asks
//! [`Ui`] rather than looking at the terminal itself.

pub mod progress;
pub mod prompt;
mod table;

pub use table::print_table;

use std::io::IsTerminal;

/// `--color`: whether to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// How to talk to the person (or script) running `deploy`.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    /// stderr is a terminal: live progress bars and prompts are possible.
    pub interactive: bool,
    pub color: bool,
    pub quiet: bool,
    pub verbose: u8,
}

impl Ui {
    pub fn new(choice: Color, quiet: bool, verbose: u8) -> Self {
        let interactive = std::io::stderr().is_terminal();
        let color = decide_color(
            choice,
            std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty()),
            std::env::var("TERM").is_ok_and(|term| term == "dumb"),
            interactive && std::io::stdout().is_terminal(),
        );
        console::set_colors_enabled(color);
        console::set_colors_enabled_stderr(color);
        Self {
            interactive,
            color,
            quiet,
            verbose,
        }
    }
}

/// Where results (tables, the `--check` plan) go: stdout, unless the
/// command was asked for JSON events (`--output jsonl`, `events`), which
/// stdout then carries alone, even once its reader has gone.
pub fn results(events: bool) -> Box<dyn std::io::Write> {
    if events {
        Box::new(std::io::stderr().lock())
    } else {
        Box::new(std::io::stdout().lock())
    }
}

/// The `deploy: error:` prefix in bold red where colour is on.
pub fn error_prefix(rendered: &str) -> String {
    const PREFIX: &str = "deploy: error:";
    match rendered.strip_prefix(PREFIX) {
        Some(rest) => format!("{}{rest}", console::style(PREFIX).red().bold().for_stderr()),
        None => rendered.to_string(),
    }
}

/// `--color` wins; then NO_COLOR (https://no-color.org), then TERM=dumb,
/// then whether we are writing to a terminal at all.
pub fn decide_color(choice: Color, no_color: bool, dumb: bool, terminal: bool) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => !no_color && !dumb && terminal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_is_decided_in_order() {
        assert!(decide_color(Color::Always, true, true, false));
        assert!(!decide_color(Color::Never, false, false, true));
        assert!(decide_color(Color::Auto, false, false, true));
        assert!(!decide_color(Color::Auto, true, false, true));
        assert!(!decide_color(Color::Auto, false, true, true));
        assert!(!decide_color(Color::Auto, false, false, false));
    }
}

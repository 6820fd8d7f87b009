//! Progress, made in one place: on a terminal one live line per host
//! (indicatif), otherwise — or with `-q` — one plain timestamped line per
//! event, with no escape codes, for CI logs.

use std::borrow::Cow;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use console::style;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Ui;

/// The progress display of one command run.
#[derive(Clone)]
pub struct Progress {
    /// None when not drawing bars: events are printed as plain lines.
    multi: Option<MultiProgress>,
    name_width: usize,
}

impl Progress {
    /// `names` are the hosts that will get a line, to align the columns.
    pub fn new(ui: Ui, names: &[&str]) -> Self {
        let multi = (ui.interactive && !ui.quiet)
            .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr_with_hz(10)));
        let name_width = names.iter().map(|name| name.len()).max().unwrap_or(0);
        Self { multi, name_width }
    }

    /// A live line for one host, in `state`.
    pub fn host(&self, name: &str, state: &str) -> HostLine {
        let bar = self.multi.as_ref().map(|multi| {
            let bar = multi.add(ProgressBar::new_spinner());
            bar.set_style(running_style(self.name_width));
            bar.set_prefix(name.to_string());
            bar.set_message(state.to_string());
            bar.enable_steady_tick(Duration::from_millis(100));
            bar
        });
        let line = HostLine {
            bar,
            name: name.to_string(),
            name_width: self.name_width,
            last: Mutex::new(String::new()),
        };
        if line.bar.is_none() {
            line.event(state);
        }
        line
    }

    /// A block of text (a failure message) printed above the live lines
    /// without tearing them, or plainly when there are none.
    pub fn print_block(&self, text: &str) {
        match &self.multi {
            Some(multi) => {
                // println fails only when the draw target is hidden.
                if multi.println(text).is_err() {
                    eprintln!("{text}");
                }
            }
            None => eprintln!("{text}"),
        }
    }
}

/// One host's line.
pub struct HostLine {
    bar: Option<ProgressBar>,
    name: String,
    name_width: usize,
    /// The last plain event printed: a state said once is not said again.
    last: Mutex<String>,
}

impl HostLine {
    /// The host moved on to a new state ("joining [kubelet-start]").
    pub fn set(&self, state: impl Into<Cow<'static, str>>) {
        let state = state.into();
        match &self.bar {
            Some(bar) => bar.set_message(state),
            None => self.event(&state),
        }
    }

    /// The host is done, well.
    pub fn succeed(&self, outcome: &str) {
        self.finish(&style("✓").green().for_stderr().to_string(), outcome);
    }

    /// The host is done, badly.
    pub fn fail(&self, outcome: &str) {
        self.finish(&style("✗").red().for_stderr().to_string(), outcome);
    }

    /// The host is done, neither well nor badly (skipped, left running).
    pub fn note(&self, outcome: &str) {
        self.finish(&style("!").yellow().for_stderr().to_string(), outcome);
    }

    fn finish(&self, mark: &str, outcome: &str) {
        match &self.bar {
            Some(bar) => {
                bar.set_style(done_style(self.name_width, mark));
                bar.finish_with_message(outcome.to_string());
            }
            None => self.event(outcome),
        }
    }

    fn event(&self, text: &str) {
        if let Ok(mut last) = self.last.lock() {
            if *last == text {
                return;
            }
            text.clone_into(&mut last);
        }
        eprintln!(
            "{}",
            plain_line(SystemTime::now(), &self.name, self.name_width, text)
        );
    }
}

/// `2026-11-24T10:00:00Z  storagenodet3500  joining [preflight]`
pub fn plain_line(at: SystemTime, name: &str, width: usize, text: &str) -> String {
    format!(
        "{}  {name:<width$}  {text}",
        humantime::format_rfc3339_seconds(at)
    )
}

fn running_style(width: usize) -> ProgressStyle {
    let template =
        format!("{{spinner:.cyan}} {{prefix:<{width}.bold}}  {{wide_msg}} {{elapsed:>4.dim}}");
    ProgressStyle::with_template(&template)
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
        .tick_chars("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏ ")
}

fn done_style(width: usize, mark: &str) -> ProgressStyle {
    // The mark is already styled; braces in it cannot occur.
    let template = format!("{mark} {{prefix:<{width}.bold}}  {{wide_msg}} {{elapsed:>4.dim}}");
    ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_spinner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_lines_are_timestamped_aligned_and_escape_free() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let line = plain_line(at, "w1", 6, "joining [preflight]");
        assert_eq!(line, "2023-11-14T22:13:20Z  w1      joining [preflight]");
        assert!(!line.contains('\u{1b}'));
    }

    #[test]
    fn templates_are_valid() {
        assert!(
            ProgressStyle::with_template(&format!(
                "{{spinner:.cyan}} {{prefix:<{}.bold}}  {{wide_msg}} {{elapsed:>4.dim}}",
                12
            ))
            .is_ok()
        );
        assert!(
            ProgressStyle::with_template("✓ {prefix:<3.bold}  {wide_msg} {elapsed:>4.dim}").is_ok()
        );
    }
}

//! Progress, made in one place: on a terminal one live line per host
//! (indicatif), otherwise — or with `-q` — one plain timestamped line per
//! event, with no escape codes, for CI logs.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use console::style;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Ui;

/// The live display while there is one: messages from other threads, such
/// as the Ctrl-C notice, are printed above its lines. Displays made while
/// one is live join it (two chains of phases at once share the screen).
static LIVE: Mutex<Option<Live>> = Mutex::new(None);

struct Live {
    multi: MultiProgress,
    /// The displays sharing it; the last one to end gives the terminal back.
    users: usize,
    echo_quieted: bool,
}

/// The progress display of one command run.
#[derive(Clone)]
pub struct Progress {
    /// None when not drawing bars: events are printed as plain lines.
    multi: Option<MultiProgress>,
    name_width: usize,
    /// Ends the live display (and gives the terminal back) when the last
    /// clone is dropped.
    _live: Option<Arc<LiveGuard>>,
}

impl Progress {
    /// `names` are the hosts that will get a line, to align the columns.
    pub fn new(ui: Ui, names: &[&str]) -> Self {
        let multi = (ui.interactive && !ui.quiet).then(join_live);
        let live = multi.as_ref().map(|_| Arc::new(LiveGuard));
        let name_width = names.iter().map(|name| name.len()).max().unwrap_or(0);
        Self {
            multi,
            name_width,
            _live: live,
        }
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

    /// A count of hosts answered out of `total`, naming those still awaited:
    /// drawn on a terminal only, and cleared when dropped, so a report
    /// printed after it stands alone.
    pub fn tally(&self, label: &'static str, total: usize) -> Tally {
        let bar = self.multi.as_ref().map(|multi| {
            let bar = multi.add(ProgressBar::new(total as u64));
            bar.set_style(tally_style());
            bar.set_prefix(label);
            bar.enable_steady_tick(Duration::from_millis(100));
            bar
        });
        Tally {
            bar,
            awaited: Mutex::new(BTreeSet::new()),
        }
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

/// Prints `text` on stderr from any thread: above the live lines when they
/// are drawn (so they are not torn), plainly otherwise.
pub fn print_above(text: &str) {
    let live = lock(&LIVE).as_ref().map(|live| live.multi.clone());
    match live {
        Some(multi) if multi.println(text).is_ok() => {}
        _ => eprintln!("{text}"),
    }
}

/// Gives the terminal its echo of control characters back: for exits that
/// skip destructors (a second Ctrl-C).
fn restore_terminal() {
    if lock(&LIVE).take().is_some_and(|live| live.echo_quieted) {
        echo_control_characters();
    }
}

/// The live display, joined: made when none is live, shared otherwise.
fn join_live() -> MultiProgress {
    let mut live = lock(&LIVE);
    if let Some(live) = live.as_mut() {
        live.users += 1;
        return live.multi.clone();
    }
    let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr_with_hz(10));
    crate::interrupt::at_exit(restore_terminal);
    *live = Some(Live {
        multi: multi.clone(),
        users: 1,
        echo_quieted: quiet_control_echo(),
    });
    multi
}

/// One display's share of the live one; the last to go ends it.
struct LiveGuard;

impl Drop for LiveGuard {
    fn drop(&mut self) {
        let mut live = lock(&LIVE);
        let last = live.as_mut().is_some_and(|live| {
            live.users -= 1;
            live.users == 0
        });
        if last && live.take().is_some_and(|live| live.echo_quieted) {
            echo_control_characters();
        }
    }
}

/// While live lines are drawn, the terminal must not echo `^C`: the echo
/// lands after the last line, unknown to indicatif, whose next redraw then
/// leaves a stale copy of the lines behind. Only for the foreground process
/// group (a background one would be stopped by SIGTTOU); true when changed.
fn quiet_control_echo() -> bool {
    let fd = libc::STDERR_FILENO;
    // SAFETY: tcgetpgrp/getpgrp/tcgetattr/tcsetattr on our own stderr, with
    // a termios owned by this frame.
    unsafe {
        if libc::tcgetpgrp(fd) != libc::getpgrp() {
            return false;
        }
        let mut termios: libc::termios = std::mem::zeroed();
        if libc::tcgetattr(fd, &mut termios) != 0 || termios.c_lflag & libc::ECHOCTL == 0 {
            return false;
        }
        termios.c_lflag &= !libc::ECHOCTL;
        libc::tcsetattr(fd, libc::TCSANOW, &termios) == 0
    }
}

fn echo_control_characters() {
    let fd = libc::STDERR_FILENO;
    // SAFETY: as in quiet_control_echo; only the ECHOCTL bit is set back, so
    // other changes made meanwhile stay.
    unsafe {
        let mut termios: libc::termios = std::mem::zeroed();
        if libc::tcgetattr(fd, &mut termios) == 0 {
            termios.c_lflag |= libc::ECHOCTL;
            libc::tcsetattr(fd, libc::TCSANOW, &termios);
        }
    }
}

/// A poisoned lock still holds a usable display handle.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
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

/// Hosts answered so far (see [`Progress::tally`]).
pub struct Tally {
    bar: Option<ProgressBar>,
    awaited: Mutex<BTreeSet<String>>,
}

impl Tally {
    /// `name` is being asked; it counts as answered when the guard drops.
    pub fn asking<'a>(&'a self, name: &str) -> Asking<'a> {
        lock(&self.awaited).insert(name.to_owned());
        self.redraw();
        Asking {
            tally: self,
            name: name.to_owned(),
        }
    }

    fn redraw(&self) {
        if let Some(bar) = &self.bar {
            let awaited = lock(&self.awaited);
            let names: Vec<&str> = awaited.iter().map(String::as_str).collect();
            bar.set_message(crate::messages::progress::awaiting(&names));
        }
    }
}

impl Drop for Tally {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// One host being asked, in a [`Tally`].
pub struct Asking<'a> {
    tally: &'a Tally,
    name: String,
}

impl Drop for Asking<'_> {
    fn drop(&mut self) {
        lock(&self.tally.awaited).remove(&self.name);
        if let Some(bar) = &self.tally.bar {
            bar.inc(1);
        }
        self.tally.redraw();
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

fn tally_style() -> ProgressStyle {
    ProgressStyle::with_template(TALLY_TEMPLATE)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .tick_chars("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏ ")
        .progress_chars("━╸ ")
}

const TALLY_TEMPLATE: &str =
    "{spinner:.cyan} {prefix}  {bar:24.cyan/dim} {pos}/{len}  {wide_msg:.dim} {elapsed:>4.dim}";

fn done_style(width: usize, mark: &str) -> ProgressStyle {
    // The mark is already styled; braces in it cannot occur. The outcome
    // says how long it took ("joined in 3.2s"), so no elapsed column.
    let template = format!("{mark} {{prefix:<{width}.bold}}  {{wide_msg}}");
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
        assert!(ProgressStyle::with_template("✓ {prefix:<3.bold}  {wide_msg}").is_ok());
        assert!(ProgressStyle::with_template(TALLY_TEMPLATE).is_ok());
    }
}

//! Running `deploy` in a real pseudo-terminal, as a person would: what is
//! drawn there (colour, live lines) differs from what a pipe gets.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

use crate::support::run::deploy;
use crate::support::terminal;

/// The pseudo-terminal's size.
pub const COLS: usize = 120;
pub const ROWS: usize = 40;

/// What a terminal showed, and how the program ended.
pub struct Screen {
    /// Every byte drawn, escape sequences included.
    pub output: String,
    pub code: u32,
    /// The terminal echoes control characters (`^C`) once the program has
    /// ended, as it did before.
    pub echoes_control: bool,
    /// The terminal echoes what is typed once the program has ended: a
    /// password prompt gave it back.
    pub echoes: bool,
}

impl Screen {
    /// The output without escape sequences.
    pub fn text(&self) -> String {
        terminal::strip(&self.output)
    }

    /// The terminal's lines (scrollback and screen) once the program ended,
    /// as a person would read them.
    pub fn lines(&self) -> Vec<String> {
        terminal::replay(self.output.as_bytes(), COLS, ROWS)
    }
}

/// Runs the real binary with `args` in a 120x40 pseudo-terminal and
/// returns everything it drew. `env` is added to a clean environment.
pub fn run(args: &[&str], env: &[(&str, &str)], cwd: &Path, limit: Duration) -> Screen {
    spawn(args, env, cwd, limit).finish()
}

/// `deploy` running in a pseudo-terminal, for tests that type into it.
pub struct Running {
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    drawn: Arc<Mutex<Vec<u8>>>,
    reader: std::thread::JoinHandle<()>,
    started: Instant,
    limit: Duration,
    args: Vec<String>,
}

/// Starts the real binary with `args` in a 120x40 pseudo-terminal; `limit`
/// bounds the whole run. `env` is added to a clean environment.
pub fn spawn(args: &[&str], env: &[(&str, &str)], cwd: &Path, limit: Duration) -> Running {
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: ROWS as u16,
            cols: COLS as u16,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("a pseudo-terminal");
    let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_deploy"));
    command.args(args);
    command.cwd(cwd);
    command.env_clear();
    command.env("PATH", std::env::var("PATH").unwrap_or_default());
    command.env("TERM", "xterm-256color");
    for (key, value) in env {
        command.env(key, value);
    }
    let child = pair
        .slave
        .spawn_command(command)
        .expect("spawn deploy in the pty");
    drop(pair.slave);
    let mut source = pair.master.try_clone_reader().expect("pty reader");
    let writer = pair.master.take_writer().expect("pty writer");
    let drawn = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&drawn);
    let reader = std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        // The read ends with EIO once the child has exited and closed it.
        while let Ok(count) = source.read(&mut chunk) {
            if count == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&chunk[..count]);
        }
    });
    Running {
        child,
        master: pair.master,
        writer,
        drawn,
        reader,
        started: Instant::now(),
        limit,
        args: args.iter().map(|arg| arg.to_string()).collect(),
    }
}

impl Running {
    /// Waits until the text drawn so far (escape sequences taken out)
    /// contains `text`.
    pub fn wait_for(&mut self, text: &str) {
        loop {
            let drawn = terminal::strip(&String::from_utf8_lossy(&self.drawn.lock().unwrap()));
            if drawn.contains(text) {
                return;
            }
            if self.child.try_wait().expect("wait on deploy").is_some() {
                panic!("deploy ended before drawing {text:?}:\n{drawn}");
            }
            self.check_limit();
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Types `bytes` (`b"\x03"` is Ctrl-C: the terminal sends SIGINT).
    pub fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("writing to the pty");
        self.writer.flush().expect("writing to the pty");
    }

    /// Waits for the end, and returns everything drawn.
    pub fn finish(mut self) -> Screen {
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait on deploy") {
                break status;
            }
            self.check_limit();
            std::thread::sleep(Duration::from_millis(20));
        };
        let local_flags = self.master.as_raw_fd().and_then(|fd| {
            // SAFETY: tcgetattr on the pty's master, with a local termios;
            // on Linux it reads the terminal's (the slave's) settings.
            unsafe {
                let mut termios: libc::termios = std::mem::zeroed();
                (libc::tcgetattr(fd, &mut termios) == 0).then_some(termios.c_lflag)
            }
        });
        let echoes_control = local_flags.is_some_and(|flags| flags & libc::ECHOCTL != 0);
        let echoes = local_flags.is_some_and(|flags| flags & libc::ECHO != 0);
        drop(self.writer);
        drop(self.master);
        self.reader.join().expect("pty reader thread");
        let output = String::from_utf8_lossy(&self.drawn.lock().unwrap()).into_owned();
        Screen {
            output,
            code: status.exit_code(),
            echoes_control,
            echoes,
        }
    }

    fn check_limit(&mut self) {
        if self.started.elapsed() > self.limit {
            let _ = self.child.kill();
            panic!(
                "deploy {:?} did not finish within {:?} in the pty:\n{}",
                self.args,
                self.limit,
                String::from_utf8_lossy(&self.drawn.lock().unwrap())
            );
        }
    }
}

#[test]
fn errors_are_red_on_a_terminal_and_plain_with_no_color() {
    let dir = tempfile::tempdir().unwrap();
    let limit = Duration::from_secs(20);
    let args = ["--inventory", "missing.yml", "inventory", "--list"];

    let screen = run(&args, &[], dir.path(), limit);
    assert_eq!(screen.code, 2, "{}", screen.output);
    assert!(
        screen.output.contains("\u{1b}["),
        "no colour on a terminal: {:?}",
        screen.output
    );
    assert!(
        screen.output.contains("deploy: error:"),
        "{:?}",
        screen.output
    );

    let screen = run(&args, &[("NO_COLOR", "1")], dir.path(), limit);
    assert!(
        !screen.output.contains("\u{1b}["),
        "colour despite NO_COLOR: {:?}",
        screen.output
    );

    let screen = run(
        &["--color", "never", args[0], args[1], args[2], args[3]],
        &[],
        dir.path(),
        limit,
    );
    assert!(
        !screen.output.contains("\u{1b}["),
        "colour despite --color never: {:?}",
        screen.output
    );
}

#[test]
fn errors_through_a_pipe_have_no_escape_codes_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["--inventory", "missing.yml", "inventory", "--list"];
    let stderr = deploy()
        .args(args)
        .current_dir(dir.path())
        .status(2)
        .run()
        .stderr;
    assert!(stderr.starts_with("deploy: error:"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'));

    deploy()
        .args(["--color", "always"])
        .args(args)
        .current_dir(dir.path())
        .status(2)
        .stderr_has("\u{1b}[")
        .run();
}

/// Like [`run`], and types `answer` (then Enter) once `question` shows.
pub fn run_answering(
    args: &[&str],
    cwd: &Path,
    limit: Duration,
    question: &str,
    answer: &str,
) -> Screen {
    let mut running = spawn(args, &[], cwd, limit);
    running.wait_for(question);
    running.send(format!("{answer}\r").as_bytes());
    running.finish()
}

//! The one way the tests run the real `deploy` binary, with or without a
//! lab, in the manner of just's tests/test.rs `Test`: a builder of the
//! command line and of what the run must show, checked when it ends.
//!
//! ```ignore
//! let run = deploy().on(&lab).arg("join").limit(LIMIT)
//!     .status(1)
//!     .stderr_has("Worker node join command failed!\nExit code: 127\n")
//!     .run();
//! ```
//!
//! `stdout_is` / `stderr_is` compare the whole text, for where the text is
//! the spec; `stdout_has` / `stderr_has` look for a part. What a check needs
//! beyond those it asks of the returned `Run`.

use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::lab::Lab;

/// How long a run may take unless `limit` says otherwise.
const LIMIT: Duration = Duration::from_secs(120);

/// `deploy` with nothing of this process's environment that would change
/// what it does (its variables, NO_COLOR), stdin empty, output captured.
pub fn deploy() -> Deploy {
    let mut command = Command::new(env!("CARGO_BIN_EXE_deploy"));
    command
        // A fixed width keeps help text on predictable lines.
        .env("COLUMNS", "200")
        .env_remove("DEPLOY_INVENTORY")
        .env_remove("ANSIBLE_VAULT_PASSWORD_FILE")
        .env_remove("ANSIBLE_VAULT_IDENTITY_LIST")
        .env_remove("ANSIBLE_ASK_VAULT_PASS")
        .env_remove("DEPLOY_LOG_DIR")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    Deploy {
        command,
        expect: Expect {
            limit: LIMIT,
            status: 0,
            texts: Vec::new(),
        },
    }
}

/// `-i <lab inventory> --log-dir <lab>/artifacts --connect-timeout 20s`: a
/// bound a loaded 2-core machine cannot trip; tests assert reachability.
pub fn lab_args(lab: &Lab) -> Vec<String> {
    let path = |path: PathBuf| path.to_string_lossy().into_owned();
    vec![
        "-i".into(),
        path(lab.inventory()),
        "--log-dir".into(),
        path(log_dir(lab)),
        "--connect-timeout".into(),
        "20s".into(),
    ]
}

pub fn log_dir(lab: &Lab) -> PathBuf {
    lab.dir().join("artifacts")
}

/// A `deploy` command line and what its run must show. A failed check
/// points at the test's line (`#[track_caller]` down to the check).
#[must_use = "nothing runs until .run() or .spawn()"]
pub struct Deploy {
    command: Command,
    expect: Expect,
}

impl Deploy {
    /// Against `lab`: its inventory and log directory (`lab_args`).
    pub fn on(self, lab: &Lab) -> Self {
        self.args(lab_args(lab))
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.command.arg(arg);
        self
    }

    pub fn args(mut self, args: impl IntoIterator<Item = impl AsRef<OsStr>>) -> Self {
        self.command.args(args);
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.command.env(key, value);
        self
    }

    /// In a session of its own, with no controlling terminal: as from cron
    /// or CI, where nothing can be asked on `/dev/tty`.
    pub fn without_terminal(mut self) -> Self {
        use std::os::unix::process::CommandExt;
        // SAFETY: setsid is async-signal-safe, called between fork and exec.
        unsafe {
            self.command.pre_exec(|| {
                libc::setsid();
                Ok(())
            });
        }
        self
    }

    /// Stdout a pipe whose reader is already gone, as `deploy … | head -0`
    /// leaves it: every write to it fails with EPIPE.
    pub fn stdout_closed(mut self) -> Self {
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        self.command.stdout(writer);
        self
    }

    pub fn current_dir(mut self, dir: &Path) -> Self {
        self.command.current_dir(dir);
        self
    }

    /// Past `limit` the run is killed and the test fails.
    pub fn limit(mut self, limit: Duration) -> Self {
        self.expect.limit = limit;
        self
    }

    /// The exit code; 0 unless given.
    pub fn status(mut self, code: i32) -> Self {
        self.expect.status = code;
        self
    }

    /// Stdout is exactly `text`.
    pub fn stdout_is(self, text: &str) -> Self {
        self.text(Stream::Stdout, Match::Is, text)
    }

    /// Stderr is exactly `text`.
    pub fn stderr_is(self, text: &str) -> Self {
        self.text(Stream::Stderr, Match::Is, text)
    }

    /// Stdout contains `text`.
    pub fn stdout_has(self, text: &str) -> Self {
        self.text(Stream::Stdout, Match::Has, text)
    }

    /// Stderr contains `text`.
    pub fn stderr_has(self, text: &str) -> Self {
        self.text(Stream::Stderr, Match::Has, text)
    }

    fn text(mut self, stream: Stream, how: Match, text: &str) -> Self {
        self.expect.texts.push((stream, how, text.to_string()));
        self
    }

    /// Runs `deploy` to its end and checks what was expected.
    #[track_caller]
    pub fn run(self) -> Run {
        self.spawn().finish()
    }

    /// Starts `deploy`, for tests that act while it runs; `finish` checks.
    pub fn spawn(mut self) -> Running {
        let line: Vec<String> = self
            .command
            .get_args()
            .map(|arg| arg.to_string_lossy().into_owned())
            .collect();
        let started = Instant::now();
        let mut child = self.command.spawn().expect("start deploy");
        let stdout = match child.stdout.take() {
            Some(stdout) => reader(stdout),
            None => std::thread::spawn(String::new),
        };
        let stderr = reader(child.stderr.take().expect("piped stderr"));
        Running {
            child,
            started,
            line: line.join(" "),
            expect: self.expect,
            stdout,
            stderr,
        }
    }
}

/// A started `deploy`: nothing is checked until `finish`.
#[must_use = "nothing is checked until .finish()"]
pub struct Running {
    child: Child,
    started: Instant,
    line: String,
    expect: Expect,
    stdout: JoinHandle<String>,
    stderr: JoinHandle<String>,
}

impl Running {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("wait for deploy").is_none()
    }

    /// Waits for the end (killing it past the limit) and checks what was
    /// expected.
    #[track_caller]
    pub fn finish(mut self) -> Run {
        let limit = self.expect.limit;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for deploy") {
                break status;
            }
            if self.started.elapsed() > limit {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("deploy {} ran longer than {limit:?}", self.line);
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let run = Run {
            code: status.code().unwrap_or(-1),
            took: self.started.elapsed(),
            stdout: self.stdout.join().expect("stdout reader"),
            stderr: self.stderr.join().expect("stderr reader"),
        };
        self.expect.check(&self.line, &run);
        run
    }
}

fn reader(mut stream: impl std::io::Read + Send + 'static) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stream.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

#[derive(Clone, Copy)]
enum Stream {
    Stdout,
    Stderr,
}

impl fmt::Display for Stream {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self {
            Stream::Stdout => "stdout",
            Stream::Stderr => "stderr",
        })
    }
}

#[derive(Clone, Copy)]
enum Match {
    Is,
    Has,
}

struct Expect {
    limit: Duration,
    status: i32,
    texts: Vec<(Stream, Match, String)>,
}

impl Expect {
    /// Every difference at once, with both streams whole.
    #[track_caller]
    fn check(&self, line: &str, run: &Run) {
        let mut wrong = Vec::new();
        if self.status != run.code {
            wrong.push(format!(
                "exit code {} where {} was expected",
                run.code, self.status
            ));
        }
        for (stream, how, text) in &self.texts {
            let got = match stream {
                Stream::Stdout => &run.stdout,
                Stream::Stderr => &run.stderr,
            };
            match how {
                Match::Is if got != text => wrong.push(format!("{stream} is not exactly:\n{text}")),
                Match::Has if !got.contains(text.as_str()) => {
                    wrong.push(format!("{stream} lacks:\n{text}"))
                }
                _ => {}
            }
        }
        assert!(
            wrong.is_empty(),
            "deploy {line}\n{}\n--- stdout\n{}\n--- stderr\n{}",
            wrong.join("\n"),
            run.stdout,
            run.stderr
        );
    }
}

/// What a finished `deploy` run left.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub took: Duration,
}

impl Run {
    /// Both streams, for "never shows anywhere" assertions.
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// The one line of stdout's table that starts with `first` (a phase or
    /// a host).
    #[track_caller]
    pub fn row(&self, first: &str) -> &str {
        self.stdout
            .lines()
            .find(|line| line.starts_with(first))
            .unwrap_or_else(|| panic!("no {first} line in\n{}", self.stdout))
    }

    /// Stdout as the JSON document it must be.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|err| panic!("{err}: {}", self.stdout))
    }
}

/// Polls `condition` every 50 ms for at most `limit`.
pub fn wait_for(what: &str, limit: Duration, mut condition: impl FnMut() -> bool) {
    let started = Instant::now();
    while !condition() {
        assert!(started.elapsed() < limit, "waited {limit:?} for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

//! Running the real `deploy` binary against a lab, and what it left.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::lab::Lab;

/// What a finished `deploy` run left.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub took: Duration,
}

impl Run {
    /// Asserts the exit code, showing everything when it differs.
    pub fn expect(self, code: i32) -> Self {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Both streams, for "never shows anywhere" assertions.
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
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

/// `deploy <lab_args> ARGS...`
pub fn command(lab: &Lab, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_deploy"));
    command
        .args(lab_args(lab))
        .args(args)
        .env_remove("DEPLOY_INVENTORY")
        .env_remove("DEPLOY_LOG_DIR")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

pub fn log_dir(lab: &Lab) -> PathBuf {
    lab.dir().join("artifacts")
}

/// Runs `deploy` to its end (at most `limit`).
pub fn deploy(lab: &Lab, args: &[&str], limit: Duration) -> Run {
    finish(
        command(lab, args).spawn().expect("start deploy"),
        Instant::now(),
        limit,
    )
}

/// Waits for a started `deploy`, killing it past `limit`.
pub fn finish(mut child: Child, started: Instant, limit: Duration) -> Run {
    let stdout = child.stdout.take().map(reader);
    let stderr = child.stderr.take().map(reader);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for deploy") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("deploy ran longer than {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = started.elapsed();
    let text = |reader: Option<std::thread::JoinHandle<String>>| {
        reader.map(|r| r.join().unwrap()).unwrap_or_default()
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: text(stdout),
        stderr: text(stderr),
        took,
    }
}

fn reader(mut stream: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stream.read_to_string(&mut text);
        text
    })
}

/// Polls `condition` every 50 ms for at most `limit`.
pub fn wait_for(what: &str, limit: Duration, mut condition: impl FnMut() -> bool) {
    let started = Instant::now();
    while !condition() {
        assert!(started.elapsed() < limit, "waited {limit:?} for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

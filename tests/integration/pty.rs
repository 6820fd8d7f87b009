//! Running `deploy` in a real pseudo-terminal, as a person would: what is
//! drawn there (colour, live lines) differs from what a pipe gets.

use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

/// What a terminal showed, and how the program ended.
pub struct Screen {
    pub output: String,
    pub code: u32,
}

/// Runs the real binary with `args` in a 120x40 pseudo-terminal and
/// returns everything it drew. `env` is added to a clean environment.
pub fn run(args: &[&str], env: &[(&str, &str)], cwd: &Path, limit: Duration) -> Screen {
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 120,
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
    let mut child = pair
        .slave
        .spawn_command(command)
        .expect("spawn deploy in the pty");
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().expect("pty reader");
    let collected = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        // The read ends with EIO once the child has exited and closed it.
        let _ = reader.read_to_end(&mut bytes);
        bytes
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait on deploy") {
            break status;
        }
        assert!(
            started.elapsed() < limit,
            "deploy {args:?} did not finish within {limit:?} in the pty"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    drop(pair.master);
    let output =
        String::from_utf8_lossy(&collected.join().expect("pty reader thread")).into_owned();
    Screen {
        output,
        code: status.exit_code(),
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
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_deploy"))
        .args(["--inventory", "missing.yml", "inventory", "--list"])
        .current_dir(dir.path())
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("deploy: error:"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'));

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_deploy"))
        .args([
            "--color",
            "always",
            "--inventory",
            "missing.yml",
            "inventory",
            "--list",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&output.stderr).contains("\u{1b}["));
}

/// Like [`run`], and types `answer` (then Enter) once `question` shows.
pub fn run_answering(
    args: &[&str],
    cwd: &Path,
    limit: Duration,
    question: &str,
    answer: &str,
) -> Screen {
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 120,
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
    let mut child = pair
        .slave
        .spawn_command(command)
        .expect("spawn deploy in the pty");
    drop(pair.slave);
    let mut writer = pair.master.take_writer().expect("pty writer");
    let mut reader = pair.master.try_clone_reader().expect("pty reader");
    let (send, chunks) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buffer = [0u8; 4096];
        while let Ok(count) = reader.read(&mut buffer) {
            if count == 0 || send.send(buffer[..count].to_vec()).is_err() {
                break;
            }
        }
    });
    let started = Instant::now();
    let mut seen = Vec::new();
    let mut answered = false;
    let status = loop {
        while let Ok(chunk) = chunks.try_recv() {
            seen.extend(chunk);
        }
        if !answered && String::from_utf8_lossy(&seen).contains(question) {
            use std::io::Write;
            writer
                .write_all(format!("{answer}\r").as_bytes())
                .expect("type the answer");
            answered = true;
        }
        if let Some(status) = child.try_wait().expect("wait on deploy") {
            break status;
        }
        assert!(
            started.elapsed() < limit,
            "deploy {args:?} did not finish within {limit:?} in the pty"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    drop(writer);
    drop(pair.master);
    while let Ok(chunk) = chunks.recv_timeout(Duration::from_millis(200)) {
        seen.extend(chunk);
    }
    Screen {
        output: String::from_utf8_lossy(&seen).into_owned(),
        code: status.exit_code(),
    }
}

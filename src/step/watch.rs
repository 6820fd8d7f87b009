//! The remote watch loop (watch.sh) and the lines it reports, turned into
//! watcher events. One SSH session per host carries it; when the session
//! drops, the driver starts it again where the last one stopped.

use super::watcher::Event;

/// The loop itself, sent on stdin after the job layer's `DIR_SH` and a
/// header setting FILE, OUT_SENT, ERR_SENT, UNIT and JOURNAL_SENT.
pub const SCRIPT: &str = include_str!("watch.sh");

/// One line from the loop; anything else (a shell warning) is not an event.
pub fn parse_line(line: &str) -> Option<Event> {
    if let Some(text) = line.strip_prefix("out ") {
        return Some(Event::Output(text.to_string()));
    }
    if let Some(text) = line.strip_prefix("err ") {
        return Some(Event::Error(text.to_string()));
    }
    if let Some(text) = line.strip_prefix("journal ") {
        return Some(Event::Journal(text.to_string()));
    }
    match line.trim_end() {
        "file" => Some(Event::FileAppeared),
        "vanished" => Some(Event::Vanished),
        "alive" => Some(Event::Alive),
        line => line
            .strip_prefix("exit ")
            .and_then(|code| code.trim().parse().ok())
            .map(Event::Exited),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_become_events() {
        assert_eq!(parse_line("file"), Some(Event::FileAppeared));
        assert_eq!(parse_line("exit 127"), Some(Event::Exited(127)));
        assert_eq!(parse_line("exit 0\r"), Some(Event::Exited(0)));
        assert_eq!(parse_line("vanished"), Some(Event::Vanished));
        assert_eq!(parse_line("alive"), Some(Event::Alive));
        assert_eq!(
            parse_line("out [preflight] Running pre-flight checks"),
            Some(Event::Output(
                "[preflight] Running pre-flight checks".into()
            ))
        );
        assert_eq!(
            parse_line("err /bin/sh: 1: kubeadm: not found"),
            Some(Event::Error("/bin/sh: 1: kubeadm: not found".into()))
        );
        assert_eq!(
            parse_line("journal E1202 \"Container runtime network not ready\""),
            Some(Event::Journal(
                "E1202 \"Container runtime network not ready\"".into()
            ))
        );
        assert_eq!(parse_line("exit x"), None);
        assert_eq!(parse_line("sh: 1: warning"), None);
    }

    /// Runs the real script with a local `sh` against a job directory the
    /// test plays the join in; its heartbeats are passed on only if `alive`.
    fn run_script(
        job: &std::path::Path,
        alive: bool,
    ) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
        use std::io::{BufRead, BufReader, Write};
        use std::process::{Command, Stdio};
        let mut child = Command::new("sh")
            .arg("-s")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let header = format!(
            "dir={}\nFILE={}\nalive() {{ kill -0 \"$1\" 2>/dev/null; }}\n",
            shlex::try_quote(job.to_str().unwrap()).unwrap(),
            shlex::try_quote(job.join("kubelet.conf").to_str().unwrap()).unwrap()
        );
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(header.as_bytes()).unwrap();
        stdin.write_all(SCRIPT.as_bytes()).unwrap();
        drop(stdin);
        let (send, receive) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if alive || line != "alive" {
                    let _ = send.send(line);
                }
            }
        });
        (child, receive)
    }

    #[test]
    fn the_script_reports_output_kubelet_conf_and_exit_promptly() {
        use std::time::{Duration, Instant};
        let job = tempfile::tempdir().unwrap();
        std::fs::write(
            job.path().join("out"),
            "[preflight] Running pre-flight checks\n[kubelet-start] Wri",
        )
        .unwrap();
        let (mut child, lines) = run_script(job.path(), false);
        let within = Duration::from_secs(2);
        assert_eq!(
            lines.recv_timeout(within).unwrap(),
            "out [preflight] Running pre-flight checks"
        );

        std::fs::write(job.path().join("kubelet.conf"), "").unwrap();
        let seen = Instant::now();
        assert_eq!(lines.recv_timeout(within).unwrap(), "file");
        assert!(seen.elapsed() < Duration::from_secs(1));

        std::fs::write(job.path().join("err"), "W1124 a warning\nno newline").unwrap();
        std::fs::write(job.path().join("rc"), "0\n").unwrap();
        // At the exit, what is left of stdout, then of stderr.
        for expected in [
            "out [kubelet-start] Wri",
            "err W1124 a warning",
            "err no newline",
            "exit 0",
        ] {
            assert_eq!(lines.recv_timeout(within).unwrap(), expected);
        }
        assert!(child.wait().unwrap().success());
    }

    #[test]
    fn the_script_says_it_is_alive_every_second() {
        use std::time::{Duration, Instant};
        let job = tempfile::tempdir().unwrap();
        let (mut child, lines) = run_script(job.path(), true);
        let started = Instant::now();
        for _ in 0..3 {
            assert_eq!(lines.recv_timeout(Duration::from_secs(3)).unwrap(), "alive");
        }
        let took = started.elapsed();
        assert!(took < Duration::from_secs(4), "{took:?}");
        child.kill().unwrap();
        child.wait().unwrap();
    }

    #[test]
    fn the_script_notices_a_job_that_vanished() {
        let job = tempfile::tempdir().unwrap();
        // A pid that cannot be alive: beyond the kernel's pid_max limit.
        std::fs::write(job.path().join("pid"), "2147483647\n").unwrap();
        let (mut child, lines) = run_script(job.path(), false);
        let line = lines
            .recv_timeout(std::time::Duration::from_secs(2))
            .unwrap();
        assert_eq!(line, "vanished");
        assert!(child.wait().unwrap().success());
    }
}

//! A long-lived remote command whose stdout is read line by line as it
//! arrives: a join watcher's loop, a log follower. Lines come through a
//! channel, so the reader can also time out; dropping the stream kills it.

use std::io::{BufRead, BufReader};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::cmd::Cmd;
use super::error::RemoteError;
use super::invocation::{Invocation, failure_of, remote_error};
use super::master::Master;
use super::process::{self, POLL};
use super::target::Target;
use crate::exit::Problem;
use crate::interrupt::{self, ChildGuard};

/// What a stream yields.
#[derive(Debug)]
pub enum StreamEvent {
    /// One line of stdout, without its line ending.
    Line(String),
    /// The command is over; no event follows.
    Ended(Ending),
}

/// How a streamed command ended.
#[derive(Debug)]
pub enum Ending {
    /// It ran to the end with this exit code.
    Exited(i32),
    /// The connection failed or was lost: see `failure.retryable()` to
    /// decide whether to reconnect.
    Failed(RemoteError),
}

/// A running command; see [`crate::remote::Session::stream`].
#[derive(Debug)]
pub struct Stream {
    events: Receiver<StreamEvent>,
    handle: Arc<duct::ReaderHandle>,
    group: i32,
    _tracked: ChildGuard,
    host: String,
    label: String,
}

struct Reader {
    handle: Arc<duct::ReaderHandle>,
    events: Sender<StreamEvent>,
    target: Target,
    cmd: Cmd,
    master: Option<Master>,
}

pub(crate) fn start(invocation: Invocation, target: &Target, cmd: &Cmd) -> Result<Stream> {
    let handle = process::expression(&invocation.program, invocation.args, invocation.stdin)
        .stderr_capture()
        .reader()
        .with_context(|| format!("{}: starting `{}`", target.name(), cmd.label()))?;
    let handle = Arc::new(handle);
    let group = handle.pids().first().map_or(0, |pid| *pid as i32);
    let (events, receiver) = mpsc::channel();
    let reader = Reader {
        handle: Arc::clone(&handle),
        events,
        target: target.clone(),
        cmd: cmd.clone(),
        master: invocation.master,
    };
    std::thread::Builder::new()
        .name(format!("stream {}", target.name()))
        .spawn(move || reader.read())
        .context("starting a reader thread")?;
    Ok(Stream {
        events: receiver,
        handle,
        group,
        _tracked: interrupt::track_child(group),
        host: target.name().to_owned(),
        label: cmd.label(),
    })
}

impl Reader {
    fn read(self) {
        let mut lines = BufReader::new(&*self.handle);
        let mut line = Vec::new();
        loop {
            line.clear();
            match lines.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let text = String::from_utf8_lossy(&line);
                    let text = text.trim_end_matches(['\n', '\r']).to_owned();
                    if self.events.send(StreamEvent::Line(text)).is_err() {
                        // Nobody listens any more: the stream was dropped.
                        return;
                    }
                }
            }
        }
        let ending = self.ending();
        let _ = self.events.send(StreamEvent::Ended(ending));
    }

    fn ending(&self) -> Ending {
        // stdout is closed; the process may need a moment to be reaped.
        let deadline = Instant::now() + Duration::from_secs(5);
        let output = loop {
            match self.handle.try_wait() {
                Ok(Some(output)) => break Some(output),
                Ok(None) if Instant::now() < deadline => std::thread::sleep(POLL),
                _ => break None,
            }
        };
        let Some(output) = output else {
            let _ = self.handle.kill();
            return Ending::Exited(-1);
        };
        let code = process::exit_code(&output.status);
        let stderr = String::from_utf8_lossy(&output.stderr);
        match failure_of(&self.target, code, &stderr, self.master.as_ref()) {
            Some(failure) => Ending::Failed(remote_error(
                failure,
                &self.target,
                &self.cmd,
                Duration::ZERO,
                &stderr,
            )),
            None => Ending::Exited(code),
        }
    }
}

impl Stream {
    /// The next event, waiting at most `timeout`; `Ok(None)` when nothing
    /// came in time. Ctrl-C kills the command and returns an error.
    pub fn recv_timeout(&self, timeout: Duration) -> Result<Option<StreamEvent>> {
        let deadline = Instant::now() + timeout;
        loop {
            let slice = POLL.min(deadline.saturating_duration_since(Instant::now()));
            match self.events.recv_timeout(slice) {
                Ok(event) => return Ok(Some(event)),
                Err(RecvTimeoutError::Disconnected) => {
                    bail!("{}: `{}` has already ended", self.host, self.label)
                }
                Err(RecvTimeoutError::Timeout) => {}
            }
            if interrupt::requested() {
                self.kill();
                return Err(anyhow::Error::new(Problem::interrupted())
                    .context(format!("{}: `{}` was stopped", self.host, self.label)));
            }
            if Instant::now() >= deadline {
                return Ok(None);
            }
        }
    }

    /// Stops the command (the local ssh, or the local shell and its group).
    pub fn kill(&self) {
        interrupt::kill_group(self.group);
        let _ = self.handle.kill();
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        self.kill();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remote::Session;

    fn next(stream: &Stream) -> StreamEvent {
        stream
            .recv_timeout(Duration::from_secs(10))
            .unwrap()
            .expect("an event within 10s")
    }

    #[test]
    fn lines_arrive_as_they_are_printed_then_the_ending() {
        let session = Session::new(Duration::from_secs(1)).unwrap();
        let cmd = Cmd::script("ticks", "echo one; sleep 1; echo two; exit 4");
        let stream = session
            .stream(&Target::local("here"), &cmd, &|| false)
            .unwrap();
        let started = Instant::now();
        assert!(matches!(next(&stream), StreamEvent::Line(line) if line == "one"));
        assert!(
            started.elapsed() < Duration::from_millis(800),
            "the first line waited"
        );
        // Nothing within 100ms: the command is sleeping.
        assert!(
            stream
                .recv_timeout(Duration::from_millis(100))
                .unwrap()
                .is_none()
        );
        assert!(matches!(next(&stream), StreamEvent::Line(line) if line == "two"));
        assert!(matches!(
            next(&stream),
            StreamEvent::Ended(Ending::Exited(4))
        ));
        assert!(stream.recv_timeout(Duration::from_millis(10)).is_err());
    }

    #[test]
    fn dropping_the_stream_kills_the_command() {
        let session = Session::new(Duration::from_secs(1)).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("still-running");
        let script = format!("echo up; sleep 1; touch {}", marker.display());
        let stream = session
            .stream(
                &Target::local("here"),
                &Cmd::script("watch", &script),
                &|| false,
            )
            .unwrap();
        assert!(matches!(next(&stream), StreamEvent::Line(line) if line == "up"));
        drop(stream);
        std::thread::sleep(Duration::from_millis(1500));
        assert!(!marker.exists());
    }
}

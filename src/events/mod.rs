//! `--output jsonl`: one JSON event a line on stdout, for scripts. The
//! run, the phases and the long steps say what happens as it happens; one
//! writer takes every line whole, from any thread, and flushes it. Off
//! (the default) nothing is written and building an event costs nothing
//! but its fields.

pub mod schema;

use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

use serde::Serialize;
use serde_json::{Map, Value};

pub use schema::EventKind;

static ON: AtomicBool = AtomicBool::new(false);
static SINK: Mutex<Option<Box<dyn Write + Send>>> = Mutex::new(None);

/// From now on every event is written to `out`, a line each.
pub fn enable(out: Box<dyn Write + Send>) {
    *lock() = Some(out);
    ON.store(true, Ordering::SeqCst);
}

/// Whether events are still written: off by default, and off again once
/// their reader has gone (where results go is the command line's choice,
/// not this).
fn enabled() -> bool {
    ON.load(Ordering::SeqCst)
}

/// Writes `event` as one line, now. A stdout that cannot be written (a
/// closed pipe) must not stop a deployment: events then stop.
pub fn emit(event: Occurrence) {
    if !enabled() {
        return;
    }
    let line = event.line(SystemTime::now());
    let mut sink = lock();
    if let Some(out) = sink.as_mut()
        && out
            .write_all(line.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
    {
        *sink = None;
        ON.store(false, Ordering::SeqCst);
    }
}

/// The last event of a process a second Ctrl-C ends at once: it must not
/// wait for a writer that the interrupted thread may hold.
pub fn emit_at_exit(event: Occurrence) {
    if !enabled() {
        return;
    }
    let line = event.line(SystemTime::now());
    if let Ok(mut sink) = SINK.try_lock()
        && let Some(out) = sink.as_mut()
    {
        let _ = out.write_all(line.as_bytes()).and_then(|()| out.flush());
    }
}

fn lock() -> std::sync::MutexGuard<'static, Option<Box<dyn Write + Send>>> {
    SINK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One event, built where it happens.
#[derive(Debug, Clone, PartialEq)]
pub struct Occurrence {
    kind: EventKind,
    host: Option<String>,
    phase: Option<String>,
    exit_code: Option<i32>,
    details: Map<String, Value>,
    cause: Option<Value>,
}

/// The line's shape: the common fields in the schema's order, then the
/// event's own.
#[derive(Serialize)]
struct Wire<'a> {
    schema: u32,
    time: String,
    event: &'static str,
    host: Option<&'a str>,
    phase: Option<&'a str>,
    details: &'a Map<String, Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exit_code: Option<Option<i32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cause: Option<&'a Value>,
}

impl Occurrence {
    pub fn new(kind: EventKind) -> Self {
        Self {
            kind,
            host: None,
            phase: None,
            exit_code: None,
            details: Map::new(),
            cause: None,
        }
    }

    pub fn host(mut self, name: &str) -> Self {
        self.host = Some(name.to_owned());
        self
    }

    /// The phase of `deploy` it happened in, by its title; none for an
    /// empty title (before the first phase).
    pub fn phase(mut self, title: &str) -> Self {
        self.phase = (!title.is_empty()).then(|| title.to_owned());
        self
    }

    /// The exit code, where the event's kind has one (null when unknown).
    pub fn exit_code(mut self, code: Option<i32>) -> Self {
        self.exit_code = code;
        self
    }

    /// The likely cause of a failure, when one was found: any serialisable
    /// value (the diagnosis), so this layer need not know its type.
    pub fn cause(mut self, cause: Option<impl Serialize>) -> Self {
        self.cause = cause.and_then(|cause| serde_json::to_value(cause).ok());
        self
    }

    pub fn detail(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.details.insert(key.to_owned(), value.into());
        self
    }

    /// The event as one line of JSON, `time` its moment.
    pub fn line(&self, time: SystemTime) -> String {
        let has_code = self.kind.spec().fields.contains(&"exit_code");
        let line = Wire {
            schema: schema::VERSION,
            time: humantime::format_rfc3339_millis(time).to_string(),
            event: self.kind.name(),
            host: self.host.as_deref(),
            phase: self.phase.as_deref(),
            details: &self.details,
            exit_code: has_code.then_some(self.exit_code),
            cause: self.cause.as_ref(),
        };
        let mut text = serde_json::to_string(&line).unwrap_or_default();
        text.push('\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_millis(1_764_642_000_123)
    }

    #[test]
    fn a_run_event_has_null_host_and_phase() {
        let line = Occurrence::new(EventKind::RunStarted)
            .detail("command", "join")
            .detail("version", "0.1.0")
            .line(at());
        assert_eq!(
            line,
            "{\"schema\":1,\"time\":\"2025-12-02T02:20:00.123Z\",\"event\":\"run_started\",\
             \"host\":null,\"phase\":null,\"details\":{\"command\":\"join\",\"version\":\"0.1.0\"}}\n"
        );
    }

    #[test]
    fn a_failure_has_its_exit_code_null_or_not() {
        let failed = Occurrence::new(EventKind::Failed)
            .host("w1")
            .phase("workers")
            .exit_code(Some(1))
            .detail("reason", "exit code 1");
        let value: Value = serde_json::from_str(&failed.line(at())).unwrap();
        assert_eq!(value["exit_code"], 1);
        assert_eq!(value["host"], "w1");
        assert_eq!(value["phase"], "workers");
        let vanished = Occurrence::new(EventKind::Failed)
            .host("w1")
            .exit_code(None);
        let value: Value = serde_json::from_str(&vanished.line(at())).unwrap();
        assert_eq!(value.get("exit_code"), Some(&Value::Null));
        // Kinds without an exit code never carry the field.
        let started = Occurrence::new(EventKind::HostStarted)
            .host("w1")
            .exit_code(Some(3));
        let value: Value = serde_json::from_str(&started.line(at())).unwrap();
        assert_eq!(value.get("exit_code"), None);
    }

    #[test]
    fn a_line_is_one_line_whatever_its_details_hold() {
        let line = Occurrence::new(EventKind::Stalled)
            .host("w1")
            .detail("last_line", "E1202 \"quoted\"\nsecond line")
            .line(at());
        assert_eq!(line.matches('\n').count(), 1);
        assert!(line.ends_with('\n'));
        let value: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(
            value["details"]["last_line"],
            "E1202 \"quoted\"\nsecond line"
        );
        let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
        assert_eq!(keys, schema::COMMON);
    }
}

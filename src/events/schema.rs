//! The JSON-lines events' schema, in one place: the README's table is
//! checked against it, and the lab's tests validate every line with it.

/// Raised when a field is renamed or removed, or its meaning changes;
/// adding an event or an optional field keeps it.
pub const VERSION: u32 = 1;

/// Every event carries these, in this order; `host` and `phase` are
/// `null` where the event is about the run or no phase.
pub const COMMON: &[&str] = &["schema", "time", "event", "host", "phase", "details"];

/// One kind of event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    pub kind: EventKind,
    /// It is about one host: `host` is its inventory name, never null.
    pub host: bool,
    /// Top-level fields beyond [`COMMON`] it always has (null when unknown).
    pub fields: &'static [&'static str],
    /// Top-level fields it has only sometimes.
    pub optional: &'static [&'static str],
    /// Keys it always has in `details`.
    pub details: &'static [&'static str],
}

/// The events' names, as they appear in `event`; a host's outcome in
/// `summary.json` uses the same names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    RunStarted,
    PhaseStarted,
    PhaseFinished,
    HostStarted,
    PhaseChanged,
    Stalled,
    Resumed,
    Succeeded,
    Skipped,
    Failed,
    TimedOut,
    Unreachable,
    LeftRunning,
    Interrupted,
    RunFinished,
}

impl EventKind {
    pub fn name(self) -> &'static str {
        match self {
            EventKind::RunStarted => "run_started",
            EventKind::PhaseStarted => "phase_started",
            EventKind::PhaseFinished => "phase_finished",
            EventKind::HostStarted => "host_started",
            EventKind::PhaseChanged => "phase_changed",
            EventKind::Stalled => "stalled",
            EventKind::Resumed => "resumed",
            EventKind::Succeeded => "succeeded",
            EventKind::Skipped => "skipped",
            EventKind::Failed => "failed",
            EventKind::TimedOut => "timed_out",
            EventKind::Unreachable => "unreachable",
            EventKind::LeftRunning => "left_running",
            EventKind::Interrupted => "interrupted",
            EventKind::RunFinished => "run_finished",
        }
    }

    pub fn spec(self) -> &'static Spec {
        EVENTS
            .iter()
            .find(|spec| spec.kind == self)
            .unwrap_or(&EVENTS[0])
    }
}

const fn run(kind: EventKind, details: &'static [&'static str]) -> Spec {
    Spec {
        kind,
        host: false,
        fields: &[],
        optional: &[],
        details,
    }
}

const fn host(kind: EventKind, details: &'static [&'static str]) -> Spec {
    Spec {
        kind,
        host: true,
        fields: &[],
        optional: &[],
        details,
    }
}

/// Every event, in the order a run says them.
pub const EVENTS: &[Spec] = &[
    run(EventKind::RunStarted, &["command", "version"]),
    run(EventKind::PhaseStarted, &["number", "of"]),
    run(EventKind::PhaseFinished, &["outcome", "result", "seconds"]),
    host(EventKind::HostStarted, &["step"]),
    host(EventKind::PhaseChanged, &["step", "step_phase"]),
    host(
        EventKind::Stalled,
        &["step", "seconds", "unit", "last_line"],
    ),
    host(EventKind::Resumed, &["step"]),
    host(EventKind::Succeeded, &["step", "result", "seconds"]),
    host(EventKind::Skipped, &["step", "result", "reason"]),
    Spec {
        fields: &["exit_code"],
        optional: &["cause"],
        ..host(EventKind::Failed, &["step", "reason"])
    },
    Spec {
        fields: &["exit_code"],
        optional: &["cause"],
        ..host(EventKind::TimedOut, &["step", "seconds"])
    },
    host(EventKind::Unreachable, &["step", "since"]),
    host(EventKind::LeftRunning, &["step"]),
    run(EventKind::Interrupted, &[]),
    Spec {
        fields: &["exit_code"],
        ..run(EventKind::RunFinished, &["result"])
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_one_spec() {
        for spec in EVENTS {
            assert_eq!(spec.kind.spec(), spec);
            let same = EVENTS.iter().filter(|other| other.kind == spec.kind);
            assert_eq!(same.count(), 1, "{}", spec.kind.name());
        }
    }

    /// The README's events table lists every event with its host, fields
    /// and details as [`EVENTS`] has them, and nothing else.
    #[test]
    fn the_readme_table_is_the_schema() {
        let readme = include_str!("../../README.md");
        let section = readme
            .split("### Events for scripts")
            .nth(1)
            .and_then(|rest| rest.split("\n#").next())
            .expect("README has an \"Events for scripts\" section");
        assert!(
            section.contains(&format!("`\"schema\": {VERSION}`")),
            "the README names schema version {VERSION}"
        );
        let ticked = |cell: &str| -> Vec<String> {
            cell.split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_owned)
                .collect()
        };
        let rows: Vec<Vec<&str>> = section
            .lines()
            .filter(|line| line.starts_with("| `"))
            .map(|line| line.trim_matches('|').split('|').map(str::trim).collect())
            .collect();
        assert_eq!(rows.len(), EVENTS.len(), "one row per event");
        for (row, spec) in rows.iter().zip(EVENTS) {
            assert_eq!(ticked(row[0]), [spec.kind.name()]);
            assert_eq!(row[1] == "yes", spec.host, "{}: host", spec.kind.name());
            let mut fields: Vec<&str> = spec.fields.to_vec();
            fields.extend(spec.optional.iter().copied());
            assert_eq!(ticked(row[2]), fields, "{}: fields", spec.kind.name());
            assert_eq!(
                ticked(row[3]),
                spec.details,
                "{}: details",
                spec.kind.name()
            );
        }
    }
}

//! Why a long step failed, from the host's own evidence: the evidence
//! gathered in one round trip (parsed in `evidence`), matched against one
//! table of known causes (`table`). Pure: the gathering is the step
//! layer's; every text comes from `messages::diagnosis`.

mod evidence;
mod table;

use serde::Serialize;

pub use evidence::{Evidence, HostState};
pub use table::SIGNATURES;

use crate::messages::diagnosis::{self as say, Cause};

/// Where a clue is looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trail {
    /// The step's own output, stderr and stdout (kubeadm's errors).
    Step,
    /// The unit's journal since the step started.
    Journal,
    /// What the host's state says is wrong (swap, clock, ports, configs),
    /// one line each.
    Host,
}

/// A line of `source` holding every one of `all`.
#[derive(Debug, Clone, Copy)]
pub struct Clue {
    pub source: Trail,
    pub all: &'static [&'static str],
}

/// One known cause: it matches when any of its clues does; the lines its
/// `support` finds are shown with them, but name no cause alone.
#[derive(Debug, Clone, Copy)]
pub struct Signature {
    pub id: &'static str,
    pub clues: &'static [Clue],
    pub support: &'static [Clue],
    pub cause: Cause,
}

/// What a diagnosis found: a known cause with the lines that showed it and
/// its fix, or none (`cause_id` "unknown", the journal's last lines).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    pub cause_id: String,
    pub cause: String,
    pub evidence: Vec<String>,
    pub fix: Option<String>,
    /// The unit whose journal was read.
    #[serde(skip)]
    unit: String,
}

/// The most evidence lines shown under a cause.
const SHOWN: usize = 3;
/// The journal's lines shown when no cause matched.
const JOURNAL_TAIL: usize = 10;

/// The first signature of the table whose clues match `evidence`.
pub fn diagnose(evidence: &Evidence) -> Diagnosis {
    for signature in SIGNATURES {
        let mut lines = found(evidence, signature.clues);
        if !lines.is_empty() {
            for line in found(evidence, signature.support) {
                if !lines.contains(&line) {
                    lines.push(line);
                }
            }
            lines.truncate(SHOWN);
            return Diagnosis {
                cause_id: signature.id.into(),
                cause: signature.cause.cause.into(),
                evidence: lines,
                fix: Some(signature.cause.fix.into()),
                unit: evidence.unit.clone(),
            };
        }
    }
    let journal = &evidence.journal;
    Diagnosis {
        cause_id: "unknown".into(),
        cause: say::NO_CAUSE.into(),
        evidence: journal[journal.len().saturating_sub(JOURNAL_TAIL)..].to_vec(),
        fix: None,
        unit: evidence.unit.clone(),
    }
}

/// The lines of `evidence` that `clues` find, each once, in the clues' order.
fn found(evidence: &Evidence, clues: &[Clue]) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for clue in clues {
        for line in evidence.lines(clue.source) {
            if clue.all.iter().all(|part| line.contains(part)) && !lines.contains(line) {
                lines.push(line.clone());
            }
        }
    }
    lines
}

impl Diagnosis {
    /// Whether a known cause matched.
    pub fn known(&self) -> bool {
        self.fix.is_some()
    }

    /// What is printed under the failure block and written to the host's log.
    pub fn text(&self) -> String {
        match &self.fix {
            Some(fix) => say::likely_cause(&self.cause, &self.evidence, fix),
            None => say::no_cause(&self.unit, &self.evidence),
        }
    }
}

#[cfg(test)]
mod tests;

//! Why a long step failed, from the host's own evidence: the evidence
//! gathered in one round trip (parsed in `evidence`), matched against one
//! table of known causes (`table`). Pure: the gathering is the step
//! layer's; every text comes from `messages::diagnosis`.

mod evidence;
mod table;

use serde::Serialize;

pub use evidence::{Evidence, HostState};
pub use table::{SIGNATURES, SYMPTOMS};

use crate::messages::diagnosis::{self as say, Cause};

/// A thing the host's state shows wrong. The table names these; their
/// wording is the messages', so rewording one never loses its cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Symptom {
    /// The host's clock is off from this machine's.
    ClockOff,
    SwapOn,
    IpForwardOff,
    ContainerdInactive,
    /// containerd's config disables its CRI plugin.
    CriDisabled,
    /// The kubelet's cgroup driver and containerd's disagree.
    CgroupMismatch,
    /// Something listens on the kubelet's port.
    PortHeld,
    /// /etc/cni/net.d is empty.
    CniEmpty,
    KubeletInactive,
}

/// Where a cause shows.
#[derive(Debug, Clone, Copy)]
pub enum Clue {
    /// A line of the step's own output, stderr and stdout (kubeadm's
    /// errors), holding every one of these.
    Step(&'static [&'static str]),
    /// A line of the unit's journal since the step started holding every
    /// one of these.
    Journal(&'static [&'static str]),
    /// What the host's state shows.
    Host(Symptom),
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

/// The cause `evidence` shows: the first signature of the table that what
/// was said (the step's output, the journal) matches, else the first that
/// the host's state does, else the first bare symptom. What kubeadm or the
/// kubelet said is the failure itself; the host's state only suggests a
/// cause, yet a better one than a symptom naming none.
pub fn diagnose(evidence: &Evidence) -> Diagnosis {
    let said = |clue: &Clue| !matches!(clue, Clue::Host(_));
    let by = |table: &'static [Signature], wanted: fn(&Clue) -> bool| {
        table.iter().find(|signature| {
            signature
                .clues
                .iter()
                .any(|clue| wanted(clue) && !hits(evidence, clue).is_empty())
        })
    };
    let found_first = by(SIGNATURES, said)
        .or_else(|| by(SIGNATURES, |_| true))
        .or_else(|| by(SYMPTOMS, |_| true));
    if let Some(signature) = found_first {
        let mut lines = found(evidence, signature.clues);
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
        for line in hits(evidence, clue) {
            if !lines.contains(line) {
                lines.push(line.clone());
            }
        }
    }
    lines
}

/// The lines of `evidence` that one clue finds.
fn hits<'a>(evidence: &'a Evidence, clue: &Clue) -> Vec<&'a String> {
    let holding = |lines: &'a [String], all: &[&str]| -> Vec<&'a String> {
        lines
            .iter()
            .filter(|line| all.iter().all(|part| line.contains(part)))
            .collect()
    };
    match clue {
        Clue::Step(all) => holding(&evidence.step, all),
        Clue::Journal(all) => holding(&evidence.journal, all),
        Clue::Host(symptom) => evidence
            .host
            .iter()
            .filter(|(shown, _)| shown == symptom)
            .map(|(_, line)| line)
            .collect(),
    }
}

impl Diagnosis {
    /// Whether a known cause matched.
    pub fn known(&self) -> bool {
        self.fix.is_some()
    }

    /// The `cause` object of its host's `failed` event and summary.json
    /// line: a known cause only.
    pub fn cause(&self) -> Option<serde_json::Value> {
        self.known()
            .then(|| serde_json::to_value(self).ok())
            .flatten()
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

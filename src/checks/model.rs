//! What each host answered, for the checks to judge beside the cluster
//! model. Plain data, filled by `preflight` from the probes, and by hand
//! in tests.

use std::collections::BTreeMap;

use crate::messages::Advice;
use crate::probe::Facts;

/// Why a host gave no facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectKind {
    Unreachable,
    Refused,
    AuthDenied,
    HostKeyUnknown,
    HostKeyChanged,
    /// Logged in, but sudo failed: it wants a password none gave, refused
    /// the one given, the user may not use it, or it is not installed.
    Sudo,
    /// The probe did not finish within its time limit.
    TimedOut,
    /// Anything else: the probe's own failure, a missing `sh`.
    Other,
}

/// A host that could not be probed: the kind decides the check, the
/// message and fix come from the layer that met the failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectFailure {
    pub kind: ConnectKind,
    pub advice: Advice,
}

/// One host's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probed {
    Answered {
        facts: Box<Facts>,
        /// The host's clock minus this machine's when the answer arrived,
        /// in seconds.
        clock_offset: Option<i64>,
    },
    Failed(ConnectFailure),
}

impl Probed {
    pub fn facts(&self) -> Option<&Facts> {
        match self {
            Probed::Answered { facts, .. } => Some(facts),
            Probed::Failed(_) => None,
        }
    }
}

/// The probed hosts by name; hosts left out by `--limit` are absent.
pub type Answers = BTreeMap<String, Probed>;

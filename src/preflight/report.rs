//! The outcome of a preflight run: every host and every finding, counted,
//! with the one decision callers need (may we go on?).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::checks::{Finding, Status};
use crate::exit::{Code, Problem};
use crate::messages;
use crate::messages::report::Counts;
use crate::probe::Facts;

/// A probed host as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostInfo {
    pub name: String,
    pub address: String,
    pub os: Option<String>,
    pub arch: Option<String>,
    pub reachable: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub hosts: Vec<HostInfo>,
    pub checks: Vec<Finding>,
    /// What each host that answered said: `join` and `all` decide from it
    /// what is already done (kubelet.conf, admin.conf), without asking again.
    #[serde(skip)]
    pub facts: BTreeMap<String, Facts>,
}

impl Report {
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for finding in &self.checks {
            match finding.status {
                Status::Pass => counts.pass += 1,
                Status::Warn => counts.warn += 1,
                Status::Fail => counts.fail += 1,
                Status::Skip => counts.skip += 1,
            }
            counts.ignored += usize::from(finding.ignored);
        }
        counts
    }

    /// The failures that stop `join` and `all` (ignored ones are warnings).
    pub fn blocking(&self) -> Vec<&Finding> {
        self.checks
            .iter()
            .filter(|finding| finding.blocks())
            .collect()
    }

    /// `--strict` counts warnings too, except those the user asked to
    /// ignore: `--ignore-check` would mean nothing otherwise.
    pub fn passed(&self, strict: bool) -> bool {
        self.checks.iter().all(|finding| match finding.status {
            Status::Fail => false,
            Status::Warn => !strict || finding.ignored,
            Status::Pass | Status::Skip => true,
        })
    }

    pub fn exit_code(&self, strict: bool) -> Code {
        if self.passed(strict) {
            Code::Success
        } else {
            Code::Failed
        }
    }

    /// For `join` and `all`, which go on past warnings: each warning as
    /// `! id: message`, with its `fix:` line as `deploy check` shows it.
    pub fn warning_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for finding in self.checks.iter().filter(|f| f.status == Status::Warn) {
            lines.push(format!("! {}: {}", finding.id, finding.message));
            if let Some(hint) = &finding.hint {
                lines.extend(messages::fix_lines("  ", "fix:", hint));
            }
        }
        lines
    }

    /// For `join` and `all`: an error naming every blocking failure with
    /// its fix, so they stop before changing anything.
    pub fn ensure_passed(&self) -> Result<(), Problem> {
        let blocking: Vec<(&str, &str, Option<&str>)> = self
            .blocking()
            .iter()
            .map(|finding| {
                (
                    finding.id,
                    finding.message.as_str(),
                    finding.hint.as_deref(),
                )
            })
            .collect();
        match messages::report::blocked(&blocking) {
            Some(advice) => Err(Problem::failed(advice)),
            None => Ok(()),
        }
    }

    /// The `--output json` document (its schema is in the README).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "hosts": self.hosts,
            "checks": self.checks,
            "summary": self.counts(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::Advice;

    fn finding(id: &'static str, status: Status, ignored: bool) -> Finding {
        let advice = Advice::new(format!("{id} said so"), format!("fix {id}"));
        Finding {
            ignored,
            ..Finding::new(id, Some("m"), status, advice)
        }
    }

    fn report(statuses: &[(Status, bool)]) -> Report {
        Report {
            facts: BTreeMap::new(),
            hosts: vec![],
            checks: statuses
                .iter()
                .map(|(status, ignored)| finding("worker.swap", *status, *ignored))
                .collect(),
        }
    }

    #[test]
    fn failures_fail_and_strict_counts_unignored_warnings() {
        let clean = report(&[(Status::Pass, false), (Status::Skip, false)]);
        assert_eq!(clean.exit_code(true), Code::Success);
        let warned = report(&[(Status::Warn, false)]);
        assert_eq!(warned.exit_code(false), Code::Success);
        assert_eq!(warned.exit_code(true), Code::Failed);
        let ignored = report(&[(Status::Warn, true)]);
        assert_eq!(ignored.exit_code(true), Code::Success);
        let failed = report(&[(Status::Fail, false)]);
        assert_eq!(failed.exit_code(false), Code::Failed);
    }

    #[test]
    fn the_counts_count_each_status() {
        let report = report(&[
            (Status::Pass, false),
            (Status::Warn, true),
            (Status::Fail, false),
            (Status::Skip, false),
        ]);
        assert_eq!(
            report.counts(),
            Counts {
                pass: 1,
                warn: 1,
                fail: 1,
                skip: 1,
                ignored: 1
            }
        );
        assert_eq!(report.blocking().len(), 1);
    }

    #[test]
    fn a_blocking_failure_becomes_an_error_with_the_fix() {
        assert!(report(&[(Status::Warn, false)]).ensure_passed().is_ok());
        let problem = report(&[(Status::Fail, false)])
            .ensure_passed()
            .unwrap_err();
        assert_eq!(problem.code(), Code::Failed);
        let text = crate::exit::render(&problem.into());
        assert!(text.contains("1 preflight check(s) failed, nothing was changed:\n  ✗ worker.swap: worker.swap said so"), "{text}");
        assert!(text.contains("fix: fix worker.swap\n"), "{text}");
        assert!(text.contains("--ignore-check worker.swap"), "{text}");
    }

    #[test]
    fn the_json_document_has_hosts_checks_and_summary() {
        let mut report = report(&[(Status::Fail, false)]);
        report.hosts.push(HostInfo {
            name: "m".into(),
            address: "192.0.2.10".into(),
            os: Some("Debian GNU/Linux 12 (bookworm)".into()),
            arch: Some("x86_64".into()),
            reachable: true,
        });
        let json = report.to_json();
        assert_eq!(json["hosts"][0]["os"], "Debian GNU/Linux 12 (bookworm)");
        let check = &json["checks"][0];
        assert_eq!(check["id"], "worker.swap");
        assert_eq!(check["host"], "m");
        assert_eq!(check["status"], "fail");
        assert_eq!(check["hint"], "fix worker.swap");
        assert_eq!(check["ignored"], false);
        assert_eq!(json["summary"]["fail"], 1);
    }
}

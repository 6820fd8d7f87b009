//! `--ignore-check ID|all`: failures that become warnings, marked ignored,
//! as kubeadm's `--ignore-preflight-errors` does.

use super::catalog::{CHECKS, PREPARE_FIXES, is_known};
use super::{Finding, Status};
use crate::exit::Problem;
use crate::messages::checks as say;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ignore {
    all: bool,
    ids: Vec<String>,
    /// `deploy all --prepare`: what the prepare phase fixes on these
    /// hosts (those it surveys) is a warning until it has run.
    prepared: Vec<String>,
}

impl Ignore {
    pub fn none() -> Self {
        Self::default()
    }

    /// Reads the flag's values; an unknown id is a usage error that lists
    /// the valid ones, so a typo never silently ignores nothing.
    pub fn parse(values: &[String]) -> Result<Self, Problem> {
        let mut ignore = Self::default();
        for value in values {
            let id = value.trim().to_ascii_lowercase();
            if id == "all" {
                ignore.all = true;
            } else if is_known(&id) {
                ignore.ids.push(id);
            } else {
                let valid: Vec<&str> = CHECKS.iter().map(|check| check.id).collect();
                return Err(Problem::usage(say::unknown_check(value, &valid)));
            }
        }
        Ok(ignore)
    }

    /// These, and the findings `deploy prepare` fixes on `hosts`.
    pub fn with_prepare(mut self, hosts: impl IntoIterator<Item = String>) -> Self {
        self.prepared = hosts.into_iter().collect();
        self
    }

    /// These, once prepare has run: its findings count again.
    pub fn after_prepare(&self) -> Self {
        Self {
            prepared: Vec::new(),
            ..self.clone()
        }
    }

    fn covers(&self, finding: &Finding) -> bool {
        let id = finding.id;
        let prepared = |host: &str| self.prepared.iter().any(|name| name == host);
        self.all
            || self.ids.iter().any(|ignored| ignored == id)
            || (PREPARE_FIXES.contains(&id) && finding.host.as_deref().is_some_and(prepared))
    }

    pub fn apply(&self, findings: &mut [Finding]) {
        for finding in findings {
            if finding.status == Status::Fail && self.covers(finding) {
                finding.status = Status::Warn;
                finding.ignored = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::checks::{catalog, evaluate};
    use crate::exit::Code;

    #[test]
    fn with_prepare_what_prepare_fixes_waits_and_counts_again_after() {
        let (cluster, answers) = with("w1", |facts| {
            facts.kubeadm = None;
            facts.swap_areas = Some(1);
            facts.kubeadm_version = Some("v1.28.15".into());
        });
        let before = Ignore::none().with_prepare(["w1".to_owned()]);
        let findings = evaluate(&cluster, &answers, &before);
        let status = |findings: &[Finding], id| {
            findings
                .iter()
                .find(|f| f.id == id && f.host.as_deref() == Some("w1"))
                .unwrap()
                .status
        };
        assert_eq!(status(&findings, catalog::WORKER_KUBEADM), Status::Warn);
        assert_eq!(status(&findings, catalog::WORKER_SWAP), Status::Warn);
        // A version change is not prepare's to make.
        assert_eq!(status(&findings, catalog::HOST_VERSION_SKEW), Status::Fail);
        let after = evaluate(&cluster, &answers, &before.after_prepare());
        assert_eq!(status(&after, catalog::WORKER_KUBEADM), Status::Fail);
    }

    #[test]
    fn with_prepare_only_the_hosts_it_surveys_wait() {
        let (cluster, answers) = with("m", |facts| facts.kubeadm = None);
        let limited = Ignore::none().with_prepare(["w1".to_owned()]);
        let finding = |ignore: &Ignore| {
            let findings = evaluate(&cluster, &answers, ignore);
            findings
                .iter()
                .find(|f| f.id == catalog::CONTROL_PLANE_KUBEADM)
                .unwrap()
                .status
        };
        assert_eq!(finding(&limited), Status::Fail);
        let whole = Ignore::none().with_prepare(["m".to_owned(), "w1".to_owned()]);
        assert_eq!(finding(&whole), Status::Warn);
    }

    #[test]
    fn an_ignored_failure_becomes_a_marked_warning() {
        let (cluster, answers) = with("w1", |facts| {
            facts.kubeadm = None;
            facts.swap_areas = Some(1);
        });
        let ignore = Ignore::parse(&["Worker.Kubeadm".into()]).unwrap();
        let findings = evaluate(&cluster, &answers, &ignore);
        let get = |id| {
            findings
                .iter()
                .find(|f| f.id == id && f.host.as_deref() == Some("w1"))
                .unwrap()
        };
        let kubeadm = get(catalog::WORKER_KUBEADM);
        assert_eq!((kubeadm.status, kubeadm.ignored), (Status::Warn, true));
        assert!(kubeadm.hint.is_some(), "the fix is still shown");
        assert_eq!(get(catalog::WORKER_SWAP).status, Status::Fail);

        let all = evaluate(&cluster, &answers, &Ignore::parse(&["all".into()]).unwrap());
        assert!(all.iter().all(|f| f.status != Status::Fail));
        assert!(all.iter().filter(|f| f.ignored).count() == 2);
    }

    #[test]
    fn an_unknown_id_is_a_usage_error_listing_the_valid_ones() {
        let problem = Ignore::parse(&["worker.swp".into()]).unwrap_err();
        assert_eq!(problem.code(), Code::Usage);
        let err = anyhow::Error::from(problem);
        let text = crate::exit::render(&err);
        assert!(
            text.contains("\"worker.swp\": no check has this id"),
            "{text}"
        );
        assert!(
            text.contains("worker.swap") && text.contains("cluster.clock-skew"),
            "{text}"
        );
    }
}

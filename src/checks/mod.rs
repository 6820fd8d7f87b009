//! Preflight checks: plain functions from the inventory and each host's
//! facts to findings. No I/O here (`preflight` gathers, `checks` judges), so
//! every check is unit-tested without SSH.

pub mod catalog;
mod clock;
mod control_plane;
mod host;
mod ignore;
pub mod inventory;

pub mod model;
mod node;
pub mod prepare;
pub mod reset;
mod rke2;
mod values;
pub mod wake;
mod worker;

use serde::Serialize;

pub use catalog::CHECKS;
pub use ignore::Ignore;
pub use model::{Answers, ConnectFailure, ConnectKind, Probed};
pub use rke2::node_name as rke2_node_name;

use crate::cluster::{Cluster, Host, Rke2};

use crate::messages::Advice;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Skip,
    Warn,
    Fail,
}

/// One judged check: on a host, or about the whole cluster (`host: None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub id: &'static str,
    pub host: Option<String>,
    pub status: Status,
    pub message: String,
    /// The fix; `hint` in the JSON report, whose schema is in the README.
    pub hint: Option<String>,
    /// A failure turned into a warning by `--ignore-check`.
    pub ignored: bool,
}

impl Finding {
    pub fn new(id: &'static str, host: Option<&str>, status: Status, advice: Advice) -> Self {
        Self {
            id,
            host: host.map(str::to_owned),
            status,
            message: advice.message,
            // A fix on a pass would be noise; keep it for what needs doing.
            hint: advice
                .fix
                .filter(|_| matches!(status, Status::Warn | Status::Fail)),
            ignored: false,
        }
    }

    /// Stops `join` and `all`: a failure nobody chose to ignore.
    pub fn blocks(&self) -> bool {
        self.status == Status::Fail
    }
}

/// Every check over the cluster and the answers, in a stable order:
/// inventory and this machine first, then each probed host in inventory
/// order, then the checks across hosts. `--ignore-check` is applied last.
pub fn evaluate(cluster: &Cluster, answers: &Answers, ignore: &Ignore) -> Vec<Finding> {
    let mut findings = inventory::check(cluster);
    findings.extend(values::check(cluster));
    findings.extend(wake::check(cluster));
    for spec in &cluster.hosts {
        if let Some(probed) = answers.get(&spec.name) {
            findings.extend(judge_host(cluster, spec, probed, answers));
        }
    }
    findings.extend(clock::check(answers));
    ignore.apply(&mut findings);
    findings
}

fn judge_host(cluster: &Cluster, spec: &Host, probed: &Probed, answers: &Answers) -> Vec<Finding> {
    let mut findings = host::reachable(spec, probed);
    let Some(facts) = probed.facts() else {
        return findings;
    };
    findings.push(host::host_keys(spec));
    findings.push(host::sudo(spec, facts));
    findings.push(host::os(spec, facts));
    if spec.is_control_plane() {
        findings.extend(control_plane::check(cluster, spec, facts));
    }
    if spec.is_worker() {
        findings.extend(worker::check(cluster, spec, facts, answers));
    }
    if spec.is_rke2() && cluster.rke2 != Rke2::Excluded {
        findings.extend(rke2::check(spec, facts));
    }
    findings
}

#[cfg(test)]
pub(crate) mod fixtures;

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;

    #[test]
    fn a_clean_cluster_passes_everything_in_a_stable_order() {
        let (cluster, answers) = clean();
        let findings = evaluate(&cluster, &answers, &Ignore::none());
        let bad: Vec<_> = findings
            .iter()
            .filter(|f| f.status >= Status::Warn)
            .collect();
        assert!(bad.is_empty(), "{bad:#?}");
        assert_eq!(findings[0].id, catalog::INVENTORY_CONTROL_PLANE);
        assert_eq!(findings.last().unwrap().id, catalog::CLUSTER_CLOCK_SKEW);
        let hosts: Vec<_> = findings.iter().filter_map(|f| f.host.as_deref()).collect();
        let first_worker = hosts.iter().position(|h| *h == "w1").unwrap();
        assert!(hosts[..first_worker].iter().all(|h| *h == "m"));
    }

    #[test]
    fn hosts_left_out_by_limit_are_not_judged() {
        let (cluster, mut answers) = clean();
        answers.remove("w2");
        let findings = evaluate(&cluster, &answers, &Ignore::none());
        assert!(!findings.iter().any(|f| f.host.as_deref() == Some("w2")));
    }

    #[test]
    fn an_unreachable_host_gets_one_failure_and_nothing_else() {
        let (cluster, mut answers) = clean();
        answers.insert("w1".into(), failed(ConnectKind::Unreachable));
        let findings = evaluate(&cluster, &answers, &Ignore::none());
        let on_w1: Vec<_> = findings
            .iter()
            .filter(|f| f.host.as_deref() == Some("w1"))
            .collect();
        assert_eq!(on_w1.len(), 1);
        assert_eq!(on_w1[0].id, catalog::HOST_REACHABLE);
        assert!(on_w1[0].blocks());
    }

    #[test]
    fn passes_carry_no_hint() {
        let (cluster, answers) = clean();
        let findings = evaluate(&cluster, &answers, &Ignore::none());
        assert!(findings.iter().all(|f| f.hint.is_none()));
    }
}

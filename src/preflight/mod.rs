//! `deploy check`, and the preflight `join` and `all` run first: probe the
//! hosts in parallel (one round trip each), judge the answers with
//! `checks`, report.

pub mod human;
pub mod pool;
pub mod report;
mod run;

use std::time::{SystemTime, UNIX_EPOCH};

use crate::checks::{self, Answers, ConnectFailure, ConnectKind, Ignore, Probed};
use crate::cluster::{Cluster, Host};
use crate::probe::{self, Facts, Inputs};

pub use report::{HostInfo, Report};
pub use run::{Checker, classify, endpoint_after_init, run};

/// What each host is asked: the runtime socket where kubeadm runs, the
/// control plane endpoint from the workers' side, and the control plane's
/// nodes.
pub fn inputs_for(cluster: &Cluster, spec: &Host) -> Inputs {
    let kubeadm_node = spec.is_control_plane() || spec.is_worker();
    Inputs {
        cri_socket: spec
            .cri_socket
            .as_deref()
            .filter(|_| kubeadm_node)
            .map(|socket| probe::socket_path(socket).to_owned()),
        endpoint: cluster.endpoint().filter(|_| spec.is_worker()),
        rke2: spec.is_rke2(),
        nodes: spec.is_control_plane(),
    }
}

/// Reads a probe's output; the clock offset is taken against this
/// machine's clock now, just after the answer (whose last line is the
/// time) arrived.
pub fn read_answer(stdout: &str) -> Probed {
    match Facts::parse(stdout) {
        Ok(facts) => {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |elapsed| elapsed.as_secs() as i64);
            let clock_offset = facts.time.map(|time| time - now);
            Probed::Answered {
                facts: Box::new(facts),
                clock_offset,
            }
        }
        Err(err) => Probed::Failed(ConnectFailure {
            kind: ConnectKind::Other,
            advice: crate::messages::remote::probe_unreadable(&err),
        }),
    }
}

/// Without `--wake`: a host with a usable `wol_mac` that gave no answer
/// may be asleep, so its fix says first how to wake it. A refused
/// connection is not sleep: something there answered.
pub fn suggest_waking(host: &Host, probed: Probed) -> Probed {
    let wakeable = host
        .wake
        .as_ref()
        .is_some_and(|wake| wake.target().is_some());
    match probed {
        Probed::Failed(mut failure) if wakeable && failure.kind == ConnectKind::Unreachable => {
            let fix = crate::messages::wake::wake_first(host, failure.advice.fix.as_deref());
            failure.advice.fix = Some(fix);
            Probed::Failed(failure)
        }
        other => other,
    }
}

/// Probes `hosts` (at most `forks` at once) and judges every answer.
pub fn gather_and_judge(
    cluster: &Cluster,
    hosts: &[&Host],
    forks: usize,
    ignore: &Ignore,
    probe: impl Fn(&Host, &Inputs) -> Probed + Sync,
) -> Report {
    let probed = pool::map(hosts, forks, |host| probe(host, &inputs_for(cluster, host)));
    let answers: Answers = hosts
        .iter()
        .map(|spec| spec.name.clone())
        .zip(probed)
        .collect();
    judge(cluster, &answers, ignore)
}

/// The report for answers already gathered.
pub fn judge(cluster: &Cluster, answers: &Answers, ignore: &Ignore) -> Report {
    let hosts = cluster
        .hosts
        .iter()
        .filter_map(|spec| {
            let probed = answers.get(&spec.name)?;
            let facts = probed.facts();
            let known = |text: &str| (!text.is_empty()).then(|| text.to_owned());
            Some(HostInfo {
                name: spec.name.clone(),
                address: spec.address.clone(),
                os: facts.and_then(|facts| known(&facts.os.pretty_name)),
                arch: facts.and_then(|facts| known(&facts.arch)),
                reachable: facts.is_some(),
            })
        })
        .collect();
    let facts = answers
        .iter()
        .filter_map(|(name, probed)| Some((name.clone(), probed.facts()?.clone())))
        .collect();
    Report {
        hosts,
        checks: checks::evaluate(cluster, answers, ignore),
        facts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::*;
    use crate::checks::{Status, catalog};

    #[test]
    fn workers_are_asked_for_the_endpoint_and_the_rke2_host_for_no_socket() {
        let cluster = cluster();
        let worker = inputs_for(&cluster, cluster.host("w1").unwrap());
        assert_eq!(
            worker.endpoint,
            Some(crate::cluster::Endpoint::default_for("192.0.2.10"))
        );
        assert_eq!(
            worker.cri_socket.as_deref(),
            Some("/run/containerd/containerd.sock")
        );
        let control = inputs_for(&cluster, cluster.host("m").unwrap());
        assert_eq!(control.endpoint, None);
        assert!(control.nodes && !worker.nodes);
        assert_eq!(
            inputs_for(&cluster, cluster.host("r").unwrap()).cri_socket,
            None
        );
    }

    #[test]
    fn an_answer_gets_its_clock_offset_and_garbage_is_a_failure() {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let Probed::Answered { clock_offset, .. } =
            read_answer(&format!("probe=1\ntime={}\n", now + 100))
        else {
            panic!("not answered");
        };
        assert!((clock_offset.unwrap() - 100).abs() <= 2);
        assert!(matches!(
            read_answer("sh: 1: syntax error"),
            Probed::Failed(_)
        ));
    }

    #[test]
    fn every_named_host_is_probed_once_and_reported() {
        let (cluster, answers) = clean();
        let hosts = [cluster.host("m").unwrap(), cluster.host("w1").unwrap()];
        let asked = std::sync::Mutex::new(Vec::new());
        let report = gather_and_judge(&cluster, &hosts, 4, &Ignore::none(), |spec, _| {
            asked.lock().unwrap().push(spec.name.clone());
            answers[&spec.name].clone()
        });
        let mut asked = asked.into_inner().unwrap();
        asked.sort();
        assert_eq!(asked, ["m", "w1"]);
        let hosts: Vec<&str> = report.hosts.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(hosts, ["m", "w1"]);
        assert_eq!(
            report.hosts[0].os.as_deref(),
            Some("Debian GNU/Linux 12 (bookworm)")
        );
        assert!(report.passed(true), "{:#?}", report.blocking());
    }

    #[test]
    fn an_unreachable_host_with_a_mac_is_told_how_to_wake_it_first() {
        let mut host = cluster().host("w1").unwrap().clone();
        let unreachable = failed(ConnectKind::Unreachable);
        assert_eq!(suggest_waking(&host, unreachable.clone()), unreachable);
        host.wake = crate::cluster::WakeOnLan::new(Some("b8:ac:6f:7e:6c:9d".into()), None, None);
        let Probed::Failed(failure) = suggest_waking(&host, unreachable) else {
            panic!("not a failure");
        };
        assert_eq!(
            failure.advice.fix.as_deref(),
            Some(
                "if w1 is asleep, wake it: deploy wake -l w1 (or run this again with --wake)\n\
                 otherwise: check that the host is up"
            )
        );
        let refused = failed(ConnectKind::Refused);
        assert_eq!(suggest_waking(&host, refused.clone()), refused);
        host.wake = crate::cluster::WakeOnLan::new(Some("junk".into()), None, None);
        let unreachable = failed(ConnectKind::Unreachable);
        assert_eq!(suggest_waking(&host, unreachable.clone()), unreachable);
    }

    #[test]
    fn an_unreachable_host_is_reported_without_os() {
        let (cluster, mut answers) = clean();
        answers.insert("w2".into(), failed(ConnectKind::Refused));
        let report = judge(&cluster, &answers, &Ignore::none());
        let w2 = report.hosts.iter().find(|h| h.name == "w2").unwrap();
        assert!(!w2.reachable && w2.os.is_none());
        let failure = &report.blocking()[0];
        assert_eq!(
            (failure.id, failure.status),
            (catalog::HOST_REACHABLE, Status::Fail)
        );
    }
}

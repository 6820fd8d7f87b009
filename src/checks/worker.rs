//! Workers: what `kubeadm join` and the kubelet need, nothing an earlier
//! install left that it refuses, and the control plane endpoint as the
//! worker itself sees it.

use super::catalog::*;
use super::model::Answers;
use super::node::{busy_ports, skew, socket, tool};
use super::{Finding, Status};
use crate::cluster::{Cluster, Host};
use crate::messages::nodes::{self as say, Leftover};
use crate::probe::{EarlierJoin, Facts, Reach};

/// Where a worker stands with the cluster, from its files and the control
/// plane's nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standing {
    /// kubelet.conf, and the cluster has the node (or could not say).
    Joined,
    /// deploy's earlier join failed: the join resets it first.
    FailedBefore(EarlierJoin),
    /// kubelet.conf, but no cluster yet (`no_cluster`) or no such node.
    Stale {
        no_cluster: bool,
    },
    NotJoined,
}

/// What the control plane said of the cluster: `None` when it was not
/// asked (left out by `--limit`, unreachable) or could not list its nodes.
fn cluster_nodes<'a>(cluster: &Cluster, answers: &'a Answers) -> Option<Option<&'a [String]>> {
    let facts = answers.get(&cluster.control_plane()?.name)?.facts()?;
    if !facts.admin_conf {
        return Some(None);
    }
    facts.nodes.as_deref().map(Some)
}

fn standing(cluster: &Cluster, spec: &Host, facts: &Facts, answers: &Answers) -> Standing {
    if let Some(join) = facts.earlier_join.filter(EarlierJoin::failed) {
        return Standing::FailedBefore(join);
    }
    if !facts.kubelet_conf {
        return Standing::NotJoined;
    }
    match cluster_nodes(cluster, answers) {
        Some(None) => Standing::Stale { no_cluster: true },
        Some(Some(nodes)) if !nodes.iter().any(|node| node == spec.node_name()) => {
            Standing::Stale { no_cluster: false }
        }
        _ => Standing::Joined,
    }
}

const ROLE: &str = "worker";

pub fn check(cluster: &Cluster, spec: &Host, facts: &Facts, answers: &Answers) -> Vec<Finding> {
    let on = |id, status, text| Finding::new(id, Some(&spec.name), status, text);
    let version = cluster
        .settings
        .kubernetes_version
        .as_ref()
        .map(|version| version.text.as_str());
    let mut kubeadm = tool(
        WORKER_KUBEADM,
        spec,
        ROLE,
        "kubeadm",
        facts.kubeadm.as_deref(),
        facts,
        version,
    );
    let standing = standing(cluster, spec, facts, answers);
    // A joined worker never runs kubeadm again in `deploy join`; one whose
    // join failed is reset and joined again, with kubeadm.
    if kubeadm.status == Status::Fail && standing == Standing::Joined {
        kubeadm = on(
            WORKER_KUBEADM,
            Status::Warn,
            say::kubeadm_missing_but_joined(spec),
        );
    }
    let mut findings = vec![
        kubeadm,
        tool(
            WORKER_KUBELET,
            spec,
            ROLE,
            "kubelet",
            facts.kubelet.as_deref(),
            facts,
            version,
        ),
        socket(WORKER_RUNTIME_SOCKET, spec, facts),
        match facts.swap_areas {
            Some(0) => on(WORKER_SWAP, Status::Pass, say::swap_off(spec)),
            Some(areas) => on(WORKER_SWAP, Status::Fail, say::swap_on(spec, areas)),
            None => on(WORKER_SWAP, Status::Warn, say::swap_unknown(spec)),
        },
        {
            let missing: Vec<&str> = [
                ("br_netfilter", facts.br_netfilter),
                ("overlay", facts.overlay),
            ]
            .into_iter()
            .filter_map(|(module, loaded)| (!loaded).then_some(module))
            .collect();
            if missing.is_empty() {
                on(
                    WORKER_KERNEL_MODULES,
                    Status::Pass,
                    say::modules_loaded(spec),
                )
            } else {
                on(
                    WORKER_KERNEL_MODULES,
                    Status::Fail,
                    say::modules_missing(spec, &missing),
                )
            }
        },
        match facts.ip_forward {
            Some(true) => on(WORKER_IP_FORWARD, Status::Pass, say::ip_forward_on(spec)),
            Some(false) => on(WORKER_IP_FORWARD, Status::Fail, say::ip_forward_off(spec)),
            None => on(
                WORKER_IP_FORWARD,
                Status::Warn,
                say::ip_forward_unknown(spec),
            ),
        },
        on(
            WORKER_JOINED,
            Status::Pass,
            match standing {
                Standing::FailedBefore(join) => say::join_failed_before(spec, join.exit_code),
                Standing::Joined => say::joined(spec),
                Standing::Stale { .. } => say::kubelet_conf_stale(spec),
                Standing::NotJoined => say::not_joined(spec),
            },
        ),
        leftovers(spec, facts, standing),
        endpoint(cluster, spec, facts, answers),
    ];
    let text = cluster
        .settings
        .kubernetes_version
        .as_ref()
        .filter(|version| !version.number)
        .map(|version| version.text.as_str());
    findings.extend(skew(HOST_VERSION_SKEW, spec, facts, text));
    findings
}

/// What `kubeadm join`'s preflight would refuse (FileAvailable, Port-10250),
/// unless the worker has joined or deploy resets it before joining.
fn leftovers(spec: &Host, facts: &Facts, standing: Standing) -> Finding {
    let on = |status, text| Finding::new(WORKER_LEFTOVERS, Some(&spec.name), status, text);
    let mut found = Vec::new();
    match standing {
        Standing::Joined => return on(Status::Pass, say::leftovers_joined(spec)),
        Standing::FailedBefore(_) => {
            return on(Status::Pass, say::leftovers_reset_by_deploy(spec));
        }
        Standing::Stale { no_cluster } => found.push(Leftover::KubeletConf { no_cluster }),
        Standing::NotJoined => {}
    }
    if facts.bootstrap_kubelet_conf {
        found.push(Leftover::BootstrapKubeletConf);
    }
    if facts.pki_ca {
        found.push(Leftover::CaCert);
    }
    if !busy_ports(spec, facts, &[KUBELET_PORT]).is_empty() {
        found.push(Leftover::Port10250);
    }
    if found.is_empty() {
        on(Status::Pass, say::leftovers_none(spec))
    } else {
        on(
            Status::Fail,
            say::leftovers_found(spec, spec.node_name(), &found),
        )
    }
}

/// The kubelet's port, which `kubeadm join` wants free.
const KUBELET_PORT: u16 = 10250;

/// Whether the control plane is initialised, as far as the answers tell:
/// `None` when no control plane answered (left out by `--limit`, or down).
fn control_plane_initialised(cluster: &Cluster, answers: &Answers) -> Option<bool> {
    let states: Vec<bool> = cluster
        .control_planes()
        .filter_map(|host| answers.get(&host.name)?.facts())
        .map(|facts| facts.admin_conf)
        .collect();
    (!states.is_empty()).then(|| states.contains(&true))
}

/// Before `kubeadm init` nothing listens on the endpoint, so a refusal
/// means nothing yet: skipped, and `deploy all` asks again after init.
fn endpoint(cluster: &Cluster, spec: &Host, facts: &Facts, answers: &Answers) -> Finding {
    let on = |status, text| Finding::new(WORKER_ENDPOINT_REACHABLE, Some(&spec.name), status, text);
    let Some(endpoint) = cluster.endpoint() else {
        return on(Status::Skip, say::endpoint_not_configured(spec));
    };
    let reach = match facts.endpoint {
        Some(Reach::Open) => return on(Status::Pass, say::endpoint_reached(spec, &endpoint)),
        None | Some(Reach::Untested) => return on(Status::Warn, say::endpoint_untested(spec)),
        Some(reach) => reach,
    };
    match control_plane_initialised(cluster, answers) {
        Some(true) => on(
            Status::Fail,
            say::endpoint_unreached(spec, &endpoint, reach == Reach::TimedOut),
        ),
        Some(false) => on(Status::Skip, say::endpoint_before_init(spec)),
        None => on(
            Status::Warn,
            say::endpoint_unreached(spec, &endpoint, reach == Reach::TimedOut),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::checks::Probed;
    use crate::probe::EarlierJoin;

    fn status(answers: &Answers, cluster: &Cluster, id: &str) -> Status {
        find(cluster, answers, id, Some("w1")).status
    }

    /// The control plane initialised with `nodes`; w1 as a joined worker
    /// looks (kubelet.conf, the CA, its kubelet on 10250), then `change`d.
    fn joined_w1(nodes: &[&str], change: impl FnOnce(&mut Facts)) -> (Cluster, Answers) {
        let (cluster, mut answers) = with("w1", |facts| {
            facts.kubelet_conf = true;
            facts.pki_ca = true;
            facts.listeners.push(listener("0.0.0.0", 10250));
            change(facts);
        });
        if let Some(Probed::Answered { facts, .. }) = answers.get_mut("m") {
            facts.admin_conf = true;
            facts.nodes = Some(nodes.iter().map(|n| n.to_string()).collect());
        }
        (cluster, answers)
    }

    #[test]
    fn missing_kubeadm_on_a_worker_fails_unless_it_already_joined() {
        let (cluster, answers) = with("w1", |facts| facts.kubeadm = None);
        let finding = find(&cluster, &answers, WORKER_KUBEADM, Some("w1"));
        assert_eq!(finding.status, Status::Fail);
        assert_eq!(
            finding.message,
            "kubeadm not found on the worker w1 (192.0.2.11)"
        );
        let (cluster, answers) = joined_w1(&["m", "w1"], |facts| facts.kubeadm = None);
        assert_eq!(status(&answers, &cluster, WORKER_KUBEADM), Status::Warn);
    }

    #[test]
    fn missing_kubelet_and_runtime_socket_fail() {
        let (cluster, answers) = with("w1", |facts| {
            facts.kubelet = None;
            facts.cri_socket = Some(false);
        });
        assert_eq!(status(&answers, &cluster, WORKER_KUBELET), Status::Fail);
        assert_eq!(
            status(&answers, &cluster, WORKER_RUNTIME_SOCKET),
            Status::Fail
        );
    }

    #[test]
    fn swap_on_fails_and_unreadable_swap_warns() {
        let (cluster, answers) = with("w1", |facts| facts.swap_areas = Some(2));
        let finding = find(&cluster, &answers, WORKER_SWAP, Some("w1"));
        assert_eq!(finding.status, Status::Fail);
        assert!(finding.message.contains("swap is on (2 area(s)"));
        assert!(finding.hint.unwrap().starts_with("swapoff -a"));
        let (cluster, answers) = with("w1", |facts| facts.swap_areas = None);
        assert_eq!(status(&answers, &cluster, WORKER_SWAP), Status::Warn);
    }

    #[test]
    fn kernel_modules_name_the_missing_ones() {
        let (cluster, answers) = with("w1", |facts| facts.br_netfilter = false);
        let finding = find(&cluster, &answers, WORKER_KERNEL_MODULES, Some("w1"));
        assert_eq!(finding.status, Status::Fail);
        assert!(finding.message.contains("br_netfilter not loaded"));
        assert!(finding.hint.unwrap().starts_with("modprobe br_netfilter,"));
    }

    #[test]
    fn ip_forward_must_be_on() {
        let (cluster, answers) = with("w1", |facts| facts.ip_forward = Some(false));
        assert_eq!(status(&answers, &cluster, WORKER_IP_FORWARD), Status::Fail);
        let (cluster, answers) = with("w1", |facts| facts.ip_forward = None);
        assert_eq!(status(&answers, &cluster, WORKER_IP_FORWARD), Status::Warn);
    }

    #[test]
    fn an_already_joined_worker_is_information() {
        let (cluster, answers) = joined_w1(&["m", "w1"], |_| {});
        let finding = find(&cluster, &answers, WORKER_JOINED, Some("w1"));
        assert_eq!(finding.status, Status::Pass);
        assert!(finding.message.contains("the join will skip it"));
        // Its files and its kubelet's port are the cluster's, not leftovers.
        let finding = find(&cluster, &answers, WORKER_LEFTOVERS, Some("w1"));
        assert_eq!(finding.status, Status::Pass, "{}", finding.message);

        // A control plane that cannot say (left out, API down): as before,
        // kubelet.conf means joined.
        let (cluster, mut answers) = joined_w1(&[], |_| {});
        if let Some(Probed::Answered { facts, .. }) = answers.get_mut("m") {
            facts.nodes = None;
        }
        assert_eq!(status(&answers, &cluster, WORKER_LEFTOVERS), Status::Pass);
        answers.remove("m");
        assert_eq!(status(&answers, &cluster, WORKER_LEFTOVERS), Status::Pass);
    }

    #[test]
    fn an_earlier_installs_leftovers_fail_naming_each_with_kubeadm_reset() {
        // A kubelet.conf the cluster has no node for, with its CA and kubelet.
        let (cluster, answers) = joined_w1(&["m"], |facts| facts.bootstrap_kubelet_conf = true);
        let finding = find(&cluster, &answers, WORKER_LEFTOVERS, Some("w1"));
        assert_eq!(finding.status, Status::Fail);
        for named in [
            "kubelet.conf exists, and the cluster has no node w1",
            "bootstrap-kubelet.conf exists",
            "pki/ca.crt exists",
            "port 10250 is in use",
        ] {
            assert!(
                finding.message.contains(named),
                "{named}: {}",
                finding.message
            );
        }
        assert!(
            finding
                .hint
                .unwrap()
                .starts_with("run `sudo kubeadm reset -f` on w1")
        );
        let joined = find(&cluster, &answers, WORKER_JOINED, Some("w1"));
        assert!(joined.message.contains("left from an earlier install"));

        // No cluster yet: any kubelet.conf is an earlier install's.
        let (cluster, mut answers) = joined_w1(&[], |_| {});
        if let Some(Probed::Answered { facts, .. }) = answers.get_mut("m") {
            facts.admin_conf = false;
            facts.nodes = None;
        }
        let finding = find(&cluster, &answers, WORKER_LEFTOVERS, Some("w1"));
        assert!(
            finding
                .message
                .contains("the control plane has no cluster yet")
        );

        // Without kubelet.conf each leftover alone fails; a neighbour's
        // kubelet on another address is not this host's.
        for change in [
            (|f: &mut Facts| f.pki_ca = true) as fn(&mut Facts),
            |f| f.bootstrap_kubelet_conf = true,
            |f| f.listeners.push(listener("192.0.2.11", 10250)),
        ] {
            let (cluster, answers) = with("w1", change);
            assert_eq!(status(&answers, &cluster, WORKER_LEFTOVERS), Status::Fail);
        }
        let (cluster, answers) = with("w1", |f| f.listeners.push(listener("192.0.2.99", 10250)));
        assert_eq!(status(&answers, &cluster, WORKER_LEFTOVERS), Status::Pass);
    }

    #[test]
    fn a_worker_whose_deploy_join_failed_is_reset_by_deploy_not_blocked() {
        let (cluster, answers) = joined_w1(&["m"], |facts| {
            facts.bootstrap_kubelet_conf = true;
            facts.earlier_join = Some(EarlierJoin {
                exit_code: 1,
                ended_at: None,
            });
        });
        let finding = find(&cluster, &answers, WORKER_LEFTOVERS, Some("w1"));
        assert_eq!(finding.status, Status::Pass);
        assert!(
            finding.message.contains("kubeadm reset -f"),
            "{}",
            finding.message
        );
    }

    #[test]
    fn kubelet_conf_after_a_failed_join_is_not_joined_and_needs_kubeadm() {
        let failed = |facts: &mut Facts| {
            facts.kubelet_conf = true;
            facts.earlier_join = Some(EarlierJoin {
                exit_code: 1,
                ended_at: None,
            });
        };
        let (cluster, answers) = with("w1", failed);
        let finding = find(&cluster, &answers, WORKER_JOINED, Some("w1"));
        assert!(
            finding
                .message
                .contains("not joined: the earlier join failed with exit code 1"),
            "{}",
            finding.message
        );
        let (cluster, answers) = with("w1", |facts| {
            failed(facts);
            facts.kubeadm = None;
        });
        assert_eq!(status(&answers, &cluster, WORKER_KUBEADM), Status::Fail);
    }

    #[test]
    fn the_endpoint_is_judged_only_once_the_control_plane_exists() {
        // Before init: a refusal is expected, so the check is skipped.
        let (cluster, answers) = with("w1", |facts| facts.endpoint = Some(Reach::Closed));
        assert_eq!(
            status(&answers, &cluster, WORKER_ENDPOINT_REACHABLE),
            Status::Skip
        );

        // After init: the same refusal fails, naming endpoint and curl.
        let (cluster, mut answers) = with("w1", |facts| facts.endpoint = Some(Reach::TimedOut));
        if let Some(Probed::Answered { facts, .. }) = answers.get_mut("m") {
            facts.admin_conf = true;
        }
        let finding = find(&cluster, &answers, WORKER_ENDPOINT_REACHABLE, Some("w1"));
        assert_eq!(finding.status, Status::Fail);
        assert!(
            finding
                .message
                .contains("192.0.2.10:6443 (no answer within 2 seconds)")
        );
        assert!(
            finding
                .hint
                .unwrap()
                .contains("curl -k https://192.0.2.10:6443/healthz")
        );

        // Control plane not probed (--limit w1): unknown, so a warning.
        answers.remove("m");
        assert_eq!(
            status(&answers, &cluster, WORKER_ENDPOINT_REACHABLE),
            Status::Warn
        );

        let (cluster, answers) = clean();
        assert_eq!(
            status(&answers, &cluster, WORKER_ENDPOINT_REACHABLE),
            Status::Pass
        );
    }
}

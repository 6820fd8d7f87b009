//! The inventory's values that reach Kubernetes' tools: each host's node
//! name, labels and taints, and the cluster's version. A value of the
//! wrong shape fails here, naming host and value, before any host is
//! changed, rather than in the last phase (or as a node that never
//! registers). Only hosts taking part are judged.

use super::catalog::*;
use super::{Finding, Status};
use crate::cluster::{Cluster, Host};
use crate::kube::kubeadm::kubeadm_version;
use crate::kube::names::{self, Taint};
use crate::messages::Advice;
use crate::messages::values as say;

pub fn check(cluster: &Cluster) -> Vec<Finding> {
    let hosts = cluster.participants(true);
    let mut findings = per_host(INVENTORY_NODE_NAMES, &hosts, node_name, say::node_names_ok);
    findings.extend(per_host(
        INVENTORY_NODE_LABELS,
        &hosts,
        labels,
        say::labels_ok,
    ));
    findings.extend(per_host(
        INVENTORY_NODE_TAINTS,
        &hosts,
        taints,
        say::taints_ok,
    ));
    findings.push(version(cluster));
    findings
}

/// A failure on each host with something wrong; one pass when none has.
fn per_host(
    id: &'static str,
    hosts: &[&Host],
    judge: fn(&Host) -> Vec<Advice>,
    ok: fn() -> Advice,
) -> Vec<Finding> {
    let mut findings: Vec<Finding> = hosts
        .iter()
        .flat_map(|host| {
            judge(host)
                .into_iter()
                .map(|advice| Finding::new(id, Some(&host.name), Status::Fail, advice))
        })
        .collect();
    if findings.is_empty() {
        findings.push(Finding::new(id, None, Status::Pass, ok()));
    }
    findings
}

fn node_name(host: &Host) -> Vec<Advice> {
    let name = host.node_name();
    let variable = if name == host.name {
        "the inventory's host name"
    } else {
        "rke2_config's node-name"
    };
    names::node_name(name)
        .err()
        .map(|flaw| say::node_name_invalid(host, variable, name, &flaw))
        .into_iter()
        .collect()
}

fn labels(host: &Host) -> Vec<Advice> {
    host.labels
        .iter()
        .filter_map(|text| {
            let flaw = names::label(text).err()?;
            Some(say::label_invalid(host, text, &flaw))
        })
        .collect()
}

fn taints(host: &Host) -> Vec<Advice> {
    host.taints
        .iter()
        .filter_map(|text| {
            let flaw = Taint::parse(text).err()?;
            Some(say::taint_invalid(host, text, &flaw))
        })
        .collect()
}

fn version(cluster: &Cluster) -> Finding {
    let on = |status, advice| Finding::new(INVENTORY_KUBERNETES_VERSION, None, status, advice);
    let Some(version) = &cluster.settings.kubernetes_version else {
        return on(Status::Pass, say::version_unset());
    };
    let value = &version.text;
    let read_from = cluster
        .settings
        .host
        .as_deref()
        .and_then(|name| cluster.host(name));
    if version.number
        && let Some(host) = read_from
    {
        return on(Status::Fail, say::version_a_number(host, value));
    }
    let told = kubeadm_version(value);
    match names::kubeadm_version(&told) {
        Ok(()) => on(Status::Pass, say::version_ok(value, &told)),
        Err(_) => on(Status::Fail, say::version_invalid(value, &told)),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::cluster::Rke2;

    fn found(cluster: &Cluster, id: &str) -> Vec<Finding> {
        check(cluster).into_iter().filter(|f| f.id == id).collect()
    }

    #[test]
    fn good_values_pass_once_each() {
        let mut cluster = cluster();
        cluster.hosts[1].labels = vec![
            "vmstation.io/role=storage".into(),
            "node-role.kubernetes.io/worker=".into(),
        ];
        cluster.hosts[1].taints = vec!["dedicated=storage:NoSchedule".into()];
        let findings = check(&cluster);
        assert_eq!(findings.len(), 4, "{findings:#?}");
        assert!(
            findings
                .iter()
                .all(|f| f.status == Status::Pass && f.host.is_none())
        );
        assert_eq!(
            findings[3].message,
            "kubernetes_version 1.29 (kubeadm: stable-1.29)"
        );
    }

    #[test]
    fn hostile_labels_fail_on_their_host_each_named() {
        let mut cluster = cluster();
        cluster.hosts[1].labels = vec![
            "x=ok".into(),
            "--dry-run=client".into(),
            "-n=kube-system".into(),
        ];
        cluster.hosts[2].labels = vec!["role=$(reboot)".into()];
        let bad = found(&cluster, INVENTORY_NODE_LABELS);
        let on: Vec<(&str, bool)> = bad
            .iter()
            .map(|f| (f.host.as_deref().unwrap(), f.blocks()))
            .collect();
        assert_eq!(on, [("w1", true), ("w1", true), ("w2", true)]);
        assert!(bad[0].message.contains("\"--dry-run=client\""));
        assert!(bad[1].message.contains("\"-n=kube-system\""));
        assert!(bad[2].message.contains("\"role=$(reboot)\""));
        assert!(bad[0].hint.as_deref().unwrap().contains("key=value"));
    }

    #[test]
    fn a_bad_node_name_fails_and_rke2s_own_node_name_is_the_one_judged() {
        let mut cluster = cluster();
        cluster.hosts[2].name = "storage01$(touch /tmp/x)".into();
        let bad = found(&cluster, INVENTORY_NODE_NAMES);
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].host.as_deref(), Some("storage01$(touch /tmp/x)"));
        assert_eq!(bad[0].status, Status::Fail);

        let mut cluster = super::super::fixtures::cluster();
        cluster.rke2 = Rke2::Required;
        let rke2 = cluster.hosts.iter_mut().find(|h| h.is_rke2()).unwrap();
        rke2.rke2_config
            .insert("node-name".into(), "Homelab".into());
        let bad = found(&cluster, INVENTORY_NODE_NAMES);
        assert_eq!(bad.len(), 1);
        assert!(
            bad[0].message.contains("rke2_config's node-name"),
            "{}",
            bad[0].message
        );
    }

    #[test]
    fn hosts_not_taking_part_are_not_judged() {
        let mut cluster = cluster();
        cluster.rke2 = Rke2::Excluded;
        let rke2 = cluster.hosts.iter_mut().find(|h| h.is_rke2()).unwrap();
        rke2.labels = vec!["bad".into()];
        assert_eq!(
            found(&cluster, INVENTORY_NODE_LABELS)[0].status,
            Status::Pass
        );
        cluster.hosts[1].selected = false;
        cluster.hosts[1].taints = vec!["bad".into()];
        assert_eq!(
            found(&cluster, INVENTORY_NODE_TAINTS)[0].status,
            Status::Pass
        );
    }

    #[test]
    fn an_unquoted_version_is_a_number_and_fails_naming_host_value_and_fix() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hosts.yml");
        std::fs::write(
            &path,
            "all:\n  vars:\n    kubernetes_version: 1.30\n  children:\n    monitoring_nodes:\n      hosts:\n        masternode: {ansible_host: 192.0.2.10}\n",
        )
        .unwrap();
        let inventory = crate::inventory::Inventory::load(&path).unwrap();
        let cluster = crate::cluster::build(
            &inventory,
            None,
            Rke2::Excluded,
            &crate::passwords::Keyring::default(),
        )
        .unwrap();
        let bad = &found(&cluster, INVENTORY_KUBERNETES_VERSION)[0];
        assert_eq!(bad.status, Status::Fail, "{}", bad.message);
        assert_eq!(
            bad.message,
            "masternode (192.0.2.10): kubernetes_version is the number 1.3, not text: YAML reads a version such as 1.30 unquoted as a number"
        );
        assert_eq!(
            bad.hint.as_deref(),
            Some(
                "quote it: kubernetes_version: \"1.30\" (quoted the same way in an INI inventory)"
            )
        );
    }

    #[test]
    fn bad_taints_and_versions_fail() {
        let mut cluster = cluster();
        cluster.hosts[1].taints = vec!["dedicated=storage".into()];
        let bad = found(&cluster, INVENTORY_NODE_TAINTS);
        assert_eq!(
            (bad[0].host.as_deref(), bad[0].status),
            (Some("w1"), Status::Fail)
        );

        for (version, status) in [
            ("1.29", Status::Pass),
            ("v1.29.3", Status::Pass),
            ("stable-1.29", Status::Pass),
            ("1.29; rm -rf /", Status::Fail),
            ("--dry-run", Status::Fail),
            ("latest-1.0", Status::Fail),
        ] {
            cluster.settings.kubernetes_version = Some(text_version(version));
            let finding = &found(&cluster, INVENTORY_KUBERNETES_VERSION)[0];
            assert_eq!(finding.status, status, "{version}: {}", finding.message);
        }
        cluster.settings.kubernetes_version = None;
        assert_eq!(
            found(&cluster, INVENTORY_KUBERNETES_VERSION)[0].status,
            Status::Pass
        );
    }
}

//! Nodes as `kubectl get nodes -o json` shows them, and what deploy
//! decides from them: which are not Ready yet, which labels and taints are
//! missing.

use std::collections::BTreeMap;

use anyhow::{Context as _, Result};
use serde_json::Value;

use super::names::Taint;

/// kubeadm's admin kubeconfig on the control plane.
pub const ADMIN_CONF: &str = "/etc/kubernetes/admin.conf";

/// A node as `kubectl get nodes -o json` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub name: String,
    pub ready: bool,
    pub unschedulable: bool,
    pub labels: BTreeMap<String, String>,
    /// `spec.taints`, each as `key=value:Effect` (`key:Effect` without a value).
    pub taints: Vec<String>,
}

/// The nodes in `kubectl get nodes -o json` output.
pub fn parse_nodes(json: &str) -> Result<Vec<Node>> {
    let list: Value =
        serde_json::from_str(json).context("kubectl get nodes -o json gave no JSON")?;
    let items = list["items"]
        .as_array()
        .context("kubectl get nodes -o json has no items")?;
    Ok(items
        .iter()
        .map(|item| Node {
            name: item["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            ready: item["status"]["conditions"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|condition| condition["type"] == "Ready" && condition["status"] == "True"),
            unschedulable: item["spec"]["unschedulable"].as_bool().unwrap_or(false),
            labels: item["metadata"]["labels"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(key, value)| (key.clone(), value.as_str().unwrap_or_default().to_string()))
                .collect(),
            taints: item["spec"]["taints"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|taint| {
                    let field = |name: &str| taint[name].as_str().unwrap_or_default();
                    match field("value") {
                        "" => format!("{}:{}", field("key"), field("effect")),
                        value => format!("{}={value}:{}", field("key"), field("effect")),
                    }
                })
                .collect(),
        })
        .collect())
}

/// Those of `wanted` the node does not have yet.
pub fn missing_labels(wanted: &[String], have: &BTreeMap<String, String>) -> Vec<String> {
    wanted
        .iter()
        .filter(|label| {
            let (key, value) = label.split_once('=').unwrap_or((label.as_str(), ""));
            have.get(key).map(String::as_str) != Some(value)
        })
        .cloned()
        .collect()
}

/// Those of `wanted` the node does not have yet: a taint with the same key
/// and effect but another value is replaced (`kubectl taint --overwrite`).
pub fn missing_taints(wanted: &[Taint], have: &[String]) -> Vec<Taint> {
    wanted
        .iter()
        .filter(|taint| !have.contains(&taint.text()))
        .cloned()
        .collect()
}

/// The expected nodes not registered, then every node not Ready.
pub fn not_ready_names(nodes: &[Node], expected: &[String]) -> Vec<String> {
    expected
        .iter()
        .filter(|name| !nodes.iter().any(|node| &node.name == *name))
        .cloned()
        .chain(
            nodes
                .iter()
                .filter(|node| !node.ready)
                .map(|node| node.name.clone()),
        )
        .collect()
}

/// Why the cluster is not ready yet, or `None` when every expected node is.
pub fn not_ready(nodes: &[Node], expected: &[String]) -> Option<String> {
    let mut waiting: Vec<String> = expected
        .iter()
        .filter(|name| !nodes.iter().any(|node| &node.name == *name))
        .map(|name| format!("{name} not registered"))
        .collect();
    waiting.extend(
        nodes
            .iter()
            .filter(|node| !node.ready)
            .map(|node| format!("{} NotReady", node.name)),
    );
    if nodes.is_empty() && expected.is_empty() {
        waiting.push("no nodes yet".into());
    }
    (!waiting.is_empty()).then(|| waiting.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn nodes_json() -> String {
        json!({"items": [
            {"metadata": {"name": "m", "labels": {"node-role.kubernetes.io/control-plane": ""}},
             "spec": {}, "status": {"conditions": [{"type": "Ready", "status": "True"}]}},
            {"metadata": {"name": "w1", "labels": {"vmstation.io/role": "old"}},
             "spec": {"unschedulable": true, "taints": [{"key": "dedicated", "value": "storage", "effect": "NoSchedule"}, {"key": "gpu", "effect": "NoExecute"}]}, "status": {"conditions": [{"type": "Ready", "status": "False"}]}},
        ]})
        .to_string()
    }

    #[test]
    fn the_nodes_not_ready_are_the_missing_then_the_not_ready() {
        let nodes = parse_nodes(&nodes_json()).unwrap();
        let expected = ["m".to_owned(), "w1".to_owned(), "w2".to_owned()];
        assert_eq!(not_ready_names(&nodes, &expected), ["w2", "w1"]);
    }

    #[test]
    fn nodes_are_read_from_kubectl_json() {
        let nodes = parse_nodes(&nodes_json()).unwrap();
        assert_eq!(nodes.len(), 2);
        assert!(nodes[0].ready && !nodes[0].unschedulable);
        assert!(!nodes[1].ready && nodes[1].unschedulable);
        assert_eq!(nodes[1].labels["vmstation.io/role"], "old");
        assert_eq!(
            nodes[1].taints,
            ["dedicated=storage:NoSchedule", "gpu:NoExecute"]
        );
        assert!(nodes[0].taints.is_empty());
        assert!(parse_nodes("The connection to the server was refused").is_err());
    }

    #[test]
    fn readiness_names_what_is_missing() {
        let nodes = parse_nodes(&nodes_json()).unwrap();
        assert_eq!(
            not_ready(&nodes, &["m".into(), "w1".into(), "w2".into()]).unwrap(),
            "w2 not registered, w1 NotReady"
        );
        assert_eq!(not_ready(&nodes[..1], &["m".into()]), None);
        assert_eq!(not_ready(&[], &[]).unwrap(), "no nodes yet");
    }

    #[test]
    fn only_missing_or_different_labels_are_applied() {
        let wanted: Vec<String> = [
            "node-role.kubernetes.io/control-plane=",
            "vmstation.io/role=storage",
            "a=b",
        ]
        .map(String::from)
        .to_vec();
        let have = BTreeMap::from([
            (
                "node-role.kubernetes.io/control-plane".to_string(),
                String::new(),
            ),
            ("vmstation.io/role".to_string(), "old".to_string()),
        ]);
        assert_eq!(
            missing_labels(&wanted, &have),
            ["vmstation.io/role=storage", "a=b"]
        );
    }

    #[test]
    fn only_missing_or_different_taints_are_applied() {
        let wanted: Vec<Taint> = [
            "dedicated=storage:NoSchedule",
            "gpu:NoExecute",
            "a=b:NoSchedule",
        ]
        .map(|text| Taint::parse(text).unwrap())
        .to_vec();
        let have = [
            "dedicated=other:NoSchedule".to_string(),
            "gpu:NoExecute".to_string(),
        ];
        let missing: Vec<String> = missing_taints(&wanted, &have)
            .iter()
            .map(Taint::text)
            .collect();
        assert_eq!(missing, ["dedicated=storage:NoSchedule", "a=b:NoSchedule"]);
    }
}

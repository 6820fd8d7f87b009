//! Nodes as `kubectl get nodes -o json` shows them, and what deploy
//! decides from them: which are not Ready yet, which labels are missing.

use std::collections::BTreeMap;

use anyhow::{Context as _, Result};
use serde_json::Value;

/// kubeadm's admin kubeconfig on the control plane.
pub const ADMIN_CONF: &str = "/etc/kubernetes/admin.conf";

/// A node as `kubectl get nodes -o json` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub name: String,
    pub ready: bool,
    pub unschedulable: bool,
    pub labels: BTreeMap<String, String>,
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
             "spec": {"unschedulable": true}, "status": {"conditions": [{"type": "Ready", "status": "False"}]}},
        ]})
        .to_string()
    }

    #[test]
    fn nodes_are_read_from_kubectl_json() {
        let nodes = parse_nodes(&nodes_json()).unwrap();
        assert_eq!(nodes.len(), 2);
        assert!(nodes[0].ready && !nodes[0].unschedulable);
        assert!(!nodes[1].ready && nodes[1].unschedulable);
        assert_eq!(nodes[1].labels["vmstation.io/role"], "old");
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
}

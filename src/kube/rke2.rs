//! RKE2's files: its configuration, from the inventory's `rke2_config` with
//! the node's name, labels and taints, and the kubeconfig it writes,
//! pointed at the host instead of 127.0.0.1.

use serde_json::{Map, Value};

/// Where RKE2 reads its configuration, and writes its kubeconfig.
pub const CONFIG_PATH: &str = "/etc/rancher/rke2/config.yaml";
pub const KUBECONFIG_PATH: &str = "/etc/rancher/rke2/rke2.yaml";

/// config.yaml's keys for the node's name, labels and taints.
pub const NODE_NAME: &str = "node-name";
const NODE_LABEL: &str = "node-label";
const NODE_TAINT: &str = "node-taint";

/// config.yaml: the inventory's `settings`, with `node-name` (unless they
/// set it) and the node's `labels` and `taints` added to any `node-label`
/// and `node-taint` they list. Each value is a YAML string, never a flag.
pub fn config_yaml(
    settings: &Map<String, Value>,
    node_name: &str,
    labels: &[String],
    taints: &[String],
) -> serde_yaml::Result<String> {
    let mut config = settings.clone();
    config
        .entry(NODE_NAME)
        .or_insert_with(|| Value::String(node_name.to_owned()));
    for (key, values) in [(NODE_LABEL, labels), (NODE_TAINT, taints)] {
        if values.is_empty() {
            continue;
        }
        let mut list = match config.remove(key) {
            Some(Value::Array(items)) => items,
            Some(Value::Null) | None => Vec::new(),
            Some(single) => vec![single],
        };
        for value in values {
            let value = Value::String(value.clone());
            if !list.contains(&value) {
                list.push(value);
            }
        }
        config.insert(key.to_owned(), Value::Array(list));
    }
    serde_yaml::to_string(&config)
}

/// The kubeconfig RKE2 wrote, with its server changed from 127.0.0.1 (or
/// localhost) to `address`, so it works from this machine.
pub fn kubeconfig_for(kubeconfig: &str, address: &str) -> String {
    let host = if address.contains(':') && !address.starts_with('[') {
        format!("[{address}]")
    } else {
        address.to_string()
    };
    let mut out = String::with_capacity(kubeconfig.len());
    for line in kubeconfig.split_inclusive('\n') {
        let is_server = line.trim_start().starts_with("server:");
        if is_server {
            out.push_str(
                &line
                    .replace("https://127.0.0.1:", &format!("https://{host}:"))
                    .replace("https://localhost:", &format!("https://{host}:")),
            );
        } else {
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RKE2_YAML: &str = "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: LS0t\n    server: https://127.0.0.1:6443\n  name: default\n";

    #[test]
    fn the_config_names_the_node_and_adds_its_labels_and_taints() {
        let settings = serde_json::json!({"tls-san": ["homelab"], "node-label": ["a=b"]});
        let labels = ["a=b".to_string(), "vmstation.io/role=compute".to_string()];
        let taints = ["dedicated=compute:NoSchedule".to_string()];
        let yaml = config_yaml(settings.as_object().unwrap(), "homelab", &labels, &taints).unwrap();
        let config: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap();
        assert_eq!(config["node-name"], "homelab");
        assert_eq!(config["tls-san"][0], "homelab");
        let list = |key: &str| -> Vec<String> {
            config[key]
                .as_sequence()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(list("node-label"), ["a=b", "vmstation.io/role=compute"]);
        assert_eq!(list("node-taint"), ["dedicated=compute:NoSchedule"]);

        // A node-name of the user's own stays; nothing to add adds no key.
        let own = serde_json::json!({"node-name": "rke2-a"});
        let yaml = config_yaml(own.as_object().unwrap(), "homelab", &[], &[]).unwrap();
        assert_eq!(yaml, "node-name: rke2-a\n");
        // A value that looks like a flag stays one quoted YAML string.
        let yaml = config_yaml(&Map::new(), "h", &["x=--y".to_string()], &[]).unwrap();
        let config: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap();
        assert_eq!(config["node-label"][0], "x=--y");
    }

    #[test]
    fn the_kubeconfig_points_at_the_host() {
        let text = kubeconfig_for(RKE2_YAML, "192.0.2.62");
        assert!(
            text.contains("    server: https://192.0.2.62:6443\n"),
            "{text}"
        );
        assert!(!text.contains("127.0.0.1"));
        assert!(text.contains("certificate-authority-data: LS0t"));
        assert!(kubeconfig_for(RKE2_YAML, "2001:db8::1").contains("https://[2001:db8::1]:6443"));
    }
}

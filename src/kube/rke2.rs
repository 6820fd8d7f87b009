//! RKE2's files: its configuration, from the inventory's `rke2_config` with
//! the node's name, labels and taints, and the kubeconfig it writes,
//! pointed at the host instead of 127.0.0.1; and the name its node has
//! where it already runs.

use serde_json::{Map, Value};

/// Where RKE2 reads its configuration, and writes its kubeconfig.
pub const CONFIG_PATH: &str = "/etc/rancher/rke2/config.yaml";
pub const KUBECONFIG_PATH: &str = "/etc/rancher/rke2/rke2.yaml";

/// config.yaml's keys for the node's name, labels and taints.
pub const NODE_NAME: &str = "node-name";
const NODE_LABEL: &str = "node-label";
const NODE_TAINT: &str = "node-taint";

/// The name RKE2's node has, or is to have, on one host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeName {
    /// Written as `node-name`: the inventory's name on a host where RKE2
    /// has not run, the name it already has, or `rke2_config`'s own.
    Set(String),
    /// An RKE2 server that has run is registered as `current`, not as the
    /// inventory names it. A new `node-name` would restart it as another
    /// node (on a server, another etcd member), so it keeps this one:
    /// config.yaml's own `node-name` (`in_config`), else its hostname, and
    /// then no `node-name` is added.
    Kept { current: String, in_config: bool },
}

impl NodeName {
    /// The node's name once rke2-server runs.
    pub fn name(&self) -> &str {
        match self {
            NodeName::Set(name) | NodeName::Kept { current: name, .. } => name,
        }
    }

    /// What config.yaml's `node-name` is, when deploy adds one.
    pub fn written(&self) -> Option<&str> {
        match self {
            NodeName::Set(name) => Some(name),
            NodeName::Kept {
                current,
                in_config: true,
            } => Some(current),
            NodeName::Kept { .. } => None,
        }
    }
}

/// What RKE2 was found doing on its host, for [`node_name`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Found<'a> {
    /// rke2-server has started there before: its node is registered.
    pub ran: bool,
    /// config.yaml's `node-name` as it is now.
    pub config_name: Option<&'a str>,
    pub hostname: Option<&'a str>,
}

/// The node's name: `own` (`rke2_config`'s `node-name`) when set, else
/// `inventory_name`, unless an RKE2 that has run is registered otherwise.
/// RKE2 names its node config.yaml's `node-name`, else the hostname in
/// lower case.
pub fn node_name(own: Option<&str>, inventory_name: &str, found: Found<'_>) -> NodeName {
    if let Some(own) = own {
        return NodeName::Set(own.to_owned());
    }
    let current = match (found.config_name, found.hostname) {
        (Some(name), _) => name.to_owned(),
        (None, Some(hostname)) => hostname.to_lowercase(),
        (None, None) => return NodeName::Set(inventory_name.to_owned()),
    };
    if !found.ran || current == inventory_name {
        return NodeName::Set(inventory_name.to_owned());
    }
    NodeName::Kept {
        current,
        in_config: found.config_name.is_some(),
    }
}

/// config.yaml: the inventory's `settings`, with `node_name` as
/// `node-name` (unless they set it, or it is `None`) and the node's
/// `labels` and `taints` added to any `node-label` and `node-taint` they
/// list. Each value is a YAML string, never a flag.
pub fn config_yaml(
    settings: &Map<String, Value>,
    node_name: Option<&str>,
    labels: &[String],
    taints: &[String],
) -> serde_yaml::Result<String> {
    let mut config = settings.clone();
    if let Some(name) = node_name {
        config
            .entry(NODE_NAME)
            .or_insert_with(|| Value::String(name.to_owned()));
    }
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
        let yaml = config_yaml(
            settings.as_object().unwrap(),
            Some("homelab"),
            &labels,
            &taints,
        )
        .unwrap();
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
        let yaml = config_yaml(own.as_object().unwrap(), Some("homelab"), &[], &[]).unwrap();
        assert_eq!(yaml, "node-name: rke2-a\n");
        // A value that looks like a flag stays one quoted YAML string.
        let yaml = config_yaml(&Map::new(), Some("h"), &["x=--y".to_string()], &[]).unwrap();
        let config: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap();
        assert_eq!(config["node-label"][0], "x=--y");
    }

    #[test]
    fn a_node_that_ran_under_another_name_keeps_it_and_a_fresh_one_is_named() {
        let hostname = Found {
            ran: true,
            config_name: None,
            hostname: Some("RHEL-01"),
        };
        let kept = node_name(None, "homelab", hostname);
        assert_eq!(
            kept,
            NodeName::Kept {
                current: "rhel-01".into(),
                in_config: false
            }
        );
        assert_eq!((kept.name(), kept.written()), ("rhel-01", None));
        // Without a node-name to add, config.yaml stays as RKE2 read it.
        let labels = ["a=b".to_string()];
        let yaml = config_yaml(&Map::new(), kept.written(), &labels, &[]).unwrap();
        assert_eq!(yaml, "node-label:\n- a=b\n");

        let configured = Found {
            config_name: Some("rke2-a"),
            ..hostname
        };
        let kept = node_name(None, "homelab", configured);
        assert_eq!((kept.name(), kept.written()), ("rke2-a", Some("rke2-a")));

        let set = |name: &str| NodeName::Set(name.into());
        // A fresh host, one already named so, and the user's own name.
        let fresh = Found {
            ran: false,
            ..hostname
        };
        assert_eq!(node_name(None, "homelab", fresh), set("homelab"));
        let same = Found {
            hostname: Some("HomeLab"),
            ..hostname
        };
        assert_eq!(node_name(None, "homelab", same), set("homelab"));
        assert_eq!(
            node_name(Some("homelab"), "homelab", hostname),
            set("homelab")
        );
        assert_eq!(node_name(None, "homelab", Found::default()), set("homelab"));
        let unknown = Found {
            ran: true,
            ..Found::default()
        };
        assert_eq!(node_name(None, "homelab", unknown), set("homelab"));
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

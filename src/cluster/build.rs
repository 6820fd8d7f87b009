//! The cluster model from the inventory's merged variables: the one place
//! raw variables are read. Mistakes are usage errors naming the host, the
//! variable and the fix.

use std::collections::HashSet;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use serde_json::{Map, Value};

use super::{Bounds, Cluster, Endpoint, Host, Manifest, Network, Rke2, Setting, Settings};
use crate::exit::Problem;
use crate::inventory::{Inventory, Role};
use crate::messages::cluster as say;
use crate::remote::Target;

/// Every host with a role, with `--limit` applied (`limit`), and the
/// cluster settings.
pub fn build(inventory: &Inventory, limit: Option<&str>, rke2: Rke2) -> Result<Cluster> {
    let selected: Option<HashSet<String>> = match limit {
        Some(pattern) => Some(
            inventory
                .select(pattern)
                .with_context(|| say::limit(inventory.path()))?
                .into_iter()
                .collect(),
        ),
        None => None,
    };
    let empty = Map::new();
    let mut hosts = Vec::new();
    for name in inventory.hosts() {
        let Some(role) = inventory.role(name) else {
            continue;
        };
        let vars = inventory.host_vars(name).unwrap_or(&empty);
        hosts.push(Host {
            name: name.to_owned(),
            address: text(vars, "ansible_host").unwrap_or_else(|| name.to_owned()),
            port: vars.get("ansible_port").and_then(port),
            local: text(vars, "ansible_connection").as_deref() == Some("local"),
            role,
            selected: selected.as_ref().is_none_or(|names| names.contains(name)),
            cri_socket: text(vars, "cri_socket").filter(|socket| !socket.is_empty()),
            labels: labels(vars),
            bounds: bounds(name, vars)?,
            rke2_install: text(vars, "rke2_install_command")
                .unwrap_or_else(|| DEFAULT_INSTALL_COMMAND.to_owned()),
            // Read only where RKE2 takes part: `join`, and `all` without
            // --with-rke2, never touch it.
            rke2_config: match vars.get("rke2_config") {
                Some(value) if role == Role::Rke2 && rke2 != Rke2::Excluded => Some(
                    config_yaml(Some(value))
                        .map_err(|err| Problem::usage(say::rke2_config_invalid(name, &err)))?,
                ),
                _ => None,
            },
            target: Target::from_vars(name, vars)?,
        });
    }
    // Cluster settings live in `all` (or the control plane's groups): read
    // them from the control plane, else from any host.
    let source = hosts
        .iter()
        .find(|host| host.is_control_plane())
        .or(hosts.first())
        .and_then(|host| inventory.host_vars(&host.name))
        .unwrap_or(&empty);
    let settings = Settings {
        control_plane_endpoint: text(source, "control_plane_endpoint")
            .map(|text| Setting::new(text, Endpoint::parse)),
        pod_network_cidr: text(source, "pod_network_cidr")
            .map(|text| Setting::new(text, Network::parse)),
        service_network_cidr: text(source, "service_network_cidr")
            .map(|text| Setting::new(text, Network::parse)),
        kubernetes_version: text(source, "kubernetes_version").filter(|text| !text.is_empty()),
        cni_manifest: text(source, "cni_manifest").map(|value| manifest(inventory.path(), value)),
    };
    let ssh_client = which::which("ssh")
        .ok()
        .map(|path| path.display().to_string());
    Ok(Cluster {
        source: inventory.path().to_owned(),
        hosts,
        settings,
        rke2,
        ssh_client,
    })
}

fn text(vars: &Map<String, Value>, name: &str) -> Option<String> {
    match vars.get(name)? {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

fn port(value: &Value) -> Option<u16> {
    match value {
        Value::Number(number) => number.as_u64().and_then(|n| u16::try_from(n).ok()),
        Value::String(text) => text.parse().ok(),
        _ => None,
    }
}

/// `node_labels` as a list of `key=value` strings (the user's shape) or a map.
fn labels(vars: &Map<String, Value>) -> Vec<String> {
    match vars.get("node_labels") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|item| item.as_str().map(str::to_string))
            .collect(),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(key, value)| {
                let value = value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_string);
                format!("{key}={value}")
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The `*_timeout` variables (`join_timeout: 20m`), each a duration.
fn bounds(host: &str, vars: &Map<String, Value>) -> Result<Bounds> {
    let mut bounds = Bounds::default();
    for (key, field) in Bounds::VARIABLES {
        let parsed = match vars.get(key) {
            None | Some(Value::Null) => continue,
            Some(Value::String(text)) => crate::duration::parse_duration(text)
                .map_err(|why| Problem::usage(say::timeout_invalid(key, text, &why))),
            Some(other) => Err(Problem::usage(say::timeout_not_text(key, other))),
        };
        *field(&mut bounds) = parsed.with_context(|| say::reading_timeout(key, host))?;
    }
    Ok(bounds)
}

/// A URL as it is; a path relative to the inventory's directory.
fn manifest(inventory: &Path, value: String) -> Manifest {
    if value.starts_with("https://") || value.starts_with("http://") {
        return Manifest::Url(value);
    }
    let base = inventory.parent().unwrap_or(Path::new(""));
    Manifest::File(base.join(value))
}

/// The install command when the inventory does not set `rke2_install_command`.
const DEFAULT_INSTALL_COMMAND: &str =
    "curl -sfL https://get.rke2.io | INSTALL_RKE2_TYPE=server sh -";

/// `/etc/rancher/rke2/config.yaml` from the inventory's `rke2_config` map
/// (absent: an empty configuration, RKE2's defaults).
fn config_yaml(rke2_config: Option<&serde_json::Value>) -> Result<String> {
    match rke2_config {
        None | Some(serde_json::Value::Null) => Ok(String::new()),
        Some(map @ serde_json::Value::Object(_)) => {
            serde_yaml::to_string(map).context(say::WRITING_RKE2_CONFIG)
        }
        Some(other) => bail!(say::rke2_config_not_a_map(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_timeout_variable_sets_its_own_bound() {
        let vars = json!({
            "join_timeout": "1m", "init_timeout": "2m", "api_ready_timeout": "3m",
            "node_ready_timeout": "4m", "rke2_install_timeout": "5m", "rke2_start_timeout": "6m",
        });
        let got = bounds("h", vars.as_object().unwrap()).unwrap();
        let minutes = |n: u64| std::time::Duration::from_secs(60 * n);
        assert_eq!(
            [
                got.join,
                got.init,
                got.api_ready,
                got.node_ready,
                got.rke2_install,
                got.rke2_start
            ],
            [1, 2, 3, 4, 5, 6].map(minutes)
        );
        let err = bounds("h", json!({"join_timeout": "soon"}).as_object().unwrap()).unwrap_err();
        assert_eq!(crate::exit::code_of(&err), crate::exit::Code::Usage);
        assert!(format!("{err:#}").contains("join_timeout"), "{err:#}");
    }

    #[test]
    fn config_yaml_from_the_inventory_map() {
        let yaml = config_yaml(Some(
            &json!({"write-kubeconfig-mode": "0644", "tls-san": ["homelab"]}),
        ))
        .unwrap();
        let value: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap();
        assert_eq!(value["write-kubeconfig-mode"], "0644");
        assert_eq!(value["tls-san"][0], "homelab");
        assert_eq!(config_yaml(None).unwrap(), "");
        assert!(
            config_yaml(Some(&json!("x")))
                .unwrap_err()
                .to_string()
                .contains("rke2_config")
        );
    }
}

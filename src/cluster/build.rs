//! The cluster model from the inventory's merged variables: the one place
//! raw variables are read. Mistakes are usage errors naming the host, the
//! variable and the fix.

use std::collections::HashSet;
use std::path::Path;

use anyhow::{Context as _, Result};
use serde_json::{Map, Value};

use super::{
    Bounds, Cluster, Endpoint, Host, Manifest, Mirrors, Network, Rke2, Setting, Settings, Version,
    WakeOnLan,
};
use crate::exit::Problem;
use crate::inventory::{Inventory, Role};
use crate::messages::cluster as say;
use crate::passwords::Keyring;
use crate::remote::Target;

/// Every host with a role, with `--limit` applied (`limit`), and the
/// cluster settings, from each host's variables as templated where read
/// (vaulted values opened with `keyring`).
pub fn build(
    inventory: &Inventory,
    limit: Option<&str>,
    rke2: Rke2,
    keyring: &Keyring,
) -> Result<Cluster> {
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
    let mut read = std::collections::HashMap::new();
    let reader = super::vars::VarsReader::new(inventory, keyring);
    for name in inventory.hosts() {
        let Some(role) = inventory.role(name) else {
            continue;
        };
        let with_rke2 = role == Role::Rke2 && rke2 != Rke2::Excluded;
        let vars = read
            .entry(name.to_owned())
            .or_insert(reader.resolved(name, with_rke2)?);
        hosts.push(Host {
            name: name.to_owned(),
            address: text(vars, "ansible_host").unwrap_or_else(|| name.to_owned()),
            port: vars.get("ansible_port").and_then(port),
            local: text(vars, "ansible_connection").as_deref() == Some("local"),
            role,
            selected: selected.as_ref().is_none_or(|names| names.contains(name)),
            cri_socket: text(vars, "cri_socket").filter(|socket| !socket.is_empty()),
            labels: texts(vars, "node_labels"),
            taints: texts(vars, "node_taints"),
            bounds: bounds(name, vars)?,
            rke2_install: text(vars, "rke2_install_command")
                .unwrap_or_else(|| DEFAULT_INSTALL_COMMAND.to_owned()),
            // Read only where RKE2 takes part: `join`, and `all` without
            // --with-rke2, never touch it.
            rke2_config: match vars.get("rke2_config") {
                Some(value) => rke2_settings(value)
                    .map_err(|err| Problem::usage(say::rke2_config_invalid(name, &err)))?,
                None => Map::new(),
            },
            wake: WakeOnLan::new(
                any_text(vars, "wol_mac"),
                any_text(vars, "wol_broadcast"),
                any_text(vars, "wol_port"),
            ),
            target: Target::from_vars(name, vars)?,
        });
    }
    // Cluster settings live in `all` (or the control plane's groups): read
    // them from the control plane, else from any host.
    let source_host = hosts
        .iter()
        .find(|host| host.is_control_plane())
        .or(hosts.first())
        .map(|host| host.name.clone());
    let source = source_host
        .as_deref()
        .and_then(|name| read.get(name))
        .unwrap_or(&empty);
    let settings = Settings {
        host: source_host.clone(),
        control_plane_endpoint: text(source, "control_plane_endpoint")
            .map(|text| Setting::new(text, Endpoint::parse)),
        pod_network_cidr: text(source, "pod_network_cidr")
            .map(|text| Setting::new(text, Network::parse)),
        service_network_cidr: text(source, "service_network_cidr")
            .map(|text| Setting::new(text, Network::parse)),
        kubernetes_version: text(source, "kubernetes_version")
            .filter(|text| !text.is_empty())
            .map(|text| Version {
                text,
                number: source
                    .get("kubernetes_version")
                    .is_some_and(Value::is_number),
            }),
        cni_manifest: text(source, "cni_manifest").map(|value| manifest(inventory.dir(), value)),
        mirrors: Mirrors {
            apt_repo: url(source_host.as_deref(), source, "kubernetes_apt_repo")?,
            apt_key: url(source_host.as_deref(), source, "kubernetes_apt_key")?,
            rpm_repo: url(source_host.as_deref(), source, "kubernetes_rpm_repo")?,
            rpm_key: url(source_host.as_deref(), source, "kubernetes_rpm_key")?,
        },
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
        unvaulted: reader.opened(),
    })
}

/// A mirror's URL: http(s) or file, one word with no quote, since it
/// becomes a line of apt's sources and a yum repository.
fn url(host: Option<&str>, vars: &Map<String, Value>, name: &str) -> Result<Option<String>> {
    let Some(value) = any_text(vars, name) else {
        return Ok(None);
    };
    let schemed = ["http://", "https://", "file:/"]
        .iter()
        .any(|scheme| value.starts_with(scheme) && value.len() > scheme.len());
    let plain = !value
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '`' | '\\' | '$'));
    if schemed && plain {
        Ok(Some(value))
    } else {
        Err(Problem::usage(say::mirror_invalid(host.unwrap_or("all"), name, &value)).into())
    }
}

fn text(vars: &Map<String, Value>, name: &str) -> Option<String> {
    match vars.get(name)? {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// A variable as text whatever its type (null: unset), so that a value of
/// the wrong kind is named by a check rather than taken for no value.
fn any_text(vars: &Map<String, Value>, name: &str) -> Option<String> {
    match vars.get(name)? {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    }
}

fn port(value: &Value) -> Option<u16> {
    match value {
        Value::Number(number) => number.as_u64().and_then(|n| u16::try_from(n).ok()),
        Value::String(text) => text.parse().ok(),
        _ => None,
    }
}

/// `node_labels` or `node_taints`: a list of strings (the user's shape) or
/// a map of keys to values. Any other item is kept as its JSON text, so the
/// checks name it rather than it vanishing.
fn texts(vars: &Map<String, Value>, name: &str) -> Vec<String> {
    let text = |value: &Value| {
        value
            .as_str()
            .map_or_else(|| value.to_string(), str::to_string)
    };
    match vars.get(name) {
        Some(Value::Array(items)) => items.iter().map(text).collect(),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(key, value)| format!("{key}={}", text(value)))
            .collect(),
        None | Some(Value::Null) => Vec::new(),
        Some(other) => vec![text(other)],
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
fn manifest(dir: &Path, value: String) -> Manifest {
    if value.starts_with("https://") || value.starts_with("http://") {
        return Manifest::Url(value);
    }
    Manifest::File(dir.join(value))
}

/// The install command when the inventory does not set `rke2_install_command`.
const DEFAULT_INSTALL_COMMAND: &str =
    "curl -sfL https://get.rke2.io | INSTALL_RKE2_TYPE=server sh -";

/// The inventory's `rke2_config` map (null: none).
fn rke2_settings(value: &Value) -> Result<Map<String, Value>> {
    match value {
        Value::Null => Ok(Map::new()),
        Value::Object(map) => Ok(map.clone()),
        other => Err(anyhow::anyhow!(say::rke2_config_not_a_map(other))),
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
    fn rke2_config_must_be_a_map() {
        let map = json!({"write-kubeconfig-mode": "0644"});
        assert_eq!(rke2_settings(&map).unwrap(), *map.as_object().unwrap());
        assert!(rke2_settings(&Value::Null).unwrap().is_empty());
        assert!(
            rke2_settings(&json!("x"))
                .unwrap_err()
                .to_string()
                .contains("rke2_config")
        );
    }

    #[test]
    fn labels_and_taints_are_lists_or_maps_and_nothing_is_dropped() {
        let vars = json!({
            "node_labels": {"tier": "db", "n": 1},
            "node_taints": ["a=b:NoSchedule", 5],
        });
        let vars = vars.as_object().unwrap();
        assert_eq!(texts(vars, "node_labels"), ["tier=db", "n=1"]);
        assert_eq!(texts(vars, "node_taints"), ["a=b:NoSchedule", "5"]);
        assert!(texts(vars, "absent").is_empty());
        let single = json!({"node_labels": "x=y"});
        assert_eq!(texts(single.as_object().unwrap(), "node_labels"), ["x=y"]);
    }
}

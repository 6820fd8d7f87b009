//! RKE2's files: config.yaml from the inventory's `rke2_config` map, and the
//! kubeconfig it writes, pointed at the host instead of 127.0.0.1.

use anyhow::{Context, Result, bail};

/// Where RKE2 reads its configuration, and writes its kubeconfig.
pub const CONFIG_PATH: &str = "/etc/rancher/rke2/config.yaml";
pub const KUBECONFIG_PATH: &str = "/etc/rancher/rke2/rke2.yaml";

/// The install command when the inventory does not set `rke2_install_command`.
pub const DEFAULT_INSTALL_COMMAND: &str =
    "curl -sfL https://get.rke2.io | INSTALL_RKE2_TYPE=server sh -";

/// `/etc/rancher/rke2/config.yaml` from the inventory's `rke2_config` map
/// (absent: an empty configuration, RKE2's defaults).
pub fn config_yaml(rke2_config: Option<&serde_json::Value>) -> Result<String> {
    match rke2_config {
        None | Some(serde_json::Value::Null) => Ok(String::new()),
        Some(map @ serde_json::Value::Object(_)) => {
            serde_yaml::to_string(map).context("writing the RKE2 config.yaml")
        }
        Some(other) => bail!("`rke2_config` must be a map of RKE2 settings, not {other}"),
    }
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
    use serde_json::json;

    const RKE2_YAML: &str = "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: LS0t\n    server: https://127.0.0.1:6443\n  name: default\n";

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

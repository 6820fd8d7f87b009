//! The kubeadm configuration for `kubeadm init`, built from the inventory's
//! cluster settings, so the control plane comes up as the inventory says.

use anyhow::{Context, Result};
use serde::Serialize;

use super::join::NodeRegistration;

/// What `kubeadm init` is told, from the control plane host and the
/// cluster settings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InitSettings {
    pub node_name: String,
    /// The address the API server advertises: the host's address, when it is an IP.
    pub advertise_address: Option<String>,
    pub control_plane_endpoint: Option<String>,
    pub pod_network_cidr: Option<String>,
    pub service_network_cidr: Option<String>,
    pub cri_socket: Option<String>,
    pub kubernetes_version: Option<String>,
}

impl InitSettings {
    /// InitConfiguration and ClusterConfiguration (v1beta3), as one YAML stream.
    pub fn configuration(&self) -> Result<String> {
        let init = InitConfiguration {
            api_version: API_VERSION,
            kind: "InitConfiguration",
            node_registration: NodeRegistration {
                name: &self.node_name,
                cri_socket: self.cri_socket.as_deref(),
            },
            bootstrap_tokens: [InitToken {
                ttl: INIT_TOKEN_TTL,
                description: INIT_TOKEN_DESCRIPTION,
            }],
            local_api_endpoint: self
                .advertise_address
                .as_deref()
                .map(|address| LocalApiEndpoint {
                    advertise_address: address,
                }),
        };
        let cluster = ClusterConfiguration {
            api_version: API_VERSION,
            kind: "ClusterConfiguration",
            kubernetes_version: self.kubernetes_version.as_deref().map(kubeadm_version),
            control_plane_endpoint: self.control_plane_endpoint.as_deref(),
            networking: Networking {
                pod_subnet: self.pod_network_cidr.as_deref(),
                service_subnet: self.service_network_cidr.as_deref(),
            },
        };
        let write = |what: &str, yaml: serde_yaml::Result<String>| {
            yaml.with_context(|| format!("writing the kubeadm {what}"))
        };
        Ok(format!(
            "{}---\n{}",
            write("InitConfiguration", serde_yaml::to_string(&init))?,
            write("ClusterConfiguration", serde_yaml::to_string(&cluster))?
        ))
    }
}

const API_VERSION: &str = "kubeadm.k8s.io/v1beta3";

/// `kubeadm init` makes a bootstrap token valid for a day by default; joins
/// use tokens deploy makes for them, so init's own need not outlive the run.
const INIT_TOKEN_TTL: &str = "15m0s";
const INIT_TOKEN_DESCRIPTION: &str = "made by kubeadm init; deploy creates its own for joins";

/// kubeadm wants `v1.29.3` or a release label; inventories say `1.29`, which
/// means the newest patch release of 1.29: kubeadm's `stable-1.29`.
pub fn kubeadm_version(version: &str) -> String {
    let bare = version.trim().trim_start_matches('v');
    let dots = bare.matches('.').count();
    let numeric = !bare.is_empty() && bare.chars().all(|c| c.is_ascii_digit() || c == '.');
    match (numeric, dots) {
        (true, 1) => format!("stable-{bare}"),
        (true, _) => format!("v{bare}"),
        (false, _) => version.trim().to_string(),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InitConfiguration<'a> {
    api_version: &'a str,
    kind: &'a str,
    node_registration: NodeRegistration<'a>,
    bootstrap_tokens: [InitToken<'a>; 1],
    #[serde(rename = "localAPIEndpoint", skip_serializing_if = "Option::is_none")]
    local_api_endpoint: Option<LocalApiEndpoint<'a>>,
}

/// kubeadm fills in the token, its groups and usages.
#[derive(Serialize)]
struct InitToken<'a> {
    ttl: &'a str,
    description: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LocalApiEndpoint<'a> {
    advertise_address: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ClusterConfiguration<'a> {
    api_version: &'a str,
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    kubernetes_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    control_plane_endpoint: Option<&'a str>,
    networking: Networking<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Networking<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pod_subnet: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    service_subnet: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn users_settings() -> InitSettings {
        InitSettings {
            node_name: "masternode".into(),
            advertise_address: Some("192.0.2.63".into()),
            control_plane_endpoint: Some("192.0.2.63:6443".into()),
            pod_network_cidr: Some("10.244.0.0/16".into()),
            service_network_cidr: Some("10.96.0.0/12".into()),
            cri_socket: Some("unix:///var/run/containerd/containerd.sock".into()),
            kubernetes_version: Some("1.29".into()),
        }
    }

    #[test]
    fn the_users_settings_become_kubeadm_configuration() {
        let yaml = users_settings().configuration().unwrap();
        let documents: Vec<serde_yaml::Value> = serde_yaml::Deserializer::from_str(&yaml)
            .map(|doc| serde::Deserialize::deserialize(doc).unwrap())
            .collect();
        assert_eq!(documents.len(), 2);
        let (init, cluster) = (&documents[0], &documents[1]);
        assert_eq!(init["kind"], "InitConfiguration");
        assert_eq!(init["nodeRegistration"]["name"], "masternode");
        assert_eq!(
            init["nodeRegistration"]["criSocket"],
            "unix:///var/run/containerd/containerd.sock"
        );
        assert_eq!(init["localAPIEndpoint"]["advertiseAddress"], "192.0.2.63");
        assert_eq!(init["bootstrapTokens"][0]["ttl"], "15m0s");
        assert!(init["bootstrapTokens"][0].get("token").is_none());
        assert_eq!(cluster["kind"], "ClusterConfiguration");
        assert_eq!(cluster["kubernetesVersion"], "stable-1.29");
        assert_eq!(cluster["controlPlaneEndpoint"], "192.0.2.63:6443");
        assert_eq!(cluster["networking"]["podSubnet"], "10.244.0.0/16");
        assert_eq!(cluster["networking"]["serviceSubnet"], "10.96.0.0/12");
    }

    #[test]
    fn a_host_name_address_is_not_advertised_and_missing_settings_are_left_out() {
        let settings = InitSettings {
            node_name: "cp".into(),
            ..InitSettings::default()
        };
        let yaml = settings.configuration().unwrap();
        assert!(!yaml.contains("localAPIEndpoint"), "{yaml}");
        assert!(!yaml.contains("podSubnet"), "{yaml}");
        assert!(!yaml.contains("kubernetesVersion"), "{yaml}");
    }

    #[test]
    fn versions_as_kubeadm_wants_them() {
        assert_eq!(kubeadm_version("1.29"), "stable-1.29");
        assert_eq!(kubeadm_version("v1.29"), "stable-1.29");
        assert_eq!(kubeadm_version("1.29.3"), "v1.29.3");
        assert_eq!(kubeadm_version("v1.29.3"), "v1.29.3");
        assert_eq!(kubeadm_version("stable"), "stable");
    }
}

//! The join command the control plane prints, and the kubeadm
//! JoinConfiguration built from it: the token travels in that file's
//! contents (on stdin), never on a command line.

use anyhow::{Context, Result, bail};
use serde::Serialize;

use crate::secret::{Secret, redact};

/// What `kubeadm token create --print-join-command` printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinCommand {
    /// `host:port` of the API server.
    pub endpoint: String,
    pub token: Secret,
    pub ca_cert_hashes: Vec<String>,
}

impl JoinCommand {
    /// Reads `kubeadm join <endpoint> --token <t> --discovery-token-ca-cert-hash sha256:<h>`.
    /// Errors show the output with the token masked.
    pub fn parse(output: &str) -> Result<Self> {
        parse_words(output).with_context(|| {
            format!(
                "cannot read the join command printed by `kubeadm token create --print-join-command`: {:?}",
                redact(output.trim(), &[])
            )
        })
    }

    /// The token's id, `abcdef` of `abcdef.0123456789abcdef`: no secret, it
    /// names the token to `kubeadm token delete` and in `kubeadm token list`.
    pub fn token_id(&self) -> &str {
        let token = self.token.expose();
        token.split_once('.').map_or(token, |(id, _)| id)
    }

    /// The kubeadm JoinConfiguration (v1beta3, read by kubeadm 1.22 and
    /// later) for `node_name`, as YAML.
    pub fn configuration(&self, node_name: &str, cri_socket: Option<&str>) -> Result<String> {
        let config = JoinConfiguration {
            api_version: "kubeadm.k8s.io/v1beta3",
            kind: "JoinConfiguration",
            discovery: Discovery {
                bootstrap_token: BootstrapToken {
                    api_server_endpoint: &self.endpoint,
                    token: self.token.expose(),
                    ca_cert_hashes: &self.ca_cert_hashes,
                },
            },
            node_registration: NodeRegistration {
                name: node_name,
                cri_socket,
            },
        };
        serde_yaml::to_string(&config).context("writing the kubeadm JoinConfiguration")
    }
}

fn parse_words(output: &str) -> Result<JoinCommand> {
    let line = output
        .lines()
        .map(str::trim)
        .find(|line| line.starts_with("kubeadm join "))
        .context("no line starts with `kubeadm join`")?;
    let words = shlex::split(line).context("unbalanced quotes")?;
    let mut endpoint = None;
    let mut token = None;
    let mut ca_cert_hashes = Vec::new();
    let mut words = words.into_iter().skip(2);
    while let Some(word) = words.next() {
        let (flag, inline) = match word.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_string(), Some(value.to_string()))
            }
            _ => (word.clone(), None),
        };
        let mut value = || inline.clone().or_else(|| words.next());
        match flag.as_str() {
            "--token" => token = value(),
            "--discovery-token-ca-cert-hash" => ca_cert_hashes.extend(value()),
            flag if flag.starts_with("--") => {}
            _ if endpoint.is_none() => endpoint = Some(word),
            _ => {}
        }
    }
    let endpoint = endpoint.context("no API server endpoint")?;
    let token = token.context("no --token")?;
    if ca_cert_hashes.is_empty() {
        bail!("no --discovery-token-ca-cert-hash");
    }
    Ok(JoinCommand {
        endpoint,
        token: Secret::new(token),
        ca_cert_hashes,
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JoinConfiguration<'a> {
    api_version: &'a str,
    kind: &'a str,
    discovery: Discovery<'a>,
    node_registration: NodeRegistration<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Discovery<'a> {
    bootstrap_token: BootstrapToken<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BootstrapToken<'a> {
    api_server_endpoint: &'a str,
    token: &'a str,
    ca_cert_hashes: &'a [String],
}

/// kubeadm's `nodeRegistration`, the same in a JoinConfiguration and an
/// InitConfiguration.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NodeRegistration<'a> {
    pub name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cri_socket: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "sha256:8ae1c1a1f52bbd3d7e7fa1c8a2b9b1e6b9d7e3f2a1c0b9a8d7e6f5a4b3c2d1e0";

    #[test]
    fn reads_what_kubeadm_prints() {
        let output = format!(
            "kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash {HASH} \n"
        );
        let join = JoinCommand::parse(&output).unwrap();
        assert_eq!(join.endpoint, "10.0.0.1:6443");
        assert_eq!(join.token.expose(), "abcdef.0123456789abcdef");
        assert_eq!(join.token_id(), "abcdef");
        assert_eq!(join.ca_cert_hashes, [HASH]);
    }

    #[test]
    fn reads_flags_with_equals_and_skips_warnings() {
        let output = format!(
            "W1124 10:00:00 warning about something\nkubeadm join cp.example:6443 --token=abcdef.0123456789abcdef --discovery-token-ca-cert-hash={HASH} --discovery-token-ca-cert-hash=sha256:00\n"
        );
        let join = JoinCommand::parse(&output).unwrap();
        assert_eq!(join.endpoint, "cp.example:6443");
        assert_eq!(join.ca_cert_hashes.len(), 2);
    }

    #[test]
    fn errors_never_show_the_token() {
        let err =
            JoinCommand::parse("kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef\n")
                .unwrap_err();
        let text = format!("{err:#}");
        assert!(text.contains("no --discovery-token-ca-cert-hash"), "{text}");
        assert!(!text.contains("0123456789abcdef"), "{text}");
        assert!(JoinCommand::parse("error: something else").is_err());
    }

    #[test]
    fn the_configuration_carries_the_token_for_kubeadm() {
        let join = JoinCommand {
            endpoint: "10.0.0.1:6443".into(),
            token: Secret::new("abcdef.0123456789abcdef"),
            ca_cert_hashes: vec![HASH.into()],
        };
        let yaml = join
            .configuration("w1", Some("unix:///run/containerd/containerd.sock"))
            .unwrap();
        let value: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap();
        assert_eq!(value["kind"], "JoinConfiguration");
        let bootstrap = &value["discovery"]["bootstrapToken"];
        assert_eq!(bootstrap["apiServerEndpoint"], "10.0.0.1:6443");
        assert_eq!(bootstrap["token"], "abcdef.0123456789abcdef");
        assert_eq!(bootstrap["caCertHashes"][0], HASH);
        assert_eq!(value["nodeRegistration"]["name"], "w1");
        assert_eq!(
            value["nodeRegistration"]["criSocket"],
            "unix:///run/containerd/containerd.sock"
        );
    }
}

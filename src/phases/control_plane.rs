//! `kubeadm init` from a configuration built from the cluster settings,
//! watched like a join, then root's kubeconfig.

use std::net::IpAddr;
use std::time::Duration;

use anyhow::{Context as _, Result};

use super::{Ctx, Done, Phase};
use crate::cluster::{Host, Setting, Settings};
use crate::kube::Step;
use crate::kube::kubeadm::InitSettings;
use crate::messages::{phases as say, plan};
use crate::remote::Cmd;
use crate::secret::Secret;

const INIT_COMMAND: &str = "kubeadm init --config /dev/stdin";

/// root's kubeconfig: a copy of admin.conf, made (again) only when missing
/// or different, so a second run changes nothing.
const ROOT_KUBECONFIG: &str = r#"if ! cmp -s /etc/kubernetes/admin.conf /root/.kube/config 2>/dev/null; then
  mkdir -p /root/.kube && cp /etc/kubernetes/admin.conf /root/.kube/config && chmod 600 /root/.kube/config && echo written
fi
"#;

pub struct ControlPlane;

impl Phase for ControlPlane {
    fn title(&self) -> &'static str {
        "control plane"
    }

    fn plan(&self, ctx: &Ctx) -> Result<Vec<String>> {
        let host = ctx.control_plane;
        Ok(vec![if ctx.initialised(host) {
            plan::already_done(&host.name, Step::Init)
        } else {
            plan::init(&host.name)
        }])
    }

    fn run(&self, ctx: &mut Ctx) -> Result<Done> {
        let host = ctx.control_plane;
        if ctx.initialised(host) {
            ctx.say(&say::step_skipped(&host.name, Step::Init));
            root_kubeconfig(ctx, host)?;
            return Ok(Done::skipped(Step::Init.already(), host));
        }
        let configuration = init_settings(host, &ctx.cluster.settings).configuration()?;
        ctx.log
            .line(&say::init_configuration(&host.name, &configuration));
        let summary = ctx.watched(
            host,
            Step::Init,
            INIT_COMMAND,
            Some(Secret::new(configuration)),
            host.bounds.init,
        )?;
        root_kubeconfig(ctx, host)?;
        Ok(Done {
            result: Step::Init.done().into(),
            hosts: vec![summary],
        })
    }
}

fn root_kubeconfig(ctx: &Ctx, host: &Host) -> Result<()> {
    let cmd = Cmd::script("set up root's kubeconfig", ROOT_KUBECONFIG);
    let output = ctx
        .run_ok(host, &cmd, Duration::from_secs(30))
        .with_context(|| say::setting_up_root_kubeconfig(&host.name))?;
    if output.stdout_text().contains("written") {
        ctx.say(&say::root_kubeconfig_set_up(&host.name));
    }
    Ok(())
}

/// What `kubeadm init` is told on `host`, from the cluster settings.
fn init_settings(host: &Host, settings: &Settings) -> InitSettings {
    let text = |parsed: &Option<Setting<_>>| parsed.as_ref().map(|parsed| parsed.text.clone());
    InitSettings {
        node_name: host.name.clone(),
        advertise_address: host.address.parse::<IpAddr>().ok().map(|ip| ip.to_string()),
        control_plane_endpoint: settings
            .control_plane_endpoint
            .as_ref()
            .map(|parsed| parsed.text.clone()),
        pod_network_cidr: text(&settings.pod_network_cidr),
        service_network_cidr: text(&settings.service_network_cidr),
        cri_socket: host.cri_socket.clone(),
        kubernetes_version: settings
            .kubernetes_version
            .as_ref()
            .map(|version| version.text.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{CONTROL, cluster, spec};

    #[test]
    fn an_ip_address_is_advertised_and_a_host_name_is_not() {
        let settings = cluster().settings;
        let init = init_settings(&spec("m", "192.0.2.10", CONTROL), &settings);
        assert_eq!(init.node_name, "m");
        assert_eq!(init.advertise_address.as_deref(), Some("192.0.2.10"));
        assert_eq!(
            init.control_plane_endpoint.as_deref(),
            Some("192.0.2.10:6443")
        );
        assert_eq!(init.pod_network_cidr.as_deref(), Some("10.244.0.0/16"));
        assert_eq!(
            init.cri_socket.as_deref(),
            Some("unix:///run/containerd/containerd.sock")
        );
        let named = init_settings(&spec("m", "cp.example", CONTROL), &settings);
        assert_eq!(named.advertise_address, None);
    }
}

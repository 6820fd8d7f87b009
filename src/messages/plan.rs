//! `--check`'s plan: a line for each thing a phase would do, read before
//! anything is changed. Each line names the host it is about.

use std::path::Path;
use std::time::Duration;

use super::in_words;
use super::rke2::KUBEADM_LEFTOVERS;
use crate::kube::Step;
use crate::kube::rke2::CONFIG_PATH;

/// The plan's first line.
pub fn heading(command: &str) -> String {
    format!("deploy {command} --check: the plan; nothing was changed\n")
}

/// One line of the plan, under the phase's title.
pub fn line(title: &str, line: &str) -> String {
    format!("  {title:<15} {line}\n")
}

/// After the common phases (`after`: the last of them, preflight or the
/// reset's survey), the chains that would run side by side, each in order.
pub fn chains(after: &str, chains: &[(&str, Vec<&str>)]) -> String {
    let mut out = format!("  after {after}, side by side:\n");
    for (name, titles) in chains {
        out.push_str(&format!("    {name:<8} {}\n", titles.join(" → ")));
    }
    out
}

/// A phase with nothing to do in this run, and why.
pub fn skip(why: &str) -> String {
    format!("skip, {why}")
}

/// Above a failure to write the plan on stdout.
pub const WRITING_PLAN: &str = "writing the plan";

/// A long step found done on `host` before: what it is, and the evidence.
pub fn already_done(host: &str, step: Step) -> String {
    format!(
        "{host}: skip, {} ({})",
        step.already(),
        step.already_because()
    )
}

pub fn init(host: &str) -> String {
    format!("{host}: kubeadm init from the inventory's settings, then root's kubeconfig")
}

pub fn api_ready(host: &str, bound: Duration) -> String {
    format!(
        "{host}: wait for /readyz to answer ok (up to {})",
        in_words(bound)
    )
}

/// `manifest` as `cni_manifest` names it; `pending`: not applied yet.
pub fn manifest(manifest: &str, pending: bool) -> String {
    if pending {
        format!("apply {manifest} with kubectl")
    } else {
        skip(&format!("{manifest} already applied"))
    }
}

pub fn join(host: &str) -> String {
    format!("{host}: kubeadm join, watched until kubelet.conf appears")
}

/// A worker whose earlier join failed: reset, then joined again.
pub fn rejoin(host: &str, exit_code: i32) -> String {
    format!(
        "{host}: kubeadm reset -f (the earlier join failed with exit code {exit_code}), then kubeadm join, watched until kubelet.conf appears"
    )
}

pub fn nodes_ready(count: usize, bound: Duration) -> String {
    format!(
        "wait for {count} node(s) to be Ready (up to {})",
        in_words(bound)
    )
}

/// The labels `host` lacks, each `key=value`.
pub fn label(host: &str, labels: &[String]) -> String {
    format!("{host}: label {}", labels.join(" "))
}

pub fn taint(host: &str, taints: &[String]) -> String {
    format!("{host}: taint {}", taints.join(" "))
}

pub fn remove_leftovers(host: &str) -> String {
    format!("{host}: remove kubeadm leftovers ({KUBEADM_LEFTOVERS}), after asking")
}

/// RKE2 found at `path` on `host`.
pub fn rke2_installed(host: &str, path: &str) -> String {
    format!("{host}: skip install, {path} exists")
}

pub fn rke2_install(host: &str, command: &str) -> String {
    format!("{host}: install RKE2: {command}")
}

/// `pending`: config.yaml differs from what deploy writes, or is not there.
pub fn rke2_config(host: &str, pending: bool) -> String {
    let what = if pending { "write" } else { "keep, unchanged," };
    format!("{host}: {what} {CONFIG_PATH}")
}

pub fn rke2_active(host: &str) -> String {
    format!("{host}: skip start, rke2-server is active")
}

/// A running rke2-server reads config.yaml only when it starts.
pub fn rke2_restart(host: &str) -> String {
    format!("{host}: systemctl restart rke2-server, for its new config.yaml")
}

pub fn rke2_start(host: &str, command: &str) -> String {
    format!("{host}: {command}, watched until rke2.yaml appears")
}

/// `node`: the node's name; `kubeconfig`: where the cluster's kubeconfig
/// will be saved.
pub fn rke2_ready(host: &str, node: &str, kubeconfig: &Path) -> String {
    format!(
        "{host}: wait for node {node} to be Ready; save the kubeconfig to {}",
        kubeconfig.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn side_by_side_chains_are_listed_in_order() {
        let text = chains(
            "preflight",
            &[
                ("kubeadm", vec!["Control plane", "Workers"]),
                ("rke2", vec!["RKE2"]),
            ],
        );
        assert_eq!(
            text,
            "  after preflight, side by side:\n    kubeadm  Control plane → Workers\n    rke2     RKE2\n"
        );
    }

    #[test]
    fn the_plan_lines_up_under_the_phase_titles() {
        assert_eq!(
            heading("all"),
            "deploy all --check: the plan; nothing was changed\n"
        );
        assert_eq!(
            line("workers", &skip("no workers in the inventory")),
            "  workers         skip, no workers in the inventory\n"
        );
    }

    #[test]
    fn a_step_done_before_is_skipped_with_its_evidence() {
        assert_eq!(
            already_done("m", Step::Init),
            "m: skip, already initialised (/etc/kubernetes/admin.conf exists)"
        );
        assert_eq!(
            already_done("w1", Step::Join),
            "w1: skip, already joined (/etc/kubernetes/kubelet.conf exists)"
        );
        assert_eq!(
            manifest("https://example.com/cni.yaml", false),
            "skip, https://example.com/cni.yaml already applied"
        );
        assert_eq!(
            rke2_config("r1", false),
            "r1: keep, unchanged, /etc/rancher/rke2/config.yaml"
        );
        assert_eq!(
            rke2_restart("r1"),
            "r1: systemctl restart rke2-server, for its new config.yaml"
        );
    }
}

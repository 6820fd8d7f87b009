//! Phase 6, validation: every node Ready (bounded), the inventory's
//! `node_labels` applied where missing, nodes uncordoned, and the result
//! shown. The readiness wait serves RKE2's cluster too.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Duration;

use anyhow::{Context as _, Result};
use serde_json::Value;

use super::api::ADMIN_CONF;
use super::context::Ctx;
use super::poll::{self, Look};
use super::{Done, failed};
use crate::messages;
use crate::remote::Cmd;
use crate::ui::progress::Progress;

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

/// The `key=value` labels the inventory wants: `node_labels` as a list of
/// `key=value` strings (the user's shape) or a map.
pub fn wanted_labels(vars: &serde_json::Map<String, Value>) -> Vec<String> {
    match vars.get("node_labels") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|item| item.as_str().map(str::to_string))
            .collect(),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(key, value)| {
                format!(
                    "{key}={}",
                    value
                        .as_str()
                        .map_or_else(|| value.to_string(), str::to_string)
                )
            })
            .collect(),
        _ => Vec::new(),
    }
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

/// Waits until every `expected` node (and every node there is) is Ready.
pub fn wait_ready(
    ctx: &Ctx,
    host: &str,
    cmd: &Cmd,
    expected: &[String],
    unit: &str,
) -> Result<Vec<Node>> {
    let address = ctx.address(host);
    let bound = ctx.duration(host, "node_ready_timeout", Duration::from_secs(300))?;
    let target = ctx.target(host)?;
    let progress = Progress::new(ctx.ui, &[host]);
    let line = progress.host(host, "waiting for nodes to be Ready");
    let ready = poll::until(
        bound,
        || {
            let output = ctx
                .session
                .run(&target, cmd, None, Duration::from_secs(30))?;
            // An API server just started may refuse for a while: wait. A
            // kubectl that is missing or cannot run will not get better.
            match output.code {
                0 => {}
                126 | 127 => anyhow::bail!(
                    "{host}: kubectl cannot run: {}",
                    output.stderr_text().trim()
                ),
                _ => {
                    let said = output.stderr_text();
                    return Ok(Look::Waiting(
                        messages::last_lines(&said, 1).trim().to_string(),
                    ));
                }
            }
            let nodes = parse_nodes(&output.stdout_text())?;
            Ok(match not_ready(&nodes, expected) {
                None => Look::Ready(nodes),
                Some(why) => Look::Waiting(why),
            })
        },
        |why| line.set(format!("waiting: {why}")),
    )?;
    match ready {
        Ok(nodes) => {
            line.succeed(&format!("{} node(s) Ready", nodes.len()));
            Ok(nodes)
        }
        Err(last) => {
            line.fail("not Ready");
            progress.print_block(&messages::nodes_not_ready(
                host, &address, bound, &last, unit,
            ));
            Err(failed(
                host,
                &address,
                &format!("nodes not Ready: {last}"),
                ctx,
            ))
        }
    }
}

pub fn kubectl(args: &[&str]) -> Cmd {
    Cmd::argv(
        ["kubectl", "--kubeconfig", ADMIN_CONF]
            .into_iter()
            .chain(args.iter().copied()),
    )
}

/// Ready, labelled, schedulable; then the nodes are shown.
pub fn validate(ctx: &Ctx, control_plane: &str, hosts: &[String]) -> Result<Done> {
    let nodes = wait_ready(
        ctx,
        control_plane,
        &kubectl(&["get", "nodes", "-o", "json"]),
        hosts,
        "kubelet",
    )?;
    let target = ctx.target(control_plane)?;
    let mut changed = 0;
    for node in nodes.iter().filter(|node| hosts.contains(&node.name)) {
        let missing = missing_labels(&wanted_labels(&ctx.vars(&node.name)), &node.labels);
        if !missing.is_empty() {
            let mut args = vec!["label", "node", node.name.as_str()];
            args.extend(missing.iter().map(String::as_str));
            args.push("--overwrite");
            ctx.session
                .run_ok(&target, &kubectl(&args), None, Duration::from_secs(30))
                .with_context(|| format!("labelling node {}", node.name))?;
            ctx.say(&format!("{}: labelled {}", node.name, missing.join(" ")));
            changed += 1;
        }
        if node.unschedulable {
            ctx.session
                .run_ok(
                    &target,
                    &kubectl(&["uncordon", node.name.as_str()]),
                    None,
                    Duration::from_secs(30),
                )
                .with_context(|| format!("uncordoning node {}", node.name))?;
            ctx.say(&format!("{}: uncordoned", node.name));
            changed += 1;
        }
    }
    let nodes = if changed > 0 {
        let output = ctx.session.run_ok(
            &target,
            &kubectl(&["get", "nodes", "-o", "json"]),
            None,
            Duration::from_secs(30),
        )?;
        parse_nodes(&output.stdout_text())?
    } else {
        ctx.say("every node is Ready, labelled and schedulable already");
        nodes
    };
    print_nodes(ctx, &nodes)?;
    Ok(Done::single(
        if changed > 0 {
            "Ready, labelled"
        } else {
            "Ready"
        },
        control_plane,
    ))
}

fn print_nodes(ctx: &Ctx, nodes: &[Node]) -> Result<()> {
    let width = nodes
        .iter()
        .map(|node| node.name.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut text = format!("{:<width$}  {:<8}  LABELS\n", "NODE", "STATUS");
    for node in nodes {
        let wanted = wanted_labels(&ctx.vars(&node.name));
        let status = if node.ready { "Ready" } else { "NotReady" };
        text.push_str(&format!(
            "{:<width$}  {status:<8}  {}\n",
            node.name,
            wanted.join(" ")
        ));
    }
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .context("writing the nodes")
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
        let vars = json!({"node_labels": ["node-role.kubernetes.io/control-plane=", "vmstation.io/role=storage", "a=b"]});
        let wanted = wanted_labels(vars.as_object().unwrap());
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
        let map = json!({"node_labels": {"tier": "gold"}});
        assert_eq!(wanted_labels(map.as_object().unwrap()), ["tier=gold"]);
    }
}

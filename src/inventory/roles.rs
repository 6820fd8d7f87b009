//! Which hosts are the kubeadm control plane, the kubeadm workers and the
//! RKE2 hosts.
//!
//! The rule: group membership decides, and `node_role` only speaks for
//! hosts in none of the role groups. A host in several role groups takes
//! the first of control plane, RKE2, workers: RKE2 runs its own cluster on
//! its host, so an RKE2 host never joins kubeadm as a worker. That is how
//! the user's inventories read: `homelab` is in `compute_nodes` (RKE2) and
//! also in kubespray's `kube-node` with `node_role: worker`, left from before
//! RKE2; it is the RKE2 host.

use serde::Serialize;
use serde_json::Value;

use super::error::{Refusal, some_names};
use super::model::{Model, Vars};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Roles {
    pub control_plane: Vec<String>,
    pub workers: Vec<String>,
    pub rke2: Vec<String>,
}

/// The part a host plays; each host has at most one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    ControlPlane,
    Rke2,
    Worker,
}

/// The role groups by default, in the order roles are decided, and the
/// `all` variable that replaces each list with one group.
const DEFAULTS: [(Role, &str, &[&str]); 3] = [
    (
        Role::ControlPlane,
        "deploy_control_plane_group",
        &[
            "monitoring_nodes",
            "kube_control_plane",
            "kube-master",
            "kube_master",
        ],
    ),
    (Role::Rke2, "deploy_rke2_group", &["compute_nodes"]),
    (
        Role::Worker,
        "deploy_worker_group",
        &["storage_nodes", "kube_node", "kube-node"],
    ),
];

/// The roles, and each host's by its index; `merged` holds the hosts'
/// variables, `all` what group `all` sets for every host (the
/// `deploy_*_group` variables are read there).
pub fn resolve(
    model: &Model,
    order: &[usize],
    merged: &[Vars],
    all: &Vars,
) -> Result<(Roles, Vec<Option<Role>>), Refusal> {
    // A role group and the groups below it: its hosts, found in one walk.
    let mut members: Vec<(Role, Vec<bool>)> = Vec::new();
    for (role, variable, defaults) in DEFAULTS {
        let chosen = match all.get(variable) {
            None => defaults
                .iter()
                .filter_map(|name| model.group(name))
                .collect(),
            Some(Value::String(name)) => vec![model.group(name).ok_or_else(|| {
                (
                    format!("{variable} names group {name}, which the inventory does not have"),
                    format!(
                        "set {variable} to one of: {}",
                        some_names(model.groups.iter().map(|g| g.name.as_str()))
                    ),
                )
            })?],
            Some(other) => {
                return Err((
                    format!("{variable} must be a group name, not {other}"),
                    format!("write it as {variable}: group_name under all.vars"),
                ));
            }
        };
        let mut member = vec![false; model.hosts.len()];
        for host in model.hosts_of(&chosen) {
            member[host] = true;
        }
        members.push((role, member));
    }
    let mut roles = Roles::default();
    let mut role_of = vec![None; model.hosts.len()];
    for &host in order {
        let by_group = members
            .iter()
            .find(|(_, member)| member[host])
            .map(|(role, _)| *role);
        let role = by_group.or_else(|| by_node_role(merged[host].get("node_role")));
        let name = model.hosts[host].name.clone();
        match role {
            Some(Role::ControlPlane) => roles.control_plane.push(name),
            Some(Role::Rke2) => roles.rke2.push(name),
            Some(Role::Worker) => roles.workers.push(name),
            None => {}
        }
        role_of[host] = role;
    }
    Ok((roles, role_of))
}

fn by_node_role(value: Option<&Value>) -> Option<Role> {
    match value?
        .as_str()?
        .to_ascii_lowercase()
        .replace('_', "-")
        .as_str()
    {
        "control-plane" | "controlplane" | "master" => Some(Role::ControlPlane),
        "worker" | "node" => Some(Role::Worker),
        "rke2" => Some(Role::Rke2),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::merge::inventory_only as merged;
    use crate::inventory::model::ALL;
    use crate::inventory::{ini, yaml, yaml_groups};

    fn roles_of_yaml(text: &str) -> Result<Roles, Refusal> {
        let mut m = Model::default();
        yaml_groups::populate(yaml::parse(text).unwrap().unwrap(), &mut m).unwrap();
        let m = m.finish();
        let order = m.group_hosts(ALL);
        resolve(&m, &order, &merged(&m), &m.groups[ALL].vars).map(|(roles, _)| roles)
    }

    fn user_roles() -> Roles {
        Roles {
            control_plane: vec!["masternode".into()],
            workers: vec!["storagenodet3500".into()],
            rke2: vec!["homelab".into()],
        }
    }

    #[test]
    fn the_users_three_inventories_agree() {
        for file in ["vmstation-hosts.yml", "vmstation-hosts-all.yml"] {
            let text =
                std::fs::read_to_string(format!("tests/fixtures/inventories/{file}")).unwrap();
            assert_eq!(roles_of_yaml(&text).unwrap(), user_roles(), "{file}");
        }
        let text =
            std::fs::read_to_string("tests/fixtures/inventories/vmstation-inventory.ini").unwrap();
        let mut m = Model::default();
        ini::populate(&text, &mut m).unwrap();
        let m = m.finish();
        let order = m.group_hosts(ALL);
        let (roles, _) = resolve(&m, &order, &merged(&m), &m.groups[ALL].vars).unwrap();
        assert_eq!(roles, user_roles());
    }

    #[test]
    fn kubespray_groups_and_node_role_count() {
        let roles = roles_of_yaml(
            "kube_control_plane:\n  hosts: {cp1: }\nkube_node:\n  hosts: {w1: , cp1: }\nother:\n  hosts:\n    w2: {node_role: worker}\n    r1: {node_role: rke2}\n    x: \n",
        )
        .unwrap();
        assert_eq!(roles.control_plane, ["cp1"]);
        assert_eq!(roles.workers, ["w1", "w2"]);
        assert_eq!(roles.rke2, ["r1"]);
    }

    #[test]
    fn inventory_variables_override_the_groups() {
        let text = "all:\n  vars:\n    deploy_control_plane_group: brains\n    deploy_worker_group: muscle\n    deploy_rke2_group: edge\nbrains:\n  hosts: {b: }\nmuscle:\n  hosts: {m: }\nedge:\n  hosts: {e: }\nmonitoring_nodes:\n  hosts: {old: {node_role: worker}}\n";
        let roles = roles_of_yaml(text).unwrap();
        assert_eq!(
            (roles.control_plane, roles.workers, roles.rke2),
            (
                vec!["b".to_owned()],
                vec!["m".to_owned(), "old".to_owned()],
                vec!["e".to_owned()]
            )
        );
        let (message, fix) =
            roles_of_yaml("all:\n  vars:\n    deploy_worker_group: nope\n  hosts: {a: }\n")
                .unwrap_err();
        assert!(
            message.contains("nope") && fix.contains("ungrouped"),
            "{message} / {fix}"
        );
    }
}

//! Each host's variables merged as ansible-core 2.19's VariableManager
//! merges them for `ansible-inventory --host`, with the default
//! VARIABLE_PRECEDENCE, each later layer replacing a whole value:
//!
//! 1. group `all`'s variables from the inventory files;
//! 2. the host's other groups' from the inventory files, by (depth,
//!    priority, name);
//! 3. group_vars/all beside each source, in the sources' order;
//! 4. group_vars/GROUP beside each source, in the sources' order, and in
//!    each the groups in the order of 2;
//! 5. the host's own variables from the inventory files;
//! 6. host_vars/HOST beside each source, in the sources' order;
//! 7. each `-e`, in order.
//!
//! Names Ansible keeps for itself (`inventory_hostname`, `groups`, …) are
//! then left out, as ansible-inventory leaves them out. Each variable
//! remembers where its value came from. Hosts put in the same groups
//! share the work for layers 1 to 4.

use std::collections::HashMap;

use super::model::{ALL, From, Model, Vars};

/// Variables from one file or one `-e`.
#[derive(Debug, Clone, Default)]
pub struct Layer {
    /// Index into the inventory's origins.
    pub origin: u32,
    pub vars: Vars,
}

/// The group_vars/ and host_vars/ of one directory: for each name, its
/// files' variables in reading order.
#[derive(Debug, Default)]
pub struct DirVars {
    pub groups: HashMap<String, Vec<Layer>>,
    pub hosts: HashMap<String, Vec<Layer>>,
}

/// The variables beside the sources: each source's directory's, by index
/// into `dirs`, in the sources' order (two sources in one directory
/// share it).
#[derive(Debug, Default)]
pub struct Beside {
    pub sources: Vec<usize>,
    pub dirs: Vec<DirVars>,
}

impl Beside {
    fn each_dir(&self) -> impl Iterator<Item = &DirVars> {
        self.sources.iter().map(|ix| &self.dirs[*ix])
    }
}

/// Variables Ansible sets itself, which ansible-inventory leaves out of
/// what it prints (INTERNAL_STATIC_VARS).
const INTERNAL: [&str; 33] = [
    "ansible_async_path",
    "ansible_collection_name",
    "ansible_config_file",
    "ansible_dependent_role_names",
    "ansible_diff_mode",
    "ansible_facts",
    "ansible_forks",
    "ansible_inventory_sources",
    "ansible_limit",
    "ansible_play_batch",
    "ansible_play_hosts",
    "ansible_play_hosts_all",
    "ansible_play_role_names",
    "ansible_playbook_python",
    "ansible_role_name",
    "ansible_role_names",
    "ansible_run_tags",
    "ansible_skip_tags",
    "ansible_verbosity",
    "ansible_version",
    "inventory_dir",
    "inventory_file",
    "inventory_hostname",
    "inventory_hostname_short",
    "groups",
    "group_names",
    "hostvars",
    "playbook_dir",
    "play_hosts",
    "role_name",
    "role_names",
    "role_path",
    "role_uuid",
];

/// Variables being merged, and where each came from.
#[derive(Debug, Clone, Default)]
struct Acc {
    vars: Vars,
    from: From,
}

impl Acc {
    /// Variables set in the inventory files, each with its own origin.
    fn inventory(&mut self, vars: &Vars, from: &From) {
        for (key, value) in vars {
            self.vars.insert(key.clone(), value.clone());
            self.from
                .insert(key.clone(), from.get(key).copied().unwrap_or(0));
        }
    }

    fn layer(&mut self, layer: &Layer) {
        for (key, value) in &layer.vars {
            self.vars.insert(key.clone(), value.clone());
            self.from.insert(key.clone(), layer.origin);
        }
    }
}

/// Every host's variables, and where each came from, by host index.
pub struct MergedVars {
    pub vars: Vec<Vars>,
    pub from: Vec<From>,
}

pub fn merge(model: &Model, beside: &Beside, extra: &[Layer]) -> MergedVars {
    let mut shared: HashMap<Vec<usize>, Acc> = HashMap::new();
    let mut seen = vec![false; model.groups.len()];
    let (mut vars, mut from) = (Vec::new(), Vec::new());
    for host in &model.hosts {
        let mut direct = host.groups.clone();
        direct.sort_unstable();
        let groups = shared
            .entry(direct)
            .or_insert_with_key(|direct| group_layers(model, beside, direct, &mut seen));
        let mut acc = groups.clone();
        acc.inventory(&host.vars, &host.from);
        for dir in beside.each_dir() {
            for layer in dir.hosts.get(&host.name).into_iter().flatten() {
                acc.layer(layer);
            }
        }
        for layer in extra {
            acc.layer(layer);
        }
        acc.vars
            .retain(|name, _| !INTERNAL.contains(&name.as_str()));
        acc.from
            .retain(|name, _| !INTERNAL.contains(&name.as_str()));
        vars.push(acc.vars);
        from.push(acc.from);
    }
    MergedVars { vars, from }
}

/// Layers 1 to 4 for hosts put directly in `direct`.
fn group_layers(model: &Model, beside: &Beside, direct: &[usize], seen: &mut [bool]) -> Acc {
    let groups = model.host_groups(direct, seen);
    let mut acc = Acc::default();
    acc.inventory(&model.groups[ALL].vars, &model.groups[ALL].from);
    for g in &groups {
        acc.inventory(&model.groups[*g].vars, &model.groups[*g].from);
    }
    for dir in beside.each_dir() {
        for layer in dir.groups.get("all").into_iter().flatten() {
            acc.layer(layer);
        }
    }
    for dir in beside.each_dir() {
        for g in &groups {
            let name = &model.groups[*g].name;
            for layer in dir.groups.get(name).into_iter().flatten() {
                acc.layer(layer);
            }
        }
    }
    acc
}

/// What group `all` sets for every host: its variables from the
/// inventory files, group_vars/all, then `-e`.
pub fn all_level(model: &Model, beside: &Beside, extra: &[Layer]) -> Vars {
    let mut acc = Acc::default();
    acc.inventory(&model.groups[ALL].vars, &model.groups[ALL].from);
    for dir in beside.each_dir() {
        for layer in dir.groups.get("all").into_iter().flatten() {
            acc.layer(layer);
        }
    }
    for layer in extra {
        acc.layer(layer);
    }
    acc.vars
}

/// The hosts' variables from the inventory files alone.
#[cfg(test)]
pub fn inventory_only(model: &Model) -> Vec<Vars> {
    merge(model, &Beside::default(), &[]).vars
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn layer(origin: u32, vars: Value) -> Layer {
        let Value::Object(vars) = vars else { panic!() };
        Layer { origin, vars }
    }

    /// all > web > h1 in the inventory (origin 0); files beside it.
    #[test]
    fn layers_apply_in_ansibles_order_and_remember_their_origin() {
        let mut m = Model::default();
        let web = m.add_group("web");
        let h = m.add_host("h1", web, None);
        for key in ["a", "b", "c", "d", "e", "f"] {
            m.set_group_var(ALL, key.into(), "inv_all".into()).unwrap();
        }
        for key in ["b", "c", "d"] {
            m.set_group_var(web, key.into(), "inv_web".into()).unwrap();
        }
        m.origin = 1;
        m.set_host_var(h, "d".into(), "inv_host".into());
        m.set_host_var(h, "inventory_hostname".into(), "x".into());
        let m = m.finish();
        let mut dir = DirVars::default();
        dir.groups.insert(
            "all".into(),
            vec![layer(2, json!({"a": "gv_all", "c": "gv_all"}))],
        );
        dir.groups.insert(
            "web".into(),
            vec![layer(3, json!({"c": "gv_web", "d": "gv_web"}))],
        );
        dir.hosts
            .insert("h1".into(), vec![layer(4, json!({"e": "hv"}))]);
        let beside = Beside {
            sources: vec![0],
            dirs: vec![dir],
        };
        let merged = merge(&m, &beside, &[layer(5, json!({"f": "extra"}))]);
        assert_eq!(
            Value::Object(merged.vars[0].clone()),
            json!({"a": "gv_all", "b": "inv_web", "c": "gv_web", "d": "inv_host", "e": "hv", "f": "extra"})
        );
        let from = &merged.from[0];
        let origins: Vec<u32> = ["a", "b", "c", "d", "e", "f"]
            .iter()
            .map(|k| from[*k])
            .collect();
        assert_eq!(origins, [2, 0, 3, 1, 4, 5]);
        assert!(!from.contains_key("inventory_hostname"));
        let all = all_level(&m, &beside, &[]);
        assert_eq!(
            (&all["a"], &all["b"]),
            (&json!("gv_all"), &json!("inv_all"))
        );
    }
}

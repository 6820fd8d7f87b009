//! Groups and hosts as Ansible's InventoryData keeps them: insertion order,
//! `all` and `ungrouped` from the start, cycles refused, then reconciled.

use std::collections::HashMap;

use serde_json::{Map, Value};

pub type Vars = Map<String, Value>;

pub const ALL: usize = 0;
pub const UNGROUPED: usize = 1;

pub const CYCLE_FIX: &str = "a group cannot contain itself, directly or through its children: remove the entry that leads back";

#[derive(Debug, Clone)]
pub struct Group {
    pub name: String,
    pub vars: Vars,
    pub children: Vec<usize>,
    pub parents: Vec<usize>,
    pub hosts: Vec<usize>,
    pub priority: i64,
    /// Longest path from `all`, as Ansible's `Group.depth`.
    pub depth: usize,
}

#[derive(Debug, Clone)]
pub struct HostEntry {
    pub name: String,
    pub vars: Vars,
    /// Groups the host was put in directly, in that order.
    pub groups: Vec<usize>,
}

/// What the parsers fill in; `finish` applies Ansible's reconcile step.
#[derive(Debug, Clone)]
pub struct Model {
    pub groups: Vec<Group>,
    pub hosts: Vec<HostEntry>,
    group_ix: HashMap<String, usize>,
    host_ix: HashMap<String, usize>,
}

impl Default for Model {
    fn default() -> Self {
        let mut model = Self {
            groups: Vec::new(),
            hosts: Vec::new(),
            group_ix: HashMap::new(),
            host_ix: HashMap::new(),
        };
        model.add_group("all");
        model.add_group("ungrouped");
        // Cannot fail: two fresh groups.
        let _ = model.add_child_group(ALL, UNGROUPED);
        model
    }
}

impl Model {
    pub fn group(&self, name: &str) -> Option<usize> {
        self.group_ix.get(name).copied()
    }

    pub fn host(&self, name: &str) -> Option<usize> {
        self.host_ix.get(name).copied()
    }

    pub fn add_group(&mut self, name: &str) -> usize {
        if let Some(ix) = self.group(name) {
            return ix;
        }
        self.groups.push(Group {
            name: name.to_owned(),
            vars: Vars::new(),
            children: Vec::new(),
            parents: Vec::new(),
            hosts: Vec::new(),
            priority: 1,
            depth: 0,
        });
        let ix = self.groups.len() - 1;
        self.group_ix.insert(name.to_owned(), ix);
        ix
    }

    /// A host joins `group`; a port given with it counts only the first time
    /// the host is seen, as in Ansible.
    pub fn add_host(&mut self, name: &str, group: usize, port: Option<u16>) -> usize {
        let ix = match self.host(name) {
            Some(ix) => ix,
            None => {
                let mut vars = Vars::new();
                if let Some(port) = port.filter(|port| *port != 0) {
                    vars.insert("ansible_port".into(), Value::from(port));
                }
                self.hosts.push(HostEntry {
                    name: name.to_owned(),
                    vars,
                    groups: Vec::new(),
                });
                self.host_ix.insert(name.to_owned(), self.hosts.len() - 1);
                self.hosts.len() - 1
            }
        };
        // The host's own list is short; the group's may be long.
        if !self.hosts[ix].groups.contains(&group) {
            self.groups[group].hosts.push(ix);
            self.hosts[ix].groups.push(group);
        }
        ix
    }

    pub fn set_group_var(&mut self, group: usize, key: String, value: Value) -> Result<(), String> {
        if key == "ansible_group_priority" {
            self.groups[group].priority = python_int(&value).ok_or_else(|| {
                format!(
                    "ansible_group_priority of group {} must be an integer, not {value}",
                    self.groups[group].name
                )
            })?;
            return Ok(());
        }
        self.groups[group].vars.insert(key, value);
        Ok(())
    }

    pub fn set_host_var(&mut self, host: usize, key: String, value: Value) {
        self.hosts[host].vars.insert(key, value);
    }

    /// Refuses a group as its own descendant, as Ansible does.
    pub fn add_child_group(&mut self, parent: usize, child: usize) -> Result<(), String> {
        if parent == child {
            return Err(format!(
                "group {} cannot be a child of itself",
                self.groups[parent].name
            ));
        }
        if self.groups[parent].children.contains(&child) {
            return Ok(());
        }
        if self.ancestors(parent).contains(&child) {
            return Err(format!(
                "adding group {} as a child of {} makes a cycle in `children`",
                self.groups[child].name, self.groups[parent].name
            ));
        }
        self.groups[parent].children.push(child);
        self.groups[child].parents.push(parent);
        Ok(())
    }

    pub fn ancestors(&self, group: usize) -> Vec<usize> {
        walk(group, |g| &self.groups[g].parents)
    }

    pub fn descendants(&self, group: usize) -> Vec<usize> {
        walk(group, |g| &self.groups[g].children)
    }

    /// Ansible's reconcile_inventory: parentless groups go under `all`,
    /// hosts in no group go to `ungrouped`; then group depths.
    pub fn finish(mut self) -> Self {
        for ix in 1..self.groups.len() {
            if self.groups[ix].parents.is_empty() {
                // Cannot cycle: the group has no parent, `all` no ancestor.
                let _ = self.add_child_group(ALL, ix);
            }
        }
        for host in 0..self.hosts.len() {
            let groups = self.host_groups(host);
            let elsewhere = groups.iter().any(|g| *g != ALL && *g != UNGROUPED);
            if groups.contains(&UNGROUPED) {
                if elsewhere {
                    self.groups[UNGROUPED].hosts.retain(|h| *h != host);
                    self.hosts[host].groups.retain(|g| *g != UNGROUPED);
                }
            } else if !elsewhere {
                self.add_host(&self.hosts[host].name.clone(), UNGROUPED, None);
            }
        }
        for ix in 0..self.groups.len() {
            self.groups[ix].depth = self.depth_of(ix);
        }
        self
    }

    fn depth_of(&self, group: usize) -> usize {
        // Longest path up to a root; the graph is acyclic.
        let mut depth = 0;
        let mut level = vec![group];
        while !level.is_empty() {
            let mut next: Vec<usize> = Vec::new();
            for g in level {
                for p in &self.groups[g].parents {
                    if !next.contains(p) {
                        next.push(*p);
                    }
                }
            }
            if next.is_empty() {
                break;
            }
            depth += 1;
            level = next;
        }
        depth
    }

    /// Every group a host belongs to, directly or through a child group.
    pub fn host_groups(&self, host: usize) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for g in &self.hosts[host].groups {
            for a in std::iter::once(*g).chain(self.ancestors(*g)) {
                if !out.contains(&a) {
                    out.push(a);
                }
            }
        }
        out
    }

    /// Hosts of a group and its descendants, in Ansible's order: the group's
    /// own, then level by level down the tree.
    pub fn group_hosts(&self, group: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut seen = vec![false; self.hosts.len()];
        for g in std::iter::once(group).chain(self.descendants(group)) {
            for h in &self.groups[g].hosts {
                if !seen[*h] {
                    seen[*h] = true;
                    out.push(*h);
                }
            }
        }
        out
    }

    /// Variables as `ansible-inventory --host` shows them: `all`, then the
    /// other groups by (depth, priority, name), then the host's own.
    pub fn merged_vars(&self, host: usize) -> Vars {
        let mut groups: Vec<usize> = self
            .host_groups(host)
            .into_iter()
            .filter(|g| *g != ALL)
            .collect();
        groups.sort_by(|a, b| {
            let (a, b) = (&self.groups[*a], &self.groups[*b]);
            (a.depth, a.priority, &a.name).cmp(&(b.depth, b.priority, &b.name))
        });
        let mut vars = self.groups[ALL].vars.clone();
        for g in groups.iter().map(|g| &self.groups[*g].vars) {
            for (key, value) in g {
                vars.insert(key.clone(), value.clone());
            }
        }
        for (key, value) in &self.hosts[host].vars {
            vars.insert(key.clone(), value.clone());
        }
        vars
    }
}

/// Breadth-first over a relation, each node once, in first-seen order.
fn walk<'a>(start: usize, next: impl Fn(usize) -> &'a Vec<usize>) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    let mut level = vec![start];
    while !level.is_empty() {
        let mut new = Vec::new();
        for g in level {
            for n in next(g) {
                if *n != start && !out.contains(n) {
                    out.push(*n);
                    new.push(*n);
                }
            }
        }
        level = new;
    }
    out
}

/// Python's `int(value)` for the values an inventory can hold.
fn python_int(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f.trunc() as i64)),
        Value::Bool(b) => Some(i64::from(*b)),
        Value::String(s) => s.trim().replace('_', "").parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Model {
        let mut m = Model::default();
        let web = m.add_group("web");
        let prod = m.add_group("prod");
        m.add_child_group(prod, web).unwrap();
        m.add_host("a", web, Some(2222));
        m.add_host("b", prod, None);
        let lone = m.add_group("lone");
        m.add_host("c", lone, None);
        m.groups[lone].hosts.clear();
        m.hosts[2].groups.clear();
        m.set_group_var(ALL, "v".into(), "all".into()).unwrap();
        m.set_group_var(prod, "v".into(), "prod".into()).unwrap();
        m.set_group_var(web, "v".into(), "web".into()).unwrap();
        m.finish()
    }

    #[test]
    fn reconcile_puts_groups_under_all_and_lone_hosts_in_ungrouped() {
        let m = model();
        let names: Vec<&str> = m.groups[ALL]
            .children
            .iter()
            .map(|g| m.groups[*g].name.as_str())
            .collect();
        assert_eq!(names, ["ungrouped", "prod", "lone"]);
        assert_eq!(m.groups[UNGROUPED].hosts, vec![2]);
        assert_eq!(m.groups[m.group("web").unwrap()].depth, 2);
    }

    #[test]
    fn deeper_groups_win_and_the_host_wins_over_all() {
        let m = model();
        assert_eq!(m.merged_vars(0)["v"], "web");
        assert_eq!(m.merged_vars(0)["ansible_port"], 2222);
        assert_eq!(m.merged_vars(1)["v"], "prod");
        assert_eq!(m.merged_vars(2)["v"], "all");
    }

    #[test]
    fn priority_breaks_ties_before_names() {
        let mut m = Model::default();
        let a = m.add_group("a");
        let b = m.add_group("b");
        m.add_host("h", a, None);
        m.add_host("h", b, None);
        m.set_group_var(a, "v".into(), "a".into()).unwrap();
        m.set_group_var(b, "v".into(), "b".into()).unwrap();
        let plain = m.clone().finish();
        assert_eq!(plain.merged_vars(0)["v"], "b");
        m.set_group_var(a, "ansible_group_priority".into(), Value::from(10))
            .unwrap();
        assert_eq!(m.finish().merged_vars(0)["v"], "a");
    }

    #[test]
    fn cycles_are_refused() {
        let mut m = Model::default();
        let a = m.add_group("a");
        let b = m.add_group("b");
        m.add_child_group(a, b).unwrap();
        assert!(m.add_child_group(b, a).unwrap_err().contains("cycle"));
        assert!(m.add_child_group(a, a).is_err());
    }
}

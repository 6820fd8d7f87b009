//! Groups and hosts as Ansible's InventoryData keeps them: insertion order,
//! `all` and `ungrouped` from the start, cycles refused, then reconciled.
//! Every walk marks what it has visited, and loops are looked for once when
//! reading ends, so reading takes time linear in the inventory's size, plus
//! one walk up the tree for each set of groups hosts are put in.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::error::{ParseError, Parsed};

pub type Vars = Map<String, Value>;

/// Where variables were set, by name: an index into the inventory's
/// list of origins (the files read, each `-e`).
pub type From = HashMap<String, u32>;

pub const ALL: usize = 0;
pub const UNGROUPED: usize = 1;

const CYCLE_FIX: &str = "a group cannot contain itself, directly or through its children: remove the entry that leads back";

/// Where an entry was written: line and, where known, column.
pub type Place = (usize, Option<usize>);

#[derive(Debug, Clone)]
pub struct Group {
    pub name: String,
    pub vars: Vars,
    pub from: From,
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
    pub from: From,
    /// Groups the host was put in directly, in that order.
    pub groups: Vec<usize>,
}

/// A child group added to a parent, and where the inventory said so.
#[derive(Debug, Clone, Copy)]
struct Edge {
    parent: usize,
    child: usize,
    at: Option<Place>,
}

/// What the parsers fill in; `checked` refuses loops, `finish` applies
/// Ansible's reconcile step.
#[derive(Debug, Clone)]
pub struct Model {
    pub groups: Vec<Group>,
    pub hosts: Vec<HostEntry>,
    group_ix: HashMap<String, usize>,
    host_ix: HashMap<String, usize>,
    /// (parent, child) and (host, group) pairs made: "already there?" in one step.
    links: HashSet<(usize, usize)>,
    members: HashSet<(usize, usize)>,
    /// Every child group added, in reading order.
    edges: Vec<Edge>,
    /// Edges before this one were checked with the files read before.
    checked: usize,
    /// The origin of what the parser sets now: the file being read.
    pub origin: u32,
}

impl Default for Model {
    fn default() -> Self {
        let mut model = Self {
            groups: Vec::new(),
            hosts: Vec::new(),
            group_ix: HashMap::new(),
            host_ix: HashMap::new(),
            links: HashSet::new(),
            members: HashSet::new(),
            edges: Vec::new(),
            checked: 0,
            origin: 0,
        };
        model.add_group("all");
        model.add_group("ungrouped");
        model.link(ALL, UNGROUPED, None);
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
            from: From::new(),
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
                let mut from = From::new();
                if let Some(port) = port.filter(|port| *port != 0) {
                    vars.insert("ansible_port".into(), Value::from(port));
                    from.insert("ansible_port".into(), self.origin);
                }
                self.hosts.push(HostEntry {
                    name: name.to_owned(),
                    vars,
                    from,
                    groups: Vec::new(),
                });
                self.host_ix.insert(name.to_owned(), self.hosts.len() - 1);
                self.hosts.len() - 1
            }
        };
        self.join(ix, group);
        ix
    }

    fn join(&mut self, host: usize, group: usize) {
        if self.members.insert((host, group)) {
            self.groups[group].hosts.push(host);
            self.hosts[host].groups.push(group);
        }
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
        let group = &mut self.groups[group];
        group.from.insert(key.clone(), self.origin);
        group.vars.insert(key, value);
        Ok(())
    }

    pub fn set_host_var(&mut self, host: usize, key: String, value: Value) {
        let host = &mut self.hosts[host];
        host.from.insert(key.clone(), self.origin);
        host.vars.insert(key, value);
    }

    /// `child` under `parent`, as written at `at`. A group as its own child
    /// is refused here; a longer loop once reading ends (`checked`).
    pub fn add_child_group(&mut self, parent: usize, child: usize, at: Place) -> Parsed<()> {
        if parent == child {
            return Err(ParseError::new(format!(
                "group {} cannot be a child of itself",
                self.groups[parent].name
            ))
            .at(at.0, at.1)
            .fix(CYCLE_FIX));
        }
        self.link(parent, child, Some(at));
        Ok(())
    }

    fn link(&mut self, parent: usize, child: usize, at: Option<Place>) {
        if self.links.insert((parent, child)) {
            self.groups[parent].children.push(child);
            self.groups[child].parents.push(parent);
            self.edges.push(Edge { parent, child, at });
        }
    }

    /// The model once a parser is done with a file; `filled` is how the
    /// parser ended. A loop in `children` is refused at the entry that
    /// closed it, ahead of any later mistake, as Ansible, refusing it on
    /// the spot, would. Files read before had none, so a loop found now
    /// was closed by this file.
    pub fn check(&mut self, filled: Parsed<()>) -> Parsed<()> {
        if let Some(edge) = self.first_loop() {
            let message = format!(
                "adding group {} as a child of {} makes a cycle in `children`",
                self.groups[edge.child].name, self.groups[edge.parent].name
            );
            return Err(located(ParseError::new(message), edge.at).fix(CYCLE_FIX));
        }
        filled?;
        // Reconciling puts every group without a parent under `all`.
        let new = &self.edges[self.checked..];
        if let Some(edge) = new.iter().find(|edge| edge.child == ALL) {
            let message = format!(
                "group all cannot be a child of {}: every group is in all, so this makes a cycle in `children`",
                self.groups[edge.parent].name
            );
            return Err(located(ParseError::new(message), edge.at).fix(CYCLE_FIX));
        }
        self.checked = self.edges.len();
        Ok(())
    }

    /// `check`, for a model read from one text.
    #[cfg(test)]
    pub fn checked(mut self, filled: Parsed<()>) -> Parsed<Self> {
        self.check(filled).map(|()| self)
    }

    /// The entry, in reading order, that first closed a loop.
    fn first_loop(&self) -> Option<Edge> {
        let groups = self.groups.len();
        if !has_loop(groups, &self.edges) {
            return None;
        }
        // The shortest run of entries from the start that holds a loop ends
        // with the entry that closed it; the files read before held none.
        let (mut without, mut with) = (self.checked, self.edges.len());
        while with - without > 1 {
            let mid = without + (with - without) / 2;
            if has_loop(groups, &self.edges[..mid]) {
                with = mid;
            } else {
                without = mid;
            }
        }
        Some(self.edges[with - 1])
    }

    /// Ansible's reconcile_inventory: parentless groups go under `all`,
    /// hosts in no group go to `ungrouped`; then group depths.
    pub fn finish(mut self) -> Self {
        for ix in 1..self.groups.len() {
            if self.groups[ix].parents.is_empty() {
                self.link(ALL, ix, None);
            }
        }
        // A host counts as elsewhere when any of its groups, or of theirs
        // above, is neither `all` nor `ungrouped`.
        let plain = |g: &usize| *g == ALL || *g == UNGROUPED;
        let above_all = self.ancestors(ALL);
        let above_ungrouped = self.ancestors(UNGROUPED);
        let mut leave = vec![false; self.hosts.len()];
        let mut lone = Vec::new();
        for (host, entry) in self.hosts.iter().enumerate() {
            let direct = &entry.groups;
            let elsewhere = direct.iter().any(|g| !plain(g))
                || (direct.contains(&ALL) && !above_all.iter().all(plain))
                || (direct.contains(&UNGROUPED) && !above_ungrouped.iter().all(plain));
            let in_ungrouped = direct.contains(&UNGROUPED)
                || (direct.contains(&ALL) && above_all.contains(&UNGROUPED));
            if elsewhere {
                leave[host] = direct.contains(&UNGROUPED);
            } else if !in_ungrouped {
                lone.push(host);
            }
        }
        self.groups[UNGROUPED].hosts.retain(|h| !leave[*h]);
        for (host, _) in leave.iter().enumerate().filter(|(_, leaves)| **leaves) {
            self.hosts[host].groups.retain(|g| *g != UNGROUPED);
            self.members.remove(&(host, UNGROUPED));
        }
        for host in lone {
            self.join(host, UNGROUPED);
        }
        self.set_depths();
        self
    }

    /// Longest path from a group without parents, parents before children
    /// (Kahn's order); each link is followed once.
    fn set_depths(&mut self) {
        let mut waiting: Vec<usize> = self.groups.iter().map(|g| g.parents.len()).collect();
        let mut ready: Vec<usize> = (0..self.groups.len())
            .filter(|g| waiting[*g] == 0)
            .collect();
        while let Some(g) = ready.pop() {
            let depth = self.groups[g].depth + 1;
            for i in 0..self.groups[g].children.len() {
                let child = self.groups[g].children[i];
                let group = &mut self.groups[child];
                group.depth = group.depth.max(depth);
                waiting[child] -= 1;
                if waiting[child] == 0 {
                    ready.push(child);
                }
            }
        }
    }
}

fn located(err: ParseError, at: Option<Place>) -> ParseError {
    match at {
        Some((line, column)) => err.at(line, column),
        None => err,
    }
}

/// Kahn's test: the groups can all be taken away parents first exactly
/// when the links hold no loop.
fn has_loop(groups: usize, edges: &[Edge]) -> bool {
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); groups];
    let mut waiting = vec![0usize; groups];
    for edge in edges {
        children[edge.parent].push(edge.child);
        waiting[edge.child] += 1;
    }
    let mut free: Vec<usize> = (0..groups).filter(|g| waiting[*g] == 0).collect();
    let mut taken = 0;
    while let Some(g) = free.pop() {
        taken += 1;
        for child in &children[g] {
            waiting[*child] -= 1;
            if waiting[*child] == 0 {
                free.push(*child);
            }
        }
    }
    taken < groups
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
    use crate::inventory::merge::inventory_only;

    fn model() -> Model {
        let mut m = Model::default();
        let web = m.add_group("web");
        let prod = m.add_group("prod");
        m.add_child_group(prod, web, (1, None)).unwrap();
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
        let merged = inventory_only(&model());
        assert_eq!(merged[0]["v"], "web");
        assert_eq!(merged[0]["ansible_port"], 2222);
        assert_eq!(merged[1]["v"], "prod");
        assert_eq!(merged[2]["v"], "all");
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
        assert_eq!(inventory_only(&plain)[0]["v"], "b");
        m.set_group_var(a, "ansible_group_priority".into(), Value::from(10))
            .unwrap();
        assert_eq!(inventory_only(&m.finish())[0]["v"], "a");
    }

    #[test]
    fn the_entry_that_first_closes_a_loop_is_named() {
        let mut m = Model::default();
        let [a, b, c] = ["a", "b", "c"].map(|name| m.add_group(name));
        for (line, (parent, child)) in [(a, b), (b, c), (c, a), (c, b)].into_iter().enumerate() {
            m.add_child_group(parent, child, (line + 1, Some(3)))
                .unwrap();
        }
        let err = m.checked(Ok(())).unwrap_err();
        assert_eq!((err.line, err.column), (Some(3), Some(3)));
        assert_eq!(
            err.message,
            "adding group a as a child of c makes a cycle in `children`"
        );
        assert_eq!(err.fix.as_deref(), Some(CYCLE_FIX));
        let mut m = Model::default();
        let a = m.add_group("a");
        let err = m.add_child_group(a, a, (7, None)).unwrap_err();
        assert_eq!((err.line, err.fix.as_deref()), (Some(7), Some(CYCLE_FIX)));
    }

    #[test]
    fn a_loop_is_refused_before_a_later_mistake_and_all_under_a_group_after_it() {
        let mut m = Model::default();
        let p = m.add_group("p");
        m.add_child_group(p, ALL, (2, Some(1))).unwrap();
        let later = ParseError::new("later").at(9, None);
        assert_eq!(m.clone().checked(Err(later.clone())).unwrap_err(), later);
        let err = m.clone().checked(Ok(())).unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(
            err.message.starts_with("group all cannot be a child of p"),
            "{}",
            err.message
        );
        m.add_child_group(UNGROUPED, p, (3, None)).unwrap();
        let err = m.checked(Err(later)).unwrap_err();
        assert!(
            err.message.contains("cycle") && err.line == Some(3),
            "{err:?}"
        );
    }
}

//! Walks over the model, each visiting a group or host at most once: the
//! groups above a group or a host, and the hosts below groups in
//! Ansible's order.

use super::model::{ALL, Group, Model};

impl Model {
    /// The groups above `group`, nearest first.
    pub(super) fn ancestors(&self, group: usize) -> Vec<usize> {
        let mut seen = vec![false; self.groups.len()];
        let mut up = self.walk(&[group], |g| &g.parents, &mut seen);
        up.remove(0);
        up
    }

    /// `starts`, then breadth-first along `next`, each group once. `seen` is
    /// all false before and again after, so one buffer serves many walks.
    fn walk(
        &self,
        starts: &[usize],
        next: fn(&Group) -> &[usize],
        seen: &mut [bool],
    ) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for g in starts {
            if !std::mem::replace(&mut seen[*g], true) {
                out.push(*g);
            }
        }
        let mut i = 0;
        while i < out.len() {
            for n in next(&self.groups[out[i]]) {
                if !std::mem::replace(&mut seen[*n], true) {
                    out.push(*n);
                }
            }
            i += 1;
        }
        for g in &out {
            seen[*g] = false;
        }
        out
    }

    /// Hosts of a group and its descendants, in Ansible's order: the group's
    /// own, then level by level down the tree.
    pub fn group_hosts(&self, group: usize) -> Vec<usize> {
        self.hosts_of(&[group])
    }

    /// Hosts of each group in turn, as `group_hosts` lists them, each host
    /// once. A group met again, and so everything below it, is not walked
    /// again: all its hosts are listed already.
    pub fn hosts_of(&self, groups: &[usize]) -> Vec<usize> {
        let mut walked = vec![false; self.groups.len()];
        let mut listed = vec![false; self.hosts.len()];
        let mut out = Vec::new();
        for g in groups {
            if walked[*g] {
                continue;
            }
            walked[*g] = true;
            let mut level = vec![*g];
            let mut i = 0;
            while i < level.len() {
                let group = &self.groups[level[i]];
                for h in &group.hosts {
                    if !std::mem::replace(&mut listed[*h], true) {
                        out.push(*h);
                    }
                }
                for c in &group.children {
                    if !std::mem::replace(&mut walked[*c], true) {
                        level.push(*c);
                    }
                }
                i += 1;
            }
        }
        out
    }

    /// The groups a host put directly in `direct` is in, and every group
    /// above them, `all` left out, in the order their variables apply:
    /// by (depth, priority, name), as Ansible's `sort_groups`.
    pub(super) fn host_groups(&self, direct: &[usize], seen: &mut [bool]) -> Vec<usize> {
        let mut groups = self.walk(direct, |g| &g.parents, seen);
        groups.retain(|g| *g != ALL);
        groups.sort_by(|a, b| {
            let (a, b) = (&self.groups[*a], &self.groups[*b]);
            (a.depth, a.priority, &a.name).cmp(&(b.depth, b.priority, &b.name))
        });
        groups
    }
}

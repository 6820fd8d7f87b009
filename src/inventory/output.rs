//! What `deploy inventory` prints: the same JSON and text as
//! `ansible-inventory`, and the roles deploy resolved.

use std::collections::HashSet;

use anyhow::{Context, Result};
use serde_json::{Map, Value, json};

use super::Inventory;
use super::error::some_names;
use super::model::ALL;
use crate::exit::Problem;

/// `--list`: groups with their hosts and children, `_meta.hostvars`.
pub fn list(inv: &Inventory, limit: Option<&[String]>) -> String {
    let available: HashSet<usize> = match limit {
        Some(names) => names.iter().filter_map(|n| inv.model.host(n)).collect(),
        None => inv.order.iter().copied().collect(),
    };
    let mut out = Map::new();
    // Each group reachable from `all` once; the order is the printer's
    // (sorted keys), so a stack serves, at any depth.
    let mut seen = vec![false; inv.model.groups.len()];
    seen[ALL] = true;
    let mut todo = vec![ALL];
    while let Some(g) = todo.pop() {
        format_group(inv, g, &available, &mut out);
        for child in &inv.model.groups[g].children {
            if !std::mem::replace(&mut seen[*child], true) {
                todo.push(*child);
            }
        }
    }
    let mut hostvars = Map::new();
    for h in inv.order.iter().filter(|h| available.contains(h)) {
        if !inv.merged[*h].is_empty() {
            hostvars.insert(
                inv.model.hosts[*h].name.clone(),
                Value::Object(inv.merged[*h].clone()),
            );
        }
    }
    out.insert(
        "_meta".into(),
        json!({"hostvars": hostvars, "profile": "inventory_legacy"}),
    );
    pretty(&Value::Object(out))
}

/// Ansible's `format_group`: empty keys and empty groups are left out, but
/// still named among their parent's children.
fn format_group(
    inv: &Inventory,
    g: usize,
    available: &HashSet<usize>,
    out: &mut Map<String, Value>,
) {
    let group = &inv.model.groups[g];
    let mut entry = Map::new();
    if g != ALL {
        let hosts: Vec<Value> = group
            .hosts
            .iter()
            .filter(|h| available.contains(h))
            .map(|h| inv.model.hosts[*h].name.clone().into())
            .collect();
        if !hosts.is_empty() {
            entry.insert("hosts".into(), hosts.into());
        }
    }
    let children: Vec<Value> = group
        .children
        .iter()
        .map(|child| Value::from(inv.model.groups[*child].name.clone()))
        .collect();
    if !children.is_empty() {
        entry.insert("children".into(), children.into());
    }
    if !entry.is_empty() {
        out.insert(group.name.clone(), entry.into());
    }
}

/// `--graph [GROUP]`: the tree as ansible-inventory draws it.
pub fn graph(inv: &Inventory, start: &str) -> Result<String> {
    let g = inv.model.group(start).ok_or_else(|| {
        Problem::usage(format!(
            "--graph takes a group name; {} has no group {start}",
            inv.path.display()
        ))
        .fix(format!(
            "the groups are: {}",
            some_names(inv.model.groups.iter().map(|g| g.name.as_str()))
        ))
    })?;
    // Depth first, children before hosts, as ansible-inventory draws it; a
    // stack rather than recursion, and a bound on the depth, since each line
    // is indented by its depth.
    let mut lines = Vec::new();
    let mut todo = vec![(Line::Group(g), 0)];
    while let Some((line, depth)) = todo.pop() {
        let g = match line {
            Line::Host(h) => {
                lines.push(graph_name(&inv.model.hosts[h].name, depth));
                continue;
            }
            Line::Group(g) => g,
        };
        if depth > GRAPH_DEPTH {
            return Err(Problem::usage(format!(
                "--graph cannot draw group {start} of {}: its groups nest more than {GRAPH_DEPTH} deep",
                inv.path.display()
            ))
            .fix(GRAPH_FIX)
            .into());
        }
        let group = &inv.model.groups[g];
        lines.push(graph_name(&format!("@{}:", group.name), depth));
        if g != ALL {
            todo.extend(
                group
                    .hosts
                    .iter()
                    .rev()
                    .map(|h| (Line::Host(*h), depth + 1)),
            );
        }
        todo.extend(
            group
                .children
                .iter()
                .rev()
                .map(|c| (Line::Group(*c), depth + 1)),
        );
    }
    Ok(lines.join("\n"))
}

/// Deeper than this, `--graph` refuses: ansible-inventory fails already a
/// few levels short of it, and the text grows with the square of the depth.
const GRAPH_DEPTH: usize = 1000;

pub(super) const GRAPH_FIX: &str = "use --list, which shows the same groups and hosts at any depth";

enum Line {
    Group(usize),
    Host(usize),
}

fn graph_name(name: &str, depth: usize) -> String {
    if depth == 0 {
        name.to_owned()
    } else {
        format!("{}--{name}", "  |".repeat(depth))
    }
}

pub fn roles_text(inv: &Inventory) -> String {
    let show = |hosts: &[String]| {
        if hosts.is_empty() {
            "(none)".to_owned()
        } else {
            hosts.join(", ")
        }
    };
    let roles = &inv.roles;
    format!(
        "roles resolved by deploy:\n  control plane: {}\n  workers:       {}\n  RKE2:          {}",
        show(&roles.control_plane),
        show(&roles.workers),
        show(&roles.rke2)
    )
}

/// `--host NAME`: like ansible-inventory, NAME is a pattern that must match one host.
pub fn host(inv: &Inventory, name: &str) -> Result<String> {
    let one = one_host(inv, name)?;
    let vars = inv.host_vars(&one).cloned().unwrap_or_default();
    Ok(pretty(&plain(Value::Object(vars))))
}

/// The one host `--host PATTERN` names; a pattern that matches none or
/// several is a usage error.
pub fn one_host(inv: &Inventory, name: &str) -> Result<String> {
    let hosts = inv
        .select(name)
        .with_context(|| format!("choosing the host for --host in {}", inv.path.display()))?;
    match <[String; 1]>::try_from(hosts) {
        Ok([one]) => Ok(one),
        Err(hosts) => Err(Problem::usage(format!(
            "--host needs a single host; {name} matches {}: {}",
            hosts.len(),
            hosts.join(", ")
        ))
        .fix("name one host")
        .into()),
    }
}

/// Values with each unsafe string as the string: what `--host` prints
/// (ansible-inventory marks them only within `--list`'s `_meta.hostvars`).
pub fn plain(value: Value) -> Value {
    match value {
        Value::Object(map) => match super::marked_text(&map, super::UNSAFE_KEY) {
            Some(text) => Value::String(text.to_owned()),
            None => Value::Object(map.into_iter().map(|(k, v)| (k, plain(v))).collect()),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(plain).collect()),
        other => other,
    }
}

/// Python's `json.dumps(indent=4, sort_keys=True)`, as ansible-inventory prints.
pub fn pretty(value: &Value) -> String {
    let sorted = sort_keys(value);
    let mut buf = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(
        &mut buf,
        serde_json::ser::PrettyFormatter::with_indent(b"    "),
    );
    // Serialising a Value into memory cannot fail.
    let _ = serde::Serialize::serialize(&sorted, &mut ser);
    String::from_utf8_lossy(&buf).into_owned()
}

fn sort_keys(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), sort_keys(&map[k])))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sort_keys).collect()),
        other => other.clone(),
    }
}

/// With -v: values Ansible would template are shown as written.
pub fn note_templates(inv: &Inventory) {
    let mut found = Vec::new();
    for h in &inv.order {
        for (key, value) in &inv.merged[*h] {
            if has_template(value) {
                found.push(format!("{}: {key}", inv.model.hosts[*h].name));
            }
        }
    }
    if !found.is_empty() {
        eprintln!(
            "deploy: note: {} value(s) contain {{{{ ... }}}}: shown as written here, rendered where deploy uses them: {}",
            found.len(),
            found.join(", ")
        );
    }
}

fn has_template(value: &Value) -> bool {
    match value {
        Value::String(s) => super::is_template(s),
        Value::Array(items) => items.iter().any(has_template),
        Value::Object(map) => {
            super::marked_text(map, super::UNSAFE_KEY).is_none() && map.values().any(has_template)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_names_indent_as_ansible_does() {
        assert_eq!(graph_name("@all:", 0), "@all:");
        assert_eq!(graph_name("h", 2), "  |  |--h");
    }

    #[test]
    fn json_is_sorted_with_four_spaces() {
        let v = json!({"b": 1, "a": {"d": [], "c": {}}});
        assert_eq!(
            pretty(&v),
            "{\n    \"a\": {\n        \"c\": {},\n        \"d\": []\n    },\n    \"b\": 1\n}"
        );
    }

    #[test]
    fn templates_are_found_anywhere_but_in_unsafe_text() {
        assert!(has_template(&json!(["x", {"k": "{{ v }}"}])));
        assert!(!has_template(&json!("{ not }")));
        assert!(!has_template(&json!({"__ansible_unsafe": "{{ v }}"})));
    }

    #[test]
    fn host_prints_unsafe_text_as_text() {
        let marked = json!({"u": {"__ansible_unsafe": "{{ x }}"}, "l": [{"__ansible_unsafe": "a"}],
            "v": {"__ansible_vault": "$ANSIBLE_VAULT"}});
        assert_eq!(
            plain(marked),
            json!({"u": "{{ x }}", "l": ["a"], "v": {"__ansible_vault": "$ANSIBLE_VAULT"}})
        );
    }
}

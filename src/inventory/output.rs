//! What `deploy inventory` prints: the same JSON and text as
//! `ansible-inventory`, and the roles deploy resolved.

use std::collections::HashSet;

use anyhow::{Context, Result};
use serde_json::{Map, Value, json};

use super::Inventory;
use super::model::ALL;
use crate::exit::Problem;

/// `--list`: groups with their hosts and children, `_meta.hostvars`.
pub fn list(inv: &Inventory, limit: Option<&[String]>) -> String {
    let available: HashSet<usize> = match limit {
        Some(names) => names.iter().filter_map(|n| inv.model.host(n)).collect(),
        None => inv.order.iter().copied().collect(),
    };
    let mut out = Map::new();
    let mut seen = HashSet::new();
    format_group(inv, ALL, &available, &mut seen, &mut out);
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
    seen: &mut HashSet<usize>,
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
    let mut children = Vec::new();
    for child in &group.children {
        children.push(Value::from(inv.model.groups[*child].name.clone()));
        if seen.insert(*child) {
            format_group(inv, *child, available, seen, out);
        }
    }
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
        let names: Vec<&str> = inv.model.groups.iter().map(|g| g.name.as_str()).collect();
        Problem::usage(format!(
            "--graph takes a group name; {} has no group {start}",
            inv.path.display()
        ))
        .fix(format!("the groups are: {}", names.join(", ")))
    })?;
    let mut lines = Vec::new();
    graph_group(inv, g, 0, &mut lines);
    Ok(lines.join("\n"))
}

fn graph_group(inv: &Inventory, g: usize, depth: usize, lines: &mut Vec<String>) {
    let group = &inv.model.groups[g];
    lines.push(graph_name(&format!("@{}:", group.name), depth));
    for child in &group.children {
        graph_group(inv, *child, depth + 1, lines);
    }
    if g != ALL {
        for h in &group.hosts {
            lines.push(graph_name(&inv.model.hosts[*h].name, depth + 1));
        }
    }
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
    let hosts = inv
        .select(name)
        .with_context(|| format!("choosing the host for --host in {}", inv.path.display()))?;
    let [one] = hosts.as_slice() else {
        return Err(Problem::usage(format!(
            "--host needs a single host; {name} matches {}: {}",
            hosts.len(),
            hosts.join(", ")
        ))
        .fix("name one host")
        .into());
    };
    let vars = inv.host_vars(one).cloned().unwrap_or_default();
    Ok(pretty(&Value::Object(vars)))
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
            "deploy: note: {} value(s) contain {{{{ ... }}}} and are shown as written, not templated: {}",
            found.len(),
            found.join(", ")
        );
    }
}

fn has_template(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains("{{") || s.contains("{%"),
        Value::Array(items) => items.iter().any(has_template),
        Value::Object(map) => map.values().any(has_template),
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
    fn templates_are_found_anywhere() {
        assert!(has_template(&json!(["x", {"k": "{{ v }}"}])));
        assert!(!has_template(&json!("{ not }")));
    }
}

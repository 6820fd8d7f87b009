//! A YAML inventory's tree into the model, as Ansible's `yaml` plugin
//! reads it: every top-level key a group, each with `hosts`, `vars` and
//! `children`.

use serde_json::Value;

use super::error::{ParseError, Parsed};
use super::hostname;
use super::model::{Model, Vars};
use super::yaml::{YamlKind, YamlNode};
use crate::messages::inventory as say;

/// Fills the model from the document: every top-level key is a group.
pub fn populate(root: YamlNode, model: &mut Model) -> Parsed<()> {
    let YamlKind::Map(groups) = root.kind else {
        return Err(root.error(format!(
            "a YAML inventory is a mapping of groups, not {}",
            root.what()
        )));
    };
    // Ansible's yaml plugin refuses this too; its auto plugin runs it.
    if let Some((_, name)) = groups.iter().find(|(k, _)| k.key_text() == "plugin") {
        let name = match &name.kind {
            YamlKind::Scalar(Value::String(name)) => name.clone(),
            _ => name.to_json().to_string(),
        };
        return Err(ParseError::new(say::plugin(&name)).plugin());
    }
    for (name, body) in &groups {
        group(model, name, body)?;
    }
    Ok(())
}

/// One group and, recursively, the groups nested under its `children`: at
/// most half the levels the reader lets a document have.
fn group(model: &mut Model, name: &YamlNode, body: &YamlNode) -> Parsed<Option<usize>> {
    let YamlKind::Scalar(Value::String(group_name)) = &name.kind else {
        return Err(name
            .error(format!(
                "a group name must be a string, not {}",
                name.what()
            ))
            .fix("put the name in quotes"));
    };
    let entries = match &body.kind {
        YamlKind::Map(entries) => entries.as_slice(),
        _ if body.is_null() => &[],
        // Ansible warns and skips such a group; deploy stops instead.
        _ => {
            return Err(body.error(format!(
                "group {group_name} must be a mapping with hosts, vars or children, not {}",
                body.what()
            )));
        }
    };
    let ix = model.add_group(group_name);
    for (key, value) in entries {
        let section = key.key_text();
        let value = string_as_map(value);
        if !matches!(value.kind, YamlKind::Map(_)) && !value.is_null() {
            let example = match section.as_str() {
                "hosts" => "hosts:\n    node1:\n    node2:",
                "children" => "children:\n    other_group:",
                _ => "vars:\n    name: value",
            };
            return Err(value
                .error(format!(
                    "`{section}` of group {group_name} must be a mapping, not {}",
                    value.what()
                ))
                .fix(format!("write it as a mapping, e.g.\n  {example}")));
        }
        let YamlKind::Map(items) = &value.kind else {
            continue;
        };
        match section.as_str() {
            "vars" => {
                for (k, v) in items {
                    model.set_group_var(ix, k.key_text(), v.to_json()).map_err(|m| v.error(m))?;
                }
            }
            "children" => {
                for (child_name, child_body) in items {
                    if let Some(child) = group(model, child_name, child_body)? {
                        model.add_child_group(ix, child, (child_name.line, Some(child_name.column)))?;
                    }
                }
            }
            "hosts" => {
                for (pattern, vars) in items {
                    hosts(model, ix, pattern, vars)?;
                }
            }
            other => return Err(key.error(format!("unexpected key `{other}` in group {group_name}: only hosts, vars and children are valid"))),
        }
    }
    Ok(Some(ix))
}

/// Ansible accepts `hosts: node1` as `hosts: {node1: }`.
fn string_as_map(node: &YamlNode) -> std::borrow::Cow<'_, YamlNode> {
    match node.text() {
        Some(text) => std::borrow::Cow::Owned(YamlNode {
            kind: YamlKind::Map(vec![(
                YamlNode {
                    kind: YamlKind::Scalar(Value::String(text.to_owned())),
                    line: node.line,
                    column: node.column,
                },
                YamlNode {
                    kind: YamlKind::Scalar(Value::Null),
                    line: node.line,
                    column: node.column,
                },
            )]),
            line: node.line,
            column: node.column,
        }),
        None => std::borrow::Cow::Borrowed(node),
    }
}

fn hosts(model: &mut Model, group: usize, pattern: &YamlNode, vars: &YamlNode) -> Parsed<()> {
    let YamlKind::Scalar(Value::String(text)) = &pattern.kind else {
        return Err(pattern
            .error(format!("host name {} must be a string", pattern.to_json()))
            .fix("enclose numbers in quotation marks"));
    };
    let (names, port) =
        hostname::expand(text).map_err(|e| e.or_at(pattern.line, Some(pattern.column)))?;
    let vars: Vars = match &vars.kind {
        YamlKind::Map(_) => match vars.to_json() {
            Value::Object(map) => map,
            _ => Vars::new(),
        },
        _ if vars.is_null() => Vars::new(),
        _ => {
            return Err(vars.error(format!(
                "the variables of host {text} must be a mapping, not {}",
                vars.what()
            )));
        }
    };
    for name in names {
        let host = model.add_host(&name, group, port);
        for (k, v) in &vars {
            model.set_host_var(host, k.clone(), v.clone());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::yaml::parse;
    use serde_json::json;

    fn load(text: &str) -> Parsed<Model> {
        let mut model = Model::default();
        let filled = match parse(text)? {
            Some(root) => populate(root, &mut model),
            None => Ok(()),
        };
        Ok(model.checked(filled)?.finish())
    }

    #[test]
    fn quoting_decides_the_type() {
        let m = load("all:\n  hosts:\n    h:\n      a: yes\n      b: 'yes'\n      c: \"1.29\"\n      d: 1.29\n").unwrap();
        let v = &m.hosts[0].vars;
        assert_eq!(v["a"], true);
        assert_eq!(v["b"], "yes");
        assert_eq!(v["c"], "1.29");
        assert_eq!(v["d"], 1.29);
    }

    #[test]
    fn tags_and_templates_stay_text() {
        let m = load("all:\n  hosts:\n    h:\n      u: !unsafe \"{{ x }}\"\n      s: !!str 12\n      t: \"{{ y }}\"\n      n: !unsafe '12'\n      l: !unsafe [a, {k: b}]\n").unwrap();
        let v = &m.hosts[0].vars;
        assert_eq!(
            (&v["u"], &v["s"], &v["t"], &v["n"]),
            (
                &json!({"__ansible_unsafe": "{{ x }}"}),
                &"12".into(),
                &"{{ y }}".into(),
                &12.into()
            )
        );
        assert_eq!(
            v["l"],
            json!([{"__ansible_unsafe": "a"}, {"k": {"__ansible_unsafe": "b"}}])
        );
        let m =
            load("all:\n  vars:\n    p: !vault |\n      $ANSIBLE_VAULT;1.1;AES256\n      3132\n")
                .unwrap();
        assert_eq!(
            m.groups[0].vars["p"],
            json!({"__ansible_vault": "$ANSIBLE_VAULT;1.1;AES256\n3132\n"})
        );
        for text in ["v: !vault 12", "v: !vault [a]", "v: !set {a: }"] {
            let err = load(&format!("all:\n  vars:\n    {text}\n")).unwrap_err();
            assert_eq!(err.line, Some(3), "{text}: {err:?}");
        }
        let err = load("plugin: constructed\nstrict: true\n").unwrap_err();
        assert!(
            err.write_out && err.message.contains("constructed"),
            "{err:?}"
        );
    }

    #[test]
    fn anchors_and_merge_keys_expand() {
        let m = load("g:\n  vars:\n    base: &b {x: 1, y: 1}\n    more: {<<: *b, y: 2}\n").unwrap();
        let g = &m.groups[m.group("g").unwrap()].vars;
        assert_eq!(g["more"], serde_json::json!({"x": 1, "y": 2}));
    }

    #[test]
    fn errors_carry_line_and_column() {
        let err = load("all:\n  hosts:\n    - a\n    - b\n").unwrap_err();
        assert_eq!((err.line, err.column), (Some(3), Some(5)));
        assert!(err.message.contains("must be a mapping"), "{}", err.message);
        let err = load("all:\n  hosts: [a\n").unwrap_err();
        assert!(err.message.contains("YAML syntax error"), "{}", err.message);
        assert!(err.line.is_some());
    }

    #[test]
    fn children_cycles_are_errors() {
        let err = load("a:\n  children:\n    b:\n      children:\n        a:\n").unwrap_err();
        assert!(err.message.contains("cycle"), "{}", err.message);
    }

    #[test]
    fn children_nest_as_deep_as_the_reader_takes() {
        // Two levels a group, then the leaf's body, its hosts and h's
        // variables: 1000 levels in all.
        let groups = 498;
        let mut text = String::new();
        for g in 0..groups {
            let indent = "    ".repeat(g);
            text.push_str(&format!("{indent}g{g}:\n{indent}  children:\n"));
        }
        let indent = "    ".repeat(groups);
        text.push_str(&format!(
            "{indent}leaf:\n{indent}  hosts:\n{indent}    h:\n"
        ));
        let deepest = format!("{indent}      v:");
        let m = load(&format!("{text}{deepest} 1\n")).unwrap();
        let leaf = m.group("leaf").unwrap();
        assert_eq!(m.groups[leaf].depth, groups + 1);
        assert_eq!(m.hosts[0].vars["v"], 1);
        let deeper = load(&format!("{text}{deepest}\n{indent}        w: 1\n"));
        let message = deeper.err().map(|err| err.message).unwrap_or_default();
        assert!(message.contains("1000 levels"), "{message}");
    }
}

//! YAML inventories. An event parser (yaml-rust2) rather than serde_yaml:
//! Ansible types scalars by YAML 1.1 rules and by quoting style (`yes` is a
//! boolean, `'yes'` a string), and errors need line and column.

use serde_json::{Map, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::error::{ParseError, Parsed};
use super::hostname;
use super::model::CYCLE_FIX;
use super::model::{Model, Vars};
use super::yaml11;

/// Deep nesting would only exhaust the stack; real inventories use a few levels.
const MAX_DEPTH: usize = 100;
/// Aliases can multiply a small file into a huge tree ("billion laughs").
const MAX_NODES: usize = 1_000_000;

#[derive(Debug, Clone)]
pub struct YamlNode {
    pub kind: YamlKind,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone)]
pub enum YamlKind {
    /// A scalar already typed; `plain` tells whether quoting made it a string.
    Scalar(Value),
    Merge,
    Seq(Vec<YamlNode>),
    Map(Vec<(YamlNode, YamlNode)>),
}

impl YamlNode {
    fn error(&self, message: impl Into<String>) -> ParseError {
        ParseError::new(message).at(self.line, Some(self.column))
    }

    fn is_null(&self) -> bool {
        matches!(self.kind, YamlKind::Scalar(Value::Null))
    }

    fn what(&self) -> &'static str {
        match &self.kind {
            YamlKind::Scalar(Value::String(_)) => "a string",
            YamlKind::Scalar(Value::Null) => "nothing",
            YamlKind::Scalar(Value::Bool(_)) => "a boolean",
            YamlKind::Scalar(Value::Number(_)) => "a number",
            YamlKind::Scalar(_) | YamlKind::Merge => "a scalar",
            YamlKind::Seq(_) => "a list",
            YamlKind::Map(_) => "a mapping",
        }
    }

    /// The JSON form of the value, as Ansible's JSON encoder would print it.
    pub fn to_json(&self) -> Value {
        match &self.kind {
            YamlKind::Scalar(v) => v.clone(),
            YamlKind::Merge => Value::String("<<".into()),
            YamlKind::Seq(items) => Value::Array(items.iter().map(YamlNode::to_json).collect()),
            YamlKind::Map(entries) => {
                let mut map = Map::new();
                for (k, v) in entries {
                    map.insert(k.key_text(), v.to_json());
                }
                Value::Object(map)
            }
        }
    }

    /// Python's json turns non-string keys into their JSON text.
    fn key_text(&self) -> String {
        match &self.kind {
            YamlKind::Scalar(Value::String(s)) => s.clone(),
            other => YamlNode {
                kind: other.clone(),
                line: 0,
                column: 0,
            }
            .to_json()
            .to_string(),
        }
    }
}

/// Parses the text into one document's tree.
pub fn parse(text: &str) -> Parsed<Option<YamlNode>> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    parser.load(&mut builder, true).map_err(|err| {
        let mark = err.marker();
        ParseError::new(format!("YAML syntax error: {}", err.info()))
            .at(mark.line(), Some(mark.col() + 1))
    })?;
    if let Some(err) = builder.error {
        return Err(err);
    }
    Ok(builder.root)
}

enum Frame {
    Seq(YamlNode, usize),
    Map(YamlNode, usize, Option<YamlNode>),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: std::collections::HashMap<usize, YamlNode>,
    root: Option<YamlNode>,
    documents: usize,
    nodes: usize,
    error: Option<ParseError>,
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.error.is_none()
            && let Err(err) = self.event(event, mark)
        {
            self.error = Some(err);
        }
    }
}

impl Builder {
    fn event(&mut self, event: Event, mark: Marker) -> Parsed<()> {
        let at = |kind| YamlNode {
            kind,
            line: mark.line(),
            column: mark.col() + 1,
        };
        match event {
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(ParseError::new(
                        "expected a single YAML document, found a second `---`",
                    )
                    .at(mark.line(), Some(mark.col() + 1)));
                }
            }
            Event::Alias(id) => {
                let node = self.anchors.get(&id).cloned().ok_or_else(|| {
                    ParseError::new("alias to an unknown anchor")
                        .at(mark.line(), Some(mark.col() + 1))
                })?;
                self.nodes += count(&node);
                self.value(node)?;
            }
            Event::Scalar(text, style, anchor, tag) => {
                let node = at(scalar(text, style, tag.as_ref())
                    .map_err(|e| e.or_at(mark.line(), Some(mark.col() + 1)))?);
                self.nodes += 1;
                self.anchor(anchor, &node);
                self.value(node)?;
            }
            Event::SequenceStart(anchor, _) => {
                self.open(Frame::Seq(at(YamlKind::Seq(Vec::new())), anchor), mark)?
            }
            Event::MappingStart(anchor, _) => self.open(
                Frame::Map(at(YamlKind::Map(Vec::new())), anchor, None),
                mark,
            )?,
            Event::SequenceEnd | Event::MappingEnd => {
                let (mut node, anchor) = match self.stack.pop() {
                    Some(Frame::Seq(node, anchor) | Frame::Map(node, anchor, _)) => (node, anchor),
                    None => return Ok(()),
                };
                if let YamlKind::Map(entries) = &mut node.kind {
                    *entries = merge_keys(std::mem::take(entries))?;
                }
                self.nodes += 1;
                self.anchor(anchor, &node);
                self.value(node)?;
            }
            _ => {}
        }
        if self.nodes > MAX_NODES {
            return Err(
                ParseError::new(format!("aliases expand to more than {MAX_NODES} values"))
                    .at(mark.line(), Some(mark.col() + 1)),
            );
        }
        Ok(())
    }

    fn open(&mut self, frame: Frame, mark: Marker) -> Parsed<()> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(
                ParseError::new(format!("nested deeper than {MAX_DEPTH} levels"))
                    .at(mark.line(), Some(mark.col() + 1)),
            );
        }
        self.stack.push(frame);
        Ok(())
    }

    fn anchor(&mut self, anchor: usize, node: &YamlNode) {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
    }

    fn value(&mut self, node: YamlNode) -> Parsed<()> {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq(seq, _)) => {
                if let YamlKind::Seq(items) = &mut seq.kind {
                    items.push(node);
                }
            }
            Some(Frame::Map(map, _, pending)) => match pending.take() {
                None => {
                    if matches!(node.kind, YamlKind::Seq(_) | YamlKind::Map(_)) {
                        return Err(node.error("a list or mapping cannot be a mapping key"));
                    }
                    *pending = Some(node);
                }
                Some(key) => {
                    if let YamlKind::Map(entries) = &mut map.kind {
                        entries.push((key, node));
                    }
                }
            },
        }
        Ok(())
    }
}

fn count(node: &YamlNode) -> usize {
    match &node.kind {
        YamlKind::Seq(items) => 1 + items.iter().map(count).sum::<usize>(),
        YamlKind::Map(entries) => {
            1 + entries
                .iter()
                .map(|(k, v)| count(k) + count(v))
                .sum::<usize>()
        }
        _ => 1,
    }
}

fn scalar(text: String, style: TScalarStyle, tag: Option<&Tag>) -> Parsed<YamlKind> {
    if let Some(tag) = tag {
        let core = tag.handle == "tag:yaml.org,2002:";
        return match (core, tag.handle.as_str(), tag.suffix.as_str()) {
            (true, _, "str") | (false, "!", "unsafe") => Ok(YamlKind::Scalar(Value::String(text))),
            (true, _, "int" | "float" | "bool" | "null") => {
                Ok(YamlKind::Scalar(yaml11::resolve(&text)))
            }
            (false, "!", "vault") => Err(ParseError::new(
                "vault-encrypted values (!vault) are not supported",
            )
            .fix("keep secrets out of the inventory deploy reads, or decrypt them first")),
            (_, handle, suffix) => Err(ParseError::new(format!(
                "unsupported YAML tag {handle}{suffix}"
            ))),
        };
    }
    if style != TScalarStyle::Plain {
        return Ok(YamlKind::Scalar(Value::String(text)));
    }
    if text == "<<" {
        return Ok(YamlKind::Merge);
    }
    Ok(YamlKind::Scalar(yaml11::resolve(&text)))
}

/// `<<: *base` (or a list of them): their keys first, the mapping's own win.
fn merge_keys(entries: Vec<(YamlNode, YamlNode)>) -> Parsed<Vec<(YamlNode, YamlNode)>> {
    if !entries
        .iter()
        .any(|(k, _)| matches!(k.kind, YamlKind::Merge))
    {
        return Ok(entries);
    }
    let mut merged: Vec<(YamlNode, YamlNode)> = Vec::new();
    let mut own = Vec::new();
    for (key, value) in entries {
        if !matches!(key.kind, YamlKind::Merge) {
            own.push((key, value));
            continue;
        }
        let sources = match value.kind {
            YamlKind::Map(_) => vec![value],
            YamlKind::Seq(items) => items,
            _ => {
                return Err(value.error(format!(
                    "`<<` merges a mapping or a list of mappings, not {}",
                    value.what()
                )));
            }
        };
        for source in sources {
            match source.kind {
                YamlKind::Map(more) => merged.extend(more),
                _ => return Err(source.error("`<<` merges only mappings")),
            }
        }
    }
    merged.extend(own);
    Ok(merged)
}

/// Fills the model from the document: every top-level key is a group.
pub fn populate(root: YamlNode, model: &mut Model) -> Parsed<()> {
    let YamlKind::Map(groups) = root.kind else {
        return Err(root.error(format!(
            "a YAML inventory is a mapping of groups, not {}",
            root.what()
        )));
    };
    if groups.iter().any(|(k, _)| k.key_text() == "plugin") {
        return Err(ParseError::new(
            "this is an inventory plugin configuration, which deploy cannot run",
        )
        .fix("point deploy at a static YAML or INI inventory"));
    }
    for (name, body) in &groups {
        group(model, name, body)?;
    }
    Ok(())
}

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
                        model.add_child_group(ix, child).map_err(|m| child_name.error(m).fix(CYCLE_FIX))?;
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
    match &node.kind {
        YamlKind::Scalar(Value::String(_)) => std::borrow::Cow::Owned(YamlNode {
            kind: YamlKind::Map(vec![(
                node.clone(),
                YamlNode {
                    kind: YamlKind::Scalar(Value::Null),
                    line: node.line,
                    column: node.column,
                },
            )]),
            line: node.line,
            column: node.column,
        }),
        _ => std::borrow::Cow::Borrowed(node),
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

    fn load(text: &str) -> Parsed<Model> {
        let mut model = Model::default();
        if let Some(root) = parse(text)? {
            populate(root, &mut model)?;
        }
        Ok(model.finish())
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
        let m = load("all:\n  hosts:\n    h:\n      u: !unsafe \"{{ x }}\"\n      s: !!str 12\n      t: \"{{ y }}\"\n").unwrap();
        let v = &m.hosts[0].vars;
        assert_eq!(
            (&v["u"], &v["s"], &v["t"]),
            (&"{{ x }}".into(), &"12".into(), &"{{ y }}".into())
        );
        assert!(
            load("all:\n  vars:\n    p: !vault |\n      $ANSIBLE_VAULT;1.1;AES256\n")
                .unwrap_err()
                .message
                .contains("vault")
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
    fn alias_bombs_stop() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..8 {
            let prev = i - 1;
            text.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
        }
        assert!(parse(&text).unwrap_err().message.contains("aliases"));
    }
}

//! YAML inventories. An event parser (yaml-rust2) rather than serde_yaml:
//! Ansible types scalars by YAML 1.1 rules and by quoting style (`yes` is a
//! boolean, `'yes'` a string), and errors need line and column.

use serde_json::{Map, Value};
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::error::{ParseError, Parsed};
use super::yaml11;

/// Ansible's YAML reader (libyaml) refuses collections nested this deep,
/// and its loader gives up well before; deploy's walks over a value
/// recurse, so this also bounds their stack.
const MAX_DEPTH: usize = 1000;
/// yaml-rust2 counts `[` and `{` levels in a byte.
const MAX_FLOW_DEPTH: usize = 255;
const FLOW_FIX: &str = "write the deeper levels in block style, one key per line";
const DEPTH_FIX: &str = "nest less deeply: a group named under `children:` can be defined at the top level instead of inside its parent";
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
    pub(super) fn error(&self, message: impl Into<String>) -> ParseError {
        ParseError::new(message).at(self.line, Some(self.column))
    }

    pub(super) fn is_null(&self) -> bool {
        matches!(self.kind, YamlKind::Scalar(Value::Null))
    }

    pub(super) fn what(&self) -> &'static str {
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
    pub(super) fn key_text(&self) -> String {
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

/// Parses the text into one document's tree, stopping at the first
/// mistake. Events are pulled one at a time: yaml-rust2's own `load`
/// recurses once per level.
pub fn parse(text: &str) -> Parsed<Option<YamlNode>> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    loop {
        let (event, mark) = parser.next_token().map_err(|err| {
            let mark = err.marker();
            match err.info() {
                "recursion limit exceeded" => ParseError::new(format!(
                    "`[` and `{{` nested more than {MAX_FLOW_DEPTH} deep, more than deploy's YAML reader takes"
                ))
                .fix(FLOW_FIX),
                info => ParseError::new(format!("YAML syntax error: {info}")),
            }
            .at(mark.line(), Some(mark.col() + 1))
        })?;
        if event == Event::StreamEnd {
            return Ok(builder.root);
        }
        builder.event(event, mark)?;
    }
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
            return Err(ParseError::new(format!(
                "nested more than {MAX_DEPTH} levels deep, more than Ansible's YAML reader takes"
            ))
            .at(mark.line(), Some(mark.col() + 1))
            .fix(DEPTH_FIX));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `levels` mappings, each the only value of the one above.
    fn nested(levels: usize) -> String {
        (0..levels)
            .map(|level| format!("{}k{level}:", "  ".repeat(level)))
            .collect::<Vec<_>>()
            .join("\n")
            + " leaf\n"
    }

    #[test]
    fn a_thousand_levels_read_and_one_more_is_refused_where_it_starts() {
        let deep = parse(&nested(MAX_DEPTH)).unwrap().unwrap();
        let mut value = &deep.to_json();
        for level in 0..MAX_DEPTH - 1 {
            value = &value[format!("k{level}")];
        }
        assert_eq!(value[format!("k{}", MAX_DEPTH - 1)], "leaf");
        let err = parse(&nested(MAX_DEPTH + 1)).unwrap_err();
        assert_eq!(err.line, Some(MAX_DEPTH + 1));
        assert!(
            err.message.contains("more than 1000 levels deep"),
            "{}",
            err.message
        );
        assert_eq!(err.fix.as_deref(), Some(DEPTH_FIX));
    }

    #[test]
    fn brackets_nest_as_deep_as_the_reader_counts() {
        let flow = |n: usize| format!("k: {}{}\n", "[".repeat(n), "]".repeat(n));
        assert!(parse(&flow(MAX_FLOW_DEPTH)).is_ok());
        let err = parse(&flow(MAX_FLOW_DEPTH + 1)).unwrap_err();
        assert!(
            err.message.contains("nested more than 255 deep"),
            "{}",
            err.message
        );
        assert_eq!((err.line, err.fix.as_deref()), (Some(1), Some(FLOW_FIX)));
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

//! YAML inventories. An event parser (yaml-rust2) rather than serde_yaml:
//! Ansible types scalars by YAML 1.1 rules and by quoting style (`yes` is a
//! boolean, `'yes'` a string), and errors need line and column.

use serde_json::Value;
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::error::{ParseError, Parsed};
use super::yaml_map::{self, Duplicate};
pub use super::yaml_node::{UNSAFE_KEY, VAULT_KEY, YamlKind, YamlNode, is_template, marked_text};
use super::yaml11;
use crate::messages::inventory as say;

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

/// One document's tree, and the keys written twice in a mapping (the
/// last one counts, as in PyYAML; Ansible warns of each).
#[derive(Debug, Default)]
pub struct Document {
    pub root: Option<YamlNode>,
    pub duplicates: Vec<Duplicate>,
}

/// Parses the text into one document's tree, stopping at the first
/// mistake.
#[cfg(test)]
pub fn parse(text: &str) -> Parsed<Option<YamlNode>> {
    read(text).map(|document| document.root)
}

/// The document and what was overridden in it. Events are pulled one at
/// a time: yaml-rust2's own `load` recurses once per level.
pub fn read(text: &str) -> Parsed<Document> {
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
            // Inner mappings end first; they are said in the file's order.
            let mut duplicates = builder.duplicates;
            duplicates.sort_by_key(|d| (d.line, d.column));
            return Ok(Document {
                root: builder.root,
                duplicates,
            });
        }
        builder.event(event, mark)?;
    }
}

/// A collection being read: its node, its anchor, whether `!unsafe`
/// marked it, and for a mapping the key waiting for its value.
enum Frame {
    Seq(YamlNode, usize, bool),
    Map(YamlNode, usize, bool, Option<YamlNode>),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: std::collections::HashMap<usize, YamlNode>,
    root: Option<YamlNode>,
    documents: usize,
    nodes: usize,
    /// How many `!unsafe` collections enclose what is read now: strings
    /// in them are never templated, as Ansible's constructor marks them.
    unsafe_depth: usize,
    duplicates: Vec<Duplicate>,
}

impl Builder {
    fn event(&mut self, event: Event, mark: Marker) -> Parsed<()> {
        let here = |message: String| ParseError::new(message).at(mark.line(), Some(mark.col() + 1));
        let at = |kind| YamlNode {
            kind,
            line: mark.line(),
            column: mark.col() + 1,
        };
        match event {
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(here(
                        "expected a single YAML document, found a second `---`".into(),
                    ));
                }
            }
            Event::Alias(id) => {
                let node = self
                    .anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| here("alias to an unknown anchor".into()))?;
                self.nodes += count(&node);
                self.value(node)?;
            }
            Event::Scalar(text, style, anchor, tag) => {
                let kind = scalar(text, style, tag.as_ref(), self.unsafe_depth > 0)
                    .map_err(|e| e.or_at(mark.line(), Some(mark.col() + 1)))?;
                let node = at(kind);
                self.nodes += 1;
                self.anchor(anchor, &node);
                self.value(node)?;
            }
            Event::SequenceStart(anchor, tag) => {
                let marked = collection_tag(tag.as_ref(), "seq").map_err(here)?;
                self.open(
                    Frame::Seq(at(YamlKind::Seq(Vec::new())), anchor, marked),
                    mark,
                )?
            }
            Event::MappingStart(anchor, tag) => {
                let marked = collection_tag(tag.as_ref(), "map").map_err(here)?;
                self.open(
                    Frame::Map(at(YamlKind::Map(Vec::new())), anchor, marked, None),
                    mark,
                )?
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (mut node, anchor, marked) = match self.stack.pop() {
                    Some(
                        Frame::Seq(node, anchor, marked) | Frame::Map(node, anchor, marked, _),
                    ) => (node, anchor, marked),
                    None => return Ok(()),
                };
                self.unsafe_depth -= usize::from(marked);
                if let YamlKind::Map(entries) = &mut node.kind {
                    let (finished, duplicates) = yaml_map::finish(std::mem::take(entries))?;
                    *entries = finished;
                    self.duplicates.extend(duplicates);
                }
                self.nodes += 1;
                self.anchor(anchor, &node);
                self.value(node)?;
            }
            _ => {}
        }
        if self.nodes > MAX_NODES {
            return Err(here(format!(
                "aliases expand to more than {MAX_NODES} values"
            )));
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
        if let Frame::Seq(_, _, true) | Frame::Map(_, _, true, _) = frame {
            self.unsafe_depth += 1;
        }
        self.stack.push(frame);
        Ok(())
    }

    fn anchor(&mut self, anchor: usize, node: &YamlNode) {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
    }

    fn value(&mut self, mut node: YamlNode) -> Parsed<()> {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq(seq, _, _)) => {
                if let YamlKind::Seq(items) = &mut seq.kind {
                    items.push(node);
                }
            }
            Some(Frame::Map(map, _, _, pending)) => match pending.take() {
                None => {
                    if matches!(node.kind, YamlKind::Seq(_) | YamlKind::Map(_)) {
                        return Err(node.error("a list or mapping cannot be a mapping key"));
                    }
                    // A key is a name, never templated: JSON has no way to mark it.
                    if let YamlKind::Unsafe(text) = node.kind {
                        node.kind = YamlKind::Scalar(Value::String(text));
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

/// Whether a collection's tag marks it `!unsafe`; the core tags of its
/// kind change nothing, and any other tag is refused.
fn collection_tag(tag: Option<&Tag>, kind: &str) -> Result<bool, String> {
    let Some(tag) = tag else { return Ok(false) };
    match (tag.handle.as_str(), tag.suffix.as_str()) {
        ("tag:yaml.org,2002:", suffix) if suffix == kind => Ok(false),
        ("!", "unsafe") => Ok(true),
        ("!", "vault" | "vault-encrypted") => Err(say::VAULT_NOT_TEXT.to_owned()),
        (handle, suffix) => Err(say::unsupported_tag(&format!("{handle}{suffix}"))),
    }
}

/// A scalar typed as Ansible's constructor types it. `!unsafe` and
/// `!vault` type their text as if it were plain, quoted or not; under
/// `!unsafe` (`untrusted`) a string is never templated.
fn scalar(
    text: String,
    style: TScalarStyle,
    tag: Option<&Tag>,
    untrusted: bool,
) -> Parsed<YamlKind> {
    let string = |text: String, untrusted: bool| match untrusted {
        true => YamlKind::Unsafe(text),
        false => YamlKind::Scalar(Value::String(text)),
    };
    let typed = |value: Value, untrusted: bool| match value {
        Value::String(text) => string(text, untrusted),
        other => YamlKind::Scalar(other),
    };
    if let Some(tag) = tag {
        let core = tag.handle == "tag:yaml.org,2002:";
        return match (core, tag.handle.as_str(), tag.suffix.as_str()) {
            (true, _, "str") => Ok(string(text, untrusted)),
            (true, _, "int" | "float" | "bool" | "null") => {
                Ok(typed(yaml11::resolve(&text), untrusted))
            }
            (false, "!", "unsafe") => Ok(typed(yaml11::resolve(&text), true)),
            (false, "!", "vault" | "vault-encrypted") => match yaml11::resolve(&text) {
                Value::String(text) => Ok(YamlKind::Vault(text)),
                _ => Err(ParseError::new(say::VAULT_NOT_TEXT)),
            },
            (_, handle, suffix) => Err(ParseError::new(say::unsupported_tag(&format!(
                "{handle}{suffix}"
            )))),
        };
    }
    if style != TScalarStyle::Plain {
        return Ok(string(text, untrusted));
    }
    if text == "<<" {
        return Ok(YamlKind::Merge);
    }
    Ok(typed(yaml11::resolve(&text), untrusted))
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

    #[test]
    fn the_last_value_wins_in_the_first_place_and_each_repeat_is_named() {
        let doc = read("a: 1\nb: 2\na: 3\n1: x\n1.0: y\ntrue: z\n").unwrap();
        let root = doc.root.unwrap();
        let json = root.to_json();
        assert_eq!(json["a"], 3);
        assert_eq!(json["1"], "z");
        let keys: Vec<String> = match &root.kind {
            YamlKind::Map(entries) => entries.iter().map(|(k, _)| k.key_text()).collect(),
            _ => panic!(),
        };
        assert_eq!(keys, ["a", "b", "1"]);
        let repeats: Vec<(String, usize)> = doc
            .duplicates
            .iter()
            .map(|d| (d.key.clone(), d.line))
            .collect();
        assert_eq!(
            repeats,
            [("a".into(), 3), ("1.0".into(), 5), ("true".into(), 6)]
        );
    }

    #[test]
    fn merged_keys_give_way_to_the_mappings_own_without_a_warning() {
        let doc = read("b: &b {x: 1, y: 1}\nm: {<<: *b, y: 2}\n").unwrap();
        assert_eq!(
            doc.root.unwrap().to_json()["m"],
            serde_json::json!({"x": 1, "y": 2})
        );
        assert!(doc.duplicates.is_empty());
    }
}

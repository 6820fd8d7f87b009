//! A mapping once all its entries are read, as PyYAML builds its dict:
//! `<<` merge keys first, then the mapping's own keys; a key written
//! again keeps its first place and takes its last value.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use serde_json::Value;

use super::error::Parsed;
use super::yaml_node::{YamlKind, YamlNode};

type Entries = Vec<(YamlNode, YamlNode)>;

/// A key written twice in one mapping, where it was written again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub key: String,
    pub line: usize,
    pub column: usize,
}

/// Keys equal as Python's dict finds them: `1`, `1.0` and `true` are one key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum DictKey {
    Text(String),
    Number(String),
    Null,
    Other(String),
}

fn key_of(node: &YamlNode) -> DictKey {
    match &node.kind {
        YamlKind::Scalar(Value::String(text)) | YamlKind::Unsafe(text) => {
            DictKey::Text(text.clone())
        }
        YamlKind::Scalar(Value::Bool(b)) => DictKey::Number(u8::from(*b).to_string()),
        YamlKind::Scalar(Value::Number(n)) => DictKey::Number(match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => (f as i64).to_string(),
            _ => n.to_string(),
        }),
        YamlKind::Scalar(Value::Null) => DictKey::Null,
        _ => DictKey::Other(node.key_text()),
    }
}

/// The entries as the dict has them, and the keys the mapping itself wrote
/// more than once. A key a merge brought in and the mapping sets again is
/// what merging is for, so it is not counted.
pub fn finish(entries: Vec<(YamlNode, YamlNode)>) -> Parsed<(Entries, Vec<Duplicate>)> {
    let mut written = std::collections::HashSet::new();
    let mut duplicates = Vec::new();
    for (key, _) in &entries {
        if matches!(key.kind, YamlKind::Merge) {
            continue;
        }
        if !written.insert(key_of(key)) {
            duplicates.push(Duplicate {
                key: key.key_text(),
                line: key.line,
                column: key.column,
            });
        }
    }
    let merged = merge_keys(entries)?;
    if merged.len() < 2 {
        return Ok((merged, duplicates));
    }
    let mut place: HashMap<DictKey, usize> = HashMap::with_capacity(merged.len());
    let mut out: Entries = Vec::with_capacity(merged.len());
    for (key, value) in merged {
        match place.entry(key_of(&key)) {
            Entry::Occupied(at) => out[*at.get()].1 = value,
            Entry::Vacant(slot) => {
                slot.insert(out.len());
                out.push((key, value));
            }
        }
    }
    Ok((out, duplicates))
}

/// `<<: *base` (or a list of them): their keys first, the mapping's own
/// after, so its own win.
fn merge_keys(entries: Entries) -> Parsed<Entries> {
    if !entries
        .iter()
        .any(|(k, _)| matches!(k.kind, YamlKind::Merge))
    {
        return Ok(entries);
    }
    let mut merged: Entries = Vec::new();
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

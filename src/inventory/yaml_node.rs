//! The tree a YAML document is read into: scalars typed as Ansible types
//! them, strings marked `!unsafe`, inline `!vault` values, lists and
//! mappings with where each was written.

use serde_json::{Map, Value};

use super::error::ParseError;

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
    /// A string Ansible never templates: written under `!unsafe`.
    Unsafe(String),
    /// An inline `!vault` value, still encrypted.
    Vault(String),
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
            YamlKind::Scalar(Value::String(_)) | YamlKind::Unsafe(_) => "a string",
            YamlKind::Vault(_) => "a vaulted value",
            YamlKind::Scalar(Value::Null) => "nothing",
            YamlKind::Scalar(Value::Bool(_)) => "a boolean",
            YamlKind::Scalar(Value::Number(_)) => "a number",
            YamlKind::Scalar(_) | YamlKind::Merge => "a scalar",
            YamlKind::Seq(_) => "a list",
            YamlKind::Map(_) => "a mapping",
        }
    }

    /// The JSON form of the value, as ansible-inventory prints it in
    /// `--list`: unsafe and vaulted values as marker objects.
    pub fn to_json(&self) -> Value {
        match &self.kind {
            YamlKind::Scalar(v) => v.clone(),
            YamlKind::Unsafe(text) => marked(UNSAFE_KEY, text),
            YamlKind::Vault(text) => marked(VAULT_KEY, text),
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

    /// The text of a string, safe or not.
    pub(super) fn text(&self) -> Option<&str> {
        match &self.kind {
            YamlKind::Scalar(Value::String(s)) | YamlKind::Unsafe(s) => Some(s),
            _ => None,
        }
    }

    /// Python's json turns non-string keys into their JSON text.
    pub(super) fn key_text(&self) -> String {
        match &self.kind {
            YamlKind::Scalar(Value::String(s)) | YamlKind::Unsafe(s) => s.clone(),
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

/// The key of an inline vaulted value in ansible-inventory's JSON.
pub const VAULT_KEY: &str = "__ansible_vault";
/// The key of a string ansible-inventory's `--list` marks as never templated.
pub const UNSAFE_KEY: &str = "__ansible_unsafe";

fn marked(key: &str, text: &str) -> Value {
    Value::Object(Map::from_iter([(key.to_owned(), Value::from(text))]))
}

/// The text of a one-key marker map such as `{"__ansible_vault": "…"}`.
pub fn marked_text<'v>(map: &'v Map<String, Value>, key: &str) -> Option<&'v str> {
    match (map.len(), map.get(key)) {
        (1, Some(Value::String(text))) => Some(text),
        _ => None,
    }
}

/// Whether Ansible would render `text`: it holds a Jinja start marker.
pub fn is_template(text: &str) -> bool {
    text.contains("{{") || text.contains("{%") || text.contains("{#")
}

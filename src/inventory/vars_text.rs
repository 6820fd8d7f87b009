//! Variables given as text: a group_vars/ or host_vars/ file, and each
//! `-e`. Documents are read as Ansible's loader reads them, JSON first,
//! then YAML with Ansible's typing.

use serde_json::{Map, Value};

use super::error::{ParseError, Parsed};
use super::kv::{KvError, parse_kv};
use super::model::Vars;
use super::yaml;
use super::yaml_map::Duplicate;
use crate::messages::inventory as say;

/// A document's value (none for an empty one) and the keys it wrote twice.
pub fn document(text: &str) -> Parsed<(Option<Value>, Vec<Duplicate>)> {
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        return Ok((Some(value), Vec::new()));
    }
    let read = yaml::read(text)?;
    Ok((read.root.map(|root| root.to_json()), read.duplicates))
}

/// A variables file's variables. One that holds nothing Python counts as
/// true (empty, `[]`, `false`, `0`) adds nothing, as in Ansible; any other
/// value that is not a mapping is refused.
pub fn vars_file(text: &str) -> Parsed<(Vars, Vec<Duplicate>)> {
    let (value, duplicates) = document(text)?;
    match value {
        Some(Value::Object(vars)) => Ok((vars, duplicates)),
        Some(value) if !falsy(&value) => Err(ParseError::new(say::not_a_mapping(what(&value)))
            .at(1, None)
            .fix(say::VARS_FILE_FIX)),
        _ => Ok((Map::new(), duplicates)),
    }
}

fn falsy(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
    }
}

fn what(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// One `-e`, as Ansible's `load_extra_vars` takes it.
#[derive(Debug, Clone, PartialEq)]
pub enum Extra {
    /// Empty: nothing.
    Nothing,
    /// `@FILE`: the file's variables.
    File(String),
    /// `KEY=VALUE …`, or a YAML or JSON mapping.
    Vars(Vars, Vec<Duplicate>),
}

/// A refusal of an `-e`: (message, fix).
pub type Refused = (String, &'static str);

/// Reads `-e` number `number`; `origin` names it in errors.
pub fn extra(number: usize, text: &str) -> Result<Extra, Refused> {
    let origin = say::extra_vars(number);
    if text.is_empty() {
        return Ok(Extra::Nothing);
    }
    if let Some(file) = text.strip_prefix('@') {
        return Ok(Extra::File(file.to_owned()));
    }
    if text.starts_with(['/', '.']) {
        return Err((say::extra_vars_path(number), say::EXTRA_VARS_PATH_FIX));
    }
    if text.starts_with(['[', '{']) {
        return extra_document(&origin, text);
    }
    match parse_kv(text) {
        Ok(vars) => Ok(Extra::Vars(vars, Vec::new())),
        Err(KvError::Unbalanced) => Err((say::extra_vars_unbalanced(&origin), say::EXTRA_VARS_FIX)),
        Err(KvError::Escape(escape)) => Err((
            say::extra_vars_escape(&origin, &escape),
            say::EXTRA_VARS_FIX,
        )),
    }
}

/// An `-e` document, or a file's text: it must be a mapping.
pub fn extra_document(origin: &str, text: &str) -> Result<Extra, Refused> {
    let (value, duplicates) =
        document(text).map_err(|err| (err.located(origin), say::EXTRA_VARS_FIX))?;
    match value {
        Some(Value::Object(vars)) => Ok(Extra::Vars(vars, duplicates)),
        value => Err((
            say::extra_vars_not_a_mapping(origin, value.as_ref().map_or("empty", what)),
            say::EXTRA_VARS_FIX,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn vars(extra: Result<Extra, Refused>) -> Value {
        match extra {
            Ok(Extra::Vars(vars, _)) => Value::Object(vars),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_three_forms_and_the_refusals() {
        assert_eq!(vars(extra(1, "a=1 b='x y'")), json!({"a": "1", "b": "x y"}));
        assert_eq!(
            vars(extra(1, "{\"j\": [1], \"n\": null}")),
            json!({"j": [1], "n": null})
        );
        assert_eq!(
            vars(extra(1, "{y: yes, s: !unsafe '{{ x }}'}")),
            json!({"y": true, "s": {"__ansible_unsafe": "{{ x }}"}})
        );
        assert_eq!(extra(1, "@vars.yml"), Ok(Extra::File("vars.yml".into())));
        assert_eq!(extra(1, ""), Ok(Extra::Nothing));
        let (message, fix) = extra(2, "./vars.yml").unwrap_err();
        assert!(message.starts_with("-e #2 looks like a file"), "{message}");
        assert_eq!(fix, say::EXTRA_VARS_PATH_FIX);
        let (message, fix) = extra(3, "[1]").unwrap_err();
        assert_eq!(
            message,
            "-e #3 is a list, and extra variables must be a mapping of names to values"
        );
        assert_eq!(fix, say::EXTRA_VARS_FIX);
        assert!(extra(1, "{a: [").unwrap_err().0.starts_with("-e #1:"));
        assert!(extra(1, "k=\"open").unwrap_err().0.contains("not closed"));
        assert!(
            extra(1, "k=\\N{BULLET}")
                .unwrap_err()
                .0
                .contains("\\N{BULLET}")
        );
    }

    #[test]
    fn variables_files_are_mappings_or_nothing() {
        assert_eq!(vars_file("a: 1\na: 2\n").unwrap().0["a"], 2);
        assert_eq!(vars_file("a: 1\na: 2\n").unwrap().1.len(), 1);
        assert_eq!(vars_file("{\"a\": 1}").unwrap().0["a"], 1);
        for nothing in ["", "# only\n", "[]", "false", "0", "''"] {
            assert!(vars_file(nothing).unwrap().0.is_empty(), "{nothing}");
        }
        let err = vars_file("- a\n").unwrap_err();
        assert!(err.message.contains("not a list"), "{err:?}");
        assert_eq!(err.fix.as_deref(), Some(say::VARS_FILE_FIX));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

        #[test]
        fn any_extra_vars_are_read_or_refused_without_a_panic(text in "[@./\\[{ a-z=:\\\\'\"}\\],\n\\PC]{0,40}") {
            let _ = extra(1, &text);
            let _ = vars_file(&text);
        }
    }
}

//! Reading a host's variables: text, Ansible's booleans, and the usage
//! error that names the host and the variable.

use anyhow::Result;
use serde_json::{Map, Value};

use crate::exit::Problem;

/// The words Ansible's `boolean` filter accepts, case-insensitively.
pub fn ansible_boolean(word: &str) -> Option<bool> {
    match word.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" | "on" | "1" | "true" | "t" | "1.0" => Some(true),
        "n" | "no" | "off" | "0" | "false" | "f" | "0.0" | "" => Some(false),
        _ => None,
    }
}

/// A variable as text: strings as they are, numbers (INI and YAML ports) printed.
pub(super) fn text(name: &str, vars: &Map<String, Value>, var: &str) -> Result<Option<String>> {
    match vars.get(var) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(Value::Number(number)) => Ok(Some(number.to_string())),
        Some(other) => Err(bad_var(name, var, format!("`{other}` is not a text value")).into()),
    }
}

pub(super) fn bad_var(name: &str, var: &str, what: String) -> Problem {
    Problem::usage(format!("host {name}: {var}: {what}"))
}

//! The filters inventories use that minijinja lacks or reads differently:
//! Ansible's `bool` (`"no"` is false), `regex_replace`, and `d` for
//! `default`. The rest (`default`, `lower`, `upper`, `int`, `string`,
//! `join`, `replace`, `trim`, `first`, `last`) are minijinja's own, with
//! Jinja2's meaning.

use minijinja::value::Kwargs;
use minijinja::{Environment, Error, ErrorKind, Value};

pub fn register(env: &mut Environment<'static>) {
    env.add_filter("d", minijinja::filters::default);
    env.add_filter("bool", ansible_bool);
    env.add_filter("regex_replace", regex_replace);
}

/// Ansible's `bool`: `yes`, `on`, `true`, `1` (any case) and true numbers
/// are true; everything else false.
fn ansible_bool(value: &Value) -> bool {
    if let Some(text) = value.as_str() {
        return matches!(
            text.trim().to_ascii_lowercase().as_str(),
            "yes" | "on" | "true" | "1" | "y" | "t"
        );
    }
    if let Ok(number) = f64::try_from(value.clone()) {
        return number == 1.0;
    }
    value.is_true() && value.kind() == minijinja::value::ValueKind::Bool
}

/// `regex_replace(pattern, replacement, ignorecase=False, multiline=False)`
/// with Python's `\1` back-references. Patterns are Rust's `regex` syntax,
/// which is Python's without look-around and back-references in patterns.
fn regex_replace(
    value: String,
    pattern: String,
    replacement: Option<String>,
    kwargs: Kwargs,
) -> Result<String, Error> {
    let ignorecase: Option<bool> = kwargs.get("ignorecase")?;
    let multiline: Option<bool> = kwargs.get("multiline")?;
    kwargs.assert_all_used()?;
    let regex = regex::RegexBuilder::new(&pattern)
        .case_insensitive(ignorecase.unwrap_or(false))
        .multi_line(multiline.unwrap_or(false))
        .build()
        .map_err(|err| Error::new(ErrorKind::InvalidOperation, format!("regex_replace: {err}")))?;
    let replacement = python_backrefs(&replacement.unwrap_or_default());
    Ok(regex.replace_all(&value, replacement.as_str()).into_owned())
}

/// `\1` and `\g<name>` as the regex crate writes them (`${1}`, `${name}`);
/// a literal `$` escaped.
fn python_backrefs(replacement: &str) -> String {
    let mut out = String::with_capacity(replacement.len());
    let mut chars = replacement.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '$' => out.push_str("$$"),
            '\\' => match chars.peek().copied() {
                Some(d) if d.is_ascii_digit() => {
                    let mut group = String::new();
                    while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
                        group.push(d);
                        chars.next();
                    }
                    out.push_str(&format!("${{{group}}}"));
                }
                Some('g') => {
                    chars.next();
                    let rest: String = chars.clone().collect();
                    match rest.strip_prefix('<').and_then(|r| r.split_once('>')) {
                        Some((name, _)) => {
                            out.push_str(&format!("${{{name}}}"));
                            for _ in 0..name.len() + 2 {
                                chars.next();
                            }
                        }
                        None => out.push_str("\\g"),
                    }
                }
                Some('\\') => {
                    chars.next();
                    out.push('\\');
                }
                _ => out.push('\\'),
            },
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_back_references_become_the_regex_crates() {
        assert_eq!(python_backrefs(r"\1-\2"), "${1}-${2}");
        assert_eq!(python_backrefs(r"\g<host>.lan"), "${host}.lan");
        assert_eq!(python_backrefs("cost $5"), "cost $$5");
        assert_eq!(python_backrefs(r"a\\b"), r"a\b");
    }

    #[test]
    fn ansibles_bool_reads_yes_and_no() {
        for truthy in ["yes", "On", "TRUE", "1", "y"] {
            assert!(ansible_bool(&Value::from(truthy)), "{truthy}");
        }
        for falsy in ["no", "off", "false", "0", "", "maybe"] {
            assert!(!ansible_bool(&Value::from(falsy)), "{falsy}");
        }
        assert!(ansible_bool(&Value::from(true)));
        assert!(ansible_bool(&Value::from(1)));
        assert!(!ansible_bool(&Value::from(2)));
    }
}

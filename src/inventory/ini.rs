//! INI inventories, line by line as Ansible's `ini` plugin reads them:
//! `[group]`, `[group:vars]`, `[group:children]`, host lines split like a
//! POSIX shell, every value through Python's `literal_eval`.

use std::collections::HashMap;

use serde_json::Value;

use super::error::{ParseError, Parsed};
use super::hostname;
use super::model::{Model, Place, UNGROUPED};
use super::pyliteral;

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Hosts,
    Vars,
    Children,
}

/// A group named before it was declared: `[g:vars]`, or a child in
/// `[p:children]`; by name.
type Waiting = HashMap<String, Pending>;

struct Pending {
    /// The order it was first named in: the first still waiting is reported.
    order: usize,
    line: usize,
    column: usize,
    state: State,
    parents: Vec<usize>,
}

/// `name`, not declared yet, waits to be: from where it was first named,
/// and in that order.
fn waiting<'p>(
    pending: &'p mut Waiting,
    named: &mut usize,
    name: &str,
    (line, column): (usize, usize),
    state: State,
) -> &'p mut Pending {
    pending.entry(name.to_owned()).or_insert_with(|| {
        *named += 1;
        Pending {
            order: *named,
            line,
            column,
            state,
            parents: Vec::new(),
        }
    })
}

pub fn populate(text: &str, model: &mut Model) -> Parsed<()> {
    let mut pending = Waiting::new();
    let mut named = 0;
    let mut group = UNGROUPED;
    let mut state = State::Hosts;
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with(['#', ';']) {
            continue;
        }
        let indent = raw.chars().take_while(|c| c.is_whitespace()).count();
        let at = |e: ParseError| e.or_at(number, Some(indent + 1));
        if let Some((name, tag)) = section(line) {
            state = match tag {
                None | Some("hosts") => State::Hosts,
                Some("vars") => State::Vars,
                Some("children") => State::Children,
                Some(other) => {
                    return Err(ParseError::new(format!(
                        "section [{name}:{other}] has unknown type {other}"
                    ))
                    .at(number, Some(indent + 1))
                    .fix("sections are [group], [group:vars] or [group:children]"));
                }
            };
            if model.group(name).is_none() && state == State::Vars {
                waiting(&mut pending, &mut named, name, (number, indent + 1), state);
            }
            group = model.add_group(name);
            if state != State::Vars {
                declare(model, &mut pending, name, (number, Some(indent + 1)))?;
            }
            continue;
        }
        if line.starts_with('[') && line.ends_with(']') {
            return Err(ParseError::new(format!("invalid section {line}"))
                .at(number, Some(indent + 1))
                .fix("a section is [group], [group:vars] or [group:children], without spaces"));
        }
        match state {
            State::Hosts => host_line(model, group, line).map_err(at)?,
            State::Vars => {
                let Some((key, value)) = line.split_once('=') else {
                    return Err(ParseError::new(format!("expected key=value, got: {line}"))
                        .at(number, Some(indent + 1)));
                };
                model
                    .set_group_var(group, key.trim().to_owned(), value_of(value.trim()))
                    .map_err(|m| ParseError::new(m).at(number, Some(indent + 1)))?;
            }
            State::Children => {
                let child = group_name(line).ok_or_else(|| {
                    ParseError::new(format!("expected a group name, got: {line}"))
                        .at(number, Some(indent + 1))
                })?;
                match model.group(child) {
                    Some(ix) => model.add_child_group(group, ix, (number, Some(indent + 1)))?,
                    None => {
                        waiting(&mut pending, &mut named, child, (number, indent + 1), state)
                            .parents
                            .push(group);
                    }
                }
            }
        }
    }
    if let Some((name, p)) = pending.iter().min_by_key(|(_, p)| p.order) {
        let message = match p.state {
            State::Vars => format!("section [{name}:vars] is for a group that is never declared"),
            _ => format!(
                "section [{}:children] names group {name}, which is never declared",
                p.parents
                    .last()
                    .map_or("?", |g| model.groups[*g].name.as_str()),
            ),
        };
        return Err(ParseError::new(message)
            .at(p.line, Some(p.column))
            .fix(format!("declare it with a [{name}] section")));
    }
    Ok(())
}

/// A declaration, at `at`, settles what was waiting for it. Its parents
/// were declared by their own `[parent:children]` sections, so nothing
/// waits on them.
fn declare(model: &mut Model, pending: &mut Waiting, name: &str, at: Place) -> Parsed<()> {
    let Some(p) = pending.remove(name) else {
        return Ok(());
    };
    if p.state == State::Children {
        let child = model.add_group(name);
        for parent in p.parents {
            model.add_child_group(parent, child, at)?;
        }
    }
    Ok(())
}

/// `[name]` or `[name:tag]`, a comment allowed after it.
fn section(line: &str) -> Option<(&str, Option<&str>)> {
    let inner = line.strip_prefix('[')?;
    let close = inner.find(']')?;
    let rest = inner[close + 1..].trim_start();
    if !(rest.is_empty() || rest.starts_with('#')) {
        return None;
    }
    let head = &inner[..close];
    let (name, tag) = match head.split_once(':') {
        Some((name, tag)) => (name, Some(tag)),
        None => (head, None),
    };
    let name_ok =
        !name.is_empty() && !name.contains(|c: char| c.is_whitespace() || c == ':' || c == ']');
    let tag_ok =
        tag.is_none_or(|t| !t.is_empty() && t.chars().all(|c| c.is_alphanumeric() || c == '_'));
    (name_ok && tag_ok).then_some((name, tag))
}

fn group_name(line: &str) -> Option<&str> {
    let end = line
        .find(|c: char| c.is_whitespace() || c == ':' || c == ']')
        .unwrap_or(line.len());
    let (name, rest) = line.split_at(end);
    let rest = rest.trim_start();
    (!name.is_empty() && (rest.is_empty() || rest.starts_with('#'))).then_some(name)
}

fn host_line(model: &mut Model, group: usize, line: &str) -> Parsed<()> {
    let tokens = shell_words(line).map_err(|(e, column)| {
        ParseError::new(format!("cannot split host line `{line}`: {e}"))
            .column(column)
            .fix("close the quote, or quote the value")
    })?;
    let Some((entry, assignments)) = tokens.split_first() else {
        return Ok(());
    };
    if entry.trim().ends_with(':') {
        return Err(ParseError::new(format!(
            "host `{entry}` ends in `:`, which is kept for a port number"
        )));
    }
    let (names, port) = hostname::expand(entry)?;
    if names.iter().any(|n| n.trim() == "---") {
        return Err(ParseError::new("`---` is not a host: is this a YAML file?")
            .fix("YAML inventories are read when the file name ends in .yml or .yaml"));
    }
    let mut vars = Vec::new();
    for token in assignments {
        let Some((key, value)) = token.split_once('=') else {
            return Err(ParseError::new(format!(
                "expected key=value after the host name, got: {token}"
            ))
            .column(line.find(token.as_str()).unwrap_or(0)));
        };
        vars.push((key.to_owned(), value_of(value)));
    }
    for name in names {
        let host = model.add_host(&name, group, port);
        for (key, value) in &vars {
            model.set_host_var(host, key.clone(), value.clone());
        }
    }
    Ok(())
}

fn value_of(text: &str) -> Value {
    pyliteral::eval(text).unwrap_or_else(|| Value::String(text.to_owned()))
}

/// Python's `shlex.split(line, comments=True)`: POSIX quoting, `#` starts a
/// comment wherever a word could.
/// Errors carry the offset in `line` of what went wrong.
fn shell_words(line: &str) -> Result<Vec<String>, (&'static str, usize)> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        let here = line.len() - chars.as_str().len() - c.len_utf8();
        match c {
            ' ' | '\t' | '\r' | '\n' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '#' => break,
            '\\' => {
                word.push(chars.next().ok_or(("no escaped character", here))?);
                in_word = true;
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next().ok_or(("no closing quotation", here))? {
                        '\'' => break,
                        ch => word.push(ch),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next().ok_or(("no closing quotation", here))? {
                        '"' => break,
                        '\\' => match chars.next().ok_or(("no closing quotation", here))? {
                            ch @ ('"' | '\\') => word.push(ch),
                            ch => {
                                word.push('\\');
                                word.push(ch);
                            }
                        },
                        ch => word.push(ch),
                    }
                }
            }
            ch => {
                word.push(ch);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Parsed<Model> {
        let mut model = Model::default();
        let filled = populate(text, &mut model);
        Ok(model.checked(filled)?.finish())
    }

    #[test]
    fn host_lines_split_like_a_shell_and_values_like_python() {
        let m = load("[web]\nw1:2222 a=1.29 b=true c='x y' d=\"'q'\" e=[1,2] # note\n").unwrap();
        let v = &m.hosts[0].vars;
        assert_eq!(v["ansible_port"], 2222);
        assert_eq!(v["a"], 1.29);
        assert_eq!(v["b"], "true");
        assert_eq!(v["c"], "x y");
        assert_eq!(v["d"], "q");
        assert_eq!(v["e"], serde_json::json!([1, 2]));
    }

    #[test]
    fn children_may_be_declared_later() {
        let m = load("[parent:children]\nkid\n[kid]\nk1\n[parent:vars]\nx=1\n").unwrap();
        let parent = m.group("parent").unwrap();
        assert_eq!(m.groups[parent].children, vec![m.group("kid").unwrap()]);
        assert_eq!(crate::inventory::merge::inventory_only(&m)[0]["x"], 1);
    }

    #[test]
    fn mistakes_name_their_line() {
        let cases = [
            ("[g]\nh a='open\n", (2, 5), "no closing quotation"),
            ("[g:bogus]\n", (1, 1), "unknown type"),
            ("\n[p:children]\n  never\n", (3, 3), "never declared"),
            ("[v:vars]\nx=1\n", (1, 1), "never declared"),
            ("[g]\nh novalue\n", (2, 3), "key=value"),
            ("[a:children]\nb\n[b:children]\na\n", (4, 1), "cycle"),
            ("[g]\nnode[01:03\n", (2, 1), "unterminated"),
            ("[g two]\n", (1, 1), "invalid section"),
        ];
        for (text, (line, column), words) in cases {
            let err = load(text).unwrap_err();
            assert_eq!(
                (err.line, err.column),
                (Some(line), Some(column)),
                "{text}: {err:?}"
            );
            assert!(err.message.contains(words), "{text}: {}", err.message);
        }
    }
}

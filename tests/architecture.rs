//! The rules ARCHITECTURE.md states, checked over the source: modules form
//! layers without cycles, no type name is defined twice, and files stay
//! small enough to read in one sitting.
//!
//! `cargo test --test architecture -- --nocapture` prints the module graph.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module by its path from the crate root (`["remote", "session"]`).
type Module = Vec<String>;

/// Files allowed over the size limit: each one cohesive thing, named in
/// ARCHITECTURE.md.
const LONG_FILES: &[&str] = &[];
const MOST_LINES: usize = 500;

fn sources() -> BTreeMap<Module, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = BTreeMap::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                found.insert(
                    module_of(&root, &path),
                    std::fs::read_to_string(&path).unwrap(),
                );
            }
        }
    }
    let tests = test_only(&found);
    found.retain(|module, _| !tests.contains(module));
    found
}

fn module_of(root: &Path, file: &Path) -> Module {
    let relative: PathBuf = file.strip_prefix(root).unwrap().with_extension("");
    let mut parts: Module = relative
        .components()
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The code a module runs: comments left out, and each `#[cfg(test)]`
/// item (a `mod tests { … }`, a helper function, a `mod fixtures;`).
fn code(text: &str) -> String {
    let text: String = text
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let mut kept = String::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("#[cfg(test)]") {
        kept.push_str(&rest[..at]);
        rest = &rest[at + "#[cfg(test)]".len()..];
        rest = &rest[item_end(rest)..];
    }
    kept.push_str(rest);
    kept
}

/// Where the item at the start of `text` ends: after its `;` or after the
/// `}` closing its first `{`, whichever comes first.
fn item_end(text: &str) -> usize {
    let mut depth = 0usize;
    for (at, c) in text.char_indices() {
        match c {
            ';' if depth == 0 => return at + 1,
            '{' => depth += 1,
            '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return at + 1;
                }
            }
            _ => {}
        }
    }
    text.len()
}

/// Modules declared `#[cfg(test)] mod name;`: test code in files of their own.
fn test_only(sources: &BTreeMap<Module, String>) -> BTreeSet<Module> {
    let mut found = BTreeSet::new();
    for (module, text) in sources {
        for (at, _) in text.match_indices("#[cfg(test)]") {
            let item = &text[at + "#[cfg(test)]".len()..];
            let item = item[..item_end(item)].trim();
            if let Some(name) = item
                .strip_suffix(';')
                .and_then(|item| item.rsplit_once("mod "))
                .map(|(_, name)| name.trim())
            {
                let mut child = module.clone();
                child.push(name.to_owned());
                found.insert(child);
            }
        }
    }
    found
}

/// Every module a module names through `crate::` or `super::` paths,
/// including those in `use` groups (`use super::{a, b}`).
fn edges(sources: &BTreeMap<Module, String>) -> BTreeSet<(Module, Module)> {
    let modules: BTreeSet<&Module> = sources.keys().collect();
    let resolve = |path: &[String]| -> Option<Module> {
        (1..=path.len())
            .rev()
            .map(|len| path[..len].to_vec())
            .find(|prefix| modules.contains(prefix))
    };
    let mut edges = BTreeSet::new();
    for (module, text) in sources {
        let code = code(text);
        for (start, _) in code
            .match_indices("crate::")
            .chain(code.match_indices("super::"))
        {
            let before = code[..start].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let path: String = code[start..]
                .chars()
                .take_while(|c| {
                    c.is_alphanumeric()
                        || *c == '_'
                        || *c == ':'
                        || *c == '{'
                        || *c == ','
                        || *c == ' '
                        || *c == '}'
                })
                .collect();
            for full in expand(&path) {
                let mut segments: Vec<String> = full.split("::").map(str::to_owned).collect();
                let mut base: Module = if segments[0] == "crate" {
                    Vec::new()
                } else {
                    module[..module.len().saturating_sub(1)].to_vec()
                };
                segments.remove(0);
                while segments.first().is_some_and(|segment| segment == "super") {
                    base.pop();
                    segments.remove(0);
                }
                base.extend(segments);
                if let Some(target) = resolve(&base)
                    && &target != module
                {
                    edges.insert((module.clone(), target));
                }
            }
        }
    }
    edges
}

/// `crate::a::{b, c::d}` as `crate::a::b`, `crate::a::c::d`; one level of
/// braces is all this code base uses.
fn expand(path: &str) -> Vec<String> {
    let path = path.trim_end_matches([',', ' ', '}']);
    match path.split_once("::{") {
        Some((head, items)) => items
            .split(',')
            .map(|item| item.trim().trim_end_matches('}'))
            .filter(|item| !item.is_empty() && *item != "self")
            .map(|item| format!("{head}::{item}"))
            .chain(std::iter::once(head.to_owned()))
            .collect(),
        None => vec![
            path.split([' ', ',', '}'])
                .next()
                .unwrap_or_default()
                .to_owned(),
        ],
    }
}

/// For every module, the dependencies among its children: they must form
/// a DAG. A child naming its own parent or descendants is hierarchy, not a
/// layer, and is left out.
fn cycles(edges: &BTreeSet<(Module, Module)>) -> Vec<String> {
    let parents: BTreeSet<Module> = edges
        .iter()
        .flat_map(|(from, to)| [from, to])
        .flat_map(|module| (0..module.len()).map(|len| module[..len].to_vec()))
        .collect();
    let mut found = Vec::new();
    for parent in parents {
        let mut graph: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (from, to) in edges {
            let depth = parent.len();
            if from.len() > depth
                && to.len() > depth
                && from.starts_with(&parent)
                && to.starts_with(&parent)
                && from[depth] != to[depth]
            {
                graph.entry(&from[depth]).or_default().insert(&to[depth]);
            }
        }
        let mut state: BTreeMap<&str, u8> = BTreeMap::new();
        let mut stack = Vec::new();
        for start in graph.keys().copied().collect::<Vec<_>>() {
            visit(start, &graph, &mut state, &mut stack, &parent, &mut found);
        }
    }
    found
}

fn visit<'a>(
    node: &'a str,
    graph: &BTreeMap<&'a str, BTreeSet<&'a str>>,
    state: &mut BTreeMap<&'a str, u8>,
    stack: &mut Vec<&'a str>,
    parent: &Module,
    found: &mut Vec<String>,
) {
    match state.get(node) {
        Some(2) => return,
        Some(1) => {
            let from = stack.iter().position(|seen| *seen == node).unwrap_or(0);
            let mut cycle = stack[from..].to_vec();
            cycle.push(node);
            found.push(format!(
                "in crate::{}: {}",
                parent.join("::"),
                cycle.join(" -> ")
            ));
            return;
        }
        _ => {}
    }
    state.insert(node, 1);
    stack.push(node);
    for next in graph.get(node).into_iter().flatten() {
        visit(next, graph, state, stack, parent, found);
    }
    stack.pop();
    state.insert(node, 2);
}

#[test]
fn modules_form_layers_without_cycles() {
    let edges = edges(&sources());
    for (from, to) in &edges {
        println!("{} -> {}", from.join("::"), to.join("::"));
    }
    let cycles = cycles(&edges);
    assert!(
        cycles.is_empty(),
        "dependency cycles:\n{}",
        cycles.join("\n")
    );
}

/// The top-level modules, top layer first, as ARCHITECTURE.md lists them:
/// a module may name only modules on a lower line.
const LAYERS: &[&[&str]] = &[
    &["commands"],
    &["phases"],
    &["step", "preflight", "config"],
    &["checks", "diagnosis"],
    &["probe"],
    &["cluster"],
    &["template"],
    &["inventory", "passwords", "remote", "ui"],
    &["interrupt", "lock", "artifacts"],
    &["exit", "cli", "events"],
    &["messages"],
    &["kube"],
    &["secret", "vault", "duration", "wol"],
];

#[test]
fn modules_name_only_layers_below_them() {
    let layer = |module: &str| LAYERS.iter().position(|line| line.contains(&module));
    let mut upward = Vec::new();
    for (from, to) in edges(&sources()) {
        let (Some(from), Some(to)) = (from.first(), to.first()) else {
            continue;
        };
        if from == to {
            continue;
        }
        match (layer(from), layer(to)) {
            (Some(a), Some(b)) if a < b => {}
            (Some(_), Some(_)) => upward.push(format!("{from} -> {to}")),
            _ => upward.push(format!("{from} -> {to}: a module missing from LAYERS")),
        }
    }
    upward.sort();
    upward.dedup();
    assert!(
        upward.is_empty(),
        "against the layers:\n{}",
        upward.join("\n")
    );
}

#[test]
fn no_type_name_is_defined_twice() {
    let mut defined: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (module, text) in sources() {
        for line in code(&text).lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            let Some(at) = words
                .iter()
                .position(|word| matches!(*word, "struct" | "enum" | "trait" | "type"))
            else {
                continue;
            };
            if words[..at].iter().any(|word| !word.starts_with("pub")) {
                continue;
            }
            if let Some(name) = words.get(at + 1) {
                let name: String = name
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if name.starts_with(|c: char| c.is_ascii_uppercase()) {
                    defined.entry(name).or_default().push(module.join("::"));
                }
            }
        }
    }
    let twice: Vec<String> = defined
        .into_iter()
        .filter(|(_, places)| places.len() > 1)
        .map(|(name, places)| format!("{name}: {}", places.join(", ")))
        .collect();
    assert!(
        twice.is_empty(),
        "defined more than once:\n{}",
        twice.join("\n")
    );
}

#[test]
fn every_file_is_short_enough_to_read_in_one_sitting() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let long: Vec<String> = sources()
        .into_iter()
        .filter(|(_, text)| text.lines().count() > MOST_LINES)
        .map(|(module, text)| format!("{} ({} lines)", module.join("::"), text.lines().count()))
        .filter(|name| !LONG_FILES.iter().any(|allowed| name.starts_with(allowed)))
        .collect();
    assert!(
        root.join("ARCHITECTURE.md").exists(),
        "ARCHITECTURE.md is the map"
    );
    assert!(
        long.is_empty(),
        "over {MOST_LINES} lines:\n{}",
        long.join("\n")
    );
}

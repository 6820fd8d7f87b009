//! Ansible host patterns, as `--limit` takes them: `a,b`, groups, globs
//! (`web*`), `!exclusion`, `&intersection`.

use std::collections::HashSet;

use super::error::{Refusal, some_names};
use super::model::Model;

pub fn select(model: &Model, order: &[usize], pattern: &str) -> Result<Vec<usize>, Refusal> {
    let parts = split(pattern);
    if parts.is_empty() {
        return Err((
            format!("host pattern `{pattern}` is empty"),
            "give a host, a group or a glob such as web*".into(),
        ));
    }
    // Ansible evaluates plain parts first, then `&`, then `!`.
    let mut ordered: Vec<&str> = parts
        .iter()
        .copied()
        .filter(|p| !p.starts_with(['&', '!']))
        .collect();
    if ordered.is_empty() {
        ordered.push("all");
    }
    ordered.extend(parts.iter().copied().filter(|p| p.starts_with('&')));
    ordered.extend(parts.iter().copied().filter(|p| p.starts_with('!')));

    let mut hosts: Vec<usize> = Vec::new();
    for part in ordered {
        let bare = part.trim_start_matches(['&', '!']);
        if bare.starts_with('~')
            || (bare.ends_with(']')
                && !bare.contains('*')
                && bare.contains('[')
                && model.host(bare).is_none()
                && model.group(bare.split('[').next().unwrap_or("")).is_some())
        {
            return Err((
                format!(
                    "host pattern `{part}`: regular expressions (~) and subscripts (group[0]) are not supported"
                ),
                "list the hosts or groups, or use a glob such as web*".into(),
            ));
        }
        let matched = matches(model, order, bare);
        if matched.is_empty() {
            return Err(no_match(model, part, bare));
        }
        let set: HashSet<usize> = matched.iter().copied().collect();
        match part.as_bytes()[0] {
            b'!' => hosts.retain(|h| !set.contains(h)),
            b'&' => hosts.retain(|h| set.contains(h)),
            _ => {
                let mut have: HashSet<usize> = hosts.iter().copied().collect();
                hosts.extend(matched.into_iter().filter(|h| have.insert(*h)));
            }
        }
    }
    if hosts.is_empty() {
        return Err((
            format!("host pattern `{pattern}` leaves no host selected"),
            "loosen the & and ! parts of --limit".into(),
        ));
    }
    Ok(hosts)
}

/// Commas separate parts; without commas, so do colons outside `[...]`
/// (Ansible's older separator) unless the text is an IPv6 address.
fn split(pattern: &str) -> Vec<&str> {
    let parts: Vec<&str> = if pattern.contains(',') {
        pattern.split(',').collect()
    } else if pattern.matches(':').count() > 1
        && pattern
            .chars()
            .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
    {
        vec![pattern]
    } else {
        let mut out = Vec::new();
        let (mut depth, mut start) = (0usize, 0);
        for (i, c) in pattern.char_indices() {
            match c {
                '[' => depth += 1,
                ']' => depth = depth.saturating_sub(1),
                ':' if depth == 0 => {
                    out.push(&pattern[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        out.push(&pattern[start..]);
        out
    };
    parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// Ansible's `_enumerate_matches`: a host by exact name; groups by glob; and
/// hosts by glob when no group matched or the pattern has glob characters.
fn matches(model: &Model, order: &[usize], pattern: &str) -> Vec<usize> {
    if let Some(h) = model.host(pattern) {
        return vec![h];
    }
    let groups: Vec<usize> = (0..model.groups.len())
        .filter(|g| glob(pattern, &model.groups[*g].name))
        .collect();
    let mut out = model.hosts_of(&groups);
    let mut seen: HashSet<usize> = out.iter().copied().collect();
    if groups.is_empty() || pattern.contains(['.', '?', '*', '[']) {
        for h in order {
            if glob(pattern, &model.hosts[*h].name) && seen.insert(*h) {
                out.push(*h);
            }
        }
    }
    out
}

fn no_match(model: &Model, part: &str, bare: &str) -> Refusal {
    let names = model
        .groups
        .iter()
        .map(|g| g.name.as_str())
        .chain(model.hosts.iter().map(|h| h.name.as_str()));
    let mut close: Vec<(usize, &str)> = names
        .filter_map(|name| {
            let d = distance(&bare.to_lowercase(), &name.to_lowercase());
            let near = d <= (bare.len().max(name.len()) / 3).max(2)
                || name.contains(bare)
                || (bare.len() > 2 && bare.contains(name));
            near.then_some((d, name))
        })
        .collect();
    close.sort();
    close.dedup();
    let fix = if close.is_empty() {
        format!(
            "the groups are: {}",
            some_names(model.groups.iter().map(|g| g.name.as_str()))
        )
    } else {
        let names: Vec<&str> = close.iter().take(4).map(|(_, n)| *n).collect();
        format!("did you mean {}?", names.join(", "))
    };
    (
        format!("host pattern `{part}` matches no host or group in the inventory"),
        fix,
    )
}

/// Python's fnmatch, case-sensitive: `*`, `?`, `[seq]`, `[!seq]`.
pub fn glob(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // Iterative matcher with one backtrack point for the last `*`.
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        let step = match p.get(pi) {
            Some('*') => {
                star = Some((pi, ni));
                pi += 1;
                continue;
            }
            Some('?') => Some(pi + 1),
            Some('[') => class(&p, pi, n[ni]),
            Some(c) if *c == n[ni] => Some(pi + 1),
            _ => None,
        };
        match step {
            Some(next) => {
                pi = next;
                ni += 1;
            }
            None => match star {
                Some((sp, sn)) => {
                    pi = sp + 1;
                    ni = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// `[...]` at `at`: the index after it when `c` matches. An unclosed `[` is literal.
fn class(p: &[char], at: usize, c: char) -> Option<usize> {
    let mut i = at + 1;
    let negate = matches!(p.get(i), Some('!'));
    if negate {
        i += 1;
    }
    let start = i;
    let mut hit = false;
    loop {
        let ch = *p.get(i)?;
        if ch == ']' && i > start {
            break;
        }
        if p.get(i + 1) == Some(&'-') && p.get(i + 2).is_some_and(|e| *e != ']') {
            hit |= (ch..=p[i + 2]).contains(&c);
            i += 3;
        } else {
            hit |= ch == c;
            i += 1;
        }
    }
    (hit != negate).then_some(i + 1)
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> (Model, Vec<usize>) {
        let mut m = Model::default();
        let web = m.add_group("web");
        let db = m.add_group("db");
        let prod = m.add_group("prod");
        m.add_host("web1", web, None);
        m.add_host("web2", web, None);
        m.add_host("db1", db, None);
        m.add_host("web2", prod, None);
        m.add_host("db1", prod, None);
        let m = m.finish();
        let order = m.group_hosts(super::super::model::ALL);
        (m, order)
    }

    fn names(pattern: &str) -> Result<Vec<String>, Refusal> {
        let (m, order) = model();
        select(&m, &order, pattern)
            .map(|hs| hs.into_iter().map(|h| m.hosts[h].name.clone()).collect())
    }

    #[test]
    fn patterns_select_as_ansible_does() {
        assert_eq!(names("web").unwrap(), ["web1", "web2"]);
        assert_eq!(names("db1,web1").unwrap(), ["db1", "web1"]);
        assert_eq!(names("web*").unwrap(), ["web1", "web2"]);
        assert_eq!(names("all:!prod").unwrap(), ["web1"]);
        assert_eq!(names("web:&prod").unwrap(), ["web2"]);
        assert_eq!(names("!web").unwrap(), ["db1"]);
        assert_eq!(names("w?b[12]").unwrap(), ["web1", "web2"]);
    }

    #[test]
    fn matching_nothing_names_close_matches() {
        let (message, fix) = names("wbe1").unwrap_err();
        assert!(message.contains("wbe1"), "{message}");
        assert!(fix.contains("web1"), "{fix}");
        assert!(names("web,!nosuch").is_err());
        assert!(names("web:&db").unwrap_err().0.contains("no host"));
    }

    #[test]
    fn globs_are_fnmatch() {
        assert!(glob("*", ""));
        assert!(glob("a*c", "abbbc"));
        assert!(!glob("a*c", "abbb"));
        assert!(glob("[!x]1", "y1"));
        assert!(glob("a[0-9]", "a7"));
        assert!(!glob("A", "a"));
    }
}

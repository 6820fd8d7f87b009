//! Host entries as Ansible reads them: an optional `:port`, then ranges
//! such as `node[01:03]`, `db-[a:c]` or `[1:10:2]`.

use super::error::{ParseError, Parsed};

/// Ranges can multiply one line into very many hosts; no real inventory
/// comes close to this.
const MAX_HOSTS: usize = 100_000;

/// One host entry: the names it stands for and the port given with it.
pub fn expand(entry: &str) -> Parsed<(Vec<String>, Option<u16>)> {
    let (pattern, port) = split_port(entry);
    let names = if pattern.contains('[') {
        expand_ranges(pattern)?
    } else {
        vec![pattern.to_owned()]
    };
    Ok((names, port))
}

/// Ansible's `parse_address`: a port counts only when what is before it is a
/// host name or address (ranges allowed); otherwise the whole entry is the name.
fn split_port(entry: &str) -> (&str, Option<u16>) {
    let candidate = if let Some(rest) = entry.strip_prefix('[') {
        rest.rsplit_once("]:").filter(|(_, port)| is_digits(port))
    } else {
        entry
            .rsplit_once(':')
            .filter(|(host, port)| is_digits(port) && !has_bare_colon(host))
    };
    match candidate {
        Some((host, port)) if is_address(host) => (host, port.parse().ok()),
        _ => (entry, None),
    }
}

fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// A colon outside `[...]`: the text is not `host:port`.
fn has_bare_colon(text: &str) -> bool {
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            ':' if depth == 0 => return true,
            _ => {}
        }
    }
    false
}

/// A host name of word labels (dots between, `-`/`_` inside), an IPv4 or an
/// IPv6 address; ranges in `[...]` count as characters.
fn is_address(host: &str) -> bool {
    let flat = strip_ranges(host);
    let ipv6 = flat.contains(':')
        && flat
            .chars()
            .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
    let hostname = !flat.is_empty()
        && flat.split('.').all(|label| {
            label.starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '0')
                && label
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
                && !label.ends_with(['-', '_'])
        });
    ipv6 || hostname
}

fn strip_ranges(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        match rest[open..].find(']') {
            Some(close) => {
                out.push('0');
                rest = &rest[open + close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Ansible's `expand_hostname_range`, first range first.
pub fn expand_ranges(pattern: &str) -> Parsed<Vec<String>> {
    let mut out = Vec::new();
    expand_into(pattern, &mut out)?;
    Ok(out)
}

fn expand_into(pattern: &str, out: &mut Vec<String>) -> Parsed<()> {
    let Some(open) = pattern.find('[') else {
        out.push(pattern.to_owned());
        return Ok(());
    };
    let range_fix = "write ranges as [01:10], [a:f] or [1:10:2]";
    let Some(close) = pattern[open..].find(']').map(|c| open + c) else {
        return Err(ParseError::new(format!(
            "unterminated range in host {pattern}: `[` without `]`"
        ))
        .fix(range_fix));
    };
    let (head, range, tail) = (
        &pattern[..open],
        &pattern[open + 1..close],
        &pattern[close + 1..],
    );
    let bounds: Vec<&str> = range.split(':').collect();
    let (begin, end, step) = match bounds.as_slice() {
        [b, e] => (*b, *e, "1"),
        [b, e, s] => (*b, *e, *s),
        _ => {
            return Err(ParseError::new(format!(
                "host range [{range}] in {pattern} must be begin:end or begin:end:step"
            ))
            .fix(range_fix));
        }
    };
    let begin = if begin.is_empty() { "0" } else { begin };
    if end.is_empty() {
        return Err(
            ParseError::new(format!("host range [{range}] in {pattern} has no end")).fix(range_fix),
        );
    }
    let step: usize = step.parse().ok().filter(|s| *s > 0).ok_or_else(|| {
        ParseError::new(format!(
            "host range step `{step}` in {pattern} must be a positive number"
        ))
        .fix(range_fix)
    })?;
    let width = if begin.len() > 1 && begin.starts_with('0') {
        if begin.len() != end.len() {
            return Err(ParseError::new(format!(
                "host range [{range}] in {pattern}: begin and end must have the same width"
            ))
            .fix(range_fix));
        }
        begin.len()
    } else {
        0
    };
    let letters = |s: &str| s.len() == 1 && s.as_bytes()[0].is_ascii_alphabetic();
    let items: Vec<String> = if letters(begin) && letters(end) {
        // Ansible's order is a..z then A..Z.
        let alphabet: Vec<char> = ('a'..='z').chain('A'..='Z').collect();
        let at = |s: &str| alphabet.iter().position(|c| s.starts_with(*c)).unwrap_or(0);
        let (b, e) = (at(begin), at(end));
        if b > e {
            return Err(ParseError::new(format!(
                "host range [{range}] in {pattern} must have begin <= end"
            ))
            .fix(range_fix));
        }
        alphabet[b..=e]
            .iter()
            .step_by(step)
            .map(char::to_string)
            .collect()
    } else {
        let number = |s: &str| {
            s.parse::<u64>().map_err(|_| {
                ParseError::new(format!(
                    "host range [{range}] in {pattern} mixes numbers and letters"
                ))
                .fix(range_fix)
            })
        };
        let (b, e) = (number(begin)?, number(end)?);
        let count = if e >= b {
            (e - b) as usize / step + 1
        } else {
            0
        };
        if count + out.len() > MAX_HOSTS {
            return Err(ParseError::new(format!(
                "host range in {pattern} makes more than {MAX_HOSTS} hosts"
            )));
        }
        (b..=e)
            .step_by(step)
            .map(|n| format!("{n:0width$}"))
            .collect()
    };
    for item in items {
        expand_into(&format!("{head}{item}{tail}"), out)?;
        if out.len() > MAX_HOSTS {
            return Err(ParseError::new(format!(
                "host ranges in {pattern} make more than {MAX_HOSTS} hosts"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(entry: &str) -> Vec<String> {
        expand(entry).unwrap().0
    }

    #[test]
    fn ranges_expand_as_ansible_expands_them() {
        assert_eq!(names("node[01:03]"), ["node01", "node02", "node03"]);
        assert_eq!(names("db-[a:c]"), ["db-a", "db-b", "db-c"]);
        assert_eq!(names("h[1:10:4]"), ["h1", "h5", "h9"]);
        assert_eq!(names("r[1:2]c[a:b]"), ["r1ca", "r1cb", "r2ca", "r2cb"]);
        assert_eq!(names("x[:2]"), ["x0", "x1", "x2"]);
    }

    #[test]
    fn ports_split_off_only_real_host_names() {
        assert_eq!(
            expand("web1:2222").unwrap(),
            (vec!["web1".to_owned()], Some(2222))
        );
        assert_eq!(expand("node[1:2]:22").unwrap().1, Some(22));
        assert_eq!(
            expand("[::1]:22").unwrap(),
            (vec!["::1".to_owned()], Some(22))
        );
        assert_eq!(expand("127.0.0.1:2201").unwrap().1, Some(2201));
        assert_eq!(
            expand("we$ird:22").unwrap(),
            (vec!["we$ird:22".to_owned()], None)
        );
    }

    #[test]
    fn bad_ranges_are_errors() {
        assert!(
            expand("node[01:03")
                .unwrap_err()
                .message
                .contains("unterminated")
        );
        assert!(expand("node[1]").unwrap_err().message.contains("begin:end"));
        assert!(expand("node[01:3]").unwrap_err().message.contains("width"));
        assert!(
            expand("node[0:99999999]")
                .unwrap_err()
                .message
                .contains("more than")
        );
    }
}

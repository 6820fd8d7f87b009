//! `-e KEY=VALUE …` as Ansible's `parse_kv` reads it: words split as its
//! `split_args` splits them (on spaces, but not inside quotes or Jinja
//! blocks), escapes decoded, each value stripped and unquoted, every value
//! a string. Words without `=` are gathered under `_raw_params`.

use serde_json::Value;

use super::model::Vars;

/// Why a `KEY=VALUE` text cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KvError {
    /// A quote or a Jinja block is not closed.
    Unbalanced,
    /// An escape Python decodes that deploy cannot (`\N{…}`, or beyond
    /// Unicode).
    Escape(String),
}

/// The variables `text` sets.
pub fn parse_kv(text: &str) -> Result<Vars, KvError> {
    let mut options = Vars::new();
    let mut raw = Vec::new();
    for word in split_args(text)? {
        let x: Vec<char> = decode_escapes(&word)?.chars().collect();
        if !x.contains(&'=') {
            raw.push(word);
            continue;
        }
        // The first `=` after the first character that is not escaped.
        let split = (1..x.len()).find(|pos| x[*pos] == '=' && x[pos - 1] != '\\');
        let Some(pos) = split else {
            raw.push(x.iter().collect::<String>().replace("\\=", "="));
            continue;
        };
        let key: String = x[..pos].iter().collect();
        let value: String = x[pos + 1..].iter().collect();
        options.insert(
            py_strip(&key).to_owned(),
            Value::String(unquote(py_strip(&value)).to_owned()),
        );
    }
    if !raw.is_empty() {
        options.insert("_raw_params".into(), Value::String(join_args(&raw)));
    }
    Ok(options)
}

/// Python's `str.strip()`: Unicode whitespace and the separators \x1c-\x1f.
fn py_strip(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || ('\x1c'..='\x1f').contains(&c))
}

/// Ansible's `unquote`: one pair of matching quotes around the text goes,
/// unless the closing one is escaped.
fn unquote(text: &str) -> &str {
    let chars: Vec<char> = text.chars().collect();
    let quoted = chars.len() > 1
        && chars[0] == chars[chars.len() - 1]
        && matches!(chars[0], '"' | '\'')
        && chars[chars.len() - 2] != '\\';
    match quoted {
        true => &text[1..text.len() - 1],
        false => text,
    }
}

fn join_args(words: &[String]) -> String {
    let mut out = String::new();
    for word in words {
        if !(out.is_empty() || out.ends_with('\n')) {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The quote `token` leaves open, given the one open before it.
fn quote_state(token: &str, mut open: Option<char>) -> Option<char> {
    let mut prev = None;
    for c in token.chars() {
        if matches!(c, '"' | '\'') && prev != Some('\\') {
            open = match open {
                Some(q) if q == c => None,
                Some(q) => Some(q),
                None => Some(c),
            };
        }
        prev = Some(c);
    }
    open
}

fn block_depth(token: &str, depth: usize, open: &str, close: &str) -> usize {
    let (opened, closed) = (token.matches(open).count(), token.matches(close).count());
    (depth + opened).saturating_sub(closed)
}

/// Ansible's `split_args`, step for step: split on newlines, then on
/// single spaces, and glue back what a quote or a `{{ }}`, `{% %}` or
/// `{# #}` block spans.
fn split_args(args: &str) -> Result<Vec<String>, KvError> {
    let mut params: Vec<String> = Vec::new();
    let mut quote: Option<char> = None;
    let mut inside_quotes = false;
    let (mut print, mut block, mut comment) = (0usize, 0usize, 0usize);
    let items: Vec<&str> = args.split('\n').collect();
    for (item_ix, item) in items.iter().enumerate() {
        let mut continued = false;
        for (ix, token) in item.split(' ').enumerate() {
            if token.is_empty() && ix != 0 {
                match params.last_mut() {
                    Some(last) => last.push(' '),
                    None => params.push(" ".into()),
                }
                continue;
            }
            if token == "\\" && !inside_quotes {
                continued = true;
                continue;
            }
            let was_inside = inside_quotes;
            quote = quote_state(token, quote);
            inside_quotes = quote.is_some();
            let in_block = print > 0 || block > 0 || comment > 0;
            let mut appended = false;
            if inside_quotes && !was_inside && !in_block {
                params.push(token.to_owned());
                appended = true;
            } else if in_block || inside_quotes || was_inside {
                // Python's params[-1] on an empty list raises; this
                // cannot be reached with an empty list.
                if let Some(last) = params.last_mut() {
                    if ix > 0 {
                        last.push(' ');
                    }
                    last.push_str(token);
                }
                appended = true;
            }
            for (depth, open, close) in [
                (&mut print, "{{", "}}"),
                (&mut block, "{%", "%}"),
                (&mut comment, "{#", "#}"),
            ] {
                let before = *depth;
                *depth = block_depth(token, *depth, open, close);
                if *depth != before && !appended {
                    params.push(token.to_owned());
                    appended = true;
                }
            }
            let in_block = print > 0 || block > 0 || comment > 0;
            if !in_block && !inside_quotes && !appended && !token.is_empty() {
                params.push(token.to_owned());
            }
        }
        if items.len() > 1 && item_ix != items.len() - 1 && !continued {
            match params.last_mut() {
                Some(last) => last.push('\n'),
                None => params.push("\n".into()),
            }
        }
    }
    if print > 0 || block > 0 || comment > 0 || inside_quotes {
        return Err(KvError::Unbalanced);
    }
    Ok(params)
}

/// Python's `codecs.decode(…, 'unicode-escape')` on the escapes Ansible's
/// `_decode_escapes` picks out: \UXXXXXXXX, \uXXXX, \xXX, \N{name} and
/// the one-letter ones. A lone surrogate comes out as `?`, as
/// ansible-inventory prints it.
fn decode_escapes(text: &str) -> Result<String, KvError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '\\' || i + 1 == chars.len() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let hex = |len: usize| -> Option<u32> {
            let digits: String = chars.get(i + 2..i + 2 + len)?.iter().collect();
            (digits.len() == len && digits.chars().all(|c| c.is_ascii_hexdigit()))
                .then(|| u32::from_str_radix(&digits, 16).ok())
                .flatten()
        };
        let width = match chars[i + 1] {
            'U' => Some(8),
            'u' => Some(4),
            'x' => Some(2),
            _ => None,
        };
        if let Some(code) = width.and_then(|len| hex(len).map(|code| (len, code))) {
            let (len, code) = code;
            let escape: String = chars[i..i + 2 + len].iter().collect();
            match char::from_u32(code) {
                Some(c) => out.push(c),
                None if (0xD800..0xE000).contains(&code) => out.push('?'),
                None => return Err(KvError::Escape(escape)),
            }
            i += 2 + len;
            continue;
        }
        // \N{NAME}: a name needs Python's table of Unicode names.
        let named = chars[i + 1] == 'N' && chars.get(i + 2) == Some(&'{');
        if named
            && let Some(close) = chars[i + 3..].iter().position(|c| *c == '}')
            && close > 0
        {
            let escape: String = chars[i..i + 4 + close].iter().collect();
            return Err(KvError::Escape(escape));
        }
        let single = match chars[i + 1] {
            '\\' => Some('\\'),
            '\'' => Some('\''),
            '"' => Some('"'),
            'a' => Some('\x07'),
            'b' => Some('\x08'),
            'f' => Some('\x0c'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            'v' => Some('\x0b'),
            _ => None,
        };
        match single {
            Some(c) => {
                out.push(c);
                i += 2;
            }
            None => {
                out.push('\\');
                i += 1;
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn kv(text: &str) -> Value {
        Value::Object(parse_kv(text).unwrap())
    }

    /// Each case checked against ansible-core 2.19's parse_kv.
    #[test]
    fn words_split_and_decode_as_ansible_does() {
        assert_eq!(
            kv(r#"a=1 b="x y" c=\x41\n d='q'"#),
            json!({"a": "1", "b": "x y", "c": "A", "d": "q"})
        );
        assert_eq!(kv("foo"), json!({"_raw_params": "foo"}));
        assert_eq!(kv(r"a\=b=c =x"), json!({"a\\=b": "c", "_raw_params": "=x"}));
        assert_eq!(kv("  a = 1  "), json!({"_raw_params": "  a = 1  "}));
        assert_eq!(kv(r"a=\ud800"), json!({"a": "?"}));
        assert_eq!(
            kv("t={{ x | default('a b') }} u=1"),
            json!({"t": "{{ x | default('a b') }}", "u": "1"})
        );
        assert_eq!(kv("a=1 a=2"), json!({"a": "2"}));
        assert_eq!(parse_kv("k=\"a b"), Err(KvError::Unbalanced));
        assert_eq!(parse_kv("k={{ a"), Err(KvError::Unbalanced));
        assert!(matches!(parse_kv(r"k=\N{BULLET}"), Err(KvError::Escape(_))));
        assert!(matches!(parse_kv(r"k=\UFFFFFFFF"), Err(KvError::Escape(_))));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        #[test]
        fn any_text_is_read_or_refused_without_a_panic(text in "[ a-z=\\\\'\"{}%#\n\\PC]{0,40}") {
            let _ = parse_kv(&text);
        }
    }
}

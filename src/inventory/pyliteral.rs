//! Python's `ast.literal_eval`, which Ansible's INI plugin applies to every
//! value: `1.29` is a float, `True` a boolean, `'a b'` a string, `[1, 2]` a
//! list, while `true` or `10.0.0.1` stay text. Tuples and sets become lists,
//! as Ansible turns them.

use serde_json::{Map, Number, Value};

/// Python's parser gives up at this nesting ("too many nested parentheses").
const MAX_DEPTH: usize = 200;

/// The literal's value, or `None` where Python would raise (the text then
/// stays a string).
pub fn eval(text: &str) -> Option<Value> {
    let mut p = Parser {
        s: text.trim_start_matches([' ', '\t']).as_bytes(),
        at: 0,
        depth: 0,
    };
    let value = p.expression()?;
    p.space();
    (p.at == p.s.len()).then_some(value)
}

struct Parser<'a> {
    s: &'a [u8],
    at: usize,
    depth: usize,
}

enum Lit {
    Value(Value),
    Bytes(String),
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    /// Skips blanks and a trailing comment.
    fn space(&mut self) {
        while let Some(c) = self.peek() {
            match c {
                b' ' | b'\t' | b'\x0c' => self.at += 1,
                b'#' => self.at = self.s.len(),
                _ => break,
            }
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.space();
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    /// A top-level expression: a bare `1, 2` is a tuple.
    fn expression(&mut self) -> Option<Value> {
        let first = self.atom()?;
        if !self.eat(b',') {
            return Some(first);
        }
        let mut items = vec![first];
        self.space();
        while self.at < self.s.len() {
            items.push(self.atom()?);
            if !self.eat(b',') {
                break;
            }
            self.space();
        }
        Some(Value::Array(items))
    }

    fn atom(&mut self) -> Option<Value> {
        self.space();
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let value = match self.peek()? {
            b'[' => {
                self.at += 1;
                Value::Array(self.items(b']')?)
            }
            b'(' => {
                self.at += 1;
                if self.eat(b')') {
                    Value::Array(Vec::new())
                } else {
                    let first = self.atom()?;
                    if self.eat(b')') {
                        first
                    } else if self.eat(b',') {
                        let mut rest = self.items(b')')?;
                        rest.insert(0, first);
                        Value::Array(rest)
                    } else {
                        return None;
                    }
                }
            }
            b'{' => {
                self.at += 1;
                self.braces()?
            }
            b'-' | b'+' => {
                let negative = self.peek() == Some(b'-');
                self.at += 1;
                self.space();
                match self.number()? {
                    Value::Number(n) if negative => negate(&n)?,
                    number => number,
                }
            }
            b'.' if self.s[self.at..].starts_with(b"...") => {
                self.at += 3;
                Value::String("...".into())
            }
            c if c.is_ascii_digit() || c == b'.' => self.number()?,
            _ => self.word_or_string()?,
        };
        self.depth -= 1;
        Some(value)
    }

    /// Comma-separated atoms up to `close`, a trailing comma allowed.
    fn items(&mut self, close: u8) -> Option<Vec<Value>> {
        let mut items = Vec::new();
        loop {
            if self.eat(close) {
                return Some(items);
            }
            items.push(self.atom()?);
            if !self.eat(b',') {
                return self.eat(close).then_some(items);
            }
        }
    }

    /// `{}` a dict, `{1, 2}` a set (a list for Ansible), `{k: v}` a dict.
    fn braces(&mut self) -> Option<Value> {
        if self.eat(b'}') {
            return Some(Value::Object(Map::new()));
        }
        let first = self.atom()?;
        if !self.eat(b':') {
            let mut items = vec![first];
            while self.eat(b',') {
                if self.eat(b'}') {
                    return Some(Value::Array(items));
                }
                items.push(self.atom()?);
            }
            return self.eat(b'}').then_some(Value::Array(items));
        }
        let mut map = Map::new();
        let mut key = first;
        loop {
            let value = self.atom()?;
            map.insert(key_text(&key)?, value);
            if !self.eat(b',') {
                return self.eat(b'}').then_some(Value::Object(map));
            }
            if self.eat(b'}') {
                return Some(Value::Object(map));
            }
            key = self.atom()?;
            if !self.eat(b':') {
                return None;
            }
        }
    }

    fn word_or_string(&mut self) -> Option<Value> {
        let start = self.at;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
        {
            self.at += 1;
        }
        let word = std::str::from_utf8(&self.s[start..self.at]).ok()?;
        if matches!(self.peek(), Some(b'\'' | b'"')) && word.len() <= 2 {
            self.at = start;
            return self.strings();
        }
        match word {
            "True" => Some(Value::Bool(true)),
            "False" => Some(Value::Bool(false)),
            "None" => Some(Value::Null),
            _ => None,
        }
    }

    /// One or more adjacent string literals, concatenated as Python does.
    fn strings(&mut self) -> Option<Value> {
        let mut text = String::new();
        let mut bytes: Option<bool> = None;
        loop {
            self.space();
            let start = self.at;
            while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
                self.at += 1;
            }
            let prefix = std::str::from_utf8(&self.s[start..self.at])
                .ok()?
                .to_ascii_lowercase();
            if !matches!(self.peek(), Some(b'\'' | b'"')) {
                self.at = start;
                break;
            }
            let (raw, is_bytes) = match prefix.as_str() {
                "" | "u" => (false, false),
                "r" => (true, false),
                "b" => (false, true),
                "rb" | "br" => (true, true),
                _ => return None,
            };
            if bytes.is_some_and(|b| b != is_bytes) {
                return None;
            }
            bytes = Some(is_bytes);
            match self.string(raw, is_bytes)? {
                Lit::Value(Value::String(s)) | Lit::Bytes(s) => text.push_str(&s),
                Lit::Value(_) => return None,
            }
        }
        bytes.map(|_| Value::String(text))
    }

    fn string(&mut self, raw: bool, bytes: bool) -> Option<Lit> {
        let quote = self.peek()?;
        let triple = self.s[self.at..].starts_with(&[quote; 3]);
        self.at += if triple { 3 } else { 1 };
        let mut out = String::new();
        let rest = std::str::from_utf8(&self.s[self.at..]).ok()?;
        let mut chars = rest.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let closes = c == quote as char
                && (!triple || rest[i..].starts_with(&String::from(quote as char).repeat(3)));
            if closes {
                self.at += i + if triple { 3 } else { 1 };
                return Some(if bytes {
                    Lit::Bytes(out)
                } else {
                    Lit::Value(Value::String(out))
                });
            }
            if bytes && !c.is_ascii() {
                return None;
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let (_, e) = chars.next()?;
            if raw {
                out.push('\\');
                out.push(e);
                continue;
            }
            match e {
                '\\' | '\'' | '"' => out.push(e),
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'a' => out.push('\x07'),
                'b' => out.push('\x08'),
                'f' => out.push('\x0c'),
                'v' => out.push('\x0b'),
                '0'..='7' => {
                    let mut n = e.to_digit(8)?;
                    for _ in 0..2 {
                        match chars.peek() {
                            Some((_, d)) if d.is_digit(8) => {
                                n = n * 8 + d.to_digit(8)?;
                                chars.next();
                            }
                            _ => break,
                        }
                    }
                    out.push(char::from_u32(n)?);
                }
                'x' | 'u' | 'U' if !(bytes && e != 'x') => {
                    let len = match e {
                        'x' => 2,
                        'u' => 4,
                        _ => 8,
                    };
                    let mut n = 0u32;
                    for _ in 0..len {
                        n = n * 16 + chars.next()?.1.to_digit(16)?;
                    }
                    out.push(char::from_u32(n)?);
                }
                // Unknown escapes keep their backslash, as Python does.
                _ => {
                    out.push('\\');
                    out.push(e);
                }
            }
        }
        None
    }

    /// Python number literals; imaginary numbers and huge values are left as text.
    fn number(&mut self) -> Option<Value> {
        let start = self.at;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.')
        {
            let c = self.peek()?;
            self.at += 1;
            if (c == b'e' || c == b'E')
                && matches!(self.peek(), Some(b'+' | b'-'))
                && !self.s[start..].starts_with(b"0x")
            {
                self.at += 1;
            }
        }
        let text = std::str::from_utf8(&self.s[start..self.at]).ok()?;
        python_number(text)
    }
}

fn negate(n: &Number) -> Option<Value> {
    if let Some(i) = n.as_i64() {
        return Some(Value::from(i.checked_neg()?));
    }
    if n.is_u64() {
        return i64::try_from(-(i128::from(n.as_u64()?)))
            .ok()
            .map(Value::from);
    }
    Number::from_f64(-n.as_f64()?).map(Value::Number)
}

/// Underscores only between digits, as Python allows them.
fn digits_ok(text: &str, radix: u32) -> bool {
    !text.is_empty()
        && !text.starts_with('_')
        && !text.ends_with('_')
        && !text.contains("__")
        && text.chars().all(|c| c == '_' || c.is_digit(radix))
}

fn python_number(text: &str) -> Option<Value> {
    let lower = text.to_ascii_lowercase();
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(body) = lower.strip_prefix(prefix) {
            let body = body.strip_prefix('_').unwrap_or(body);
            if !digits_ok(body, radix) {
                return None;
            }
            return int_value(u128::from_str_radix(&body.replace('_', ""), radix).ok()?);
        }
    }
    if lower.ends_with('j') {
        return None;
    }
    let is_float = lower.contains(['.', 'e']);
    if !is_float {
        if !digits_ok(&lower, 10) {
            return None;
        }
        let digits = lower.replace('_', "");
        // `010` is a syntax error in Python 3; `00` is zero.
        if digits.len() > 1 && digits.starts_with('0') && digits.bytes().any(|b| b != b'0') {
            return None;
        }
        return int_value(digits.parse().ok()?);
    }
    let (mantissa, exponent) = match lower.split_once('e') {
        Some((m, e)) => (m, Some(e)),
        None => (lower.as_str(), None),
    };
    let (whole, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    let parts_ok =
        (whole.is_empty() || digits_ok(whole, 10)) && (frac.is_empty() || digits_ok(frac, 10));
    let exp_ok = exponent.is_none_or(|e| digits_ok(e.strip_prefix(['+', '-']).unwrap_or(e), 10));
    if !parts_ok || !exp_ok {
        return None;
    }
    let value: f64 = lower.replace('_', "").parse().ok()?;
    Number::from_f64(value)
        .filter(|_| value.is_finite())
        .map(Value::Number)
}

fn int_value(n: u128) -> Option<Value> {
    i64::try_from(n)
        .map(Value::from)
        .ok()
        .or_else(|| u64::try_from(n).ok().map(Value::from))
}

/// Dict keys as Python's json prints them.
fn key_text(key: &Value) -> Option<String> {
    match key {
        Value::String(s) => Some(s.clone()),
        Value::Array(_) | Value::Object(_) => None,
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn literals_evaluate_as_python_evaluates_them() {
        let cases = [
            ("1.29", Some(json!(1.29))),
            ("10", Some(json!(10))),
            ("-3", Some(json!(-3))),
            ("0x10", Some(json!(16))),
            ("1_000", Some(json!(1000))),
            ("1e3", Some(json!(1000.0))),
            ("True", Some(json!(true))),
            ("None", Some(json!(null))),
            ("'a b'", Some(json!("a b"))),
            ("\"x\" 'y'", Some(json!("xy"))),
            ("r'\\d'", Some(json!("\\d"))),
            ("b'raw'", Some(json!("raw"))),
            ("'\\x41\\n'", Some(json!("A\n"))),
            ("[1, 'a', [True]]", Some(json!([1, "a", [true]]))),
            ("(1, 2)", Some(json!([1, 2]))),
            ("1, 2", Some(json!([1, 2]))),
            ("(7)", Some(json!(7))),
            ("{'a': 1, 2: None}", Some(json!({"a": 1, "2": null}))),
            ("{1, 2}", Some(json!([1, 2]))),
            ("5 # comment", Some(json!(5))),
            ("...", Some(json!("..."))),
            ("true", None),
            ("010", None),
            ("192.168.4.63", None),
            ("10.244.0.0/16", None),
            ("00:e0:4c:68:cb:bf", None),
            ("unix:///var/run/x.sock", None),
            ("'unterminated", None),
            ("f'x'", None),
            ("1j", None),
            ("--1", None),
            ("[1,", None),
            ("1__0", None),
        ];
        for (text, want) in cases {
            assert_eq!(eval(text), want, "{text}");
        }
    }

    #[test]
    fn deep_nesting_is_text_not_a_crash() {
        assert_eq!(eval(&"[".repeat(10_000)), None);
        assert_eq!(
            eval(&format!("{}1{}", "[".repeat(150), "]".repeat(150))).map(|v| v.is_array()),
            Some(true)
        );
    }
}

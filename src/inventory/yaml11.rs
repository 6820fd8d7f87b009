//! Plain YAML scalars typed as PyYAML (YAML 1.1) types them, which is what
//! Ansible sees: `yes`/`On` are booleans, `0x1F` and `1:30` integers, `1.29`
//! a float, `2024-01-02` a date. Quoted scalars never reach this.

use serde_json::{Number, Value};

/// The value of a plain scalar; `None` means the text stays a string.
pub fn resolve(text: &str) -> Value {
    if is_null(text) {
        return Value::Null;
    }
    if let Some(b) = boolean(text) {
        return Value::Bool(b);
    }
    if let Some(v) = float(text).or_else(|| int(text)) {
        return v;
    }
    if let Some(ts) = timestamp(text) {
        return Value::String(ts);
    }
    Value::String(text.to_owned())
}

pub fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

pub fn boolean(text: &str) -> Option<bool> {
    match text {
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => Some(true),
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    }
}

fn split_sign(text: &str) -> (bool, &str) {
    match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    }
}

fn all(text: &str, allowed: impl Fn(u8) -> bool) -> bool {
    !text.is_empty() && text.bytes().all(allowed)
}

/// `[-+]?0b[01_]+ | [-+]?0[0-7_]+ | [-+]?(0|[1-9][0-9_]*) | [-+]?0x[0-9a-fA-F_]+ | sexagesimal`
pub fn int(text: &str) -> Option<Value> {
    let (negative, body) = split_sign(text);
    let digits = |s: &str| s.replace('_', "");
    let magnitude: i128 = if let Some(bin) = body.strip_prefix("0b") {
        if !all(bin, |c| matches!(c, b'0' | b'1' | b'_')) {
            return None;
        }
        i128::from_str_radix(&digits(bin), 2).ok()?
    } else if let Some(hex) = body.strip_prefix("0x") {
        if !all(hex, |c| c.is_ascii_hexdigit() || c == b'_') {
            return None;
        }
        i128::from_str_radix(&digits(hex), 16).ok()?
    } else if body == "0" {
        0
    } else if let Some(oct) = body.strip_prefix('0') {
        if !all(oct, |c| matches!(c, b'0'..=b'7' | b'_')) {
            return None;
        }
        let d = digits(oct);
        if d.is_empty() {
            0
        } else {
            i128::from_str_radix(&d, 8).ok()?
        }
    } else if body.contains(':') {
        sexagesimal_int(body)?
    } else {
        if !body.starts_with(|c: char| matches!(c, '1'..='9'))
            || !all(body, |c| c.is_ascii_digit() || c == b'_')
        {
            return None;
        }
        digits(body).parse().ok()?
    };
    let value = if negative { -magnitude } else { magnitude };
    i64::try_from(value)
        .map(Value::from)
        .ok()
        .or_else(|| u64::try_from(value).ok().map(Value::from))
}

/// `[1-9][0-9_]*(:[0-5]?[0-9])+`, base 60.
fn sexagesimal_int(body: &str) -> Option<i128> {
    let mut parts = body.split(':');
    let head = parts.next()?;
    if !head.starts_with(|c: char| matches!(c, '1'..='9'))
        || !all(head, |c| c.is_ascii_digit() || c == b'_')
    {
        return None;
    }
    let mut value: i128 = head.replace('_', "").parse().ok()?;
    for part in parts {
        value = value
            .checked_mul(60)?
            .checked_add(base60_digit(part)?.into())?;
    }
    Some(value)
}

fn base60_digit(part: &str) -> Option<u8> {
    let ok = match part.as_bytes() {
        [d] => d.is_ascii_digit(),
        [a, b] => matches!(a, b'0'..=b'5') && b.is_ascii_digit(),
        _ => false,
    };
    if ok { part.parse().ok() } else { None }
}

/// PyYAML's float: a dot is required, an exponent needs its sign; `.inf`,
/// `.nan` and base 60 too. JSON has no infinity or NaN: those stay text.
pub fn float(text: &str) -> Option<Value> {
    let (negative, body) = split_sign(text);
    if matches!(body, ".inf" | ".Inf" | ".INF") || (matches!(text, ".nan" | ".NaN" | ".NAN")) {
        return None;
    }
    let magnitude = if body.contains(':') {
        let (whole, frac) = body.rsplit_once('.')?;
        let mut parts = whole.split(':');
        let head = parts.next()?;
        if !head.starts_with(|c: char| c.is_ascii_digit())
            || !all(head, |c| c.is_ascii_digit() || c == b'_')
        {
            return None;
        }
        if !frac.bytes().all(|c| c.is_ascii_digit() || c == b'_') {
            return None;
        }
        let mut value: f64 = head.replace('_', "").parse().ok()?;
        let mut seen = false;
        for part in parts {
            value = value * 60.0 + f64::from(base60_digit(part)?);
            seen = true;
        }
        if !seen {
            return None;
        }
        let frac = frac.replace('_', "");
        value
            + if frac.is_empty() {
                0.0
            } else {
                format!("0.{frac}").parse::<f64>().ok()?
            }
    } else {
        let (mantissa, exponent) = match body.find(['e', 'E']) {
            Some(at) => (&body[..at], Some(&body[at + 1..])),
            None => (body, None),
        };
        let (whole, frac) = mantissa.split_once('.')?;
        let whole_ok = if whole.is_empty() {
            // `.5` is a float only without a sign, and needs a digit after the dot.
            text.len() == body.len() && all(frac, |c| c.is_ascii_digit() || c == b'_')
        } else {
            whole.starts_with(|c: char| c.is_ascii_digit())
                && all(whole, |c| c.is_ascii_digit() || c == b'_')
        };
        if !whole_ok || !frac.bytes().all(|c| c.is_ascii_digit() || c == b'_') {
            return None;
        }
        if let Some(exp) = exponent {
            let digits = exp.strip_prefix(['+', '-'])?;
            if !all(digits, |c| c.is_ascii_digit()) {
                return None;
            }
        }
        let cleaned = body.replace('_', "");
        let cleaned = if cleaned.starts_with('.') {
            format!("0{cleaned}")
        } else {
            cleaned
        };
        let cleaned = cleaned.replace(".e", ".0e").replace(".E", ".0E");
        cleaned.parse::<f64>().ok()?
    };
    let value = if negative { -magnitude } else { magnitude };
    Number::from_f64(value).map(Value::Number)
}

/// Dates print as Python's `isoformat()`: a date as it was written, a
/// date-time in `YYYY-MM-DDTHH:MM:SS[.ffffff][+HH:MM]`.
pub fn timestamp(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    if b.len() == 10
        && digits(&b[0..4])
        && b[4] == b'-'
        && digits(&b[5..7])
        && b[7] == b'-'
        && digits(&b[8..10])
    {
        return Some(text.to_owned());
    }
    let (date, rest) = text.split_at(text.find(['T', 't', ' ', '\t'])?);
    let mut ymd = date.split('-');
    let (y, m, d) = (ymd.next()?, ymd.next()?, ymd.next()?);
    if ymd.next().is_some() || y.len() != 4 || !digits(y.as_bytes()) {
        return None;
    }
    let short = |s: &str| (1..=2).contains(&s.len()) && digits(s.as_bytes());
    if !short(m) || !short(d) {
        return None;
    }
    let rest = rest
        .strip_prefix(['T', 't'])
        .unwrap_or_else(|| rest.trim_start_matches([' ', '\t']));
    let time_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.'))
        .unwrap_or(rest.len());
    let (time, zone) = rest.split_at(time_end);
    let (hms, fraction) = time.split_once('.').unwrap_or((time, ""));
    let mut parts = hms.split(':');
    let (hh, mm, ss) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || !short(hh)
        || mm.len() != 2
        || ss.len() != 2
        || !digits(mm.as_bytes())
        || !digits(ss.as_bytes())
    {
        return None;
    }
    if !fraction.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let zone = zone.trim_start_matches([' ', '\t']);
    let offset = match zone {
        "" => String::new(),
        "Z" => "+00:00".to_owned(),
        _ => {
            let (sign, z) = zone.split_at(1);
            if sign != "+" && sign != "-" {
                return None;
            }
            let (zh, zm) = z.split_once(':').unwrap_or((z, "00"));
            if !short(zh) || zm.len() != 2 || !digits(zm.as_bytes()) {
                return None;
            }
            format!("{sign}{zh:0>2}:{zm}")
        }
    };
    let fraction = &fraction[..fraction.len().min(6)];
    let micros = if fraction.bytes().all(|c| c == b'0') {
        String::new()
    } else {
        format!(".{fraction:0<6}")
    };
    Some(format!(
        "{y}-{m:0>2}-{d:0>2}T{hh:0>2}:{mm}:{ss}{micros}{offset}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml_1_1_scalars_type_as_pyyaml_types_them() {
        let cases = [
            ("yes", json!(true)),
            ("On", json!(true)),
            ("off", json!(false)),
            ("y", json!("y")),
            ("0x1F", json!(31)),
            ("017", json!(15)),
            ("0b101", json!(5)),
            ("1:30", json!(90)),
            ("1_000", json!(1000)),
            ("+12", json!(12)),
            ("-0", json!(0)),
            ("012345678", json!("012345678")),
            ("0o17", json!("0o17")),
            ("1.29", json!(1.29)),
            ("1.", json!(1.0)),
            ("1e3", json!("1e3")),
            ("1.5e3", json!("1.5e3")),
            ("6.8523015e+5", json!(685230.15)),
            ("190:20:30.15", json!(685230.15)),
            ("~", json!(null)),
            ("", json!(null)),
            ("2024-01-02", json!("2024-01-02")),
            (
                "2001-12-14t21:59:43.10-05:00",
                json!("2001-12-14T21:59:43.100000-05:00"),
            ),
            ("00:e0:4c:68:cb:bf", json!("00:e0:4c:68:cb:bf")),
            ("192.168.4.63", json!("192.168.4.63")),
            ("10.244.0.0/16", json!("10.244.0.0/16")),
        ];
        for (text, want) in cases {
            assert_eq!(resolve(text), want, "{text}");
        }
    }
}

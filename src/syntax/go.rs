//! What Go's standard library (and go-units) does, where BuildKit's behaviour or messages depend
//! on it: parsing numbers and booleans, quoting with `%q`, cleaning paths.

/// Go's `path.Clean`: the shortest equivalent slash-separated path.
pub fn clean_path(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ if rooted => {}
                _ => parts.push(".."),
            },
            _ => parts.push(part),
        }
    }
    let body = parts.join("/");
    if rooted {
        format!("/{body}")
    } else if body.is_empty() {
        ".".into()
    } else {
        body
    }
}

/// `strconv.ParseBool`.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// `strconv.ParseUint(s, radix, 32)` with an explicit radix: digits only, no sign, prefix or
/// underscore.
pub fn parse_u32(s: &str, radix: u32) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    s.chars()
        .try_fold(0u32, |acc, c| acc.checked_mul(radix)?.checked_add(c.to_digit(radix)?))
}

/// Whether go-units `RAMInBytes` accepts `s`.
pub fn ram_in_bytes_ok(s: &str) -> bool {
    let Some(sep) = s.rfind(|c: char| c.is_ascii_digit() || c == '.' || c == ' ') else {
        return false;
    };
    let (num, sfx) = if s.as_bytes()[sep] == b' ' {
        (&s[..sep], &s[sep + 1..])
    } else {
        (&s[..=sep], &s[sep + 1..])
    };
    match parse_float(num) {
        Some(size) if size >= 0.0 || size.is_nan() => {}
        _ => return false,
    }
    if sfx.is_empty() {
        return true;
    }
    if sfx.len() > 3 {
        return false;
    }
    let sfx = sfx.to_lowercase();
    matches!(
        sfx.as_bytes(),
        [b'b']
            | [b'k' | b'm' | b'g' | b't' | b'p']
            | [b'k' | b'm' | b'g' | b't' | b'p', b'b']
            | [b'k' | b'm' | b'g' | b't' | b'p', b'i', b'b']
    )
}

/// `strconv.ParseFloat(s, 64)`, closely enough: hexadecimal floats are accepted unchecked.
fn parse_float(s: &str) -> Option<f64> {
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    if unsigned.starts_with("0x") || unsigned.starts_with("0X") {
        return Some(0.0);
    }
    let v: f64 = s.parse().ok()?;
    // Go reports overflow as an error; Rust rounds it to infinity.
    (!v.is_infinite() || unsigned.to_ascii_lowercase().starts_with("inf")).then_some(v)
}

/// Go's `%q` (`strconv.Quote`).
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if c < ' ' || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if is_printable(c) => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `unicode.IsPrint`: no controls, no spaces but ASCII space, and no
/// common format characters.
fn is_printable(c: char) -> bool {
    c == ' '
        || !(c.is_control()
            || c.is_whitespace()
            || matches!(
                c,
                '\u{ad}'
                    | '\u{200b}'..='\u{200f}'
                    | '\u{202a}'..='\u{202e}'
                    | '\u{2060}'..='\u{2064}'
                    | '\u{feff}'
            ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_clean() {
        for (input, want) in [
            ("", "."),
            (".", "."),
            ("/", "/"),
            ("//", "/"),
            ("/..", "/"),
            ("/../a", "/a"),
            ("a/", "a"),
            ("a/./b", "a/b"),
            ("a/b/..", "a"),
            ("a/../..", ".."),
            ("../a/..", ".."),
            ("a/..", "."),
            ("/root/.cache//pip/", "/root/.cache/pip"),
            ("./x", "x"),
            ("abc/def/../../..", ".."),
        ] {
            assert_eq!(clean_path(input), want, "{input}");
        }
    }

    #[test]
    fn helpers() {
        assert_eq!(quote("a\"b\\c\n\u{1}\u{a0}é"), r#""a\"b\\c\n\x01\u00a0é""#);
        for ok in ["0", "1.5", "10 ", "1k", "1KiB", "2mb", "3G", "1b", ".5m", "1e3"] {
            assert!(ram_in_bytes_ok(ok), "{ok}");
        }
        for bad in ["", "k", "-1", "1x", "1kk", "1kib2", "1bb", "1 2", "1e400", " "] {
            assert!(!ram_in_bytes_ok(bad), "{bad}");
        }
        assert_eq!(parse_bool("True"), Some(true));
        assert_eq!(parse_bool("tRUE"), None);
        assert_eq!(parse_u32("777", 8), Some(0o777));
        assert_eq!(parse_u32("1_0", 10), None);
    }
}

//! The exec (JSON) form of RUN, CMD, ENTRYPOINT, SHELL, COPY, ADD and VOLUME.
//!
//! BuildKit decodes the whole argument text as a JSON array when it starts with `[`; any decoding
//! failure silently means shell form, and an array holding anything but strings is an error.

use serde_json::Value;

/// One string element: its decoded value and its offsets (quotes included) in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonStr {
    pub value: String,
    pub start: usize,
    pub end: usize,
}

/// Why a JSON array is not an exec form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NonStringElement;

/// `None` when `text` is shell form; `Some(Err)` for an array with a non-string element.
pub fn parse_string_array(text: &str) -> Option<Result<Vec<JsonStr>, NonStringElement>> {
    let lead = text.len() - text.trim_start().len();
    if !text[lead..].starts_with('[') {
        return None;
    }
    let Ok(Value::Array(items)) = serde_json::from_str::<Value>(text) else {
        return None;
    };
    if !items.iter().all(Value::is_string) {
        return Some(Err(NonStringElement));
    }
    let mut out = Vec::with_capacity(items.len());
    let b = text.as_bytes();
    let mut i = lead + 1;
    for item in items {
        // the next string literal in the text is this element
        while b[i] != b'"' {
            i += 1;
        }
        let start = i;
        i += 1;
        while b[i] != b'"' {
            i += if b[i] == b'\\' { 2 } else { 1 };
        }
        i += 1;
        out.push(JsonStr {
            value: item.as_str().unwrap_or_default().to_string(),
            start,
            end: i,
        });
    }
    Some(Ok(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let t = r#"[ "pip", "install", "a\"b" ]"#;
        let v = parse_string_array(t).unwrap().unwrap();
        assert_eq!(
            v.iter().map(|s| s.value.as_str()).collect::<Vec<_>>(),
            ["pip", "install", "a\"b"]
        );
        assert_eq!(&t[v[2].start..v[2].end], r#""a\"b""#);
        for shell in [
            r#"["a" "b"]"#,
            "['a']",
            r#"["a",]"#,
            r#"["a"] extra"#,
            r#"[ "a""#,
            "echo [",
            "[\x0b\"a\"]",
        ] {
            assert!(parse_string_array(shell).is_none(), "{shell}");
        }
        assert!(parse_string_array(r#"[ "echo", [ "nested json" ] ]"#).unwrap().is_err());
        assert!(parse_string_array(r#"["a", null]"#).unwrap().is_err());
        assert_eq!(parse_string_array("[]").unwrap().unwrap(), vec![]);
        assert_eq!(parse_string_array(r#"["\u00e9"]"#).unwrap().unwrap()[0].value, "é");
    }
}

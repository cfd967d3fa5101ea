//! BuildKit's word lexer (`shell.Lex.ProcessWord`), which reads the values of WORKDIR, ENV and
//! ARG at build time: quotes removed, escapes applied with the file's escape character, and
//! `$NAME`, `${NAME}`, `${NAME<op>word}` kept as references for [`Value::resolve`].

use super::model::{Value, ValuePart};
use super::text::TextRange;
use std::iter::Peekable;
use std::str::Chars;

/// `text` (whose source range is `range`) as BuildKit's lexer reads it. A lexer error (an
/// unterminated quote or `${`) or an expansion this model does not evaluate gives an
/// [`ValuePart::Opaque`] part, so the value does not resolve.
pub fn word_value(text: &str, range: TextRange, escape: char) -> Value {
    let mut chars = text.chars().peekable();
    let parts = match word(&mut chars, escape, None) {
        Some(parts) if chars.peek().is_none() => parts,
        _ => vec![ValuePart::Opaque],
    };
    Value { parts, range }
}

fn push(parts: &mut Vec<ValuePart>, c: char) {
    match parts.last_mut() {
        Some(ValuePart::Literal(s)) => s.push(c),
        _ => parts.push(ValuePart::Literal(c.to_string())),
    }
}

/// Reads up to `stop` (consumed) or the end; `None` on a lexer error.
fn word(chars: &mut Peekable<Chars>, escape: char, stop: Option<char>) -> Option<Vec<ValuePart>> {
    let mut parts = Vec::new();
    while let Some(c) = chars.next() {
        if Some(c) == stop {
            return Some(parts);
        }
        if c == escape {
            match chars.next() {
                Some(d) => push(&mut parts, d),
                None => break,
            }
            continue;
        }
        match c {
            '\'' => loop {
                match chars.next()? {
                    '\'' => break,
                    d => push(&mut parts, d),
                }
            },
            '"' => loop {
                match chars.next()? {
                    '"' => break,
                    '$' => dollar(chars, escape, &mut parts)?,
                    d if d == escape => match chars.peek().copied() {
                        Some(e) if e == '"' || e == '$' || e == escape => {
                            chars.next();
                            push(&mut parts, e);
                        }
                        _ => push(&mut parts, d),
                    },
                    d => push(&mut parts, d),
                }
            },
            '$' => dollar(chars, escape, &mut parts)?,
            c => push(&mut parts, c),
        }
    }
    // an unterminated `${…`
    stop.is_none().then_some(parts)
}

/// After a `$`: a reference, or a literal `$` when no name follows.
fn dollar(chars: &mut Peekable<Chars>, escape: char, parts: &mut Vec<ValuePart>) -> Option<()> {
    let name_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    match chars.peek().copied() {
        Some('{') => {
            chars.next();
            let mut name = String::new();
            while let Some(c) = chars.peek().copied().filter(|&c| name_char(c)) {
                name.push(c);
                chars.next();
            }
            let op = match chars.next()? {
                '}' if !name.is_empty() => None,
                '}' => return None,
                ':' => match chars.next()? {
                    o @ ('-' | '+' | '?') => Some(format!(":{o}")),
                    _ => return opaque(chars, escape, parts),
                },
                o @ ('-' | '+' | '?') => Some(o.to_string()),
                _ => return opaque(chars, escape, parts),
            };
            let word = match op {
                Some(_) => {
                    let inner = word(chars, escape, Some('}'))?;
                    Some(Value {
                        parts: inner,
                        range: TextRange::default(),
                    })
                }
                None => None,
            };
            if name.is_empty() {
                parts.push(ValuePart::Opaque);
            } else {
                parts.push(ValuePart::Var { name, op, word });
            }
        }
        Some(c) if name_char(c) => {
            let mut name = String::new();
            while let Some(c) = chars.peek().copied().filter(|&c| name_char(c)) {
                name.push(c);
                chars.next();
            }
            parts.push(ValuePart::Var {
                name,
                op: None,
                word: None,
            });
        }
        Some('@' | '*' | '#' | '?' | '-' | '$' | '!') => {
            chars.next();
            parts.push(ValuePart::Opaque);
        }
        _ => push(parts, '$'),
    }
    Some(())
}

/// `${…}` with a modifier this model does not evaluate: skipped to its `}`.
fn opaque(chars: &mut Peekable<Chars>, escape: char, parts: &mut Vec<ValuePart>) -> Option<()> {
    word(chars, escape, Some('}'))?;
    parts.push(ValuePart::Opaque);
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(text: &str, escape: char) -> Option<String> {
        word_value(text, TextRange::default(), escape).as_literal()
    }

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(lit("\"/my app\"", '\\').as_deref(), Some("/my app"));
        assert_eq!(lit("/my app", '\\').as_deref(), Some("/my app"));
        assert_eq!(lit("'/a,b'", '\\').as_deref(), Some("/a,b"));
        assert_eq!(lit(r#""a\"b\c""#, '\\').as_deref(), Some(r#"a"b\c"#));
        assert_eq!(lit(r"a\ b\\c", '\\').as_deref(), Some(r"a b\c"));
        assert_eq!(lit(r"C:\dir", '`').as_deref(), Some(r"C:\dir"));
        assert_eq!(lit("a`$b", '`').as_deref(), Some("a$b"));
        assert_eq!(lit("'$X'", '\\').as_deref(), Some("$X"));
        assert_eq!(lit("a$", '\\').as_deref(), Some("a$"));
        assert_eq!(lit("\"unterminated", '\\'), None);
        assert_eq!(lit("${X", '\\'), None);
    }

    #[test]
    fn references() {
        let v = word_value("\"$A/x\"${B:-/d e}${C}", TextRange::default(), '\\');
        let get = |n: &str| match n {
            "A" => Some(Some("/a".to_string())),
            "B" => Some(None),
            "C" => Some(Some("!".to_string())),
            _ => None,
        };
        assert_eq!(v.resolve(&get).as_deref(), Some("/a/x/d e!"));
        assert_eq!(word_value("${X%y}", TextRange::default(), '\\').resolve(&get), None);
        assert_eq!(word_value("$1", TextRange::default(), '\\').resolve(&get), None);
    }
}

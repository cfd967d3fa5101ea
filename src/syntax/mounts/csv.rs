//! Layer 2: one strict CSV record, as `go-csvvalue` reads it.

use super::unquote::Unquoted;
use super::word::{Word, shell_word};
use super::{MountField, go};
use crate::syntax::text::TextRange;

pub(super) struct CsvField {
    /// Unquoted-text span of the field, CSV quotes included.
    span: (usize, usize),
    /// Where the content begins (after an opening CSV quote).
    content_start: usize,
    /// For each content byte, the unquoted span that produced it (`""` gives one `"`).
    content: Vec<(usize, usize)>,
}

pub(super) enum ErrorAt {
    Whole,
    Byte(usize),
    ToEnd(usize),
}

pub(super) struct CsvError {
    pub(super) message: String,
    pub(super) at: ErrorAt,
}

pub(super) const BARE_QUOTE: &str = "bare \" in non-quoted-field";
pub(super) const QUOTE: &str = "extraneous or missing \" in quoted-field";

pub(super) fn split_csv(text: &[u8]) -> Result<Vec<CsvField>, CsvError> {
    // A trailing newline is allowed, as in `go-csvvalue`.
    let mut n = text.len();
    if text.last() == Some(&b'\n') {
        n -= 1;
        if n > 0 && text[n - 1] == b'\r' {
            n -= 1;
        }
    }
    let line = &text[..n];
    if line.is_empty() {
        return Err(CsvError {
            message: "EOF".into(),
            at: ErrorAt::Whole,
        });
    }
    // Go reports byte columns of the peeled word, where each non-ASCII byte was re-encoded as
    // a two-byte Latin-1 character.
    let error = |p: usize, what: &str, at: ErrorAt| {
        let column = 1 + line[..p].iter().map(|&c| if c < 0x80 { 1 } else { 2 }).sum::<usize>();
        CsvError {
            message: format!("parse error on line 1, column {column}: {what}"),
            at,
        }
    };

    let mut fields = Vec::new();
    let mut pos = 0;
    loop {
        if line.get(pos) != Some(&b'"') {
            let end = line[pos..].iter().position(|&c| c == b',').map_or(n, |i| pos + i);
            if let Some(q) = line[pos..end].iter().position(|&c| c == b'"') {
                return Err(error(pos + q, BARE_QUOTE, ErrorAt::Byte(pos + q)));
            }
            fields.push(CsvField {
                span: (pos, end),
                content_start: pos,
                content: (pos..end).map(|u| (u, u + 1)).collect(),
            });
            if end == n {
                return Ok(fields);
            }
            pos = end + 1;
            continue;
        }
        let start = pos;
        let mut content = Vec::new();
        pos += 1;
        loop {
            let Some(i) = line[pos..].iter().position(|&c| c == b'"') else {
                return Err(error(pos, QUOTE, ErrorAt::ToEnd(start)));
            };
            content.extend((pos..pos + i).map(|u| (u, u + 1)));
            pos += i + 1;
            match line.get(pos) {
                Some(b'"') => {
                    content.push((pos - 1, pos + 1));
                    pos += 1;
                }
                Some(b',') => {
                    fields.push(CsvField {
                        span: (start, pos),
                        content_start: start + 1,
                        content,
                    });
                    pos += 1;
                    break;
                }
                None => {
                    fields.push(CsvField {
                        span: (start, pos),
                        content_start: start + 1,
                        content,
                    });
                    return Ok(fields);
                }
                Some(_) => return Err(error(pos - 1, QUOTE, ErrorAt::Byte(pos - 1))),
            }
        }
    }
}

/// Turns a CSV field into a [`MountField`] with source ranges; also returns the shell
/// lexer's error on its value, if any.
pub(super) fn build_field(
    unq: &Unquoted,
    field: &CsvField,
    escape: char,
    offset: usize,
) -> (MountField, Option<String>) {
    let at = |(s, e): (usize, usize)| TextRange::new(offset + s, offset + e);
    let bytes = unq.text.as_bytes();
    let content: Vec<u8> = field
        .content
        .iter()
        .map(|&(s, e)| if e - s == 2 { b'"' } else { bytes[s] })
        .collect();
    let text = String::from_utf8_lossy(&content).into_owned();
    // Raw spans of the content bytes, and where empty content sits.
    let raw: Vec<(usize, usize)> = field.content.iter().map(|&(s, e)| unq.range(s, e)).collect();
    let anchor = unq.anchor(field.content_start);
    let sub = |a: usize, b: usize| -> (usize, usize) {
        match (raw.get(a), b.checked_sub(1).and_then(|l| raw.get(l))) {
            (Some(first), Some(last)) if a < b => (first.0, last.1),
            _ => {
                let p = match a.checked_sub(1).and_then(|l| raw.get(l)) {
                    Some(before) => before.1,
                    None => raw.first().map_or(anchor, |first| first.0),
                };
                (p, p)
            }
        }
    };
    let range = at(unq.widen(unq.range(field.span.0, field.span.1)));

    let Some(eq) = text.find('=') else {
        let field = MountField {
            key: text.to_lowercase(),
            value: None,
            range,
            key_range: at(unq.widen(sub(0, text.len()))),
            value_range: None,
            text,
            written: None,
            dynamic: false,
        };
        return (field, None);
    };
    let written = text[eq + 1..].to_string();
    let (value, dynamic, lex_error) = match shell_word(&written, escape) {
        Word::Static(v) => (v, false, None),
        Word::Dynamic => (written.clone(), true, None),
        Word::Error(e) => (
            written.clone(),
            false,
            Some(format!("failed to process {}: {e}", go::quote(&written))),
        ),
    };
    let field = MountField {
        key: text[..eq].to_lowercase(),
        value: Some(value),
        range,
        key_range: at(unq.widen(sub(0, eq))),
        value_range: Some(at(unq.widen(sub(eq + 1, text.len())))),
        text,
        written: Some(written),
        dynamic,
    };
    (field, lex_error)
}

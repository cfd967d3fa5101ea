//! Where a word that BuildKit expands refers to variables: `$NAME`, `${NAME}` and
//! `${NAME<op>word}` (the word's own references included), following BuildKit's word lexer
//! (frontend/dockerfile/shell/lex.go): the escape character makes the next character literal,
//! nothing expands inside single quotes, double quotes do not stop expansion, and a name is a
//! run of letters, digits and `_` that does not start with a digit (`$1`, `$@` and the like are
//! not variables a Dockerfile defines).

use std::ops::Range;

/// The variables `text` refers to: each name and its byte range in `text` (the name alone,
/// without `$` or braces). `quotes`: quotes are syntax (instruction words); without, they are
/// plain text (a `COPY <<EOF` body, which BuildKit expands with `SkipProcessQuotes`).
pub fn references(text: &str, escape: char, quotes: bool) -> Vec<(String, Range<usize>)> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut in_double = false;
    while let Some((i, c)) = chars.next() {
        if c == escape {
            chars.next();
        } else if quotes && c == '\'' && !in_double {
            for (_, q) in chars.by_ref() {
                if q == '\'' {
                    break;
                }
            }
        } else if quotes && c == '"' {
            in_double = !in_double;
        } else if c == '$' {
            let mut start = i + 1;
            if text[start..].starts_with('{') {
                chars.next();
                start += 1;
            }
            let rest = &text[start..];
            if rest.starts_with(|c: char| c.is_alphabetic() || c == '_') {
                let len = rest
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                out.push((rest[..len].to_string(), start..start + len));
                while chars.next_if(|&(j, _)| j < start + len).is_some() {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str, escape: char, quotes: bool) -> Vec<(String, &str)> {
        references(text, escape, quotes)
            .into_iter()
            .map(|(n, r)| (n, &text[r]))
            .collect()
    }

    fn found(text: &str) -> Vec<String> {
        let refs = names(text, '\\', true);
        for (n, s) in &refs {
            assert_eq!(n, s);
        }
        refs.into_iter().map(|(n, _)| n).collect()
    }

    #[test]
    fn forms_and_ranges() {
        let r = references("a$A/${B}:${C:-x$D}${E%.*}", '\\', true);
        assert_eq!(
            r,
            vec![
                ("A".to_string(), 2..3),
                ("B".to_string(), 6..7),
                ("C".to_string(), 11..12),
                ("D".to_string(), 16..17),
                ("E".to_string(), 20..21),
            ]
        );
        assert_eq!(found("$A_1b-$_x.$é1"), ["A_1b", "_x", "é1"]);
    }

    #[test]
    fn not_variables() {
        assert!(found("$1 $@ $$ ${} $ $-x 5$").is_empty());
    }

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(found(r#"'$A' "$B '$C'" \$D \\$E"#), ["B", "C", "E"]);
        // the escape directive's character replaces the backslash
        assert_eq!(names(r"`$A \$B", '`', true), [("B".to_string(), "B")]);
        // a heredoc body: quotes are text
        assert_eq!(names("'$A' \"$B\"", '\\', false).len(), 2);
    }
}

//! Layer 3: the shell lexer BuildKit runs on each value at build time.

pub(super) enum Word {
    /// No variable: the value after quote and escape removal.
    Static(String),
    /// Refers to a variable; known only at build time.
    Dynamic,
    /// The lexer fails (an unterminated quote).
    Error(&'static str),
}

/// BuildKit's `ProcessWord` on a value, up to the first variable reference.
pub(super) fn shell_word(s: &str, escape: char) -> Word {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '$' => {
                if !dollar_is_literal(chars.peek().copied()) {
                    return Word::Dynamic;
                }
                out.push('$');
            }
            '\'' => loop {
                match chars.next() {
                    None => {
                        return Word::Error("unexpected end of statement while looking for matching single-quote");
                    }
                    Some('\'') => break,
                    Some(d) => out.push(d),
                }
            },
            '"' => loop {
                match chars.next() {
                    None => {
                        return Word::Error("unexpected end of statement while looking for matching double-quote");
                    }
                    Some('"') => break,
                    Some('$') => {
                        if !dollar_is_literal(chars.peek().copied()) {
                            return Word::Dynamic;
                        }
                        out.push('$');
                    }
                    Some(d) if d == escape => match chars.peek().copied() {
                        Some(e) if e == '"' || e == '$' || e == escape => {
                            out.push(e);
                            chars.next();
                        }
                        Some(_) => out.push(d),
                        None => {}
                    },
                    Some(d) => out.push(d),
                }
            },
            c if c == escape => match chars.next() {
                Some(d) => out.push(d),
                None => break,
            },
            c => out.push(c),
        }
    }
    Word::Static(out)
}

/// Whether a `$` followed by `next` is kept as a literal `$` (no name follows it).
pub(super) fn dollar_is_literal(next: Option<char>) -> bool {
    match next {
        None => true,
        Some(c) => {
            !(c == '{' || c == '_' || c.is_alphanumeric() || matches!(c, '@' | '*' | '#' | '?' | '-' | '$' | '!'))
        }
    }
}

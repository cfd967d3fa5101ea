//! A word's value as the shell would build it: quotes, escapes, `$'…'` strings.

pub(super) fn strip<'t>(text: &'t str, open: &str, close: &str) -> &'t str {
    let inner = text.strip_prefix(open).unwrap_or(text);
    inner.strip_suffix(close).unwrap_or(inner)
}

/// Removes the backslashes that quote `$`, `` ` ``, `"`, `\` or a newline inside `"…"`.
pub(super) fn unescape_dquoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.peek() {
                Some('\n') => {
                    chars.next();
                }
                Some(&n @ ('$' | '`' | '"' | '\\')) => {
                    out.push(n);
                    chars.next();
                }
                _ => out.push(c),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Decodes the body of `$'…'`; `None` for what cannot be a `String` (`\c`, non-UTF-8 bytes).
pub(super) fn ansi_c(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    let number = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>, radix: u32, max: usize| {
        let mut value = 0u32;
        let mut n = 0;
        while n < max
            && let Some(d) = chars.peek().and_then(|c| c.to_digit(radix))
        {
            value = value * radix + d;
            chars.next();
            n += 1;
        }
        (n > 0).then_some(value)
    };
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        let decoded = match e {
            'a' => '\x07',
            'b' => '\x08',
            'e' | 'E' => '\x1b',
            'f' => '\x0c',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'v' => '\x0b',
            '\\' | '\'' | '"' | '?' => e,
            '0'..='7' => {
                let mut value = e.to_digit(8)?;
                for _ in 0..2 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            value = value * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                ascii(value)?
            }
            'x' => ascii(number(&mut chars, 16, 2)?)?,
            'u' => char::from_u32(number(&mut chars, 16, 4)?)?,
            'U' => char::from_u32(number(&mut chars, 16, 8)?)?,
            'c' => return None,
            other => {
                out.push('\\');
                other
            }
        };
        out.push(decoded);
    }
    Some(out)
}

pub(super) fn ascii(value: u32) -> Option<char> {
    (value < 0x80).then(|| char::from(value as u8))
}

/// A word being evaluated: its text, which characters are unquoted (and so may glob), and
/// whether an expansion was seen.
#[derive(Default)]
pub(super) struct Acc {
    text: String,
    /// Byte offsets in `text` of unquoted characters.
    unquoted: Vec<usize>,
    /// An expansion or substitution was seen.
    pub(super) unknown: bool,
    pub(super) glob: bool,
}

impl Acc {
    pub(super) fn lit(&mut self, s: &str, quoted: bool) {
        if !quoted {
            let at = self.text.len();
            self.unquoted.extend(at..at + s.len());
        }
        self.text.push_str(s);
    }

    pub(super) fn unknown(&mut self) {
        self.unknown = true;
    }

    /// Unquoted word text: `\x` quotes `x`, backslash-newline disappears.
    pub(super) fn unquoted_escaped(&mut self, s: &str) {
        let mut rest = s;
        while let Some(at) = rest.find('\\') {
            self.lit(&rest[..at], false);
            let after = &rest[at + 1..];
            match after.chars().next() {
                Some('\n') => rest = &after[1..],
                Some(c) => {
                    self.lit(&after[..c.len_utf8()], true);
                    rest = &after[c.len_utf8()..];
                }
                None => {
                    self.lit("\\", true);
                    rest = "";
                }
            }
        }
        self.lit(rest, false);
    }

    pub(super) fn active(&self, at: usize) -> bool {
        self.unquoted.binary_search(&at).is_ok()
    }

    /// An unquoted glob, brace expansion or tilde prefix (after `=`/`:` too in an assignment).
    pub(super) fn expands(&self, assignment: bool) -> bool {
        if self.glob {
            return true;
        }
        let bytes = self.text.as_bytes();
        let mut open_bracket = false;
        let mut brace: Option<usize> = None;
        let mut brace_list = false;
        for &at in &self.unquoted {
            match bytes[at] {
                b'*' | b'?' => return true,
                b'[' => open_bracket = true,
                b']' if open_bracket => return true,
                b'{' => {
                    brace = Some(at);
                    brace_list = false;
                }
                b',' if brace.is_some() => brace_list = true,
                b'.' if brace.is_some() && self.active(at + 1) && bytes.get(at + 1) == Some(&b'.') => {
                    brace_list = true;
                }
                b'}' if brace.is_some() && brace_list => return true,
                b'~' if at == 0 || assignment && matches!(bytes[at - 1], b':' | b'=') => {
                    return true;
                }
                _ => {}
            }
        }
        false
    }

    /// The literal value, if there is one.
    pub(super) fn finish(self, assignment: bool) -> Option<String> {
        (!self.unknown && !self.expands(assignment)).then_some(self.text)
    }
}

use super::labels::{LABELS, check_values};
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "label-value-not-email",
    family: Family::Metadata,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3058"],
    related: &[],
    summary: "a label the configuration lists as an email address whose value is not one",
    options: &[LABELS],
    fix_priority: 945,
    after_suppressions: false,
    doc: include_str!("../../../rules/label-value-not-email.md"),
};

pub fn check(ctx: &mut Context) {
    check_values(ctx, valid, "an email address (RFC 5322 addr-spec)");
}

/// RFC 5322's `addr-spec` (`local@domain`, section 3.4.1): a dot-atom or quoted-string local
/// part, a dot-atom or `[…]` literal domain, comments and spaces around them; non-ASCII
/// characters as RFC 6532 allows them. A display name (`Jo <jo@example.com>`) is not an
/// `addr-spec`.
fn valid(v: &str) -> bool {
    let mut p = Reader { b: v.as_bytes(), i: 0 };
    p.cfws();
    let local = if p.peek() == Some(b'"') { p.quoted() } else { p.dot_atom() };
    p.cfws();
    if !local || !p.eat(b'@') {
        return false;
    }
    p.cfws();
    let domain = if p.peek() == Some(b'[') { p.literal() } else { p.dot_atom() };
    p.cfws();
    domain && p.i == p.b.len()
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        let hit = self.peek() == Some(c);
        self.i += usize::from(hit);
        hit
    }

    /// Spaces and `(comments)`, nested, with `\` pairs.
    fn cfws(&mut self) -> bool {
        loop {
            while matches!(self.peek(), Some(b' ' | b'\t')) {
                self.i += 1;
            }
            if self.peek() != Some(b'(') {
                return true;
            }
            let mut depth = 0;
            loop {
                match self.peek() {
                    None => return false,
                    Some(b'(') => depth += 1,
                    Some(b')') => depth -= 1,
                    Some(b'\\') => self.i += 1,
                    _ => {}
                }
                self.i += 1;
                if depth == 0 {
                    break;
                }
            }
        }
    }

    fn dot_atom(&mut self) -> bool {
        let atext = |c: u8| c.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&c) || c >= 0x80;
        loop {
            let start = self.i;
            while self.peek().is_some_and(atext) {
                self.i += 1;
            }
            if self.i == start {
                return false;
            }
            if !self.eat(b'.') {
                return true;
            }
        }
    }

    fn quoted(&mut self) -> bool {
        self.i += 1;
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.i += 1;
                    return true;
                }
                Some(b'\\') if self.b.get(self.i + 1).is_some_and(|&c| c == b'\t' || c >= b' ') => self.i += 2,
                Some(c) if c == b' ' || c == b'\t' || (c > b' ' && c != b'\\' && c != 0x7f) => self.i += 1,
                _ => return false,
            }
        }
    }

    fn literal(&mut self) -> bool {
        self.i += 1;
        loop {
            match self.peek() {
                Some(b']') => {
                    self.i += 1;
                    return true;
                }
                Some(c) if c == b' ' || c == b'\t' || (c > b' ' && !b"[\\".contains(&c) && c != 0x7f) => self.i += 1,
                _ => return false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::valid;

    #[test]
    fn addresses() {
        for ok in [
            "abcd@google.com",
            "a@b",
            "first.last+tag@example.co.uk",
            "\"a b\"@example.com",
            "\"a\\\"b\"@example.com",
            "a@[1.2.3.4]",
            "a(comment)@example.com",
            "jö@example.com",
        ] {
            assert!(valid(ok), "{ok}");
        }
        for bad in [
            "",
            "not-email",
            "Jo Doe <jo@example.com>",
            "a..b@example.com",
            ".a@example.com",
            "a.@example.com",
            "a@",
            "@example.com",
            "a@b@c",
            "a@example..com",
            "a b@example.com",
            "\"a@example.com",
            "a(@example.com",
        ] {
            assert!(!valid(bad), "{bad}");
        }
    }
}

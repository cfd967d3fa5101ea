//! The protocol's view of text and files: positions in the negotiated encoding, `file:` URIs,
//! and diagnostics.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::RuleId;
use crate::syntax::text::{LineIndex, TextRange};
use lsp_types::{
    ClientCapabilities, CodeDescription, DiagnosticSeverity, DiagnosticTag, NumberOrString, Position,
    PositionEncodingKind, Range, Uri,
};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The unit of `Position.character`: UTF-8 when the client offers it, else the protocol's
/// default UTF-16.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    pub fn negotiate(caps: &ClientCapabilities) -> Encoding {
        let offered = caps.general.as_ref().and_then(|g| g.position_encodings.as_ref());
        if offered.is_some_and(|kinds| kinds.contains(&PositionEncodingKind::UTF8)) {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }

    pub fn position(self, text: &str, index: &LineIndex, offset: usize) -> Position {
        let (line, col) = match self {
            Encoding::Utf8 => index.utf8_col(offset),
            Encoding::Utf16 => index.utf16_col(text, offset),
        };
        Position::new(to_u32(line), to_u32(col))
    }

    pub fn range(self, text: &str, index: &LineIndex, range: TextRange) -> Range {
        Range::new(
            self.position(text, index, range.start),
            self.position(text, index, range.end),
        )
    }

    /// The offset of `pos`; `None` when its line is past the last. A column past the end of its
    /// line means the line's end (as the protocol says).
    pub fn offset(self, text: &str, index: &LineIndex, pos: Position) -> Option<usize> {
        let (line, col) = (pos.line as usize, pos.character as usize);
        match self {
            Encoding::Utf8 => index.offset_utf8(text, line, col),
            Encoding::Utf16 => index.offset_utf16(text, line, col),
        }
    }

    /// The byte range of `range`; `None` when a line is out of range or the end is before the
    /// start.
    pub fn text_range(self, text: &str, index: &LineIndex, range: Range) -> Option<TextRange> {
        let start = self.offset(text, index, range.start)?;
        let end = self.offset(text, index, range.end)?;
        (start <= end).then(|| TextRange::new(start, end))
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The address of a rule's page.
pub fn rule_page(rule: &str) -> Option<Uri> {
    Uri::from_str(&crate::rule_url(rule)).ok()
}

pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

pub fn diagnostic(d: &Diagnostic, text: &str, index: &LineIndex, enc: Encoding) -> lsp_types::Diagnostic {
    lsp_types::Diagnostic {
        range: enc.range(text, index, d.range),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.rule.to_string())),
        code_description: rule_page(d.rule.name()).map(|href| CodeDescription { href }),
        source: Some("dfix".to_string()),
        message: d.message.clone(),
        related_information: None,
        // a suppression that suppresses nothing is dead text: editors grey it out
        tags: (d.rule == RuleId::UNUSED_SUPPRESSION).then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: None,
    }
}

/// The path of a `file:` URI (`None` for other schemes, such as `untitled:`).
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let scheme_end = s.find(':')?;
    if !s[..scheme_end].eq_ignore_ascii_case("file") {
        return None;
    }
    let rest = &s[scheme_end + 1..];
    // `file:///p` and `file://localhost/p`; `file:/p` too
    let path = match rest.strip_prefix("//") {
        Some(after) => {
            let slash = after.find('/').unwrap_or(after.len());
            let host = &after[..slash];
            if !(host.is_empty() || host.eq_ignore_ascii_case("localhost")) {
                return None;
            }
            &after[slash..]
        }
        None => rest,
    };
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let decoded = percent_decode(path)?;
    if cfg!(windows) {
        // `/C:/dir` is `C:/dir`
        let b = decoded.as_bytes();
        if b.len() >= 3 && b[0] == b'/' && b[1].is_ascii_alphabetic() && b[2] == b':' {
            return Some(PathBuf::from(&decoded[1..]));
        }
    }
    if decoded.is_empty() {
        return None;
    }
    Some(PathBuf::from(decoded))
}

/// The `file:` URI of an absolute path.
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let s = path.to_str()?;
    let s = s.replace('\\', "/");
    let mut out = String::from("file://");
    if !s.starts_with('/') {
        out.push('/');
    }
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:@!$&'()*+,;=".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&out).ok()
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(s: &str) -> Uri {
        Uri::from_str(s).unwrap()
    }

    #[test]
    fn file_uris_both_ways() {
        assert_eq!(
            uri_to_path(&uri("file:///home/a%20b/D%C3%A9v/Dockerfile")),
            Some(PathBuf::from("/home/a b/Dév/Dockerfile"))
        );
        assert_eq!(
            uri_to_path(&uri("file://localhost/x/Dockerfile")),
            Some(PathBuf::from("/x/Dockerfile"))
        );
        assert_eq!(uri_to_path(&uri("untitled:Untitled-1")), None);
        assert_eq!(uri_to_path(&uri("file://server/share/Dockerfile")), None);
        let p = Path::new("/tmp/a b/#x/Dév/Dockerfile");
        let u = path_to_uri(p).unwrap();
        assert_eq!(u.as_str(), "file:///tmp/a%20b/%23x/D%C3%A9v/Dockerfile");
        assert_eq!(uri_to_path(&u).as_deref(), Some(p));
    }

    #[test]
    fn positions_in_both_encodings() {
        let text = "FROM é\u{1F600}\nRUN x\n";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        let end = text.find('\n').unwrap();
        assert_eq!(Encoding::Utf8.position(text, &index, end), Position::new(0, 11));
        assert_eq!(Encoding::Utf16.position(text, &index, end), Position::new(0, 8));
        assert_eq!(Encoding::Utf8.position(text, &index, x), Position::new(1, 4));
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            for off in [0, 5, 7, end, x, text.len()] {
                let p = enc.position(text, &index, off);
                assert_eq!(enc.offset(text, &index, p), Some(off), "{enc:?} {off}");
            }
            assert_eq!(enc.offset(text, &index, Position::new(9, 0)), None);
            assert_eq!(
                enc.text_range(text, &index, Range::new(Position::new(1, 2), Position::new(0, 0))),
                None
            );
        }
    }
}

//! Writing a mount: the `--mount=…` flag text that BuildKit (and [`parse_mount`](super::parse_mount))
//! reads back as exactly the values given.
//!
//! Each value goes through BuildKit's three layers in reverse:
//!
//! 3. the shell lexer, with the file's escape character E: `$`, `'`, `"` and E get an E before
//!    them (never quotes, so that layer 1 can still quote the field);
//! 2. the CSV record: a field holding `,` or `"` is quoted whole (`"target=/a,b"`, `""` for a
//!    quote);
//! 1. the flag peeler (escape always `\`): a field with a blank, a quote, `\` or `$` is wrapped
//!    in `'…'` with `\` doubled, or, when it holds a `'`, each of those characters gets a `\`.
//!    `$` is protected here too because BuildKit's heredoc detection lexes the whole line, and
//!    an unquoted `${` would make it fail.
//!
//! A plain value (`/root/.cache/pip`) is written as it is. A value with a line break or another
//! control character cannot be written on one line, and a non-ASCII one cannot be written at
//! all (the flag peeler re-encodes each byte as Latin-1): the writer then gives `None`.

use super::{MountType, parse_mount};

/// A mount a fix or a completion writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMount {
    pub kind: MountType,
    pub target: String,
    pub id: Option<String>,
    pub from: Option<String>,
    pub source: Option<String>,
    /// `shared`, `private` or `locked`.
    pub sharing: Option<String>,
    pub mode: Option<u32>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
}

impl NewMount {
    pub fn cache(target: impl Into<String>) -> NewMount {
        NewMount {
            kind: MountType::Cache,
            target: target.into(),
            id: None,
            from: None,
            source: None,
            sharing: None,
            mode: None,
            uid: None,
            gid: None,
        }
    }

    /// The fields as (key, value), in the order they are written.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![
            ("type", self.kind.as_str().to_string()),
            ("target", self.target.clone()),
        ];
        let strings = [
            ("id", &self.id),
            ("from", &self.from),
            ("source", &self.source),
            ("sharing", &self.sharing),
        ];
        out.extend(strings.into_iter().filter_map(|(k, v)| Some((k, v.clone()?))));
        out.extend(self.mode.map(|m| ("mode", format!("{m:04o}"))));
        out.extend(self.uid.map(|u| ("uid", u.to_string())));
        out.extend(self.gid.map(|g| ("gid", g.to_string())));
        out
    }

    /// The value of the flag (what follows `--mount=`) for a file whose escape character is
    /// `escape`; `None` when a value cannot be written so that BuildKit reads it back.
    pub fn value(&self, escape: char) -> Option<String> {
        let fields = self.fields();
        let written: Vec<String> = fields
            .iter()
            .map(|(k, v)| write_field(k, v, escape))
            .collect::<Option<_>>()?;
        let text = written.join(",");
        // what the reader makes of it must be what was meant
        let read = parse_mount(&text, 0, escape);
        let mount = read.mount.filter(|_| read.parse_error.is_none())?;
        let back: Vec<(&str, Option<&str>)> = mount
            .fields
            .iter()
            .map(|f| (f.key.as_str(), f.value.as_deref().filter(|_| !f.dynamic)))
            .collect();
        let meant: Vec<(&str, Option<&str>)> = fields.iter().map(|(k, v)| (*k, Some(v.as_str()))).collect();
        (back == meant).then_some(text)
    }

    /// The whole flag, `--mount=…`.
    pub fn flag(&self, escape: char) -> Option<String> {
        Some(format!("--mount={}", self.value(escape)?))
    }
}

/// One field, `key=value`, as it is written in the flag text (unquoted context): BuildKit reads
/// it back as `key` and `value`. `None` when the value cannot be written.
pub fn write_field(key: &str, value: &str, escape: char) -> Option<String> {
    if !value.chars().all(|c| c == '\t' || (' '..='~').contains(&c)) {
        return None;
    }
    // BuildKit refuses a `from=` with a `$` before its last byte, escaped or not
    if key == "from" && value.contains('$') {
        return None;
    }
    let word = shell_word(value, escape);
    let field = format!("{key}={word}");
    if field.contains([',', '"']) {
        let csv = format!("\"{}\"", field.replace('"', "\"\""));
        Some(peel_protect(&csv))
    } else {
        Some(format!("{key}={}", peel_protect(&word)))
    }
}

/// The value of `target=` (or another key) as a completion writes it after `key=` in an
/// unquoted mount: `None` when it needs more than that (CSV quoting of the whole field) or
/// cannot be written.
pub fn write_value(key: &str, value: &str, escape: char) -> Option<String> {
    write_field(key, value, escape)?
        .strip_prefix(key)
        .and_then(|s| s.strip_prefix('='))
        .map(str::to_string)
}

/// Layer 3: a word the shell lexer reads as `v`.
fn shell_word(v: &str, escape: char) -> String {
    let special = |c: char| matches!(c, '$' | '\'' | '"') || c == escape;
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        if special(c) {
            out.push(escape);
        }
        out.push(c);
    }
    out
}

/// Layer 1: text the flag peeler reads as `t`, kept inside one flag word, that BuildKit's
/// raw-mode lexer (heredoc detection) reads without failing.
fn peel_protect(t: &str) -> String {
    let special = |c: char| matches!(c, ' ' | '\t' | '\'' | '"' | '\\' | '$');
    if !t.contains(special) {
        return t.to_string();
    }
    if !t.contains('\'') {
        return format!("'{}'", t.replace('\\', "\\\\"));
    }
    let mut out = String::with_capacity(t.len() + 8);
    for c in t.chars() {
        if special(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::model::Body;
    use crate::syntax::parse;

    const TRICKY: &[&str] = &[
        "/root/.cache/pip",
        "/a b",
        "/a,b",
        "/a\"b",
        "/a'b",
        "/a=b",
        "a=b=c",
        "/a$b",
        "/a${b",
        "/a${b}",
        "$HOME",
        "/a\\b",
        "/a\\",
        "\\",
        "/a`b",
        "/a`",
        "`",
        "/a\tb",
        " /a ",
        "/a,\"b' c\\d$e`f",
        "'",
        "\"",
        ",",
        "''",
        "\"\"",
        "/a\\'b",
        "/a\\\"b",
        "/a'$b\"",
        "/x/--mount=a",
        "/a<<EOF",
        "<<EOF",
        "/a#b",
        "/a;b&&c|d",
        "/a{b}c",
        "~/x",
        "-x",
        "",
    ];

    /// The first mount of the RUN of `src`, with no parse or mount error.
    fn read_back(src: &str) -> Vec<(String, Option<String>)> {
        let model = parse(src);
        assert!(model.errors.is_empty(), "{src}: {:?}", model.errors);
        let run = model.instructions.iter().find_map(|i| i.run()).expect("a RUN");
        assert!(run.mount_parse_errors.is_empty(), "{src}: {:?}", run.mount_parse_errors);
        assert_eq!(run.mounts.len(), 1, "{src}");
        run.mounts[0]
            .fields
            .iter()
            .map(|f| (f.key.clone(), f.value.clone()))
            .collect()
    }

    #[test]
    fn plain_values_are_written_as_they_are() {
        let mut m = NewMount::cache("/root/.cache/pip");
        assert_eq!(m.flag('\\').unwrap(), "--mount=type=cache,target=/root/.cache/pip");
        m.sharing = Some("locked".into());
        m.uid = Some(1000);
        m.gid = Some(1000);
        assert_eq!(
            m.flag('`').unwrap(),
            "--mount=type=cache,target=/root/.cache/pip,sharing=locked,uid=1000,gid=1000"
        );
        m.mode = Some(0o755);
        assert!(m.flag('\\').unwrap().ends_with(",mode=0755,uid=1000,gid=1000"));
    }

    #[test]
    fn written_forms() {
        let w = |v: &str| write_field("target", v, '\\').unwrap();
        assert_eq!(w("/a b"), "target='/a b'");
        assert_eq!(w("/a,b"), "'\"target=/a,b\"'");
        assert_eq!(w("/a'b"), r"target=/a\\\'b");
        assert_eq!(w("/a$b"), r"target='/a\\$b'");
        assert_eq!(write_field("target", "/a$b", '`').unwrap(), "target='/a`$b'");
        assert_eq!(write_value("target", "/a b", '\\').as_deref(), Some("'/a b'"));
        assert_eq!(write_value("target", "/a,b", '\\'), None);
    }

    #[test]
    fn what_cannot_be_written() {
        for v in ["/a\nb", "/a\rb", "/a\u{b}b", "/a\0", "/é", "/a\u{a0}b", "/a\u{85}"] {
            assert_eq!(write_field("target", v, '\\'), None, "{v:?}");
            assert_eq!(NewMount::cache(v).flag('\\'), None, "{v:?}");
        }
        let mut m = NewMount::cache("/x");
        m.from = Some("a$b".into());
        assert_eq!(m.flag('\\'), None);
    }

    /// The texts the pip fixtures' fixes write (`tests/fixtures/pip-without-cache-mount/`) are
    /// read as the intended directories.
    #[test]
    fn the_fixed_fixtures_mount_the_intended_directories() {
        let cases = [
            (
                "RUN --mount=type=cache,target='/a b' pip install --cache-dir \"/a b\" flask",
                "/a b",
            ),
            (
                "ENV PIP_CACHE_DIR=\"/a,b\"\nRUN --mount=type=cache,'\"target=/a,b\"' pip install flask",
                "/a,b",
            ),
            (
                "WORKDIR \"/my app\"\nRUN --mount=type=cache,target='/my app/c' pip install --cache-dir c flask",
                "/my app/c",
            ),
        ];
        for (text, target) in cases {
            let src = format!("FROM python:3.12-slim\n{text}\n");
            let fields = read_back(&src);
            assert_eq!(fields[1], ("target".to_string(), Some(target.to_string())), "{src}");
            let model = parse(&src);
            let run = model.instructions.last().unwrap().run().unwrap();
            let words = &run.script.as_ref().unwrap().commands[0].words;
            assert_eq!(words[0].value.as_deref(), Some("pip"), "{src}");
        }
    }

    /// Write, then read with the whole parser (flag peeling in the scanner, CSV, shell lexer):
    /// every value comes back, under both escape characters, in a plain RUN and in a RUN whose
    /// heredoc must still be found.
    #[test]
    fn every_value_round_trips() {
        for escape in ['\\', '`'] {
            let directive = if escape == '`' { "# escape=`\n" } else { "" };
            for v in TRICKY {
                let mut m = NewMount::cache(*v);
                m.id = Some(format!("id-{v}"));
                m.source = Some(v.to_string());
                m.sharing = Some("locked".into());
                m.uid = Some(1000);
                let flag = m.flag(escape).unwrap_or_else(|| panic!("{v:?} cannot be written"));
                let meant: Vec<(String, Option<String>)> =
                    m.fields().into_iter().map(|(k, v)| (k.to_string(), Some(v))).collect();
                let src = format!("{directive}FROM a\nRUN {flag} true\n");
                assert_eq!(read_back(&src), meant, "{src}");
                let src = format!("{directive}FROM a\nRUN {flag} <<EOF\ntrue\nEOF\n");
                assert_eq!(read_back(&src), meant, "{src}");
                let model = parse(&src);
                let ins = model.instructions.iter().find(|i| i.run().is_some()).unwrap();
                assert_eq!(ins.heredocs.len(), 1, "{src}");
                assert!(matches!(ins.body, Body::Run(_)));
            }
        }
    }
}

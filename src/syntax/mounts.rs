//! The value of a BuildKit `RUN --mount=…` flag: a typed mount with exact source ranges, and
//! BuildKit's validation of it.
//!
//! BuildKit reads the value in three layers, and so does [`parse_mount`]:
//!
//! 1. The flag peeler (`extractBuilderFlags`) removes `'…'`/`"…"` quotes and escapes from the
//!    flag word. We redo this on the raw source text and keep, for every unquoted byte, the raw
//!    bytes that produced it. Line continuations inside the raw text (escape, optional blanks,
//!    line break, then any blank or comment lines) are dropped first, as BuildKit's parser does.
//! 2. The result is split as one strict RFC 4180 CSV record (`go-csvvalue`). A CSV failure,
//!    and a `from=` value with a `$` before its last byte, fail the *instructions* stage: the
//!    file does not even parse for `docker build`. These are [`ParsedMount::parse_error`].
//! 3. At build time (the *dispatch* stage, only for stages that are built) every value goes
//!    through the shell lexer (quotes, escapes, `$VAR` expansion) and the full validation of
//!    `parseMount` runs. BuildKit stops at the first failure; [`ParsedMount::problems`] lists
//!    all of them, in the order BuildKit would meet them, so `problems[0]` is BuildKit's error.
//!
//! A value that refers to a variable (`$X`, `${X}`) is only known at build time: it is recorded
//! as written and never validated.

use crate::syntax::text::TextRange;
use serde::Serialize;

/// The `type=` of a mount.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum MountType {
    Bind,
    Cache,
    Tmpfs,
    Secret,
    Ssh,
    /// A type BuildKit rejects, or one that depends on a build variable (`type=$T`); as written.
    Other(String),
}

impl MountType {
    /// The known types, in a fixed order (BuildKit iterates a map for its suggestions).
    pub const KNOWN: [(&'static str, MountType); 5] = [
        ("bind", MountType::Bind),
        ("cache", MountType::Cache),
        ("tmpfs", MountType::Tmpfs),
        ("secret", MountType::Secret),
        ("ssh", MountType::Ssh),
    ];

    /// The type BuildKit names (lowercase), or the text of [`MountType::Other`].
    pub fn as_str(&self) -> &str {
        match self {
            MountType::Bind => "bind",
            MountType::Cache => "cache",
            MountType::Tmpfs => "tmpfs",
            MountType::Secret => "secret",
            MountType::Ssh => "ssh",
            MountType::Other(s) => s,
        }
    }

    /// Case-insensitive lookup of a known type.
    pub fn from_name(name: &str) -> Option<MountType> {
        let lower = name.to_lowercase();
        Self::KNOWN.iter().find(|(n, _)| *n == lower).map(|(_, t)| t.clone())
    }

    pub fn is_known(&self) -> bool {
        !matches!(self, MountType::Other(_))
    }

    /// Mounts that accept `mode`, `uid` and `gid`.
    fn allows_file_info(&self) -> bool {
        matches!(self, MountType::Secret | MountType::Ssh | MountType::Cache)
    }
}

/// One CSV field of the mount value, in source order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MountField {
    /// The key, lowercased (BuildKit compares keys case-insensitively). For a bare word
    /// (`ro`, `required`, …) the whole lowercased word, with `value` `None`.
    pub key: String,
    /// The value BuildKit uses: after unquoting, CSV, and (when it has no variable) the shell
    /// lexer's quote and escape removal. A value with a variable is kept as written.
    pub value: Option<String>,
    /// The raw source bytes of the whole field (CSV quotes included, separating comma not).
    pub range: TextRange,
    pub key_range: TextRange,
    /// The raw source bytes of the value (after the `=`).
    pub value_range: Option<TextRange>,
    /// The field as BuildKit quotes it in messages: after unquoting and CSV, not lowercased.
    pub text: String,
    /// The value as written (after unquoting and CSV, before the shell lexer).
    pub written: Option<String>,
    /// The value refers to a build variable, so it is only known at build time.
    pub dynamic: bool,
}

/// A parsed `--mount=` value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mount {
    /// The raw source range of the value (after `--mount=`).
    pub range: TextRange,
    pub fields: Vec<MountField>,
    /// From `type=` (the last one wins), `Bind` when absent.
    pub kind: MountType,
    pub type_given: bool,
    pub target: Option<String>,
    pub source: Option<String>,
    pub from: Option<String>,
    pub id: Option<String>,
    /// Lowercased when it is a valid sharing mode, else as written.
    pub sharing: Option<String>,
    /// As written (octal digits).
    pub mode: Option<String>,
    pub uid: Option<String>,
    pub gid: Option<String>,
    pub size: Option<String>,
    pub env: Option<String>,
    /// After the type's default and any `ro`/`rw` fields (a `ro=$X` leaves it unchanged).
    pub readonly: bool,
    /// `Some` when given with a known value (`required` alone is `Some(true)`).
    pub required: Option<bool>,
}

/// A message from BuildKit, located in the source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MountError {
    pub message: String,
    pub range: TextRange,
}

/// The result of [`parse_mount`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParsedMount {
    /// `None` when the CSV could not be read.
    pub mount: Option<Mount>,
    /// An instructions-stage error (CSV, `from=$…`): the Dockerfile does not parse.
    pub parse_error: Option<MountError>,
    /// Dispatch-stage errors, all of them, in the order BuildKit meets them; each at the
    /// range of the field concerned (the whole value when no field is).
    pub problems: Vec<MountError>,
}

/// Parses the raw source text of a `--mount=` value that starts at byte `offset` of the file,
/// with `escape` the Dockerfile's escape character.
pub fn parse_mount(raw: &str, offset: usize, escape: char) -> ParsedMount {
    let whole = TextRange::new(offset, offset + raw.len());
    let unq = Unquoted::new(raw, escape);
    let at = |(s, e): (usize, usize)| TextRange::new(offset + s, offset + e);

    let csv = match split_csv(unq.text.as_bytes()) {
        Ok(fields) => fields,
        Err(err) => {
            let range = match err.at {
                ErrorAt::Whole => whole,
                ErrorAt::Byte(p) => at(unq.range(p, p + 1)),
                ErrorAt::ToEnd(p) => {
                    let (s, _) = unq.range(p, p + 1);
                    at((s, raw.len()))
                }
            };
            return ParsedMount {
                mount: None,
                parse_error: Some(MountError {
                    message: format!("failed to parse csv mounts: {}", err.message),
                    range,
                }),
                problems: Vec::new(),
            };
        }
    };

    let mut fields = Vec::with_capacity(csv.len());
    let mut lex_errors = Vec::with_capacity(csv.len());
    for field in &csv {
        let (field, lex_error) = build_field(&unq, field, escape, offset);
        fields.push(field);
        lex_errors.push(lex_error);
    }

    let parse_error = fields.iter().find_map(|f| {
        let v = f.written.as_deref()?;
        (f.key == "from" && has_expansion(v)).then(|| MountError {
            message: "'from' doesn't support variable expansion, define alias stage instead".into(),
            range: f.range,
        })
    });

    let (mount, problems) = Checker::new(whole).run(fields, &lex_errors);
    ParsedMount {
        mount: Some(mount),
        parse_error,
        problems,
    }
}

/// BuildKit's instructions-stage test on `from=`: a `$` that is not the last byte.
fn has_expansion(v: &str) -> bool {
    v.find('$').is_some_and(|i| i + 1 != v.len())
}

impl Mount {
    /// `mode` as a number, when it is valid octal (`ParseUint(v, 8, 32)`).
    pub fn mode_bits(&self) -> Option<u32> {
        go_parse_u32(self.mode.as_deref()?, 8)
    }

    pub fn uid_num(&self) -> Option<u32> {
        go_parse_u32(self.uid.as_deref()?, 10)
    }

    pub fn gid_num(&self) -> Option<u32> {
        go_parse_u32(self.gid.as_deref()?, 10)
    }

    /// The field that decides `key_canonical` (the last one, as in BuildKit). Aliases match:
    /// `"target"` also finds `dst` and `destination`, `"readonly"` finds `ro`, bare words
    /// included.
    pub fn field(&self, key_canonical: &str) -> Option<&MountField> {
        let lower = key_canonical.to_lowercase();
        let want = canonical_key(&lower);
        self.fields.iter().rev().find(|f| canonical_key(&f.key) == want)
    }

    /// The cache id BuildKit uses (before its namespace prefix): `id`, else the cleaned
    /// target. `None` when neither is given.
    pub fn cache_id(&self) -> Option<String> {
        match (&self.id, &self.target) {
            (Some(id), _) if !id.is_empty() => Some(id.clone()),
            (_, Some(target)) => Some(clean_path(target)),
            _ => None,
        }
    }

    /// The mount as the corpus oracle (`buildkit-parse.jsonl`) records it.
    pub fn oracle_json(&self) -> serde_json::Value {
        use serde_json::Value;
        let mut m = serde_json::Map::new();
        m.insert("type".into(), Value::from(self.kind.as_str()));
        let strings = [
            ("target", &self.target),
            ("source", &self.source),
            ("from", &self.from),
            ("id", &self.id),
            ("mode", &self.mode),
            ("sharing", &self.sharing),
        ];
        for (key, value) in strings {
            if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
                m.insert(key.into(), Value::from(v));
            }
        }
        let numbers = [("uid", &self.uid, self.uid_num()), ("gid", &self.gid, self.gid_num())];
        for (key, text, num) in numbers {
            match (num, text.as_deref()) {
                (Some(n), _) => {
                    m.insert(key.into(), Value::from(n));
                }
                (None, Some(t)) if !t.is_empty() => {
                    m.insert(key.into(), Value::from(t));
                }
                _ => {}
            }
        }
        m.insert("readonly".into(), Value::from(self.readonly));
        if self.required == Some(true) {
            m.insert("required".into(), Value::from(true));
        }
        Value::Object(m)
    }
}

/// `source` for `src`, `target` for `dst`/`destination`, `readonly` for `ro`, `readwrite`
/// for `rw`; any other key unchanged.
fn canonical_key(key: &str) -> &str {
    match key {
        "src" => "source",
        "dst" | "destination" => "target",
        "ro" => "readonly",
        "rw" => "readwrite",
        k => k,
    }
}

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

// ---------------------------------------------------------------------------------------------
// Layer 1: the flag peeler's unquoting, with a map back to the raw text.

/// The unquoted value, and for each of its bytes the raw span (relative to the value) that
/// produced it: an escaped character's span includes its escape.
struct Unquoted {
    text: String,
    spans: Vec<(usize, usize)>,
    /// Quoted sections: raw offsets of the opening quote and of the closing one (`None` when
    /// the section runs to the end), in order.
    quotes: Vec<(usize, Option<usize>)>,
    raw_len: usize,
}

impl Unquoted {
    fn new(raw: &str, escape: char) -> Self {
        let mut out = Unquoted {
            text: String::with_capacity(raw.len()),
            spans: Vec::new(),
            quotes: Vec::new(),
            raw_len: raw.len(),
        };
        let mut quote: Option<char> = None;
        let mut i = 0;
        while let Some(c) = raw[i..].chars().next() {
            let next = i + c.len_utf8();
            if c == escape {
                if let Some(resume) = continuation_end(raw, next) {
                    i = resume;
                    continue;
                }
                // The escape drops itself and copies what follows; at the end it is dropped.
                if let Some(d) = raw[next..].chars().next() {
                    let end = next + d.len_utf8();
                    out.push(d, (i, end));
                    i = end;
                } else {
                    i = next;
                }
                continue;
            }
            match quote {
                None if c == '\'' || c == '"' => {
                    quote = Some(c);
                    out.quotes.push((i, None));
                }
                Some(q) if c == q => {
                    quote = None;
                    if let Some(last) = out.quotes.last_mut() {
                        last.1 = Some(i);
                    }
                }
                _ => out.push(c, (i, next)),
            }
            i = next;
        }
        out
    }

    fn push(&mut self, c: char, span: (usize, usize)) {
        self.text.push(c);
        self.spans.extend(std::iter::repeat_n(span, c.len_utf8()));
    }

    /// Where an empty piece at unquoted position `u` sits in the raw text.
    fn anchor(&self, u: usize) -> usize {
        match u.checked_sub(1).and_then(|p| self.spans.get(p)) {
            Some(&(_, end)) => end,
            None => self.spans.first().map_or(0, |s| s.0),
        }
    }

    /// Widens a raw span over the dropped quote characters that belong to it, so that the
    /// span stays balanced: `target="/a"` rather than `target="/a`, and a value `"/a"` rather
    /// than `/a`. Quotes that also enclose text outside the span are left out.
    fn widen(&self, (mut s, mut e): (usize, usize)) -> (usize, usize) {
        let opening_at = |p: usize| self.quotes.iter().find(|q| q.0 == p).copied();
        let closing_at = |p: usize| self.quotes.iter().find(|q| q.1 == Some(p)).copied();
        loop {
            // An empty quoted section (`""`) just after the span belongs to it.
            if let Some((_, Some(c))) = opening_at(e)
                && c == e + 1
            {
                e = c + 1;
                continue;
            }
            if let Some((o, close)) = s.checked_sub(1).and_then(opening_at) {
                match close {
                    Some(c) if c < e => {
                        s = o;
                        continue;
                    }
                    Some(c) if c == e => {
                        (s, e) = (o, c + 1);
                        continue;
                    }
                    None if e == self.raw_len => {
                        s = o;
                        continue;
                    }
                    _ => {}
                }
            }
            if let Some((o, Some(c))) = closing_at(e)
                && o >= s
            {
                e = c + 1;
                continue;
            }
            return (s, e);
        }
    }

    /// The raw span of the unquoted bytes `a..b`.
    fn range(&self, a: usize, b: usize) -> (usize, usize) {
        match (self.spans.get(a), b.checked_sub(1).and_then(|l| self.spans.get(l))) {
            (Some(first), Some(last)) if a < b => (first.0, last.1.max(first.0)),
            _ => {
                let p = self.anchor(a.min(self.spans.len()));
                (p, p)
            }
        }
    }
}

/// If an escape ending just before `from` starts a line continuation (blanks, a line break,
/// then any blank or comment lines), where the continued text resumes.
fn continuation_end(raw: &str, from: usize) -> Option<usize> {
    let b = raw.as_bytes();
    let mut k = from;
    while matches!(b.get(k), Some(b' ' | b'\t')) {
        k += 1;
    }
    while b.get(k) == Some(&b'\r') {
        k += 1;
    }
    if b.get(k) != Some(&b'\n') {
        return None;
    }
    k += 1;
    loop {
        let line_end = raw[k..].find('\n').map(|n| k + n);
        let line = raw[k..line_end.unwrap_or(raw.len())].trim_start();
        if !(line.is_empty() || line.starts_with('#')) {
            return Some(k);
        }
        match line_end {
            Some(e) => k = e + 1,
            None => return Some(raw.len()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Layer 2: one strict CSV record, as `go-csvvalue` reads it.

struct CsvField {
    /// Unquoted-text span of the field, CSV quotes included.
    span: (usize, usize),
    /// Where the content begins (after an opening CSV quote).
    content_start: usize,
    /// For each content byte, the unquoted span that produced it (`""` gives one `"`).
    content: Vec<(usize, usize)>,
}

enum ErrorAt {
    Whole,
    Byte(usize),
    ToEnd(usize),
}

struct CsvError {
    message: String,
    at: ErrorAt,
}

const BARE_QUOTE: &str = "bare \" in non-quoted-field";
const QUOTE: &str = "extraneous or missing \" in quoted-field";

fn split_csv(text: &[u8]) -> Result<Vec<CsvField>, CsvError> {
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
fn build_field(unq: &Unquoted, field: &CsvField, escape: char, offset: usize) -> (MountField, Option<String>) {
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
            Some(format!("failed to process {}: {e}", go_quote(&written))),
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

// ---------------------------------------------------------------------------------------------
// Layer 3: the shell lexer BuildKit runs on each value at build time.

enum Word {
    /// No variable: the value after quote and escape removal.
    Static(String),
    /// Refers to a variable; known only at build time.
    Dynamic,
    /// The lexer fails (an unterminated quote).
    Error(&'static str),
}

/// BuildKit's `ProcessWord` on a value, up to the first variable reference.
fn shell_word(s: &str, escape: char) -> Word {
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
fn dollar_is_literal(next: Option<char>) -> bool {
    match next {
        None => true,
        Some(c) => {
            !(c == '{' || c == '_' || c.is_alphanumeric() || matches!(c, '@' | '*' | '#' | '?' | '-' | '$' | '!'))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Dispatch-stage validation (`parseMount` with an expander, then `dispatchRunMounts`).

/// Field indexes of the last field that set each attribute.
#[derive(Default)]
struct Setters {
    kind: Option<usize>,
    target: Option<usize>,
    source: Option<usize>,
    from: Option<usize>,
    id: Option<usize>,
    sharing: Option<usize>,
    mode: Option<usize>,
    uid: Option<usize>,
    gid: Option<usize>,
}

struct Checker {
    mount: Mount,
    problems: Vec<MountError>,
    ro_auto: bool,
    set: Setters,
}

/// Every key `parseMount` knows (aliases included), whatever the type.
pub const ALL_KEYS: [&str; 19] = [
    "type",
    "from",
    "source",
    "target",
    "readonly",
    "id",
    "sharing",
    "required",
    "size",
    "mode",
    "uid",
    "gid",
    "src",
    "dst",
    "destination",
    "ro",
    "rw",
    "readwrite",
    "env",
];
pub const SHARING_MODES: [&str; 3] = ["shared", "private", "locked"];

impl Checker {
    fn new(range: TextRange) -> Self {
        Checker {
            mount: Mount {
                range,
                fields: Vec::new(),
                kind: MountType::Bind,
                type_given: false,
                target: None,
                source: None,
                from: None,
                id: None,
                sharing: None,
                mode: None,
                uid: None,
                gid: None,
                size: None,
                env: None,
                readonly: true,
                required: None,
            },
            problems: Vec::new(),
            ro_auto: true,
            set: Setters::default(),
        }
    }

    fn problem(&mut self, message: String, range: TextRange) {
        self.problems.push(MountError { message, range });
    }

    fn run(mut self, fields: Vec<MountField>, lex_errors: &[Option<String>]) -> (Mount, Vec<MountError>) {
        for (i, field) in fields.iter().enumerate() {
            let lex_error = lex_errors.get(i).cloned().flatten();
            let failed = lex_error.is_some();
            if let Some(e) = lex_error {
                self.problem(e, field.range);
            }
            self.field(i, field, failed);
        }
        self.mount.fields = fields;
        self.finish();
        (self.mount, self.problems)
    }

    /// The type-dependent check of `required` and `size`: against the type seen so far.
    fn check_key_for_type(&mut self, key: &str, allowed: bool, range: TextRange) {
        if self.mount.kind.is_known() && !allowed {
            let kind = self.mount.kind.as_str();
            self.problem(format!("unexpected key '{key}' for mount type '{kind}'"), range);
        }
    }

    /// One field, against the state so far. `lex_failed`: the shell lexer rejected the value,
    /// so it is not checked further.
    fn field(&mut self, i: usize, f: &MountField, lex_failed: bool) {
        let r = f.range;
        let Some(value) = f.value.clone() else {
            match f.key.as_str() {
                "readonly" | "ro" => self.set_readonly(true),
                "readwrite" | "rw" => self.set_readonly(false),
                "required" => {
                    let ok = matches!(self.mount.kind, MountType::Secret | MountType::Ssh);
                    self.check_key_for_type("required", ok, r);
                    self.mount.required = Some(true);
                }
                _ => self.problem(format!("invalid field '{}' must be a key=value pair", f.text), r),
            }
            return;
        };
        // Only a value known now is checked; an expanded one may be anything.
        let known = (!f.dynamic && !lex_failed).then_some(value.as_str());
        match f.key.as_str() {
            "type" => {
                self.mount.type_given = true;
                self.set.kind = Some(i);
                self.mount.kind = match known.map(MountType::from_name) {
                    Some(Some(t)) => t,
                    Some(None) => {
                        let names = MountType::KNOWN.map(|(n, _)| n);
                        let msg = format!("unsupported mount type {}", go_quote(&value));
                        self.problem(with_suggestion(msg, &value, &names), r);
                        MountType::Other(value)
                    }
                    None => MountType::Other(value),
                };
            }
            "from" => {
                self.set.from = Some(i);
                self.mount.from = Some(value);
            }
            "source" | "src" => {
                self.set.source = Some(i);
                self.mount.source = Some(value);
            }
            "target" | "dst" | "destination" => {
                self.set.target = Some(i);
                self.mount.target = Some(value);
            }
            key @ ("readonly" | "ro" | "readwrite" | "rw") => {
                if let Some(v) = known {
                    match go_parse_bool(v) {
                        Some(b) => self.set_readonly(b == matches!(key, "readonly" | "ro")),
                        None => self.problem(format!("invalid value for {key}: {v}"), r),
                    }
                }
            }
            "required" => {
                let ok = matches!(self.mount.kind, MountType::Secret | MountType::Ssh);
                self.check_key_for_type("required", ok, r);
                if let Some(v) = known {
                    match go_parse_bool(v) {
                        Some(b) => self.mount.required = Some(b),
                        None if ok => self.problem(format!("invalid value for required: {v}"), r),
                        None => {}
                    }
                }
            }
            "size" => {
                let ok = self.mount.kind == MountType::Tmpfs;
                self.check_key_for_type("size", ok, r);
                if let Some(v) = known
                    && ok
                    && !go_ram_in_bytes_ok(v)
                {
                    self.problem(format!("invalid value for size: {v}"), r);
                }
                self.mount.size = Some(value);
            }
            "id" => {
                self.set.id = Some(i);
                self.mount.id = Some(value);
            }
            "sharing" => {
                self.set.sharing = Some(i);
                let lower = value.to_lowercase();
                if known.is_some() && SHARING_MODES.contains(&lower.as_str()) {
                    self.mount.sharing = Some(lower);
                } else {
                    if known.is_some() {
                        let msg = format!("unsupported sharing value {}", go_quote(&value));
                        self.problem(with_suggestion(msg, &value, &SHARING_MODES), r);
                    }
                    self.mount.sharing = Some(value);
                }
            }
            key @ ("mode" | "uid" | "gid") => {
                let radix = if key == "mode" { 8 } else { 10 };
                if let Some(v) = known
                    && go_parse_u32(v, radix).is_none()
                {
                    self.problem(format!("invalid value {v} for {key}"), r);
                }
                let (slot, setter) = match key {
                    "mode" => (&mut self.mount.mode, &mut self.set.mode),
                    "uid" => (&mut self.mount.uid, &mut self.set.uid),
                    _ => (&mut self.mount.gid, &mut self.set.gid),
                };
                *slot = Some(value);
                *setter = Some(i);
            }
            "env" => self.mount.env = Some(value),
            key => {
                let msg = format!("unexpected key '{key}' in '{}'", f.text);
                self.problem(with_suggestion(msg, key, &ALL_KEYS), r);
            }
        }
    }

    fn set_readonly(&mut self, readonly: bool) {
        self.mount.readonly = readonly;
        self.ro_auto = false;
    }

    /// The range of field `i`, or of the whole value.
    fn range_of(&self, i: Option<usize>) -> TextRange {
        i.and_then(|i| self.mount.fields.get(i))
            .map_or(self.mount.range, |f| f.range)
    }

    /// The checks after the loop (`parseMount`), then those of `dispatchRunMounts`.
    fn finish(&mut self) {
        let kind = self.mount.kind.clone();
        let given = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.is_empty());

        if kind.is_known() && !kind.allows_file_info() {
            let set = [("mode", self.set.mode), ("uid", self.set.uid), ("gid", self.set.gid)];
            for (name, i) in set.into_iter().filter(|(_, i)| i.is_some()) {
                let kind = go_quote(kind.as_str());
                let msg = format!("{name} not allowed for {kind} type mounts");
                self.problem(msg, self.range_of(i));
            }
        }

        if self.ro_auto {
            self.mount.readonly = !matches!(kind, MountType::Cache | MountType::Tmpfs);
        }

        if kind == MountType::Secret {
            let m = &self.mount;
            let (from, sharing) = (given(&m.from), given(&m.sharing));
            let (source, target, id) = (given(&m.source), given(&m.target), given(&m.id));
            if from {
                let msg = "secret mount should not have a from";
                self.problem(msg.into(), self.range_of(self.set.from));
            }
            if sharing {
                let msg = "secret mount should not define sharing";
                self.problem(msg.into(), self.range_of(self.set.sharing));
            }
            if !source && !target && !id {
                let msg = "invalid secret mount. one of source, target required";
                self.problem(msg.into(), self.range_of(self.set.kind));
            }
            if source && id {
                let later = self.set.source.max(self.set.id);
                let msg = "both source and id can't be set";
                self.problem(msg.into(), self.range_of(later));
            }
        } else if kind.is_known() && kind != MountType::Cache && given(&self.mount.sharing) {
            let msg = format!("invalid cache sharing set for {} mount", kind.as_str());
            self.problem(msg, self.range_of(self.set.sharing));
        }

        // `dispatchRunMounts`.
        if kind == MountType::Ssh && given(&self.mount.source) {
            let msg = "ssh does not support source";
            self.problem(msg.into(), self.range_of(self.set.source));
        }
        let target = self.set.target.and_then(|i| self.mount.fields.get(i));
        if matches!(kind, MountType::Bind | MountType::Cache | MountType::Tmpfs)
            && target.is_some_and(|f| !f.dynamic && f.value.as_deref() == Some("/"))
        {
            let msg = "invalid mount target \"/\"";
            self.problem(msg.into(), self.range_of(self.set.target));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Go library behaviour the messages depend on.

/// `strconv.ParseBool`.
fn go_parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// `strconv.ParseUint(s, radix, 32)` with an explicit radix: digits only, no sign, prefix or
/// underscore.
fn go_parse_u32(s: &str, radix: u32) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    s.chars()
        .try_fold(0u32, |acc, c| acc.checked_mul(radix)?.checked_add(c.to_digit(radix)?))
}

/// Whether go-units `RAMInBytes` accepts `s`.
fn go_ram_in_bytes_ok(s: &str) -> bool {
    let Some(sep) = s.rfind(|c: char| c.is_ascii_digit() || c == '.' || c == ' ') else {
        return false;
    };
    let (num, sfx) = if s.as_bytes()[sep] == b' ' {
        (&s[..sep], &s[sep + 1..])
    } else {
        (&s[..=sep], &s[sep + 1..])
    };
    match go_parse_float(num) {
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
fn go_parse_float(s: &str) -> Option<f64> {
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    if unsigned.starts_with("0x") || unsigned.starts_with("0X") {
        return Some(0.0);
    }
    let v: f64 = s.parse().ok()?;
    // Go reports overflow as an error; Rust rounds it to infinity.
    (!v.is_infinite() || unsigned.to_ascii_lowercase().starts_with("inf")).then_some(v)
}

/// Go's `%q` (`strconv.Quote`).
fn go_quote(s: &str) -> String {
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
            c if is_go_printable(c) => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `unicode.IsPrint`: no controls, no spaces but ASCII space, and no
/// common format characters.
fn is_go_printable(c: char) -> bool {
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

/// BuildKit's `suggest.WrapError` (case-sensitive): appends ` (did you mean x?)` for the first
/// option within Levenshtein distance 2, unless `value` is one of the options.
fn with_suggestion(message: String, value: &str, options: &[&str]) -> String {
    if options.contains(&value) {
        return message;
    }
    match crate::suggest::nearest(value, options.iter().copied()) {
        Some(opt) => format!("{message} (did you mean {opt}?)"),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> ParsedMount {
        parse_mount(raw, 0, '\\')
    }

    fn mount(raw: &str) -> Mount {
        let p = parse(raw);
        assert_eq!(p.parse_error, None, "{raw}");
        p.mount.expect("CSV parses")
    }

    fn problems(raw: &str) -> Vec<String> {
        parse(raw).problems.into_iter().map(|p| p.message).collect()
    }

    fn parse_error(raw: &str) -> String {
        parse(raw).parse_error.expect("a parse error").message
    }

    /// Parses the value of the first `--mount=` in `src`, which ends with ` true`.
    fn in_source(src: &str, escape: char) -> (ParsedMount, usize) {
        let start = src.find("--mount=").expect("a mount flag") + "--mount=".len();
        let end = src.strip_suffix(" true").expect("ends with ` true`").len();
        (parse_mount(&src[start..end], start, escape), start)
    }

    fn slices<'a>(src: &'a str, f: &MountField) -> (&'a str, &'a str, Option<&'a str>) {
        (
            f.range.slice(src),
            f.key_range.slice(src),
            f.value_range.map(|r| r.slice(src)),
        )
    }

    #[test]
    fn plain_ranges() {
        let src = "RUN --mount=type=cache,target=/root/.cache,ro true";
        let (p, start) = in_source(src, '\\');
        let m = p.mount.unwrap();
        assert_eq!(m.range, TextRange::new(start, start + 33));
        assert_eq!(m.range.slice(src), "type=cache,target=/root/.cache,ro");
        assert_eq!(m.fields.len(), 3);
        assert_eq!(slices(src, &m.fields[0]), ("type=cache", "type", Some("cache")));
        assert_eq!(
            slices(src, &m.fields[1]),
            ("target=/root/.cache", "target", Some("/root/.cache"))
        );
        assert_eq!(slices(src, &m.fields[2]), ("ro", "ro", None));
        assert_eq!(m.fields[1].key, "target");
        assert_eq!(m.fields[1].value.as_deref(), Some("/root/.cache"));
        assert_eq!(m.fields[2].value, None);
        assert_eq!(m.fields[0].key_range, TextRange::new(start, start + 4));
        assert_eq!(m.fields[0].value_range, Some(TextRange::new(start + 5, start + 10)));
        assert!(p.problems.is_empty());
    }

    #[test]
    fn keys_are_lowercased_but_ranges_and_text_are_as_written() {
        let src = "RUN --mount=Type=Cache,TARGET=/x true";
        let m = in_source(src, '\\').0.mount.unwrap();
        assert_eq!(m.fields[0].key, "type");
        assert_eq!(m.fields[0].text, "Type=Cache");
        assert_eq!(slices(src, &m.fields[0]), ("Type=Cache", "Type", Some("Cache")));
        assert_eq!(m.kind, MountType::Cache);
        assert_eq!(m.fields[1].key, "target");
        assert_eq!(m.target.as_deref(), Some("/x"));
    }

    #[test]
    fn wholly_quoted_value() {
        let src = r#"RUN --mount="type=cache,target=/a b" true"#;
        let start = src.find('"').unwrap();
        let raw = &src[start..src.len() - 5];
        assert_eq!(raw, r#""type=cache,target=/a b""#);
        let p = parse_mount(raw, start, '\\');
        let m = p.mount.unwrap();
        assert_eq!(m.range.slice(src), raw);
        assert_eq!(m.target.as_deref(), Some("/a b"));
        // The shell quotes enclose both fields, so neither field's range takes them.
        assert_eq!(slices(src, &m.fields[0]), ("type=cache", "type", Some("cache")));
        assert_eq!(slices(src, &m.fields[1]), ("target=/a b", "target", Some("/a b")));
        assert_eq!(m.fields[0].range.start, start + 1);
        assert_eq!(m.fields[1].range.end, start + raw.len() - 1);
    }

    #[test]
    fn quoted_value_ranges_take_their_quotes() {
        let src = r#"RUN --mount=type=cache,target="/var/cache/apt",sharing=locked true"#;
        let m = in_source(src, '\\').0.mount.unwrap();
        let f = &m.fields[1];
        assert_eq!(
            slices(src, f),
            (r#"target="/var/cache/apt""#, "target", Some(r#""/var/cache/apt""#))
        );
        assert_eq!(f.value.as_deref(), Some("/var/cache/apt"));
        assert_eq!(m.target.as_deref(), Some("/var/cache/apt"));
        assert_eq!(slices(src, &m.fields[2]), ("sharing=locked", "sharing", Some("locked")));

        // A single field quoted whole takes the quotes too.
        let src = r#"RUN --mount='type=cache' true"#;
        let m = in_source(src, '\\').0.mount.unwrap();
        assert_eq!(slices(src, &m.fields[0]), ("'type=cache'", "type", Some("cache")));
        // A quote inside a key.
        let src = r#"RUN --mount="ty"pe=tmpfs true"#;
        let m = in_source(src, '\\').0.mount.unwrap();
        assert_eq!(m.kind, MountType::Tmpfs);
        assert_eq!(
            slices(src, &m.fields[0]),
            (r#""ty"pe=tmpfs"#, r#""ty"pe"#, Some("tmpfs"))
        );
        // An empty quoted value.
        let src = r#"RUN --mount=type=cache,id="",target=/x true"#;
        let m = in_source(src, '\\').0.mount.unwrap();
        assert_eq!(slices(src, &m.fields[1]), (r#"id="""#, "id", Some(r#""""#)));
        assert_eq!(m.id.as_deref(), Some(""));
        assert_eq!(m.cache_id().as_deref(), Some("/x"));
    }

    #[test]
    fn escaped_input() {
        let src = r"RUN --mount=target=/a\ b,type=cache true";
        let m = in_source(src, '\\').0.mount.unwrap();
        assert_eq!(m.target.as_deref(), Some("/a b"));
        assert_eq!(slices(src, &m.fields[0]), (r"target=/a\ b", "target", Some(r"/a\ b")));
        assert_eq!(slices(src, &m.fields[1]), ("type=cache", "type", Some("cache")));

        // The escape does not protect a comma from the CSV split.
        let m = mount(r"target=/a\,b");
        assert_eq!(m.fields.len(), 2);
        assert_eq!(m.target.as_deref(), Some("/a"));
        assert_eq!(
            problems(r"target=/a\,b"),
            ["invalid field 'b' must be a key=value pair"]
        );

        // An escaped key character; an escape at the very end is dropped.
        let src = r"RUN --mount=t\ype=cache,target=/x\ true";
        let (p, _) = in_source(src, '\\');
        let m = p.mount.unwrap();
        assert_eq!(m.kind, MountType::Cache);
        assert_eq!(slices(src, &m.fields[0]).1, r"t\ype");
        assert_eq!(m.target.as_deref(), Some("/x"));
        assert_eq!(m.fields[1].value_range.unwrap().slice(src), "/x");
    }

    #[test]
    fn backtick_escape() {
        let src = "RUN --mount=type=bind,target=C:\\cache,source=a` b true";
        let m = in_source(src, '`').0.mount.unwrap();
        assert_eq!(m.target.as_deref(), Some("C:\\cache"));
        assert_eq!(m.source.as_deref(), Some("a b"));
        assert_eq!(slices(src, &m.fields[2]).2, Some("a` b"));
        // With the default escape the backslash would be dropped by the peeler.
        let m = mount(r"target=C:\cache");
        assert_eq!(m.target.as_deref(), Some("C:cache"));
    }

    #[test]
    fn csv_quoted_fields() {
        // The CSV quotes must survive the flag peeler, so they are inside shell quotes.
        let src = r#"RUN --mount='"target=/a,b"',type=cache true"#;
        let m = in_source(src, '\\').0.mount.unwrap();
        assert_eq!(m.fields.len(), 2);
        assert_eq!(m.target.as_deref(), Some("/a,b"));
        assert_eq!(
            slices(src, &m.fields[0]),
            (r#"'"target=/a,b"'"#, "target", Some("/a,b"))
        );
        assert_eq!(m.fields[0].text, "target=/a,b");
        assert_eq!(slices(src, &m.fields[1]), ("type=cache", "type", Some("cache")));

        // `""` is a literal quote, which the build-time shell lexer then sees.
        let p = parse(r#"'"target=a""b"'"#);
        let m = p.mount.unwrap();
        assert_eq!(m.fields[0].written.as_deref(), Some("a\"b"));
        assert_eq!(
            p.problems[0].message,
            r#"failed to process "a\"b": unexpected end of statement while looking for matching double-quote"#
        );
    }

    #[test]
    fn shell_lexer_on_values() {
        let m = mount(r#""target='/a b'""#);
        assert_eq!(m.target.as_deref(), Some("/a b"));
        assert_eq!(m.fields[0].written.as_deref(), Some("'/a b'"));
        assert!(!m.fields[0].dynamic);
        // `$` in single quotes is literal; at the end or before a non-name character too.
        let m = mount(r#""id='$x'",target=/a$,source=a$/b"#);
        assert_eq!(m.id.as_deref(), Some("$x"));
        assert!(!m.fields[0].dynamic);
        assert_eq!(m.target.as_deref(), Some("/a$"));
        assert_eq!(m.source.as_deref(), Some("a$/b"));
        // A doubly escaped backslash reaches the lexer as one escape.
        let m = mount(r"target=/a\\b");
        assert_eq!(m.fields[0].written.as_deref(), Some(r"/a\b"));
        assert_eq!(m.target.as_deref(), Some("/ab"));
        assert_eq!(
            problems(r#""target='/a""#),
            [r#"failed to process "'/a": unexpected end of statement while looking for matching single-quote"#]
        );
        // A value the lexer rejects is not checked further.
        let p = parse(r#""type='cache""#);
        assert_eq!(p.problems.len(), 1);
        assert_eq!(p.mount.unwrap().kind, MountType::Other("'cache".into()));
    }

    #[test]
    fn variables_are_recorded_not_validated() {
        let p = parse("type=cache,target=$DIR,id=pip-${ARCH},mode=$M,uid=${U},sharing=$S");
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let m = p.mount.unwrap();
        assert_eq!(m.target.as_deref(), Some("$DIR"));
        assert_eq!(m.id.as_deref(), Some("pip-${ARCH}"));
        assert_eq!(m.mode.as_deref(), Some("$M"));
        assert_eq!(m.mode_bits(), None);
        assert!(m.fields[1].dynamic && m.fields[2].dynamic && !m.fields[0].dynamic);
        assert_eq!(m.cache_id().as_deref(), Some("pip-${ARCH}"));
        // An unknown type: no check depends on it.
        let p = parse("type=$T,mode=x1,required,size=1g");
        assert_eq!(p.mount.unwrap().kind, MountType::Other("$T".into()));
        assert_eq!(p.problems.len(), 1);
        assert_eq!(p.problems[0].message, "invalid value x1 for mode");
        // Presence still counts: mode on a bind mount fails whatever it expands to.
        assert_eq!(problems("mode=$M"), ["mode not allowed for \"bind\" type mounts"]);
    }

    #[test]
    fn continuation_inside_the_value() {
        let src = "RUN --mount=type=cache,\\\n# comment\n\ntarget=/x true";
        let start = src.find("type").unwrap();
        let end = src.rfind(' ').unwrap();
        let m = parse_mount(&src[start..end], start, '\\').mount.unwrap();
        assert_eq!(m.fields.len(), 2);
        assert_eq!(m.target.as_deref(), Some("/x"));
        assert_eq!(slices(src, &m.fields[0]), ("type=cache", "type", Some("cache")));
        assert_eq!(slices(src, &m.fields[1]), ("target=/x", "target", Some("/x")));
        // Inside a field, the field's range spans the continuation.
        let src = "RUN --mount=type=cache,tar\\  \r\nget=/x true";
        let start = src.find("type").unwrap();
        let end = src.rfind(' ').unwrap();
        let m = parse_mount(&src[start..end], start, '\\').mount.unwrap();
        assert_eq!(m.target.as_deref(), Some("/x"));
        assert_eq!(m.fields[1].key_range.slice(src), "tar\\  \r\nget");
    }

    #[test]
    fn csv_errors() {
        assert_eq!(
            parse_error(r#"'type="cache'"#),
            r#"failed to parse csv mounts: parse error on line 1, column 6: bare " in non-quoted-field"#
        );
        let p = parse(r#"'type="cache'"#);
        assert!(p.mount.is_none());
        assert!(p.problems.is_empty());
        assert_eq!(p.parse_error.unwrap().range, TextRange::new(6, 7));
        assert_eq!(
            parse_error(r#"'a,"type"x'"#),
            r#"failed to parse csv mounts: parse error on line 1, column 8: extraneous or missing " in quoted-field"#
        );
        let p = parse(r#"'a,"type'"#);
        assert_eq!(
            p.parse_error.as_ref().unwrap().message,
            r#"failed to parse csv mounts: parse error on line 1, column 4: extraneous or missing " in quoted-field"#
        );
        assert_eq!(p.parse_error.unwrap().range, TextRange::new(3, 9));
        // Columns count each non-ASCII byte twice (BuildKit re-encodes them as Latin-1).
        assert_eq!(
            parse_error(r#"'é"'"#),
            r#"failed to parse csv mounts: parse error on line 1, column 5: bare " in non-quoted-field"#
        );
        assert_eq!(parse_error(""), "failed to parse csv mounts: EOF");
        assert_eq!(parse_error("''"), "failed to parse csv mounts: EOF");
        assert_eq!(parse("''").parse_error.unwrap().range, TextRange::new(0, 2));
    }

    #[test]
    fn from_with_a_variable() {
        let msg = "'from' doesn't support variable expansion, define alias stage instead";
        assert_eq!(parse_error("from=$STAGE,target=/x"), msg);
        assert_eq!(parse_error("target=/x,FROM=a${X}"), msg);
        let p = parse("target=/x,from=$$");
        assert_eq!(p.parse_error.unwrap().range, TextRange::new(10, 17));
        assert!(p.mount.is_some());
        for ok in ["from=a$", "from=$", "from=stage", "id=$X"] {
            assert_eq!(parse(ok).parse_error, None, "{ok}");
        }
        // Only the instructions-stage check: a bare `from` is left for dispatch.
        assert_eq!(parse("from").parse_error, None);
    }

    #[test]
    fn dispatch_errors() {
        let cases: &[(&str, &str)] = &[
            ("type=foo", r#"unsupported mount type "foo""#),
            ("type=cahce", r#"unsupported mount type "cahce" (did you mean cache?)"#),
            ("ro=yes", "invalid value for ro: yes"),
            ("readonly=2", "invalid value for readonly: 2"),
            ("rw=on", "invalid value for rw: on"),
            ("READWRITE=x", "invalid value for readwrite: x"),
            ("type=secret,id=a,required=maybe", "invalid value for required: maybe"),
            ("required", "unexpected key 'required' for mount type 'bind'"),
            (
                "required,type=secret,id=a",
                "unexpected key 'required' for mount type 'bind'",
            ),
            (
                "type=cache,required=true",
                "unexpected key 'required' for mount type 'cache'",
            ),
            ("Required", "unexpected key 'required' for mount type 'bind'"),
            ("z", "invalid field 'z' must be a key=value pair"),
            ("type=bind,Z", "invalid field 'Z' must be a key=value pair"),
            ("type=cache,size=1g", "unexpected key 'size' for mount type 'cache'"),
            ("type=tmpfs,size=big", "invalid value for size: big"),
            ("type=cache,sharing=foo", r#"unsupported sharing value "foo""#),
            (
                "type=cache,sharing=lockd",
                r#"unsupported sharing value "lockd" (did you mean locked?)"#,
            ),
            ("sharing=locked", "invalid cache sharing set for bind mount"),
            ("type=tmpfs,sharing=shared", "invalid cache sharing set for tmpfs mount"),
            ("type=cache,mode=0o755", "invalid value 0o755 for mode"),
            ("type=cache,mode=8", "invalid value 8 for mode"),
            ("type=cache,mode=+7", "invalid value +7 for mode"),
            ("type=cache,mode=", "invalid value  for mode"),
            ("type=cache,mode=40000000000", "invalid value 40000000000 for mode"),
            ("type=cache,uid=abc", "invalid value abc for uid"),
            ("type=cache,gid=-1", "invalid value -1 for gid"),
            ("type=cache,uid=4294967296", "invalid value 4294967296 for uid"),
            ("mode=755", r#"mode not allowed for "bind" type mounts"#),
            ("type=tmpfs,uid=1", r#"uid not allowed for "tmpfs" type mounts"#),
            ("gid=1", r#"gid not allowed for "bind" type mounts"#),
            ("bogus=bar", "unexpected key 'bogus' in 'bogus=bar'"),
            ("foo=bar", "unexpected key 'foo' in 'foo=bar' (did you mean from?)"),
            (
                "Tagret=/x",
                "unexpected key 'tagret' in 'Tagret=/x' (did you mean target?)",
            ),
            ("=x", "unexpected key '' in '=x' (did you mean id?)"),
            ("type=secret,id=a,from=b", "secret mount should not have a from"),
            (
                "type=secret,id=a,sharing=locked",
                "secret mount should not define sharing",
            ),
            ("type=secret", "invalid secret mount. one of source, target required"),
            ("type=secret,source=a,id=b", "both source and id can't be set"),
            ("target=/", r#"invalid mount target "/""#),
            ("type=cache,target=/", r#"invalid mount target "/""#),
            ("type=ssh,source=a", "ssh does not support source"),
        ];
        for (raw, want) in cases {
            let got = problems(raw);
            assert_eq!(got.first().map(String::as_str), Some(*want), "{raw}: {got:?}");
            assert_eq!(parse(raw).parse_error, None, "{raw}");
        }
    }

    #[test]
    fn valid_mounts_have_no_problems() {
        for raw in [
            "type=cache,target=/root/.cache/pip",
            "target=/x",
            "type=CACHE,target=/x,sharing=LOCKED,mode=0755,uid=1000,gid=1000,id=x",
            "type=tmpfs,target=/t,size=64m",
            "type=tmpfs,target=/t,size=1.5GiB",
            "type=tmpfs,target=/t,size=100 kb",
            "type=tmpfs,target=/t,size=4096",
            "type=secret,id=a,required",
            "type=secret,id=a,required=false",
            "type=secret,target=/run/secrets/a,mode=0400,uid=1,gid=2",
            "type=secret,source=a,env=TOKEN",
            "type=ssh",
            "type=ssh,id=default,required=t",
            "type=bind,from=builder,source=/out,target=/in,rw",
            "type=bind,target=/x,ro=1,readwrite=0",
            "target=//",
        ] {
            let p = parse(raw);
            assert!(p.problems.is_empty() && p.parse_error.is_none(), "{raw}: {p:?}");
        }
    }

    #[test]
    fn all_problems_are_listed_in_order_at_their_fields() {
        let src = "z,mode=9,type=tmpfs,uid=1,sharing=locked";
        let p = parse_mount(src, 100, '\\');
        let got: Vec<(&str, &str)> = p
            .problems
            .iter()
            .map(|e| (e.message.as_str(), &src[e.range.start - 100..e.range.end - 100]))
            .collect();
        assert_eq!(
            got,
            [
                ("invalid field 'z' must be a key=value pair", "z"),
                ("invalid value 9 for mode", "mode=9"),
                (r#"mode not allowed for "tmpfs" type mounts"#, "mode=9"),
                (r#"uid not allowed for "tmpfs" type mounts"#, "uid=1"),
                ("invalid cache sharing set for tmpfs mount", "sharing=locked"),
            ]
        );
        // Secret checks point at the fields concerned, or at the type.
        let src = "type=secret,from=x,sharing=locked";
        let p = parse(src);
        let got: Vec<&str> = p.problems.iter().map(|e| e.range.slice(src)).collect();
        assert_eq!(got, ["from=x", "sharing=locked", "type=secret"]);
        let src = "type=secret,id=a,src=b";
        assert_eq!(parse(src).problems[0].range.slice(src), "src=b");
    }

    #[test]
    fn aliases() {
        let m = mount("type=bind,src=/a,dst=/b,from=s,ro");
        assert_eq!((m.source.as_deref(), m.target.as_deref()), (Some("/a"), Some("/b")));
        assert_eq!(m.field("target").unwrap().key, "dst");
        assert_eq!(m.field("dst").unwrap().key, "dst");
        assert_eq!(m.field("source").unwrap().key, "src");
        assert_eq!(m.field("readonly").unwrap().key, "ro");
        assert!(m.field("id").is_none());
        let m = mount("destination=/c,source=/d");
        assert_eq!(m.target.as_deref(), Some("/c"));
        assert_eq!(m.field("Target").unwrap().key, "destination");
        // The last one wins, and `field` finds it.
        let m = mount("target=/a,dst=/b,type=cache,type=tmpfs");
        assert_eq!(m.target.as_deref(), Some("/b"));
        assert_eq!(m.field("target").unwrap().value.as_deref(), Some("/b"));
        assert_eq!(m.kind, MountType::Tmpfs);
        assert!(m.type_given);
        let m = mount("type=cache,readonly=true");
        assert!(m.readonly);
        let m = mount("type=bind,readwrite");
        assert!(!m.readonly);
        assert_eq!(m.field("rw").unwrap().key, "readwrite");
    }

    #[test]
    fn octal_mode_and_ids() {
        let m = mount("type=cache,target=/x,mode=755,uid=1000,gid=0");
        assert_eq!(m.mode_bits(), Some(0o755));
        assert_eq!(m.mode.as_deref(), Some("755"));
        assert_eq!(mount("type=cache,mode=0755").mode_bits(), Some(0o755));
        assert_eq!(mount("type=cache,mode=0o755").mode_bits(), None);
        assert_eq!(mount("type=cache,mode=37777777777").mode_bits(), Some(u32::MAX));
        assert_eq!((m.uid_num(), m.gid_num()), (Some(1000), Some(0)));
        assert_eq!(mount("type=cache,uid=0x10").uid_num(), None);
        assert_eq!(mount("type=cache").mode_bits(), None);
    }

    #[test]
    fn defaults() {
        let m = mount("target=/x");
        assert_eq!(m.kind, MountType::Bind);
        assert!(!m.type_given);
        assert!(m.readonly);
        assert_eq!(m.required, None);
        assert_eq!((m.sharing.as_ref(), m.id.as_ref(), m.from.as_ref()), (None, None, None));
        for (raw, ro) in [
            ("type=bind", true),
            ("type=cache", false),
            ("type=tmpfs", false),
            ("type=secret,id=a", true),
            ("type=ssh", true),
            ("type=cache,ro", true),
            ("type=cache,ro=false", false),
            ("type=bind,rw", false),
            ("type=bind,rw=false", true),
            ("rw,type=cache,ro", true),
        ] {
            assert_eq!(mount(raw).readonly, ro, "{raw}");
        }
        assert_eq!(mount("type=secret,id=a,required").required, Some(true));
        assert_eq!(mount("type=secret,id=a,required=0").required, Some(false));
        assert_eq!(mount("type=cache,sharing=Locked").sharing.as_deref(), Some("locked"));
    }

    #[test]
    fn cache_ids() {
        assert_eq!(
            mount("type=cache,target=/root/.cache/").cache_id().as_deref(),
            Some("/root/.cache")
        );
        assert_eq!(mount("type=cache,target=a//b/../c").cache_id().as_deref(), Some("a/c"));
        assert_eq!(mount("type=cache,target=/x,id=pip").cache_id().as_deref(), Some("pip"));
        assert_eq!(mount("type=cache,target=/x,id=").cache_id().as_deref(), Some("/x"));
        assert_eq!(mount("type=cache").cache_id(), None);
    }

    #[test]
    fn go_path_clean() {
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
    fn oracle_shape() {
        let m = mount("type=secret,id=mysecret,dst=/mysecret,uid=1000,gid=1001,mode=0444,required");
        assert_eq!(
            m.oracle_json(),
            serde_json::json!({
                "type": "secret", "target": "/mysecret", "id": "mysecret", "mode": "0444",
                "uid": 1000, "gid": 1001, "readonly": true, "required": true
            })
        );
        let m = mount("type=cache,target=/var/cache/apt,sharing=LOCKED,from=img,source=/c");
        assert_eq!(
            m.oracle_json(),
            serde_json::json!({
                "type": "cache", "target": "/var/cache/apt", "source": "/c", "from": "img",
                "sharing": "locked", "readonly": false
            })
        );
        let m = mount("type=secret,id=a,required=false,target=");
        assert_eq!(
            m.oracle_json(),
            serde_json::json!({"type": "secret", "id": "a", "readonly": true})
        );
    }

    #[test]
    fn go_helpers() {
        assert_eq!(go_quote("a\"b\\c\n\u{1}\u{a0}é"), r#""a\"b\\c\n\x01\u00a0é""#);
        assert_eq!(with_suggestion("m".into(), "xyz", &["bind"]), "m");
        assert_eq!(with_suggestion("m".into(), "bind", &["bind", "bin"]), "m");
        for ok in ["0", "1.5", "10 ", "1k", "1KiB", "2mb", "3G", "1b", ".5m", "1e3"] {
            assert!(go_ram_in_bytes_ok(ok), "{ok}");
        }
        for bad in ["", "k", "-1", "1x", "1kk", "1kib2", "1bb", "1 2", "1e400", " "] {
            assert!(!go_ram_in_bytes_ok(bad), "{bad}");
        }
        assert_eq!(go_parse_bool("True"), Some(true));
        assert_eq!(go_parse_bool("tRUE"), None);
        assert_eq!(go_parse_u32("777", 8), Some(0o777));
        assert_eq!(go_parse_u32("1_0", 10), None);
    }

    /// Every range lies inside the value, on character boundaries, with start <= end.
    fn check_ranges(raw: &str, offset: usize, p: &ParsedMount) {
        let whole = TextRange::new(offset, offset + raw.len());
        let ok = |r: TextRange| {
            r.start <= r.end
                && whole.contains_range(r)
                && raw.is_char_boundary(r.start - offset)
                && raw.is_char_boundary(r.end - offset)
        };
        let mut all: Vec<TextRange> = p.problems.iter().map(|e| e.range).collect();
        all.extend(p.parse_error.iter().map(|e| e.range));
        if let Some(m) = &p.mount {
            assert_eq!(m.range, whole);
            for f in &m.fields {
                all.extend([f.range, f.key_range]);
                all.extend(f.value_range);
                assert!(f.range.contains_range(f.key_range), "{raw:?}: {f:?}");
                if let Some(v) = f.value_range {
                    assert!(f.range.contains_range(v), "{raw:?}: {f:?}");
                    assert!(f.key_range.end <= v.start, "{raw:?}: {f:?}");
                }
            }
        }
        for r in all {
            assert!(ok(r), "{raw:?}: {r:?} in {p:?}");
        }
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        for raw in [
            "",
            "\"",
            "'",
            "\\",
            "`",
            ",,,",
            "=",
            "==",
            "=,=",
            "\"\"\"",
            "'\"'",
            "\"'\"",
            "é",
            "é,ü=ß",
            "type=caché",
            "\u{1F600}=\u{1F600}",
            "\n",
            "\r\n",
            "a\n",
            "\\\n",
            "\\\n#x",
            "\"a\nb\"",
            "type=cache,\\",
            "$",
            "from=$",
            "from=${",
            "id=${",
            "'\\",
            "\"\\\"",
            "a=\"",
            "\u{85}",
        ] {
            for escape in ['\\', '`'] {
                let p = parse_mount(raw, 7, escape);
                check_ranges(raw, 7, &p);
                if let Some(m) = &p.mount {
                    let _ = (m.oracle_json(), m.cache_id(), m.mode_bits(), m.field("target"));
                }
            }
        }
        assert_eq!(problems(",,,").len(), 4);
        assert_eq!(problems(",,,")[0], "invalid field '' must be a key=value pair");
    }

    #[test]
    fn exhaustive_short_inputs() {
        const ALPHABET: [&str; 12] = ["\"", "'", "\\", "`", ",", "=", "$", "a", "é", " ", "\n", "#"];
        let mut inputs = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = inputs
                .iter()
                .filter(|s| s.chars().count() == inputs.last().map_or(0, |l| l.chars().count()))
                .flat_map(|s| ALPHABET.iter().map(move |c| format!("{s}{c}")))
                .collect();
            inputs.extend(longer);
        }
        assert!(inputs.len() > 20_000);
        for raw in &inputs {
            for escape in ['\\', '`'] {
                check_ranges(raw, 3, &parse_mount(raw, 3, escape));
            }
        }
    }
}

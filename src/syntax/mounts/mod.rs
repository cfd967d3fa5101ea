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

mod csv;
#[cfg(test)]
mod tests;
mod unquote;
mod validate;
mod word;
mod write;

use super::go;
use crate::syntax::text::TextRange;
use csv::{ErrorAt, build_field, split_csv};
use serde::Serialize;
use unquote::Unquoted;
use validate::Checker;
pub use validate::{ALL_KEYS, SHARING_MODES};
pub use write::{NewMount, write_field, write_value};

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
        go::parse_u32(self.mode.as_deref()?, 8)
    }

    pub fn uid_num(&self) -> Option<u32> {
        go::parse_u32(self.uid.as_deref()?, 10)
    }

    pub fn gid_num(&self) -> Option<u32> {
        go::parse_u32(self.gid.as_deref()?, 10)
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
            (_, Some(target)) => Some(go::clean_path(target)),
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

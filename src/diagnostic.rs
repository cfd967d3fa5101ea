//! What a rule reports, and the edits that fix it.

use crate::syntax::text::TextRange;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// Replace `range` with `content` (an insertion when the range is empty).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub range: TextRange,
    pub content: String,
}

impl Edit {
    pub fn insert(at: usize, content: impl Into<String>) -> Edit {
        Edit {
            range: TextRange::empty(at),
            content: content.into(),
        }
    }
    pub fn replace(range: TextRange, content: impl Into<String>) -> Edit {
        Edit {
            range,
            content: content.into(),
        }
    }
    pub fn delete(range: TextRange) -> Edit {
        Edit {
            range,
            content: String::new(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Applied by `--write`.
    Safe,
    /// Applied by `--write --unsafe-fixes`.
    Unsafe,
    /// Shown, never applied.
    DisplayOnly,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// What to do, in the imperative.
    pub title: String,
    pub applicability: Applicability,
    /// Non-overlapping, sorted by start.
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn new(title: impl Into<String>, applicability: Applicability, mut edits: Vec<Edit>) -> Fix {
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        Fix {
            title: title.into(),
            applicability,
            edits,
        }
    }
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix::new(title, Applicability::Safe, edits)
    }
    pub fn unsafe_(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix::new(title, Applicability::Unsafe, edits)
    }
    /// The range every edit lies in.
    pub fn range(&self) -> TextRange {
        self.edits
            .iter()
            .map(|e| e.range)
            .reduce(TextRange::cover)
            .unwrap_or_default()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub rule: crate::rules::RuleId,
    pub severity: Severity,
    pub message: String,
    pub range: TextRange,
    /// The fix `--write` may apply.
    pub fix: Option<Fix>,
    /// Other fixes, offered but never applied by `--write`.
    pub alternatives: Vec<Fix>,
    /// Why there is no fix, where the rule knows (one line, lowercase).
    pub no_fix_reason: Option<String>,
}

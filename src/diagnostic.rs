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
    /// Sorted by start, none overlapping another (checked on construction).
    edits: Vec<Edit>,
    /// The cache mounts the fix adds, checked once it is applied (`fix::fix_all`).
    #[serde(skip)]
    added_mounts: Vec<AddedMount>,
}

/// A cache mount a fix writes: the offset of the instruction's text where its flag goes, and
/// the target BuildKit must read from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddedMount {
    pub at: usize,
    pub target: String,
}

impl Fix {
    /// A fix of these edits, in any order. Edits that overlap are a bug in the rule that made
    /// them: this panics, and the rule's panic is reported as an internal error.
    pub fn new(title: impl Into<String>, applicability: Applicability, mut edits: Vec<Edit>) -> Fix {
        let title = title.into();
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        if let Some(w) = edits.windows(2).find(|w| w[0].range.end > w[1].range.start) {
            panic!(
                "the fix `{title}` has overlapping edits: {:?} and {:?}",
                w[0].range, w[1].range
            );
        }
        Fix {
            title,
            applicability,
            edits,
            added_mounts: Vec::new(),
        }
    }
    /// The same fix, which adds these cache mounts.
    pub fn with_added_mounts(mut self, mounts: Vec<AddedMount>) -> Fix {
        self.added_mounts = mounts;
        self
    }
    pub fn added_mounts(&self) -> &[AddedMount] {
        &self.added_mounts
    }
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix::new(title, Applicability::Safe, edits)
    }
    pub fn unsafe_(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix::new(title, Applicability::Unsafe, edits)
    }
    /// The edits, sorted by start and not overlapping.
    pub fn edits(&self) -> &[Edit] {
        &self.edits
    }
    /// The same fix with one more edit (checked like the others).
    pub fn with_edit(self, edit: Edit) -> Fix {
        let mut edits = self.edits;
        edits.push(edit);
        Fix::new(self.title, self.applicability, edits).with_added_mounts(self.added_mounts)
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
    /// The upstream code of a finding whose rule reports many (`shellcheck`: ShellCheck's
    /// number, `2086` for SC2086), which suppressions and `--ignore` match on their own.
    pub code: Option<u16>,
}

impl Diagnostic {
    /// The name a suppression of this finding alone uses: its code (`SC2086`), else its rule.
    pub fn suppression_name(&self) -> String {
        match self.code {
            Some(code) => crate::settings::shellcheck_name(code),
            None => self.rule.name().to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fix_sorts_its_edits() {
        let fix = Fix::safe("x", vec![Edit::insert(9, "b"), Edit::delete(TextRange::new(2, 4))])
            .with_edit(Edit::insert(0, "a"));
        let starts: Vec<usize> = fix.edits().iter().map(|e| e.range.start).collect();
        assert_eq!(starts, [0, 2, 9]);
        // insertions at one offset keep their order, and may touch a replaced range
        let fix = Fix::safe("y", vec![Edit::insert(4, "1"), Edit::insert(4, "2")]);
        assert_eq!(fix.edits()[1].content, "2");
        Fix::safe("z", vec![Edit::delete(TextRange::new(2, 4)), Edit::insert(4, "c")]);
    }

    #[test]
    #[should_panic(expected = "overlapping edits")]
    fn overlapping_edits_are_refused() {
        Fix::safe("x", vec![Edit::delete(TextRange::new(2, 6))]).with_edit(Edit::insert(3, "a"));
    }
}

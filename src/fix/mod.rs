//! Applying fixes: one pass takes every eligible preferred fix that does not overlap one already
//! taken; passes repeat until nothing applies. A pass that makes the file parse worse is undone.

pub mod diff;
pub mod write;

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::rules::RuleId;
use crate::settings::Settings;

/// The most passes before giving up.
pub const MAX_PASSES: usize = 10;

#[derive(Debug, Default)]
pub struct FixOutcome {
    /// The fixed text (the original when nothing applied or the fix failed).
    pub text: String,
    /// How many fixes were applied, per rule.
    pub applied: Vec<Applied>,
    /// Set when fixing had to stop: the text is then the original.
    pub failure: Option<String>,
    /// The findings in the original text.
    pub original: Vec<Diagnostic>,
    /// The findings in `text` when it differs from the original (`None`: they are `original`).
    pub remaining: Option<Vec<Diagnostic>>,
}

/// The fixes of one rule that were applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Applied {
    pub rule: RuleId,
    pub count: usize,
}

impl FixOutcome {
    pub fn count(&self) -> usize {
        self.applied.iter().map(|a| a.count).sum()
    }
}

/// `a, b` for a message.
fn names(rules: impl Iterator<Item = RuleId>) -> String {
    rules.map(RuleId::name).collect::<Vec<_>>().join(", ")
}

pub fn eligible(fix: &Fix, unsafe_fixes: bool) -> bool {
    match fix.applicability {
        Applicability::Safe => true,
        Applicability::Unsafe => unsafe_fixes,
        Applicability::DisplayOnly => false,
    }
}

/// Applies the fixes of one pass; returns the new text and the rules whose fixes were taken.
pub fn apply_once(src: &str, diagnostics: &[Diagnostic], unsafe_fixes: bool) -> Option<(String, Vec<RuleId>)> {
    // registry order is the diagnostics' order for equal starts: a stable tie-break
    let mut fixes: Vec<(&Fix, RuleId, usize)> = diagnostics
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            d.fix
                .as_ref()
                .filter(|f| eligible(f, unsafe_fixes) && !f.edits().is_empty())
                .map(|f| (f, d.rule, i))
        })
        .collect();
    fixes.sort_by_key(|(f, _, i)| (f.range().start, *i));
    let mut taken: Vec<&Edit> = Vec::new();
    let mut rules = Vec::new();
    let mut last_end: Option<usize> = None;
    let mut seen: Vec<&Fix> = Vec::new();
    for (fix, rule, _) in fixes {
        if seen.contains(&fix) {
            continue; // the same fix reported twice (e.g. one mount for two commands)
        }
        let r = fix.range();
        if last_end.is_some_and(|end| r.start < end) {
            continue;
        }
        last_end = Some(r.end);
        taken.extend(fix.edits());
        rules.push(rule);
        seen.push(fix);
    }
    if taken.is_empty() {
        return None;
    }
    let out = apply_edits(src, &taken);
    Some((out, rules))
}

/// Applies non-overlapping edits, sorted by start.
pub fn apply_edits(src: &str, edits: &[&Edit]) -> String {
    let mut out = String::with_capacity(src.len() + edits.iter().map(|e| e.content.len()).sum::<usize>());
    let mut pos = 0;
    for e in edits {
        out.push_str(&src[pos..e.range.start]);
        out.push_str(&e.content);
        pos = e.range.end;
    }
    out.push_str(&src[pos..]);
    out
}

/// Lints and fixes `src` to a fixpoint. Each pass parses its text once, for the parse-error
/// guard and the lint alike.
pub fn fix_all(src: &str, settings: &Settings, unsafe_fixes: bool) -> FixOutcome {
    let model = crate::syntax::parse(src);
    let baseline = model.errors.len();
    let original = crate::rules::check_all(src, &model, settings);
    let failed = |original: Vec<Diagnostic>, failure: String| FixOutcome {
        text: src.to_string(),
        applied: Vec::new(),
        failure: Some(failure),
        remaining: None,
        original,
    };
    let mut text = src.to_string();
    let mut diagnostics: Option<Vec<Diagnostic>> = None; // `None`: those of `original`
    let mut applied: Vec<Applied> = Vec::new();
    for _ in 0..MAX_PASSES {
        let Some((next, rules)) = apply_once(&text, diagnostics.as_ref().unwrap_or(&original), unsafe_fixes) else {
            return FixOutcome {
                text,
                applied,
                failure: None,
                remaining: diagnostics,
                original,
            };
        };
        let model = crate::syntax::parse(&next);
        if model.errors.len() > baseline {
            let failure = format!(
                "internal error: a fix by {} would make the file fail to parse; nothing was changed",
                names(rules.into_iter())
            );
            return failed(original, failure);
        }
        for rule in rules {
            match applied.iter_mut().find(|a| a.rule == rule) {
                Some(a) => a.count += 1,
                None => applied.push(Applied { rule, count: 1 }),
            }
        }
        diagnostics = Some(crate::rules::check_all(&next, &model, settings));
        text = next;
    }
    let failure = format!(
        "internal error: fixes did not converge after {MAX_PASSES} passes ({}); nothing was changed",
        names(applied.iter().map(|a| a.rule))
    );
    failed(original, failure)
}

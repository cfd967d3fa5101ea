//! Applying fixes: one pass takes every eligible preferred fix that does not overlap one already
//! taken; passes repeat until nothing applies. A pass that makes the file parse worse is undone.

pub mod diff;
pub mod write;

use crate::diagnostic::{AddedMount, Applicability, Diagnostic, Edit, Fix};
use crate::rules::RuleId;
use crate::settings::Settings;
use crate::syntax::mounts::MountType;

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

/// What one pass did: the new text, the rules whose fixes were taken, and the cache mounts
/// those fixes add, with their offsets in the new text.
pub struct Pass {
    pub text: String,
    pub rules: Vec<RuleId>,
    pub mounts: Vec<(RuleId, AddedMount)>,
}

/// Applies the fixes of one pass.
pub fn apply_once(src: &str, diagnostics: &[Diagnostic], unsafe_fixes: bool) -> Option<Pass> {
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
    let mut mounts: Vec<(RuleId, AddedMount)> = Vec::new();
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
        mounts.extend(fix.added_mounts().iter().map(|m| (rule, m.clone())));
    }
    if taken.is_empty() {
        return None;
    }
    // an offset of the old text in the new one (after whatever was inserted there)
    for (_, m) in &mut mounts {
        let shift: isize = taken
            .iter()
            .filter(|e| e.range.end <= m.at)
            .map(|e| e.content.len() as isize - (e.range.end - e.range.start) as isize)
            .sum();
        m.at = (m.at as isize + shift) as usize;
    }
    let text = apply_edits(src, &taken);
    Some(Pass { text, rules, mounts })
}

/// The first added mount that the parsed result does not have: no cache mount of the
/// instruction at its offset reads back with its target.
fn mount_not_read_back<'a>(
    model: &crate::syntax::model::Dockerfile,
    mounts: &'a [(RuleId, AddedMount)],
) -> Option<&'a (RuleId, AddedMount)> {
    mounts.iter().find(|(_, m)| {
        let run = model
            .instructions
            .iter()
            .find(|i| i.range.start <= m.at && m.at <= i.range.end)
            .and_then(|i| i.effective().run());
        !run.is_some_and(|r| {
            r.mounts.iter().any(|x| {
                matches!(x.kind, MountType::Cache | MountType::Tmpfs) && x.target.as_deref() == Some(m.target.as_str())
            })
        })
    })
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
        let Some(Pass {
            text: next,
            rules,
            mounts,
        }) = apply_once(&text, diagnostics.as_ref().unwrap_or(&original), unsafe_fixes)
        else {
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
        if let Some((rule, m)) = mount_not_read_back(&model, &mounts) {
            let failure = format!(
                "internal error: a fix by {} would add a cache mount that BuildKit does not read as `{}`; nothing was changed",
                rule.name(),
                m.target
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{Selection, Settings};

    fn added(src: &str, target: &str) -> Vec<(RuleId, AddedMount)> {
        let at = src.find("RUN ").unwrap() + 4;
        vec![(
            RuleId::PIP_WITHOUT_CACHE_MOUNT,
            AddedMount {
                at,
                target: target.into(),
            },
        )]
    }

    #[test]
    fn an_added_mount_must_read_back_with_its_target() {
        // what the fix wrote before the writer: BuildKit reads `/a` and runs a command `b`
        let bad = "FROM a\nRUN --mount=type=cache,target=/a b pip install x\n";
        let model = crate::syntax::parse(bad);
        assert!(mount_not_read_back(&model, &added(bad, "/a b")).is_some());
        let good = "FROM a\nRUN --mount=type=cache,target='/a b' pip install x\n";
        let model = crate::syntax::parse(good);
        assert!(mount_not_read_back(&model, &added(good, "/a b")).is_none());
    }

    #[test]
    fn the_mounts_of_a_pass_are_found_at_their_new_offsets() {
        let src = "FROM python:3.12\nRUN pip install x\nRUN pip install --cache-dir \"/a b\" x\n";
        let settings = Settings::from_selection(&Selection::default()).unwrap();
        let model = crate::syntax::parse(src);
        let diagnostics = crate::rules::check_all(src, &model, &settings);
        let pass = apply_once(src, &diagnostics, false).unwrap();
        // the second mount's offset moved with the first mount's text
        assert_eq!(pass.mounts.len(), 2, "{}", pass.text);
        assert!(pass.mounts[1].1.at > src.rfind("RUN").unwrap() + 4);
        let model = crate::syntax::parse(&pass.text);
        assert!(mount_not_read_back(&model, &pass.mounts).is_none());
        assert!(fix_all(src, &settings, false).failure.is_none());
    }
}

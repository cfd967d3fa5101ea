use super::{Context, Family, FixAvailability, RULES, RuleId, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::settings::selector_names;
use crate::suppress::Origin;
use crate::syntax::text::{LineIndex, TextRange};

pub static META: RuleMeta = RuleMeta {
    name: "unused-suppression",
    family: Family::Core,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &[],
    related: &[],
    summary: "a `# dfix:` suppression that suppresses nothing",
    options: &[],
    fix_priority: 400,
    after_suppressions: true,
    doc: include_str!("../../../rules/unused-suppression.md"),
};

/// The whole line of a comment, its line break included.
fn whole_line(src: &str, comment: TextRange) -> TextRange {
    let index = LineIndex::new(src);
    let line = index.line_of(comment.start);
    let end = src[comment.end..].find('\n').map_or(src.len(), |i| comment.end + i + 1);
    TextRange::new(index.line_start(line), end)
}

/// Runs after the other rules and the suppressions: `ctx.suppressions` says which were used.
/// Only `# dfix:` comments are judged (hadolint pragmas and `# check=` directives are left
/// alone), and only names whose rules ran.
pub fn check(ctx: &mut Context) {
    let Some(super::Judged { suppressions: sups, used }) = ctx.suppressions else { return };
    let src = ctx.src;
    for (s, used) in sups.iter().zip(used) {
        if s.origin != Origin::Dfix {
            continue;
        }
        if s.breaks_directives {
            let fix = Fix::unsafe_("Remove the comment", vec![Edit::delete(whole_line(src, s.comment))]);
            ctx.report_with_fix(s.comment, "this comment ends the parser-directive block, so the directives below it are ignored; it is not honoured", Some(fix));
            continue;
        }
        if s.all {
            if !used[0]
                && RULES
                    .iter()
                    .all(|r| ctx.settings.is_enabled(r.id) || r.meta.status != Status::Stable)
            {
                let fix = Fix::safe(
                    "Remove the unused suppression",
                    vec![Edit::delete(whole_line(src, s.comment))],
                );
                ctx.report_with_fix(s.comment, "`ignore-file` suppresses nothing", Some(fix));
            }
            continue;
        }
        // a name is judged only when one of its rules ran; an unknown name is reported but
        // never removed: it is a typo to correct, not a suppression to delete
        let ran = |rules: &[RuleId]| rules.iter().any(|&id| ctx.settings.is_enabled(id));
        let unused: Vec<usize> = (0..s.names.len())
            .filter(|&n| !used[n] && !s.names[n].unknown && ran(&s.names[n].rules))
            .collect();
        for name in s.names.iter().filter(|n| n.unknown) {
            let hint = crate::suggest::did_you_mean(&name.text, selector_names());
            let d = ctx.report(
                name.range,
                format!("unknown rule `{}` in a suppression{hint}", name.text),
            );
            d.no_fix_reason =
                Some("an unknown name is kept for you to correct: dfix does not guess the rule meant".into());
        }
        if unused.is_empty() {
            continue;
        }
        let keep: Vec<&str> = (0..s.names.len())
            .filter(|n| !unused.contains(n))
            .map(|n| s.names[n].text.as_str())
            .collect();
        let edit = match s.list {
            Some(list) if !keep.is_empty() => Edit::replace(list, keep.join(",")),
            _ => Edit::delete(whole_line(src, s.comment)),
        };
        let title = if keep.is_empty() {
            "Remove the unused suppression"
        } else {
            "Remove the unused names"
        };
        for &n in &unused {
            let name = &s.names[n];
            let fix = Fix::safe(title, vec![edit.clone()]);
            ctx.report_with_fix(
                name.range,
                format!("`{}` suppresses nothing here", name.text),
                Some(fix),
            );
        }
    }
}

use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::syntax::model::Kind;

pub static META: RuleMeta = RuleMeta {
    name: "empty-continuation-line",
    family: Family::Instructions,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &["NoEmptyContinuation"],
    related: &[],
    summary: "a blank line inside an instruction continued with `\\`",
    options: &[],
    fix_priority: 414,
    after_suppressions: false,
    doc: include_str!("../../../rules/empty-continuation-line.md"),
};

pub fn check(ctx: &mut Context) {
    let src = ctx.src;
    for ins in &ctx.model.instructions {
        for &line in &ins.empty_lines {
            let keyword = ins.keyword.to_ascii_uppercase();
            // the first line after the blank one that is neither blank nor a comment: when it
            // starts with an instruction, the `\` before the blank line was most likely a slip
            let next = src[line.end..ins.range.end.max(line.end)]
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty() && !l.starts_with('#'));
            let swallowed = next
                .and_then(|l| l.split_whitespace().next())
                .filter(|w| Kind::from_word(w) != Kind::Unknown);
            if let Some(word) = swallowed {
                let d = ctx.report(
                    line,
                    format!(
                        "blank line inside the continued `{keyword}` instruction: BuildKit skips it \
                         and reads the `{word}` line after it as more of this `{keyword}`; is the \
                         escape character that continues the line before it a slip?"
                    ),
                );
                d.no_fix_reason = Some(format!(
                    "deleting the blank line would hide that the `{word}` line is part of the `{keyword}`"
                ));
                continue;
            }
            let fix = Fix::safe("Delete the blank line", vec![Edit::delete(line)]);
            ctx.report_with_fix(
                line,
                format!("blank line inside the continued `{keyword}` instruction: BuildKit skips it, and plans to refuse it"),
                Some(fix),
            );
        }
    }
}

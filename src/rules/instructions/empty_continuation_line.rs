use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};

pub static META: RuleMeta = RuleMeta {
    name: "empty-continuation-line",
    family: Family::Instructions,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Always,
    status: Status::Preview,
    sources: &["NoEmptyContinuation"],
    related: &[],
    summary: "a blank line inside an instruction continued with `\\`",
    options: &[],
    fix_priority: 414,
    after_suppressions: false,
    doc: include_str!("../../../rules/empty-continuation-line.md"),
};

pub fn check(ctx: &mut Context) {
    for ins in &ctx.model.instructions {
        for &line in &ins.empty_lines {
            let fix = Fix::safe("Delete the blank line", vec![Edit::delete(line)]);
            ctx.report_with_fix(
                line,
                format!(
                    "blank line inside the continued `{}` instruction: BuildKit skips it, and \
                     plans to refuse it",
                    ins.keyword.to_ascii_uppercase()
                ),
                Some(fix),
            );
        }
    }
}

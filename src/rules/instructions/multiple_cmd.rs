use super::common::overridden_in_stage;
use super::edits::delete_instruction;
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Fix, Severity};
use crate::syntax::model::Kind;

pub static META: RuleMeta = RuleMeta {
    name: "multiple-cmd",
    family: Family::Instructions,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Always,
    status: Status::Preview,
    sources: &["DL4003", "MultipleInstructionsDisallowed"],
    related: &[],
    summary: "a `CMD` that a later `CMD` of the same stage overrides",
    options: &[],
    fix_priority: 402,
    after_suppressions: false,
    doc: include_str!("../../../rules/multiple-cmd.md"),
};

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    for (earlier, later) in overridden_in_stage(model, Kind::Cmd) {
        let ins = &model.instructions[earlier];
        let fix = Fix::unsafe_(
            "Delete the overridden `CMD`",
            vec![delete_instruction(model, ins)],
        );
        ctx.report_with_fix(
            ins.keyword_range,
            format!(
                "this `CMD` has no effect: the `CMD` on line {} of the same stage replaces it",
                model.instructions[later].start_line
            ),
            Some(fix),
        );
    }
}

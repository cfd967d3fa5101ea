use super::common::overridden_in_stage;
use super::edits::delete_instruction;
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Fix, Severity};
use crate::syntax::model::Kind;

pub static META: RuleMeta = RuleMeta {
    name: "multiple-entrypoint",
    family: Family::Instructions,
    severity: Severity::Error,
    breaks_build: false,
    fix: FixAvailability::Always,
    status: Status::Preview,
    sources: &["DL4004", "MultipleInstructionsDisallowed"],
    related: &[],
    summary: "an `ENTRYPOINT` that a later `ENTRYPOINT` of the same stage overrides",
    options: &[],
    fix_priority: 403,
    after_suppressions: false,
    doc: include_str!("../../../rules/multiple-entrypoint.md"),
};

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    for (earlier, later) in overridden_in_stage(model, Kind::Entrypoint) {
        let ins = &model.instructions[earlier];
        let fix = Fix::unsafe_(
            "Delete the overridden `ENTRYPOINT`",
            vec![delete_instruction(model, ins)],
        );
        ctx.report_with_fix(
            ins.keyword_range,
            format!(
                "this `ENTRYPOINT` has no effect: the `ENTRYPOINT` on line {} of the same stage replaces it",
                model.instructions[later].start_line
            ),
            Some(fix),
        );
    }
}

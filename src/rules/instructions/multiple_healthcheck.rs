use super::common::overridden_in_stage;
use super::edits::delete_instruction;
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Fix, Severity};
use crate::syntax::model::Kind;

pub static META: RuleMeta = RuleMeta {
    name: "multiple-healthcheck",
    family: Family::Instructions,
    severity: Severity::Error,
    breaks_build: false,
    fix: FixAvailability::Always,
    status: Status::Preview,
    sources: &["DL3012", "MultipleInstructionsDisallowed"],
    related: &[],
    summary: "a `HEALTHCHECK` that a later `HEALTHCHECK` of the same stage overrides",
    options: &[],
    fix_priority: 404,
    after_suppressions: false,
    doc: include_str!("../../../rules/multiple-healthcheck.md"),
};

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    for (earlier, later) in overridden_in_stage(model, Kind::Healthcheck) {
        let ins = &model.instructions[earlier];
        let fix = Fix::unsafe_(
            "Delete the overridden `HEALTHCHECK`",
            vec![delete_instruction(model, ins)],
        );
        ctx.report_with_fix(
            ins.keyword_range,
            format!(
                "this `HEALTHCHECK` has no effect: the `HEALTHCHECK` on line {} of the same stage replaces it",
                model.instructions[later].start_line
            ),
            Some(fix),
        );
    }
}

use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::syntax::model::Kind;

pub static META: RuleMeta = RuleMeta {
    name: "missing-healthcheck",
    family: Family::Instructions,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Preview,
    sources: &["DL3057"],
    related: &[],
    summary: "the final stage has no `HEALTHCHECK` (opt-in)",
    options: &[],
    fix_priority: 435,
    after_suppressions: false,
    doc: include_str!("../../../rules/missing-healthcheck.md"),
};

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    let Some(last) = model.stages.len().checked_sub(1) else { return };
    let has = model.stage_chain(last).into_iter().any(|s| {
        let stage = &model.stages[s];
        model.instructions[stage.from..=stage.last]
            .iter()
            .any(|i| i.kind == Kind::Healthcheck && !i.invalid)
    });
    if has {
        return;
    }
    let from = &model.instructions[model.stages[last].from];
    ctx.report(
        from.keyword_range,
        "the final stage sets no `HEALTHCHECK` (unless its base image has one, which the \
         Dockerfile does not say): orchestrators cannot tell a hung container from a healthy one",
    );
}

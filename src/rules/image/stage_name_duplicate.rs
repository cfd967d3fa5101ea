use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::syntax::model::Body;

pub static META: RuleMeta = RuleMeta {
    name: "stage-name-duplicate",
    family: Family::Image,
    severity: Severity::Error,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3024", "DuplicateStageName"],
    related: &[],
    summary: "a stage name an earlier stage already has",
    options: &[],
    fix_priority: 510,
    after_suppressions: false,
    doc: include_str!("../../../rules/stage-name-duplicate.md"),
};

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    for (s, stage) in model.stages.iter().enumerate() {
        let ins = &model.instructions[stage.from];
        let (Body::From(from), false) = (&ins.body, ins.invalid) else { continue };
        let (Some(name), Some(range)) = (&from.name, from.name_range) else { continue };
        let Some(first) = model.stages[..s].iter().find(|st| {
            st.name.as_ref() == Some(name) && !model.instructions[st.from].invalid
        }) else {
            continue;
        };
        let line = model.instructions[first.from].start_line;
        let d = ctx.report(
            range,
            format!(
                "the stage on line {line} is already named `{name}`: from here on `FROM {name}`, \
                 and everywhere `--from={name}` and `--target {name}`, mean the last stage of \
                 that name, and the earlier one only has its index"
            ),
        );
        d.no_fix_reason = Some("a new name is the author's choice".into());
    }
}

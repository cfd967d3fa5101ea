use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::syntax::model::Body;

pub static META: RuleMeta = RuleMeta {
    name: "stage-name-reserved",
    family: Family::Image,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3063", "ReservedStageName"],
    related: &[],
    summary: "a stage named `scratch` or `context`",
    options: &[],
    fix_priority: 515,
    after_suppressions: false,
    doc: include_str!("../../../rules/stage-name-reserved.md"),
};

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    for stage in &model.stages {
        let ins = &model.instructions[stage.from];
        let (Body::From(from), false) = (&ins.body, ins.invalid) else { continue };
        let (Some(name), Some(range)) = (&from.name, from.name_range) else { continue };
        let meaning = match name.as_str() {
            "scratch" => "the empty image (`FROM scratch`)",
            "context" => "the build context",
            _ => continue,
        };
        let d = ctx.report(
            range,
            format!("stage name `{name}` is reserved: `{name}` means {meaning}"),
        );
        d.no_fix_reason = Some("a new name is the author's choice".into());
    }
}

use super::{Context, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "parser-directive-duplicate",
    family: "directives",
    severity: Severity::Error,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &[],
    related: &[],
    summary: "the same parser directive twice in the directive block",
    doc: include_str!("../../rules/parser-directive-duplicate.md"),
};

pub fn check(ctx: &mut Context) {
    let set = &ctx.model.directives;
    let Some(dup) = &set.duplicate else { return };
    let first = set.get(&dup.key).map_or(0, |d| d.line + 1);
    ctx.report(
        dup.line_range,
        format!(
            "only one {} parser directive can be used: line {first} already sets it, so BuildKit refuses the file",
            dup.key
        ),
    );
}

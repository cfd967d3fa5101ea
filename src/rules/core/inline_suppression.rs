use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::suppress::Origin;

pub static META: RuleMeta = RuleMeta {
    name: "inline-suppression",
    family: Family::Core,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Preview,
    sources: &["DL1001"],
    related: &[],
    summary: "a suppression comment (`# dfix: ignore`, `# hadolint ignore`, `# check=skip`), for teams that forbid them",
    options: &[],
    fix_priority: 405,
    after_suppressions: false,
    doc: include_str!("../../../rules/inline-suppression.md"),
};

pub fn check(ctx: &mut Context) {
    for s in crate::suppress::collect(ctx.src, ctx.model) {
        let what = match s.origin {
            Origin::Dfix => "a `# dfix:` suppression",
            Origin::Hadolint => "a `# hadolint` ignore pragma",
            Origin::BuildKit => "a `# check=skip` suppression",
        };
        ctx.report(
            s.comment,
            format!("{what}: this project does not allow findings to be suppressed in the file"),
        );
    }
}

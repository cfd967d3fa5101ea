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
    summary: "a `# dfix: ignore` or `# hadolint ignore` comment, for teams that forbid inline suppressions",
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
            // BuildKit's `check` directive configures the build's checks, and a misplaced one
            // that `parser-directive-ignored` moves into place would become a finding
            Origin::BuildKit => continue,
        };
        ctx.report(
            s.comment,
            format!("{what}: this project does not allow findings to be suppressed in the file"),
        );
    }
}

use super::common::report_overridden;
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::syntax::model::Kind;

pub static META: RuleMeta = RuleMeta {
    name: "multiple-entrypoint",
    family: Family::Instructions,
    severity: Severity::Error,
    breaks_build: false,
    fix: FixAvailability::Always,
    status: Status::Stable,
    sources: &["DL4004", "MultipleInstructionsDisallowed"],
    related: &[],
    summary: "an `ENTRYPOINT` that a later `ENTRYPOINT` of the same stage overrides",
    options: &[],
    fix_priority: 403,
    after_suppressions: false,
    doc: include_str!("../../../rules/multiple-entrypoint.md"),
};

pub fn check(ctx: &mut Context) {
    report_overridden(ctx, Kind::Entrypoint, "ENTRYPOINT");
}

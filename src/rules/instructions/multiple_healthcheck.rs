use super::common::report_overridden;
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::syntax::model::Kind;

pub static META: RuleMeta = RuleMeta {
    name: "multiple-healthcheck",
    family: Family::Instructions,
    severity: Severity::Error,
    breaks_build: false,
    fix: FixAvailability::Always,
    status: Status::Stable,
    sources: &["DL3012", "MultipleInstructionsDisallowed"],
    related: &[],
    summary: "a `HEALTHCHECK` that a later `HEALTHCHECK` of the same stage overrides",
    options: &[],
    fix_priority: 404,
    after_suppressions: false,
    doc: include_str!("../../../rules/multiple-healthcheck.md"),
};

pub fn check(ctx: &mut Context) {
    report_overridden(ctx, Kind::Healthcheck, "HEALTHCHECK");
}

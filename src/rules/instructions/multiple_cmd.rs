use super::common::report_overridden;
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::syntax::model::Kind;

pub static META: RuleMeta = RuleMeta {
    name: "multiple-cmd",
    family: Family::Instructions,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Always,
    status: Status::Stable,
    sources: &["DL4003", "MultipleInstructionsDisallowed"],
    related: &[],
    summary: "a `CMD` that a later `CMD` of the same stage overrides",
    options: &[],
    fix_priority: 402,
    after_suppressions: false,
    doc: include_str!("../../../rules/multiple-cmd.md"),
};

pub fn check(ctx: &mut Context) {
    report_overridden(ctx, Kind::Cmd, "CMD");
}

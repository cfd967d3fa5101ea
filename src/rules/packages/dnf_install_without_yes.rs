use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::semantic::tools::Tool;

pub static META: RuleMeta = RuleMeta {
    name: "dnf-install-without-yes",
    family: Family::Packages,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Always,
    status: Status::Stable,
    sources: &["DL3038"],
    related: &[],
    summary: "`dnf install` without `-y`: the build stops at the confirmation prompt",
    options: &[],
    fix_priority: 620,
    after_suppressions: false,
    doc: include_str!("../../../rules/dnf-install-without-yes.md"),
};

pub fn check(ctx: &mut Context) {
    super::assume_yes::check(ctx, Tool::Dnf, &["dnf", "dnf5", "dnf-3"]);
}

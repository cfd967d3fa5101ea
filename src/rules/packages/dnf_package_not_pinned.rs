use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::semantic::tools::Tool;

pub static META: RuleMeta = RuleMeta {
    name: "dnf-package-not-pinned",
    family: Family::Packages,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3041"],
    related: &[],
    summary: "`dnf install` of a package without a version, or `dnf module install` without a stream",
    options: &[],
    fix_priority: 650,
    after_suppressions: false,
    doc: include_str!("../../../rules/dnf-package-not-pinned.md"),
};

pub fn check(ctx: &mut Context) {
    super::pins::check_rpm(ctx, Tool::Dnf, &["dnf", "dnf5", "dnf-3", "microdnf"]);
}

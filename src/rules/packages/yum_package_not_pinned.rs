use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::semantic::tools::Tool;

pub static META: RuleMeta = RuleMeta {
    name: "yum-package-not-pinned",
    family: Family::Packages,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3033"],
    related: &[],
    summary: "`yum install` of a package without a version, or `yum module install` without a stream",
    options: &[],
    fix_priority: 651,
    after_suppressions: false,
    doc: include_str!("../../../rules/yum-package-not-pinned.md"),
};

pub fn check(ctx: &mut Context) {
    super::pins::check_rpm(ctx, Tool::Yum, &["yum"]);
}

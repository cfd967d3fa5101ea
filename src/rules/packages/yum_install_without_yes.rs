use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::semantic::tools::Tool;

pub static META: RuleMeta = RuleMeta {
    name: "yum-install-without-yes",
    family: Family::Packages,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Always,
    status: Status::Stable,
    sources: &["DL3030"],
    related: &[],
    summary: "`yum install` without `-y`: the build stops at the confirmation prompt",
    options: &[],
    fix_priority: 621,
    after_suppressions: false,
    doc: include_str!("../../../rules/yum-install-without-yes.md"),
};

pub fn check(ctx: &mut Context) {
    super::assume_yes::check(ctx, Tool::Yum, &["yum"]);
}

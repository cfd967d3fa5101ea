use crate::semantic::tools::Tool;
use super::missing_mount::{self, Spec};
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "zypper-without-cache-mount",
    family: Family::Cache,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &["DL3036"],
    related: &[],
    summary: "`zypper install` without a BuildKit cache mount on zypper's cache and without `zypper clean --all`",
    options: &[missing_mount::PREFER],
    fix_priority: 330,
    after_suppressions: false,
    doc: include_str!("../../../rules/zypper-without-cache-mount.md"),
};

const SPEC: Spec = Spec::new(Tool::Zypper);

pub fn check(ctx: &mut Context) {
    missing_mount::check_amended(ctx, &SPEC, |found, d| {
        missing_mount::amend_clean(found, d, "zypper clean --all")
    });
}

use crate::semantic::tools::Tool;
use super::missing_mount::{self, Spec};
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "yum-without-cache-mount",
    family: Family::Cache,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Preview,
    sources: &["DL3032"],
    related: &[],
    summary: "`yum install` without a BuildKit cache mount on yum's cache and without `yum clean all`",
    options: &[missing_mount::PREFER],
    fix_priority: 320,
    after_suppressions: false,
    doc: include_str!("../../../rules/yum-without-cache-mount.md"),
};

const SPEC: Spec = Spec::new(Tool::Yum);

pub fn check(ctx: &mut Context) {
    missing_mount::check_amended(ctx, &SPEC, |found, d| {
        missing_mount::amend_clean(found, d, "yum clean all")
    });
}

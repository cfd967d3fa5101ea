use crate::semantic::tools::Tool;
use super::missing_mount::{self, Spec};
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "pipenv-without-cache-mount",
    family: Family::Cache,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &[],
    related: &[],
    summary: "`pipenv install` without a BuildKit cache mount on Pipenv's cache directory",
    options: &[missing_mount::PREFER],
    fix_priority: 260,
    after_suppressions: false,
    doc: include_str!("../../../rules/pipenv-without-cache-mount.md"),
};

const SPEC: Spec = Spec::new(Tool::Pipenv);

pub fn check(ctx: &mut Context) {
    missing_mount::check(ctx, &SPEC);
}

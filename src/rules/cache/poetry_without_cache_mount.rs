use crate::semantic::tools::Tool;
use super::missing_mount::{self, Spec};
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "poetry-without-cache-mount",
    family: Family::Cache,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &[],
    related: &[],
    summary: "`poetry install` without BuildKit cache mounts on Poetry's `cache/` and `artifacts/` directories",
    options: &[missing_mount::PREFER],
    fix_priority: 250,
    after_suppressions: false,
    doc: include_str!("../../../rules/poetry-without-cache-mount.md"),
};

/// The mounts go on `<cache-dir>/cache` and `<cache-dir>/artifacts`, never on the cache
/// directory itself: Poetry creates its virtualenvs there by default.
const SPEC: Spec = Spec::new(Tool::Poetry);

pub fn check(ctx: &mut Context) {
    missing_mount::check(ctx, &SPEC);
}

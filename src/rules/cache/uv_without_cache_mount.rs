use crate::semantic::tools::Tool;
use super::missing_mount::{self, Spec};
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "uv-without-cache-mount",
    family: Family::Cache,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &[],
    related: &[],
    summary: "`uv pip install`, `uv sync` and the like without a BuildKit cache mount on uv's cache directory",
    options: &[missing_mount::PREFER],
    fix_priority: 230,
    after_suppressions: false,
    doc: include_str!("../../../rules/uv-without-cache-mount.md"),
};

const SPEC: Spec = Spec::new(Tool::Uv);

pub fn check(ctx: &mut Context) {
    missing_mount::check(ctx, &SPEC);
}

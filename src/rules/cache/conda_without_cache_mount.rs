use crate::semantic::tools::Tool;
use super::missing_mount::{self, Spec};
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "conda-without-cache-mount",
    family: Family::Cache,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Preview,
    sources: &[],
    related: &[],
    summary: "`conda install` (also mamba, micromamba) without a BuildKit cache mount on the package cache",
    options: &[missing_mount::PREFER],
    fix_priority: 270,
    after_suppressions: false,
    doc: include_str!("../../../rules/conda-without-cache-mount.md"),
};

/// Report-only: the package cache lives under the installation's root prefix, which a
/// Dockerfile rarely states.
const SPEC: Spec = Spec {
    fix: false,
    ..Spec::new(Tool::Conda)
};

pub fn check(ctx: &mut Context) {
    missing_mount::check(ctx, &SPEC);
}

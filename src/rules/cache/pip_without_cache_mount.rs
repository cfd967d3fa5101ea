use crate::semantic::tools::Tool;
use super::edits::add_option;
use super::missing_mount::{self, Spec};
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::{Fix, Severity};

pub static META: RuleMeta = RuleMeta {
    name: "pip-without-cache-mount",
    family: Family::Cache,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &["DL3042"],
    related: &[],
    summary: "`pip install` without a BuildKit cache mount on pip's cache directory",
    options: &[missing_mount::PREFER],
    fix_priority: 80,
    after_suppressions: false,
    doc: include_str!("../../../rules/pip-without-cache-mount.md"),
};

const SPEC: Spec = Spec {
    clean: Some(|call, ins| {
        Some(Fix::safe(
            "Add `--no-cache-dir`",
            vec![add_option(call, ins, "--no-cache-dir")],
        ))
    }),
    ..Spec::new(Tool::Pip)
};

pub fn check(ctx: &mut Context) {
    missing_mount::check(ctx, &SPEC);
}

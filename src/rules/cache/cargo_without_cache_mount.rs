use crate::semantic::tools::Tool;
use super::lang::{self, Keeps};
use super::missing_mount::{self, Spec};
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "cargo-without-cache-mount",
    family: Family::Cache,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &[],
    related: &[],
    summary: "`cargo build` without BuildKit cache mounts on Cargo's registry and git database",
    options: &[missing_mount::PREFER],
    fix_priority: 180,
    after_suppressions: false,
    doc: include_str!("../../../rules/cargo-without-cache-mount.md"),
};

const SPEC: Spec = Spec {
    // a mount on either directory is the author's choice (the git database only matters for
    // git dependencies)
    any_dir: true,
    ..Spec::new(Tool::Cargo)
};

const KEEPS: Keeps = Keeps {
    programs: &["cargo"],
    offline: &["--offline", "--frozen"],
    copied: &["cargo/registry", "cargo/git"],
};

pub fn check(ctx: &mut Context) {
    lang::check(ctx, &SPEC, &KEEPS);
}

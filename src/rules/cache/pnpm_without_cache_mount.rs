use crate::semantic::tools::Tool;
use super::lang::{self, Keeps};
use super::missing_mount::{self, Spec};
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "pnpm-without-cache-mount",
    family: Family::Cache,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &[],
    related: &[],
    summary: "`pnpm install` without a BuildKit cache mount on pnpm's store",
    options: &[missing_mount::PREFER],
    fix_priority: 160,
    after_suppressions: false,
    doc: include_str!("../../../rules/pnpm-without-cache-mount.md"),
};

const SPEC: Spec = Spec { ..Spec::new(Tool::Pnpm) };

const KEEPS: Keeps = Keeps {
    programs: &["pnpm"],
    offline: &["--offline"],
    copied: &["/pnpm/store", "/.pnpm-store"],
};

pub fn check(ctx: &mut Context) {
    lang::check(ctx, &SPEC, &KEEPS);
}

use crate::semantic::tools::Tool;
use super::lang::{self, Keeps};
use super::missing_mount::{self, Spec};
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "npm-without-cache-mount",
    family: Family::Cache,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &[],
    related: &[],
    summary: "`npm ci`/`npm install` without a BuildKit cache mount on npm's cache",
    options: &[missing_mount::PREFER],
    fix_priority: 140,
    after_suppressions: false,
    doc: include_str!("../../../rules/npm-without-cache-mount.md"),
};

const SPEC: Spec = Spec {
    clean: Some(|call, ins| lang::append_clean(call, ins, "npm cache clean --force")),
    ..Spec::new(Tool::Npm)
};

const KEEPS: Keeps = Keeps {
    programs: &["npm"],
    offline: &["--offline"],
    copied: &["/.npm"],
};

pub fn check(ctx: &mut Context) {
    lang::check(ctx, &SPEC, &KEEPS);
}

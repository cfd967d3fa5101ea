use crate::semantic::tools::Tool;
use super::lang::{self, Keeps};
use super::missing_mount::{self, Spec};
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "go-without-cache-mount",
    family: Family::Cache,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &[],
    related: &[],
    summary: "`go build`/`go mod download` without BuildKit cache mounts on Go's build and module caches",
    options: &[missing_mount::PREFER],
    fix_priority: 170,
    after_suppressions: false,
    doc: include_str!("../../../rules/go-without-cache-mount.md"),
};

const SPEC: Spec = Spec { ..Spec::new(Tool::Go) };

const KEEPS: Keeps = Keeps {
    programs: &["go"],
    offline: &[],
    copied: &["/pkg/mod", "/go-build"],
};

pub fn check(ctx: &mut Context) {
    lang::check(ctx, &SPEC, &KEEPS);
}

use crate::semantic::tools::Tool;
use super::lang::{self, Keeps};
use super::missing_mount::{self, Spec};
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "maven-without-cache-mount",
    family: Family::Cache,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &[],
    related: &[],
    summary: "`mvn` without a BuildKit cache mount on Maven's local repository",
    options: &[missing_mount::PREFER],
    fix_priority: 190,
    after_suppressions: false,
    doc: include_str!("../../../rules/maven-without-cache-mount.md"),
};

const SPEC: Spec = Spec { ..Spec::new(Tool::Maven) };

const KEEPS: Keeps = Keeps {
    programs: &["mvn", "mvnw"],
    offline: &["-o", "--offline"],
    copied: &["/.m2", "/repository"],
};

pub fn check(ctx: &mut Context) {
    lang::check(ctx, &SPEC, &KEEPS);
}

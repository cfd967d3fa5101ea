use crate::semantic::tools::Tool;
use super::lang::{self, Keeps};
use super::missing_mount::{self, Spec};
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "gradle-without-cache-mount",
    family: Family::Cache,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Preview,
    sources: &[],
    related: &[],
    summary: "`gradle`/`./gradlew` without a BuildKit cache mount on Gradle's caches",
    options: &[missing_mount::PREFER],
    fix_priority: 200,
    after_suppressions: false,
    doc: include_str!("../../../rules/gradle-without-cache-mount.md"),
};

const SPEC: Spec = Spec { ..Spec::new(Tool::Gradle) };

const KEEPS: Keeps = Keeps {
    programs: &["gradle", "gradlew"],
    offline: &["--offline"],
    copied: &["/.gradle", "/caches"],
};

pub fn check(ctx: &mut Context) {
    lang::check(ctx, &SPEC, &KEEPS);
}

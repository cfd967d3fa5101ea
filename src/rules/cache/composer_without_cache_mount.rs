use crate::semantic::tools::Tool;
use super::lang::{self, Keeps};
use super::missing_mount::{self, Spec};
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "composer-without-cache-mount",
    family: Family::Cache,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Preview,
    sources: &[],
    related: &[],
    summary: "`composer install` without a BuildKit cache mount on Composer's cache",
    options: &[missing_mount::PREFER],
    fix_priority: 210,
    after_suppressions: false,
    doc: include_str!("../../../rules/composer-without-cache-mount.md"),
};

const SPEC: Spec = Spec {
    ..Spec::new(Tool::Composer)
};

const KEEPS: Keeps = Keeps {
    programs: &["composer", "composer.phar"],
    offline: &[],
    copied: &["/.composer", "/.cache/composer", "/tmp/cache"],
};

pub fn check(ctx: &mut Context) {
    lang::check(ctx, &SPEC, &KEEPS);
}

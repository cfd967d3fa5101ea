use super::lang::{self, Keeps};
use super::missing_mount::Spec;
use super::{Context, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "composer-without-cache-mount",
    family: "cache",
    severity: Severity::Info,
    fix: FixAvailability::Sometimes,
    status: Status::Preview,
    sources: &[],
    related: &[],
    summary: "`composer install` without a BuildKit cache mount on Composer's cache",
    doc: include_str!("../../rules/composer-without-cache-mount.md"),
};

const SPEC: Spec = Spec {
    ..Spec::new("composer")
};

const KEEPS: Keeps = Keeps {
    programs: &["composer", "composer.phar"],
    offline: &[],
    copied: &["/.composer", "/.cache/composer", "/tmp/cache"],
};

pub fn check(ctx: &mut Context) {
    lang::check(ctx, &SPEC, &KEEPS);
}

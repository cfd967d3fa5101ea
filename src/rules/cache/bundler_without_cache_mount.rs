use crate::semantic::tools::Tool;
use super::lang::{self, Keeps};
use super::missing_mount::{self, Spec};
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "bundler-without-cache-mount",
    family: Family::Cache,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Preview,
    sources: &[],
    related: &[],
    summary: "`bundle install`/`gem install` without a BuildKit cache mount",
    options: &[missing_mount::PREFER],
    fix_priority: 220,
    after_suppressions: false,
    doc: include_str!("../../../rules/bundler-without-cache-mount.md"),
};

const SPEC: Spec = Spec {
    fix: false,
    ..Spec::new(Tool::Bundler)
};

const KEEPS: Keeps = Keeps {
    programs: &["bundle", "bundler", "gem"],
    offline: &["--local"],
    copied: &["/bundle/cache"],
};

pub fn check(ctx: &mut Context) {
    lang::check(ctx, &SPEC, &KEEPS);
}

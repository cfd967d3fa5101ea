use crate::semantic::tools::Tool;
use super::lang::{self, Keeps};
use super::missing_mount::{self, Spec};
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "yarn-without-cache-mount",
    family: Family::Cache,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &["DL3060"],
    related: &[],
    summary: "`yarn install` without a BuildKit cache mount on Yarn's cache",
    options: &[missing_mount::PREFER],
    fix_priority: 150,
    after_suppressions: false,
    doc: include_str!("../../../rules/yarn-without-cache-mount.md"),
};

const SPEC: Spec = Spec {
    // `yarn cache clean` is Yarn 1's clean-up; Yarn 2+ (its cache under `berry/`) cleans
    // another folder by default
    clean: Some(|call, ins| {
        let classic = call
            .dirs
            .as_ref()
            .is_some_and(|d| d.iter().all(|d| !d.path.ends_with("/berry/cache")));
        if classic {
            lang::append_clean(call, ins, "yarn cache clean")
        } else {
            None
        }
    }),
    ..Spec::new(Tool::Yarn)
};

const KEEPS: Keeps = Keeps {
    programs: &["yarn"],
    offline: &["--offline"],
    copied: &["/.cache/yarn", "/.yarn/berry", "/yarn/berry"],
};

pub fn check(ctx: &mut Context) {
    lang::check(ctx, &SPEC, &KEEPS);
}

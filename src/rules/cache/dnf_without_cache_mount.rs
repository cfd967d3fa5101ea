use crate::semantic::tools::Tool;
use crate::semantic::commands::basename;
use super::missing_mount::{self, Spec};
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "dnf-without-cache-mount",
    family: Family::Cache,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &["DL3040"],
    related: &[],
    summary: "`dnf install` without a BuildKit cache mount on dnf's cache and without `dnf clean all`",
    options: &[missing_mount::PREFER],
    fix_priority: 310,
    after_suppressions: false,
    doc: include_str!("../../../rules/dnf-without-cache-mount.md"),
};

const SPEC: Spec = Spec::new(Tool::Dnf);

pub fn check(ctx: &mut Context) {
    missing_mount::check_amended(ctx, &SPEC, |found, d| {
        // the program as invoked: `dnf5 clean all` where the RUN runs `dnf5`
        let program = found.call.words[0].value.as_deref().map_or("dnf", basename);
        missing_mount::amend_clean(found, d, &format!("{program} clean all"));
    });
}

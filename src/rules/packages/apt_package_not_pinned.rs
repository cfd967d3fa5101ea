use super::pins::unpinned;
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::semantic::tools::Tool;
use crate::semantic::tools::system::apt_program;

pub static META: RuleMeta = RuleMeta {
    name: "apt-package-not-pinned",
    family: Family::Packages,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3008"],
    related: &[],
    summary: "`apt-get install` of a package without a version",
    options: &[],
    fix_priority: 600,
    after_suppressions: false,
    doc: include_str!("../../../rules/apt-package-not-pinned.md"),
};

/// `pkg=version`, `pkg/release` (a release picked), a `.deb` file or a path.
fn pinned(package: &str) -> bool {
    package.contains('=') || package.contains('/') || package.ends_with(".deb")
}

pub fn check(ctx: &mut Context) {
    let src = ctx.src;
    for (run, calls) in ctx.runs() {
        for call in calls {
            if call.tool != Tool::Apt || call.subcommand() != "install" {
                continue;
            }
            let Some(program @ ("apt-get" | "apt")) = apt_program(call) else {
                continue;
            };
            // `-s` only shows what it would do
            if call.args().is_none_or(|a| a.has("-s")) {
                continue;
            }
            // `pkg-` removes the package
            let operands: Vec<_> = call
                .operands()
                .into_iter()
                .filter(|w| !w.value.as_deref().is_some_and(|v| v.ends_with('-')))
                .collect();
            for u in unpinned(src, run, call, &operands, pinned) {
                ctx.report(
                    u.range,
                    format!(
                        "{} {} no version: `{program} install` takes whatever the package lists offer when the image is built; pin it with `{}=<version>`",
                        u.shown,
                        u.has(),
                        u.first
                    ),
                );
            }
        }
    }
}

use super::pins::unpinned;
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::semantic::tools::Tool;

pub static META: RuleMeta = RuleMeta {
    name: "apk-package-not-pinned",
    family: Family::Packages,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3018"],
    related: &[],
    summary: "`apk add` of a package without a version",
    options: &[],
    fix_priority: 614,
    after_suppressions: false,
    doc: include_str!("../../../rules/apk-package-not-pinned.md"),
};

/// `pkg=version`, `pkg~version`, `pkg>version`, `pkg<version` (apk's constraints), or an `.apk`
/// file.
fn pinned(package: &str) -> bool {
    package.contains(['=', '~', '>', '<']) || package.ends_with(".apk")
}

pub fn check(ctx: &mut Context) {
    let src = ctx.src;
    for (run, calls) in ctx.runs() {
        for call in calls {
            if call.tool != Tool::Apk || call.subcommand() != "add" {
                continue;
            }
            // `--simulate` installs nothing
            if call.args().is_none_or(|a| a.has("-s") || a.has("--simulate")) {
                continue;
            }
            for u in unpinned(src, run, call, &call.operands(), pinned) {
                ctx.report(
                    u.range,
                    format!(
                        "{} {} no version: `apk add` takes whatever the repositories offer when the image is built; pin it with `{}=<version>` (or `~<version>` for a release series)",
                        u.shown,
                        u.has(),
                        u.first
                    ),
                );
            }
        }
    }
}

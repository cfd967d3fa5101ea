use super::pins::{NO_FIX, rpm_pinned, unpinned};
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::semantic::tools::Tool;

pub static META: RuleMeta = RuleMeta {
    name: "zypper-package-not-pinned",
    family: Family::Packages,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3037"],
    related: &[],
    summary: "`zypper install` of a package without a version",
    options: &[],
    fix_priority: 652,
    after_suppressions: false,
    doc: include_str!("../../../rules/zypper-package-not-pinned.md"),
};

/// The kinds of `zypper install` operand that are not packages: patterns, patches, products
/// (`-t pattern X` or `pattern:X`), which a version does not select.
const OTHER_KINDS: [&str; 4] = ["pattern", "patch", "product", "application"];

/// A zypper package is pinned by an edition (`curl=8.6.0`, `'curl >= 8'`, `curl<9`), as an
/// `.rpm` file or URL, or as `name-version[-release]`, which libzypp tries for a word that
/// names no package: the reading of [`rpm_pinned`].
fn pinned(package: &str) -> bool {
    rpm_pinned(package)
        || package
            .split_once(':')
            .is_some_and(|(kind, _)| OTHER_KINDS.contains(&kind))
}

pub fn check(ctx: &mut Context) {
    let src = ctx.src;
    for (run, calls) in ctx.runs() {
        for call in calls.iter().filter(|c| c.tool == Tool::Zypper) {
            if !matches!(call.subcommand(), "install" | "in") {
                continue;
            }
            let Some(args) = call.args() else { continue };
            if args
                .values("-t")
                .any(|t| t.is_none_or(|t| OTHER_KINDS.contains(&t)))
            {
                continue;
            }
            for u in unpinned(src, run, call, &call.operands(), pinned) {
                let d = ctx.report(
                    u.range,
                    format!(
                        "{} {} no version: `zypper install` takes the newest the repositories offer when the image is built; pin it with `{}=<version>`",
                        u.shown,
                        u.has(),
                        u.first
                    ),
                );
                d.no_fix_reason = Some(NO_FIX.to_string());
            }
        }
    }
}

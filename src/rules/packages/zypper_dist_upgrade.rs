use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::semantic::commands::basename;
use crate::semantic::tools::system::ZYPPER;

pub static META: RuleMeta = RuleMeta {
    name: "zypper-dist-upgrade",
    family: Family::Packages,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3035"],
    related: &[],
    summary: "`zypper dist-upgrade` in a build: the image's distribution moves with the repositories",
    options: &[],
    fix_priority: 654,
    after_suppressions: false,
    doc: include_str!("../../../rules/zypper-dist-upgrade.md"),
};

pub fn check(ctx: &mut Context) {
    for (run, _) in ctx.runs() {
        for cmd in run.commands.iter() {
            let words = cmd.effective().words;
            if words.first().and_then(|w| w.value.as_deref()).map(basename) != Some("zypper") {
                continue;
            }
            let Ok(args) = ZYPPER.parse(words, 1) else { continue };
            let Some(sub) = args.first_operand() else { continue };
            let command = words[sub].value.as_deref().unwrap_or_default();
            if !matches!(command, "dist-upgrade" | "dup") {
                continue;
            }
            // `--dry-run`/`-D` after the command changes nothing
            if args
                .options()
                .iter()
                .any(|o| o.word > sub && matches!((o.name, o.long), ("dry-run", true) | ("D", false)))
            {
                continue;
            }
            let d = ctx.report(
                words[sub].range,
                format!(
                    "`zypper {command}` upgrades every package to whatever the repositories hold when the image is built, \
                     removing or downgrading packages where they say so: the image no longer matches its base; \
                     build on a newer base image, or install the packages you need with versions"
                ),
            );
            d.no_fix_reason = Some(
                "`zypper update` is not the same operation (it does not downgrade packages to match the repositories), and on Tumbleweed `dup` is the supported way to update: which to use is your choice".to_string(),
            );
        }
    }
}

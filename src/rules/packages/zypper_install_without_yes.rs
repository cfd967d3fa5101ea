use super::edits::add_option;
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Fix, Severity};
use crate::semantic::commands::basename;
use crate::semantic::tools::system::ZYPPER;
use crate::semantic::tools::{Call, Tool};

pub static META: RuleMeta = RuleMeta {
    name: "zypper-install-without-yes",
    family: Family::Packages,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Always,
    status: Status::Stable,
    sources: &["DL3034"],
    related: &[],
    summary: "`zypper install` (or `remove`, `update`, `patch` …) without `-n`/`-y`: the build stops at the confirmation prompt",
    options: &[],
    fix_priority: 653,
    after_suppressions: false,
    doc: include_str!("../../../rules/zypper-install-without-yes.md"),
};

/// The zypper commands that change the system, and so ask before they do (with their short
/// names).
const ASKS: [&str; 13] = [
    "install",
    "in",
    "remove",
    "rm",
    "update",
    "up",
    "dist-upgrade",
    "dup",
    "patch",
    "source-install",
    "si",
    "install-new-recommends",
    "inr",
];

pub fn check(ctx: &mut Context) {
    for (run, _) in ctx.runs() {
        for cmd in run.commands.iter() {
            let words = cmd.effective().words;
            if words.first().and_then(|w| w.value.as_deref()).map(basename) != Some("zypper") {
                continue;
            }
            // a word dfix cannot read (`$ZYPPER_OPTS`) may be the answer
            if words.iter().any(|w| w.value.is_none()) {
                continue;
            }
            let Ok(args) = ZYPPER.parse(words, 1) else { continue };
            let Some(sub) = args.first_operand() else { continue };
            let command = words[sub].value.as_deref().unwrap_or_default();
            if !ASKS.contains(&command) {
                continue;
            }
            // `-n` is the global `--non-interactive` before the command and the command's
            // `--name` after it; `-y`/`--no-confirm` is the command's
            let answered = args.options().iter().any(|o| match (o.name, o.long) {
                ("n", false) => o.word < sub,
                ("non-interactive" | "no-confirm", true) | ("y", false) => true,
                _ => false,
            });
            if answered || super::assume_yes::piped_answer(&run.commands, cmd) {
                continue;
            }
            let name_note = if args.options().iter().any(|o| o.name == "n" && !o.long) {
                " (`-n` after the command is its `--name`, not `--non-interactive`)"
            } else {
                ""
            };
            let call = Call {
                tool: Tool::Zypper,
                cmd,
                words,
                sub,
                dirs: None,
                cache_off: false,
            };
            // the global `-n` (`--non-interactive`) right after `zypper`: every command takes it,
            // while `source-install` and `install-new-recommends` have no `-y`
            let anchor = call.anchor();
            let program = Call { sub: 0, ..call };
            let fix = Fix::safe("Add `-n` (`--non-interactive`)", vec![add_option(&program, run.eff, "-n")]);
            ctx.report_with_fix(
                anchor,
                format!(
                    "`zypper {command}` without `-n` or `-y`{name_note}: it asks \"Continue? [y/n/…]\" \
                     before it changes anything, and in a build there is no one to answer, so it aborts"
                ),
                Some(fix),
            );
        }
    }
}

use super::edits::add_option;
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Fix, Severity};
use crate::semantic::commands::done_before;
use crate::semantic::tools::system::{apt_bool, apt_program, sets_apt_config};
use crate::semantic::tools::{Call, Tool};
use crate::syntax::shell::Command;

pub static META: RuleMeta = RuleMeta {
    name: "apt-install-recommends",
    family: Family::Packages,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::Always,
    status: Status::Stable,
    sources: &["DL3015"],
    related: &[],
    summary: "`apt-get install` without `--no-install-recommends` also installs recommended packages",
    options: &[],
    fix_priority: 604,
    after_suppressions: false,
    doc: include_str!("../../../rules/apt-install-recommends.md"),
};

const KEY: &str = "APT::Install-Recommends";

pub fn check(ctx: &mut Context) {
    let src = ctx.src;
    let configured = |c: &Command| sets_apt_config(src, c, KEY, |v| apt_bool(v) == Some(false));
    let earlier = ctx.semantic().earlier_in_chain(configured);
    for (run, calls) in ctx.runs() {
        for call in calls {
            if call.tool != Tool::Apt || call.subcommand() != "install" {
                continue;
            }
            let Some(program @ ("apt-get" | "apt")) = apt_program(call) else {
                continue;
            };
            if recommends(call) != Some(true)
                || done_before(&run.commands, earlier[run.index], call.cmd.range.start, configured)
            {
                continue;
            }
            let fix = Fix::unsafe_(
                "Add `--no-install-recommends`",
                vec![add_option(call, run.eff, "--no-install-recommends")],
            );
            ctx.report_with_fix(
                call.anchor(),
                format!(
                    "`{program} install` without `--no-install-recommends` also installs the packages the named ones recommend"
                ),
                Some(fix),
            );
        }
    }
}

/// The call installs recommended packages, as apt does by default: not a simulation (`-s`), no
/// `--no-install-recommends` (nor `--install-recommends=no`), no `-o
/// APT::Install-Recommends=false`. `None` when the words cannot be read or an `-o` value is not
/// literal.
fn recommends(call: &Call) -> Option<bool> {
    let args = call.args()?;
    // `-s` only shows what it would do
    if args.has("-s") {
        return Some(false);
    }
    let mut on = true;
    for o in args.options() {
        match (o.long, o.name) {
            (true, "no-install-recommends") => on = false,
            (true, "install-recommends") => on = o.value.flatten().is_none_or(|v| apt_bool(v) != Some(false)),
            (false, "o") | (true, "option") => {
                let (key, value) = o.value??.split_once('=')?;
                if key.eq_ignore_ascii_case(KEY) {
                    on = apt_bool(value) != Some(false);
                }
            }
            _ => {}
        }
    }
    Some(on)
}

use super::edits::add_option;
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Fix, Severity};
use crate::semantic::tools::system::{apt_bool, apt_program, sets_apt_config};
use super::pins::{lone_variable, value_of};
use super::assume_yes::piped_answer;
use crate::semantic::commands::{RunRef, done_before};
use crate::semantic::tools::{Call, Tool};
use crate::syntax::shell::Command;

pub static META: RuleMeta = RuleMeta {
    name: "apt-install-without-yes",
    family: Family::Packages,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Always,
    status: Status::Stable,
    sources: &["DL3014"],
    related: &[],
    summary: "`apt-get install` without `-y`: the build stops at apt's confirmation prompt",
    options: &[],
    fix_priority: 602,
    after_suppressions: false,
    doc: include_str!("../../../rules/apt-install-without-yes.md"),
};

const KEY: &str = "APT::Get::Assume-Yes";

pub fn check(ctx: &mut Context) {
    let src = ctx.src;
    let configured = |c: &Command| sets_apt_config(src, c, KEY, |v| apt_bool(v) == Some(true));
    let earlier = ctx.semantic().earlier_in_chain(configured);
    for (run, calls) in ctx.runs() {
        for call in calls {
            if call.tool != Tool::Apt
                || !matches!(
                    call.subcommand(),
                    "install" | "reinstall" | "upgrade" | "dist-upgrade" | "full-upgrade" | "build-dep"
                )
            {
                continue;
            }
            let Some(program @ ("apt-get" | "apt")) = apt_program(call) else {
                continue;
            };
            if answers_yes(src, run, call) != Some(false)
                || piped_answer(&run.commands, call.cmd)
                || done_before(&run.commands, earlier[run.index], call.cmd.range.start, configured)
            {
                continue;
            }
            let fix = Fix::safe("Add `-y`", vec![add_option(call, run.eff, "-y")]);
            ctx.report_with_fix(
                call.anchor(),
                format!(
                    "`{program} {sub}` without `-y`: {when}, and in a build there is no one to answer, so it aborts",
                    sub = call.subcommand(),
                    when = if matches!(call.subcommand(), "install" | "reinstall") {
                        "it asks for confirmation whenever it has more to do than install the packages named (a dependency, a removal)"
                    } else {
                        "it asks for confirmation before it changes anything"
                    }
                ),
                Some(fix),
            );
        }
    }
}

/// The call never stops at apt's "Do you want to continue?" prompt: `-y`/`--yes`/`--assume-yes`
/// (or `APT::Get::Assume-Yes` set with `-o`), a quiet level of 2 or more (`-qq`, `-q=2`,
/// `--quiet=2`, `-o quiet=2`: apt-get(8) "quiet level 2 implies -y"), or a simulation (`-s`),
/// which asks nothing. A variable among the words (`$APT_FLAGS`) is read when the file gives
/// its value. `None` when that is not known: the words cannot be read, an `-o` value or a
/// variable that may hold options is not known.
fn answers_yes(src: &str, run: &RunRef, call: &Call) -> Option<bool> {
    let args = call.args()?;
    for w in call.words[1..].iter().filter(|w| w.value.is_none()) {
        let raw = w.range.slice(src);
        // `curl=${V}` is no option
        if !raw.starts_with('$') && !raw.starts_with("\"$") {
            continue;
        }
        let value = lone_variable(raw).and_then(|n| value_of(n, run, call))?;
        let yes = |p: &str| {
            matches!(p, "--yes" | "--assume-yes")
                || p.strip_prefix('-')
                    .is_some_and(|s| !s.starts_with('-') && s.chars().all(|c| c.is_ascii_alphabetic()) && s.contains('y'))
        };
        if value.split_ascii_whitespace().any(yes) {
            return Some(true);
        }
    }
    if args.has("-s") {
        return Some(true);
    }
    let mut yes = false;
    let mut quiet: u32 = 0;
    for o in args.options() {
        let name = o.name;
        match (o.long, name) {
            (false, "y") | (true, "yes" | "assume-yes") => {
                yes = o.value.flatten().is_none_or(|v| apt_bool(v) != Some(false));
            }
            (false, "q") => quiet += 1,
            (true, "quiet") => match o.value {
                Some(Some(v)) => quiet = v.parse().unwrap_or(quiet),
                Some(None) => return None,
                None => quiet += 1,
            },
            (false, "o") | (true, "option") => {
                let (key, value) = o.value??.split_once('=')?;
                match key.to_ascii_lowercase().as_str() {
                    "apt::get::assume-yes" => yes = apt_bool(value) == Some(true),
                    "quiet" => quiet = value.parse().unwrap_or(quiet),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    // `-q=2`: apt reads the rest of a short option's word after `=` as its value
    for w in &call.words[1..] {
        if let Some(level) = w.value.as_deref().and_then(|v| v.strip_prefix("-q=")) {
            quiet = level.parse().unwrap_or(quiet);
        }
    }
    Some(yes || quiet >= 2)
}

//! What `dnf-install-without-yes` and `yum-install-without-yes` share: an rpm-family install
//! that would stop at the "Is this ok [y/N]" prompt.

use super::Context;
use super::edits::add_option;
use crate::diagnostic::Fix;
use crate::semantic::commands::basename;
use crate::semantic::commands::{Commands, done_before};
use crate::semantic::tools::Tool;
use crate::syntax::shell::{Command, ConnectorKind};

/// The subcommands that change the system, and so ask before they do.
const ASKS: [&str; 8] = [
    "install",
    "groupinstall",
    "reinstall",
    "upgrade",
    "update",
    "downgrade",
    "distro-sync",
    "localinstall",
];

/// Reports the calls of `programs` (basenames) that ask for confirmation: no `-y`/`--assumeyes`
/// (nor `--assumeno`, which answers too), no `--setopt=assumeyes=…`, and no earlier command of
/// the RUN or of the stage chain that writes `assumeyes` into a configuration file. A call with a
/// word dfix cannot read (`$DNF_OPTS`) is left alone.
pub fn check(ctx: &mut Context, tool: Tool, programs: &[&str]) {
    let src = ctx.src;
    let configures = |c: &Command| {
        let words = c.effective().words;
        !words
            .first()
            .and_then(|w| w.value.as_deref())
            .is_some_and(|p| programs.contains(&basename(p)))
            && words
                .iter()
                .any(|w| w.range.slice(src).to_ascii_lowercase().contains("assumeyes"))
    };
    let earlier = ctx.semantic().earlier_in_chain(configures);
    for (run, calls) in ctx.runs() {
        for call in calls.iter().filter(|c| c.tool == tool) {
            let Some(program) = call.words[0].value.as_deref().map(basename) else {
                continue;
            };
            if !programs.contains(&program) || !ASKS.contains(&call.subcommand()) {
                continue;
            }
            if call.words.iter().any(|w| w.value.is_none()) {
                continue;
            }
            let Some(args) = call.args() else { continue };
            let set_yes = args
                .values("--setopt")
                .any(|v| v.is_none_or(|v| v.to_ascii_lowercase().starts_with("assumeyes")));
            if args.has("-y") || args.has("--assumeno") || set_yes {
                continue;
            }
            if piped_answer(&run.commands, call.cmd)
                || done_before(&run.commands, earlier[run.index], call.cmd.range.start, configures)
            {
                continue;
            }
            let fix = Fix::safe("Add `-y`", vec![add_option(call, run.eff, "-y")]);
            ctx.report_with_fix(
                call.anchor(),
                format!(
                    "`{program} {}` without `-y`: it asks \"Is this ok [y/N]\" before it changes \
                     anything, and in a build there is no one to answer, so it aborts",
                    call.subcommand()
                ),
                Some(fix),
            );
        }
    }
}

/// `yes | apt-get install …`, `echo y | zypper in …`: the command before it in a pipe answers
/// the prompt.
pub fn piped_answer(commands: &Commands, cmd: &Command) -> bool {
    let mut before = None;
    for c in commands.iter() {
        if c.range == cmd.range {
            let Some(b) = before.filter(|_| cmd.connector.is_some_and(|k| k.kind == ConnectorKind::Pipe)) else {
                return false;
            };
            let b: &Command = b;
            let words = b.effective().words;
            let arg = |i: usize| words.get(i).and_then(|w| w.value.as_deref()).unwrap_or_default();
            return match b.effective().name() {
                Some("yes") => true,
                Some("echo") => arg(1).starts_with(['y', 'Y']),
                _ => false,
            };
        }
        before = Some(c);
    }
    false
}

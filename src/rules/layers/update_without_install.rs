//! An `apt-get update` in a `RUN` that installs nothing, followed by a `RUN` that installs from
//! the package lists it downloaded: the lists are cached with the update's layer, so the install
//! reads lists as old as that layer.
//!
//! apt only: apk (apk-tools 2.9.1 and later, `src/database.c`), dnf and yum (`metadata_expire`)
//! and zypper (`autorefresh`) refresh an index older than their limit before they install, so a
//! cached update layer cannot leave them with stale lists.

use super::apt::{self, LISTS, Lists};
use super::edits::delete_instruction;
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::semantic::commands::{RunRef, basename, word};
use crate::semantic::paths;
use crate::semantic::tools::Tool;
use crate::semantic::tools::system::is_update;
use crate::syntax::model::{Dockerfile, RunForm};
use crate::syntax::shell::{Command, ConnectorKind};
use crate::syntax::text::TextRange;
use std::collections::BTreeMap;

pub static META: RuleMeta = RuleMeta {
    name: "update-without-install",
    family: Family::Layers,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &[],
    related: &[],
    summary: "`apt-get update` in a `RUN` of its own, followed by a `RUN` that installs from the lists it cached",
    options: &[],
    fix_priority: 1000,
    after_suppressions: false,
    doc: include_str!("../../../rules/update-without-install.md"),
};

pub fn check(ctx: &mut Context) {
    if super::common::commits_explicitly(ctx.src) {
        return;
    }
    let (src, model) = (ctx.src, ctx.model);
    let semantic = ctx.semantic();
    // for each instruction: the last earlier RUN of its stage chain that touched the package
    // lists of the image, and what it left of them
    let last = semantic.last_in_chain(|r, _| apt::lists_after(src, r).map(|l| (l, r.index)));
    // each update RUN with the first RUN (in source order) that installs from its lists
    let mut relied: BTreeMap<usize, usize> = BTreeMap::new();
    for (r, calls) in semantic.runs() {
        let Some((Lists::Refreshed, updater)) = last[r.index] else {
            continue;
        };
        // an ONBUILD trigger runs in a child build; a mount on the lists hides the image's
        if r.is_onbuild() || paths::is_mounted(r.run, &r.scope, LISTS) {
            continue;
        }
        let updated = apt::first_update(&r.commands);
        if calls
            .iter()
            .any(|c| c.tool == Tool::Apt && !apt::updates_before(updated, c.cmd.range.start))
        {
            relied.entry(updater).or_insert(r.index);
        }
    }
    for (u, i) in relied {
        let Some((ur, calls)) = ctx.run_at(u) else { continue };
        // a RUN that installs as well is not an update alone
        if calls.iter().any(|c| c.tool == Tool::Apt) {
            continue;
        }
        // the whole context copied before the update: when the Dockerfile is in that context
        // (which the file does not say), editing the install changes the copy, and the update
        // runs again with it
        if super::common::any_in_chain_before(model, u, |i| super::common::copies_whole_context(src, model, i)) {
            continue;
        }
        let Some(update) = ur.commands.iter().find(|c| is_update(c.effective().words)) else {
            continue;
        };
        let words = update.effective().words;
        let range = words[0].range.cover(words[words.len() - 1].range);
        let program = word(words, 0).map_or("apt-get", basename);
        let line = model.instructions[i].start_line;
        let message = format!(
            "`{program} update` runs in a `RUN` that installs nothing: the package lists are cached with \
             its layer, and the install on line {line} reads lists as old as that layer when only \
             the install changes (\"Unable to locate package\", old versions)"
        );
        let install = ctx.run_at(i).map(|(r, _)| r);
        let fix = install.map_or(Err("the install's `RUN` is not one dfix can edit"), |ir| {
            merge(src, model, ur, update, ir)
        });
        let d = ctx.report(range, message);
        match fix {
            Ok(fix) => d.fix = Some(fix),
            Err(why) => d.no_fix_reason = Some(why.to_string()),
        }
    }
}

/// The fix: the update's `RUN` removed, its command put in front of the install's script.
fn merge(src: &str, model: &Dockerfile, ur: &RunRef, update: &Command, ir: &RunRef) -> Result<Fix, &'static str> {
    if ir.index != ur.index + 1 || model.instructions[ir.index].stage != model.instructions[ur.index].stage {
        return Err("an instruction lies between the update and the install, and moving the update past it could change what it sees");
    }
    let alone = matches!(ur.run.form, RunForm::Shell(_))
        && ur.eff.flags.is_empty()
        && ur.eff.heredocs.is_empty()
        && ur.run.script.as_ref().is_some_and(|s| !s.has_error)
        && ur.commands.len() == 1
        && !update.nested
        && !update.conditional;
    let text = update.range.slice(src);
    if !alone || text.contains('\n') {
        return Err("the update's `RUN` holds more than the update command on one line (flags, other commands, a heredoc or the exec form)");
    }
    // the update needs the network the install's flags may take away
    if ir.run.network.as_deref().is_some_and(|n| n.eq_ignore_ascii_case("none")) {
        return Err("the install's `RUN` runs with `--network=none`, where the update cannot download");
    }
    let first = and_list_start(ir).ok_or("the install's `RUN` is not a shell-form command or `&&` list that the update can go in front of")?;
    if suppression_above(src, model, ur.ins.start_line) {
        return Err("a suppression comment above the update's `RUN` would then apply to the install's");
    }
    // the first character is rewritten with the update before it (not a bare insert): a fix of
    // another rule that inserts at the same offset (a mount before the command) then overlaps
    // this one and waits for the next pass, instead of landing between the update and the `&&`
    let ch = src[first..].chars().next().ok_or("the install's `RUN` has no command")?;
    let head = TextRange::new(first, first + ch.len_utf8());
    Ok(Fix::safe(
        "Run the update in the install's `RUN`",
        vec![delete_instruction(model, ur.ins), Edit::replace(head, format!("{text} && {ch}"))],
    ))
}

/// Where the first command of a shell-form RUN starts, when its script (no heredoc) is one
/// command or an `&&` list of commands at its top level.
fn and_list_start(r: &RunRef) -> Option<usize> {
    if !matches!(r.run.form, RunForm::Shell(_)) || !r.eff.heredocs.is_empty() {
        return None;
    }
    let script = r.run.script.as_ref().filter(|s| !s.has_error)?;
    let top: Vec<&Command> = script.commands.iter().filter(|c| !c.nested).collect();
    let (head, rest) = top.split_first()?;
    let plain = head.connector.is_none()
        && !head.conditional
        && rest
            .iter()
            .all(|c| !c.conditional && c.connector.is_some_and(|k| k.kind == ConnectorKind::And));
    plain.then_some(head.range.start)
}

/// A suppression comment (`# dfix: ignore=…`, a hadolint pragma, `# check=`) among the comment
/// lines directly above the instruction starting on (1-based) line `line`.
fn suppression_above(src: &str, model: &Dockerfile, line: usize) -> bool {
    let mut l = line - 1;
    while l > 0 {
        let span = model.line_start(l - 1)..model.line_start(l);
        let Some(c) = model.comments.iter().find(|c| span.contains(&c.start)) else {
            return false;
        };
        if crate::suppress::is_suppression(src, *c) {
            return true;
        }
        l -= 1;
    }
    false
}

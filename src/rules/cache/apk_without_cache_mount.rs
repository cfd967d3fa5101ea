use crate::semantic::commands::{basename, done_before};
use super::edits::{self, add_option};
use super::missing_mount::{self, Found, Prefer, Spec};
use crate::semantic::tools::system::{APK_LINK, makes_apk_cache_dir};
use crate::semantic::tools::{APK_CACHE, Call, Tool};
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::syntax::model::RunForm;
use crate::semantic::scope::UserInfo;
use super::contradiction::remove_word;
use crate::syntax::shell::{Command, Word};
use std::borrow::Cow;

pub static META: RuleMeta = RuleMeta {
    name: "apk-without-cache-mount",
    family: Family::Cache,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &["DL3019"],
    related: &[],
    summary: "`apk add` without a BuildKit cache mount on apk's cache and without `--no-cache`",
    options: &[missing_mount::PREFER],
    fix_priority: 300,
    after_suppressions: false,
    doc: include_str!("../../../rules/apk-without-cache-mount.md"),
};

const SPEC: Spec = Spec {
    clean: Some(|call, ins| {
        // `--no-cache` on a bare `apk update` would only throw the index away
        (call.subcommand() != "update")
            .then(|| Fix::safe("Add `--no-cache`", vec![add_option(call, ins, "--no-cache")]))
    }),
    ..Spec::new(Tool::Apk)
};

pub fn check(ctx: &mut Context) {
    let relies = ctx.semantic().later_in_descendants(|r, calls| {
        let updated = first_update(&r.commands);
        calls.iter().any(|c| c.tool == Tool::Apk && !refreshes(updated, c))
    });
    let made = ctx.semantic().earlier_in_chain(|c| makes_apk_cache_dir(ctx.src, c));
    missing_mount::check_amended(ctx, &SPEC, |f, d| amend(f, d, &relies, &made));
}

/// `relies`: a later RUN relies on the index ([`Semantic::later_in_descendants`](crate::semantic::Semantic::later_in_descendants)); `made`: an
/// earlier RUN made `/etc/apk/cache` ([`Semantic::earlier_in_chain`](crate::semantic::Semantic::earlier_in_chain)).
fn amend(f: &Found, d: &mut Diagnostic, relies: &[bool], made: &[bool]) {
    if f.prefer != Prefer::Mount || d.fix.is_none() {
        return;
    }
    // With the mount, the index no longer stays in the image: that is only harmless when
    // every apk call that follows fetches it itself.
    if let Some(fix) = &mut d.fix
        && (!refreshes(first_update(&f.r.commands), f.call) || relies[f.r.index])
    {
        fix.applicability = Applicability::Unsafe;
    }
    add_link(f, d, made);
    drop_no_cache(f, d);
}

/// Another `apk … --no-cache` of the RUN would ignore the new mount (`apk update && apk add
/// --no-cache …`): the flag goes too, which changes that call (unsafe).
fn drop_no_cache(f: &Found, d: &mut Diagnostic) {
    let flags = no_cache_flags(f);
    if flags.is_empty() || d.fix.is_none() {
        return;
    }
    let updated = first_update(&f.r.commands);
    let removals: Option<Vec<Edit>> = flags
        .iter()
        .map(|(cmd, w)| {
            let refreshed = updated.is_some_and(|at| at < cmd.range.start) && !cmd.conditional;
            refreshed
                .then(|| remove_word(f.src, f.model, f.r, w))
                .flatten()
        })
        .collect();
    d.fix = match (d.fix.take(), removals) {
        (Some(mut fix), Some(removals)) => {
            for e in removals {
                fix = fix.with_edit(e);
            }
            fix.applicability = Applicability::Unsafe;
            fix.title = format!("{}, and remove `--no-cache`, which would ignore it", fix.title);
            Some(fix)
        }
        _ => None,
    };
    if d.fix.is_none() {
        d.no_fix_reason = Some(
            "an `apk … --no-cache` of the `RUN` would ignore a cache mount, and dfix cannot take \
             `--no-cache` out of it here (no `apk update` before it in the `RUN`)"
                .to_string(),
        );
    }
}

/// Adds the link that makes apk keep downloaded packages in the mount (`/etc/apk/cache`), or
/// takes the fix away when it cannot be added.
fn add_link(f: &Found, d: &mut Diagnostic, made: &[bool]) {
    let default_dir = f
        .call
        .dirs
        .as_ref()
        .is_some_and(|dirs| dirs.iter().any(|d| d.path == APK_CACHE));
    let before = f.call.cmd.range.start;
    if !default_dir || done_before(&f.r.commands, made[f.r.index], before, |c| makes_apk_cache_dir(f.src, c)) {
        return;
    }
    // the link is made in /etc: only root can, and only a shell can run it
    let as_root = matches!(f.r.scope.user, UserInfo::Root) && f.call.cmd.effective().user.is_none();
    let link = match f.r.run.form {
        RunForm::Exec(_) => None,
        _ if !as_root => None,
        _ => link_edit(&f.r.commands, f.call.cmd),
    };
    // a mount that keeps the index but not the packages is not worth an automatic edit
    d.fix = match (link, d.fix.take()) {
        (Some(edit), Some(fix)) => {
            let mut fix = fix.with_edit(edit);
            fix.title = format!("{} and keep downloaded packages there", fix.title);
            Some(fix)
        }
        _ => None,
    };
}

/// The `--no-cache` words of the RUN's other apk calls.
fn no_cache_flags<'a>(f: &'a Found) -> Vec<(&'a Command, &'a Word)> {
    f.r.commands
        .iter()
        .filter(|c| !std::ptr::eq(&***c, f.call.cmd))
        .filter(|c| {
            let w = c.effective().words;
            w.first().and_then(|x| x.value.as_deref()).map(basename) == Some("apk")
        })
        .flat_map(|c| {
            c.effective()
                .words
                .iter()
                .filter(|w| w.value.as_deref() == Some("--no-cache"))
                .map(move |w| (&**c, w))
        })
        .collect()
}

/// Inserts the link before `cmd` when that runs it exactly when `cmd` runs: not after `||`,
/// not in a pipeline.
fn link_edit(all: &[Cow<'_, Command>], cmd: &Command) -> Option<Edit> {
    edits::prepend_before(all, cmd, APK_LINK)
}

/// Where the RUN first fetches the index: the start of its first `apk … update`.
fn first_update(all: &[Cow<'_, Command>]) -> Option<usize> {
    all.iter()
        .find(|c| {
            let w = c.effective().words;
            w.first().and_then(|x| x.value.as_deref()).map(basename) == Some("apk")
                && w.iter().any(|x| x.value.as_deref() == Some("update"))
        })
        .map(|c| c.range.start)
}

/// `call` fetches the index itself: `apk update`, `-U`/`--update-cache`, `--no-cache`, or an
/// `apk update` earlier in the RUN (`updated`: from [`first_update`]).
fn refreshes(updated: Option<usize>, call: &Call) -> bool {
    call.subcommand() == "update"
        || ["-U", "--update-cache", "--no-cache"].iter().any(|o| call.has_word(o))
        || call.words.iter().any(|w| {
            w.value
                .as_deref()
                .is_some_and(|v| v.starts_with('-') && !v.starts_with("--") && v.contains('U'))
        })
        || updated.is_some_and(|at| at < call.cmd.range.start)
}

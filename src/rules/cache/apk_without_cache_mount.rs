use crate::semantic::commands::{basename, done_before};
use super::edits::{self, add_option};
use super::missing_mount::{self, Found, Prefer, Spec};
use crate::semantic::tools::system::{APK_LINK, makes_apk_cache_dir};
use crate::semantic::tools::{APK_CACHE, Call, Tool};
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::syntax::model::RunForm;
use crate::semantic::scope::UserInfo;
use crate::syntax::shell::Command;
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
        && (!refreshes(first_update(f.commands), f.call) || relies[f.index])
    {
        fix.applicability = Applicability::Unsafe;
    }
    let default_dir = f
        .call
        .dirs
        .as_ref()
        .is_some_and(|dirs| dirs.iter().any(|d| d.path == APK_CACHE));
    let before = f.call.cmd.range.start;
    if !default_dir || done_before(f.commands, made[f.index], before, |c| makes_apk_cache_dir(f.src, c)) {
        return;
    }
    // the link is made in /etc: only root can, and only a shell can run it
    let as_root = matches!(f.scope.user, UserInfo::Root) && f.call.cmd.effective().user.is_none();
    let link = match f.run.form {
        RunForm::Exec(_) => None,
        _ if !as_root => None,
        _ => link_edit(f.commands, f.call.cmd),
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

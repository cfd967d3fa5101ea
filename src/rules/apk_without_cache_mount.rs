use super::apt_without_cache_mount::later_call_relies;
use super::common::{basename, commands};
use super::edits::{self, add_option};
use super::missing_mount::{self, Found, Prefer, Spec};
use super::tools::{APK_CACHE, Call};
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::syntax::model::{Dockerfile, RunForm};
use crate::syntax::scope::UserInfo;
use crate::syntax::shell::Command;
use std::borrow::Cow;

pub static META: RuleMeta = RuleMeta {
    name: "apk-without-cache-mount",
    family: Family::Cache,
    severity: Severity::Info,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &["DL3019"],
    related: &[],
    summary: "`apk add` without a BuildKit cache mount on apk's cache and without `--no-cache`",
    options: &[missing_mount::PREFER],
    fix_priority: 300,
    after_suppressions: false,
    doc: include_str!("../../rules/apk-without-cache-mount.md"),
};

const SPEC: Spec = Spec {
    clean: Some(|call, ins| {
        // `--no-cache` on a bare `apk update` would only throw the index away
        (call.subcommand() != "update")
            .then(|| Fix::safe("Add `--no-cache`", vec![add_option(call, ins, "--no-cache")]))
    }),
    amend: Some(amend),
    ..Spec::new("apk")
};

/// apk keeps downloaded packages only where `/etc/apk/cache` exists; this link makes it keep
/// them in the mounted `/var/cache/apk`.
const LINK: &str = "ln -sf /var/cache/apk /etc/apk/cache";

pub fn check(ctx: &mut Context) {
    missing_mount::check(ctx, &SPEC);
}

fn amend(f: &Found, d: &mut Diagnostic) {
    if f.prefer != Prefer::Mount || d.fix.is_none() {
        return;
    }
    // With the mount, the index no longer stays in the image: that is only harmless when
    // every apk call that follows fetches it itself.
    let ins = f.model.instructions[f.index].effective();
    if let Some(fix) = &mut d.fix
        && (!refreshes(&commands(ins), f.call) || later_call_relies(f.src, f.model, f.index, "apk", refreshes))
    {
        fix.applicability = Applicability::Unsafe;
    }
    let default_dir = f
        .call
        .dirs
        .as_ref()
        .is_some_and(|dirs| dirs.iter().any(|d| d.path == APK_CACHE));
    if !default_dir || cache_dir_exists(f.src, f.model, f.index, f.call.cmd.range.start) {
        return;
    }
    // the link is made in /etc: only root can, and only a shell can run it
    let as_root = matches!(f.scope.user, UserInfo::Root) && f.call.cmd.effective().user.is_none();
    let link = match f.run.form {
        RunForm::Exec(_) => None,
        _ if !as_root => None,
        _ => link_edit(&commands(ins), f.call.cmd),
    };
    match (link, &mut d.fix) {
        (Some(edit), Some(fix)) => {
            fix.edits.push(edit);
            fix.edits.sort_by_key(|e| (e.range.start, e.range.end));
            fix.title = format!("{} and keep downloaded packages there", fix.title);
        }
        // a mount that keeps the index but not the packages is not worth an automatic edit
        _ => d.fix = None,
    }
}

/// Inserts the link before `cmd` when that runs it exactly when `cmd` runs: not after `||`,
/// not in a pipeline.
fn link_edit(all: &[Cow<'_, Command>], cmd: &Command) -> Option<Edit> {
    edits::prepend_before(all, cmd, LINK)
}

/// `/etc/apk/cache` is made (a link or a directory) before offset `before` of this RUN or in an
/// earlier RUN of the stage chain.
fn cache_dir_exists(src: &str, model: &Dockerfile, index: usize, before: usize) -> bool {
    let makes = |c: &Command| {
        let words = c.effective().words;
        words
            .first()
            .and_then(|w| w.value.as_deref())
            .map(basename)
            .is_some_and(|p| p == "ln" || p == "mkdir")
            && words[1..].iter().any(|w| {
                let raw = w.value.as_deref().unwrap_or_else(|| w.range.slice(src));
                raw.trim_end_matches('/') == "/etc/apk/cache"
            })
    };
    super::common::done_before(model, index, before, makes)
}

/// `call` fetches the index itself: `apk update`, `-U`/`--update-cache`, `--no-cache`, or an
/// `apk update` earlier in the RUN.
fn refreshes(all: &[Cow<'_, Command>], call: &Call) -> bool {
    call.subcommand() == "update"
        || ["-U", "--update-cache", "--no-cache"].iter().any(|o| call.has_word(o))
        || call.words.iter().any(|w| {
            w.value
                .as_deref()
                .is_some_and(|v| v.starts_with('-') && !v.starts_with("--") && v.contains('U'))
        })
        || all.iter().any(|c| {
            c.range.start < call.cmd.range.start && {
                let w = c.effective().words;
                w.first().and_then(|x| x.value.as_deref()).map(basename) == Some("apk")
                    && w.iter().any(|x| x.value.as_deref() == Some("update"))
            }
        })
}

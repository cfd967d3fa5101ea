use super::edits;
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Fix, Severity};
use crate::semantic::commands::done_before;
use crate::semantic::paths::{covers, is_mounted, mount_target};
use crate::semantic::scope::UserInfo;
use crate::semantic::tools::system::{APK_LINK, makes_apk_cache_dir};
use crate::semantic::tools::{APK_CACHE, Tool};
use crate::syntax::image::ImageRef;
use crate::syntax::model::RunForm;
use crate::syntax::mounts::MountType;

pub static META: RuleMeta = RuleMeta {
    name: "apk-cache-mount-incomplete",
    family: Family::Cache,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Preview,
    sources: &[],
    related: &["apk-without-cache-mount"],
    summary: "A cache mount on `/var/cache/apk` without `/etc/apk/cache`: only the index is cached, not the packages",
    options: &[],
    fix_priority: 420,
    after_suppressions: false,
    doc: include_str!("../../../rules/apk-cache-mount-incomplete.md"),
};

pub fn check(ctx: &mut Context) {
    let src = ctx.src;
    let made = ctx.semantic().earlier_in_chain(|c| makes_apk_cache_dir(src, c));
    let mut found = Vec::new();
    for (r, calls) in ctx.runs() {
        let scope = &r.scope;
        if !scope.image.as_ref().is_some_and(alpine) {
            continue;
        }
        // apk with its default cache directory (not `--no-cache`, not `--cache-dir`)
        let Some(call) = calls.iter().find(|c| {
            c.tool == Tool::Apk && !c.cache_off && c.dirs.as_ref().is_some_and(|d| d.iter().any(|d| d.path == APK_CACHE))
        }) else {
            continue;
        };
        let Some(mount) = r
            .run
            .mounts
            .iter()
            .filter(|m| m.kind == MountType::Cache)
            .find(|m| mount_target(m, scope).is_some_and(|t| covers(&t, APK_CACHE)))
        else {
            continue;
        };
        // a mount on `/etc/apk/cache` makes the directory; a link or directory made before the
        // call in this RUN or in an earlier RUN of the stage chain does too
        if is_mounted(r.run, scope, "/etc/apk/cache")
            || done_before(&r.commands, made[r.index], call.cmd.range.start, |c| makes_apk_cache_dir(src, c))
        {
            continue;
        }
        // the link is made in /etc: only root can, and only a shell can run it
        let as_root = matches!(scope.user, UserInfo::Root) && call.cmd.effective().user.is_none();
        let fix = match r.run.form {
            RunForm::Shell(_) if as_root && !r.is_onbuild() => edits::prepend_before(&r.commands, call.cmd, APK_LINK)
                .map(|e| Fix::safe("Link `/etc/apk/cache` to `/var/cache/apk` before `apk`", vec![e])),
            _ => None,
        };
        found.push((mount.range, fix));
    }
    for (range, fix) in found {
        ctx.report_with_fix(
            range,
            "this cache mount keeps only apk's index: apk keeps downloaded packages only where `/etc/apk/cache` exists, and nothing creates it before `apk` runs",
            fix,
        );
    }
}

/// An image known to be Alpine without `/etc/apk/cache`: the official `alpine`, and the
/// official images' `-alpine` variants, which are built on it.
fn alpine(image: &ImageRef) -> bool {
    image.is_official() && (image.name() == "alpine" || image.tag.contains("alpine"))
}

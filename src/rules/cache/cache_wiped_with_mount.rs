use crate::semantic::paths::{covers, mount_target};
use super::contradiction::{
    self, CacheRun, Place, Reach, cache_runs, clean_up, disjoint, operand, remove_command, remove_word, rm_operands,
    selected,
};
use crate::semantic::tools::{APT_CACHE, APT_LISTS, Call, Tool};
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::{Fix, Severity};
use crate::syntax::mounts::MountType;
use crate::syntax::shell::{Command, Word};

pub static META: RuleMeta = RuleMeta {
    name: "cache-wiped-with-mount",
    family: Family::Cache,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &[],
    related: &["DL3032", "DL3036", "DL3040", "DL3060"],
    summary: "a package manager's cache cleaned in the RUN that mounts a cache on it",
    options: &[],
    fix_priority: 390,
    after_suppressions: false,
    doc: include_str!("../../../rules/cache-wiped-with-mount.md"),
};

pub fn check(ctx: &mut Context) {
    let (src, model) = (ctx.src, ctx.model);
    for (cr, calls) in cache_runs(ctx) {
        if calls.iter().all(|c| c.tool == Tool::Apt) {
            continue;
        }
        for cmd in &cr.commands {
            if let Some((tool, which)) = clean_up(cmd) {
                let target = calls
                    .iter()
                    .filter(|c| c.tool == tool)
                    .flat_map(|c| which.iter().flat_map(|&w| selected(c, w)))
                    .find_map(|d| cr.covering(&d));
                let Some(target) = target else { continue };
                let fix = remove_command(src, model, cr, cmd).map(|(edit, place)| match place {
                    Place::TrailingAnd => Fix::safe("Remove the clean-up command", vec![edit]),
                    Place::Other => Fix::unsafe_("Remove the clean-up command", vec![edit]),
                });
                contradiction::report(
                    ctx,
                    cr,
                    cmd.range,
                    format!(
                        "`{}` empties the cache mount on `{target}`: every build downloads the packages again",
                        cmd.range.slice(src)
                    ),
                    fix,
                );
            } else if let Some(operands) = rm_operands(src, cmd.effective().words, &cr.scope) {
                wiped_by_rm(ctx, cr, calls, cmd, &operands);
            }
        }
    }
}

fn wiped_by_rm(ctx: &mut Context, cr: &CacheRun, calls: &[Call], cmd: &Command, operands: &[(&Word, Option<String>)]) {
    let (src, model) = (ctx.src, ctx.model);
    let wiped: Vec<(&Word, String)> = operands
        .iter()
        .filter_map(|(w, dir)| {
            let p = dir.as_deref()?;
            // apt's directories are `apt-cache-wiped-with-mount`'s
            if covers(APT_CACHE, p) || covers(APT_LISTS, p) {
                return None;
            }
            let target = cr.covering(p)?;
            let tool_dir = calls.iter().filter(|c| c.tool != Tool::Apt).any(|c| {
                c.dirs
                    .iter()
                    .flatten()
                    .any(|d| (covers(&d.path, p) || covers(p, &d.path)) && cr.covering(&d.path).is_some())
            });
            tool_dir.then_some((*w, target))
        })
        .collect();
    let Some((first, target)) = wiped.first() else {
        holder_removed(ctx, cr, calls, operands);
        return;
    };
    let whole = wiped.len() == operands.len();
    let fix = if whole {
        remove_command(src, model, cr, cmd).map(|(edit, place)| match place {
            Place::TrailingAnd => Fix::safe("Remove the clean-up command", vec![edit]),
            Place::Other => Fix::unsafe_("Remove the clean-up command", vec![edit]),
        })
    } else if cr.is_onbuild() || cmd.nested || cmd.conditional {
        None
    } else {
        let edits: Option<Vec<_>> = wiped.iter().map(|(w, _)| remove_word(src, model, cr, w)).collect();
        edits.and_then(|mut edits| {
            disjoint(&mut edits)?;
            Some(Fix::unsafe_(
                format!("Stop removing `{}`", first.range.slice(src)),
                edits,
            ))
        })
    };
    contradiction::report(
        ctx,
        cr,
        if whole { cmd.range } else { first.range },
        format!(
            "{} empties the cache mount on `{target}`: every build downloads the packages again",
            if whole {
                format!("`{}`", cmd.range.slice(src))
            } else {
                format!("removing `{}`", first.range.slice(src))
            }
        ),
        fix,
    );
}

/// An `rm` of a directory that holds a cache mount (`rm -rf /root/.cache` with a mount on
/// `/root/.cache/pip`): it empties the cache, then fails on the mount point ("Device or resource
/// busy"). No fix: without the `rm`, the rest of that directory would stay in the image.
fn holder_removed(ctx: &mut Context, cr: &CacheRun, calls: &[Call], operands: &[(&Word, Option<String>)]) {
    let src = ctx.src;
    let targets: Vec<String> = cr
        .run
        .mounts
        .iter()
        .filter(|m| m.kind == MountType::Cache && !m.readonly)
        .filter_map(|m| mount_target(m, &cr.scope))
        // a package manager's cache (apt's are `apt-cache-wiped-with-mount`'s)
        .filter(|t| !covers(t, APT_CACHE) && !covers(t, APT_LISTS) && !covers(APT_CACHE, t) && !covers(APT_LISTS, t))
        .filter(|t| {
            calls
                .iter()
                .filter(|c| c.tool != Tool::Apt)
                .flat_map(|c| c.dirs.iter().flatten())
                .any(|d| covers(t, &d.path))
        })
        .collect();
    let found = operands.iter().find_map(|(w, _)| {
        let o = operand(src, w, &cr.scope)?;
        let t = targets
            .iter()
            .find(|t| o.reach(t) == Some((Reach::Holder, true)))?;
        Some((*w, t.clone()))
    });
    let Some((w, target)) = found else { return };
    let onbuild = cr.is_onbuild();
    let d = ctx.report(
        w.range,
        format!(
            "removing `{}` takes the cache mount on `{target}` with it: the cache is emptied, and `rm` \
             fails on the mount point (\"Device or resource busy\")",
            w.range.slice(src)
        ),
    );
    d.no_fix_reason = Some(if onbuild {
        super::common::ONBUILD_NO_FIX.to_string()
    } else {
        "without this `rm`, whatever else it removes would stay in the image".to_string()
    });
}

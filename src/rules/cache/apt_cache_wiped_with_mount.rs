use super::apt::{self, is_clean, is_dist_clean};
use crate::semantic::commands::basename;
use crate::semantic::paths::covers;
use super::contradiction::{self, CacheRun, Place, cache_runs, remove_command, remove_word};
use crate::semantic::tools::{APT_CACHE, APT_LISTS};
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::syntax::shell::Command;

pub static META: RuleMeta = RuleMeta {
    name: "apt-cache-wiped-with-mount",
    family: Family::Cache,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &[],
    related: &["DL3009"],
    summary: "apt's cache or package lists deleted in the RUN that mounts a cache on them",
    options: &[],
    fix_priority: 370,
    after_suppressions: false,
    doc: include_str!("../../../rules/apt-cache-wiped-with-mount.md"),
};

const LISTS: &str = "/var/lib/apt/lists";

fn apt_program(cmd: &Command) -> bool {
    let eff = cmd.effective();
    matches!(
        eff.words.first().and_then(|w| w.value.as_deref()).map(basename),
        Some("apt-get" | "apt" | "aptitude")
    )
}

pub fn check(ctx: &mut Context) {
    let (src, model) = (ctx.src, ctx.model);
    for (cr, _) in cache_runs(ctx) {
        // the RUN must use apt for something else than cleaning
        if !cr.commands.iter().any(|c| apt_program(c) && !is_clean(c) && !is_dist_clean(c)) {
            continue;
        }
        for cmd in &cr.commands {
            if is_dist_clean(cmd) {
                dist_clean(ctx, cr, cmd);
                continue;
            }
            if is_clean(cmd) {
                let Some(target) = cr.covering(APT_CACHE) else { continue };
                let fix = remove_command(src, model, cr, cmd)
                    .map(|(edit, _)| Fix::unsafe_("Remove the clean-up command", vec![edit]));
                let text = cmd.range.slice(src);
                contradiction::report(
                    ctx,
                    cr,
                    cmd.range,
                    format!("`{text}` empties the cache mount on `{target}`: every build downloads the packages again"),
                    fix,
                );
                continue;
            }
            let Some(deleted) = apt::deleted(src, cmd.effective().words, &cr.scope) else {
                continue;
            };
            wiped_by_rm(ctx, cr, cmd, &deleted.operands, deleted.find);
        }
    }
}

fn wiped_by_rm(
    ctx: &mut Context,
    cr: &CacheRun,
    cmd: &Command,
    operands: &[(&crate::syntax::shell::Word, Option<String>)],
    find: bool,
) {
    let (src, model) = (ctx.src, ctx.model);
    // (operand, the mount it empties)
    let wiped: Vec<_> = operands
        .iter()
        .filter_map(|(w, dir)| {
            let dir = dir.as_deref()?;
            if !(covers(APT_CACHE, dir) || covers(APT_LISTS, dir)) {
                return None;
            }
            cr.covering(dir).map(|t| (*w, dir.to_string(), t))
        })
        .collect();
    let Some((first, _, target)) = wiped.first() else {
        return;
    };
    let fix = if wiped.len() == operands.len() {
        remove_command(src, model, cr, cmd).map(|(edit, place)| {
            let lists_only = wiped.iter().all(|(_, d, _)| covers(LISTS, d));
            if place == Place::TrailingAnd && lists_only {
                Fix::safe("Remove the clean-up command", vec![edit])
            } else {
                Fix::unsafe_("Remove the clean-up command", vec![edit])
            }
        })
    } else if cr.is_onbuild() || cmd.nested || cmd.conditional || find {
        // a `find` left with its other starting points would do what the user meant, but one
        // that selects by name may not delete what the word named: no partial fix for it
        None
    } else {
        let mut edits: Vec<_> = Vec::new();
        for (w, _, _) in &wiped {
            match remove_word(src, model, cr, w) {
                Some(e) => edits.push(e),
                None => {
                    edits.clear();
                    break;
                }
            }
        }
        (!edits.is_empty() && super::contradiction::disjoint(&mut edits).is_some())
            .then(|| Fix::unsafe_(format!("Stop removing `{}`", first.range.slice(src)), edits))
    };
    let range = if wiped.len() == operands.len() {
        cmd.range
    } else {
        first.range
    };
    contradiction::report(
        ctx,
        cr,
        range,
        format!(
            "{} empties the cache mount on `{target}`: every build downloads {} again",
            if wiped.len() == operands.len() {
                format!("`{}`", cmd.range.slice(src))
            } else {
                format!("removing `{}`", first.range.slice(src))
            },
            if covers(APT_LISTS, &wiped[0].1) {
                "the package lists"
            } else {
                "the packages"
            }
        ),
        fix,
    );
}

/// `apt-get dist-clean` deletes the downloaded packages and the package lists: whatever cache
/// mount holds them is emptied. With both mounted, nothing it removed was in the image: taking
/// it out is safe when it is the trailing `&& apt-get dist-clean`. With one mounted, the fix keeps
/// the clean-up of the other: `apt-get clean` for the packages (the subcommand replaced, safe),
/// `rm -rf /var/lib/apt/lists/*` for the lists (unsafe: the whole command is rewritten).
fn dist_clean(ctx: &mut Context, cr: &CacheRun, cmd: &Command) {
    let (src, model) = (ctx.src, ctx.model);
    let cache = cr.covering(APT_CACHE);
    let lists = cr.covering(apt::LISTS);
    let mut targets: Vec<String> = cache.iter().chain(lists.iter()).map(|t| format!("`{t}`")).collect();
    targets.dedup();
    if targets.is_empty() {
        return;
    }
    let title = "Remove the clean-up command";
    let fix = match (cache.is_some(), lists.is_some()) {
        _ if cr.is_onbuild() => None,
        (true, true) => remove_command(src, model, cr, cmd).map(|(edit, place)| {
            if place == Place::TrailingAnd {
                Fix::safe(title, vec![edit])
            } else {
                Fix::unsafe_(title, vec![edit])
            }
        }),
        (false, _) => cmd
            .effective()
            .words
            .iter()
            .find(|w| matches!(w.value.as_deref(), Some("dist-clean" | "distclean")))
            .map(|w| Fix::safe("Run `clean` instead: keep the package lists", vec![Edit::replace(w.range, "clean")])),
        (true, false) => Some(Fix::unsafe_(
            "Remove only the package lists",
            vec![Edit::replace(cmd.range, CLEAN_LISTS)],
        )),
    };
    let text = cmd.range.slice(src);
    let mounts = if targets.len() == 1 { "mount" } else { "mounts" };
    contradiction::report(
        ctx,
        cr,
        cmd.range,
        format!(
            "`{text}` empties the cache {mounts} on {}: every build downloads {} again",
            targets.join(" and "),
            match (cache.is_some(), lists.is_some()) {
                (true, true) => "the package lists and the packages",
                (true, false) => "the packages",
                _ => "the package lists",
            }
        ),
        fix,
    );
}

const CLEAN_LISTS: &str = "rm -rf /var/lib/apt/lists/*";

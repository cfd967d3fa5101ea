use super::apt::{self, DockerClean, LISTS};
use super::common::{self, KEEP_PACKAGES};
use super::contradiction::{Place, remove_command};
use super::edits::{add_mounts, append_to_run, insert_line_above};
use super::missing_mount::{self, Found, Prefer, Spec};
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{AddedMount, Applicability, Diagnostic, Edit, Fix, Severity};
use crate::semantic::commands::RunRef;
use crate::semantic::paths;
use crate::semantic::scope::Scope;
use crate::semantic::tools::system::touches_docker_clean;
use crate::semantic::tools::{self, APT_CACHE, APT_LISTS, CacheDir, Call, Tool};
use crate::syntax::model::Run;

pub static META: RuleMeta = RuleMeta {
    name: "apt-without-cache-mount",
    family: Family::Cache,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &["DL3009"],
    related: &[],
    summary: "`apt-get install` without BuildKit cache mounts on apt's caches and without removing the package lists",
    options: &[missing_mount::PREFER],
    fix_priority: 280,
    after_suppressions: false,
    doc: include_str!("../../../rules/apt-without-cache-mount.md"),
};

const SPEC: Spec = Spec {
    // one apt directory mounted is `apt-cache-mount-incomplete`'s finding
    any_dir: true,
    ..Spec::new(Tool::Apt)
};

const CLEAN: &str = "rm -rf /var/lib/apt/lists/*";
/// The clean-up once `docker-clean` is gone: the downloaded packages too.
const CLEAN_ALL: &str = "apt-get clean && rm -rf /var/lib/apt/lists/*";

pub fn check(ctx: &mut Context) {
    let relied = apt::relied_on(ctx.semantic(), ctx.src);
    let cleaned = ctx.semantic().earlier_in_chain(|c| touches_docker_clean(ctx.src, c));
    // an install after an earlier RUN removed the package lists, with no `apt-get update`
    // since, downloads nothing
    let lists = apt::lists_before(ctx.semantic(), ctx.src);
    let skip = |r: &RunRef, c: &Call| apt::without_lists(r, c.cmd.range.start, &lists);
    missing_mount::check_filtered(ctx, &SPEC, skip, |f, d| amend(f, d, &relied, &cleaned));
    packages_kept(ctx, &relied, &cleaned, &lists);
}

/// `relied`: a later RUN relies on the package lists ([`apt::relied_on`]);
/// `cleaned`: an earlier RUN removed `docker-clean` ([`Semantic::earlier_in_chain`](crate::semantic::Semantic::earlier_in_chain)).
///
/// The mounts follow from where apt's files go. The package lists move into a cache mount only
/// when the RUN downloads them itself and no later RUN installs from them; the packages only
/// when nothing deletes them anyway (`docker-clean`, or the RUN's own clean-up).
fn amend(f: &Found, d: &mut Diagnostic, relied: &[bool], cleaned: &[bool]) {
    let at = f.call.cmd.range.start;
    let dc = apt::docker_clean(f.src, &f.r.scope, &f.r.commands, cleaned[f.r.index], at);
    let stay = apt::lists_stay(&f.r.commands, at, relied[f.r.index]);
    if f.prefer == Prefer::Clean {
        let ins = f.model.instructions[f.r.index].effective();
        let command = if dc == DockerClean::Removed { CLEAN_ALL } else { CLEAN };
        d.fix = append_to_run(f.src, ins, command).map(|e| {
            // removing the lists is only harmless when every apt install that follows
            // refreshes them itself
            let applicability = if stay.is_some() {
                Applicability::Unsafe
            } else {
                Applicability::Safe
            };
            Fix::new(format!("Append `{command}` to the `RUN`"), applicability, vec![e])
        });
        return;
    }
    // no mount fix at all (an ONBUILD trigger, an unknown uid, a mount in the way)
    if d.fix.is_none() {
        return;
    }
    let deletes = f.r.commands.iter().any(|c| apt::deletes_packages(f.src, c, &f.r.scope));
    let (dirs, reason): (&[&str], _) = match (dc, stay, deletes) {
        (DockerClean::InPlace, None, _) | (_, None, true) => (&[LISTS], None),
        (DockerClean::InPlace, Some(why), _) => (
            &[],
            Some(format!("the image's `docker-clean` deletes the downloaded packages, and {why}")),
        ),
        (_, Some(why), true) => (&[], Some(format!("the `RUN` deletes the downloaded packages itself, and {why}"))),
        (_, None, false) => (&[APT_CACHE, APT_LISTS], None),
        (_, Some(_), false) => (&[APT_CACHE], None),
    };
    d.fix = mount_fix(f.call, f.r.run, &f.r.scope, f.model.escape, dirs, Vec::new(), true);
    d.no_fix_reason = reason.filter(|_| d.fix.is_none());
    if dc == DockerClean::InPlace && !deletes {
        // keeping the downloaded packages too needs the image's apt configuration changed
        let eol = f.model.line_ending.as_str();
        let keep = insert_line_above(&f.model.instructions[f.r.index], KEEP_PACKAGES, eol);
        let dirs: &[&str] = if stay.is_none() {
            &[APT_CACHE, APT_LISTS]
        } else {
            &[APT_CACHE]
        };
        if let Some(mut fix) = mount_fix(f.call, f.r.run, &f.r.scope, f.model.escape, dirs, vec![keep], false) {
            let what = if stay.is_none() {
                "apt's caches"
            } else {
                "the package cache"
            };
            fix.title = format!("Mount {what} and remove `docker-clean` so that downloaded packages are kept");
            d.alternatives.push(fix);
        }
    }
}

/// The cache mounts on `dirs` (with `sharing=locked`), and `more` edits; `None` when there is
/// no directory, the mounts' owner is unknown, or a mount cannot be written.
fn mount_fix(
    call: &Call,
    run: &Run,
    scope: &Scope,
    escape: char,
    dirs: &[&str],
    more: Vec<Edit>,
    safe: bool,
) -> Option<Fix> {
    if dirs.is_empty() {
        return None;
    }
    let mut mounts = Vec::new();
    for d in dirs {
        let dir = CacheDir {
            path: d.to_string(),
            locked: true,
            assumed: None,
        };
        mounts.push(tools::cache_mount(call, scope, &dir)?);
    }
    let targets = dirs.iter().map(|d| format!("`{d}`")).collect::<Vec<_>>().join(" and ");
    let mut edits = more;
    edits.push(add_mounts(run, &mounts, escape)?);
    let added = mounts
        .into_iter()
        .map(|m| AddedMount {
            at: run.flag_insert_at,
            target: m.target,
        })
        .collect();
    let title = format!("Mount a BuildKit cache at {targets}");
    let fix = if safe {
        Fix::safe(title, edits)
    } else {
        Fix::unsafe_(title, edits)
    };
    Some(fix.with_added_mounts(added))
}

/// `rm -rf /var/lib/apt/lists/*` is apt's clean-up only while `docker-clean` deletes the
/// downloaded packages: once an earlier `RUN` (or this one) removed it, they stay in
/// `/var/cache/apt` and in the image.
fn packages_kept(ctx: &mut Context, relied: &[bool], cleaned: &[bool], lists: &[Option<apt::Lists>]) {
    let (src, model) = (ctx.src, ctx.model);
    let prefer = ctx.settings.options.string(ctx.rule(), missing_mount::PREFER.name);
    for (r, calls) in ctx.runs() {
        let (run, scope) = (r.run, &r.scope);
        // the lists removed is what makes a call `cache_off` (or `dist-clean`, which is whole)
        let Some(call) = calls
            .iter()
            .find(|c| c.tool == Tool::Apt && c.cache_off && !apt::without_lists(r, c.cmd.range.start, lists))
        else {
            continue;
        };
        let at = call.cmd.range.start;
        if apt::docker_clean(src, scope, &r.commands, cleaned[r.index], at) != DockerClean::Removed
            || r.commands.iter().any(|c| apt::deletes_packages(src, c, scope))
            || [APT_CACHE, APT_LISTS].iter().any(|d| paths::is_mounted(run, scope, d))
            || paths::has_unresolved_mount(run, scope)
        {
            continue;
        }
        let stay = apt::lists_stay(&r.commands, at, relied[r.index]);
        let (fix, reason) = if r.is_onbuild() {
            (None, Some(common::ONBUILD_NO_FIX.to_string()))
        } else if prefer == "clean" {
            let fix = append_to_run(src, r.eff, "apt-get clean")
                .map(|e| Fix::safe("Append `apt-get clean` to the `RUN`", vec![e]));
            (fix, None)
        } else if stay.is_some() {
            (mount_fix(call, run, scope, model.escape, &[APT_CACHE], Vec::new(), true), None)
        } else {
            match lists_removal(src, model, r) {
                Some((edits, safe)) => (mount_fix(call, run, scope, model.escape, &[APT_CACHE, APT_LISTS], edits, safe), None),
                None => (
                    None,
                    Some("the `RUN` removes the package lists with a command dfix cannot take out of it, and a cache mount on them would be emptied".to_string()),
                ),
            }
        };
        let program = call.words[0].value.as_deref().unwrap_or("apt-get");
        let program = crate::semantic::commands::basename(program);
        let d = ctx.report(
            call.anchor(),
            format!(
                "`{program} {}` runs without a cache mount on `{APT_CACHE}`: `docker-clean` was removed, so the downloaded packages stay in the image (the `RUN` removes only the package lists)",
                call.subcommand()
            ),
        );
        d.fix = fix;
        d.no_fix_reason = reason;
    }
}

/// The edits that take the RUN's removal of the package lists out (a mount keeps them out of
/// the image instead), and whether that is safe: every such `rm` removes nothing else and is
/// the trailing `&& rm …` of the script.
fn lists_removal(src: &str, model: &crate::syntax::model::Dockerfile, r: &RunRef) -> Option<(Vec<Edit>, bool)> {
    let mut edits = Vec::new();
    let mut safe = true;
    for cmd in r.commands.iter().filter(|c| apt::removes_lists(src, c, &r.scope)) {
        if !apt::removes_only_lists(src, cmd, &r.scope) {
            return None;
        }
        let (edit, place) = remove_command(src, model, r, cmd)?;
        safe &= place == Place::TrailingAnd;
        edits.push(edit);
    }
    (!edits.is_empty()).then_some((edits, safe))
}

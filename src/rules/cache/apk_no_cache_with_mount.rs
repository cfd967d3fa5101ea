use super::contradiction::{self, CacheRun, cache_runs, remove_word};
use crate::semantic::tools::{Call, Tool};
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::syntax::model::RunForm;

pub static META: RuleMeta = RuleMeta {
    name: "apk-no-cache-with-mount",
    family: Family::Cache,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &[],
    related: &["DL3019"],
    summary: "`apk --no-cache` in a RUN that mounts a cache for apk",
    options: &[],
    fix_priority: 380,
    after_suppressions: false,
    doc: include_str!("../../../rules/apk-no-cache-with-mount.md"),
};

/// Where apk keeps downloaded packages when the directory exists (the Alpine wiki's "Local APK
/// cache"); a cache mount there is also meant for apk.
const PACKAGE_CACHE: &str = "/etc/apk/cache";

pub fn check(ctx: &mut Context) {
    for (cr, calls) in cache_runs(ctx) {
        for (i, call) in calls.iter().enumerate().filter(|(_, c)| c.tool == Tool::Apk) {
            let Some(flag) = call.words.iter().find(|w| w.value.as_deref() == Some("--no-cache")) else {
                continue;
            };
            let Some(dirs) = &call.dirs else { continue };
            let index_dir = dirs.iter().find_map(|d| cr.covering(&d.path));
            let Some(target) = index_dir.clone().or_else(|| cr.covering(PACKAGE_CACHE)) else {
                continue;
            };
            // dropping the flag is only harmless when the indexes go to a mount, not the layer
            let fix = index_dir.and_then(|_| fix(ctx, cr, call, &calls[..i]));
            contradiction::report(
                ctx,
                cr,
                flag.range,
                format!("`--no-cache` makes apk ignore its cache: the cache mount on `{target}` is never used"),
                fix,
            );
        }
    }
}

fn fix(ctx: &Context, cr: &CacheRun, call: &Call, earlier: &[Call]) -> Option<Fix> {
    if cr.is_onbuild() {
        return None;
    }
    let flags: Vec<_> = call
        .words
        .iter()
        .filter(|w| w.value.as_deref() == Some("--no-cache"))
        .collect();
    // an index refresh already happens: this call updates, or an earlier `apk update` did
    let refreshed = call.subcommand() == "update"
        || call
            .words
            .iter()
            .any(|w| matches!(w.value.as_deref(), Some("-U" | "--update-cache" | "--update")))
        || earlier
            .iter()
            .any(|c| c.tool == Tool::Apk && c.subcommand() == "update" && !c.cmd.conditional && !c.cmd.nested);
    let mut edits = Vec::new();
    for (n, w) in flags.iter().enumerate() {
        if n == 0 && !refreshed {
            let text = match cr.run.form {
                RunForm::Exec(_) => "\"--update-cache\"",
                _ => "--update-cache",
            };
            edits.push(Edit::replace(w.range, text));
        } else {
            edits.push(remove_word(ctx.src, ctx.model, cr, w)?);
        }
    }
    super::contradiction::disjoint(&mut edits)?;
    let title = if refreshed {
        "Remove `--no-cache`"
    } else {
        "Replace `--no-cache` with `--update-cache`"
    };
    Some(Fix::unsafe_(title, edits))
}

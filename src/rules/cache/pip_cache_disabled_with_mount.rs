use crate::semantic::tools::Tool;
use super::contradiction::{self, CacheRun, cache_runs, outside_value, removal_edits, set_nonempty};
use crate::semantic::tools;
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::{Fix, Severity};
use crate::syntax::text::TextRange;

pub static META: RuleMeta = RuleMeta {
    name: "pip-cache-disabled-with-mount",
    family: Family::Cache,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &[],
    related: &["DL3042"],
    summary: "`--no-cache-dir` or `PIP_NO_CACHE_DIR` makes the RUN's pip cache mount useless",
    options: &[],
    fix_priority: 340,
    after_suppressions: false,
    doc: include_str!("../../../rules/pip-cache-disabled-with-mount.md"),
};

const VAR: &str = "PIP_NO_CACHE_DIR";

pub fn check(ctx: &mut Context) {
    let src = ctx.src;
    for (cr, calls) in cache_runs(ctx) {
        for call in calls.iter().filter(|c| c.tool == Tool::Pip) {
            let Some(dirs) = &call.dirs else { continue };
            let Some(target) = dirs.iter().find_map(|d| cr.covering(&d.path)) else {
                continue;
            };
            let flags: Vec<_> = call
                .words
                .iter()
                .filter(|w| w.value.as_deref().is_some_and(tools::is_pip_no_cache_dir))
                .collect();
            let inline: Vec<TextRange> = call
                .cmd
                .assignments
                .iter()
                .filter(|a| a.name == VAR && a.value.as_deref().is_none_or(|v| !v.trim().is_empty()))
                .map(|a| a.range)
                .collect();
            let outer = set_nonempty(&outside_value(VAR, call.cmd, cr));
            if flags.is_empty() && inline.is_empty() && !outer {
                continue;
            }
            let (range, what) = match (flags.first(), inline.first()) {
                (Some(w), _) => (w.range, format!("`{}`", w.range.slice(src))),
                (None, Some(a)) => (*a, format!("`{VAR}` (pip treats every value as \"off\")")),
                (None, None) => (
                    call.anchor(),
                    format!("`{VAR}` from the environment (pip treats every value as \"off\")"),
                ),
            };
            let fix = if outer { None } else { fix(ctx, cr, &flags, &inline) };
            let also = if outer && !(flags.is_empty() && inline.is_empty()) {
                format!(" (and so does `{VAR}` from the environment)")
            } else {
                String::new()
            };
            contradiction::report(
                ctx,
                cr,
                range,
                format!("{what} turns pip's cache off{also}: the cache mount on `{target}` is never used"),
                fix,
            );
        }
    }
}

fn fix(ctx: &Context, cr: &CacheRun, flags: &[&crate::syntax::shell::Word], inline: &[TextRange]) -> Option<Fix> {
    let edits = removal_edits(ctx.src, ctx.model, cr, flags, inline)?;
    let title = if flags.is_empty() {
        format!("Remove `{VAR}=…` from the command")
    } else {
        "Remove `--no-cache-dir`".to_string()
    };
    Some(Fix::safe(title, edits))
}

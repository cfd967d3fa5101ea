use crate::semantic::commands::basename;
use super::contradiction::{self, CacheRun, cache_runs, first_operand, outside_value, removal_edits};
use crate::semantic::tools::{Call, Tool};
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::{Fix, Severity};
use crate::semantic::scope::Var;
use crate::syntax::shell::Word;
use crate::syntax::text::TextRange;

pub static META: RuleMeta = RuleMeta {
    name: "uv-cache-disabled-with-mount",
    family: Family::Cache,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &[],
    related: &[],
    summary: "`uv --no-cache` or `UV_NO_CACHE` makes the RUN's uv cache mount useless",
    options: &[],
    fix_priority: 360,
    after_suppressions: false,
    doc: include_str!("../../../rules/uv-cache-disabled-with-mount.md"),
};

const VAR: &str = "UV_NO_CACHE";

/// uv reads the variable as a boolean (`1/true/yes/on/…` or `0/false/no/off/…`). A value dfix
/// cannot know (`ARG UV_NO_CACHE` without a default: unset unless the build passes it) is not on.
fn on(v: &Option<Var>) -> bool {
    match v {
        None | Some(None) => false,
        Some(Some(s)) => !matches!(
            s.trim().to_ascii_lowercase().as_str(),
            "" | "0" | "f" | "false" | "n" | "no" | "off"
        ),
    }
}

/// The words that are uv's own options: everything after the program, except what follows the
/// command of `uv run`, `uv tool run` and `uvx`, or a `--`.
fn own_options<'w>(call: &Call<'w>) -> &'w [Word] {
    let words = call.words;
    let runs = call.sub == 0 || matches!(call.subcommand(), "run");
    let end = if runs {
        first_operand(words, call.sub + 1).unwrap_or(words.len())
    } else {
        words
            .iter()
            .position(|w| w.value.as_deref() == Some("--"))
            .unwrap_or(words.len())
    };
    &words[1.min(end)..end]
}

pub fn check(ctx: &mut Context) {
    let src = ctx.src;
    for (cr, calls) in cache_runs(ctx) {
        for call in calls.iter().filter(|c| c.tool == Tool::Uv) {
            let Some(dirs) = &call.dirs else { continue };
            let Some(target) = dirs.iter().find_map(|d| cr.covering(&d.path)) else {
                continue;
            };
            let flags: Vec<&Word> = own_options(call)
                .iter()
                .filter(|w| matches!(w.value.as_deref(), Some("--no-cache" | "--no-cache-dir" | "-n")))
                .collect();
            let inline: Vec<TextRange> = call
                .cmd
                .assignments
                .iter()
                .filter(|a| a.name == VAR && on(&Some(a.value.clone())))
                .map(|a| a.range)
                .collect();
            let outer = on(&outside_value(VAR, call.cmd, cr));
            if flags.is_empty() && inline.is_empty() && !outer {
                continue;
            }
            let (range, what) = match (flags.first(), inline.first()) {
                (Some(w), _) => (w.range, format!("`{}`", w.range.slice(src))),
                (None, Some(a)) => (*a, format!("`{}`", a.slice(src))),
                (None, None) => (call.anchor(), format!("`{VAR}` from the environment")),
            };
            let fix = if outer { None } else { fix(ctx, cr, &flags, &inline) };
            let program = call.words[0].value.as_deref().map_or("uv", basename);
            contradiction::report(
                ctx,
                cr,
                range,
                format!("{what} makes `{program}` run without its cache: the cache mount on `{target}` is never used"),
                fix,
            );
        }
    }
}

fn fix(ctx: &Context, cr: &CacheRun, flags: &[&Word], inline: &[TextRange]) -> Option<Fix> {
    let edits = removal_edits(ctx.src, ctx.model, cr, flags, inline)?;
    let title = match flags.first() {
        Some(w) => format!("Remove `{}`", w.value.as_deref().unwrap_or("--no-cache")),
        None => format!("Remove `{VAR}=…` from the command"),
    };
    Some(Fix::safe(title, edits))
}

use crate::semantic::paths;
use crate::semantic::tools;
use super::missing_mount::bind_on_cache_dir;
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::syntax::model::Kind;
use crate::syntax::mounts::Mount;
use crate::syntax::text::TextRange;

pub static META: RuleMeta = RuleMeta {
    name: "mount-not-cache-type",
    family: Family::Cache,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &[],
    related: &[],
    summary: "a `--mount` on a package manager's cache directory that is a bind mount, not a cache",
    options: &[],
    fix_priority: 100,
    after_suppressions: false,
    doc: include_str!("../../../rules/mount-not-cache-type.md"),
};

pub fn check(ctx: &mut Context) {
    let _model = ctx.model;
    let src = ctx.src;
    for (r, calls) in ctx.runs() {
        let (ins, run) = (r.ins, r.run);
        if run.mounts.is_empty() {
            continue;
        }
        let scope = &r.scope;
        let mut seen: Vec<TextRange> = Vec::new();
        for call in calls.iter().filter(|c| !c.cache_off) {
            let Some((m, target, dir)) = bind_on_cache_dir(run, scope, call) else {
                continue;
            };
            if seen.contains(&m.range) {
                continue;
            }
            seen.push(m.range);
            let what = tools::call_name(call);
            let ro = if m.readonly { " (read-only)" } else { "" };
            let message = if m.type_given {
                format!(
                    "`{target}` is a bind mount of the build context{ro}, not a cache: `{what}` cannot keep its cache in `{}` between builds",
                    dir.path
                )
            } else {
                format!(
                    "`--mount` without `type=` makes `{target}` a bind mount of the build context{ro}, not a cache: `{what}` cannot keep its cache in `{}` between builds",
                    dir.path
                )
            };
            let forbidden = call.tool.never_mount(scope.home().as_deref());
            let fix = (!m.type_given
                && m.source.is_none()
                && ins.kind != Kind::Onbuild
                && !forbidden.iter().any(|f| paths::covers(&target, f)))
            .then(|| insert_type(src, run, m))
            .flatten();
            ctx.report_with_fix(m.range, message, fix);
        }
    }
}

/// `type=cache,` before the first field, when the mount's text is plain (`--mount=` as
/// written, no problem BuildKit would report).
fn insert_type(src: &str, run: &crate::syntax::model::Run, m: &Mount) -> Option<Fix> {
    let first = m.fields.first()?;
    if !src[..m.range.start].ends_with("--mount=")
        || first.range.start < m.range.start
        || run.mount_problems.iter().any(|p| m.range.contains_range(p.range))
    {
        return None;
    }
    Some(Fix::safe(
        "Make it a cache mount: insert `type=cache,`",
        vec![Edit::insert(m.range.start, "type=cache,")],
    ))
}

use crate::semantic::paths::{self, covers, mount_target};
use super::missing_mount::misplaced_mount;
use crate::semantic::tools::{self, Call};
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::{AddedMount, Applicability, Edit, Fix, Severity};
use crate::syntax::model::{Dockerfile, Kind, Run};
use crate::syntax::mounts::{Mount, MountType, write_field};
use crate::semantic::scope::{Scope, UserInfo};
use crate::syntax::text::TextRange;

pub static META: RuleMeta = RuleMeta {
    name: "cache-mount-target-mismatch",
    family: Family::Cache,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &[],
    related: &["DL3042"],
    summary: "a cache mount meant for a package manager that misses the directory the tool really uses",
    options: &[],
    fix_priority: 120,
    after_suppressions: false,
    doc: include_str!("../../../rules/cache-mount-target-mismatch.md"),
};

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    let src = ctx.src;
    if foreign_frontend(model) {
        return;
    }
    for (r, calls) in ctx.runs() {
        let (index, ins, run) = (r.index, r.ins, r.run);
        if from_a_file(model, index) {
            continue;
        }
        if !run
            .mounts
            .iter()
            .any(|m| matches!(m.kind, MountType::Cache | MountType::Tmpfs))
        {
            continue;
        }
        let scope = &r.scope;
        if home_unknown(scope) {
            continue;
        }
        let active: Vec<&Call> = calls.iter().filter(|c| !c.cache_off).collect();
        // each misplaced mount once, with the tools it was meant for
        let mut found: Vec<(&Mount, String, Vec<&Call>)> = Vec::new();
        for call in &active {
            let Some((m, target)) = misplaced_mount(run, scope, call, calls) else {
                continue;
            };
            match found.iter_mut().find(|(f, ..)| f.range == m.range) {
                Some((.., tools)) => tools.push(call),
                None => found.push((m, target, vec![call])),
            }
        }
        for (m, target, meant) in found {
            let call = meant[0];
            let dirs = call.dirs.as_deref().unwrap_or_default();
            let wanted = dirs
                .iter()
                .filter(|d| !paths::is_covered(run, scope, &d.path))
                .map(|d| format!("`{}`", d.path))
                .collect::<Vec<_>>()
                .join(" and ");
            let what = tools::call_name(call);
            // where the tool keeps its cache may rest on an assumed user: said, and never safe
            let assumption = tools::user_assumption(call, scope);
            let message = format!(
                "cache mount `{target}` does not cover {wanted}, where `{what}` keeps its cache: the mount stays unused and every build downloads again{}",
                assumption.as_deref().unwrap_or_default()
            );
            let fix = (ins.kind != Kind::Onbuild)
                .then(|| retarget(src, model.escape, run, scope, m, &meant))
                .flatten()
                .map(|mut f| {
                    if assumption.is_some() {
                        f.applicability = Applicability::Unsafe;
                    }
                    f
                });
            ctx.report_with_fix(m.range, message, fix);
        }
    }
}

/// A `# syntax=` frontend that is not Docker's Dockerfile frontend: it may give `FROM` and
/// the environment another meaning.
fn foreign_frontend(model: &Dockerfile) -> bool {
    model.directives.get("syntax").is_some_and(|d| {
        let r = d.value.split([' ', '@']).next().unwrap_or_default();
        let r = r.strip_prefix("docker.io/").unwrap_or(r);
        let repo = r.split(':').next().unwrap_or(r);
        !matches!(repo, "docker/dockerfile" | "docker/dockerfile-upstream")
    })
}

/// The stage chain starts `FROM ./file` (a Dockerfile-include frontend): its environment,
/// where a tool's cache directory may be set, is out of sight.
fn from_a_file(model: &Dockerfile, index: usize) -> bool {
    let Some(stage) = model.instructions[index].stage else {
        return false;
    };
    model
        .stage_chain(stage)
        .iter()
        .filter_map(|&s| model.stages[s].base.as_deref())
        .any(|b| b.starts_with('.') || b.starts_with('/'))
}

/// The RUN executes as a bare uid that no `useradd` of the file gave a home: `HOME` comes from
/// the base image's `/etc/passwd` (`/home/node` for uid 1000 in `node`, `/` where the uid has no
/// entry), so the tool's directory is a guess.
fn home_unknown(scope: &Scope) -> bool {
    scope.get("HOME").is_none()
        && matches!(&scope.user, UserInfo::NonRoot { name, home: Some(h), .. } if h == "/" && name.parse::<u32>().is_ok())
}

/// Points the mount at the tool's directory: only with one cache mount in the RUN, one tool,
/// one fully resolved directory, and a target written plainly.
fn retarget(src: &str, escape: char, run: &Run, scope: &Scope, m: &Mount, meant: &[&Call]) -> Option<Fix> {
    let tool = meant[0].tool;
    if meant.iter().any(|c| c.tool != tool)
        || run
            .mounts
            .iter()
            .filter(|m| matches!(m.kind, MountType::Cache | MountType::Tmpfs))
            .count()
            != 1
        || m.from.is_some()
        || m.source.is_some()
    {
        return None;
    }
    let mut dir: Option<&str> = None;
    for c in meant {
        match c.dirs.as_deref() {
            Some([d]) if dir.is_none_or(|x| x == d.path) => dir = Some(&d.path),
            _ => return None,
        }
    }
    // (with one cache mount, which covers none of the tool's directories, all are uncovered)
    let dir = dir?;
    // the field is replaced whole, written as BuildKit reads it back (a comma needs the whole
    // field quoted); only when nothing around it is quoted
    let field = m.field("target")?;
    let range: TextRange = field.range;
    if !dir.starts_with('/') || range.slice(src) != field.text || !src[..m.range.start].ends_with("--mount=") {
        return None;
    }
    let written = write_field(field.key_range.slice(src), dir, escape)?;
    // another mount there would shadow the new target, or the tool installs there
    let forbidden = tool.never_mount(scope.home().as_deref());
    if forbidden.iter().any(|f| covers(dir, f))
        || run
            .mounts
            .iter()
            .filter(|o| o.range != m.range)
            .filter_map(|o| mount_target(o, scope))
            .any(|t| covers(&t, dir) || covers(dir, &t))
    {
        return None;
    }
    let keep = if m.id.is_some() {
        ""
    } else {
        " (the cache starts cold once)"
    };
    Some(Fix::safe(
        format!("Mount the cache at `{dir}`{keep}"),
        vec![Edit::replace(range, written)],
    )
    .with_added_mounts(vec![AddedMount {
        at: m.range.start,
        target: dir.to_string(),
    }]))
}

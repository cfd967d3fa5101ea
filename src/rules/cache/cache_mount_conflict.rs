use crate::semantic::paths::{self, covers, mount_target};
use crate::semantic::tools::{self, Call, Tool};
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::syntax::go::clean_path;
use crate::syntax::model::{Instruction, Kind};
use crate::syntax::mounts::{Mount, MountType};
use crate::semantic::scope::{Scope, UserInfo};
use crate::syntax::text::TextRange;

pub static META: RuleMeta = RuleMeta {
    name: "cache-mount-conflict",
    family: Family::Cache,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &[],
    related: &[],
    summary: "cache mounts that hide each other, a read-only cache an install writes to, or one cache id used two ways",
    options: &[],
    fix_priority: 110,
    after_suppressions: false,
    doc: include_str!("../../../rules/cache-mount-conflict.md"),
};

/// What decides which cache a mount gets, besides its id: BuildKit puts a mount with `mode`,
/// `uid` or `gid` (and no `source`) on a `mkdir` with those values, and the cache key becomes
/// `id:<that snapshot>`.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Base {
    /// `(mode, uid, gid)` with the defaults filled in, when any of them is given.
    perms: Option<(u32, u32, u32)>,
}

impl Base {
    fn describe(self) -> String {
        match self.perms {
            None => "no `mode`, `uid` or `gid`".into(),
            Some((mode, uid, gid)) => format!("`mode={mode:04o},uid={uid},gid={gid}`"),
        }
    }
}

/// A cache mount seen so far, for the checks across the file.
struct Seen {
    line: usize,
    target: String,
    base: Base,
    tools: Vec<Tool>,
    user: Option<String>,
}

pub fn check(ctx: &mut Context) {
    let _model = ctx.model;
    let src = ctx.src;
    // id → the cache mounts seen with it
    let mut ids: Vec<(String, Vec<Seen>)> = Vec::new();
    for (r, calls) in ctx.runs() {
        let (ins, eff, run) = (r.ins, r.eff, r.run);
        if run.mounts.is_empty() {
            continue;
        }
        let scope = &r.scope;
        let targets: Vec<Option<String>> = run
            .mounts
            .iter()
            .map(|m| mount_target(m, scope).map(|t| clean_path(&t)))
            .collect();

        // inside the RUN
        for (j, mj) in run.mounts.iter().enumerate() {
            let Some(tj) = &targets[j] else { continue };
            if let Some(i) = (0..j).find(|&i| targets[i].as_ref() == Some(tj)) {
                let mi = &run.mounts[i];
                if same_text(mi, mj) {
                    let fix = delete_flag(src, eff, mj);
                    ctx.report_with_fix(
                        mj.range,
                        format!("this mount repeats the mount before it on `{tj}`"),
                        fix,
                    );
                } else {
                    ctx.report(
                        mj.range,
                        format!(
                            "a second mount on `{tj}` in this RUN: it hides the {} mount before it",
                            mi.kind.as_str()
                        ),
                    );
                }
                continue;
            }
            if let Some((pi, pt)) = nested_in(run.mounts.as_slice(), &targets, j) {
                let parent = &run.mounts[pi];
                ctx.report(
                    mj.range,
                    format!(
                        "`{tj}` is mounted inside the {} mount `{pt}` and hides that part of it: files there go to a separate {}",
                        parent.kind.as_str(),
                        if mj.kind == MountType::Cache { "cache" } else { "tmpfs" }
                    ),
                );
                continue;
            }
            if mj.kind == MountType::Cache && mj.readonly {
                let writer = calls.iter().filter(|c| !c.cache_off).find_map(|c| {
                    let d = c.dirs.as_ref()?.iter().find(|d| paths::holds(tj, &d.path))?;
                    Some((c, d))
                });
                if let Some((call, dir)) = writer {
                    ctx.report(
                        mj.range,
                        format!(
                            "cache mount `{tj}` is read-only, but `{}` writes its cache to `{}`: nothing new reaches the cache, and the tool may fail",
                            tools::call_name(call),
                            dir.path
                        ),
                    );
                }
            }
        }

        // across the file: one cache id, one cache
        if ins.kind == Kind::Onbuild {
            continue;
        }
        for (j, m) in run.mounts.iter().enumerate() {
            if m.kind != MountType::Cache || m.from.is_some() {
                continue;
            }
            let (Some(target), Some(id), Some(base)) = (&targets[j], cache_id(m, scope), base(m, scope)) else {
                continue;
            };
            let here = Seen {
                line: eff.start_line,
                target: target.clone(),
                base,
                tools: tools_of(calls, target),
                user: user_key(scope),
            };
            let earlier: &[Seen] = ids.iter().find(|(i, _)| *i == id).map_or(&[], |(_, v)| v);
            // the same user with other permissions: a second cache for no reason (another user
            // needs its own owner, which `cache-mount-not-writable-by-user` asks for)
            let other_base = earlier
                .iter()
                .find(|e| e.user.is_some() && e.user == here.user && e.base != here.base);
            let other_tool = earlier.iter().find(|e| {
                // with another base it is another cache, shared by nobody
                e.base == here.base
                    && !e.tools.is_empty()
                    && !here.tools.is_empty()
                    && e.target != here.target
                    && !here.tools.iter().any(|t| e.tools.contains(t))
            });
            if let Some(e) = other_tool {
                ctx.report(
                    m.range,
                    format!(
                        "cache id `{id}` holds `{}`'s cache here and `{}`'s on line {} (`{}`): the two tools share one cache directory",
                        names(&here.tools),
                        names(&e.tools),
                        e.line,
                        e.target
                    ),
                );
            } else if let Some(e) = other_base {
                ctx.report(
                    m.range,
                    format!(
                        "cache id `{id}` has {} here but {} on line {}: BuildKit keeps two separate caches under this id",
                        here.base.describe(),
                        e.base.describe(),
                        e.line
                    ),
                );
            }
            match ids.iter_mut().find(|(i, _)| *i == id) {
                Some((_, v)) => v.push(here),
                None => ids.push((id, vec![here])),
            }
        }
    }
}

/// Who runs the RUN: `0` for root, the uid, or the user name when the uid is unknown.
fn user_key(scope: &Scope) -> Option<String> {
    match &scope.user {
        UserInfo::Root => Some("0".into()),
        UserInfo::NonRoot { uid: Some(u), .. } => Some(u.to_string()),
        UserInfo::NonRoot { name, .. } => Some(name.clone()),
        UserInfo::Unknown => None,
    }
}

fn names(tools: &[Tool]) -> String {
    tools.iter().map(|t| t.name()).collect::<Vec<_>>().join("`, `")
}

/// The tools of the RUN whose cache directories `target` covers.
fn tools_of(calls: &[Call], target: &str) -> Vec<Tool> {
    let mut out: Vec<Tool> = Vec::new();
    for c in calls {
        let covered = c
            .dirs
            .as_ref()
            .is_some_and(|ds| ds.iter().any(|d| paths::holds(target, &d.path)));
        if covered && !out.contains(&c.tool) {
            out.push(c.tool);
        }
    }
    out
}

/// BuildKit's cache id: `id`, else the target as written, cleaned (before the namespace).
fn cache_id(m: &Mount, scope: &Scope) -> Option<String> {
    match m.id.as_deref().filter(|i| !i.is_empty()) {
        Some(id) => scope.expand(id),
        None => Some(clean_path(&scope.expand(m.target.as_deref()?)?)),
    }
}

/// The mount's base; `None` when a value is unknown.
fn base(m: &Mount, scope: &Scope) -> Option<Base> {
    let source = match m.source.as_deref() {
        Some(s) => clean_path(&format!("/{}", scope.expand(s)?)) != "/",
        None => false,
    };
    if source || m.mode.is_none() && m.uid.is_none() && m.gid.is_none() {
        return Some(Base { perms: None });
    }
    let num = |v: &Option<String>, radix: u32, default: u32| -> Option<u32> {
        match v {
            None => Some(default),
            Some(v) => u32::from_str_radix(&scope.expand(v)?, radix).ok(),
        }
    };
    Some(Base {
        perms: Some((num(&m.mode, 8, 0o755)?, num(&m.uid, 10, 0)?, num(&m.gid, 10, 0)?)),
    })
}

/// The same fields with the same values, in the same order.
fn same_text(a: &Mount, b: &Mount) -> bool {
    a.fields.len() == b.fields.len()
        && a.fields
            .iter()
            .zip(&b.fields)
            .all(|(x, y)| x.key == y.key && x.written == y.written)
}

/// A cache mount of the RUN that the cache or tmpfs mount `targets[j]` lies strictly inside. A
/// file bound or a secret put into a cache (`settings.xml` in `~/.m2`) is deliberate, and a cache
/// inside a bind or tmpfs mount is the usual way to make part of it writable: neither counts.
fn nested_in<'t>(mounts: &[Mount], targets: &'t [Option<String>], j: usize) -> Option<(usize, &'t str)> {
    let tj = targets[j].as_deref()?;
    if !matches!(mounts[j].kind, MountType::Cache | MountType::Tmpfs) {
        return None;
    }
    (0..mounts.len()).find_map(|i| {
        let ti = targets[i].as_deref()?;
        (i != j && ti != tj && mounts[i].kind == MountType::Cache && covers(ti, tj)).then_some((i, ti))
    })
}

/// Deletes the `--mount=` flag of `m` and the blanks (and line continuations) before it.
fn delete_flag(src: &str, ins: &Instruction, m: &Mount) -> Option<Fix> {
    let k = ins.flags.iter().position(|f| f.range.contains_range(m.range))?;
    let flag = &ins.flags[k];
    let prev = ins.flags[..k].last()?;
    let gap = TextRange::new(prev.range.end, flag.range.start).slice(src);
    if gap.contains('#') || !flag.range.slice(src).starts_with("--mount=") {
        return None;
    }
    Some(Fix::safe(
        "Remove the repeated mount",
        vec![Edit::delete(TextRange::new(prev.range.end, flag.range.end))],
    ))
}

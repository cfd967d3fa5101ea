use crate::semantic::paths::{self, mount_target};
use crate::semantic::tools;
use super::common;
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::syntax::mounts::MountType;
use crate::semantic::scope::UserInfo;

pub static META: RuleMeta = RuleMeta {
    name: "cache-mount-not-writable-by-user",
    family: Family::Cache,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &["cache-mount-without-mode"],
    related: &[],
    summary: "a cache mount the RUN's non-root user cannot write to",
    options: &[],
    fix_priority: 90,
    after_suppressions: false,
    doc: include_str!("../../../rules/cache-mount-not-writable-by-user.md"),
};

pub fn check(ctx: &mut Context) {
    for (r, calls) in ctx.runs() {
        let run = r.run;
        if !run.mounts.iter().any(|m| m.kind == MountType::Cache) {
            continue;
        }
        let scope = &r.scope;
        let UserInfo::NonRoot { name, uid, .. } = &scope.user else {
            continue;
        };
        for m in run.mounts.iter().filter(|m| m.kind == MountType::Cache) {
            // the only tools using this cache run as root (`sudo pip install …`)
            let target = mount_target(m, scope);
            let users: Vec<Option<&str>> = calls
                .iter()
                .filter(|c| {
                    c.dirs
                        .iter()
                        .flatten()
                        .any(|d| target.as_deref().is_some_and(|t| paths::holds(t, &d.path)))
                })
                .map(|c| c.cmd.effective().user)
                .collect();
            if !users.is_empty() && users.iter().all(|u| matches!(u, Some("root" | "0"))) {
                continue;
            }
            let mode = m.mode_bits().unwrap_or(0o755);
            if m.mode.is_some() && m.mode_bits().is_none() || mode & 0o002 != 0 {
                continue; // invalid (another rule's) or world-writable
            }
            let owned = match (m.uid_num(), uid) {
                (Some(mu), Some(u)) => mu == *u,
                (Some(_), None) => continue, // cannot tell
                (None, _) => false,
            };
            if owned {
                continue;
            }
            let target = mount_target(m, scope).or(m.target.clone()).unwrap_or_default();
            let (fix, no_fix_reason) = if r.is_onbuild() {
                (None, Some(common::ONBUILD_NO_FIX.to_string()))
            } else if m.uid.is_some() || m.gid.is_some() {
                (None, None)
            } else {
                match tools::owner_options(scope) {
                    Some(owner) if !owner.is_empty() => (
                        Some(Fix::safe(
                            format!("Add `{}` to the mount", owner.trim_start_matches(',')),
                            vec![Edit::insert(m.range.end, owner)],
                        )),
                        None,
                    ),
                    _ => (None, Some(common::unknown_uid(name))),
                }
            };
            let alternative = (m.mode.is_none() && !r.is_onbuild()).then(|| {
                Fix::unsafe_(
                    "Make the cache world-writable with `mode=0777`",
                    vec![Edit::insert(m.range.end, ",mode=0777")],
                )
            });
            let owner = m.uid_num().map_or("root:root".to_string(), |u| format!("uid {u}"));
            let d = ctx.report(
                m.range,
                format!("cache mount `{target}` is created as {owner} with mode {mode:04o}, but this RUN runs as `{name}`, who cannot write to it: the cache goes unused"),
            );
            d.fix = fix;
            d.no_fix_reason = no_fix_reason;
            d.alternatives.extend(alternative);
        }
    }
}

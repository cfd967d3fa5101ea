use super::apt::{self, DockerClean};
use super::common::KEEP_PACKAGES;
use crate::semantic::tools::system::touches_docker_clean;
use super::edits;
use crate::semantic::commands::basename;
use crate::semantic::paths::{covers, mount_target};
use crate::semantic::tools::{APT_CACHE, APT_LISTS, Tool};
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::syntax::mounts::{Mount, MountType};

pub static META: RuleMeta = RuleMeta {
    name: "apt-cache-mount-incomplete",
    family: Family::Cache,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &[],
    related: &[],
    summary: "An apt cache mount without `sharing=locked`, emptied by `docker-clean`, or on only one of apt's two directories",
    options: &[],
    fix_priority: 290,
    after_suppressions: false,
    doc: include_str!("../../../rules/apt-cache-mount-incomplete.md"),
};

const ARCHIVES: &str = "/var/cache/apt/archives";
const LISTS: &str = "/var/lib/apt/lists";

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    let src = ctx.src;
    let cleaned = ctx.semantic().earlier_in_chain(|c| touches_docker_clean(src, c));
    let relied = apt::relied_on(ctx.semantic(), src);
    for (r, calls) in ctx.runs() {
        let (index, ins, run) = (r.index, r.ins, r.run);
        let all = &r.commands;
        let runs_apt = all.iter().any(|c| {
            c.effective()
                .words
                .first()
                .and_then(|w| w.value.as_deref())
                .is_some_and(|p| matches!(basename(p), "apt-get" | "apt" | "aptitude"))
        });
        if !runs_apt {
            continue;
        }
        let scope = &r.scope;
        // cache mounts on apt's directories, on a part of them, or on a parent of them
        let mounts: Vec<(&Mount, String)> = run
            .mounts
            .iter()
            .filter(|m| m.kind == MountType::Cache)
            .filter_map(|m| Some((m, mount_target(m, scope)?)))
            .filter(|(_, t)| [APT_CACHE, APT_LISTS].iter().any(|d| covers(t, d) || covers(d, t)))
            .collect();
        if mounts.is_empty() {
            continue;
        }
        for (m, t) in &mounts {
            sharing(ctx, m, t);
        }
        let installs = calls.iter().find(|c| c.tool == Tool::Apt).map(|c| c.cmd.range.start);
        let Some(first_install) = installs else { continue };
        let archives = mounts.iter().find(|(_, t)| covers(t, ARCHIVES) || covers(APT_CACHE, t));
        let lists = mounts.iter().find(|(_, t)| covers(t, LISTS) || covers(APT_LISTS, t));
        let docker_clean = apt::docker_clean(src, scope, all, cleaned[index], first_install);
        if let Some((m, t)) = archives
            && docker_clean == DockerClean::InPlace
        {
            let eol = model.line_ending.as_str();
            let keep = Fix::unsafe_(
                "Remove `docker-clean` in a `RUN` before this one",
                vec![edits::insert_line_above(ins, KEEP_PACKAGES, eol)],
            );
            ctx.report(
                m.range,
                format!(
                    "the cache mount on `{t}` stays empty: the image's `/etc/apt/apt.conf.d/docker-clean` deletes downloaded packages after every install"
                ),
            )
            .alternatives
            .push(keep);
        }
        // a missing mount is only reported where it would work: the lists move out of the
        // image only when the RUN downloads them and no later RUN installs from them; the
        // packages are kept only when neither `docker-clean` nor the RUN deletes them
        let lists_stay = apt::lists_stay(all, first_install, relied[index]).is_some();
        let packages_deleted = docker_clean == DockerClean::InPlace
            || all.iter().any(|c| apt::deletes_packages(src, c, scope));
        match (archives, lists) {
            (Some((m, t)), None) if !lists_stay => {
                ctx.report(
                    m.range,
                    format!(
                        "only `{t}` is a cache mount: the package lists in `{APT_LISTS}` are downloaded again on every build"
                    ),
                );
            }
            (None, Some((m, t))) if !packages_deleted => {
                ctx.report(
                    m.range,
                    format!("only `{t}` is a cache mount: the packages apt downloads to `{APT_CACHE}` are not cached"),
                );
            }
            _ => {}
        }
    }
}

/// apt locks its directories: a second build sharing the cache fails (or, with `private`,
/// starts from an empty one) unless the mount waits with `sharing=locked`.
fn sharing(ctx: &mut Context, m: &Mount, target: &str) {
    let field = m.fields.iter().rev().find(|f| f.key == "sharing");
    if field.is_some_and(|f| f.dynamic) {
        return;
    }
    let (message, title, edit) = match field {
        Some(_) if m.sharing.as_deref() == Some("locked") => return,
        Some(f) => {
            let Some(range) = f.value_range else { return };
            let what = m.sharing.as_deref().unwrap_or("");
            let message = if what == "private" {
                format!(
                    "The apt cache mount on `{target}` has `sharing=private`: concurrent builds each start from an empty cache"
                )
            } else {
                format!(
                    "The apt cache mount on `{target}` has `sharing={what}`: concurrent builds that share it can fail on apt's lock"
                )
            };
            (message, "Use `sharing=locked`", Edit::replace(range, "locked"))
        }
        None => {
            let Some(last) = m.fields.last() else { return };
            (
                format!(
                    "The apt cache mount on `{target}` is shared without a lock: concurrent builds that share it can fail on apt's lock"
                ),
                "Add `sharing=locked`",
                Edit::insert(last.range.end, ",sharing=locked"),
            )
        }
    };
    ctx.report_with_fix(m.range, message, Some(Fix::safe(title, vec![edit])));
}

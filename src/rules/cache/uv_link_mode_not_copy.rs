use crate::semantic::tools::Tool;
use crate::semantic::commands::{basename, env_of};
use crate::semantic::paths::is_covered;
use super::edits::add_option;
use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::{Fix, Severity};

pub static META: RuleMeta = RuleMeta {
    name: "uv-link-mode-not-copy",
    family: Family::Cache,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &[],
    related: &[],
    summary: "uv installs from a cache mount without `--link-mode=copy` or `UV_LINK_MODE=copy`",
    options: &[],
    fix_priority: 240,
    after_suppressions: false,
    doc: include_str!("../../../rules/uv-link-mode-not-copy.md"),
};

pub fn check(ctx: &mut Context) {
    let _model = ctx.model;
    let src = ctx.src;
    for (r, calls) in ctx.runs() {
        let (eff, run) = (r.eff, r.run);
        let scope = &r.scope;
        for call in calls {
            if call.tool != Tool::Uv || call.cache_off {
                continue;
            }
            // commands that install packages from the cache (not `uv lock`, `uv export`,
            // `uv pip compile`)
            if !matches!(
                call.subcommand(),
                "install" | "sync" | "add" | "run" | "upgrade" | "uvx"
            ) {
                continue;
            }
            let Some(dirs) = &call.dirs else { continue };
            if !dirs.iter().all(|d| is_covered(run, scope, &d.path)) {
                continue;
            }
            let what = call.words[..=call.sub]
                .iter()
                .enumerate()
                .map(|(i, w)| match (i, w.value.as_deref()) {
                    (0, Some(v)) => basename(v),
                    (_, Some(v)) => v,
                    (_, None) => w.range.slice(src),
                })
                .collect::<Vec<_>>()
                .join(" ");
            let fix = match call.option(&["--link-mode"]) {
                Some("copy") => continue,
                // an explicit other mode: the author chose it
                Some(mode) => {
                    let message = format!(
                        "`{what}` installs from a cache mount with `--link-mode={mode}`: links into the mount cannot work (uv falls back to copying, and symbolic links would point outside the image)"
                    );
                    ctx.report(call.anchor(), message);
                    continue;
                }
                None => match env_of("UV_LINK_MODE", call.cmd, &r.commands, scope) {
                    Some(Some(mode)) if mode == "copy" => continue,
                    // set to something dfix cannot read
                    Some(None) => continue,
                    _ => Some(Fix::safe(
                        "Add `--link-mode=copy`",
                        vec![add_option(call, eff, "--link-mode=copy")],
                    )),
                },
            };
            ctx.report_with_fix(
                call.anchor(),
                format!(
                    "`{what}` installs from a cache mount without `--link-mode=copy`: uv tries to hard-link across file systems, fails, and falls back to copying with a warning"
                ),
                fix,
            );
        }
    }
}

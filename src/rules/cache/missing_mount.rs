//! The check shared by the `<tool>-without-cache-mount` rules: a package-manager call whose
//! cache directories no cache or tmpfs mount of the RUN covers, and that does not keep its
//! cache out of the image some other way (the tool's "no cache" switch or its clean-up).

use super::common;
use super::edits;
use super::{Context, OptionKind, OptionSpec};
use crate::diagnostic::{AddedMount, Diagnostic, Edit, Fix};
use crate::semantic::commands::{self, Commands};
use crate::semantic::paths::{self, covers, mount_target};
use crate::semantic::scope::{Scope, UserInfo};
use crate::semantic::tools::{self, CacheDir, Call, Tool};
use crate::syntax::go::clean_path;
use crate::syntax::model::{Dockerfile, Instruction, Run};
use crate::syntax::mounts::{Mount, MountType};

/// The option every `<tool>-without-cache-mount` rule takes.
pub const PREFER: OptionSpec = OptionSpec {
    name: "prefer",
    kind: OptionKind::OneOf(&["mount", "clean"]),
    default: "mount",
    doc: "what the fix adds: a cache mount, or the tool's own clean-up",
};

/// What a cache rule's `--write` adds (its `prefer` option).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prefer {
    Mount,
    Clean,
}

/// Edits a mount fix needs besides the mount.
pub type ExtraEdits = fn(&Call, &Run) -> Option<Vec<Edit>>;
/// The fix of `prefer = "clean"`.
pub type CleanFix = fn(&Call, &Instruction) -> Option<Fix>;
/// What the `amend` of [`check_amended`] sees.
pub struct Found<'a> {
    pub src: &'a str,
    pub model: &'a Dockerfile,
    /// The instruction's index (an ONBUILD's, for a trigger).
    pub index: usize,
    pub call: &'a Call<'a>,
    pub run: &'a Run,
    pub scope: &'a Scope,
    /// The commands of the RUN.
    pub commands: &'a Commands<'a>,
    pub prefer: Prefer,
}

pub struct Spec {
    pub tool: Tool,
    /// Offer the mount fix (false while the tool's cache directory is unverified).
    pub fix: bool,
    /// Why a finding has no fix at all (neither mount nor clean-up), when that is known.
    pub no_fix_reason: Option<&'static str>,
    /// One covered directory is enough (apt: the other one is `apt-cache-mount-incomplete`'s).
    pub any_dir: bool,
    /// Edits the mount fix needs besides the mount (apk's cache link).
    pub extra: Option<ExtraEdits>,
    /// With `prefer = "clean"`: the clean-up fix.
    pub clean: Option<CleanFix>,
}

impl Spec {
    pub const fn new(tool: Tool) -> Spec {
        Spec {
            tool,
            fix: true,
            no_fix_reason: None,
            any_dir: false,
            extra: None,
            clean: None,
        }
    }
}

/// A cache or tmpfs mount of the RUN that looks meant for `call`'s tool (by its name) but
/// covers none of its directories: that is `cache-mount-target-mismatch`'s finding, not a
/// missing mount. A mount that covers a directory of another call of the RUN is that call's,
/// and a mount inside one of the tool's directories is a deliberate partial cache: neither is
/// misplaced. Only when some directory of the call is not covered. Returns the mount and its
/// resolved target.
pub fn misplaced_mount<'r>(run: &'r Run, scope: &Scope, call: &Call, calls: &[Call]) -> Option<(&'r Mount, String)> {
    let dirs = call.dirs.as_ref()?;
    if dirs.iter().all(|d| paths::is_covered(run, scope, &d.path)) {
        return None;
    }
    run.mounts
        .iter()
        .filter(|m| matches!(m.kind, MountType::Cache | MountType::Tmpfs))
        .filter_map(|m| Some((m, mount_target(m, scope)?)))
        .find(|(_, t)| {
            call.tool.looks_like_cache(t)
                && !dirs.iter().any(|d| paths::holds(t, &d.path) || covers(&d.path, t))
                && !calls
                    .iter()
                    .filter_map(|c| c.dirs.as_ref())
                    .flatten()
                    .any(|d| paths::holds(t, &d.path))
        })
}

/// A bind mount (no `type=`, or `type=bind`; not from another stage or image) on one of
/// `call`'s cache directories, or on a parent of one that looks like a cache (`~/.cache`). That is `mount-not-cache-type`'s finding. Returns the mount, its resolved target
/// and the directory.
pub fn bind_on_cache_dir<'r, 'c>(
    run: &'r Run,
    scope: &Scope,
    call: &'c Call,
) -> Option<(&'r Mount, String, &'c CacheDir)> {
    let dirs = call.dirs.as_ref()?;
    run.mounts
        .iter()
        .filter(|m| m.kind == MountType::Bind && m.from.is_none())
        .filter_map(|m| Some((m, mount_target(m, scope)?)))
        .find_map(|(m, t)| {
            let cachey = call.tool.looks_like_cache(&t) || commands::basename(t.trim_end_matches('/')) == ".cache";
            let d = dirs
                .iter()
                .find(|d| clean_path(&d.path) == clean_path(&t) || cachey && covers(&t, &d.path))?;
            Some((m, t, d))
        })
}

pub fn check(ctx: &mut Context, spec: &Spec) {
    check_amended(ctx, spec, |_, _| {});
}

/// [`check`], with `amend` adjusting each finding once it is made, with the whole file in view
/// (the fix's safety, more edits, alternatives).
pub fn check_amended(ctx: &mut Context, spec: &Spec, amend: impl Fn(&Found, &mut Diagnostic)) {
    let (model, src) = (ctx.model, ctx.src);
    for (r, calls) in ctx.runs() {
        let (run, scope) = (r.run, &r.scope);
        if r.commands.is_empty() {
            continue;
        }
        let mut reported = false;
        for call in calls.iter().filter(|c| c.tool == spec.tool && !c.cache_off) {
            if reported {
                break;
            }
            let missing: Vec<&tools::CacheDir> = match &call.dirs {
                Some(dirs) => {
                    let missing: Vec<_> = dirs
                        .iter()
                        // a cache mount inside the directory is a deliberate partial cache
                        // (`/go/pkg/mod/cache`): not a missing mount
                        .filter(|d| {
                            !paths::is_covered(run, scope, &d.path) && !paths::has_cache_inside(run, scope, &d.path)
                        })
                        .collect();
                    if missing.is_empty() || spec.any_dir && missing.len() < dirs.len() {
                        continue;
                    }
                    if paths::has_unresolved_mount(run, scope)
                        || misplaced_mount(run, scope, call, calls).is_some()
                        || bind_on_cache_dir(run, scope, call).is_some()
                    {
                        continue;
                    }
                    missing
                }
                // an unknown directory: any cache mount may be the right one
                None if run
                    .mounts
                    .iter()
                    .any(|m| matches!(m.kind, MountType::Cache | MountType::Tmpfs)) =>
                {
                    continue;
                }
                None => Vec::new(),
            };
            reported = true;
            let prefer = match ctx.settings.options.string(ctx.rule(), PREFER.name) {
                "clean" => Prefer::Clean,
                _ => Prefer::Mount,
            };
            let (fix, no_fix_reason) = match prefer {
                Prefer::Clean => match spec.clean.and_then(|f| f(call, r.eff)) {
                    Some(fix) => (Some(fix), None),
                    None => (None, spec.no_fix_reason.map(str::to_string)),
                },
                Prefer::Mount => match mount_fix(spec, call, run, scope, &missing, r.is_onbuild(), model.escape) {
                    Ok(fix) => (Some(fix), None),
                    Err(reason) => (None, reason),
                },
            };
            let on = match call.dirs.as_ref().filter(|_| !missing.is_empty()) {
                Some(_) => format!(
                    " on {}",
                    missing
                        .iter()
                        .map(|d| format!("`{}`", d.path))
                        .collect::<Vec<_>>()
                        .join(" and ")
                ),
                None => String::new(),
            };
            let program = call.words[0]
                .value
                .as_deref()
                .map_or(call.tool.name(), commands::basename);
            // `python -m pip install` is pip's call
            let program = if program.starts_with("python") {
                call.tool.name()
            } else {
                program
            };
            // a command group before the subcommand (`go mod download`, `yarn global add`)
            let group: Vec<&str> = call.words[1..call.sub.max(1)]
                .iter()
                .map_while(|w| w.value.as_deref().filter(|v| v.chars().all(|c| c.is_ascii_lowercase())))
                .collect();
            let what = if call.sub == 0 {
                program.to_string()
            } else if group.len() + 1 == call.sub {
                format!("{program} {} {}", group.join(" "), call.subcommand()).replace("  ", " ")
            } else {
                format!("{program} {}", call.subcommand())
            };
            let diagnostic = ctx.report(
                call.anchor(),
                format!(
                    "`{what}` runs without a cache mount{on}: every build downloads the packages again{}",
                    tools::assumed(call, src).unwrap_or_default()
                ),
            );
            diagnostic.fix = fix;
            diagnostic.no_fix_reason = no_fix_reason;
            let found = Found {
                src,
                model,
                index: r.index,
                call,
                run,
                scope,
                commands: &r.commands,
                prefer,
            };
            amend(&found, diagnostic);
        }
    }
}

/// Why a mount fix is not offered for a directory the writer cannot write.
pub const UNWRITABLE: &str = "the cache directory cannot be written in a `--mount` value that BuildKit reads back as the same path (a line break, a control character, or a non-ASCII character, which BuildKit's flag parser re-encodes)";

/// The mount fix, or why there is none (when that can be said in a line).
fn mount_fix(
    spec: &Spec,
    call: &Call,
    run: &Run,
    scope: &Scope,
    missing: &[&tools::CacheDir],
    onbuild: bool,
    escape: char,
) -> Result<Fix, Option<String>> {
    if !spec.fix {
        return Err(spec.no_fix_reason.map(str::to_string));
    }
    if onbuild {
        return Err(Some(common::ONBUILD_NO_FIX.to_string()));
    }
    if missing.is_empty() {
        return Err(Some(format!(
            "where `{}` keeps its cache could not be determined here",
            call.tool
        )));
    }
    let home = scope.home();
    let forbidden = call.tool.never_mount(home.as_deref());
    let mut mounts = Vec::new();
    for d in missing {
        // another mount there would shadow the new one or be shadowed by it
        if paths::is_mounted(run, scope, &d.path) || forbidden.iter().any(|f| covers(&d.path, f)) {
            return Err(None);
        }
        let Some(mount) = tools::cache_mount(call, scope, d) else {
            return Err(match &scope.user {
                UserInfo::NonRoot { name, .. } if call.cmd.effective().user.is_none() => {
                    Some(common::unknown_uid(name))
                }
                _ => None,
            });
        };
        mounts.push(mount);
    }
    let Some(add) = edits::add_mounts(run, &mounts, escape) else {
        return Err(Some(UNWRITABLE.to_string()));
    };
    let mut edits = vec![add];
    if let Some(extra) = spec.extra {
        edits.extend(extra(call, run).ok_or(None)?);
    }
    let targets = missing
        .iter()
        .map(|d| format!("`{}`", d.path))
        .collect::<Vec<_>>()
        .join(" and ");
    let added = mounts
        .into_iter()
        .map(|m| AddedMount {
            at: run.flag_insert_at,
            target: m.target,
        })
        .collect();
    Ok(Fix::safe(format!("Mount a BuildKit cache at {targets}"), edits).with_added_mounts(added))
}

/// With `prefer = "clean"`, the fix appends `command` to the RUN (see [`edits::append_to_run`]).
pub fn amend_clean(found: &Found, d: &mut Diagnostic, command: &str) {
    if found.prefer == Prefer::Clean {
        let ins = found.model.instructions[found.index].effective();
        d.fix = edits::append_to_run(found.src, ins, command)
            .map(|e| Fix::safe(format!("Append `{command}` to the `RUN`"), vec![e]));
    }
}

//! The check shared by the `<tool>-without-cache-mount` rules: a package-manager call whose
//! cache directories no cache or tmpfs mount of the RUN covers, and that does not keep its
//! cache out of the image some other way (the tool's "no cache" switch or its clean-up).

use super::common;
use super::contradiction::{
    Reach, clean_up, disjoint, mv_sources, operand, remove_command, remove_word, rm_operands, selected,
};
use super::edits;
use super::{Context, OptionKind, OptionSpec};
use crate::diagnostic::{AddedMount, Applicability, Diagnostic, Edit, Fix};
use crate::semantic::Semantic;
use crate::semantic::commands::{self, RunRef, basename};
use crate::semantic::paths::{self, covers, mount_target};
use crate::semantic::scope::{Scope, UserInfo};
use crate::semantic::tools::{self, CacheDir, Call, Tool};
use crate::syntax::go::clean_path;
use crate::syntax::model::{Dockerfile, Instruction, Kind, Run};
use crate::syntax::mounts::{Mount, MountType};
use crate::syntax::shell::argv::{self, Opt, Order, Unknown};
use crate::syntax::shell::{Command, Word};

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
    /// The RUN, its scope and its commands.
    pub r: &'a RunRef<'a>,
    pub call: &'a Call<'a>,
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
    check_filtered(ctx, spec, |_, _| false, amend);
}

/// [`check_amended`], with the calls for which `skip` is true left alone (a call that, with the
/// whole file in view, downloads nothing).
pub fn check_filtered(
    ctx: &mut Context,
    spec: &Spec,
    skip: impl Fn(&RunRef, &Call) -> bool,
    amend: impl Fn(&Found, &mut Diagnostic),
) {
    let (model, src) = (ctx.model, ctx.src);
    for (r, calls) in ctx.runs() {
        let (run, scope) = (r.run, &r.scope);
        if r.commands.is_empty() {
            continue;
        }
        let mut reported = false;
        for call in calls
            .iter()
            .filter(|c| c.tool == spec.tool && !c.cache_off && !skip(r, c))
        {
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
                Prefer::Mount => match mount_fix(spec, call, src, model, ctx.semantic(), r, &missing) {
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
            let what = tools::call_name(call);
            let assumption = tools::user_assumption(call, scope)
                .or_else(|| missing.iter().find_map(|d| d.assumed).map(|a| format!(" ({a})")));
            let diagnostic = ctx.report(
                call.anchor(),
                format!(
                    "`{what}` runs without a cache mount{on}: every build downloads the packages again{}{}",
                    tools::assumed(call, src).unwrap_or_default(),
                    assumption.as_deref().unwrap_or_default()
                ),
            );
            diagnostic.fix = fix;
            diagnostic.no_fix_reason = no_fix_reason;
            let found = Found {
                src,
                model,
                r,
                call,
                prefer,
            };
            amend(&found, diagnostic);
            // a cache directory or owner that depends on an assumed user: never a safe fix
            if assumption.is_some() {
                for f in diagnostic.fix.iter_mut().chain(&mut diagnostic.alternatives) {
                    f.applicability = Applicability::Unsafe;
                    f.title = format!("{} (if what the finding assumes holds)", f.title);
                }
            }
        }
    }
}

/// Why a mount fix is not offered for a directory the writer cannot write.
pub const UNWRITABLE: &str = "the cache directory cannot be written in a `--mount` value that BuildKit reads back as the same path (a line break, a control character, or a non-ASCII character, which BuildKit's flag parser re-encodes)";

/// The mount fix, or why there is none (when that can be said in a line).
fn mount_fix(
    spec: &Spec,
    call: &Call,
    src: &str,
    model: &Dockerfile,
    semantic: &Semantic,
    r: &RunRef,
    missing: &[&tools::CacheDir],
) -> Result<Fix, Option<String>> {
    let (run, scope) = (r.run, &*r.scope);
    if !spec.fix {
        return Err(spec.no_fix_reason.map(str::to_string));
    }
    if r.is_onbuild() {
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
    let mut dropped = Vec::new();
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
        dropped.extend(clashes(src, r, &d.path)?);
        layer_needs(src, model, semantic, r, &d.path)?;
        if let UserInfo::NonRoot { name, .. } = &scope.user
            && call.cmd.effective().user.is_none()
            && !made_by_user(src, model, semantic, r, &d.path)
        {
            return Err(Some(format!(
                "BuildKit creates a missing `{0}` and its missing parents owned by root (and before \
                 BuildKit 0.11 leaves them in the image), where `{name}` can no longer write: create \
                 it as `{name}` first (`RUN mkdir -p {0}`)",
                d.path
            )));
        }
        mounts.push(mount);
    }
    let Some(add) = edits::add_mounts(run, &mounts, model.escape) else {
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
    let added: Vec<AddedMount> = mounts
        .into_iter()
        .map(|m| AddedMount {
            at: run.flag_insert_at,
            target: m.target,
        })
        .collect();
    // the tool's own clean-up of the directory in the RUN (before the call, or of a part of
    // it) would empty the new mount
    let cleanups: Vec<&Command> = r
        .commands
        .iter()
        .map(|c| &**c)
        .filter(|c| {
            clean_up(c).is_some_and(|(tool, which)| {
                tool == call.tool
                    && which
                        .iter()
                        .flat_map(|&w| selected(call, w))
                        .any(|p| missing.iter().any(|d| covers(&p, &d.path) || covers(&d.path, &p)))
            })
        })
        .collect();
    if dropped.is_empty() && cleanups.is_empty() {
        return Ok(Fix::safe(format!("Mount a BuildKit cache at {targets}"), edits).with_added_mounts(added));
    }
    // the `rm` of a mount point fails: it goes, and with it the removal of whatever an earlier
    // layer left there, which the mount keeps in the image
    let cant = || {
        Some(format!(
            "the `RUN` removes {targets}, and that `rm` cannot be taken out here: a mount point cannot be removed"
        ))
    };
    let mut removals = Vec::new();
    let mut done: Vec<&Command> = Vec::new();
    for (cmd, _) in &dropped {
        if done.iter().any(|c| std::ptr::eq(*c, *cmd)) {
            continue;
        }
        done.push(cmd);
        let words: Vec<&Word> = dropped
            .iter()
            .filter(|(c, _)| std::ptr::eq(*c, *cmd))
            .map(|(_, w)| *w)
            .collect();
        let operands = rm_operands(src, cmd.effective().words, scope).map_or(0, |o| o.len());
        if words.len() == operands {
            removals.push(remove_command(src, model, r, cmd).ok_or_else(cant)?.0);
        } else {
            if cmd.nested || cmd.conditional {
                return Err(cant());
            }
            for w in words {
                removals.push(remove_word(src, model, r, w).ok_or_else(cant)?);
            }
        }
    }
    for cmd in &cleanups {
        let Some((edit, _)) = remove_command(src, model, r, cmd) else {
            return Err(Some(format!(
                "`{}` would empty a cache mount on {targets}, and it cannot be taken out of the `RUN` here",
                cmd.range.slice(src)
            )));
        };
        removals.push(edit);
    }
    disjoint(&mut removals).ok_or_else(cant)?;
    edits.extend(removals);
    let title = if dropped.is_empty() {
        format!("Mount a BuildKit cache at {targets} and take out the clean-up that empties it")
    } else {
        format!("Mount a BuildKit cache at {targets} and stop removing it")
    };
    Ok(Fix::unsafe_(title, edits).with_added_mounts(added))
}

/// The `rm` operands of the RUN that are `dir` itself (the mount fix must drop them), or why
/// the RUN cannot have a cache mounted on `dir`: it removes or moves a directory that holds
/// `dir` (a mount point cannot be removed: "Device or resource busy"), moves `dir` or something
/// in it, or names a path inside it (the files it puts or reads there would be in the cache, not
/// in the image).
fn clashes<'r>(src: &str, r: &'r RunRef, dir: &str) -> Result<Vec<(&'r Command, &'r Word)>, Option<String>> {
    let scope = &*r.scope;
    let mut exact = Vec::new();
    for cmd in r.commands.iter() {
        let words = cmd.effective().words;
        if let Some(operands) = rm_operands(src, words, scope) {
            // without `-r` an `rm` removes no directory: it fails on one, mounted or not
            let recursive = words[1..]
                .iter()
                .map_while(|w| w.value.as_deref())
                .any(|v| v == "--recursive" || v.starts_with('-') && !v.starts_with("--") && v.contains(['r', 'R']));
            if !recursive {
                continue;
            }
            for (w, _) in operands {
                match operand(src, w, scope).and_then(|o| o.reach(dir)) {
                    Some((Reach::Exact, _)) => exact.push((&**cmd, w)),
                    Some((Reach::Holder, _)) => {
                        return Err(Some(format!(
                            "the `RUN` removes `{}`, which holds `{dir}`: the mount point cannot be removed \
                             (\"Device or resource busy\")",
                            w.range.slice(src)
                        )));
                    }
                    Some((Reach::Inside, _)) => {}
                    // an operand dfix cannot resolve may be `dir` or hold it, unless what it
                    // starts with shows it is elsewhere (`/tmp/$NAME`)
                    None if operand(src, w, scope).is_none() && may_hold(src, r, cmd, w, dir) => {
                        return Err(Some(format!(
                            "the `RUN` removes `{}`, which may hold `{dir}`: a mount point cannot be removed",
                            w.range.slice(src)
                        )));
                    }
                    None => {}
                }
            }
        } else if let Some(sources) = mv_sources(words) {
            for w in sources {
                if operand(src, w, scope).map_or_else(|| may_hold(src, r, cmd, w, dir), |o| o.reach(dir).is_some()) {
                    return Err(Some(format!(
                        "the `RUN` moves `{}`, which may be or hold `{dir}`: with a cache mounted there it \
                         would not move what it does now",
                        w.range.slice(src)
                    )));
                }
            }
        } else if let Some(made) = mkdir_without_parents(words) {
            for w in made {
                let clash = match operand(src, w, scope) {
                    Some(o) => matches!(o.reach(dir), Some((Reach::Exact | Reach::Holder, _))),
                    None => may_hold(src, r, cmd, w, dir),
                };
                if clash {
                    return Err(Some(format!(
                        "the `RUN` runs `mkdir {}` without `-p`: BuildKit makes the mount point `{dir}` \
                         and its parents before the `RUN`, so that `mkdir` would fail (\"File exists\")",
                        w.range.slice(src)
                    )));
                }
            }
        }
    }
    Ok(exact)
}

/// `mkdir`'s options (GNU coreutils, busybox): `-p` makes missing parents and accepts an
/// existing directory; `-m` takes the mode.
static MKDIR: argv::Spec = argv::Spec {
    opts: &[Opt::flag(&["-p", "--parents"]), Opt::value(&["-m", "--mode"])],
    order: Order::Permute,
    unknown: Unknown::Flag,
    abbreviations: true,
};

/// The directories a `mkdir` without `-p`/`--parents` makes (it fails on one that exists).
fn mkdir_without_parents(words: &[Word]) -> Option<Vec<&Word>> {
    if words.first()?.value.as_deref().map(basename) != Some("mkdir") {
        return None;
    }
    let args = MKDIR.parse(words, 1).ok()?;
    (!args.has("-p")).then(|| args.operands().iter().map(|&i| &words[i]).collect())
}

/// An operand dfix cannot resolve (a variable, a relative path) may name `dir` or a directory
/// holding it: unless its literal start places it elsewhere (`/tmp/$NAME`), its literal end
/// names no such directory (`$SRC/build`, `node_modules`), or it is a variable the `RUN` set to
/// a fresh `mktemp` directory (`GNUPGHOME="$(mktemp -d)"`).
fn may_hold(src: &str, r: &RunRef, cmd: &Command, w: &Word, dir: &str) -> bool {
    let text = w.range.slice(src).trim_matches('"');
    // a variable the `RUN` set earlier: its value as written there
    let assigned = |name: &str| {
        r.commands
            .iter()
            .filter(|c| c.range.start < cmd.range.start)
            .flat_map(|c| &c.assignments)
            .rfind(|a| a.name == name)
            .and_then(|a| {
                a.range
                    .slice(src)
                    .split_once('=')
                    .map(|(_, v)| v.trim_matches(['"', '\'']))
            })
    };
    let lead = text.strip_prefix('$').map(|rest| match rest.strip_prefix('{') {
        Some(inner) => inner.find('}').map_or((inner, ""), |i| (&inner[..i], &inner[i + 1..])),
        None => {
            let i = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            (&rest[..i], &rest[i..])
        }
    });
    if let Some((name, rest)) = lead
        && let Some(value) = assigned(name)
    {
        // `"$TMP"` set to `$(mktemp …)` is a fresh directory
        if value.contains("mktemp") {
            return false;
        }
        return may_hold_text(&format!("{value}{rest}"), dir);
    }
    may_hold_text(text, dir)
}

/// [`may_hold`] of an operand's text as it stands.
fn may_hold_text(text: &str, dir: &str) -> bool {
    const UNKNOWN: [char; 9] = ['$', '\'', '`', '*', '?', '[', '{', '}', '~'];
    let head = &text[..text.find(UNKNOWN).unwrap_or(text.len())];
    if head.starts_with('/') {
        // an absolute start: the directory it names must hold `dir`
        let known = &head[..head.rfind('/').unwrap_or(0)];
        if !known.is_empty() && !covers(&clean_path(known), dir) {
            return false;
        }
    }
    // the literal end: a holder of `dir` ends with the same components
    let tail = text[unknown_end(text)..].trim_end_matches('/');
    let mut ends: Vec<&str> = tail.split('/').filter(|c| !c.is_empty() && *c != ".").collect();
    let mut whole = !text.contains(UNKNOWN) || tail.starts_with('/');
    // after a `..`, the components are whole
    if let Some(i) = ends.iter().rposition(|c| *c == "..") {
        ends.drain(..=i);
        whole = true;
    }
    if !ends.is_empty() {
        let parts: Vec<&str> = dir.split('/').filter(|c| !c.is_empty()).collect();
        let holds = (1..=parts.len()).any(|n| {
            let ancestor = &parts[..n];
            ancestor.len() >= ends.len() && {
                let a = &ancestor[ancestor.len() - ends.len()..];
                a[1..] == ends[1..]
                    && if whole {
                        a[0] == ends[0]
                    } else {
                        a[0].ends_with(ends[0])
                    }
            }
        });
        if !holds {
            return false;
        }
    }
    // the literal start of the last component (`Python-` of `../Python-$V*`) starts a
    // component of a holder
    let last = text.rsplit('/').next().unwrap_or(text);
    let start = &last[..last.find(UNKNOWN).unwrap_or(last.len())];
    if ends.is_empty() && !start.is_empty() && !dir.split('/').any(|c| c.starts_with(start)) {
        return false;
    }
    true
}

/// Where the last unknown piece of an operand's text ends (a `$NAME`, `${…}`, a pattern or quote
/// character); 0 when there is none.
fn unknown_end(text: &str) -> usize {
    let b = text.as_bytes();
    let (mut i, mut end) = (0, 0);
    while i < b.len() {
        match b[i] {
            b'$' if b.get(i + 1) == Some(&b'{') => {
                i = text[i..].find('}').map_or(b.len(), |j| i + j + 1);
                end = i;
            }
            b'$' => {
                i += 1;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                end = i;
            }
            b'\'' | b'`' | b'*' | b'?' | b'[' | b']' | b'{' | b'}' | b'~' => {
                i += 1;
                end = i;
            }
            _ => i += 1,
        }
    }
    end
}

/// A word after the program (or the value of a `--option=…`) that names a path strictly inside
/// `dir`.
fn names_inside<'w>(src: &str, words: &'w [Word], scope: &Scope, dir: &str) -> Option<&'w Word> {
    words.iter().skip(1).find(|w| {
        let value = w.value.as_deref().and_then(|v| match v.split_once('=') {
            Some((o, v)) if o.starts_with('-') => Some(v),
            _ => None,
        });
        let path = match value {
            Some(v) => Some(crate::syntax::go::clean_path(v)).filter(|p| p.starts_with('/')),
            None => operand(src, w, scope).filter(|o| o.pattern.is_none()).map(|o| o.dir),
        };
        path.is_some_and(|p| covers(dir, &p) && clean_path(dir) != p)
    })
}

/// A later instruction needs what would be under `dir` from the image: a `COPY --from`/`ADD
/// --from` of `dir` or of a path inside it, or a later RUN that names a path inside it (`pip
/// download -d /root/.cache/pip/wheels` in one step, `--find-links` there in the next).
fn layer_needs(
    src: &str,
    model: &Dockerfile,
    semantic: &Semantic,
    r: &RunRef,
    dir: &str,
) -> Result<(), Option<String>> {
    let Some(stage) = model.instructions[r.index].stage else {
        return Ok(());
    };
    for ins in &model.instructions[r.index + 1..] {
        let eff = ins.effective();
        // the stage `--from` names, when it is this one or one built on it
        let from = eff.flag("from").and_then(|f| f.value.as_deref()).and_then(|from| {
            model.stages.iter().enumerate().position(|(i, s)| {
                from == i.to_string() || s.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(from))
            })
        });
        if matches!(eff.kind, Kind::Copy | Kind::Add) && from.is_some_and(|f| in_chain(model, stage, f)) {
            let tokens: Vec<&str> = eff
                .args_text
                .split(|c: char| c.is_whitespace() || matches!(c, '"' | ',' | '[' | ']'))
                .filter(|t| !t.is_empty() && !t.starts_with("--"))
                .collect();
            let sources = &tokens[..tokens.len().saturating_sub(1)];
            if let Some(t) = sources.iter().find(|t| t.starts_with('/') && covers(dir, t)) {
                return Err(Some(format!(
                    "a later `{} --from` takes `{t}` from the image: with a cache mounted on `{dir}` it would not be there",
                    eff.keyword.to_uppercase()
                )));
            }
        }
    }
    let descendant = |l: &RunRef| {
        model.instructions[l.index]
            .stage
            .is_some_and(|s| in_chain(model, stage, s))
    };
    for (later, _) in semantic.runs().filter(|(l, _)| l.index > r.index && descendant(l)) {
        // what a later `rm` or `find -delete` removes inside the directory is simply not there
        let removal = |c: &Command| {
            let words = c.effective().words;
            rm_operands(src, words, &later.scope).is_some()
                || words.first().and_then(|w| w.value.as_deref()).map(basename) == Some("find")
                    && words
                        .iter()
                        .any(|w| matches!(w.value.as_deref(), Some("-delete" | "rm")))
        };
        for cmd in later.commands.iter().filter(|c| !removal(c)) {
            if let Some(w) = names_inside(src, cmd.effective().words, &later.scope, dir) {
                return Err(Some(format!(
                    "a later `RUN` uses `{}` inside `{dir}`: with a cache mounted there it would not be in the image",
                    w.range.slice(src)
                )));
            }
        }
    }
    Ok(())
}

/// An earlier RUN of the stage chain, run as the same user, made `dir` (or a directory inside
/// it) with `mkdir`: the mount point then exists as the user's, and BuildKit creates nothing.
fn made_by_user(src: &str, model: &Dockerfile, semantic: &Semantic, r: &RunRef, dir: &str) -> bool {
    let Some(stage) = model.instructions[r.index].stage else {
        return false;
    };
    let same = |u: &UserInfo| match (u, &r.scope.user) {
        (UserInfo::NonRoot { name: a, uid: ua, .. }, UserInfo::NonRoot { name: b, uid: ub, .. }) => {
            a == b || ua.is_some() && ua == ub
        }
        _ => false,
    };
    semantic.runs().any(|(e, _)| {
        e.index < r.index
            && !e.is_onbuild()
            && model.instructions[e.index]
                .stage
                .is_some_and(|s| in_chain(model, s, stage))
            && same(&e.scope.user)
            && e.commands.iter().any(|c| {
                let eff = c.effective();
                !c.nested
                    && !c.conditional
                    && eff.user.is_none()
                    && eff.words.first().and_then(|w| w.value.as_deref()).map(basename) == Some("mkdir")
                    && eff.words[1..].iter().any(|w| {
                        !w.value.as_deref().is_some_and(|v| v.starts_with('-'))
                            && operand(src, w, &e.scope).is_some_and(|o| o.pattern.is_none() && covers(dir, &o.dir))
                    })
            })
    })
}

/// `stage` is `earlier` or built on it.
fn in_chain(model: &Dockerfile, earlier: usize, stage: usize) -> bool {
    let mut s = stage;
    loop {
        if s == earlier {
            return true;
        }
        match model.stages[s].parent.filter(|&p| p < s) {
            Some(p) => s = p,
            None => return false,
        }
    }
}

/// With `prefer = "clean"`, the fix appends `command` to the RUN (see [`edits::append_to_run`]).
pub fn amend_clean(found: &Found, d: &mut Diagnostic, command: &str) {
    if found.prefer == Prefer::Clean {
        let ins = found.model.instructions[found.r.index].effective();
        d.fix = edits::append_to_run(found.src, ins, command)
            .map(|e| Fix::safe(format!("Append `{command}` to the `RUN`"), vec![e]));
    }
}

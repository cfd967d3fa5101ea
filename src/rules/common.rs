//! What several rules need: the commands a RUN executes, the environment a command sees,
//! whether a mount covers a directory, and the edit that adds a mount.

use crate::syntax::go::clean_path;
use crate::syntax::model::{Dockerfile, Instruction, Kind, Run, RunForm};
use crate::syntax::mounts::{Mount, MountType, NewMount};
use crate::syntax::scope::{self, Scope, UserInfo, Var};
use crate::syntax::shell::{Command, Word};
use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::sync::Arc;

/// A RUN BuildKit accepts, as rules see it.
pub struct RunRef<'m> {
    /// Index of the instruction in the model.
    pub index: usize,
    /// The instruction as written (an ONBUILD for a trigger).
    pub ins: &'m Instruction,
    /// The RUN itself.
    pub eff: &'m Instruction,
    pub run: &'m Run,
    /// The scope it runs in ([`scope_at`](crate::syntax::scope::scope_at)), shared with the
    /// RUNs around it that see the same.
    pub scope: Arc<Scope>,
    /// The commands it executes ([`commands`]).
    pub commands: Commands<'m>,
}

impl RunRef<'_> {
    /// An `ONBUILD RUN`: it runs in a child build, whose user and frontend dfix does not know.
    pub fn is_onbuild(&self) -> bool {
        self.ins.kind == Kind::Onbuild
    }
}

/// Every valid RUN of the file, ONBUILD triggers included, in source order, with their scopes
/// from one pass over the file. Rules get them from [`Context::runs`](super::Context::runs),
/// which works them out once per file.
pub fn runs(model: &Dockerfile) -> Vec<RunRef<'_>> {
    let mut out = Vec::new();
    scope::walk(model, |index, scope| {
        let ins = &model.instructions[index];
        let eff = ins.effective();
        if !ins.invalid
            && !eff.invalid
            && eff.kind == Kind::Run
            && let Some(run) = eff.run()
        {
            out.push(RunRef {
                index,
                ins,
                eff,
                run,
                scope: scope.clone(),
                commands: commands(eff),
            });
        }
        ControlFlow::<()>::Continue(())
    });
    out
}

/// A command before offset `before` of a RUN (`commands`), or of an earlier RUN of its stage chain (`earlier`,
/// from [`Context::earlier_in_chain`](super::Context::earlier_in_chain) with the same `pred`),
/// satisfies `pred`: a file set up by an earlier step.
pub fn done_before(commands: &Commands, earlier: bool, before: usize, pred: impl Fn(&Command) -> bool) -> bool {
    earlier || commands.iter().any(|c| c.range.start < before && pred(c))
}

/// The commands a RUN executes, with the `export`s and `unset`s among them by name (indexed on
/// the first lookup).
pub struct Commands<'m> {
    list: Vec<Cow<'m, Command>>,
    /// For each name: the start offsets of the commands that `export`/`declare` it with a
    /// literal value (`Some`) or `unset` it (`None`), in source order.
    exports: OnceCell<Exports>,
}

/// For each name: (command start, value or `None` for an unset), in source order.
type Exports = HashMap<String, Vec<(usize, Option<String>)>>;

impl<'m> std::ops::Deref for Commands<'m> {
    type Target = [Cow<'m, Command>];
    fn deref(&self) -> &Self::Target {
        &self.list
    }
}

impl<'c, 'm> IntoIterator for &'c Commands<'m> {
    type Item = &'c Cow<'m, Command>;
    type IntoIter = std::slice::Iter<'c, Cow<'m, Command>>;
    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

impl<'m> Commands<'m> {
    /// Commands in source order (by start offset).
    pub fn new(list: Vec<Cow<'m, Command>>) -> Commands<'m> {
        Commands {
            list,
            exports: OnceCell::new(),
        }
    }

    /// The last `export`/`declare` (`Some`) or `unset` (`None`) of `name` in a command that
    /// starts before offset `before`.
    fn exported(&self, name: &str, before: usize) -> Option<Option<&str>> {
        let sets = self.exports.get_or_init(|| self.index_exports()).get(name)?;
        let n = sets.partition_point(|(at, _)| *at < before);
        n.checked_sub(1).map(|i| sets[i].1.as_deref())
    }

    fn index_exports(&self) -> Exports {
        let mut exports = Exports::new();
        for c in &self.list {
            let e = c.effective();
            let Some(Some(prog)) = e.words.first().map(|w| w.value.as_deref()) else {
                continue;
            };
            if prog == "export" || prog == "declare" {
                for w in &e.words[1..] {
                    if let Some((k, v)) = w.value.as_deref().and_then(|v| v.split_once('=')) {
                        exports
                            .entry(k.to_string())
                            .or_default()
                            .push((c.range.start, Some(v.to_string())));
                    }
                }
            } else if prog == "unset" {
                for w in &e.words[1..] {
                    if let Some(name) = w.value.as_deref() {
                        exports.entry(name.to_string()).or_default().push((c.range.start, None));
                    }
                }
            }
        }
        exports
    }
}

/// The commands a RUN executes: the shell script's simple commands, or the exec form's argv.
pub fn commands(ins: &Instruction) -> Commands<'_> {
    let Some(run) = ins.run() else {
        return Commands::new(Vec::new());
    };
    Commands::new(match (&run.form, &run.script) {
        (RunForm::Exec(words), _) if !words.is_empty() => {
            let words: Vec<Word> = words
                .iter()
                .map(|w| Word {
                    range: w.range,
                    value: Some(w.value.clone()),
                })
                .collect();
            let range = words[0].range.cover(words[words.len() - 1].range);
            vec![Cow::Owned(Command::new(range, Vec::new(), words, None, false, false))]
        }
        (_, Some(script)) => script.commands.iter().map(Cow::Borrowed).collect(),
        _ => Vec::new(),
    })
}

/// The value of `name` as `cmd` sees it: inline assignments, `export`s earlier in the same RUN,
/// then the instruction's scope. `None` = unset; `Some(None)` = set to something unknown.
pub fn env_of(name: &str, cmd: &Command, all: &Commands, scope: &Scope) -> Option<Var> {
    lookup(name, cmd.effective().env, cmd, all, scope)
}

/// [`env_of`] without `cmd`'s own inline assignments (`VAR=x cmd`): what surrounds the command.
pub fn env_outside(name: &str, cmd: &Command, all: &Commands, scope: &Scope) -> Option<Var> {
    lookup(name, cmd.wrapper_env(), cmd, all, scope)
}

fn lookup(
    name: &str,
    inline: &[(String, Option<String>)],
    cmd: &Command,
    all: &Commands,
    scope: &Scope,
) -> Option<Var> {
    if let Some((_, v)) = inline.iter().rev().find(|(k, _)| k == name) {
        return Some(v.clone());
    }
    match all.exported(name, cmd.range.start) {
        Some(Some(v)) => Some(Some(v.to_string())),
        Some(None) => None,
        None => scope.get(name).cloned(),
    }
}

/// `target` equals `dir` or is an ancestor of it (never `/`).
pub fn covers(target: &str, dir: &str) -> bool {
    let (t, d) = (clean(target), clean(dir));
    t != "/"
        && d.strip_prefix(&*t)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// [`clean_path`], without a copy when the path is already clean (absolute, no empty, `.` or
/// `..` component, no trailing `/`).
fn clean(p: &str) -> Cow<'_, str> {
    let is_clean = p == "/"
        || p.strip_prefix('/')
            .is_some_and(|rest| rest.split('/').all(|c| !matches!(c, "" | "." | "..")));
    if is_clean {
        Cow::Borrowed(p)
    } else {
        Cow::Owned(clean_path(p))
    }
}

/// Other places where a cache mount holds what a tool keeps in a directory: apk keeps its cache
/// wherever `/etc/apk/cache` points (`/var/cache/apk` on an installed Alpine; a cache mounted on
/// `/etc/apk/cache` itself is the usual Docker idiom), and apt's downloads and lists live in one
/// subdirectory each (a mount there is what hadolint's DL3009 accepts too).
const HELD_ELSEWHERE: [(&str, &str); 3] = [
    ("/var/cache/apk", "/etc/apk/cache"),
    ("/var/lib/apt", "/var/lib/apt/lists"),
    ("/var/cache/apt", "/var/cache/apt/archives"),
];

/// A cache mount on `target` holds what a tool keeps in `dir`: `target` covers `dir`, or is one
/// of the places above.
pub fn holds(target: &str, dir: &str) -> bool {
    let (t, d) = (clean(target), clean(dir));
    covers(&t, &d) || HELD_ELSEWHERE.iter().any(|(dd, tt)| d == *dd && t == *tt)
}

/// The mount's target as an absolute path, variables expanded.
pub fn mount_target(m: &Mount, scope: &Scope) -> Option<String> {
    let t = scope.expand(m.target.as_deref()?)?;
    scope.absolute(&t)
}

/// A cache or tmpfs mount of the RUN covers `dir`.
pub fn is_covered(run: &Run, scope: &Scope, dir: &str) -> bool {
    run.mounts
        .iter()
        .filter(|m| matches!(m.kind, MountType::Cache | MountType::Tmpfs))
        .any(|m| mount_target(m, scope).is_some_and(|t| holds(&t, dir)))
}

/// A cache or tmpfs mount of the RUN lies strictly inside `dir`.
pub fn has_cache_inside(run: &Run, scope: &Scope, dir: &str) -> bool {
    run.mounts
        .iter()
        .filter(|m| matches!(m.kind, MountType::Cache | MountType::Tmpfs))
        .any(|m| mount_target(m, scope).is_some_and(|t| covers(dir, &t) && clean_path(dir) != clean_path(&t)))
}

/// Some mount of any type has `dir` as its target, or a target inside it or above it.
pub fn is_mounted(run: &Run, scope: &Scope, dir: &str) -> bool {
    run.mounts
        .iter()
        .any(|m| mount_target(m, scope).is_some_and(|t| covers(&t, dir) || covers(dir, &t)))
}

/// Some cache or tmpfs mount's target cannot be resolved: dfix cannot tell what it covers.
pub fn has_unresolved_mount(run: &Run, scope: &Scope) -> bool {
    run.mounts
        .iter()
        .any(|m| matches!(m.kind, MountType::Cache | MountType::Tmpfs) && mount_target(m, scope).is_none())
}

/// The `uid=…,gid=…` a cache mount needs so that the RUN's user can write to it: `Some("")`
/// for root, `None` when the user's uid is unknown.
pub fn owner_options(scope: &Scope) -> Option<String> {
    match &scope.user {
        UserInfo::Root => Some(String::new()),
        UserInfo::NonRoot {
            uid: Some(uid), gid, ..
        } => Some(match gid {
            Some(g) => format!(",uid={uid},gid={g}"),
            None => format!(",uid={uid}"),
        }),
        _ => None,
    }
}

/// Why a finding in an `ONBUILD RUN` has no fix.
pub const ONBUILD_NO_FIX: &str = "the RUN is an ONBUILD trigger: it runs in a child build, which dfix does not see";

/// Why a mount for a non-root user has no fix.
pub fn unknown_uid(user: &str) -> String {
    format!("the uid of user `{user}` could not be determined (from `USER` or an earlier `useradd -u`)")
}

/// The mount that caches `d` for `call`, as the fixes and completion write it: the target,
/// `sharing=locked` when the tool locks the directory, and the `uid`/`gid` the tool's user
/// needs to write there. `None` when that user's uid is unknown.
pub fn cache_mount(call: &super::tools::Call, scope: &Scope, d: &super::tools::CacheDir) -> Option<NewMount> {
    // the tool's user: `sudo` makes it root whatever `USER` says
    let (uid, gid) = match (call.cmd.effective().user, &scope.user) {
        (Some("root" | "0"), _) | (None, UserInfo::Root) => (None, None),
        (
            None,
            UserInfo::NonRoot {
                uid: Some(uid), gid, ..
            },
        ) => (Some(*uid), *gid),
        _ => return None,
    };
    let mut mount = NewMount::cache(d.path.as_str());
    mount.sharing = d.locked.then(|| "locked".to_string());
    mount.uid = uid;
    mount.gid = gid;
    Some(mount)
}

/// How a message names a package-manager call: `pip install`, `uv pip install`, `go mod`,
/// `yarn`.
pub fn call_name(call: &super::tools::Call) -> String {
    let program = call.words[0].value.as_deref().map_or(call.tool, basename);
    // `python -m pip install` is pip's call
    let (program, from) = if program.starts_with("python") {
        let module = call.words[..call.sub]
            .iter()
            .position(|w| w.value.as_deref() == Some(call.tool))
            .map_or(call.sub, |i| i + 1);
        (call.tool, module)
    } else {
        (program, 1)
    };
    let mut name = program.to_string();
    for i in from..=call.sub {
        let Some(v) = call.words[i].value.as_deref() else {
            continue;
        };
        // plain words such as `uv pip install`, not options or their values
        let after_option = call.words[i - 1].value.as_deref().is_some_and(|p| p.starts_with('-'));
        if i == call.sub || !v.starts_with('-') && !after_option && v.chars().all(|c| c.is_ascii_lowercase()) {
            name.push(' ');
            name.push_str(v);
        }
    }
    name
}

/// The literal value of word `i`, if any.
pub fn word(words: &[Word], i: usize) -> Option<&str> {
    words.get(i).and_then(|w| w.value.as_deref())
}

/// A command's basename (`/usr/bin/pip3` → `pip3`).
pub fn basename(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covering() {
        assert!(covers("/root/.cache/pip", "/root/.cache/pip"));
        assert!(covers("/root/.cache", "/root/.cache/pip"));
        assert!(covers("/root/.cache/", "/root/.cache/pip/"));
        assert!(!covers("/root/.cache/pi", "/root/.cache/pip"));
        assert!(!covers("/", "/root/.cache/pip"));
        assert!(!covers("/root/.cache/pip/http", "/root/.cache/pip"));
        assert!(holds("/etc/apk/cache/", "/var/cache/apk"));
        assert!(holds("/var/cache", "/var/cache/apk"));
        assert!(!holds("/etc/apk/cache", "/var/cache/apt"));
    }
}

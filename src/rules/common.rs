//! What several rules need: the commands a RUN executes, the environment a command sees,
//! whether a mount covers a directory, and the edit that adds a mount.

use crate::syntax::model::{Dockerfile, Instruction, Run, RunForm};
use crate::syntax::mounts::{Mount, MountType, clean_path};
use crate::syntax::scope::{Scope, UserInfo, Var, scope_at};
use crate::syntax::shell::{Command, Word};
use std::borrow::Cow;

/// A RUN BuildKit accepts, as rules see it.
pub struct RunRef<'m> {
    /// Index of the instruction in the model.
    pub index: usize,
    /// The instruction as written (an ONBUILD for a trigger).
    pub ins: &'m Instruction,
    /// The RUN itself.
    pub eff: &'m Instruction,
    pub run: &'m Run,
    /// The scope it runs in ([`scope_at`]).
    pub scope: Scope,
    /// The commands it executes ([`commands`]).
    pub commands: Vec<Cow<'m, Command>>,
}

impl RunRef<'_> {
    /// An `ONBUILD RUN`: it runs in a child build, whose user and frontend dfix does not know.
    pub fn is_onbuild(&self) -> bool {
        self.ins.kind == crate::syntax::model::Kind::Onbuild
    }
}

/// Every valid RUN of the file, ONBUILD triggers included, in source order. Rules get them from
/// [`Context::runs`](super::Context::runs), which works them out once per file.
pub fn runs(model: &Dockerfile) -> Vec<RunRef<'_>> {
    model
        .instructions
        .iter()
        .enumerate()
        .filter_map(|(index, ins)| {
            let eff = ins.effective();
            if ins.invalid || eff.invalid || eff.kind != crate::syntax::model::Kind::Run {
                return None;
            }
            Some(RunRef {
                index,
                ins,
                eff,
                run: eff.run()?,
                scope: scope_at(model, index),
                commands: commands(eff),
            })
        })
        .collect()
}

/// A command before offset `before` of RUN `index`, or in an earlier RUN of its stage chain,
/// satisfies `pred` (a file set up by an earlier step).
pub fn done_before(model: &Dockerfile, index: usize, before: usize, pred: impl Fn(&Command) -> bool) -> bool {
    if commands(model.instructions[index].effective())
        .iter()
        .any(|c| c.range.start < before && pred(c))
    {
        return true;
    }
    let Some(stage) = model.instructions[index].stage else {
        return false;
    };
    model.stage_chain(stage).iter().any(|&s| {
        let st = &model.stages[s];
        let end = if s == stage { index } else { st.last + 1 };
        model.instructions[st.from + 1..end].iter().any(|ins| {
            ins.kind == crate::syntax::model::Kind::Run && !ins.invalid && commands(ins).iter().any(|c| pred(c))
        })
    })
}

/// The commands a RUN executes: the shell script's simple commands, or the exec form's argv.
pub fn commands(ins: &Instruction) -> Vec<Cow<'_, Command>> {
    let Some(run) = ins.run() else { return Vec::new() };
    match (&run.form, &run.script) {
        (RunForm::Exec(words), _) if !words.is_empty() => {
            let words: Vec<Word> = words
                .iter()
                .map(|w| Word {
                    range: w.range,
                    value: Some(w.value.clone()),
                })
                .collect();
            let range = words[0].range.cover(words[words.len() - 1].range);
            vec![Cow::Owned(Command {
                range,
                assignments: Vec::new(),
                words,
                connector: None,
                nested: false,
                conditional: false,
            })]
        }
        (_, Some(script)) => script.commands.iter().map(Cow::Borrowed).collect(),
        _ => Vec::new(),
    }
}

/// The value of `name` as `cmd` sees it: inline assignments, `export`s earlier in the same RUN,
/// then the instruction's scope. `None` = unset; `Some(None)` = set to something unknown.
pub fn env_of(name: &str, cmd: &Command, all: &[Cow<'_, Command>], scope: &Scope) -> Option<Var> {
    let eff = cmd.effective();
    if let Some((_, v)) = eff.env.iter().rev().find(|(k, _)| *k == name) {
        return Some(v.map(str::to_string));
    }
    let mut found = None;
    for other in all {
        if other.range.start >= cmd.range.start {
            break;
        }
        let e = other.effective();
        let Some(Some(prog)) = e.words.first().map(|w| w.value.as_deref()) else {
            continue;
        };
        if prog == "export" || prog == "declare" {
            for w in &e.words[1..] {
                match w.value.as_deref().and_then(|v| v.split_once('=')) {
                    Some((k, v)) if k == name => found = Some(Some(v.to_string())),
                    None if w.value.is_none() => {}
                    _ => {}
                }
            }
        } else if prog == "unset" && e.words[1..].iter().any(|w| w.value.as_deref() == Some(name)) {
            found = Some(None);
        }
    }
    match found {
        Some(Some(v)) => Some(Some(v)),
        Some(None) => None,
        None => scope.get(name).cloned(),
    }
}

/// `target` equals `dir` or is an ancestor of it (never `/`).
pub fn covers(target: &str, dir: &str) -> bool {
    let t = clean_path(target);
    let d = clean_path(dir);
    t != "/" && (t == d || d.starts_with(&format!("{t}/")))
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
    let (t, d) = (clean_path(target), clean_path(dir));
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

/// The options after `type=cache,` of the mount that caches `d` for `call`, as the fixes write
/// them: the target, `sharing=locked` when the tool locks the directory, and the `uid`/`gid` the
/// tool's user needs to write there. `None` when that user's uid is unknown.
pub fn cache_mount_options(call: &super::tools::Call, scope: &Scope, d: &super::tools::CacheDir) -> Option<String> {
    // the tool's user: `sudo` makes it root whatever `USER` says
    let owner = match call.cmd.effective().user {
        Some("root" | "0") => String::new(),
        Some(_) => return None,
        None => owner_options(scope)?,
    };
    let sharing = if d.locked { ",sharing=locked" } else { "" };
    Some(format!("target={}{sharing}{owner}", d.path))
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

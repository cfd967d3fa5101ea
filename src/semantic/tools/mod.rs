//! Package managers: which commands download packages, where each keeps its cache, and how
//! each is told to keep no cache. The cache-family rules are thin layers over this table.
//!
//! Cache directories are resolved, never assumed: the command's own options and inline
//! variables first, then `export`s earlier in the RUN, then ENV/ARG in scope (through parent
//! stages and the documented environment of official images), then the tool's default under the
//! effective user's `HOME`.
//!
//! One file per ecosystem holds its tools' detectors (`python.rs`, `node.rs`, `system.rs` for
//! apt/apk/rpm, `go.rs`, `rust.rs`, `jvm.rs`, `php.rs`, `ruby.rs`); this file holds what they share
//! (the command's environment, option lookups, the clean-up searches) and the table of detectors.

use crate::semantic::commands::{Commands, basename, env_of, word};
use crate::semantic::scope::{Scope, UserInfo, Var};
use crate::syntax::mounts::NewMount;
use crate::syntax::shell::argv::{Args, Opt, Order, Spec, Unknown};
use crate::syntax::shell::{Command, Word};
use crate::syntax::text::TextRange;
use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;

mod go;
mod jvm;
mod node;
mod php;
mod python;
mod ruby;
mod rust;
pub mod system;
#[cfg(test)]
mod tests;

use go::go;
use jvm::{gradle, maven};
use node::{npm, pnpm, yarn, yarn2_from};
use php::composer;
use python::{conda, pip, pipenv, poetry, uv};
use ruby::bundler;
use rust::cargo;
use system::{apk, apt, rpm};

pub use go::{go_fetch_call, go_packages};
pub use python::is_pip_no_cache_dir;
pub use ruby::gem_install_call;
pub use system::{APK_CACHE, APT_CACHE, APT_LISTS};

/// What one command sees: its words and the variables in effect.
pub struct Env<'a, 's> {
    pub src: &'a str,
    pub cmd: &'a Command,
    pub all: &'a Commands<'a>,
    pub scope: &'a Scope,
    file: &'a Source<'a>,
    /// What [`last_match`] found in this RUN.
    searches: &'s RefCell<HashMap<String, Option<usize>>>,
}

/// The text of a file, with what detectors look for in the whole of it found once.
pub struct Source<'a> {
    pub text: &'a str,
    /// Where the text first shows Yarn 2+ ([`yarn2_from`]).
    yarn2: OnceCell<Option<usize>>,
}

impl<'a> Source<'a> {
    pub fn new(text: &'a str) -> Source<'a> {
        Source {
            text,
            yarn2: OnceCell::new(),
        }
    }

    /// The text before offset `at` shows Yarn 2+.
    fn yarn2_before(&self, at: usize) -> bool {
        self.yarn2
            .get_or_init(|| yarn2_from(self.text))
            .is_some_and(|end| end <= at)
    }
}

impl Env<'_, '_> {
    /// `None` = unset; `Some(None)` = set to something unknown.
    pub fn var(&self, name: &str) -> Option<Var> {
        env_of(name, self.cmd, self.all, self.scope)
    }

    /// A variable's value when set and known; `Err(())` when set but unknown.
    fn known(&self, name: &str) -> Result<Option<String>, ()> {
        match self.var(name) {
            None => Ok(None),
            Some(Some(v)) if !v.is_empty() => Ok(Some(v)),
            Some(Some(_)) => Ok(None),
            Some(None) => Err(()),
        }
    }

    pub fn home(&self) -> Option<String> {
        // `sudo`, `gosu` and the like run the tool as another user, with that user's HOME
        match self.cmd.effective().user {
            Some(_) if self.is_root() => return Some("/root".into()),
            Some(_) => return None,
            None => {}
        }
        match self.var("HOME") {
            Some(h) => h,
            None => self.scope.home(),
        }
    }

    /// `$XDG_CACHE_HOME`, else `$HOME/.cache`.
    fn cache_home(&self) -> Option<String> {
        match self.known("XDG_CACHE_HOME") {
            Ok(Some(x)) => Some(x),
            Ok(None) => self.home().map(|h| join(&h, ".cache")),
            Err(()) => None,
        }
    }

    /// A variable's value as a directory, else `default()`; `None` when unknown.
    fn dir_or(&self, name: &str, default: impl FnOnce() -> Option<String>) -> Option<String> {
        match self.known(name) {
            Ok(Some(v)) => self.scope.absolute(&v),
            Ok(None) => default(),
            Err(()) => None,
        }
    }

    /// The home directory of the user's passwd entry, which the JVM takes for `user.home`
    /// whatever `HOME` says (OpenJDK `java_props_md.c`: `getpwuid(getuid())->pw_dir`).
    fn passwd_home(&self) -> Option<String> {
        if self.cmd.effective().user.is_some() && !self.is_root() {
            return None;
        }
        if self.cmd.effective().user.is_some() {
            return Some("/root".into());
        }
        match &self.scope.user {
            UserInfo::Root => Some("/root".into()),
            UserInfo::NonRoot { home, .. } => home.clone(),
            UserInfo::Unknown => None,
        }
    }

    /// The value of `-Dname=X` inside an options variable such as `MAVEN_OPTS`: `Ok(None)`
    /// when the variable is unset or does not set it, `Err(())` when it is unknown.
    fn java_property(&self, var: &str, name: &str) -> Result<Option<String>, ()> {
        let Some(opts) = self.known(var)? else {
            return Ok(None);
        };
        let prefix = format!("-D{name}=");
        Ok(opts
            .split_whitespace()
            .find_map(|o| o.strip_prefix(&prefix))
            .map(|v| v.trim_matches(['"', '\'']).to_string()))
    }

    fn is_root(&self) -> bool {
        self.cmd
            .effective()
            .user
            .map_or(matches!(self.scope.user, UserInfo::Root), |u| u == "root" || u == "0")
    }
}

pub fn join(dir: &str, rest: &str) -> String {
    format!("{}/{}", dir.trim_end_matches('/'), rest)
}

/// A cache directory a call uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheDir {
    pub path: String,
    /// The tool takes exclusive locks there: concurrent builds need `sharing=locked`.
    pub locked: bool,
    /// What the directory rests on that the file does not say (`assuming …`), when anything.
    pub assumed: Option<&'static str>,
}

fn dirs(paths: impl IntoIterator<Item = String>, locked: bool) -> Vec<CacheDir> {
    paths
        .into_iter()
        .map(|path| CacheDir {
            path,
            locked,
            assumed: None,
        })
        .collect()
}

/// One package-manager command in a RUN.
pub struct Call<'a> {
    pub tool: Tool,
    pub cmd: &'a Command,
    /// The effective words (wrappers like `sudo` and `env` peeled off).
    pub words: &'a [Word],
    /// Index in `words` of the subcommand (or of the program when there is none).
    pub sub: usize,
    /// The cache directories; `None` when they cannot be resolved.
    pub dirs: Option<Vec<CacheDir>>,
    /// The tool's own "keep no cache" switch is on (`--no-cache-dir`, `apk --no-cache`, …).
    pub cache_off: bool,
}

impl<'a> Call<'a> {
    /// From the program to the subcommand: what findings point at.
    pub fn anchor(&self) -> TextRange {
        self.words[0].range.cover(self.words[self.sub].range)
    }

    pub fn has_word(&self, w: &str) -> bool {
        self.words.iter().any(|x| x.value.as_deref() == Some(w))
    }

    /// The value of `--opt X` or `--opt=X` (after the subcommand or before it).
    pub fn option(&self, names: &[&str]) -> Option<&str> {
        option(self.words, names)
    }

    /// The subcommand's text.
    pub fn subcommand(&self) -> &str {
        self.words[self.sub].value.as_deref().unwrap_or_default()
    }

    /// The call's words read with its tool's option spec (`argv`), so that rules look options
    /// up under all their names and know which words are operands: for apt, apk and the rpm
    /// family from the word after the program (options may come before the subcommand), for
    /// pip, `uv pip install`, npm and `gem install` from the word after the subcommand. `None` for a tool without a spec here, and for
    /// words the spec cannot read (an option that takes a value is the last word).
    pub fn args(&self) -> Option<Args<'a>> {
        let (spec, start) = match self.tool {
            Tool::Apt => (&system::APT_OPTIONS, 1),
            Tool::Apk => (&system::APK, 1),
            Tool::Dnf | Tool::Yum => (&system::RPM, 1),
            Tool::Zypper => (&system::ZYPPER, 1),
            Tool::Pip => (&python::PIP_REQUIREMENTS, self.sub + 1),
            // `uv pip install`
            Tool::Uv
                if self.subcommand() == "install" && self.sub > 0 && word(self.words, self.sub - 1) == Some("pip") =>
            {
                (&python::UV_PIP_INSTALL, self.sub + 1)
            }
            Tool::Npm => (&node::NPM_INSTALL, self.sub + 1),
            Tool::Bundler if word(self.words, 0).map(basename) == Some("gem") => (&ruby::GEM_INSTALL, self.sub + 1),
            _ => return None,
        };
        spec.parse(self.words, start).ok()
    }

    /// The operands after the subcommand ([`Call::args`]): the packages, files or requirements
    /// the call names, each with its byte range. Empty when the words cannot be read.
    pub fn operands(&self) -> Vec<&'a Word> {
        let Some(args) = self.args() else { return Vec::new() };
        let words = self.words;
        args.operands()
            .iter()
            .filter(|&&i| i > self.sub)
            .map(|&i| &words[i])
            .collect()
    }
}

fn option<'w>(words: &'w [Word], names: &[&str]) -> Option<&'w str> {
    for (i, w) in words.iter().enumerate() {
        let Some(v) = w.value.as_deref() else { continue };
        for n in names {
            if v == *n {
                return words.get(i + 1).and_then(|w| w.value.as_deref());
            }
            if let Some(rest) = v.strip_prefix(n).and_then(|r| r.strip_prefix('=')) {
                return Some(rest);
            }
        }
    }
    None
}

/// A package manager's options, as far as finding its subcommand needs them: those that take a
/// value (so that the value is not taken for the subcommand); any other option is a flag.
const fn valued(opts: &'static [Opt]) -> Spec {
    Spec {
        opts,
        order: Order::Permute,
        unknown: Unknown::Flag,
        abbreviations: false,
    }
}

/// Options that are all flags.
static FLAGS_ONLY: Spec = valued(&[]);

/// The index of the first operand of `words[start..]` read per `spec` (the subcommand).
fn first_operand(words: &[Word], start: usize, spec: &Spec) -> Option<usize> {
    spec.parse(words, start).ok()?.first_operand()
}

fn versioned(name: &str, base: &str) -> bool {
    name == base
        || name
            .strip_prefix(base)
            .is_some_and(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// The call has one of the `offline` switches (after the program).
fn call_offline(words: &[Word], offline: &[&str]) -> bool {
    words[1..]
        .iter()
        .any(|w| w.value.as_deref().is_some_and(|v| offline.contains(&v)))
}

/// A command of the RUN after the call matches `pred`, which `key` names (a clean-up must come
/// after the install).
fn any_command_after(env: &Env, key: &str, pred: impl Fn(&[Word]) -> bool) -> bool {
    last_match(env, key, pred).is_some_and(|at| at > env.cmd.range.start)
}

/// A command of the RUN matches `pred`, which `key` names (clean-up commands and the like).
fn any_command(env: &Env, key: &str, pred: impl Fn(&[Word]) -> bool) -> bool {
    last_match(env, key, pred).is_some()
}

/// The start of the last command of the RUN that matches `pred`: looked for once per RUN and
/// `key`, whatever the number of calls that ask.
fn last_match(env: &Env, key: &str, pred: impl Fn(&[Word]) -> bool) -> Option<usize> {
    if let Some(&found) = env.searches.borrow().get(key) {
        return found;
    }
    let found = env
        .all
        .iter()
        .filter(|c| pred(c.effective().words))
        .map(|c| c.range.start)
        .max();
    env.searches.borrow_mut().insert(key.to_string(), found);
    found
}

/// `rm … <path>` where a word (as written: globs stay globs) starts with one of `prefixes`.
fn removes(src: &str, words: &[Word], prefixes: &[&str]) -> bool {
    word(words, 0).map(basename) == Some("rm")
        && words[1..].iter().any(|w| {
            let raw = w
                .value
                .as_deref()
                .unwrap_or_else(|| w.range.slice(src).trim_matches(['"', '\'']));
            prefixes.iter().any(|p| raw.starts_with(p))
        })
}

/// An environment switch that is on: set, and not `0`/`false`/`no`/`off`/empty.
fn truthy(v: Option<Var>) -> bool {
    match v {
        None => false,
        Some(None) => true,
        Some(Some(v)) => !matches!(v.to_ascii_lowercase().as_str(), "" | "0" | "false" | "no" | "off"),
    }
}

type Detector = for<'a, 's> fn(&Env<'a, 's>, &'a [Word]) -> Option<Call<'a>>;

const DETECTORS: &[Detector] = &[
    pip, uv, poetry, pipenv, conda, apt, apk, rpm, npm, yarn, pnpm, go, cargo, maven, gradle, composer, bundler,
];

/// Every package-manager call of a RUN's commands, in source order.
pub fn calls<'a>(file: &'a Source<'a>, all: &'a Commands<'a>, scope: &'a Scope) -> Vec<Call<'a>> {
    let mut out = Vec::new();
    let searches = RefCell::new(HashMap::new());
    for cmd in all.iter() {
        let words = cmd.effective().words;
        if words.is_empty() {
            continue;
        }
        let env = Env {
            src: file.text,
            cmd,
            all,
            scope,
            file,
            searches: &searches,
        };
        out.extend(DETECTORS.iter().find_map(|d| d(&env, words)));
    }
    out
}

/// A package manager dfix knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tool {
    Pip,
    Uv,
    Poetry,
    Pipenv,
    Conda,
    Apt,
    Apk,
    Dnf,
    Yum,
    Zypper,
    Npm,
    Yarn,
    Pnpm,
    Go,
    Cargo,
    Maven,
    Gradle,
    Composer,
    Bundler,
}

impl Tool {
    pub const ALL: [Tool; 19] = [
        Tool::Pip,
        Tool::Uv,
        Tool::Poetry,
        Tool::Pipenv,
        Tool::Conda,
        Tool::Apt,
        Tool::Apk,
        Tool::Dnf,
        Tool::Yum,
        Tool::Zypper,
        Tool::Npm,
        Tool::Yarn,
        Tool::Pnpm,
        Tool::Go,
        Tool::Cargo,
        Tool::Maven,
        Tool::Gradle,
        Tool::Composer,
        Tool::Bundler,
    ];

    /// How messages name it.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Pip => "pip",
            Tool::Uv => "uv",
            Tool::Poetry => "poetry",
            Tool::Pipenv => "pipenv",
            Tool::Conda => "conda",
            Tool::Apt => "apt",
            Tool::Apk => "apk",
            Tool::Dnf => "dnf",
            Tool::Yum => "yum",
            Tool::Zypper => "zypper",
            Tool::Npm => "npm",
            Tool::Yarn => "yarn",
            Tool::Pnpm => "pnpm",
            Tool::Go => "go",
            Tool::Cargo => "cargo",
            Tool::Maven => "maven",
            Tool::Gradle => "gradle",
            Tool::Composer => "composer",
            Tool::Bundler => "bundler",
        }
    }

    /// A system package manager: it runs as root (else it fails) and keeps its cache in fixed
    /// directories, so its cache mounts do not depend on the image's user or home.
    pub fn is_system(self) -> bool {
        matches!(self, Tool::Apt | Tool::Apk | Tool::Dnf | Tool::Yum | Tool::Zypper)
    }

    /// Directories a cache mount must never cover: the tool installs into them, so the mount
    /// would hide the installed files from the image.
    pub fn never_mount(self, env_home: Option<&str>) -> Vec<String> {
        let home = env_home.unwrap_or("/root");
        match self {
            Tool::Cargo => vec!["/usr/local/cargo".into(), join(home, ".cargo")],
            Tool::Maven => vec![join(home, ".m2")],
            Tool::Gradle => vec![join(home, ".gradle")],
            Tool::Poetry => vec![join(home, ".cache/pypoetry")],
            // the ruby image's `GEM_HOME`: the installed gems live there (its `cache/` may be mounted)
            Tool::Bundler => vec!["/usr/local/bundle".into()],
            _ => Vec::new(),
        }
    }

    /// The leaf names of a cache mount's target show it was meant for this tool.
    pub fn looks_like_cache(self, target: &str) -> bool {
        let t = target.trim_end_matches('/');
        let any = |needles: &[&str]| needles.iter().any(|n| t.contains(n));
        let pip = t.ends_with("/pip") || any(&["pip-cache", "pipcache", ".cache/pip"]);
        match self {
            Tool::Pip => pip,
            // `uv pip install` after a move from pip keeps pip's mount
            Tool::Uv => pip || t.ends_with("/uv") || any(&["uv-cache", "uvcache"]),
            Tool::Poetry => any(&["pypoetry", "poetry"]),
            Tool::Pipenv => any(&["pipenv"]),
            Tool::Conda => any(&["conda", "mamba"]),
            Tool::Apt => any(&["/var/cache/apt", "/var/lib/apt"]),
            Tool::Apk => any(&["apk"]),
            Tool::Dnf => any(&["dnf"]),
            Tool::Yum => any(&["yum"]),
            Tool::Zypper => any(&["zypp"]),
            Tool::Npm => any(&[".npm", "/npm"]),
            Tool::Yarn => any(&["yarn"]),
            Tool::Pnpm => any(&["pnpm"]),
            Tool::Go => any(&["go-build", "pkg/mod", "gocache", "gomodcache"]),
            Tool::Cargo => any(&["cargo"]),
            Tool::Maven => any(&[".m2"]),
            Tool::Gradle => any(&[".gradle", "gradle"]),
            Tool::Composer => any(&["composer"]),
            Tool::Bundler => any(&["bundle", "/gems"]),
        }
    }
}

impl std::fmt::Display for Tool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
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

/// The mount that caches `d` for `call`, as the fixes and completion write it: the target,
/// `sharing=locked` when the tool locks the directory, and the `uid`/`gid` the tool's user
/// needs to write there. `None` when that user's uid is unknown.
pub fn cache_mount(call: &Call, scope: &Scope, d: &CacheDir) -> Option<NewMount> {
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

/// What a finding on `call` assumes, when a word up to its subcommand is the value of a
/// variable the Dockerfile gives (see `commands::with_known_names`): ` (assuming `$PIP_COMMAND`
/// is `uv pip`, the value this file gives it)`. A `--build-arg` can give an ARG another value.
pub fn assumed(call: &Call, src: &str) -> Option<String> {
    let w = call.words[..=call.sub]
        .iter()
        .find(|w| w.value.is_some() && w.range.slice(src).starts_with('$'))?;
    let value: Vec<&str> = call
        .words
        .iter()
        .filter(|x| x.range == w.range)
        .filter_map(|x| x.value.as_deref())
        .collect();
    Some(format!(
        " (assuming `{}` is `{}`, the value this file gives it)",
        w.range.slice(src),
        value.join(" ")
    ))
}

/// What a finding on `call` assumes of a base image dfix does not know ([`Scope::user_assumed`]),
/// when the tool's cache directory or its owner depends on the user: ` (assuming `corp/base`
/// runs it as root, which the file does not say)`. `None` when nothing is assumed.
pub fn user_assumption(call: &Call, scope: &Scope) -> Option<String> {
    if !scope.user_assumed || call.tool.is_system() || call.cmd.effective().user.is_some() {
        return None;
    }
    let image = match scope.base.as_deref() {
        Some(b) if !b.is_empty() => format!("`{b}`"),
        _ => "the base image".to_string(),
    };
    match &scope.user {
        UserInfo::Root => Some(format!(
            " (assuming {image} runs it as root, which the file does not say)"
        )),
        UserInfo::NonRoot {
            name, home: Some(h), ..
        } => Some(format!(
            " (assuming `{name}`'s home in {image} is `{h}`, which the file does not say)"
        )),
        _ => None,
    }
}

/// How a message names a package-manager call: `pip install`, `uv pip install`, `go mod`,
/// `yarn`.
pub fn call_name(call: &Call) -> String {
    let program = call.words[0].value.as_deref().map_or(call.tool.name(), basename);
    // `python -m pip install` is pip's call
    let (program, from) = if program.starts_with("python") {
        let module = call.words[..call.sub]
            .iter()
            .position(|w| w.value.as_deref() == Some(call.tool.name()))
            .map_or(call.sub, |i| i + 1);
        (call.tool.name(), module)
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

//! Package managers: which commands download packages, where each keeps its cache, and how
//! each is told to keep no cache. The cache-family rules are thin layers over this table.
//!
//! Cache directories are resolved, never assumed: the command's own options and inline
//! variables first, then `export`s earlier in the RUN, then ENV/ARG in scope (through parent
//! stages and the documented environment of official images), then the tool's default under the
//! effective user's `HOME`.

use super::common::{Commands, basename, env_of, word};
use crate::syntax::scope::{Scope, UserInfo, Var};
use crate::syntax::shell::{Command, Word};
use crate::syntax::text::TextRange;
use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;

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
}

fn dirs(paths: impl IntoIterator<Item = String>, locked: bool) -> Vec<CacheDir> {
    paths.into_iter().map(|path| CacheDir { path, locked }).collect()
}

/// One package-manager command in a RUN.
pub struct Call<'a> {
    pub tool: &'static str,
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

impl Call<'_> {
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

/// The first word after `start` that is not an option, skipping the values of `with_value`
/// options.
fn first_operand(words: &[Word], start: usize, with_value: &[&str]) -> Option<usize> {
    let mut i = start;
    while i < words.len() {
        let v = word(words, i)?;
        if !v.starts_with('-') {
            return Some(i);
        }
        if with_value.contains(&v) {
            i += 1;
        }
        i += 1;
    }
    None
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

// --- the tools ---------------------------------------------------------------------------

const PIP_VALUE_OPTIONS: &[&str] = &[
    "--log",
    "--proxy",
    "--retries",
    "--timeout",
    "--exists-action",
    "--trusted-host",
    "--cert",
    "--client-cert",
    "--cache-dir",
    "--python",
    "--keyring-provider",
    "--use-feature",
    "--use-deprecated",
    "--progress-bar",
];

/// `--no-cache-dir` or an abbreviation pip accepts for it (optparse takes unambiguous prefixes;
/// `--no-ca` is the shortest that no other pip option shares).
pub fn is_pip_no_cache_dir(word: &str) -> bool {
    word.len() >= "--no-ca".len() && "--no-cache-dir".starts_with(word)
}

fn pip<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    let name = basename(word(words, 0)?);
    let start = if versioned(name, "pip") {
        1
    } else if versioned(name, "python") {
        let m = words.iter().position(|w| w.value.as_deref() == Some("-m"))?;
        (word(words, m + 1)? == "pip").then_some(m + 2)?
    } else {
        return None;
    };
    let sub = first_operand(words, start, PIP_VALUE_OPTIONS)?;
    if !matches!(word(words, sub)?, "install" | "download" | "wheel") {
        return None;
    }
    let mut call = Call {
        tool: "pip",
        cmd: env.cmd,
        words,
        sub,
        dirs: None,
        cache_off: false,
    };
    // pip ignores an empty value; any other value disables the cache
    call.cache_off = words
        .iter()
        .any(|w| w.value.as_deref().is_some_and(is_pip_no_cache_dir))
        || env
            .var("PIP_NO_CACHE_DIR")
            .is_some_and(|v| v.is_none_or(|v| !v.trim().is_empty()));
    call.dirs = match call.option(&["--cache-dir"]) {
        Some(d) => env.scope.absolute(d),
        None => env.dir_or("PIP_CACHE_DIR", || env.cache_home().map(|c| join(&c, "pip"))),
    }
    .map(|d| dirs([d], false));
    Some(call)
}

/// `uv pip install|sync|compile`, `uv sync|add|lock|run`, `uv tool install|run`, `uvx`.
fn uv<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    let name = basename(word(words, 0)?);
    const VALUE: &[&str] = &[
        "--cache-dir",
        "--directory",
        "--project",
        "--python",
        "-p",
        "--config-file",
        "--color",
        "--index-url",
        "--extra-index-url",
    ];
    let sub = if name == "uvx" {
        0
    } else if name == "uv" {
        let s = first_operand(words, 1, VALUE)?;
        let nested = |i: usize| first_operand(words, i + 1, VALUE);
        match word(words, s)? {
            "pip" => nested(s).filter(|&i| matches!(word(words, i), Some("install" | "sync" | "compile")))?,
            "tool" => nested(s).filter(|&i| matches!(word(words, i), Some("install" | "run" | "upgrade")))?,
            // `uv run --no-sync` installs nothing
            "run" if words.iter().any(|w| w.value.as_deref() == Some("--no-sync")) => return None,
            "sync" | "add" | "lock" | "run" | "export" => s,
            _ => return None,
        }
    } else {
        return None;
    };
    let mut call = Call {
        tool: "uv",
        cmd: env.cmd,
        words,
        sub,
        dirs: None,
        cache_off: false,
    };
    call.cache_off = call.has_word("--no-cache")
        || call.has_word("--no-cache-dir")
        || call.has_word("-n")
        || truthy(env.var("UV_NO_CACHE"));
    call.dirs = match call.option(&["--cache-dir"]) {
        Some(d) => env.scope.absolute(d),
        None => env.dir_or("UV_CACHE_DIR", || env.cache_home().map(|c| join(&c, "uv"))),
    }
    .map(|d| dirs([d], false));
    Some(call)
}

/// An environment switch that is on: set, and not `0`/`false`/`no`/`off`/empty.
fn truthy(v: Option<Var>) -> bool {
    match v {
        None => false,
        Some(None) => true,
        Some(Some(v)) => !matches!(v.to_ascii_lowercase().as_str(), "" | "0" | "false" | "no" | "off"),
    }
}

/// `poetry install|add|update|lock|sync`: the cache's `cache/` and `artifacts/` subdirectories
/// (the whole directory also holds Poetry's virtualenvs by default).
fn poetry<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    if basename(word(words, 0)?) != "poetry" {
        return None;
    }
    let sub = first_operand(words, 1, &["-C", "--directory", "-P", "--project"])?;
    if !matches!(word(words, sub)?, "install" | "add" | "update" | "lock" | "sync") {
        return None;
    }
    let mut call = Call {
        tool: "poetry",
        cmd: env.cmd,
        words,
        sub,
        dirs: None,
        cache_off: false,
    };
    call.cache_off = call.has_word("--no-cache");
    call.dirs = env
        .dir_or("POETRY_CACHE_DIR", || env.cache_home().map(|c| join(&c, "pypoetry")))
        .map(|d| dirs([join(&d, "cache"), join(&d, "artifacts")], false));
    Some(call)
}

/// `pipenv install|sync|update|lock`.
fn pipenv<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    if basename(word(words, 0)?) != "pipenv" {
        return None;
    }
    let sub = first_operand(words, 1, &[])?;
    if !matches!(word(words, sub)?, "install" | "sync" | "update" | "lock") {
        return None;
    }
    let mut call = Call {
        tool: "pipenv",
        cmd: env.cmd,
        words,
        sub,
        dirs: None,
        cache_off: false,
    };
    call.dirs = env
        .dir_or("PIPENV_CACHE_DIR", || env.cache_home().map(|c| join(&c, "pipenv")))
        .map(|d| dirs([d], false));
    Some(call)
}

/// `conda|mamba|micromamba install|create|update`, `conda env create|update`.
fn conda<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    let name = basename(word(words, 0)?);
    if !matches!(name, "conda" | "mamba" | "micromamba") {
        return None;
    }
    let mut sub = first_operand(words, 1, &[])?;
    if word(words, sub) == Some("env") {
        sub = first_operand(words, sub + 1, &[])?;
    }
    if !matches!(word(words, sub)?, "install" | "create" | "update" | "upgrade") {
        return None;
    }
    let cleaned = any_command(env, "conda clean", |w| {
        matches!(word(w, 0).map(basename), Some("conda" | "mamba" | "micromamba")) && word(w, 1) == Some("clean")
    });
    let pkgs = match env.known("CONDA_PKGS_DIRS") {
        Ok(Some(v)) => v.split(',').next().and_then(|d| env.scope.absolute(d)),
        _ => None,
    };
    Some(Call {
        tool: "conda",
        cmd: env.cmd,
        words,
        sub,
        dirs: pkgs.map(|d| dirs([d], true)),
        cache_off: cleaned,
    })
}

pub const APT_CACHE: &str = "/var/cache/apt";
pub const APT_LISTS: &str = "/var/lib/apt";

/// `apt-get|apt|aptitude install|upgrade|…`: the package archives and the package lists.
fn apt<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    let name = basename(word(words, 0)?);
    if !matches!(name, "apt-get" | "apt" | "aptitude") {
        return None;
    }
    let sub = first_operand(
        words,
        1,
        &["-o", "-c", "-t", "--option", "--config-file", "--target-release"],
    )?;
    let ok = match name {
        "apt-get" => matches!(
            word(words, sub)?,
            "install" | "upgrade" | "dist-upgrade" | "build-dep" | "source" | "download"
        ),
        "apt" => matches!(
            word(words, sub)?,
            "install" | "upgrade" | "full-upgrade" | "dist-upgrade" | "reinstall"
        ),
        _ => matches!(
            word(words, sub)?,
            "install" | "upgrade" | "full-upgrade" | "safe-upgrade"
        ),
    };
    if !ok {
        return None;
    }
    let cleaned = any_command(env, "apt lists removed", |w| {
        removes(env.src, w, &["/var/lib/apt/lists"])
            // the whole of /var/lib/apt (not `/var/lib/apt-lists`, a typo that removes nothing)
            || word(w, 0).map(basename) == Some("rm")
                && w[1..]
                    .iter()
                    .any(|x| matches!(x.range.slice(env.src), "/var/lib/apt" | "/var/lib/apt/" | "/var/lib/apt/*"))
    });
    Some(Call {
        tool: "apt",
        cmd: env.cmd,
        words,
        sub,
        dirs: Some(dirs([APT_CACHE.to_string(), APT_LISTS.to_string()], true)),
        cache_off: cleaned,
    })
}

pub const APK_CACHE: &str = "/var/cache/apk";

/// `apk add|upgrade|update|fix`.
fn apk<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    if basename(word(words, 0)?) != "apk" {
        return None;
    }
    let sub = first_operand(
        words,
        1,
        &[
            "-X",
            "--repository",
            "--root",
            "-p",
            "--arch",
            "--cache-dir",
            "--keys-dir",
        ],
    )?;
    // `--no-network` installs only what is already on disk
    if !matches!(word(words, sub)?, "add" | "upgrade" | "update" | "fix")
        || words.iter().any(|w| w.value.as_deref() == Some("--no-network"))
    {
        return None;
    }
    let mut call = Call {
        tool: "apk",
        cmd: env.cmd,
        words,
        sub,
        dirs: None,
        cache_off: false,
    };
    call.cache_off =
        call.has_word("--no-cache") || any_command(env, "apk cache removed", |w| removes(env.src, w, &[APK_CACHE]));
    call.dirs = Some(dirs(
        [call
            .option(&["--cache-dir"])
            .and_then(|d| env.scope.absolute(d))
            .unwrap_or_else(|| APK_CACHE.to_string())],
        false,
    ));
    Some(call)
}

/// `dnf|dnf5|yum|microdnf install|upgrade|…` and `zypper install|update|…`.
fn rpm<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    let name = basename(word(words, 0)?);
    let base = env.scope.base.as_deref();
    let (tool, dir) = match name {
        "dnf-3" => ("dnf", Some(DNF4_CACHE)),
        "dnf" => ("dnf", Some(dnf_cache(base))),
        "dnf5" => ("dnf", Some(DNF5_CACHE)),
        // on EL8 and later `yum` is dnf; only a known base tells which one runs
        "yum" => ("yum", base.and_then(yum_cache)),
        "zypper" => ("zypper", Some("/var/cache/zypp")),
        _ => return None,
    };
    let sub = first_operand(
        words,
        1,
        &[
            "--setopt",
            "-c",
            "--config",
            "--installroot",
            "--releasever",
            "--repo",
            "--enablerepo",
            "--disablerepo",
            "-x",
            "--exclude",
            "--root",
            "-R",
        ],
    )?;
    let s = word(words, sub)?;
    let ok = if tool == "zypper" {
        matches!(
            s,
            "install" | "in" | "update" | "up" | "dist-upgrade" | "dup" | "patch" | "source-install" | "si"
        )
    } else {
        matches!(
            s,
            "install"
                | "upgrade"
                | "update"
                | "reinstall"
                | "groupinstall"
                | "builddep"
                | "distro-sync"
                | "downgrade"
                | "group"
                | "module"
        )
    };
    if !ok {
        return None;
    }
    let cleaned = any_command(env, &format!("{tool} clean"), |w| {
        let prog = word(w, 0).map(basename);
        let cleans = match tool {
            "zypper" => {
                prog == Some("zypper")
                    && w[1..]
                        .iter()
                        .any(|x| matches!(x.value.as_deref(), Some("clean" | "cc")))
            }
            _ => {
                matches!(prog, Some("dnf" | "dnf5" | "dnf-3" | "yum"))
                    && w[1..].iter().any(|x| x.value.as_deref() == Some("clean"))
            }
        };
        cleans
            || removes(
                env.src,
                w,
                &[
                    "/var/cache/dnf",
                    "/var/cache/libdnf5",
                    "/var/cache/yum",
                    "/var/cache/zypp",
                ],
            )
    });
    Some(Call {
        tool,
        cmd: env.cmd,
        words,
        sub,
        dirs: dir.map(|d| dirs([d.to_string()], true)),
        cache_off: cleaned,
    })
}

const DNF4_CACHE: &str = "/var/cache/dnf";
const DNF5_CACHE: &str = "/var/cache/libdnf5";

/// An image reference's last path component and tag (`registry/ubi8/ubi:8.9` → `ubi`, `8.9`),
/// lowercased, plus the whole path.
fn image_parts(base: &str) -> (String, String, String) {
    let base = base.split('@').next().unwrap_or(base).to_ascii_lowercase();
    let (path, tag) = match base.rsplit_once(':') {
        Some((p, t)) if !t.contains('/') => (p.to_string(), t.to_string()),
        _ => (base.clone(), String::new()),
    };
    let name = path.rsplit('/').next().unwrap_or(&path).to_string();
    (name, tag, path)
}

/// The leading number of a tag (`41`, `8.9` → 8, `stream9` → 9, `centos7` → 7).
fn major(tag: &str) -> Option<u32> {
    let digits: String = tag
        .trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// `dnf` is dnf5 (`/var/cache/libdnf5`) from Fedora 41 on; elsewhere dnf4 (`/var/cache/dnf`).
fn dnf_cache(base: Option<&str>) -> &'static str {
    let Some(base) = base else { return DNF4_CACHE };
    let (name, tag, _) = image_parts(base);
    if !matches!(name.as_str(), "fedora" | "fedora-minimal" | "fedora-toolbox") {
        return DNF4_CACHE;
    }
    match major(&tag) {
        Some(n) if n < 41 => DNF4_CACHE,
        _ => DNF5_CACHE,
    }
}

/// The cache of `yum` on a known base: yum 3 (`/var/cache/yum`) up to EL7 and Amazon Linux 2,
/// dnf from EL8 on. `None` for an image dfix does not know.
fn yum_cache(base: &str) -> Option<&'static str> {
    let (name, tag, path) = image_parts(base);
    let n = major(&tag);
    let el = path
        .rsplit('/')
        .nth(1)
        .and_then(|p| p.strip_prefix("ubi"))
        .and_then(|v| v.parse::<u32>().ok());
    match name.as_str() {
        "centos" | "oraclelinux" | "scientificlinux" | "sl" => match n {
            Some(v) if v <= 7 => Some("/var/cache/yum"),
            Some(_) => Some(DNF4_CACHE),
            None if tag.starts_with("stream") => Some(DNF4_CACHE),
            None => None,
        },
        "amazonlinux" => match n {
            Some(1 | 2 | 2017 | 2018) => Some("/var/cache/yum"),
            Some(2022 | 2023) => Some(DNF4_CACHE),
            _ => None,
        },
        "rockylinux" | "almalinux" => Some(DNF4_CACHE),
        "fedora" => Some(dnf_cache(Some(base))),
        _ if el.is_some_and(|v| v >= 8) || name.starts_with("ubi") && major(&name).is_some_and(|v| v >= 8) => {
            Some(DNF4_CACHE)
        }
        _ => None,
    }
}

/// `npm ci|install|i|add|update`.
fn npm<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    if basename(word(words, 0)?) != "npm" {
        return None;
    }
    let sub = first_operand(words, 1, &["--cache", "--prefix", "-C", "--registry"])?;
    if !matches!(
        word(words, sub)?,
        "ci" | "install" | "i" | "add" | "update" | "install-clean" | "isntall"
    ) {
        return None;
    }
    // `--offline` installs from the cache the image already has: a mount would hide it
    if call_offline(words, &["--offline"]) || truthy(env.var("npm_config_offline")) {
        return None;
    }
    let mut call = Call {
        tool: "npm",
        cmd: env.cmd,
        words,
        sub,
        dirs: None,
        cache_off: false,
    };
    call.dirs = match call.option(&["--cache"]) {
        Some(d) => env.scope.absolute(d),
        None => match (env.known("npm_config_cache"), env.known("NPM_CONFIG_CACHE")) {
            (Ok(Some(v)), _) | (Ok(None), Ok(Some(v))) => env.scope.absolute(&v),
            (Ok(None), Ok(None)) => env.home().map(|h| join(&h, ".npm")),
            _ => None,
        },
    }
    .map(|d| dirs([d], false));
    // `npm cache clean`, or `rm -rf` of the cache (`~/.npm`, the resolved directory)
    let dir = call.dirs.as_ref().and_then(|d| d.first()).map(|d| d.path.clone());
    call.cache_off = any_command_after(env, &format!("npm cache cleaned {dir:?}"), |w| {
        (word(w, 0).map(basename) == Some("npm") && word(w, 1) == Some("cache") && word(w, 2) == Some("clean"))
            || removes(env.src, w, &["~/.npm", "$HOME/.npm", "${HOME}/.npm"])
            || dir.as_deref().is_some_and(|d| removes(env.src, w, &[d]))
    });
    Some(call)
}

/// `yarn`, `yarn install|add`, `yarn global add` (Yarn 1). A file that shows Yarn 2+ (`yarn set
/// version`, `corepack prepare yarn@2…`, `.yarnrc.yml`) gets no directory: dfix does not
/// guess Yarn Berry's cache.
fn yarn<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    if basename(word(words, 0)?) != "yarn" {
        return None;
    }
    let sub = match first_operand(
        words,
        1,
        &[
            "--cache-folder",
            "--cwd",
            "--modules-folder",
            "--network-timeout",
            "--mutex",
        ],
    ) {
        None => 0,
        Some(s) => match word(words, s)? {
            "install" | "add" => s,
            "global" if word(words, s + 1) == Some("add") => s + 1,
            _ => return None,
        },
    };
    // `yarn --version` and the like run nothing
    if sub == 0 && call_offline(words, &["-v", "--version", "-h", "--help"]) {
        return None;
    }
    if call_offline(words, &["--offline"]) {
        return None;
    }
    let mut call = Call {
        tool: "yarn",
        cmd: env.cmd,
        words,
        sub,
        dirs: None,
        cache_off: false,
    };
    // `yarn cache clean`, or `rm -rf "$(yarn cache dir)"`
    call.cache_off = any_command_after(env, "yarn cache cleaned", |w| {
        (word(w, 0).map(basename) == Some("yarn") && word(w, 1) == Some("cache") && word(w, 2) == Some("clean"))
            || (word(w, 0).map(basename) == Some("rm")
                && w[1..].iter().any(|x| x.range.slice(env.src).contains("yarn cache dir")))
            || removes(
                env.src,
                w,
                &[
                    "/usr/local/share/.cache/yarn",
                    "~/.cache/yarn",
                    "$HOME/.cache/yarn",
                    "${HOME}/.cache/yarn",
                ],
            )
    });
    let berry = any_command(env, "yarn 2", |w| {
        let prog = word(w, 0).map(basename);
        (prog == Some("yarn") && word(w, 1) == Some("set") && word(w, 2) == Some("version"))
            || (prog == Some("corepack")
                && w.iter().any(|x| {
                    x.value
                        .as_deref()
                        .is_some_and(|v| v.starts_with("yarn@") && !v.starts_with("yarn@1"))
                }))
    });
    // Yarn 2+ keeps its configuration in `.yarnrc.yml` and its release in `.yarn/releases`:
    // a file that mentions them before the call is not Yarn 1's
    let berry = berry || env.file.yarn2_before(env.cmd.range.start);
    // Yarn 1 (`src/util/user-home-dir.js`, `src/constants.js`): the cache is
    // `$XDG_CACHE_HOME/yarn`, else `<home>/.cache/yarn`, where the home of uid 0 on Linux is
    // `/usr/local/share` whatever `HOME` says
    call.dirs = if berry {
        // Yarn 2+ (`folderUtils.ts`): the global folder is `$XDG_DATA_HOME/yarn/berry`, else
        // `$HOME/.yarn/berry`; its `cache` is the cache of Yarn 4 (`enableGlobalCache` defaults
        // to true since 4.0) and the mirror of Yarn 2/3 (`enableMirror`). Settings that move
        // it make the directory unknown.
        let moved = [
            "YARN_CACHE_FOLDER",
            "YARN_GLOBAL_FOLDER",
            "YARN_ENABLE_GLOBAL_CACHE",
            "YARN_ENABLE_MIRROR",
        ]
        .iter()
        .any(|v| env.var(v).is_some());
        if moved {
            None
        } else {
            match env.known("XDG_DATA_HOME") {
                Ok(Some(x)) => env.scope.absolute(&join(&x, "yarn/berry/cache")),
                Ok(None) => env.home().map(|h| join(&h, ".yarn/berry/cache")),
                Err(()) => None,
            }
            .map(|d| dirs([d], false))
        }
    } else {
        match call.option(&["--cache-folder"]) {
            Some(d) => env.scope.absolute(d),
            None => env.dir_or("YARN_CACHE_FOLDER", || match env.known("XDG_CACHE_HOME") {
                Ok(Some(x)) => env.scope.absolute(&join(&x, "yarn")),
                Ok(None) if env.is_root() => Some("/usr/local/share/.cache/yarn".into()),
                Ok(None) => env.home().map(|h| join(&h, ".cache/yarn")),
                Err(()) => None,
            }),
        }
        .map(|d| dirs([d], false))
    };
    Some(call)
}

/// Where the text first shows Yarn 2+ (the end of the first mention): its configuration
/// (`.yarnrc.yml`), its release (`.yarn/releases`), `yarn set version`, or `yarn@<2+>`/
/// `yarn@stable` (corepack, `npm i -g`).
fn yarn2_from(text: &str) -> Option<usize> {
    let plain = [".yarnrc.yml", ".yarn/releases", "yarn set version"]
        .iter()
        .filter_map(|p| text.find(p).map(|i| i + p.len()));
    let versions = text.match_indices("yarn@").filter_map(|(i, m)| {
        let at = i + m.len();
        let rest = &text[at..];
        if rest.starts_with(|c: char| c.is_ascii_digit() && c != '1' && c != '0') {
            return Some(at + 1);
        }
        ["stable", "berry", "canary"]
            .iter()
            .find(|w| rest.starts_with(**w))
            .map(|w| at + w.len())
    });
    plain.chain(versions).min()
}

/// `pnpm install|i|add|fetch`: the store (`--store-dir`, `PNPM_STORE_DIR`, `$PNPM_HOME/store`).
fn pnpm<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    if basename(word(words, 0)?) != "pnpm" {
        return None;
    }
    let sub = first_operand(words, 1, &["--store-dir", "-C", "--dir", "--filter", "-F"])?;
    if !matches!(word(words, sub)?, "install" | "i" | "add" | "fetch" | "update" | "up") {
        return None;
    }
    if call_offline(words, &["--offline"]) {
        return None;
    }
    let mut call = Call {
        tool: "pnpm",
        cmd: env.cmd,
        words,
        sub,
        dirs: None,
        cache_off: false,
    };
    // pnpm `store/store-path` and `config/config/src/dirs.ts`: `store-dir` when set (the
    // option, `pnpm_config_store_dir` in pnpm 10+, `npm_config_store_dir` before), else
    // `<pnpm home>/store`, the pnpm home being `PNPM_HOME`, else `$XDG_DATA_HOME/pnpm`, else
    // `$HOME/.local/share/pnpm` (pnpm adds a `v3`/`v10` level below)
    let data_home = || match env.known("XDG_DATA_HOME") {
        Ok(Some(x)) => env.scope.absolute(&join(&x, "pnpm")),
        Ok(None) => env.home().map(|h| join(&h, ".local/share/pnpm")),
        Err(()) => None,
    };
    call.dirs = match call.option(&["--store-dir"]) {
        Some(d) => env.scope.absolute(d),
        None => match (env.known("pnpm_config_store_dir"), env.known("npm_config_store_dir")) {
            (Ok(Some(v)), _) | (Ok(None), Ok(Some(v))) => env.scope.absolute(&v),
            (Ok(None), Ok(None)) => env.dir_or("PNPM_HOME", data_home).map(|h| join(&h, "store")),
            _ => None,
        },
    }
    .map(|d| dirs([d], false));
    Some(call)
}

/// `go build|install|test|run|vet|generate|get|list` use both caches; `go mod download|tidy`
/// only the module cache.
fn go<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    if basename(word(words, 0)?) != "go" {
        return None;
    }
    let sub = first_operand(words, 1, &["-C"])?;
    let (build, modules, sub) = match word(words, sub)? {
        "build" | "install" | "test" | "run" | "vet" | "generate" => (true, true, sub),
        "get" => (false, true, sub),
        "mod" if matches!(word(words, sub + 1), Some("download" | "tidy" | "vendor" | "verify")) => {
            (false, true, sub + 1)
        }
        _ => return None,
    };
    // `-mod=vendor` builds from the project's `vendor/`: no module is downloaded
    let vendored = words.iter().any(|w| w.value.as_deref() == Some("-mod=vendor"))
        || matches!(env.known("GOFLAGS"), Ok(Some(f)) if f.split_whitespace().any(|x| x == "-mod=vendor"));
    let modules = modules && !vendored;
    if !build && !modules {
        return None;
    }
    let gopath = || match env.known("GOPATH") {
        Ok(Some(p)) => p.split(':').next().map(str::to_string),
        Ok(None) => env.home().map(|h| join(&h, "go")),
        Err(()) => None,
    };
    let build_dir = env.dir_or("GOCACHE", || env.cache_home().map(|c| join(&c, "go-build")));
    let mod_dir = env.dir_or("GOMODCACHE", || gopath().map(|p| join(&p, "pkg/mod")));
    let mut paths = Vec::new();
    let mut known = true;
    for (wanted, d) in [(build, build_dir), (modules, mod_dir)] {
        if wanted {
            match d {
                Some(d) => paths.push(d),
                None => known = false,
            }
        }
    }
    let cache_off = any_command(env, "go clean", |w| {
        word(w, 0).map(basename) == Some("go") && word(w, 1) == Some("clean")
    });
    Some(Call {
        tool: "go",
        cmd: env.cmd,
        words,
        sub,
        dirs: known.then(|| dirs(paths, false)),
        cache_off,
    })
}

/// `cargo build|install|fetch|…`: `$CARGO_HOME/registry` and `$CARGO_HOME/git/db` — never
/// `$CARGO_HOME` itself (it holds the toolchain's binaries).
fn cargo<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    if basename(word(words, 0)?) != "cargo" {
        return None;
    }
    let mut sub = first_operand(words, 1, &["--config", "-Z", "--color"])?;
    if word(words, sub).is_some_and(|v| v.starts_with('+')) {
        sub = first_operand(words, sub + 1, &["--config", "-Z", "--color"])?;
    }
    let subs = [
        "build",
        "b",
        "install",
        "fetch",
        "test",
        "t",
        "run",
        "r",
        "check",
        "c",
        "clippy",
        "doc",
        "d",
        "bench",
        "update",
        "generate-lockfile",
        "vendor",
        "chef",
    ];
    if !subs.contains(&word(words, sub)?) {
        return None;
    }
    // `cargo chef cook` builds the dependencies; `cargo chef prepare` only writes a recipe
    if word(words, sub) == Some("chef") {
        if word(words, sub + 1) != Some("cook") {
            return None;
        }
        sub += 1;
    }
    // `--offline` / `--frozen` build from the registry the image already has: a mount would
    // hide it
    if call_offline(words, &["--offline", "--frozen"]) || truthy(env.var("CARGO_NET_OFFLINE")) {
        return None;
    }
    let home = env.dir_or("CARGO_HOME", || env.home().map(|h| join(&h, ".cargo")));
    let dirs = home.map(|h| dirs([join(&h, "registry"), join(&h, "git/db")], false));
    Some(Call {
        tool: "cargo",
        cmd: env.cmd,
        words,
        sub,
        dirs,
        cache_off: false,
    })
}

/// `mvn …`, `./mvnw …`: the local repository (`-Dmaven.repo.local`, else `~/.m2/repository`).
fn maven<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    if !matches!(basename(word(words, 0)?), "mvn" | "mvnw") {
        return None;
    }
    if words.len() < 2
        || words[1..]
            .iter()
            .any(|w| matches!(w.value.as_deref(), Some("-v" | "--version" | "-h" | "--help")))
    {
        return None;
    }
    // offline builds resolve from the repository the image already has: a mount would hide it
    if call_offline(words, &["-o", "--offline"]) {
        return None;
    }
    let mut call = Call {
        tool: "maven",
        cmd: env.cmd,
        words,
        sub: 0,
        dirs: None,
        cache_off: false,
    };
    let local = words
        .iter()
        .find_map(|w| w.value.as_deref()?.strip_prefix("-Dmaven.repo.local="));
    // a settings file may name another `localRepository` (the maven image's
    // `settings-docker.xml` does)
    let settings = words.iter().any(|w| {
        w.value.as_deref().is_some_and(|v| {
            matches!(v, "-s" | "--settings" | "-gs" | "--global-settings")
                || v.starts_with("--settings=")
                || v.starts_with("--global-settings=")
        })
    });
    call.dirs = match local {
        Some(d) => env.scope.absolute(d),
        None if settings => None,
        None => match (
            env.java_property("MAVEN_OPTS", "maven.repo.local"),
            env.java_property("MAVEN_ARGS", "maven.repo.local"),
        ) {
            (Ok(Some(d)), _) | (Ok(None), Ok(Some(d))) => env.scope.absolute(&d),
            // `${user.home}/.m2/repository`: the JVM's `user.home`, not `HOME`
            (Ok(None), Ok(None)) => env.passwd_home().map(|h| join(&h, ".m2/repository")),
            _ => None,
        },
    }
    .map(|d| dirs([d], false));
    Some(call)
}

/// `gradle …`, `./gradlew …`: `$GRADLE_USER_HOME/caches`.
fn gradle<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    if !matches!(basename(word(words, 0)?), "gradle" | "gradlew") || words.len() < 2 {
        return None;
    }
    if words[1..]
        .iter()
        .any(|w| matches!(w.value.as_deref(), Some("-v" | "--version" | "-h" | "--help")))
    {
        return None;
    }
    let mut call = Call {
        tool: "gradle",
        cmd: env.cmd,
        words,
        sub: 0,
        dirs: None,
        cache_off: false,
    };
    if call_offline(words, &["--offline"]) {
        return None;
    }
    // `-g`, then `GRADLE_USER_HOME`, then `-Dgradle.user.home` in `GRADLE_OPTS`, then
    // `${user.home}/.gradle` (the JVM's `user.home`, not `HOME`)
    call.dirs = match call.option(&["--gradle-user-home", "-g"]) {
        Some(d) => env.scope.absolute(d),
        None => env.dir_or("GRADLE_USER_HOME", || {
            match env.java_property("GRADLE_OPTS", "gradle.user.home") {
                Ok(Some(d)) => env.scope.absolute(&d),
                Ok(None) => env.passwd_home().map(|h| join(&h, ".gradle")),
                Err(()) => None,
            }
        }),
    }
    .map(|d| dirs([join(&d, "caches")], true));
    Some(call)
}

/// `composer install|update|require`.
fn composer<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    if !matches!(basename(word(words, 0)?), "composer" | "composer.phar") {
        return None;
    }
    let sub = first_operand(words, 1, &["-d", "--working-dir"])?;
    if !matches!(word(words, sub)?, "install" | "update" | "require" | "i" | "u") {
        return None;
    }
    // Composer `Factory::getCacheDir`: `COMPOSER_CACHE_DIR`, else `$COMPOSER_HOME/cache`;
    // without either it depends on which directories exist (`~/.composer`, `/etc/xdg`)
    let dir = match (env.known("COMPOSER_CACHE_DIR"), env.known("COMPOSER_HOME")) {
        (Ok(Some(d)), _) => env.scope.absolute(&d),
        (Ok(None), Ok(Some(h))) => env.scope.absolute(&join(&h, "cache")),
        _ => None,
    };
    let cache_off = words.iter().any(|w| w.value.as_deref() == Some("--no-cache"));
    Some(Call {
        tool: "composer",
        cmd: env.cmd,
        words,
        sub,
        dirs: dir.map(|d| dirs([d], false)),
        cache_off,
    })
}

/// `bundle install`, `gem install`.
fn bundler<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    let name = basename(word(words, 0)?);
    if !matches!(name, "bundle" | "bundler" | "gem") {
        return None;
    }
    let sub = first_operand(words, 1, &[])?;
    if word(words, sub)? != "install" {
        return None;
    }
    Some(Call {
        tool: "bundler",
        cmd: env.cmd,
        words,
        sub,
        dirs: None,
        cache_off: false,
    })
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

/// Directories a cache mount must never cover: the tool installs into them, so the mount
/// would hide the installed files from the image.
pub fn never_mount(tool: &str, env_home: Option<&str>) -> Vec<String> {
    let home = env_home.unwrap_or("/root");
    match tool {
        "cargo" => vec!["/usr/local/cargo".into(), join(home, ".cargo")],
        "maven" => vec![join(home, ".m2")],
        "gradle" => vec![join(home, ".gradle")],
        "poetry" => vec![join(home, ".cache/pypoetry")],
        // the ruby image's `GEM_HOME`: the installed gems live there (its `cache/` may be mounted)
        "bundler" => vec!["/usr/local/bundle".into()],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::common::commands;
    use crate::syntax::parse;
    use crate::syntax::scope::scope_at;

    /// The tool and cache directories of each call in the last RUN.
    fn detect(src: &str) -> Vec<(String, Option<Vec<String>>, bool)> {
        let m = parse(src);
        let i = m.instructions.len() - 1;
        let scope = scope_at(&m, i);
        let all = commands(&m.instructions[i]);
        let file = Source::new(src);
        calls(&file, &all, &scope)
            .iter()
            .map(|c| {
                (
                    c.tool.to_string(),
                    c.dirs.as_ref().map(|d| d.iter().map(|x| x.path.clone()).collect()),
                    c.cache_off,
                )
            })
            .collect()
    }

    fn one(src: &str) -> (String, Option<Vec<String>>, bool) {
        let mut v = detect(src);
        assert_eq!(v.len(), 1, "{src}: {v:?}");
        v.remove(0)
    }

    fn d(paths: &[&str]) -> Option<Vec<String>> {
        Some(paths.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn python_tools() {
        assert_eq!(one("FROM a\nRUN pip3 -q install x\n").1, d(&["/root/.cache/pip"]));
        assert!(one("FROM a\nRUN pip install --no-cache-dir x\n").2);
        assert!(one("FROM a\nRUN pip install --no-cache x\n").2);
        assert!(!one("FROM a\nRUN PIP_NO_CACHE_DIR= pip install x\n").2);
        assert!(!one("FROM a\nRUN pip install --no-color x\n").2);
        assert_eq!(
            one("FROM a\nRUN uv pip install x\n"),
            ("uv".into(), d(&["/root/.cache/uv"]), false)
        );
        assert_eq!(
            one("FROM a\nENV UV_CACHE_DIR=/uvc\nRUN uv sync --frozen\n").1,
            d(&["/uvc"])
        );
        assert!(one("FROM a\nRUN uv sync --no-cache\n").2);
        assert!(!one("FROM a\nENV UV_NO_CACHE=0\nRUN uv sync\n").2);
        assert!(detect("FROM a\nRUN uv venv && uv --version\n").is_empty());
        assert!(detect("FROM a\nRUN uv run --no-sync pytest\n").is_empty());
        assert_eq!(
            one("FROM a\nRUN poetry install --no-root\n").1,
            d(&["/root/.cache/pypoetry/cache", "/root/.cache/pypoetry/artifacts"])
        );
        assert_eq!(
            one("FROM a\nRUN pipenv install --system\n").1,
            d(&["/root/.cache/pipenv"])
        );
        assert_eq!(
            one("FROM a\nRUN conda install -y numpy && conda clean -afy\n"),
            ("conda".into(), None, true)
        );
    }

    #[test]
    fn os_tools() {
        assert_eq!(
            one("FROM a\nRUN apt-get update && apt-get install -y curl\n"),
            ("apt".into(), d(&["/var/cache/apt", "/var/lib/apt"]), false)
        );
        assert!(one("FROM a\nRUN apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n").2);
        assert!(detect("FROM a\nRUN apt-get update\n").is_empty());
        assert_eq!(
            one("FROM a\nRUN apk add --no-cache curl\n"),
            ("apk".into(), d(&["/var/cache/apk"]), true)
        );
        assert_eq!(
            one("FROM a\nRUN dnf -y install x && dnf clean all\n"),
            ("dnf".into(), d(&["/var/cache/dnf"]), true)
        );
        assert_eq!(one("FROM a\nRUN dnf5 install -y x\n").1, d(&["/var/cache/libdnf5"]));
        // `yum` is yum 3 or dnf depending on the base; `dnf` is dnf5 from Fedora 41 on
        assert_eq!(one("FROM a\nRUN yum install -y x\n").1, None);
        assert_eq!(one("FROM centos:7\nRUN yum install -y x\n").1, d(&["/var/cache/yum"]));
        assert_eq!(
            one("FROM amazonlinux:2\nRUN yum install -y x\n").1,
            d(&["/var/cache/yum"])
        );
        assert_eq!(
            one("FROM registry.access.redhat.com/ubi8/ubi:8.9\nRUN yum install -y x\n").1,
            d(&["/var/cache/dnf"])
        );
        assert_eq!(
            one("FROM rockylinux:9\nRUN yum install -y x\n").1,
            d(&["/var/cache/dnf"])
        );
        assert_eq!(one("FROM fedora\nRUN dnf install -y x\n").1, d(&["/var/cache/libdnf5"]));
        assert_eq!(one("FROM fedora:40\nRUN dnf install -y x\n").1, d(&["/var/cache/dnf"]));
        assert_eq!(
            one("FROM fedora:42\nRUN dnf-3 install -y x\n").1,
            d(&["/var/cache/dnf"])
        );
        assert!(detect("FROM a\nRUN apk add --no-network .rundeps\n").is_empty());
        assert!(one("FROM a\nRUN apk add x && rm -rf /var/cache/apk/*\n").2);
        assert!(one("FROM a\nRUN apt-get install -y x && rm -rf /var/lib/apt\n").2);
        assert!(!one("FROM a\nRUN apt-get install -y x && rm -rf /var/lib/apt-lists/*\n").2);
        assert_eq!(
            one("FROM a\nRUN zypper --non-interactive in x && zypper cc -a\n"),
            ("zypper".into(), d(&["/var/cache/zypp"]), true)
        );
    }

    #[test]
    fn language_tools() {
        assert_eq!(one("FROM a\nRUN npm ci\n").1, d(&["/root/.npm"]));
        assert_eq!(
            one("FROM a\nUSER node\nRUN npm install --cache /tmp/npm\n").1,
            d(&["/tmp/npm"])
        );
        assert_eq!(
            one("FROM a\nRUN yarn install --frozen-lockfile\n").1,
            d(&["/usr/local/share/.cache/yarn"])
        );
        assert_eq!(one("FROM a\nRUN yarn\n").1, d(&["/usr/local/share/.cache/yarn"]));
        assert_eq!(
            one("FROM a\nUSER node\nRUN yarn install\n").1,
            d(&["/home/node/.cache/yarn"])
        );
        assert_eq!(
            one("FROM a\nRUN corepack prepare yarn@4.1.0 --activate && yarn install\n").1,
            d(&["/root/.yarn/berry/cache"])
        );
        assert_eq!(
            one("FROM a\nCOPY .yarnrc.yml ./\nENV YARN_ENABLE_GLOBAL_CACHE=false\nRUN yarn install\n").1,
            None
        );
        assert_eq!(one("FROM a\nENV XDG_CACHE_HOME=/xdg\nRUN yarn\n").1, d(&["/xdg/yarn"]));
        assert!(detect("FROM a\nRUN yarn --version && yarn install --offline\n").is_empty());
        assert!(one("FROM a\nRUN yarn install && rm -rf \"$(yarn cache dir)\"\n").2);
        assert!(one("FROM a\nRUN npm ci && rm -rf ~/.npm\n").2);
        assert!(detect("FROM a\nRUN npm ci --offline\n").is_empty());
        assert_eq!(
            one("FROM a\nUSER 1000\nENV XDG_DATA_HOME=/data\nRUN pnpm install\n").1,
            d(&["/data/pnpm/store"])
        );
        assert_eq!(one("FROM a\nRUN pnpm i\n").1, d(&["/root/.local/share/pnpm/store"]));
        assert_eq!(
            one("ARG GO=1.23\nFROM golang:${GO}-alpine\nRUN go build -mod=vendor .\n").1,
            d(&["/root/.cache/go-build"])
        );
        assert!(detect("FROM rust\nRUN cargo build --frozen\n").is_empty());
        assert!(detect("FROM rust\nRUN cargo chef prepare --recipe-path r.json\n").is_empty());
        assert_eq!(
            one("FROM rust\nRUN cargo chef cook --release\n").1,
            d(&["/usr/local/cargo/registry", "/usr/local/cargo/git/db"])
        );
        assert!(detect("FROM a\nRUN mvn -o package\n").is_empty());
        assert_eq!(one("FROM a\nRUN mvn -s settings.xml package\n").1, None);
        assert_eq!(
            one("FROM a\nENV MAVEN_OPTS=\"-Xmx1g -Dmaven.repo.local=/m2\"\nRUN mvn package\n").1,
            d(&["/m2"])
        );
        // the JVM's `user.home` comes from passwd, not `HOME`
        assert_eq!(
            one("FROM a\nENV HOME=/app\nRUN mvn package\n").1,
            d(&["/root/.m2/repository"])
        );
        assert_eq!(
            one("FROM a\nENV GRADLE_OPTS=-Dgradle.user.home=/gh\nRUN gradle build\n").1,
            d(&["/gh/caches"])
        );
        assert_eq!(one("FROM composer:2\nRUN composer install\n").1, d(&["/tmp/cache"]));
        assert!(one("FROM a\nRUN composer install --no-cache\n").2);
        assert_eq!(
            one("FROM a\nENV PNPM_HOME=/pnpm\nRUN pnpm install --frozen-lockfile\n").1,
            d(&["/pnpm/store"])
        );
        assert_eq!(
            one("FROM golang:1.23\nRUN go build ./...\n").1,
            d(&["/root/.cache/go-build", "/go/pkg/mod"])
        );
        assert_eq!(one("FROM golang:1.23\nRUN go mod download\n").1, d(&["/go/pkg/mod"]));
        assert_eq!(
            one("FROM debian\nRUN go test ./...\n").1,
            d(&["/root/.cache/go-build", "/root/go/pkg/mod"])
        );
        assert_eq!(
            one("FROM rust:1\nRUN cargo build --release\n").1,
            d(&["/usr/local/cargo/registry", "/usr/local/cargo/git/db"])
        );
        assert_eq!(
            one("FROM a\nRUN cargo +nightly build\n").1,
            d(&["/root/.cargo/registry", "/root/.cargo/git/db"])
        );
        assert_eq!(one("FROM a\nRUN mvn -B package\n").1, d(&["/root/.m2/repository"]));
        assert_eq!(
            one("FROM a\nRUN ./mvnw -Dmaven.repo.local=/m2 package\n").1,
            d(&["/m2"])
        );
        assert!(detect("FROM a\nRUN mvn --version\n").is_empty());
        assert_eq!(
            one("FROM a\nRUN ./gradlew build --no-daemon\n").1,
            d(&["/root/.gradle/caches"])
        );
        assert_eq!(one("FROM a\nRUN composer install\n").1, None);
        assert_eq!(one("FROM a\nRUN bundle install\n").1, None);
    }
}

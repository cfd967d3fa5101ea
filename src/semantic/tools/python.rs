//! pip, uv, Poetry, Pipenv and conda.

use super::*;
use crate::syntax::shell::argv::Opt;

static POETRY: Spec = valued(&[Opt::value(&["-C", "--directory"]), Opt::value(&["-P", "--project"])]);

/// The options of `pip install|download|wheel` that take a value (pip 25: `pip install --help`),
/// so that their values are not taken for requirements. The first 15 are pip's general options,
/// which may also come before the subcommand (`pip --cache-dir /c install x`).
const PIP_VALUED: &[Opt] = &[
    Opt::value(&["--log"]),
    Opt::value(&["--proxy"]),
    Opt::value(&["--retries"]),
    Opt::value(&["--timeout", "--default-timeout"]),
    Opt::value(&["--exists-action"]),
    Opt::value(&["--trusted-host"]),
    Opt::value(&["--cert"]),
    Opt::value(&["--client-cert"]),
    Opt::value(&["--cache-dir"]),
    Opt::value(&["--python"]),
    Opt::value(&["--keyring-provider"]),
    Opt::value(&["--use-feature"]),
    Opt::value(&["--use-deprecated"]),
    Opt::value(&["--resume-retries"]),
    Opt::value(&["--progress-bar"]),
    Opt::value(&["-r", "--requirement"]),
    Opt::value(&["-c", "--constraint"]),
    Opt::value(&["-e", "--editable"]),
    Opt::value(&["--group"]),
    Opt::value(&["-t", "--target"]),
    Opt::value(&["-d", "--dest", "--destination-directory"]),
    Opt::value(&["-w", "--wheel-dir"]),
    Opt::value(&["--platform"]),
    Opt::value(&["--python-version"]),
    Opt::value(&["--implementation"]),
    Opt::value(&["--abi"]),
    Opt::value(&["--root"]),
    Opt::value(&["--prefix"]),
    Opt::value(&["--src"]),
    Opt::value(&["--upgrade-strategy"]),
    Opt::value(&["-C", "--config-settings"]),
    Opt::value(&["--global-option"]),
    Opt::value(&["--build-option"]),
    Opt::value(&["-i", "--index-url"]),
    Opt::value(&["--extra-index-url"]),
    Opt::value(&["-f", "--find-links"]),
    Opt::value(&["--no-binary"]),
    Opt::value(&["--only-binary"]),
    Opt::value(&["--report"]),
    Opt::value(&["--root-user-action"]),
    Opt::value(&["--uploaded-prior-to"]),
];

/// pip's general options that take a value.
static PIP_OPTIONS: Spec = valued(PIP_VALUED.split_at(15).0);

pub(super) static PIP_REQUIREMENTS: Spec = valued(PIP_VALUED);

/// pip downloads nothing for this call, so there is nothing to cache:
/// * `--no-index` (or `PIP_NO_INDEX`) with no `--find-links` that may be a URL: every
///   distribution, build dependencies included, comes from local directories;
/// * `--no-deps` and every requirement a local wheel file (`/dist/*.whl`, not a URL): a wheel
///   is installed without a build, and `--no-deps` stops pip from resolving its dependencies.
///   A requirements file (`-r`), an editable or a dependency group may name packages, a source
///   tree or archive is built in an isolated environment whose build dependencies pip
///   downloads: those still download.
///
/// Options are matched by their full names; an abbreviation pip would accept (`--no-ind`)
/// keeps the call (a finding rather than a silence built on a guess).
fn pip_fetches_nothing(env: &Env, words: &[Word], sub: usize) -> bool {
    let Ok(args) = PIP_REQUIREMENTS.parse(words, sub + 1) else {
        return false;
    };
    let remote_links =
        args.values("--find-links").any(|v| v.is_none_or(|v| v.contains("://"))) || env.var("PIP_FIND_LINKS").is_some();
    if (args.has("--no-index") || truthy(env.var("PIP_NO_INDEX"))) && !remote_links {
        return true;
    }
    if !args.has("--no-deps") || ["-r", "-e", "--group"].iter().any(|o| args.has(o)) {
        return false;
    }
    let local_wheel = |w: &Word| {
        let raw = w
            .value
            .as_deref()
            .unwrap_or_else(|| w.range.slice(env.src).trim_matches(['"', '\'']));
        // a variable may hold anything; a glob or a path is a file
        !raw.contains('$') && !raw.contains("://") && raw.ends_with(".whl")
    };
    !args.operands().is_empty() && args.operands().iter().all(|&i| local_wheel(&words[i]))
}

/// `--no-cache-dir` or an abbreviation pip accepts for it (optparse takes unambiguous prefixes;
/// `--no-ca` is the shortest that no other pip option shares).
pub fn is_pip_no_cache_dir(word: &str) -> bool {
    word.len() >= "--no-ca".len() && "--no-cache-dir".starts_with(word)
}

pub(super) fn pip<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    let name = basename(word(words, 0)?);
    let start = if versioned(name, "pip") {
        1
    } else if versioned(name, "python") {
        let m = words.iter().position(|w| w.value.as_deref() == Some("-m"))?;
        (word(words, m + 1)? == "pip").then_some(m + 2)?
    } else {
        return None;
    };
    let sub = first_operand(words, start, &PIP_OPTIONS)?;
    if !matches!(word(words, sub)?, "install" | "download" | "wheel") || pip_fetches_nothing(env, words, sub) {
        return None;
    }
    let mut call = Call {
        tool: Tool::Pip,
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
    // `pip cache purge` (the whole cache) after the call
    call.cache_off |= cleaned_after(env, "pip", |w| {
        let at = match word(w, 0).map(basename) {
            Some(p) if p.starts_with("python") && word(w, 1) == Some("-m") => 2,
            _ => 0,
        };
        word(w, at).map(basename).is_some_and(|p| p.starts_with("pip"))
            && word(w, at + 1) == Some("cache")
            && word(w, at + 2) == Some("purge")
    });
    Some(call)
}

/// A command of the RUN after `call` is the tool's own clean-up of its whole cache (`clean`,
/// which `name` names). An `rm` of the directory is not: the mount fix takes it out (unsafe).
fn cleaned_after(env: &Env, name: &str, clean: impl Fn(&[Word]) -> bool) -> bool {
    any_command_after(env, &format!("{name} cache cleaned"), clean)
}

/// The options of `uv pip install` that take a value (uv 0.8: `uv pip install --help`), so that
/// their values are not taken for requirements.
pub(super) static UV_PIP_INSTALL: Spec = valued(&[
    Opt::value(&["-r", "--requirements", "--requirement"]),
    Opt::value(&["-c", "--constraints", "--constraint"]),
    Opt::value(&["--overrides", "--override"]),
    Opt::value(&["-b", "--build-constraints", "--build-constraint"]),
    Opt::value(&["-e", "--editable"]),
    Opt::value(&["--extra"]),
    Opt::value(&["--group"]),
    Opt::value(&["-i", "--index-url"]),
    Opt::value(&["--extra-index-url"]),
    Opt::value(&["--index"]),
    Opt::value(&["--default-index"]),
    Opt::value(&["-f", "--find-links"]),
    Opt::value(&["-P", "--upgrade-package"]),
    Opt::value(&["--reinstall-package"]),
    Opt::value(&["--refresh-package"]),
    Opt::value(&["--no-build-package"]),
    Opt::value(&["--no-binary-package"]),
    Opt::value(&["--no-build-isolation-package"]),
    Opt::value(&["--no-binary"]),
    Opt::value(&["--only-binary"]),
    Opt::value(&["--index-strategy"]),
    Opt::value(&["--keyring-provider"]),
    Opt::value(&["--resolution"]),
    Opt::value(&["--prerelease"]),
    Opt::value(&["--fork-strategy"]),
    Opt::value(&["-C", "--config-setting", "--config-settings"]),
    Opt::value(&["--exclude-newer"]),
    Opt::value(&["--link-mode"]),
    Opt::value(&["-p", "--python"]),
    Opt::value(&["-t", "--target"]),
    Opt::value(&["--prefix"]),
    Opt::value(&["--python-version"]),
    Opt::value(&["--python-platform"]),
    Opt::value(&["--torch-backend"]),
    Opt::value(&["--cache-dir"]),
    Opt::value(&["--config-file"]),
    Opt::value(&["--directory"]),
    Opt::value(&["--project"]),
    Opt::value(&["--color"]),
    Opt::value(&["--allow-insecure-host", "--trusted-host"]),
]);

/// uv's options that take a value (before or after its subcommands).
static UV: Spec = valued(&[
    Opt::value(&["--cache-dir"]),
    Opt::value(&["--directory"]),
    Opt::value(&["--project"]),
    Opt::value(&["--python", "-p"]),
    Opt::value(&["--config-file"]),
    Opt::value(&["--color"]),
    Opt::value(&["--index-url"]),
    Opt::value(&["--extra-index-url"]),
]);

/// `uv pip install|sync|compile`, `uv sync|add|lock|run`, `uv tool install|run`, `uvx`.
pub(super) fn uv<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    let name = basename(word(words, 0)?);
    let sub = if name == "uvx" {
        0
    } else if name == "uv" {
        let s = first_operand(words, 1, &UV)?;
        let nested = |i: usize| first_operand(words, i + 1, &UV);
        match word(words, s)? {
            "pip" => nested(s).filter(|&i| matches!(word(words, i), Some("install" | "sync" | "compile")))?,
            "tool" => nested(s).filter(|&i| matches!(word(words, i), Some("install" | "run" | "upgrade")))?,
            // `uv run --no-sync` installs nothing
            "run" if words.iter().any(|w| w.value.as_deref() == Some("--no-sync")) => return None,
            // `export` only reads the lockfile when it may not update it (`--frozen`), or when it
            // must not change (`--locked`: an outdated lockfile is an error, not a resolution)
            "export"
                if ["--frozen", "--locked"]
                    .iter()
                    .any(|f| words.iter().any(|w| w.value.as_deref() == Some(*f)))
                    || truthy(env.var("UV_FROZEN"))
                    || truthy(env.var("UV_LOCKED")) =>
            {
                return None;
            }
            // without build isolation the backend must already be installed
            "build" if words.iter().any(|w| w.value.as_deref() == Some("--no-build-isolation")) => return None,
            // `build` installs the build backend into an isolated environment through uv's cache
            "sync" | "add" | "lock" | "run" | "export" | "build" => s,
            _ => return None,
        }
    } else {
        return None;
    };
    let mut call = Call {
        tool: Tool::Uv,
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
    // `uv cache clean` without a package name (the whole cache) after the call
    call.cache_off |= cleaned_after(env, "uv", |w| {
        word(w, 0).map(basename) == Some("uv")
            && word(w, 1) == Some("cache")
            && word(w, 2) == Some("clean")
            && w[3..]
                .iter()
                .all(|x| x.value.as_deref().is_some_and(|v| v.starts_with('-')))
    });
    Some(call)
}

/// `poetry install|add|update|lock|sync`: the cache's `cache/` and `artifacts/` subdirectories
/// (the whole directory also holds Poetry's virtualenvs by default).
pub(super) fn poetry<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    if basename(word(words, 0)?) != "poetry" {
        return None;
    }
    let sub = first_operand(words, 1, &POETRY)?;
    if !matches!(word(words, sub)?, "install" | "add" | "update" | "lock" | "sync") {
        return None;
    }
    let mut call = Call {
        tool: Tool::Poetry,
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
pub(super) fn pipenv<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    if basename(word(words, 0)?) != "pipenv" {
        return None;
    }
    let sub = first_operand(words, 1, &FLAGS_ONLY)?;
    if !matches!(word(words, sub)?, "install" | "sync" | "update" | "lock") {
        return None;
    }
    let mut call = Call {
        tool: Tool::Pipenv,
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
pub(super) fn conda<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    let name = basename(word(words, 0)?);
    if !matches!(name, "conda" | "mamba" | "micromamba") {
        return None;
    }
    let mut sub = first_operand(words, 1, &FLAGS_ONLY)?;
    if word(words, sub) == Some("env") {
        sub = first_operand(words, sub + 1, &FLAGS_ONLY)?;
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
        tool: Tool::Conda,
        cmd: env.cmd,
        words,
        sub,
        dirs: pkgs.map(|d| dirs([d], true)),
        cache_off: cleaned,
    })
}

//! pip, uv, Poetry, Pipenv and conda.

use super::*;
use crate::syntax::shell::argv::Opt;

static POETRY: Spec = valued(&[Opt::value(&["-C", "--directory"]), Opt::value(&["-P", "--project"])]);

/// pip's general options that take a value (they may come before the subcommand:
/// `pip --cache-dir /c install x`).
static PIP_OPTIONS: Spec = valued(&[
    Opt::value(&["--log"]),
    Opt::value(&["--proxy"]),
    Opt::value(&["--retries"]),
    Opt::value(&["--timeout"]),
    Opt::value(&["--exists-action"]),
    Opt::value(&["--trusted-host"]),
    Opt::value(&["--cert"]),
    Opt::value(&["--client-cert"]),
    Opt::value(&["--cache-dir"]),
    Opt::value(&["--python"]),
    Opt::value(&["--keyring-provider"]),
    Opt::value(&["--use-feature"]),
    Opt::value(&["--use-deprecated"]),
    Opt::value(&["--progress-bar"]),
]);

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
    if !matches!(word(words, sub)?, "install" | "download" | "wheel") {
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
    Some(call)
}

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
            "sync" | "add" | "lock" | "run" | "export" => s,
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

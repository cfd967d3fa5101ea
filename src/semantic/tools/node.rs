//! npm, Yarn (1 and 2+) and pnpm.

use super::*;
use crate::syntax::shell::argv::Opt;

static NPM: Spec = valued(&[
    Opt::value(&["--cache"]),
    Opt::value(&["--prefix", "-C"]),
    Opt::value(&["--registry"]),
]);
/// The options of `npm install` that take a value (npm 10's typed configuration; any other
/// option is a boolean, which npm's option parser reads as a flag), so that their values are
/// not taken for packages.
pub(super) static NPM_INSTALL: Spec = valued(&[
    Opt::value(&["--cache"]),
    Opt::value(&["--prefix", "-C"]),
    Opt::value(&["--registry"]),
    Opt::value(&["--loglevel"]),
    Opt::value(&["--userconfig"]),
    Opt::value(&["--globalconfig"]),
    Opt::value(&["--workspace", "-w"]),
    Opt::value(&["--tag"]),
    Opt::value(&["--omit"]),
    Opt::value(&["--include"]),
    Opt::value(&["--install-strategy"]),
    Opt::value(&["--before"]),
    Opt::value(&["--otp"]),
    Opt::value(&["--scope"]),
    Opt::value(&["--script-shell"]),
    Opt::value(&["--location"]),
    Opt::value(&["--cafile"]),
    Opt::value(&["--ca"]),
    Opt::value(&["--cert"]),
    Opt::value(&["--key"]),
    Opt::value(&["--proxy"]),
    Opt::value(&["--https-proxy"]),
    Opt::value(&["--noproxy"]),
    Opt::value(&["--local-address"]),
    Opt::value(&["--maxsockets"]),
    Opt::value(&["--fetch-retries"]),
    Opt::value(&["--fetch-retry-factor"]),
    Opt::value(&["--fetch-retry-mintimeout"]),
    Opt::value(&["--fetch-retry-maxtimeout"]),
    Opt::value(&["--fetch-timeout"]),
    Opt::value(&["--save-prefix"]),
    Opt::value(&["--lockfile-version"]),
    Opt::value(&["--logs-dir"]),
    Opt::value(&["--logs-max"]),
    Opt::value(&["--node-options"]),
    Opt::value(&["--cpu"]),
    Opt::value(&["--os"]),
    Opt::value(&["--libc"]),
    Opt::value(&["--auth-type"]),
    Opt::value(&["--access"]),
    Opt::value(&["--depth"]),
]);
static YARN: Spec = valued(&[
    Opt::value(&["--cache-folder"]),
    Opt::value(&["--cwd"]),
    Opt::value(&["--modules-folder"]),
    Opt::value(&["--network-timeout"]),
    Opt::value(&["--mutex"]),
]);
static PNPM: Spec = valued(&[
    Opt::value(&["--store-dir"]),
    Opt::value(&["-C", "--dir"]),
    Opt::value(&["--filter", "-F"]),
]);

/// `npm ci|install|i|add|update`.
pub(super) fn npm<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    if basename(word(words, 0)?) != "npm" {
        return None;
    }
    let sub = first_operand(words, 1, &NPM)?;
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
        tool: Tool::Npm,
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
pub(super) fn yarn<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    if basename(word(words, 0)?) != "yarn" {
        return None;
    }
    let sub = match first_operand(words, 1, &YARN) {
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
        tool: Tool::Yarn,
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
pub(super) fn yarn2_from(text: &str) -> Option<usize> {
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
pub(super) fn pnpm<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    if basename(word(words, 0)?) != "pnpm" {
        return None;
    }
    let sub = first_operand(words, 1, &PNPM)?;
    if !matches!(word(words, sub)?, "install" | "i" | "add" | "fetch" | "update" | "up") {
        return None;
    }
    if call_offline(words, &["--offline"]) {
        return None;
    }
    let mut call = Call {
        tool: Tool::Pnpm,
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

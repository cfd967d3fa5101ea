//! Cargo.

use super::*;
use crate::syntax::shell::argv::Opt;

static CARGO: Spec = valued(&[Opt::value(&["--config"]), Opt::value(&["-Z"]), Opt::value(&["--color"])]);

/// `cargo build|install|fetch|…`: `$CARGO_HOME/registry` and `$CARGO_HOME/git/db` — never
/// `$CARGO_HOME` itself (it holds the toolchain's binaries).
pub(super) fn cargo<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    if basename(word(words, 0)?) != "cargo" {
        return None;
    }
    let mut sub = first_operand(words, 1, &CARGO)?;
    if word(words, sub).is_some_and(|v| v.starts_with('+')) {
        sub = first_operand(words, sub + 1, &CARGO)?;
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
        tool: Tool::Cargo,
        cmd: env.cmd,
        words,
        sub,
        dirs,
        cache_off: false,
    })
}

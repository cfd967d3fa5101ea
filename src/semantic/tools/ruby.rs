//! Bundler.

use super::*;
use crate::syntax::shell::argv::Opt;

/// The options of `gem install` that take a value (RubyGems 3: `gem install --help`); those
/// whose value is optional (`--document`, `--file`, `--http-proxy`) are read as flags.
pub(super) static GEM_INSTALL: Spec = valued(&[
    Opt::value(&["-v", "--version"]),
    Opt::value(&["-i", "--install-dir"]),
    Opt::value(&["-n", "--bindir"]),
    Opt::value(&["--build-root"]),
    Opt::value(&["-P", "--trust-policy"]),
    Opt::value(&["--platform"]),
    Opt::value(&["-s", "--source"]),
    Opt::value(&["--target-rbconfig"]),
    Opt::value(&["--config-file"]),
    Opt::value(&["--without"]),
    Opt::value(&["--with"]),
]);

/// `bundle install`, `gem install`.
pub(super) fn bundler<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    let name = basename(word(words, 0)?);
    if !matches!(name, "bundle" | "bundler" | "gem") {
        return None;
    }
    let sub = first_operand(words, 1, &FLAGS_ONLY)?;
    if word(words, sub)? != "install" {
        return None;
    }
    Some(Call {
        tool: Tool::Bundler,
        cmd: env.cmd,
        words,
        sub,
        dirs: None,
        cache_off: false,
    })
}

/// `gem install` (or `gem i`) as a [`Call`] of [`Tool::Bundler`], whose [`Call::args`] reads
/// `gem install`'s options.
pub fn gem_install_call(cmd: &Command) -> Option<Call<'_>> {
    let words = cmd.effective().words;
    if basename(word(words, 0)?) != "gem" {
        return None;
    }
    let sub = first_operand(words, 1, &FLAGS_ONLY)?;
    matches!(word(words, sub)?, "install" | "i").then_some(Call {
        tool: Tool::Bundler,
        cmd,
        words,
        sub,
        dirs: None,
        cache_off: false,
    })
}

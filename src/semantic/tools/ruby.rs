//! Bundler.

use super::*;

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

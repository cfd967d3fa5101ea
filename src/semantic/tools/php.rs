//! Composer.

use super::*;
use crate::syntax::shell::argv::Opt;

static COMPOSER: Spec = valued(&[Opt::value(&["-d", "--working-dir"])]);

/// `composer install|update|require`.
pub(super) fn composer<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    if !matches!(basename(word(words, 0)?), "composer" | "composer.phar") {
        return None;
    }
    let sub = first_operand(words, 1, &COMPOSER)?;
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
        tool: Tool::Composer,
        cmd: env.cmd,
        words,
        sub,
        dirs: dir.map(|d| dirs([d], false)),
        cache_off,
    })
}

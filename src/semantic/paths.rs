//! Which directories a RUN's mounts cover: paths compared as BuildKit cleans them, and the
//! places where a cache mount holds what a tool keeps elsewhere.

use crate::semantic::scope::Scope;
use crate::syntax::go::clean_path;
use crate::syntax::model::Run;
use crate::syntax::mounts::{Mount, MountType};
use std::borrow::Cow;

/// `target` equals `dir` or is an ancestor of it (never `/`).
pub fn covers(target: &str, dir: &str) -> bool {
    let (t, d) = (clean(target), clean(dir));
    t != "/"
        && d.strip_prefix(&*t)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// [`clean_path`], without a copy when the path is already clean (absolute, no empty, `.` or
/// `..` component, no trailing `/`).
fn clean(p: &str) -> Cow<'_, str> {
    let is_clean = p == "/"
        || p.strip_prefix('/')
            .is_some_and(|rest| rest.split('/').all(|c| !matches!(c, "" | "." | "..")));
    if is_clean {
        Cow::Borrowed(p)
    } else {
        Cow::Owned(clean_path(p))
    }
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
    let (t, d) = (clean(target), clean(dir));
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

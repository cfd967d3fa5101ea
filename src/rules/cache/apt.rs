//! What the apt rules share: whether the image's `docker-clean` still deletes what apt
//! downloads, whether the package lists may move from the image into a cache mount, and the
//! RUN's own clean-up commands.
//!
//! The facts behind them: debuerreotype's `docker-clean` (in the official Debian images)
//! deletes `/var/cache/apt/archives/*.deb`, `archives/partial/*.deb` and `/var/cache/apt/*.bin`
//! after every dpkg run and every `apt-get update`, and turns the `*.bin` caches off; it leaves
//! `/var/lib/apt/lists` alone. A cache mount starts empty and hides what the image holds at its
//! target.

use super::contradiction::{operand, rm_operands};
use crate::semantic::Semantic;
use crate::semantic::commands::{Commands, RunRef, find_deletes};
use crate::semantic::paths;
use crate::semantic::paths::covers;
use crate::semantic::scope::Scope;
use crate::semantic::tools::system::{apt_subcommand, docker_clean_removed, is_update};
use crate::semantic::tools::{APT_CACHE, APT_LISTS, Tool};
use crate::syntax::shell::{Command, Word};

/// The package lists, the part of `/var/lib/apt` worth caching when the packages are not
/// (the rest of `/var/lib/apt`, such as `extended_states`, belongs to the image).
pub const LISTS: &str = "/var/lib/apt/lists";

/// What becomes of the packages apt downloads at a point of the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DockerClean {
    /// A Debian or Ubuntu base whose `docker-clean` is still there: they are deleted.
    InPlace,
    /// An earlier `RUN`, or the `RUN` before this point, removed or rewrote it: they are kept.
    Removed,
    /// An image dfix does not know: nothing is assumed.
    Unknown,
}

/// `docker-clean` at offset `at` of a RUN (`commands`); `earlier`: an earlier RUN of the stage
/// chain touched it ([`Semantic::earlier_in_chain`] of
/// [`touches_docker_clean`](crate::semantic::tools::system::touches_docker_clean)).
pub fn docker_clean(src: &str, scope: &Scope, commands: &Commands, earlier: bool, at: usize) -> DockerClean {
    if docker_clean_removed(src, commands, earlier, at) {
        DockerClean::Removed
    } else if scope.debian_based() {
        DockerClean::InPlace
    } else {
        DockerClean::Unknown
    }
}

/// For each instruction: a later RUN of its stage, or of a stage built on it, runs apt without
/// refreshing the package lists first, so it installs from the lists an earlier RUN left in the
/// image (not when a RUN between removed them: [`without_lists`]).
pub fn relied_on(semantic: &Semantic, src: &str) -> Vec<bool> {
    let lists = lists_before(semantic, src);
    semantic.later_in_descendants(|r, calls| {
        let updated = first_update(&r.commands);
        calls.iter().any(|c| {
            let at = c.cmd.range.start;
            c.tool == Tool::Apt && !updates_before(updated, at) && !without_lists(r, at, &lists)
        })
    })
}

/// Where the RUN first refreshes the package lists: the start of its first `apt-get update`.
pub fn first_update(commands: &Commands) -> Option<usize> {
    commands
        .iter()
        .find(|c| is_update(c.effective().words))
        .map(|c| c.range.start)
}

/// The lists were refreshed (`updated`, from [`first_update`]) before offset `at`.
pub fn updates_before(updated: Option<usize>, at: usize) -> bool {
    updated.is_some_and(|u| u < at)
}

/// Why the package lists must stay in the image for the apt call at `at` (`None`: a cache mount
/// may take them). `relied`: from [`relied_on`].
pub fn lists_stay(commands: &Commands, at: usize, relied: bool) -> Option<&'static str> {
    if !updates_before(first_update(commands), at) {
        Some(
            "the `RUN` installs from package lists it does not download (no `apt-get update` before the install), which a cache mount on them would hide",
        )
    } else if relied {
        Some(
            "a later `RUN` installs from the package lists this one downloads without refreshing them, so they must stay in the image",
        )
    } else {
        None
    }
}

/// `apt-get clean`, `apt clean`, `aptitude clean`.
pub fn is_clean(cmd: &Command) -> bool {
    apt_subcommand(cmd.effective().words) == Some("clean")
}

/// `apt-get dist-clean` (apt 2.7 and later; `distclean` is the same): `clean`, and the package
/// lists removed (their `Release` files kept).
pub fn is_dist_clean(cmd: &Command) -> bool {
    matches!(apt_subcommand(cmd.effective().words), Some("dist-clean" | "distclean"))
}

/// What a command deletes: an `rm`'s operands, or the starting points of a `find` that deletes
/// ([`find_deletes`]: `find /var/lib/apt/lists -type f -delete`), each with the directory it
/// empties (`None`: unresolved).
pub struct Deleted<'w> {
    pub operands: Vec<(&'w Word, Option<String>)>,
    /// A `find`, not an `rm`.
    pub find: bool,
    /// What is deleted is everything under the operands, so an operand above a directory empties
    /// it: an `rm`, or a `find` that does not select by name.
    pub whole: bool,
}

impl Deleted<'_> {
    /// Some operand deletes something at or under `dir`, or `above` (which holds `dir`).
    fn hits(&self, dir: &str, above: &str) -> bool {
        self.operands.iter().any(|(_, d)| {
            d.as_deref()
                .is_some_and(|d| covers(dir, d) || self.whole && covers(d, above))
        })
    }
}

/// [`Deleted`] of the command's effective words; `None` when it deletes nothing dfix reads.
pub fn deleted<'w>(src: &str, words: &'w [Word], scope: &Scope) -> Option<Deleted<'w>> {
    if let Some(operands) = rm_operands(src, words, scope) {
        return Some(Deleted {
            operands,
            find: false,
            whole: true,
        });
    }
    let f = find_deletes(words)?;
    Some(Deleted {
        operands: f
            .starts
            .into_iter()
            .map(|w| (w, operand(src, w, scope).map(|o| o.dir)))
            .collect(),
        find: true,
        whole: !f.selective,
    })
}

/// The command deletes what apt downloaded to `/var/cache/apt`: `apt-get clean`, `apt-get
/// dist-clean`, or an `rm` (or a `find … -delete`) of something there.
pub fn deletes_packages(src: &str, cmd: &Command, scope: &Scope) -> bool {
    is_clean(cmd)
        || is_dist_clean(cmd)
        || deleted(src, cmd.effective().words, scope).is_some_and(|d| d.hits(APT_CACHE, APT_CACHE))
}

/// An `rm` (or a `find … -delete`) that removes nothing but the package lists (every operand
/// under `/var/lib/apt/lists`).
pub fn removes_only_lists(src: &str, cmd: &Command, scope: &Scope) -> bool {
    deleted(src, cmd.effective().words, scope).is_some_and(|d| {
        !d.operands.is_empty()
            && d.operands
                .iter()
                .all(|(_, dir)| dir.as_deref().is_some_and(|d| covers(LISTS, d)))
    })
}

/// An `rm` (or a `find … -delete`) that removes some of the package lists.
pub fn removes_lists(src: &str, cmd: &Command, scope: &Scope) -> bool {
    deleted(src, cmd.effective().words, scope).is_some_and(|d| {
        if d.whole {
            d.hits(APT_LISTS, LISTS)
        } else {
            d.hits(LISTS, LISTS)
        }
    })
}

/// What a RUN leaves of the package lists in the image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lists {
    /// Its last command touching them is an `apt-get update`.
    Refreshed,
    /// Its last command touching them removes them (`rm`, `find … -delete`, `dist-clean`).
    Removed,
}

/// What `r` does to the package lists of the image: `None` when it does not touch them, or
/// when a cache or tmpfs mount holds them (what it does there stays out of the image).
pub fn lists_after(src: &str, r: &RunRef) -> Option<Lists> {
    if paths::is_covered(r.run, &r.scope, LISTS) {
        return None;
    }
    r.commands.iter().fold(None, |state, c| {
        if is_update(c.effective().words) {
            Some(Lists::Refreshed)
        } else if is_dist_clean(c) || removes_lists(src, c, &r.scope) {
            Some(Lists::Removed)
        } else {
            state
        }
    })
}

/// For each instruction: the package lists as the last earlier RUN of its stage chain that
/// touched them left them ([`lists_after`]).
pub fn lists_before(semantic: &Semantic, src: &str) -> Vec<Option<Lists>> {
    semantic.last_in_chain(|r, _| lists_after(src, r))
}

/// The apt call at offset `at` of `r` has no package lists to download from: an earlier RUN of
/// the stage chain removed them (`before`, from [`lists_before`]) and neither a RUN since nor
/// this one before the call refreshed them. apt then finds nothing to download.
pub fn without_lists(r: &RunRef, at: usize, before: &[Option<Lists>]) -> bool {
    before[r.index] == Some(Lists::Removed) && !updates_before(first_update(&r.commands), at)
}

use super::common::{Commands, basename, word};
use super::edits::{append_to_run, insert_line_above};
use super::missing_mount::{self, Found, Prefer, Spec};
use super::tools::Call;
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::syntax::shell::{Command, Word};
use std::borrow::Cow;

pub static META: RuleMeta = RuleMeta {
    name: "apt-without-cache-mount",
    family: Family::Cache,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &["DL3009"],
    related: &[],
    summary: "`apt-get install` without BuildKit cache mounts on apt's caches and without removing the package lists",
    options: &[missing_mount::PREFER],
    fix_priority: 280,
    after_suppressions: false,
    doc: include_str!("../../rules/apt-without-cache-mount.md"),
};

const SPEC: Spec = Spec {
    // one apt directory mounted is `apt-cache-mount-incomplete`'s finding
    any_dir: true,
    ..Spec::new("apt")
};

const CLEAN: &str = "rm -rf /var/lib/apt/lists/*";

pub fn check(ctx: &mut Context) {
    let relies = ctx.later_in_descendants(|r, calls| {
        let updated = first_update(&r.commands);
        calls.iter().any(|c| c.tool == "apt" && !updates_before(updated, c))
    });
    let cleaned = ctx.earlier_in_chain(|c| touches_docker_clean(ctx.src, c));
    missing_mount::check_amended(ctx, &SPEC, |f, d| amend(f, d, &relies, &cleaned));
}

/// `relies`: a later RUN relies on the package lists ([`Context::later_in_descendants`]);
/// `cleaned`: an earlier RUN removed `docker-clean` ([`Context::earlier_in_chain`]).
fn amend(f: &Found, d: &mut Diagnostic, relies: &[bool], cleaned: &[bool]) {
    let ins = f.model.instructions[f.index].effective();
    if f.prefer == Prefer::Clean {
        d.fix = append_to_run(f.src, ins, CLEAN)
            .map(|e| Fix::safe("Remove the package lists at the end of the `RUN`", vec![e]));
    } else if let Some(fix) = &d.fix
        && debian_based(f.scope.base.as_deref())
        && !docker_clean_removed(f.src, f.commands, cleaned[f.index], f.call.cmd.range.start)
    {
        // keeping the downloaded packages too needs the image's apt configuration changed
        let eol = f.model.line_ending.as_str();
        let mut edits = fix.edits().to_vec();
        edits.push(insert_line_above(&f.model.instructions[f.index], KEEP_PACKAGES, eol));
        d.alternatives.push(Fix::unsafe_(
            "Mount apt's caches and remove `docker-clean` so that downloaded packages are kept",
            edits,
        ));
    }
    // Once the lists live in a cache mount they are no longer in the image: that is only
    // harmless when every apt install that follows refreshes them itself.
    if let Some(fix) = &mut d.fix
        && (!updates_before(first_update(f.commands), f.call) || relies[f.index])
    {
        fix.applicability = Applicability::Unsafe;
    }
}

/// The RUN the alternative fix inserts: what BuildKit's reference shows for caching apt.
pub(super) const KEEP_PACKAGES: &str = "RUN rm -f /etc/apt/apt.conf.d/docker-clean && echo 'Binary::apt::APT::Keep-Downloaded-Packages \"true\";' > /etc/apt/apt.conf.d/keep-cache";

/// `apt-get update`, `apt update`, `aptitude update` (options before it allowed).
pub(super) fn is_update(words: &[Word]) -> bool {
    if !matches!(word(words, 0).map(basename), Some("apt-get" | "apt" | "aptitude")) {
        return false;
    }
    let mut i = 1;
    while let Some(v) = word(words, i) {
        if !v.starts_with('-') {
            return v == "update";
        }
        if matches!(
            v,
            "-o" | "-c" | "-t" | "--option" | "--config-file" | "--target-release"
        ) {
            i += 1;
        }
        i += 1;
    }
    false
}

/// Where the RUN first refreshes the package lists: the start of its first `apt-get update`.
fn first_update(all: &[Cow<'_, Command>]) -> Option<usize> {
    all.iter()
        .find(|c| is_update(c.effective().words))
        .map(|c| c.range.start)
}

/// The RUN refreshes the package lists before `call` (`updated`: from [`first_update`]).
fn updates_before(updated: Option<usize>, call: &Call) -> bool {
    updated.is_some_and(|at| at < call.cmd.range.start)
}

/// The image is Debian or Ubuntu (or an official image built on them), whose apt configuration
/// includes `/etc/apt/apt.conf.d/docker-clean`.
pub(super) fn debian_based(base: Option<&str>) -> bool {
    let Some(base) = base else { return false };
    let base = base.split('@').next().unwrap_or(base).to_ascii_lowercase();
    let (path, tag) = match base.rsplit_once(':') {
        Some((p, t)) if !t.contains('/') => (p, t),
        _ => (base.as_str(), ""),
    };
    let name = path.rsplit('/').next().unwrap_or(path);
    const OTHERS: &[&str] = &[
        "alpine",
        "windows",
        "nanoserver",
        "servercore",
        "ubi",
        "oraclelinux",
        "amazonlinux",
    ];
    if OTHERS.iter().any(|o| tag.contains(o)) {
        return false;
    }
    const DEBIAN: &[&str] = &[
        "debian", "ubuntu", "bookworm", "bullseye", "buster", "stretch", "trixie", "jammy", "focal", "noble", "bionic",
        "xenial",
    ];
    if DEBIAN.iter().any(|d| name.contains(d) || tag.contains(d)) {
        return true;
    }
    // official images whose default variant is Debian
    let official = !path.contains('/') || path.starts_with("library/") || path.starts_with("docker.io/library/");
    official
        && matches!(
            name,
            "python"
                | "node"
                | "golang"
                | "rust"
                | "ruby"
                | "php"
                | "perl"
                | "gcc"
                | "buildpack-deps"
                | "r-base"
                | "haskell"
                | "julia"
                | "openjdk"
                | "eclipse-temurin"
                | "maven"
                | "gradle"
                | "elixir"
                | "erlang"
        )
}

/// The command removes or rewrites `/etc/apt/apt.conf.d/docker-clean`.
pub(super) fn touches_docker_clean(src: &str, c: &Command) -> bool {
    let words = c.effective().words;
    matches!(
        word(words, 0).map(basename),
        Some("rm" | "mv" | "sed" | "truncate" | "unlink" | "cp" | "ln" | "echo" | "printf" | "tee")
    ) && words[1..].iter().any(|w| {
        let raw = w.value.as_deref().unwrap_or_else(|| w.range.slice(src));
        raw.contains("apt.conf.d/docker-clean") || raw.contains("apt.conf.d/docker-*") || raw.contains("apt.conf.d/*")
    })
}

/// Something before offset `before` in this RUN (`commands`), or an earlier RUN of the stage
/// chain (`earlier`: [`Context::earlier_in_chain`] of [`touches_docker_clean`]), removes or
/// rewrites `/etc/apt/apt.conf.d/docker-clean`.
pub(super) fn docker_clean_removed(src: &str, commands: &Commands, earlier: bool, before: usize) -> bool {
    super::common::done_before(commands, earlier, before, |c| touches_docker_clean(src, c))
}

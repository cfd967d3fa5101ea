use super::edits::{append_to_run, insert_line_above};
use super::missing_mount::{self, Found, Prefer, Spec};
use crate::semantic::tools::{Call, Tool};
use super::common::KEEP_PACKAGES;
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::semantic::tools::system::{docker_clean_removed, is_update, touches_docker_clean};
use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::syntax::shell::Command;
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
    doc: include_str!("../../../rules/apt-without-cache-mount.md"),
};

const SPEC: Spec = Spec {
    // one apt directory mounted is `apt-cache-mount-incomplete`'s finding
    any_dir: true,
    ..Spec::new(Tool::Apt)
};

const CLEAN: &str = "rm -rf /var/lib/apt/lists/*";

pub fn check(ctx: &mut Context) {
    let relies = ctx.semantic().later_in_descendants(|r, calls| {
        let updated = first_update(&r.commands);
        calls.iter().any(|c| c.tool == Tool::Apt && !updates_before(updated, c))
    });
    let cleaned = ctx.semantic().earlier_in_chain(|c| touches_docker_clean(ctx.src, c));
    missing_mount::check_amended(ctx, &SPEC, |f, d| amend(f, d, &relies, &cleaned));
}

/// `relies`: a later RUN relies on the package lists ([`Semantic::later_in_descendants`](crate::semantic::Semantic::later_in_descendants));
/// `cleaned`: an earlier RUN removed `docker-clean` ([`Semantic::earlier_in_chain`](crate::semantic::Semantic::earlier_in_chain)).
fn amend(f: &Found, d: &mut Diagnostic, relies: &[bool], cleaned: &[bool]) {
    let ins = f.model.instructions[f.index].effective();
    if f.prefer == Prefer::Clean {
        d.fix = append_to_run(f.src, ins, CLEAN)
            .map(|e| Fix::safe("Remove the package lists at the end of the `RUN`", vec![e]));
    } else if let Some(fix) = &d.fix
        && f.scope.debian_based()
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

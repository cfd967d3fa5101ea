use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::semantic::scope;
use crate::syntax::model::Kind;
use crate::syntax::remote::{Source, add_sources, classify};
use crate::syntax::text::TextRange;
use std::ops::ControlFlow;

pub static META: RuleMeta = RuleMeta {
    name: "add-git-ref-not-commit",
    family: Family::Layers,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Preview,
    sources: &[],
    related: &["add-url-without-checksum"],
    summary: "`ADD` of a Git repository at a branch, a tag or the default branch rather than a commit",
    options: &[],
    fix_priority: 1021,
    after_suppressions: false,
    doc: include_str!("../../../rules/add-git-ref-not-commit.md"),
};

struct Found {
    range: TextRange,
    remote: String,
    reference: String,
    expanded: bool,
}

pub fn check(ctx: &mut Context) {
    let (src, model) = (ctx.src, ctx.model);
    let mut found = Vec::new();
    scope::walk::<()>(model, |i, scope| {
        let outer = &model.instructions[i];
        let ins = outer.effective();
        // `--checksum` (syntax 1.17 for Git) pins the commit the checkout must be
        if ins.kind != Kind::Add || ins.flag("checksum").is_some() {
            return ControlFlow::Continue(());
        }
        // an ONBUILD trigger is built with the variables of the image built from this one
        let onbuild = outer.kind == Kind::Onbuild;
        let lookup = |n: &str| match scope.get(n) {
            Some(Some(v)) if !onbuild => Some(Some(v.clone())),
            _ => None,
        };
        for s in add_sources(src, ins, model.escape, &lookup) {
            let Some(value) = s.value else { continue };
            let Source::Git(git) = classify(&value) else { continue };
            if git.is_commit() || git.checksum.is_some() {
                continue;
            }
            // the ref itself when the word is written as it reads
            let plain = s.word.range.slice(src) == value;
            let range = match git.reference_at {
                Some(r) if plain => TextRange::new(s.word.range.start + r.start, s.word.range.start + r.end),
                _ => s.word.range,
            };
            found.push(Found {
                range,
                remote: git.remote,
                reference: git.reference,
                expanded: s.expanded,
            });
        }
        ControlFlow::Continue(())
    });
    for f in found {
        let via = if f.expanded { " (its variables expanded with the values the file gives them)" } else { "" };
        let (what, ls_ref) = if f.reference.is_empty() {
            ("its default branch".to_string(), "HEAD".to_string())
        } else {
            (format!("`{}`, a ref name (branch or tag)", f.reference), f.reference.clone())
        };
        let d = ctx.report(
            f.range,
            format!(
                "`ADD` of the Git repository `{}`{via} at {what}, not a commit: BuildKit asks the \
                 remote on every build which commit that is, so the same Dockerfile can build other \
                 sources; pin the full commit hash (`git ls-remote {} {ls_ref}` prints it) as the \
                 ref, or give it to `--checksum=<commit>` (Dockerfile syntax 1.17 or later)",
                f.remote, f.remote
            ),
        );
        d.no_fix_reason = Some("the commit must be the one the author has checked".into());
    }
}

use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::semantic::scope::{self, Scope};
use crate::syntax::model::{Instruction, Kind};
use crate::syntax::remote::{AddSource, Source, add_sources, classify};
use crate::syntax::text::TextRange;
use std::ops::ControlFlow;

pub static META: RuleMeta = RuleMeta {
    name: "add-url-without-checksum",
    family: Family::Layers,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Preview,
    sources: &[],
    related: &["add-git-ref-not-commit"],
    summary: "`ADD` of an HTTP(S) URL without `--checksum`, whose content the server decides on every build",
    options: &[],
    fix_priority: 1020,
    after_suppressions: false,
    doc: include_str!("../../../rules/add-url-without-checksum.md"),
};

pub fn check(ctx: &mut Context) {
    let (src, model) = (ctx.src, ctx.model);
    let mut found: Vec<(TextRange, String, bool, bool)> = Vec::new();
    scope::walk::<()>(model, |i, scope| {
        let outer = &model.instructions[i];
        let ins = outer.effective();
        if ins.kind != Kind::Add || ins.flag("checksum").is_some() {
            return ControlFlow::Continue(());
        }
        let all = sources(src, outer, ins, model.escape, scope);
        let several = all.len() > 1;
        for s in all {
            let Some(value) = s.value else { continue };
            if classify(&value) == Source::Http {
                found.push((s.word.range, value, s.expanded, several));
            }
        }
        ControlFlow::Continue(())
    });
    for (range, url, expanded, several) in found {
        let via = if expanded { " (its variables expanded with the values the file gives them)" } else { "" };
        let one = if several {
            " in an `ADD` of its own (`--checksum` takes one source)"
        } else {
            ""
        };
        let d = ctx.report(
            range,
            format!(
                "`ADD` of the URL `{url}`{via} without `--checksum`: BuildKit asks the server on every \
                 build and takes what it sends, so the same Dockerfile can build other content; pin \
                 it with `--checksum=sha256:<digest>`{one} (the digest from `curl -fsSL <URL> | \
                 sha256sum`; needs Dockerfile syntax 1.6 or later), unless the download is meant to \
                 change (a cache-buster), where a suppression says so"
            ),
        );
        d.no_fix_reason = Some("the digest must come from the download the author trusts".into());
    }
}

/// The sources of an `ADD` (an `ONBUILD` trigger's too: there only what is written, since the
/// image built from this one gives its variables).
fn sources(
    src: &str,
    outer: &Instruction,
    ins: &Instruction,
    escape: char,
    scope: &Scope,
) -> Vec<AddSource> {
    if outer.kind == Kind::Onbuild {
        add_sources(src, ins, escape, &|_| None)
    } else {
        add_sources(src, ins, escape, &|n| match scope.get(n) {
            Some(Some(v)) => Some(Some(v.clone())),
            _ => None,
        })
    }
}

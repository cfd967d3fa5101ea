use super::common::in_chain_before;
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::semantic::scope;
use crate::syntax::model::Kind;
use crate::syntax::words::arg_words;
use std::ops::ControlFlow;

pub static META: RuleMeta = RuleMeta {
    name: "copy-relative-dest-without-workdir",
    family: Family::Instructions,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3045"],
    related: &[],
    summary: "`COPY` to a relative destination in a stage where no `WORKDIR` was set",
    options: &[],
    fix_priority: 434,
    after_suppressions: false,
    doc: include_str!("../../../rules/copy-relative-dest-without-workdir.md"),
};

pub fn check(ctx: &mut Context) {
    let (src, model) = (ctx.src, ctx.model);
    let mut found = Vec::new();
    scope::walk::<()>(model, |i, scope| {
        let ins = &model.instructions[i];
        if ins.kind != Kind::Copy || ins.invalid || in_chain_before(model, i, Kind::Workdir) {
            return ControlFlow::Continue(());
        }
        let words = arg_words(src, ins, model.escape);
        let Some((dest, sources)) = words.split_last() else { return ControlFlow::Continue(()) };
        if sources.is_empty() {
            return ControlFlow::Continue(());
        }
        let written = dest.value.trim_matches(['"', '\'']);
        // a variable the file defines is expanded; one it does not is not judged
        let Some(path) = scope.expand(written) else { return ControlFlow::Continue(()) };
        if path.is_empty() || scope.is_absolute(&path, model.escape) {
            return ControlFlow::Continue(());
        }
        found.push((dest.range, path));
        ControlFlow::Continue(())
    });
    for (range, path) in found {
        ctx.report(
            range,
            format!(
                "`COPY` to the relative `{path}` with no `WORKDIR` set in the stage: it lands in \
                 the base image's working directory, which the Dockerfile does not say"
            ),
        );
    }
}

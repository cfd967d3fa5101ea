use super::{Context, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "syntax-error",
    family: "core",
    severity: Severity::Error,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL1000"],
    related: &[],
    summary: "BuildKit refuses to parse the file",
    doc: include_str!("../../rules/syntax-error.md"),
};

pub fn check(ctx: &mut Context) {
    if ctx.src.is_empty() {
        ctx.report(Default::default(), "the Dockerfile cannot be empty");
        return;
    }
    for e in &ctx.model.errors {
        // show the first line of a multi-line instruction
        let mut range = e.range;
        if let Some(nl) = ctx.src[range.start..range.end].find('\n') {
            range.end = range.start + ctx.src[range.start..range.start + nl].trim_end_matches('\r').len();
        }
        ctx.report(range, e.message.clone());
    }
}

use super::{Context, Family, FixAvailability, RuleId, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::syntax::model::ErrorStage;

pub static META: RuleMeta = RuleMeta {
    name: "syntax-error",
    family: Family::Core,
    severity: Severity::Error,
    breaks_build: true,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL1000", "DL3043", "DL3061"],
    related: &[],
    summary: "BuildKit refuses to parse the file",
    options: &[],
    fix_priority: 10,
    after_suppressions: false,
    doc: include_str!("../../../rules/syntax-error.md"),
};

pub fn check(ctx: &mut Context) {
    if ctx.src.is_empty() {
        ctx.report(Default::default(), "the Dockerfile cannot be empty");
        return;
    }
    // a repeated directive is `parser-directive-duplicate`'s finding, when that rule runs
    let duplicate = ctx
        .model
        .directives
        .duplicate
        .as_ref()
        .filter(|_| ctx.settings.is_enabled(RuleId::PARSER_DIRECTIVE_DUPLICATE))
        .map(|d| d.line_range);
    for e in &ctx.model.errors {
        if e.stage == ErrorStage::Parse && Some(e.range) == duplicate {
            continue;
        }
        // show the first line of a multi-line instruction
        let mut range = e.range;
        if let Some(nl) = ctx.src[range.start..range.end].find('\n') {
            range.end = range.start + ctx.src[range.start..range.start + nl].trim_end_matches('\r').len();
        }
        ctx.report(range, e.message.clone());
    }
}

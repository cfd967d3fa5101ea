use super::{Context, Family, FixAvailability, OptionKind, OptionSpec, RuleMeta, Status};
use crate::semantic::features;
use crate::diagnostic::{Edit, Fix, Severity};
use crate::syntax::directives::{detect_syntax, insert_offset, misplaced};
use crate::syntax::model::Dockerfile;

pub static META: RuleMeta = RuleMeta {
    name: "missing-syntax-directive",
    family: Family::Directives,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Always,
    status: Status::Stable,
    sources: &[],
    related: &[],
    summary: "BuildKit-only syntax without a `# syntax=` directive",
    options: &OPTIONS,
    fix_priority: 40,
    after_suppressions: false,
    doc: include_str!("../../../rules/missing-syntax-directive.md"),
};

const OPTIONS: [OptionSpec; 2] = [
    OptionSpec {
        name: "value",
        kind: OptionKind::String,
        default: "docker/dockerfile:1",
        doc: "the frontend the fix writes",
    },
    OptionSpec {
        name: "strict",
        kind: OptionKind::Bool,
        default: "false",
        doc: "report every file without a `syntax` directive",
    },
];

/// Any line of the file that reads as a `syntax` directive, effective or not.
fn has_any_syntax_line(src: &str, model: &Dockerfile) -> bool {
    model.directives.get("syntax").is_some()
        || detect_syntax(src).is_some()
        || misplaced(src, model)
            .iter()
            .any(|m| m.directive.key == "syntax")
}

pub fn check(ctx: &mut Context) {
    let (src, model) = (ctx.src, ctx.model);
    if model.instructions.is_empty() || has_any_syntax_line(src, model) {
        return;
    }
    let found = features::uses(model).into_iter().next().map(|f| (f.what, f.range));
    let (what, range) = match found {
        Some(f) => f,
        None if ctx.settings.options.bool(ctx.rule(), "strict") => {
            let first = &model.instructions[0];
            ("this file".to_string(), first.keyword_range)
        }
        None => return,
    };
    let value = ctx.settings.options.string(ctx.rule(), "value").to_string();
    let at = insert_offset(src, model);
    // a file without a final newline that has only a shebang line
    let lead = if at == src.len() && !src.is_empty() && !src.ends_with('\n') {
        model.line_ending.as_str()
    } else {
        ""
    };
    let line = format!("{lead}# syntax={value}{}", model.line_ending.as_str());
    let message = if what == "this file" {
        "The file does not declare its Dockerfile frontend with a `# syntax=` directive".to_string()
    } else {
        format!("{what} needs a recent Dockerfile frontend, but the file has no `# syntax=` directive")
    };
    let fix = Fix::safe(
        format!("Add `# syntax={value}` as the first line"),
        vec![Edit::insert(at, line)],
    );
    ctx.report_with_fix(range, message, Some(fix));
}

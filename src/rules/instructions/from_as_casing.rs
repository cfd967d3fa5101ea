use super::common::as_keyword;
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::syntax::model::Kind;

pub static META: RuleMeta = RuleMeta {
    name: "from-as-casing",
    family: Family::Instructions,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Always,
    status: Status::Stable,
    sources: &["FromAsCasing"],
    related: &[],
    summary: "the `AS` of a `FROM` cased differently from the `FROM` keyword",
    options: &[],
    fix_priority: 411,
    after_suppressions: false,
    doc: include_str!("../../../rules/from-as-casing.md"),
};

pub fn check(ctx: &mut Context) {
    for ins in &ctx.model.instructions {
        if ins.kind != Kind::From || ins.invalid {
            continue;
        }
        let Some(as_range) = as_keyword(ctx.src, ins) else { continue };
        let from = ins.keyword.as_str();
        let word = as_range.slice(ctx.src);
        let want = if from == from.to_ascii_lowercase() {
            word.to_ascii_lowercase()
        } else if from == from.to_ascii_uppercase() {
            word.to_ascii_uppercase()
        } else {
            // a mixed-case `From` is `inconsistent-instruction-casing`'s, as in BuildKit
            continue;
        };
        if want == word {
            continue;
        }
        let fix = Fix::safe(format!("Write `{want}`"), vec![Edit::replace(as_range, want.clone())]);
        ctx.report_with_fix(
            as_range,
            format!("`{word}` is not cased like `{from}`: write `{want}`"),
            Some(fix),
        );
    }
}

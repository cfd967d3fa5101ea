use super::common::as_keyword;
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::syntax::model::Kind;

pub static META: RuleMeta = RuleMeta {
    name: "inconsistent-instruction-casing",
    family: Family::Instructions,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Always,
    status: Status::Stable,
    sources: &["ConsistentInstructionCasing"],
    related: &[],
    summary: "an instruction keyword cased unlike the file's majority (or in mixed case)",
    options: &[],
    fix_priority: 412,
    after_suppressions: false,
    doc: include_str!("../../../rules/inconsistent-instruction-casing.md"),
};

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    // what BuildKit counts: the keywords of the instructions of the stages (not the ARGs before
    // the first FROM, not an ONBUILD's trigger), when all lowercase or all uppercase
    let counted = || {
        model
            .instructions
            .iter()
            .filter(|i| i.stage.is_some() && i.kind != Kind::Unknown)
    };
    let (mut lower, mut upper) = (0, 0);
    for ins in counted() {
        let k = ins.keyword.as_str();
        if k == k.to_ascii_lowercase() {
            lower += 1;
        } else if k == k.to_ascii_uppercase() {
            upper += 1;
        }
    }
    // a tie goes to uppercase, as in BuildKit
    let majority_lower = lower > upper;
    for ins in counted() {
        let k = ins.keyword.as_str();
        let want = if majority_lower {
            k.to_ascii_lowercase()
        } else {
            k.to_ascii_uppercase()
        };
        if want == k {
            continue;
        }
        let case = if majority_lower { "lowercase" } else { "uppercase" };
        let mut edits = vec![Edit::replace(ins.keyword_range, want.clone())];
        if let Some(r) = as_keyword(ctx.src, ins) {
            // keep `FROM … AS` cased alike (`from-as-casing`)
            let word = r.slice(ctx.src);
            let cased = if majority_lower {
                word.to_ascii_lowercase()
            } else {
                word.to_ascii_uppercase()
            };
            if cased != word {
                edits.push(Edit::replace(r, cased));
            }
        }
        let fix = Fix::safe(format!("Write `{want}`"), edits);
        ctx.report_with_fix(
            ins.keyword_range,
            format!("`{k}` is not {case} like most instructions of the file: write `{want}`"),
            Some(fix),
        );
    }
}

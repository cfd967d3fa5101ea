use super::labels::{Label, labels};
use super::{Context, Family, FixAvailability, OptionKind, OptionSpec, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::syntax::model::Dockerfile;
use crate::syntax::text::TextRange;

const ALLOWED: OptionSpec = OptionSpec {
    name: "allowed",
    kind: OptionKind::StringList,
    default: "[]",
    doc: "the only label keys the file may set; unset, the rule checks nothing (an empty list allows none)",
};

pub static META: RuleMeta = RuleMeta {
    name: "label-not-allowed",
    family: Family::Metadata,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::Always,
    status: Status::Stable,
    sources: &["DL3050"],
    related: &[],
    summary: "a label the configuration's list of allowed labels does not have",
    options: &[ALLOWED],
    fix_priority: 910,
    after_suppressions: false,
    doc: include_str!("../../../rules/label-not-allowed.md"),
};

pub fn check(ctx: &mut Context) {
    let Some(allowed) = ctx.settings.options.list(ctx.rule(), ALLOWED.name) else {
        return;
    };
    let allowed = allowed.to_vec();
    let all = labels(ctx.model, ctx.src);
    let is_allowed = |l: &Label| l.key.is_none_or(|k| allowed.iter().any(|a| a == k));
    for l in &all {
        let Some(key) = l.key else { continue };
        if is_allowed(l) {
            continue;
        }
        // the instruction goes when none of its labels may stay
        let siblings = all.iter().filter(|o| std::ptr::eq(o.label, l.label));
        let range = if siblings.clone().all(|o| !is_allowed(o)) {
            whole_lines(ctx.model, l.outer.start_line, l.outer.end_line)
        } else {
            pair_with_space(l)
        };
        let fix = Fix::unsafe_(format!("Remove the label `{key}`"), vec![Edit::delete(range)]);
        ctx.report_with_fix(
            l.pair().key_range,
            format!("label `{key}` is not one of the allowed labels"),
            Some(fix),
        );
    }
}

/// The pair and the space that separates it from its neighbour: the one after it for the
/// first pair, else the one before it.
fn pair_with_space(l: &Label) -> TextRange {
    let this = l.pairs[l.at].range;
    match l.at {
        0 => TextRange::new(this.start, l.pairs[1].range.start),
        n => TextRange::new(l.pairs[n - 1].range.end, this.end),
    }
}

/// Physical lines `first..=last` (1-based) with their line ending.
fn whole_lines(model: &Dockerfile, first: usize, last: usize) -> TextRange {
    TextRange::new(model.line_start(first - 1), model.line_start(last))
}

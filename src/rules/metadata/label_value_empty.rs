use super::labels::{LABELS, labels};
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "label-value-empty",
    family: Family::Metadata,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3051"],
    related: &[],
    summary: "a label the configuration lists whose value is empty",
    options: &[LABELS],
    fix_priority: 915,
    after_suppressions: false,
    doc: include_str!("../../../rules/label-value-empty.md"),
};

pub fn check(ctx: &mut Context) {
    let Some(keys) = ctx.settings.options.list(ctx.rule(), LABELS.name) else {
        return;
    };
    let keys = keys.to_vec();
    for l in labels(ctx.model, ctx.src) {
        let (Some(key), Some(value)) = (l.key, &l.value) else { continue };
        if value.is_empty() && keys.iter().any(|k| k == key) {
            ctx.report(l.pair().range, format!("label `{key}` is empty"));
        }
    }
}

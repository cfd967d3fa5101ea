use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::syntax::model::Kind;
use crate::syntax::text::TextRange;

pub static META: RuleMeta = RuleMeta {
    name: "copy-from-own-stage",
    family: Family::Image,
    severity: Severity::Error,
    breaks_build: true,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3023"],
    related: &[],
    summary: "`COPY --from` naming the stage it is in",
    options: &[],
    fix_priority: 550,
    after_suppressions: false,
    doc: include_str!("../../../rules/copy-from-own-stage.md"),
};

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    for ins in &model.instructions {
        if ins.kind != Kind::Copy || ins.invalid {
            continue;
        }
        let Some(s) = ins.stage else { continue };
        let Some(flag) = ins.flag("from") else { continue };
        let Some(value) = &flag.value else { continue };
        let own = match value.parse::<usize>() {
            Ok(n) => n == s,
            Err(_) => model.stages[s].name.as_deref() == Some(value.to_ascii_lowercase().as_str()),
        };
        if !own {
            continue;
        }
        let raw = &ctx.src[flag.range.start..flag.range.end];
        let range = raw
            .find('=')
            .map_or(flag.range, |eq| TextRange::new(flag.range.start + eq + 1, flag.range.end));
        let d = ctx.report(
            range,
            format!("`--from={value}` is the stage this `COPY` is in: a stage cannot copy from itself"),
        );
        d.no_fix_reason = Some("which stage to copy from is the author's choice".into());
    }
}

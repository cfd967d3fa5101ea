use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::semantic::from::MetaArgs;
use crate::syntax::image::is_valid_reference;
use crate::syntax::model::Body;

pub static META: RuleMeta = RuleMeta {
    name: "from-arg-default-invalid",
    family: Family::Image,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["InvalidDefaultArgInFrom"],
    related: &[],
    summary: "a `FROM` image that the ARG defaults leave empty or invalid",
    options: &[],
    fix_priority: 540,
    after_suppressions: false,
    doc: include_str!("../../../rules/from-arg-default-invalid.md"),
};

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    let meta = MetaArgs::of(model, ctx.src);
    for (s, stage) in model.stages.iter().enumerate() {
        let ins = &model.instructions[stage.from];
        let (Body::From(from), false) = (&ins.body, ins.invalid) else { continue };
        let Some(image) = &from.image else { continue };
        // a literal is what it is; this is about what the defaults make of variables
        if image.text.as_literal().is_some() {
            continue;
        }
        let Some(name) = meta.buildkit_defaults(&image.text) else { continue };
        let lower = name.to_ascii_lowercase();
        let stage_name = model.stages[..s].iter().any(|st| st.name.as_deref() == Some(lower.as_str()));
        if stage_name || is_valid_reference(&name) {
            continue;
        }
        let what = if name.is_empty() {
            "empty".to_string()
        } else {
            format!("`{name}`, not a valid image reference")
        };
        let d = ctx.report(
            image.range,
            format!("without `--build-arg`, the ARG defaults make this image {what}"),
        );
        d.no_fix_reason = Some("the default to give is the author's choice".into());
    }
}

use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::semantic::from::MetaArgs;
use crate::syntax::image::ImageRef;
use crate::syntax::model::Body;

pub static META: RuleMeta = RuleMeta {
    name: "image-without-tag",
    family: Family::Image,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3006"],
    related: &[],
    summary: "a `FROM` image without a tag or digest",
    options: &[],
    fix_priority: 500,
    after_suppressions: false,
    doc: include_str!("../../../rules/image-without-tag.md"),
};

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    let meta = MetaArgs::of(model, ctx.src);
    for (s, stage) in model.stages.iter().enumerate() {
        let ins = &model.instructions[stage.from];
        let (Body::From(from), false) = (&ins.body, ins.invalid) else { continue };
        let Some(image) = &from.image else { continue };
        if stage.parent.is_some() {
            continue;
        }
        // with a variable: only what the ARG defaults decide
        let Some(name) = meta.with_defaults(&image.text) else { continue };
        let lower = name.to_ascii_lowercase();
        if name.is_empty() || lower == "scratch" || name.contains('@') {
            continue;
        }
        // a stage's name, also a later one's or one `FROM` cannot reach: not an image to tag
        if model.stages[..s].iter().any(|st| st.name.as_deref() == Some(lower.as_str())) {
            continue;
        }
        if !ImageRef::parse(&name).tag.is_empty() {
            continue;
        }
        let message = if image.text.as_literal().is_some() {
            format!("`{name}` has no tag: the build uses whatever `{name}:latest` is when it pulls")
        } else {
            format!(
                "the ARG defaults make this `{name}`, which has no tag: the build uses whatever \
                 `{name}:latest` is when it pulls"
            )
        };
        let d = ctx.report(image.range, message);
        d.no_fix_reason = Some("the tag to pin is a choice a registry lookup informs".into());
    }
}

use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::semantic::from::MetaArgs;
use crate::syntax::model::Body;
use crate::syntax::text::TextRange;

pub static META: RuleMeta = RuleMeta {
    name: "image-latest-tag",
    family: Family::Image,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3007"],
    related: &[],
    summary: "a `FROM` image tagged `latest` without a digest",
    options: &[],
    fix_priority: 505,
    after_suppressions: false,
    doc: include_str!("../../../rules/image-latest-tag.md"),
};

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    let meta = MetaArgs::of(model, ctx.src);
    for stage in &model.stages {
        let ins = &model.instructions[stage.from];
        let (Body::From(from), false) = (&ins.body, ins.invalid) else { continue };
        let Some(image) = &from.image else { continue };
        let Some(name) = meta.with_defaults(&image.text) else { continue };
        // a digest pins the image whatever the tag says
        if name.contains('@') || tag(&name) != Some("latest") {
            continue;
        }
        let literal = image.text.as_literal().is_some();
        // the `latest` as written, when it is
        let raw = &ctx.src[image.range.start..image.range.end];
        let range = match raw.strip_suffix("latest") {
            Some(head) if literal && head.ends_with(':') => {
                TextRange::new(image.range.end - "latest".len(), image.range.end)
            }
            _ => image.range,
        };
        let message = if literal {
            "`latest` moves: each build may get a different image; pin a version tag".to_string()
        } else {
            format!("the ARG defaults make this `{name}`: `latest` moves, each build may get a different image; pin a version tag")
        };
        let d = ctx.report(range, message);
        d.no_fix_reason = Some("the version to pin is a choice a registry lookup informs".into());
    }
}

/// The tag as written (`latest`, `Latest`): after the last `:` that is not a registry's port.
fn tag(reference: &str) -> Option<&str> {
    let (_, tag) = reference.rsplit_once(':')?;
    (!tag.contains('/')).then_some(tag)
}

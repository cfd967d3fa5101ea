use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::semantic::from::{MetaArgs, PLATFORM_ARGS};
use crate::syntax::model::Kind;

pub static META: RuleMeta = RuleMeta {
    name: "from-arg-undefined",
    family: Family::Image,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &["UndefinedArgInFrom"],
    related: &[],
    summary: "a `FROM` that uses a variable no ARG before the first `FROM` declares",
    options: &[],
    fix_priority: 535,
    after_suppressions: false,
    doc: include_str!("../../../rules/from-arg-undefined.md"),
};

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    let meta = MetaArgs::of(model, ctx.src);
    let known: Vec<&str> = meta.names.iter().map(String::as_str).chain(PLATFORM_ARGS.iter().copied()).collect();
    for ins in &model.instructions {
        if ins.kind != Kind::From || ins.invalid {
            continue;
        }
        let mut seen: Vec<&str> = Vec::new();
        for v in &ins.vars {
            let name = v.name.as_str();
            if meta.declared(name) || PLATFORM_ARGS.contains(&name) || seen.contains(&name) {
                continue;
            }
            seen.push(name);
            let suggestion = known
                .iter()
                .copied()
                .find(|k| k.eq_ignore_ascii_case(name))
                .or_else(|| crate::suggest::nearest(name, known.iter().copied()));
            // `${B:-alpine}`, `${B-alpine}`: the default applies, the image is not empty
            let after = &ctx.src[v.range.end..];
            let effect = if after.starts_with(":-") || after.starts_with('-') {
                "so the default written after it applies"
            } else if after.starts_with(":+") || after.starts_with('+') {
                "so the alternative written after it never applies"
            } else {
                "so it is empty here"
            };
            let mut message = format!("`{name}` is not declared by an ARG before the first `FROM`, {effect}");
            if let Some(s) = suggestion {
                message.push_str(&format!("; did you mean `{s}`?"));
            }
            let in_platform = ins.flag("platform").is_some_and(|f| f.range.contains_range(v.range));
            // the suggestion keeps the image as undecided as it was: a platform ARG, or an ARG
            // without a default (empty, as the undeclared name is); not `$TARGETPLATFORM` as the
            // whole platform, which is the default
            let fixable = suggestion.filter(|s| {
                (PLATFORM_ARGS.contains(s) || !meta.has_default(s))
                    && !(in_platform && *s == "TARGETPLATFORM")
            });
            let d = ctx.report(v.range, message);
            match fixable {
                Some(s) => d.fix = Some(Fix::unsafe_(format!("Use `{s}`"), vec![Edit::replace(v.range, s)])),
                None if suggestion.is_some() => {
                    d.no_fix_reason = Some("the suggested ARG has a default, which would change the image".into())
                }
                None => d.no_fix_reason = Some("declaring the ARG, and its default, is the author's choice".into()),
            }
        }
    }
}

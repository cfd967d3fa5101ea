use super::{Context, Family, FixAvailability, OptionKind, OptionSpec, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::semantic::from::MetaArgs;
use crate::settings::OptionValue;
use crate::syntax::model::{Body, Kind};
use crate::syntax::text::TextRange;

pub static META: RuleMeta = RuleMeta {
    name: "untrusted-registry",
    family: Family::Image,
    severity: Severity::Error,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3026"],
    related: &[],
    summary: "an image from a registry not in the configured `registries`",
    options: &[OptionSpec {
        name: "registries",
        kind: OptionKind::StringList,
        default: "[]",
        doc: "The registries images may come from (`docker.io`, `*.gcr.io`, `registry.corp:5000`); empty: the rule is silent",
    }],
    fix_priority: 560,
    after_suppressions: false,
    doc: include_str!("../../../rules/untrusted-registry.md"),
};

pub fn check(ctx: &mut Context) {
    let trusted: &[String] = match ctx.settings.options.get(META.name, "registries") {
        Some(OptionValue::List(l)) => l,
        _ => &[],
    };
    if trusted.is_empty() {
        return;
    }
    let model = ctx.model;
    let meta = MetaArgs::of(model, ctx.src);
    let list = trusted.join(", ");
    let is_stage = |name: &str, before: usize| {
        let lower = name.to_ascii_lowercase();
        model.stages[..before].iter().any(|st| st.name.as_deref() == Some(lower.as_str()))
    };
    let mut found: Vec<(TextRange, String)> = Vec::new();
    for ins in model.instructions.iter().filter(|i| !i.invalid) {
        let stage = ins.stage.unwrap_or(0);
        match &ins.body {
            Body::From(from) => {
                let Some(image) = &from.image else { continue };
                let Some(name) = meta.with_defaults(&image.text) else { continue };
                if name.is_empty() || is_stage(&name, stage) || name.eq_ignore_ascii_case("scratch") {
                    continue;
                }
                let literal = image.text.as_literal().is_some();
                if let Some(reg) = untrusted(&name, trusted) {
                    // the registry as written, when it is
                    let range = match explicit_registry(&name) {
                        Some(r) if literal => TextRange::new(image.range.start, image.range.start + r.len()),
                        _ => image.range,
                    };
                    found.push((range, reg));
                }
            }
            Body::Run(run) => {
                for m in &run.mounts {
                    let Some(field) = m.fields.iter().rev().find(|f| f.key == "from") else { continue };
                    let (Some(value), Some(range)) = (&field.value, field.value_range) else { continue };
                    if is_stage(value, stage + 1) || value.parse::<usize>().is_ok() || value.contains('$') {
                        continue;
                    }
                    if let Some(reg) = untrusted(value, trusted) {
                        found.push((range, reg));
                    }
                }
            }
            _ if ins.kind == Kind::Copy => {
                let Some(flag) = ins.flag("from") else { continue };
                let Some(value) = flag.value.as_deref() else { continue };
                // a stage (of the whole file: BuildKit finds later ones too) or an index
                let lower = value.to_ascii_lowercase();
                if model.stages.iter().any(|st| st.name.as_deref() == Some(lower.as_str()))
                    || value.parse::<usize>().is_ok()
                    || value.contains('$')
                    || value.is_empty()
                {
                    continue;
                }
                if let Some(reg) = untrusted(value, trusted) {
                    let raw = &ctx.src[flag.range.start..flag.range.end];
                    let range = raw
                        .find('=')
                        .map_or(flag.range, |eq| TextRange::new(flag.range.start + eq + 1, flag.range.end));
                    found.push((range, reg));
                }
            }
            _ => {}
        }
    }
    for (range, reg) in found {
        let d = ctx.report(
            range,
            format!("`{reg}` is not a trusted registry (`registries`: {list})"),
        );
        d.no_fix_reason = Some("which trusted image replaces it is the author's choice".into());
    }
}

/// The registry written at the start of a reference (`ghcr.io`, `localhost:5000`), as Docker
/// tells it from a Docker Hub namespace: it has a `.` or a `:`, or is `localhost`.
fn explicit_registry(reference: &str) -> Option<&str> {
    let (first, _) = reference.split_once('/')?;
    (first.contains(['.', ':']) || first == "localhost" || first.chars().any(|c| c.is_ascii_uppercase())).then_some(first)
}

/// The image's registry when no pattern of `trusted` allows it. An image without a registry
/// comes from Docker Hub: `docker.io` (or `hub.docker.com`) allows it.
fn untrusted(reference: &str, trusted: &[String]) -> Option<String> {
    let allowed = |reg: &str| trusted.iter().any(|p| matches(&p.to_ascii_lowercase(), reg));
    match explicit_registry(reference) {
        Some(reg) => {
            let reg = reg.to_ascii_lowercase();
            (!allowed(&reg)).then_some(reg)
        }
        None => (!allowed("docker.io") && !allowed("hub.docker.com")).then(|| "docker.io".to_string()),
    }
}

/// hadolint's patterns: `*` any registry, `*.gcr.io` a suffix, `registry.corp*` a prefix, else
/// the name itself.
fn matches(pattern: &str, registry: &str) -> bool {
    if pattern == "*" {
        true
    } else if let Some(suffix) = pattern.strip_prefix('*') {
        registry.ends_with(suffix)
    } else if let Some(prefix) = pattern.strip_suffix('*') {
        registry.starts_with(prefix)
    } else {
        registry == pattern
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registries() {
        let t = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(untrusted("ubuntu:18.04", &t(&["docker.io"])), None);
        assert_eq!(untrusted("zemanlx/ubuntu", &t(&["docker.io"])), None);
        assert_eq!(untrusted("docker.io/zemanlx/ubuntu", &t(&["docker.io"])), None);
        assert_eq!(untrusted("ubuntu", &t(&["hub.docker.com"])), None);
        assert_eq!(untrusted("random.com/debian", &t(&["docker.io"])), Some("random.com".into()));
        assert_eq!(untrusted("foo.random.com/debian", &t(&["x.com", "*.random.com"])), None);
        assert_eq!(untrusted("x.com/debian", &t(&["*.random.com"])), Some("x.com".into()));
        assert_eq!(untrusted("localhost:5000/a", &t(&["localhost*"])), None);
        assert_eq!(untrusted("debian", &t(&["gcr.io"])), Some("docker.io".into()));
        assert_eq!(untrusted("any.io/x", &t(&["*"])), None);
    }
}

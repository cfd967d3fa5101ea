use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::semantic::features;
use crate::diagnostic::{Edit, Fix, Severity};
use crate::syntax::directives::detect_syntax;
use crate::syntax::text::TextRange;

pub static META: RuleMeta = RuleMeta {
    name: "syntax-too-old-for-feature",
    family: Family::Directives,
    severity: Severity::Error,
    breaks_build: true,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &[],
    related: &[],
    summary: "the pinned Dockerfile frontend predates a feature the file uses",
    options: &[],
    fix_priority: 50,
    after_suppressions: false,
    doc: include_str!("../../../rules/syntax-too-old-for-feature.md"),
};

/// A `docker/dockerfile` reference pinned to a `1.x` version.
#[derive(Debug, PartialEq, Eq)]
struct Pin {
    minor: u32,
    /// Written as `1.x.y`.
    patch: bool,
    labs: bool,
    /// Followed by `@sha256:…`.
    digest: bool,
    /// Where the tag stands in the reference (the digest excluded).
    tag: (usize, usize),
}

/// `[<registry>/]docker/dockerfile[-upstream]:1.x[.y][-labs][-rcN][@digest]` (a registry
/// prefix covers Docker Hub and the mirrors air-gapped builders use); `None` for anything else
/// (`1`, `1-labs`, `latest`, `master`, other images, the `experimental` tags that
/// `syntax-directive-experimental` owns).
fn parse_pin(reference: &str) -> Option<Pin> {
    let (named, digest) = match reference.split_once('@') {
        Some((n, _)) => (n, true),
        None => (reference, false),
    };
    let last = named.rfind('/').map_or(0, |i| i + 1);
    let (image, tag) = named[last..].split_once(':')?;
    let repo = &named[..last + image.len()];
    let known = ["docker/dockerfile", "docker/dockerfile-upstream"];
    if !known
        .iter()
        .any(|k| repo == *k || repo.strip_suffix(k).is_some_and(|host| host.ends_with('/')))
    {
        return None;
    }
    let mut parts = tag.split('-');
    let version = parts.next()?;
    let mut labs = false;
    for p in parts {
        match p {
            "labs" => labs = true,
            _ if p
                .strip_prefix("rc")
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) => {}
            _ => return None,
        }
    }
    let numbers: Vec<&str> = version.split('.').collect();
    if numbers.len() < 2
        || numbers.len() > 3
        || numbers[0] != "1"
        || numbers
            .iter()
            .any(|n| n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let start = last + image.len() + 1;
    Some(Pin {
        minor: numbers[1].parse().ok()?,
        patch: numbers.len() == 3,
        labs,
        digest,
        tag: (start, start + tag.len()),
    })
}

impl Pin {
    /// The same kind of tag (precision and channel kept, a release candidate dropped) for 1.`minor`.
    fn raised(&self, minor: u32) -> String {
        let patch = if self.patch { ".0" } else { "" };
        let labs = if self.labs { "-labs" } else { "" };
        format!("1.{minor}{patch}{labs}")
    }
}

pub fn check(ctx: &mut Context) {
    let (src, model) = (ctx.src, ctx.model);
    let Some(d) = detect_syntax(src) else { return };
    // the frontend image is the value up to the first space
    let reference = d.value.split(' ').next().unwrap_or_default();
    let Some(pin) = parse_pin(reference) else { return };
    let uses: Vec<_> = features::uses(model)
        .into_iter()
        .filter(|u| !u.onbuild && u.needs(pin.labs).is_some_and(|v| v > pin.minor))
        .collect();
    // the use that needs the newest frontend, the first such one
    let Some(top) = uses.iter().rev().max_by_key(|u| u.needs(pin.labs)) else {
        return;
    };
    let target = top.needs(pin.labs).unwrap_or_default();
    let line = src[..top.range.start].matches('\n').count() + 1;
    let channel = if pin.labs { "-labs" } else { "" };
    let shown = reference.split('@').next().unwrap_or(reference);
    let mut message = format!(
        "`{shown}` predates {} (line {line}), which needs Dockerfile 1.{target}{channel} or later",
        top.what
    );
    if uses.len() > 1 {
        let others = uses.len() - 1;
        let s = if others == 1 { "" } else { "s" };
        message.push_str(&format!("; {others} more use{s} of newer syntax"));
    }
    let at = d.value_range.start;
    let range = TextRange::new(at, at + reference.len());
    let fix = if pin.digest {
        message.push_str(" (pinned by digest: choose the new tag and digest by hand)");
        None
    } else {
        let new = pin.raised(target);
        Some(Fix::safe(
            format!("Pin `{new}`"),
            vec![Edit::replace(TextRange::new(at + pin.tag.0, at + pin.tag.1), new)],
        ))
    };
    ctx.report_with_fix(range, message, fix);
}

#[cfg(test)]
mod tests {
    use super::parse_pin;

    #[test]
    fn pins() {
        let p = parse_pin("docker/dockerfile:1.2").unwrap();
        assert_eq!((p.minor, p.patch, p.labs, p.digest), (2, false, false, false));
        assert_eq!(p.raised(4), "1.4");
        let r = "docker.io/docker/dockerfile-upstream:1.3.1-labs@sha256:00";
        let p = parse_pin(r).unwrap();
        assert_eq!((p.minor, p.patch, p.labs, p.digest), (3, true, true, true));
        assert_eq!(&r[p.tag.0..p.tag.1], "1.3.1-labs");
        assert_eq!(p.raised(4), "1.4.0-labs");
        assert_eq!(parse_pin("docker/dockerfile:1.4.0-rc1").unwrap().raised(5), "1.5.0");
        let r = "registry.example.com:5000/docker/dockerfile:1.9-labs";
        let p = parse_pin(r).unwrap();
        assert_eq!(&r[p.tag.0..p.tag.1], "1.9-labs");
        for r in [
            "docker/dockerfile:1",
            "docker/dockerfile:1-labs",
            "docker/dockerfile:latest",
            "docker/dockerfile:labs",
            "docker/dockerfile:master-labs",
            "docker/dockerfile:1.1.7-experimental",
            "docker/dockerfile:1.0-experimental",
            "docker/dockerfile@sha256:00",
            "example.com/mydocker/dockerfile:1.2",
            "docker/dockerfile-labs:1.2",
            "docker/dockerfile:2.0",
            "docker/dockerfile:1.",
        ] {
            assert!(parse_pin(r).is_none(), "{r}");
        }
    }
}

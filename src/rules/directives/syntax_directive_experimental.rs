use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::syntax::directives::detect_syntax;
use crate::syntax::text::TextRange;

pub static META: RuleMeta = RuleMeta {
    name: "syntax-directive-experimental",
    family: Family::Directives,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Always,
    status: Status::Stable,
    sources: &[],
    related: &[],
    summary: "`# syntax=docker/dockerfile:experimental` pins a frozen 2020 frontend",
    options: &[],
    fix_priority: 30,
    after_suppressions: false,
    doc: include_str!("../../../rules/syntax-directive-experimental.md"),
};

/// `[docker.io/]docker/dockerfile[-upstream]:<tag with "experimental">`.
fn is_experimental(reference: &str) -> bool {
    let r = reference.strip_prefix("docker.io/").unwrap_or(reference);
    let Some((repo, tag)) = r.split_once(':') else {
        return false;
    };
    matches!(repo, "docker/dockerfile" | "docker/dockerfile-upstream")
        && tag.split('@').next().unwrap_or(tag).contains("experimental")
}

pub fn check(ctx: &mut Context) {
    // the directive that selects the frontend (after a shebang too; not an indented one)
    let Some(d) = detect_syntax(ctx.src) else {
        return;
    };
    // the frontend image is the value up to the first space
    let reference = d.value.split(' ').next().unwrap_or_default();
    if !is_experimental(reference) {
        return;
    }
    let range = TextRange::new(d.value_range.start, d.value_range.start + reference.len());
    let fix = Fix::safe(
        "Use `docker/dockerfile:1`",
        vec![Edit::replace(range, "docker/dockerfile:1")],
    );
    ctx.report_with_fix(
        range,
        format!("`{reference}` is a frozen 2020 frontend; `RUN --mount` is stable since `docker/dockerfile:1.2`"),
        Some(fix),
    );
}

#[cfg(test)]
mod tests {
    use super::is_experimental;

    #[test]
    fn references() {
        for r in [
            "docker/dockerfile:experimental",
            "docker/dockerfile:1.0-experimental",
            "docker.io/docker/dockerfile:1.1.7-experimental",
            "docker/dockerfile-upstream:experimental",
        ] {
            assert!(is_experimental(r), "{r}");
        }
        for r in [
            "docker/dockerfile:1",
            "docker/dockerfile:1-labs",
            "example.com/docker/dockerfile:experimental",
            "docker/dockerfile",
        ] {
            assert!(!is_experimental(r), "{r}");
        }
    }
}

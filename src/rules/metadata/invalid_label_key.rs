use super::labels::labels;
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "invalid-label-key",
    family: Family::Metadata,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3048"],
    related: &[],
    summary: "a label key outside Docker's key format, or in a namespace Docker reserves",
    options: &[],
    fix_priority: 900,
    after_suppressions: false,
    doc: include_str!("../../../rules/invalid-label-key.md"),
};

pub fn check(ctx: &mut Context) {
    for l in labels(ctx.model, ctx.src) {
        let Some(key) = l.key else { continue };
        if let Some(why) = problem(key) {
            ctx.report(l.pair().key_range, format!("label key `{key}` {why}"));
        }
    }
}

/// The namespaces Docker keeps for its own labels.
const RESERVED: [&str; 3] = ["com.docker.", "io.docker.", "org.dockerproject."];

/// What is wrong with a key, following Docker's guidelines for label keys as hadolint checks
/// them: lowercase letters, digits, `.`, `-`, `_` and `/`; a lowercase letter first, a
/// lowercase letter or digit last; no `..` or `--`; no reserved namespace.
fn problem(key: &str) -> Option<String> {
    if let Some(ns) = RESERVED.iter().find(|ns| key.starts_with(*ns)) {
        return Some(format!("is in the `{}` namespace, which Docker reserves", &ns[..ns.len() - 1]));
    }
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_' | '/');
    if let Some(c) = key.chars().find(|&c| !allowed(c)) {
        let what = if c.is_ascii_uppercase() {
            "an uppercase letter".to_string()
        } else {
            format!("`{}`", c.escape_debug())
        };
        return Some(format!(
            "contains {what}; keys are lowercase letters, digits, `.`, `-`, `_` and `/`"
        ));
    }
    if !key.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Some("does not start with a lowercase letter".into());
    }
    if !key.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit()) {
        return Some("does not end with a lowercase letter or a digit".into());
    }
    if let Some(sep) = ["..", "--"].iter().find(|s| key.contains(*s)) {
        return Some(format!("contains `{sep}`"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn keys() {
        for ok in ["org.opencontainers.image.source", "a", "vendor/x_y-2", "version1"] {
            assert_eq!(problem(ok), None, "{ok}");
        }
        for bad in [
            "com.docker.x",
            "io.docker.x",
            "org.dockerproject.x",
            "Maintainer",
            "a$b",
            "a b",
            ".a",
            "-a",
            "1a",
            "a.",
            "a_",
            "a..b",
            "a--b",
            "",
        ] {
            assert!(problem(bad).is_some(), "{bad}");
        }
    }
}

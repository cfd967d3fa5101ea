use super::labels::{LABELS, check_values};
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "label-value-not-semver",
    family: Family::Metadata,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3056"],
    related: &[],
    summary: "a label the configuration lists as a version whose value is not a semantic version",
    options: &[LABELS],
    fix_priority: 940,
    after_suppressions: false,
    doc: include_str!("../../../rules/label-value-not-semver.md"),
};

pub fn check(ctx: &mut Context) {
    check_values(ctx, valid, "a semantic version (SemVer 2.0.0)");
}

/// Semantic Versioning 2.0.0: `MAJOR.MINOR.PATCH`, numbers without leading zeros, then an
/// optional `-` pre-release and `+` build metadata of dot-separated identifiers of
/// `[0-9A-Za-z-]` (a numeric pre-release identifier without leading zeros).
fn valid(v: &str) -> bool {
    let (rest, build) = match v.split_once('+') {
        Some((r, b)) => (r, Some(b)),
        None => (v, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    let ident = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let number = |s: &str| numeric(s) && (s == "0" || !s.starts_with('0'));
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| number(p))
        && pre.is_none_or(|p| p.split('.').all(|i| ident(i) && (!numeric(i) || number(i))))
        && build.is_none_or(|b| b.split('.').all(ident))
}

#[cfg(test)]
mod tests {
    use super::valid;

    #[test]
    fn versions() {
        for ok in [
            "1.0.0",
            "0.0.0",
            "2.0.1-rc1",
            "1.0.0-alpha.1",
            "1.0.0-x-y.0",
            "1.0.0+20130313144700",
            "1.0.0-beta+exp.sha.5114f85",
            "1.0.0+build.01",
            "10.20.30",
        ] {
            assert!(valid(ok), "{ok}");
        }
        for bad in [
            "", "1", "1.0", "v1.0.0", "01.0.0", "1.00.0", "1.0.0-", "1.0.0-rc.01", "1.0.0+", "1.0.0-a..b",
            "1.0.0.0", "1.0.0 ", "1.0.0-é", "not-sem-ver", "1.0.x",
        ] {
            assert!(!valid(bad), "{bad}");
        }
    }
}

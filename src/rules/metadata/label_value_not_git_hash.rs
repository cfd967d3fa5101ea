use super::labels::{LABELS, check_values};
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "label-value-not-git-hash",
    family: Family::Metadata,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3055"],
    related: &[],
    summary: "a label the configuration lists as a git commit whose value is not a commit hash",
    options: &[LABELS],
    fix_priority: 935,
    after_suppressions: false,
    doc: include_str!("../../../rules/label-value-not-git-hash.md"),
};

pub fn check(ctx: &mut Context) {
    check_values(ctx, valid, "a git commit hash");
}

/// A commit's object name as git prints it: lowercase hexadecimal, abbreviated to 7 or more
/// digits, 40 for SHA-1, 64 for SHA-256 repositories.
fn valid(v: &str) -> bool {
    ((7..=40).contains(&v.len()) || v.len() == 64) && v.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::valid;

    #[test]
    fn hashes() {
        for ok in ["2dbfae9", "2dbfae91c", "43c572f1272b6b3171dd1db9e41b7027128ce080", &"a".repeat(64)] {
            assert!(valid(ok), "{ok}");
        }
        for bad in ["", "2dbfae", "2DBFAE9", "not-git-hash", "g123456", &"a".repeat(41), " 2dbfae9"] {
            assert!(!valid(bad), "{bad}");
        }
    }
}

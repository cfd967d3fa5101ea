use super::labels::{LABELS, check_values};
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "label-value-not-spdx",
    family: Family::Metadata,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3054"],
    related: &[],
    summary: "a label the configuration lists as a license whose value is not an SPDX license expression",
    options: &[LABELS],
    fix_priority: 930,
    after_suppressions: false,
    doc: include_str!("../../../rules/label-value-not-spdx.md"),
};

pub fn check(ctx: &mut Context) {
    check_values(ctx, valid, "an SPDX license expression");
}

/// An SPDX license expression (`MIT`, `Apache-2.0 OR MIT`, `GPL-2.0-only WITH
/// Classpath-exception-2.0`, `LicenseRef-x`), with identifiers from the SPDX license list as
/// spelled there; deprecated identifiers (`GPL-2.0`) are still identifiers.
fn valid(v: &str) -> bool {
    let mode = spdx::ParseMode {
        allow_deprecated: true,
        ..spdx::ParseMode::STRICT
    };
    spdx::Expression::parse_mode(v, mode).is_ok()
}

#[cfg(test)]
mod tests {
    use super::valid;

    #[test]
    fn expressions() {
        for ok in [
            "MIT",
            "BSD-3-Clause",
            "Apache-2.0 OR MIT",
            "(MIT OR Apache-2.0) AND BSD-2-Clause",
            "GPL-2.0-only WITH Classpath-exception-2.0",
            "GPL-2.0-or-later",
            "GPL-2.0",
            "LicenseRef-proprietary",
        ] {
            assert!(valid(ok), "{ok}");
        }
        for bad in ["", "not-spdx", "MIT/Apache-2.0", "Apache 2.0", "MIT OR", "GPLv2"] {
            assert!(!valid(bad), "{bad}");
        }
    }
}

//! The rules of the tools dfix replaces: hadolint's `DL` rules (2.15.1) and BuildKit's build
//! checks (Dockerfile frontend 1.26.0). Each one is answered by a dfix rule that lists it in
//! `sources`, or is [`NOT_APPLICABLE`] with the reason; a test keeps it that way.

/// hadolint 2.15.1's `DL` rules (`src/Hadolint/Rule/`), with hadolint's default severity
/// (`E`, `W`, `I`, `S`tyle, or `off`).
pub const HADOLINT: &[(&str, &str)] = &[
    ("DL1001", "off"),
    ("DL3000", "E"),
    ("DL3001", "I"),
    ("DL3002", "W"),
    ("DL3003", "W"),
    ("DL3004", "E"),
    ("DL3006", "W"),
    ("DL3007", "W"),
    ("DL3008", "W"),
    ("DL3009", "I"),
    ("DL3010", "I"),
    ("DL3011", "E"),
    ("DL3012", "E"),
    ("DL3013", "W"),
    ("DL3014", "W"),
    ("DL3015", "I"),
    ("DL3016", "W"),
    ("DL3018", "W"),
    ("DL3019", "I"),
    ("DL3020", "E"),
    ("DL3021", "E"),
    ("DL3022", "W"),
    ("DL3023", "E"),
    ("DL3024", "E"),
    ("DL3025", "W"),
    ("DL3026", "E"),
    ("DL3027", "W"),
    ("DL3028", "W"),
    ("DL3029", "W"),
    ("DL3030", "W"),
    ("DL3032", "W"),
    ("DL3033", "W"),
    ("DL3034", "W"),
    ("DL3035", "W"),
    ("DL3036", "W"),
    ("DL3037", "W"),
    ("DL3038", "W"),
    ("DL3040", "W"),
    ("DL3041", "W"),
    ("DL3042", "W"),
    ("DL3043", "E"),
    ("DL3044", "E"),
    ("DL3045", "W"),
    ("DL3046", "W"),
    ("DL3047", "I"),
    ("DL3048", "S"),
    ("DL3049", "I"),
    ("DL3050", "I"),
    ("DL3051", "W"),
    ("DL3052", "W"),
    ("DL3053", "W"),
    ("DL3054", "W"),
    ("DL3055", "W"),
    ("DL3056", "W"),
    ("DL3057", "off"),
    ("DL3058", "W"),
    ("DL3059", "I"),
    ("DL3060", "I"),
    ("DL3061", "E"),
    ("DL3062", "W"),
    ("DL3063", "W"),
    ("DL3064", "W"),
    ("DL3065", "W"),
    ("DL3066", "I"),
    ("DL3067", "W"),
    ("DL4000", "E"),
    ("DL4001", "W"),
    ("DL4003", "W"),
    ("DL4004", "E"),
    ("DL4005", "W"),
    ("DL4006", "W"),
];

/// BuildKit's build checks (`frontend/dockerfile/linter/ruleset.go`, frontend 1.26.0).
pub const BUILDKIT: &[&str] = &[
    "StageNameCasing",
    "FromAsCasing",
    "NoEmptyContinuation",
    "ConsistentInstructionCasing",
    "DuplicateStageName",
    "ReservedStageName",
    "JSONArgsRecommended",
    "MaintainerDeprecated",
    "UndefinedArgInFrom",
    "WorkdirRelativePath",
    "UndefinedVar",
    "MultipleInstructionsDisallowed",
    "LegacyKeyValueFormat",
    "InvalidBaseImagePlatform",
    "RedundantTargetPlatform",
    "SecretsUsedInArgOrEnv",
    "InvalidDefaultArgInFrom",
    "FromPlatformFlagConstDisallowed",
    "CopyIgnoredFile",
    "InvalidDefinitionDescription",
    "ExposeProtoCasing",
    "ExposeInvalidFormat",
];

/// Upstream checks no rule can answer from the files dfix reads, with the reason.
pub const NOT_APPLICABLE: &[(&str, &str)] = &[(
    "InvalidBaseImagePlatform",
    "BuildKit reports it after pulling the base image, when the platform of the image it got \
     differs from the platform it builds for; a Dockerfile does not say which platforms an \
     image was published for, so only a build can tell",
)];

/// The reason an upstream check is not applicable, if it is one of [`NOT_APPLICABLE`].
pub fn not_applicable(name: &str) -> Option<&'static str> {
    NOT_APPLICABLE
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|&(_, why)| why)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RULES;

    /// Upstream rules with no dfix rule yet. Only ever shrinks: the test fails when one of these
    /// gains a rule, so that it is taken off the list.
    const NOT_YET: &[&str] = &[];

    fn answered(name: &str) -> bool {
        RULES.iter().any(|r| r.meta.sources.contains(&name)) || not_applicable(name).is_some()
    }

    #[test]
    fn every_upstream_rule_has_a_dfix_rule_or_a_reason() {
        assert_eq!(HADOLINT.len(), 71);
        assert_eq!(BUILDKIT.len(), 22);
        let upstream = HADOLINT.iter().map(|&(id, _)| id).chain(BUILDKIT.iter().copied());
        let missing: Vec<&str> = upstream.filter(|n| !answered(n) && !NOT_YET.contains(n)).collect();
        assert!(missing.is_empty(), "no dfix rule answers for {missing:?}");
        let done: Vec<&&str> = NOT_YET.iter().filter(|n| answered(n)).collect();
        assert!(
            done.is_empty(),
            "take {done:?} off NOT_YET: a rule answers for them now"
        );
    }

    #[test]
    fn sources_name_real_upstream_rules() {
        for r in RULES.iter() {
            for s in r.meta.sources {
                let upstream = HADOLINT.iter().any(|&(id, _)| id == *s) || BUILDKIT.contains(s);
                let own = s.starts_with(char::is_lowercase) || *s == "DL1000";
                assert!(upstream || own, "{}: unknown source {s}", r.meta.name);
                assert!(
                    not_applicable(s).is_none(),
                    "{}: {s} is marked not applicable",
                    r.meta.name
                );
            }
        }
    }
}

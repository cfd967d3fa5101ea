use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::semantic::from::MetaArgs;
use crate::syntax::model::Kind;
use crate::syntax::text::TextRange;

pub static META: RuleMeta = RuleMeta {
    name: "from-platform-redundant",
    family: Family::Image,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Always,
    status: Status::Stable,
    sources: &["DL3065", "RedundantTargetPlatform"],
    related: &[],
    summary: "`FROM --platform=$TARGETPLATFORM`, the platform `FROM` uses anyway",
    options: &[],
    fix_priority: 525,
    after_suppressions: false,
    doc: include_str!("../../../rules/from-platform-redundant.md"),
};

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    // an ARG before the first FROM that gives TARGETPLATFORM a default changes what it holds
    let meta = MetaArgs::of(model, ctx.src);
    if meta.has_default("TARGETPLATFORM") {
        return;
    }
    for ins in &model.instructions {
        if ins.kind != Kind::From || ins.invalid {
            continue;
        }
        let Some(flag) = ins.flag("platform") else { continue };
        let Some(value) = &flag.value else { continue };
        if !is_target_platform(value) {
            continue;
        }
        // the flag and the blanks after it
        let rest = &ctx.src[flag.range.end..];
        let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        let fix = Fix::safe(
            "Remove `--platform`",
            vec![Edit::delete(TextRange::new(flag.range.start, flag.range.end + blanks))],
        );
        ctx.report_with_fix(
            flag.range,
            format!("`--platform={value}` is redundant: `FROM` uses the target platform by default"),
            Some(fix),
        );
    }
}

/// `$TARGETPLATFORM`, `${TARGETPLATFORM}`, or `${TARGETPLATFORM:-…}` / `${TARGETPLATFORM-…}`
/// (BuildKit always sets it, so the default never applies).
fn is_target_platform(value: &str) -> bool {
    if value == "$TARGETPLATFORM" {
        return true;
    }
    let Some(inner) = value.strip_prefix("${").and_then(|v| v.strip_suffix('}')) else {
        return false;
    };
    match inner.strip_prefix("TARGETPLATFORM") {
        Some("") => true,
        Some(op) => (op.starts_with(":-") || op.starts_with('-')) && !op[1..].contains(['{', '}']),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_target_platform;

    #[test]
    fn target_platform_forms() {
        for v in ["$TARGETPLATFORM", "${TARGETPLATFORM}", "${TARGETPLATFORM:-linux/amd64}", "${TARGETPLATFORM-x}"] {
            assert!(is_target_platform(v), "{v}");
        }
        for v in ["$TARGETPLATFORMX", "${TARGETPLATFORM:+x}", "$BUILDPLATFORM", "linux/amd64", "${TARGETPLATFORM}x"] {
            assert!(!is_target_platform(v), "{v}");
        }
    }
}

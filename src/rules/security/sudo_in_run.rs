use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::semantic::scope::UserInfo;
use crate::syntax::text::TextRange;

pub static META: RuleMeta = RuleMeta {
    name: "sudo-in-run",
    family: Family::Security,
    severity: Severity::Error,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &["DL3004"],
    related: &[],
    summary: "`sudo` in a RUN",
    options: &[],
    fix_priority: 800,
    after_suppressions: false,
    doc: include_str!("../../../rules/sudo-in-run.md"),
};

pub fn check(ctx: &mut Context) {
    let src = ctx.src;
    for (r, _) in ctx.runs() {
        for c in r.commands.iter() {
            let Some(first) = c.words.first() else { continue };
            if c.name() != Some("sudo") {
                continue;
            }
            // `sudo cmd …` with no option, as root: the command runs as root without it too
            let plain = c.words.get(1).filter(|w| w.value.as_deref().is_some_and(|v| !v.starts_with('-') && !v.contains('=')));
            let (fix, reason) = if r.is_onbuild() {
                (None, Some(super::common::ONBUILD_NO_FIX.to_string()))
            } else if plain.is_none() {
                (None, Some("`sudo` has options or no plain command after it: what it runs, as whom, is not only the command".to_string()))
            } else if r.scope.user_assumed {
                (None, Some("the user the RUN starts as is not known (the base image is not known): without `sudo` the command may not run as root".to_string()))
            } else if r.scope.user != UserInfo::Root {
                (None, Some("the RUN does not run as root: without `sudo` the command would run as the stage's user".to_string()))
            } else {
                let next = plain.expect("checked").range.start;
                let gap = &src[first.range.end..next];
                // only blanks between the words (no line continuation to keep)
                let fix = gap
                    .bytes()
                    .all(|b| b == b' ' || b == b'\t')
                    .then(|| Fix::unsafe_("Remove `sudo`", vec![Edit::delete(TextRange::new(first.range.start, next))]));
                let reason = fix.is_none().then(|| "a line break follows `sudo`".to_string());
                (fix, reason)
            };
            let d = ctx.report(
                first.range,
                "`sudo` in a RUN: RUN already runs as the stage's `USER`; switch with `USER` (or `gosu` in an entrypoint), not `sudo`",
            );
            d.fix = fix;
            d.no_fix_reason = reason;
        }
    }
}

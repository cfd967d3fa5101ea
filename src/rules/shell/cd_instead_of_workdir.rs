use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "cd-instead-of-workdir",
    family: Family::Shell,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3003"],
    related: &[],
    summary: "`cd` in a RUN where `WORKDIR` would say where the following instructions run",
    options: &[],
    fix_priority: 710,
    after_suppressions: false,
    doc: include_str!("../../../rules/cd-instead-of-workdir.md"),
};

pub fn check(ctx: &mut Context) {
    for (r, _) in ctx.runs() {
        if r.is_onbuild() {
            continue;
        }
        // one finding per RUN, on its first `cd`
        let Some(cd) = r.commands.iter().find(|c| c.effective().name() == Some("cd")) else {
            continue;
        };
        let word = cd.effective().words[0].range;
        ctx.report(
            word,
            "`cd` changes the directory within this RUN only; use `WORKDIR` to set where the stage's commands run",
        );
    }
}

use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "invalid-mount",
    family: Family::Core,
    severity: Severity::Error,
    breaks_build: true,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &[],
    related: &[],
    summary: "a `--mount` that BuildKit rejects when it builds the stage",
    options: &[],
    fix_priority: 20,
    after_suppressions: false,
    doc: include_str!("../../../rules/invalid-mount.md"),
};

pub fn check(ctx: &mut Context) {
    for ins in &ctx.model.instructions {
        if ins.invalid {
            continue;
        }
        let Some(run) = ins.run() else { continue };
        for p in &run.mount_problems {
            ctx.report(p.range, p.message.clone());
        }
    }
}

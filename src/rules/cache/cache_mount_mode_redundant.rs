use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::syntax::model::Kind;
use crate::syntax::mounts::MountType;

pub static META: RuleMeta = RuleMeta {
    name: "cache-mount-mode-redundant",
    family: Family::Cache,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Preview,
    sources: &[],
    related: &[],
    summary: "`mode=0755` on a cache mount: the default, which only gives the cache another identity",
    options: &[],
    fix_priority: 130,
    after_suppressions: false,
    doc: include_str!("../../../rules/cache-mount-mode-redundant.md"),
};

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    for ins in &model.instructions {
        let eff = ins.effective();
        if ins.invalid || eff.invalid || eff.kind != Kind::Run {
            continue;
        }
        let Some(run) = eff.run() else { continue };
        for m in run.mounts.iter().filter(|m| m.kind == MountType::Cache) {
            if m.uid.is_some() || m.gid.is_some() || m.mode_bits() != Some(0o755) {
                continue;
            }
            let Some(field) = m.field("mode") else { continue };
            ctx.report(
                field.range,
                format!(
                    "`{}` is the default mode of a new cache directory: setting it only gives the cache a second identity, separate from the same mount without it",
                    field.range.slice(ctx.src)
                ),
            );
        }
    }
}

use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::semantic::expose::port_specs;

pub static META: RuleMeta = RuleMeta {
    name: "expose-proto-casing",
    family: Family::Instructions,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Always,
    status: Status::Stable,
    sources: &["ExposeProtoCasing"],
    related: &[],
    summary: "an `EXPOSE` protocol not in lowercase (`80/TCP`)",
    options: &[],
    fix_priority: 422,
    after_suppressions: false,
    doc: include_str!("../../../rules/expose-proto-casing.md"),
};

pub fn check(ctx: &mut Context) {
    let (src, escape) = (ctx.src, ctx.model.escape);
    for ins in &ctx.model.instructions {
        for spec in port_specs(src, ins, escape) {
            let Some(proto) = spec.proto else { continue };
            let text = proto.slice(src);
            let lower = text.to_ascii_lowercase();
            // another protocol is an error BuildKit stops at before this check
            if lower == text || !matches!(lower.as_str(), "tcp" | "udp" | "sctp") {
                continue;
            }
            let fix = Fix::safe(format!("Write `{lower}`"), vec![Edit::replace(proto, lower.clone())]);
            ctx.report_with_fix(
                proto,
                format!("protocol `{text}` should be lowercase: `{lower}`"),
                Some(fix),
            );
        }
    }
}

use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::semantic::expose::port_specs;
use crate::syntax::text::TextRange;

pub static META: RuleMeta = RuleMeta {
    name: "expose-invalid-format",
    family: Family::Instructions,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &["ExposeInvalidFormat"],
    related: &[],
    summary: "an `EXPOSE` with an IP address or a `host:container` port mapping",
    options: &[],
    fix_priority: 423,
    after_suppressions: false,
    doc: include_str!("../../../rules/expose-invalid-format.md"),
};

pub fn check(ctx: &mut Context) {
    let (src, escape) = (ctx.src, ctx.model.escape);
    for ins in &ctx.model.instructions {
        for spec in port_specs(src, ins, escape) {
            let Some(host) = spec.host else { continue };
            let mapping = TextRange::new(spec.word.start, spec.port.start);
            let what = if spec.ip.is_some() { "an IP address and a host port, which are" } else { "a host port, which is" };
            let plain = |r: TextRange| {
                let t = r.slice(src);
                !t.is_empty() && t.split('-').all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            };
            let fix = (plain(host) && plain(spec.port)).then(|| {
                Fix::unsafe_("Keep only the container port", vec![Edit::delete(mapping)])
            });
            let d = ctx.report(
                mapping,
                format!(
                    "`EXPOSE` takes container ports only: this is {what} ignored (publish ports \
                     with `docker run -p`)"
                ),
            );
            d.fix = fix;
            if d.fix.is_none() {
                d.no_fix_reason = Some("the host part is not a plain port number or range".into());
            }
        }
    }
}

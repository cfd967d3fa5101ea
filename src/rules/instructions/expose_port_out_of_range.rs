use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::semantic::expose::port_specs;
use crate::syntax::text::TextRange;

pub static META: RuleMeta = RuleMeta {
    name: "expose-port-out-of-range",
    family: Family::Instructions,
    severity: Severity::Error,
    breaks_build: true,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3011"],
    related: &[],
    summary: "an `EXPOSE` port above 65535, or a range that ends below its start, which BuildKit refuses",
    options: &[],
    fix_priority: 421,
    after_suppressions: false,
    doc: include_str!("../../../rules/expose-port-out-of-range.md"),
};

pub fn check(ctx: &mut Context) {
    let (src, escape) = (ctx.src, ctx.model.escape);
    for ins in &ctx.model.instructions {
        for spec in port_specs(src, ins, escape) {
            for part in [spec.host, Some(spec.port)].into_iter().flatten() {
                if let Some((a, b)) = part.slice(src).split_once('-')
                    && let (Ok(start), Ok(end)) = (a.parse::<u32>(), b.parse::<u32>())
                    && end < start
                    && end <= 65535
                    && start <= 65535
                {
                    ctx.report(
                        part,
                        format!(
                            "the port range {} ends below its start: BuildKit refuses the `EXPOSE` (\"Invalid containerPort\")",
                            part.slice(src)
                        ),
                    );
                }
                for number in numbers(src, part) {
                    ctx.report(
                        number,
                        format!(
                            "port {} is out of range (0–65535): BuildKit refuses the `EXPOSE`",
                            number.slice(src)
                        ),
                    );
                }
            }
        }
    }
}

/// The numbers of a port or `start-end` range that are all digits and above 65535.
fn numbers(src: &str, part: TextRange) -> Vec<TextRange> {
    let text = part.slice(src);
    let mut out = Vec::new();
    let mut at = part.start;
    for n in text.splitn(2, '-') {
        let range = TextRange::new(at, at + n.len());
        at += n.len() + 1;
        let digits = n.trim_start_matches('0');
        if !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_digit())
            && (digits.len() > 5 || digits.parse::<u32>().is_ok_and(|v| v > 65535))
        {
            out.push(range);
        }
    }
    out
}

use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::syntax::model::{Body, Kind};
use crate::syntax::text::TextRange;

pub static META: RuleMeta = RuleMeta {
    name: "env-self-reference",
    family: Family::Instructions,
    severity: Severity::Error,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &["DL3044"],
    related: &[],
    summary: "an `ENV` value that uses a variable an earlier pair of the same `ENV` sets",
    options: &[],
    fix_priority: 433,
    after_suppressions: false,
    doc: include_str!("../../../rules/env-self-reference.md"),
};

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    let eol = model.line_ending.as_str();
    for ins in &model.instructions {
        let (Kind::Env, false, Body::Env(pairs)) = (ins.kind, ins.invalid, &ins.body) else {
            continue;
        };
        let mut split_done = false;
        for (j, pair) in pairs.iter().enumerate().skip(1) {
            let Some(value) = &pair.value else { continue };
            let earlier = &pairs[..j];
            for var in ins.vars.iter().filter(|v| value.range.contains_range(v.range)) {
                // `K=$K` (an ARG passed on) sets what `$K` already was: no surprise
                let changes = |p: &&crate::syntax::model::Pair| {
                    let written = p.value.as_ref().map_or("", |v| v.range.slice(ctx.src));
                    let written = written.trim_matches(['"', '\'']);
                    written != format!("${}", p.key) && written != format!("${{{}}}", p.key)
                };
                if !earlier.iter().filter(changes).any(|p| p.key == var.name) {
                    continue;
                }
                // one fix per instruction: split before the first pair that needs it
                let fix = (!split_done && ins.start_line == ins.end_line).then(|| {
                    let gap = TextRange::new(pairs[j - 1].range.end, pair.range.start);
                    let keyword = if ins.keyword.chars().all(|c| c.is_ascii_lowercase()) {
                        "env"
                    } else {
                        "ENV"
                    };
                    Fix::unsafe_(
                        format!("Set `{}` in an `ENV` of its own", pair.key),
                        vec![Edit::replace(gap, format!("{eol}{keyword} "))],
                    )
                });
                split_done = true;
                let d = ctx.report(
                    var.range,
                    format!(
                        "`${}` is expanded before this `ENV` sets `{}`: it reads the value from \
                         before the instruction, not the one set here",
                        var.name, var.name
                    ),
                );
                d.fix = fix;
                if d.fix.is_none() {
                    d.no_fix_reason = Some(if ins.start_line != ins.end_line {
                        "the instruction spans several lines".into()
                    } else {
                        "the instruction is split at the first such pair".into()
                    });
                }
            }
        }
    }
}

use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::syntax::model::{Body, Dockerfile, Kind};
use crate::syntax::text::TextRange;

pub static META: RuleMeta = RuleMeta {
    name: "stage-name-casing",
    family: Family::Image,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Always,
    status: Status::Stable,
    sources: &["StageNameCasing"],
    related: &[],
    summary: "a stage name with uppercase letters",
    options: &[],
    fix_priority: 520,
    after_suppressions: false,
    doc: include_str!("../../../rules/stage-name-casing.md"),
};

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    for ins in &model.instructions {
        let (Body::From(from), false) = (&ins.body, ins.invalid) else { continue };
        let (Some(name), Some(range)) = (&from.name, from.name_range) else { continue };
        let written = &ctx.src[range.start..range.end];
        if written == name.as_str() {
            continue;
        }
        let mut edits = vec![Edit::replace(range, name.clone())];
        edits.extend(references(ctx.src, model, name).into_iter().map(|r| Edit::replace(r, name.clone())));
        let fix = Fix::safe(format!("Rename the stage `{name}`, with its references"), edits);
        ctx.report_with_fix(
            range,
            format!("stage name `{written}` is not lowercase: BuildKit knows the stage as `{name}`"),
            Some(fix),
        );
    }
}

/// Where the file writes `name` (lowercase) with another casing as a stage reference: a
/// `FROM`'s image, `COPY --from=` and a mount's `from=` (not in ONBUILD triggers, which name
/// the stages of another build).
fn references(src: &str, model: &Dockerfile, name: &str) -> Vec<TextRange> {
    let differs = |r: TextRange| {
        let t = &src[r.start..r.end];
        t != name && t.eq_ignore_ascii_case(name)
    };
    let mut out = Vec::new();
    for ins in model.instructions.iter().filter(|i| !i.invalid) {
        match &ins.body {
            Body::From(f) => {
                if let Some(i) = &f.image
                    && i.text.as_literal().is_some()
                    && differs(i.range)
                {
                    out.push(i.range);
                }
            }
            Body::Run(run) => {
                for m in &run.mounts {
                    let from = m.fields.iter().rev().find(|f| f.key == "from");
                    if let Some(r) = from.and_then(|f| f.value_range)
                        && differs(r)
                    {
                        out.push(r);
                    }
                }
            }
            _ if ins.kind == Kind::Copy => {
                for f in ins.flags.iter().filter(|f| f.name == "from") {
                    let raw = &src[f.range.start..f.range.end];
                    if let Some(eq) = raw.find('=') {
                        let r = TextRange::new(f.range.start + eq + 1, f.range.end);
                        if differs(r) {
                            out.push(r);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

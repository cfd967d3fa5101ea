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
            // its name is lowercase; a `FROM` that writes it otherwise does not find it
            for r in from_references(ctx.src, model, name) {
                let as_written = r.slice(ctx.src).to_string();
                let fix = Fix::safe(format!("Write `{name}`"), vec![Edit::replace(r, name.clone())]);
                ctx.report_with_fix(r, not_found(&as_written, name), Some(fix));
            }
            continue;
        }
        let refs = references(ctx.src, model, name);
        let mut message = format!("stage name `{written}` is not lowercase: BuildKit knows the stage as `{name}`");
        if let Some(r) = from_references(ctx.src, model, name).first() {
            message.push_str(&format!("; {}", not_found(r.slice(ctx.src), name)));
        }
        let mut edits = vec![Edit::replace(range, name.clone())];
        edits.extend(refs.into_iter().map(|r| Edit::replace(r, name.clone())));
        let fix = Fix::safe(format!("Rename the stage `{name}`, with its references"), edits);
        ctx.report_with_fix(range, message, Some(fix));
    }
}

/// BuildKit looks up the stage of `FROM <name>` by the name as written (`addState`), among
/// lowercase names: any other casing is taken for an image, and an image name with capitals is
/// not a valid reference.
fn not_found(written: &str, name: &str) -> String {
    format!(
        "`FROM {written}` does not find the stage `{name}` (BuildKit looks it up as written, and \
         stage names are lowercase): it is read as the image `{written}`, and the build fails"
    )
}

/// The `FROM` images among [`references`].
fn from_references(src: &str, model: &Dockerfile, name: &str) -> Vec<TextRange> {
    let froms: Vec<TextRange> = model
        .instructions
        .iter()
        .filter_map(|i| match &i.body {
            Body::From(f) => f.image.as_ref().map(|i| i.range),
            _ => None,
        })
        .collect();
    references(src, model, name).into_iter().filter(|r| froms.contains(r)).collect()
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

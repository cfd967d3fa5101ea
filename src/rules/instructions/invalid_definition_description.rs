use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::syntax::model::{Body, Kind};

pub static META: RuleMeta = RuleMeta {
    name: "invalid-definition-description",
    family: Family::Instructions,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Preview,
    sources: &["InvalidDefinitionDescription"],
    related: &[],
    summary: "a comment right above a named `FROM` or an `ARG` that does not start with its name",
    options: &[],
    fix_priority: 436,
    after_suppressions: false,
    doc: include_str!("../../../rules/invalid-definition-description.md"),
};

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    for ins in &model.instructions {
        if ins.invalid || ins.start_line < 2 {
            continue;
        }
        let keys: Vec<&str> = match (&ins.kind, &ins.body) {
            (Kind::From, Body::From(f)) => f.name.iter().map(String::as_str).collect(),
            (Kind::Arg, Body::Arg(pairs)) => pairs.iter().map(|p| p.key.as_str()).collect(),
            _ => continue,
        };
        if keys.is_empty() {
            continue;
        }
        // the comment line just above (directives are not comments here)
        let above = model.line_start(ins.start_line - 2)..model.line_start(ins.start_line - 1);
        let Some(comment) = model.comments.iter().find(|c| above.contains(&c.start)) else {
            continue;
        };
        // a suppression above a stage or ARG describes nothing
        if crate::suppress::is_suppression(ctx.src, *comment) {
            continue;
        }
        let text = comment.slice(ctx.src).trim_start();
        let text = text.strip_prefix('#').unwrap_or(text).trim();
        if text.is_empty() {
            continue;
        }
        let first = text.split(' ').next().unwrap_or_default();
        if keys.contains(&first) {
            continue;
        }
        let (what, example) = match ins.kind {
            Kind::From => ("a stage", keys[0]),
            _ if keys.len() == 1 => ("an argument", keys[0]),
            _ => ("an argument", "<arg_key>"),
        };
        ctx.report(
            *comment,
            format!(
                "a comment right above {what} is read as its description by `docker build \
                 --call=outline`, and should start with the name: `# {example} <description>`"
            ),
        );
    }
}

use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::semantic::scope;
use crate::syntax::model::{Body, Dockerfile, Kind};

pub static META: RuleMeta = RuleMeta {
    name: "relative-workdir",
    family: Family::Instructions,
    severity: Severity::Error,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3000", "WorkdirRelativePath"],
    related: &[],
    summary: "a relative `WORKDIR` before any absolute one in the stage: relative to the base image's",
    options: &[],
    fix_priority: 415,
    after_suppressions: false,
    doc: include_str!("../../../rules/relative-workdir.md"),
};

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    for (s, stage) in model.stages.iter().enumerate() {
        // as BuildKit's `workdirSet`: a stage built on another inherits whether one was set
        let mut set = model.stage_chain(s)[1..]
            .iter()
            .any(|&p| has_workdir(model, model.stages[p].from, model.stages[p].last + 1));
        for i in stage.from..=stage.last {
            let ins = &model.instructions[i];
            let (Kind::Workdir, false, Body::Workdir(value)) = (ins.kind, ins.invalid, &ins.body) else {
                continue;
            };
            if set {
                continue;
            }
            set = true;
            let scope = scope::scope_at(model, i);
            // a variable the file does not define (the base image's `$HOME`) is not judged
            let Some(path) = scope.resolve(value) else { continue };
            if path.is_empty() || scope.is_absolute(&path, model.escape) {
                continue;
            }
            ctx.report(
                value.range,
                format!(
                    "relative `WORKDIR {path}` before any absolute one in the stage: it is \
                     relative to the base image's working directory; start it with `/`"
                ),
            );
        }
    }
}

fn has_workdir(model: &Dockerfile, from: usize, to: usize) -> bool {
    model.instructions[from..to]
        .iter()
        .any(|i| i.kind == Kind::Workdir && !i.invalid)
}

use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::syntax::model::{Body, Kind};

pub static META: RuleMeta = RuleMeta {
    name: "last-user-root",
    family: Family::Security,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3002"],
    related: &[],
    summary: "the final stage's last `USER` is root, so the container runs as root",
    options: &[],
    fix_priority: 810,
    after_suppressions: false,
    doc: include_str!("../../../rules/last-user-root.md"),
};

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    // per stage: the last `USER` in effect at its end (inherited through `FROM <stage>`), with
    // whether it names root; `None` inside when it cannot be read
    let mut last: Vec<Option<(usize, Option<bool>)>> = Vec::with_capacity(model.stages.len());
    for (index, ins) in model.instructions.iter().enumerate() {
        if ins.invalid {
            continue;
        }
        match (&ins.kind, &ins.body) {
            (Kind::From, _) => {
                if let Some(s) = ins.stage {
                    let inherited = model.stages[s].parent.and_then(|p| last.get(p).copied().flatten());
                    last.push(inherited);
                }
            }
            (Kind::User, body) => {
                if let Some(slot) = ins.stage.and_then(|s| last.get_mut(s)) {
                    // a user the model could not read (`USER "${X}"`) is not known to be root
                    let root = match body {
                        Body::User(u) => u.user.as_literal().map(|n| n == "root" || n == "0"),
                        _ => None,
                    };
                    *slot = Some((index, root));
                }
            }
            _ => {}
        }
    }
    let Some(Some((index, Some(true)))) = last.last().copied() else {
        return;
    };
    let Body::User(u) = &model.instructions[index].body else { return };
    ctx.report(
        u.user.range,
        "the final stage's last `USER` is root: the container runs as root; switch to an unprivileged user at the end",
    );
}

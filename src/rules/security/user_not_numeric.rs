use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::semantic::scope;
use crate::syntax::model::{Body, Kind};

pub static META: RuleMeta = RuleMeta {
    name: "user-not-numeric",
    family: Family::Security,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3066"],
    related: &[],
    summary: "`USER` names the user instead of giving its numeric id",
    options: &[],
    fix_priority: 840,
    after_suppressions: false,
    doc: include_str!("../../../rules/user-not-numeric.md"),
};

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    // only the user the image runs as matters: the last `USER` of the final stage, or of the
    // stages it is built on
    let Some(last) = model.stages.len().checked_sub(1) else { return };
    let chain = model.stage_chain(last);
    let user = chain.iter().find_map(|&s| {
        let stage = &model.stages[s];
        (stage.from..=stage.last)
            .rev()
            .find(|&i| model.instructions[i].kind == Kind::User && !model.instructions[i].invalid)
    });
    let Some(i) = user else { return };
    let Body::User(user) = &model.instructions[i].body else { return };
    // a name given with a variable is not judged (`USER ${UID}` may well be numeric)
    let Some(name) = user.user.as_literal() else { return };
    if name.is_empty() || name.bytes().all(|b| b.is_ascii_digit()) {
        return;
    }
    // Windows users have names, not numeric ids
    if scope::scope_at(model, i).windows(model.escape) {
        return;
    }
    let numeric = if name == "root" { "`USER 0`" } else { "its numeric id (`USER 10001`, `USER 10001:10001`)" };
    ctx.report(
        user.user.range,
        format!(
            "`USER {name}` names the user the image runs as: a runtime that must check the \
             container does not run as root (Kubernetes' `runAsNonRoot`) cannot tell from a \
             name; give {numeric}"
        ),
    );
}

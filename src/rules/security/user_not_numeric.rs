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
    status: Status::Preview,
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
    for (i, ins) in model.instructions.iter().enumerate() {
        let (Kind::User, false, Some(_), Body::User(user)) = (ins.kind, ins.invalid, ins.stage, &ins.body) else {
            continue;
        };
        // a name given with a variable is not judged (`USER ${UID}` may well be numeric)
        let Some(name) = user.user.as_literal() else { continue };
        if name.is_empty() || name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        // Windows users have names, not numeric ids
        if scope::scope_at(model, i).windows(model.escape) {
            continue;
        }
        ctx.report(
            user.user.range,
            format!(
                "`USER {name}` names the user: a runtime that must check the container does not \
                 run as root (Kubernetes' `runAsNonRoot`) cannot tell from a name; give the \
                 numeric id (`USER 1000` or `USER 1000:1000`)"
            ),
        );
    }
}

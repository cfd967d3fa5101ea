use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::syntax::model::{Body, Kind};

pub static META: RuleMeta = RuleMeta {
    name: "pip-no-cache-dir-env-falsy",
    family: Family::Cache,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &[],
    related: &["DL3042"],
    summary: "`ENV PIP_NO_CACHE_DIR=0|false|no|off` disables pip's cache, not enables it",
    options: &[],
    fix_priority: 350,
    after_suppressions: false,
    doc: include_str!("../../../rules/pip-no-cache-dir-env-falsy.md"),
};

/// The values pip's `strtobool` reads as false.
const FALSY: &[&str] = &["0", "f", "false", "n", "no", "off"];

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    for ins in &model.instructions {
        let eff = ins.effective();
        if ins.invalid || eff.invalid || eff.kind != Kind::Env {
            continue;
        }
        let Body::Env(pairs) = &eff.body else { continue };
        for pair in pairs.iter().filter(|p| p.key == "PIP_NO_CACHE_DIR") {
            let Some(value) = pair.value.as_ref().and_then(|v| v.as_literal()) else {
                continue;
            };
            let v = value.trim().to_ascii_lowercase();
            if FALSY.contains(&v.as_str()) {
                ctx.report(
                    pair.range,
                    format!(
                        "`PIP_NO_CACHE_DIR={value}` turns pip's cache off: pip reads any value of this variable as \"disable\", `{value}` included"
                    ),
                );
            }
        }
    }
}

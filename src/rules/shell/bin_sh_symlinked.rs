use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "bin-sh-symlinked",
    family: Family::Shell,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL4005"],
    related: &[],
    summary: "`ln … /bin/sh` to change the shell RUN uses, instead of `SHELL`",
    options: &[],
    fix_priority: 760,
    after_suppressions: false,
    doc: include_str!("../../../rules/bin-sh-symlinked.md"),
};

pub fn check(ctx: &mut Context) {
    for (r, _) in ctx.runs() {
        for c in r.commands.iter() {
            let eff = c.effective();
            if eff.name() != Some("ln") {
                continue;
            }
            // the link made is the last operand (`ln -sf /bin/bash /bin/sh`); `/bin/sh` as the
            // target (`ln -s /bin/sh /bin/x`) leaves it as it was
            let operands: Vec<_> = eff.words[1..]
                .iter()
                .filter(|w| !w.value.as_deref().is_some_and(|v| v.starts_with('-')))
                .collect();
            if operands.len() >= 2
                && let Some(w) = operands.last().filter(|w| w.value.as_deref() == Some("/bin/sh"))
            {
                ctx.report(
                    w.range,
                    "a link at `/bin/sh` chooses the shell of every later RUN without saying so; use `SHELL` to choose the shell",
                );
            }
        }
    }
}

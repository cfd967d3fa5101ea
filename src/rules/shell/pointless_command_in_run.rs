use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "pointless-command-in-run",
    family: Family::Shell,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3001"],
    related: &[],
    summary: "a command that makes no sense in a build step (`ssh`, `vim`, `service`, `ps`, `top`, `kill` …)",
    options: &[],
    fix_priority: 750,
    after_suppressions: false,
    doc: include_str!("../../../rules/pointless-command-in-run.md"),
};

/// hadolint's list, with why each makes no sense in a RUN.
const POINTLESS: &[(&str, &str)] = &[
    ("free", "shows the memory of the build container, which the image does not keep"),
    ("kill", "signals a process of the build step; nothing outlives the RUN anyway"),
    ("mount", "mounts last only until the end of the RUN (and need privileges a build does not have); use `RUN --mount`"),
    ("ps", "lists the processes of the build step, which the image does not keep"),
    ("service", "starts or stops a service only until the end of the RUN: the image keeps no running process"),
    ("shutdown", "cannot shut down a build container"),
    ("ssh", "needs credentials in the build; use `RUN --mount=type=ssh` for a remote command or clone"),
    ("top", "is interactive and never ends in a build"),
    ("vim", "is an interactive editor: a build has no terminal to edit in"),
];

pub fn check(ctx: &mut Context) {
    for (r, _) in ctx.runs() {
        let ssh_mount = r.run.mounts.iter().any(|m| m.kind == crate::syntax::mounts::MountType::Ssh);
        for c in r.commands.iter() {
            let eff = c.effective();
            let Some(name) = eff.name() else { continue };
            let Some((_, why)) = POINTLESS.iter().find(|(n, _)| *n == name) else {
                continue;
            };
            // `ssh` with an SSH agent mount is how a build reaches a private host
            if name == "ssh" && ssh_mount {
                continue;
            }
            // `kill $pid`, `kill %1`: a process this RUN started, stopped on purpose before the
            // layer is saved (so that it exits cleanly)
            if name == "kill"
                && eff.words[1..]
                    .iter()
                    .any(|w| w.value.as_deref().is_none_or(|v| v.starts_with('%')))
            {
                continue;
            }
            ctx.report(eff.words[0].range, format!("`{name}` {why}"));
        }
    }
}

use super::edits::insert_line_above_comments;
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Fix, Severity};
use crate::semantic::commands;
use crate::semantic::image::Distro;
use crate::syntax::model::{Body, Kind, RunForm};
use crate::syntax::shell::Command;

pub static META: RuleMeta = RuleMeta {
    name: "pipe-without-pipefail",
    family: Family::Shell,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &["DL4006"],
    related: &[],
    summary: "a RUN with a pipe whose shell does not set `-o pipefail`",
    options: &[],
    fix_priority: 700,
    after_suppressions: false,
    doc: include_str!("../../../rules/pipe-without-pipefail.md"),
};

/// The `SHELL` line the fix inserts.
const SHELL: &str = r#"SHELL ["/bin/bash", "-o", "pipefail", "-c"]"#;

/// What the shell in effect does with a pipe's failure.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// The default shell, or a `SHELL` without `-o pipefail`; the index of that `SHELL` if any.
    NoPipefail(Option<usize>),
    /// A `SHELL` of bash, zsh or ash with `-o pipefail`.
    Pipefail,
}

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    let src = ctx.src;
    let eol = model.line_ending.as_str();
    // the shell at the end of each stage, and in the current one
    let mut at_end: Vec<State> = Vec::with_capacity(model.stages.len());
    let mut state = State::NoPipefail(None);
    // the region (stage and SHELL in effect) whose first finding has the fix already
    let mut fixed_region: Option<(usize, State)> = None;
    for (index, ins) in model.instructions.iter().enumerate() {
        if ins.invalid {
            continue;
        }
        match ins.kind {
            Kind::From => {
                if let Some(s) = ins.stage {
                    // `FROM <stage>` inherits that stage's SHELL; an image's starts as declared
                    state = match model.stages[s].parent.and_then(|p| at_end.get(p)) {
                        Some(&st) => st,
                        None => State::NoPipefail(None),
                    };
                    at_end.push(state);
                }
                continue;
            }
            Kind::Shell => {
                if let Body::Shell(argv) = &ins.body {
                    state = if sets_pipefail(argv) {
                        State::Pipefail
                    } else {
                        State::NoPipefail(Some(index))
                    };
                }
            }
            _ => {}
        }
        if let Some(s) = ins.stage
            && let Some(e) = at_end.get_mut(s)
        {
            *e = state;
        }
        if ins.kind != Kind::Run || state == State::Pipefail {
            continue;
        }
        let Some((r, _)) = ctx.run_at(index) else { continue };
        if r.is_onbuild() || matches!(r.run.form, RunForm::Exec(_)) {
            continue;
        }
        // a Windows stage's RUNs go to `cmd` or PowerShell
        if r.scope.windows(model.escape) {
            continue;
        }
        // a pipe inside `sh -c '…'` runs in a shell of its own, which no `SHELL` reaches
        let Some(&pipe) = r
            .run
            .script
            .as_ref()
            .and_then(|s| s.pipes.iter().find(|p| !commands::in_shell_c(&r.commands, **p)))
        else {
            continue;
        };
        // `set -o pipefail` (or `set -euo pipefail`) earlier in the RUN protects what follows
        if r
            .commands
            .iter()
            .any(|c| c.range.start < pipe.start && !c.nested && set_pipefail(c))
        {
            continue;
        }
        // the image's own SHELL (declared in the configuration) decides where no SHELL of the
        // file does
        let facts = r.scope.facts.as_deref();
        if state == State::NoPipefail(None)
            && let Some(sh) = facts.and_then(|f| f.shell.as_ref())
            && sets_pipefail(sh)
        {
            continue;
        }
        let region = (ins.stage.unwrap_or(0), state);
        let has_bash = facts.is_some_and(|f| {
            !f.windows
                && matches!(
                    f.distro,
                    Distro::Debian | Distro::Ubuntu | Distro::Rhel | Distro::Fedora | Distro::AmazonLinux | Distro::Suse
                )
        });
        let (fix, reason) = if fixed_region == Some(region) {
            (None, Some("the `SHELL` the first finding of this stage inserts covers this RUN too".to_string()))
        } else if !has_bash {
            let why = match &r.scope.base {
                Some(base) if facts.is_some() => format!("the base image `{base}` is not known to have bash"),
                Some(base) => format!("dfix does not know whether the base image `{base}` has bash"),
                None => "the base image is not known, so neither is whether it has bash".to_string(),
            };
            (None, Some(why))
        } else {
            fixed_region = Some(region);
            let edit = insert_line_above_comments(src, model, ins, SHELL, eol);
            (
                Some(Fix::unsafe_("Insert `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before the RUN", vec![edit])),
                None,
            )
        };
        let d = ctx.report(
            pipe,
            "the RUN's shell does not set `-o pipefail`: a failure before this pipe is hidden when the last command succeeds",
        );
        d.fix = fix;
        d.no_fix_reason = reason;
    }
}

/// A `SHELL` argv that runs bash, zsh or ash (the shells hadolint knows take `-o pipefail`)
/// with `-o pipefail` among its options (`-o pipefail`, `-eo pipefail`, `-o errexit -o pipefail`).
fn sets_pipefail(argv: &[String]) -> bool {
    let Some(program) = argv.first() else { return false };
    let name = program.rsplit(['/', '\\']).next().unwrap_or(program);
    if !matches!(name, "bash" | "zsh" | "ash") {
        return false;
    }
    options_set_pipefail(argv[1..].iter().map(String::as_str))
}

/// `set` with `-o pipefail` among its options.
fn set_pipefail(c: &Command) -> bool {
    let words = c.effective().words;
    if words.first().and_then(|w| w.value.as_deref()) != Some("set") {
        return false;
    }
    let values: Option<Vec<&str>> = words[1..].iter().map(|w| w.value.as_deref()).collect();
    values.is_some_and(|v| options_set_pipefail(v.into_iter()))
}

/// Options of a POSIX shell or of `set`: an `-o` (alone or last in a cluster: `-eo`) whose
/// value is `pipefail`, before the first operand (`-c`'s script ends them too).
fn options_set_pipefail<'a>(mut args: impl Iterator<Item = &'a str>) -> bool {
    let mut found = false;
    while let Some(a) = args.next() {
        let Some(cluster) = a.strip_prefix('-') else { break };
        if cluster.is_empty() || cluster == "-" {
            break;
        }
        if cluster.ends_with('o') && cluster.chars().all(|c| c.is_ascii_alphabetic()) {
            match args.next() {
                Some("pipefail") => found = true,
                Some(_) => {}
                None => break,
            }
        } else if cluster.ends_with('c') {
            break;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::sets_pipefail;

    fn argv(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn reads_shell_options() {
        assert!(sets_pipefail(&argv(&["/bin/bash", "-o", "pipefail", "-c"])));
        assert!(sets_pipefail(&argv(&["/bin/bash", "-eo", "pipefail", "-c"])));
        assert!(sets_pipefail(&argv(&["bash", "-euxo", "pipefail", "-c"])));
        assert!(sets_pipefail(&argv(&["/bin/bash", "-e", "-o", "pipefail", "-c"])));
        assert!(sets_pipefail(&argv(&["/bin/bash", "-o", "errexit", "-o", "pipefail", "-c"])));
        assert!(sets_pipefail(&argv(&["/usr/local/bin/zsh", "-o", "pipefail", "-c"])));
        assert!(sets_pipefail(&argv(&["/bin/ash", "-o", "pipefail", "-c"])));
        assert!(!sets_pipefail(&argv(&["/bin/sh", "-o", "pipefail", "-c"])));
        assert!(!sets_pipefail(&argv(&["/bin/bash", "-c"])));
        assert!(!sets_pipefail(&argv(&["/bin/bash", "-c", "-o", "pipefail"])));
        assert!(!sets_pipefail(&argv(&["/bin/bash", "-o", "errexit", "-c"])));
    }
}

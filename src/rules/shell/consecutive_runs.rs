use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::semantic::commands;
use crate::syntax::model::{Instruction, Kind};
use crate::syntax::mounts::MountType;

pub static META: RuleMeta = RuleMeta {
    name: "consecutive-runs",
    family: Family::Shell,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3059"],
    related: &[],
    summary: "consecutive single-command RUNs with the same flags, which could be one RUN",
    options: &[],
    fix_priority: 720,
    after_suppressions: false,
    doc: include_str!("../../../rules/consecutive-runs.md"),
};

/// The RUN before: its flags, and how many commands it runs (`None`: not known).
struct Prev {
    flags: Vec<String>,
    commands: Option<usize>,
}

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    let src = ctx.src;
    let mut prev: Option<Prev> = None;
    for (index, ins) in model.instructions.iter().enumerate() {
        // a RUN with a cache mount is left out: the cache rules add such mounts one tool at a
        // time, and a RUN with a cache is usually kept apart so that its cache serves one step
        let cached = ins.run().is_some_and(|r| r.mounts.iter().any(|m| m.kind == MountType::Cache));
        if ins.kind != Kind::Run || ins.invalid || cached {
            // any other instruction (comments are not instructions) separates RUNs
            prev = None;
            continue;
        }
        let commands = ctx.run_at(index).and_then(|(r, _)| {
            let understood = r.run.script.is_some() || matches!(r.run.form, crate::syntax::model::RunForm::Exec(_));
            (understood && !r.commands.is_empty()).then(|| {
                r.commands
                    .iter()
                    .filter(|c| !c.words.is_empty() && !commands::in_shell_c(&r.commands, c.range))
                    .count()
            })
        });
        let flags = flags(ins, src);
        if let Some(p) = &prev
            && p.flags == flags
            && p.commands.is_some_and(|n| n <= 1)
            && commands.is_some_and(|n| n <= 1)
        {
            ctx.report(
                ins.keyword_range,
                "this RUN and the one before it each run one command with the same flags: one RUN with `&&` makes one layer",
            );
        }
        prev = Some(Prev { flags, commands });
    }
}

/// The RUN's flags as written, sorted (`--mount` order does not matter).
fn flags(ins: &Instruction, src: &str) -> Vec<String> {
    let mut f: Vec<String> = ins.flags.iter().map(|f| f.range.slice(src).to_string()).collect();
    f.sort();
    f
}

use super::labels::{LABELS, labels};
use super::{Context, Family, FixAvailability, OptionSpec, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::syntax::model::{Body, Dockerfile, Kind};

pub static META: RuleMeta = RuleMeta {
    name: "required-label-missing",
    family: Family::Metadata,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3049"],
    related: &[],
    summary: "an image the file builds lacks a label the configuration requires",
    options: &[OptionSpec {
        doc: "the label keys every image the file builds must set; unset, the rule checks nothing",
        ..LABELS
    }],
    fix_priority: 905,
    after_suppressions: false,
    doc: include_str!("../../../rules/required-label-missing.md"),
};

pub fn check(ctx: &mut Context) {
    let Some(required) = ctx.settings.options.list(ctx.rule(), LABELS.name) else {
        return;
    };
    let required = required.to_vec();
    let model = ctx.model;
    let used = used_stages(model);
    // per stage: the keys its own LABELs set, and whether one is written with a variable
    let mut set: Vec<(Vec<&str>, bool)> = vec![(Vec::new(), false); model.stages.len()];
    for l in labels(model, ctx.src) {
        // an ONBUILD LABEL labels the images built on this one, not this one
        let (Some(stage), true) = (l.outer.stage, l.outer.kind == Kind::Label) else {
            continue;
        };
        match l.key {
            Some(k) => set[stage].0.push(k),
            None => set[stage].1 = true,
        }
    }
    // a LABEL whose keys dfix could not all read (a variable outside the values, or no pairs)
    for ins in model.instructions.iter().filter(|i| i.kind == Kind::Label && !i.invalid) {
        let Some(stage) = ins.stage else { continue };
        let unread = match &ins.body {
            Body::Label(pairs) => ins.vars.iter().any(|v| {
                !pairs.iter().any(|p| {
                    p.value
                        .as_ref()
                        .is_some_and(|val| val.range.start <= v.range.start && v.range.end <= val.range.end)
                })
            }),
            _ => true,
        };
        set[stage].1 |= unread;
    }
    for (s, stage) in model.stages.iter().enumerate() {
        let from = &model.instructions[stage.from];
        if used[s] || from.invalid {
            continue;
        }
        let chain = model.stage_chain(s);
        if chain.iter().any(|&c| set[c].1) {
            continue;
        }
        for key in &required {
            if !chain.iter().any(|&c| set[c].0.contains(&key.as_str())) {
                let whose = if chain.len() > 1 {
                    "this stage or the stages it is built on"
                } else {
                    "this stage"
                };
                ctx.report(from.range, format!("label `{key}` is missing: no `LABEL` in {whose} sets it"));
            }
        }
    }
}

/// The stages another stage builds on, copies from or mounts: not images of their own.
fn used_stages(model: &Dockerfile) -> Vec<bool> {
    let mut used = vec![false; model.stages.len()];
    for (s, stage) in model.stages.iter().enumerate() {
        if let Some(p) = stage.parent {
            used[p] = true;
        }
        for ins in &model.instructions[stage.from..=stage.last] {
            let mut names: Vec<&str> = Vec::new();
            if matches!(ins.kind, Kind::Copy | Kind::Add)
                && let Some(v) = ins.flag("from").and_then(|f| f.value.as_deref())
            {
                names.push(v);
            }
            if let Body::Run(run) = &ins.body {
                names.extend(run.mounts.iter().filter_map(|m| m.field("from")?.value.as_deref()));
            }
            for name in names {
                if let Some(t) = resolve(model, s, name) {
                    used[t] = true;
                }
            }
        }
    }
    used
}

/// The earlier stage `name` (a stage name, lowercased as BuildKit stores it, or an index)
/// refers to from stage `current`.
fn resolve(model: &Dockerfile, current: usize, name: &str) -> Option<usize> {
    let lower = name.to_ascii_lowercase();
    model.stages[..current]
        .iter()
        .rposition(|s| s.name.as_deref() == Some(lower.as_str()))
        .or_else(|| lower.parse::<usize>().ok().filter(|&n| n < current))
}

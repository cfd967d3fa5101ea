use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::semantic::uses;
use crate::syntax::model::{Body, Dockerfile, Kind, Value, ValuePart};
use std::collections::HashSet;

pub static META: RuleMeta = RuleMeta {
    name: "secret-in-arg-or-env",
    family: Family::Security,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3064", "SecretsUsedInArgOrEnv"],
    related: &[],
    summary: "an `ARG` or `ENV` whose name says it holds a secret",
    options: &[],
    fix_priority: 830,
    after_suppressions: false,
    doc: include_str!("../../../rules/secret-in-arg-or-env.md"),
};

/// Words of a name (split at `_`, any case) that BuildKit takes for a secret's.
const SECRET_WORDS: [&str; 10] = [
    "apikey",
    "auth",
    "credential",
    "credentials",
    "key",
    "password",
    "pword",
    "passwd",
    "secret",
    "token",
];

/// Words that make BuildKit take the name for something else (`PUBLIC_KEY`, `KEY_FILE`).
const ALLOWED_WORDS: [&str; 3] = ["public", "file", "version"];

/// BuildKit's test (frontend 1.26.0, `dockerfile2llb/validations.go`): a `_`-separated word of
/// the name is a secret's word, and none is an allowed one.
fn looks_secret(name: &str) -> bool {
    let has = |words: &[&str]| name.split('_').any(|w| words.iter().any(|s| w.eq_ignore_ascii_case(s)));
    has(&SECRET_WORDS) && !has(&ALLOWED_WORDS)
}

pub fn check(ctx: &mut Context) {
    let passed = passed_by_build(ctx.model);
    for (index, ins) in ctx.model.instructions.iter().enumerate() {
        // BuildKit checks the ARGs and ENVs it dispatches: those of a stage, not the ARGs before
        // the first FROM, nor ONBUILD triggers
        if ins.invalid || ins.stage.is_none() {
            continue;
        }
        let (keyword, pairs, stays) = match (&ins.kind, &ins.body) {
            (Kind::Arg, Body::Arg(pairs)) => ("ARG", pairs, "the image's history records the value each later RUN sees"),
            (Kind::Env, Body::Env(pairs)) => ("ENV", pairs, "the image's configuration keeps the value"),
            _ => continue,
        };
        for pair in pairs.iter().filter(|p| looks_secret(&p.key)) {
            let name = &pair.key;
            // the first RUN that reads it, where a secret mount with `env=` can take its place
            // only a value the build passes (`--build-arg`, or an ENV set from one) can come
            // from a secret instead: one written in the file is in the repository anyway
            let literal = !passed.contains(&(index, name.as_str()));
            let reader = (!literal).then(|| uses::after_in_chain(ctx.model, index)).into_iter().flatten().find(|&i| {
                let ins = &ctx.model.instructions[i];
                ins.kind == Kind::Run && !ins.invalid && uses::names_word(ctx.src, ins, name)
            });
            let Some(reader) = reader else {
                ctx.report(
                    pair.key_range,
                    format!(
                        "`{keyword} {name}` is named like a secret, and {stays}; give a secret to the \
                         build with `RUN --mount=type=secret`"
                    ),
                );
                continue;
            };
            let id = name.to_ascii_lowercase();
            let line = ctx.model.instructions[reader].start_line;
            let d = ctx.report(
                pair.key_range,
                format!(
                    "`{keyword} {name}` is named like a secret, and {stays}; the RUN on line {line} \
                     reads it: give it to that RUN as a secret in the same variable, \
                     `RUN --mount=type=secret,id={id},env={name} …` (Dockerfile syntax 1.10 or \
                     later), built with `docker build --secret id={id},env={name}`"
                ),
            );
            d.no_fix_reason = Some(format!(
                "every command that builds the image must pass `--secret id={id},env={name}` instead"
            ));
        }
    }
}

/// The ARG and ENV pairs of the stages (instruction index, name) whose value the build passes:
/// an ARG without a default (unless the ARG of that name before the first FROM has one written
/// in the file), and an ARG default or ENV value that reads such a variable, through the stage
/// and the stages built on it.
fn passed_by_build(model: &Dockerfile) -> HashSet<(usize, &str)> {
    let mut written: HashSet<&str> = HashSet::new();
    for ins in model.instructions.iter().take_while(|i| i.stage.is_none()) {
        if let Body::Arg(pairs) = &ins.body {
            for p in pairs {
                if p.value.as_ref().is_some_and(|v| v.as_literal().is_some()) {
                    written.insert(&p.key);
                } else {
                    written.remove(p.key.as_str());
                }
            }
        }
    }
    let mut out = HashSet::new();
    let mut ends: Vec<HashSet<&str>> = vec![HashSet::new(); model.stages.len()];
    for (s, stage) in model.stages.iter().enumerate() {
        let mut live: HashSet<&str> = stage.parent.map(|p| ends[p].clone()).unwrap_or_default();
        for index in stage.from + 1..=stage.last {
            let ins = &model.instructions[index];
            let pairs = match &ins.body {
                Body::Arg(p) | Body::Env(p) if !ins.invalid => p,
                _ => continue,
            };
            for p in pairs {
                let is_passed = match &p.value {
                    None => ins.kind == Kind::Arg && !written.contains(p.key.as_str()),
                    Some(v) => reads_any(v, &live),
                };
                if is_passed {
                    live.insert(&p.key);
                    out.insert((index, p.key.as_str()));
                } else if p.value.is_some() {
                    live.remove(p.key.as_str());
                }
            }
        }
        ends[s] = live;
    }
    out
}

fn reads_any(value: &Value, live: &HashSet<&str>) -> bool {
    value.parts.iter().any(|part| match part {
        ValuePart::Var { name, word, .. } => live.contains(name.as_str()) || word.as_ref().is_some_and(|w| reads_any(w, live)),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::looks_secret;

    #[test]
    fn words_of_the_name_decide() {
        for name in ["GITHUB_TOKEN", "api_key", "DB_PASSWORD", "AUTH", "secret_MESSAGE", "NPM_APIKEY"] {
            assert!(looks_secret(name), "{name}");
        }
        for name in ["PUBLIC_KEY", "KEY_FILE", "TOKEN_VERSION", "KEYS", "MONKEY", "TOKENIZER", "PATH"] {
            assert!(!looks_secret(name), "{name}");
        }
    }
}

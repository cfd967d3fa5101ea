use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::semantic::from::{MetaArgs, PLATFORM_ARGS};
use crate::semantic::scope::{self, Scope};
use crate::syntax::model::{Body, Dockerfile, Kind, Pair, VarRef};
use crate::syntax::text::TextRange;
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::sync::Arc;

pub static META: RuleMeta = RuleMeta {
    name: "undefined-variable",
    family: Family::Instructions,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Preview,
    sources: &["UndefinedVar"],
    related: &["from-arg-undefined", "env-self-reference"],
    summary: "a variable BuildKit expands in an instruction (`COPY`, `ENV`, `WORKDIR`, …) that no `ARG` or `ENV` in scope defines",
    options: &[],
    fix_priority: 480,
    after_suppressions: false,
    doc: include_str!("../../../rules/undefined-variable.md"),
};

/// The ARGs BuildKit never reports (`nonEnvArgs` in dockerfile2llb/convert.go).
const NON_ENV_ARGS: &[&str] = &["BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"];

/// Why the variable is not defined, as far as the file tells.
enum Why {
    /// An ARG or ENV of the same stage at this line declares it, after the use.
    /// (`None` for a later pair of the instruction itself: `ARG A=$B B=1`).
    Later(Option<usize>, &'static str),
    /// Only an ARG before the first `FROM` declares it.
    Global,
    /// One of BuildKit's automatic platform ARGs, not declared in the stage.
    Platform,
    /// Only a stage this one is not built on declares it (line of the first declaration).
    OtherStage(usize, &'static str),
    /// Not declared anywhere, but a name in scope is one typo away.
    Typo(String),
    /// The file says nothing of it.
    Unknown,
}

struct Finding {
    /// The first occurrence of the name in the instruction.
    range: TextRange,
    message: String,
    /// The suggested name, and every occurrence to rewrite.
    fix: Option<(String, Vec<TextRange>)>,
    no_fix_reason: Option<&'static str>,
}

pub fn check(ctx: &mut Context) {
    let (src, model) = (ctx.src, ctx.model);
    if model.stages.is_empty() {
        return;
    }
    let meta = MetaArgs::of(model, src);
    // where each name is declared inside a stage (ARG or ENV)
    let mut declared: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, ins) in model.instructions.iter().enumerate() {
        if let (Some(_), false, Body::Arg(pairs) | Body::Env(pairs)) = (ins.stage, ins.invalid, &ins.body) {
            for p in pairs {
                declared.entry(p.key.as_str()).or_default().push(i);
            }
        }
    }
    let mut found: Vec<Finding> = Vec::new();
    // the walk gives the scope with the instruction applied; its words are expanded in the one
    // before (the scope after the previous instruction of the stage)
    let mut before: Option<Arc<Scope>> = None;
    scope::walk_with::<()>(model, &ctx.settings.images, |i, after| {
        let ins = &model.instructions[i];
        let prev = before.replace(Arc::clone(after));
        let Some(stage) = ins.stage else { return ControlFlow::Continue(()) };
        if ins.invalid || ins.kind == Kind::From || ins.vars.is_empty() {
            return ControlFlow::Continue(());
        }
        let Some(scope) = prev.as_deref() else { return ControlFlow::Continue(()) };
        let pairs: &[Pair] = match &ins.body {
            Body::Arg(p) | Body::Env(p) => p,
            _ => &[],
        };
        // `FROM base-$TARGETARCH` may be a stage of the file, whose names this one inherits
        if chain_unknown(model, src, stage) {
            return ControlFlow::Continue(());
        }
        let complete = env_complete(model, src, stage, scope);
        let mut seen: Vec<&str> = Vec::new();
        for v in &ins.vars {
            let name = v.name.as_str();
            if seen.contains(&name) || defined(scope, name) {
                continue;
            }
            // an earlier pair of the same instruction sets it: an ARG's is in effect, an ENV's
            // is not yet (`env-self-reference` says so)
            if let Some(j) = pairs.iter().position(|p| p.range.contains_range(v.range))
                && pairs[..j].iter().any(|p| p.key == name)
            {
                continue;
            }
            seen.push(name);
            let chain = model.stage_chain(stage);
            let decls = declared.get(name).map_or(&[][..], Vec::as_slice);
            // set by a later pair of this ARG or ENV (not the pair itself: `ENV X=$X:/more`
            // appends to what the base image may set)
            let own = pairs.iter().position(|p| p.range.contains_range(v.range));
            let later_here = own.is_some_and(|j| pairs[j + 1..].iter().any(|p| p.key == name));
            let why = if later_here {
                Why::Later(None, keyword(model, i))
            } else if let Some(&j) = decls
                .iter()
                .find(|&&j| j > i && model.instructions[j].stage == Some(stage))
            {
                Why::Later(Some(model.instructions[j].start_line), keyword(model, j))
            } else if meta.declared(name) {
                Why::Global
            } else if PLATFORM_ARGS.contains(&name) {
                Why::Platform
            } else if let Some(&j) = decls
                .iter()
                .find(|&&j| model.instructions[j].stage.is_some_and(|s| !chain.contains(&s)))
            {
                Why::OtherStage(model.instructions[j].start_line, keyword(model, j))
            } else if let Some(s) = suggestion(name, scope) {
                Why::Typo(s)
            } else {
                Why::Unknown
            };
            // `${X:y}`: BuildKit refuses the modifier and fails the build whatever X is
            if (matches!(why, Why::Unknown) && !complete) || bad_modifier(src, v) {
                continue;
            }
            found.push(finding(src, v, &ins.vars, why, complete, scope));
        }
        ControlFlow::Continue(())
    });
    for f in found {
        let d = ctx.report(f.range, f.message);
        match f.fix {
            Some((s, ranges)) => {
                d.fix = Some(Fix::unsafe_(
                    format!("Use `${s}`"),
                    ranges.into_iter().map(|r| Edit::replace(r, s.clone())).collect(),
                ));
            }
            None => d.no_fix_reason = f.no_fix_reason.map(Into::into),
        }
    }
}

/// BuildKit finds the name when it expands the word: an ENV or an ARG (with or without a value)
/// of the stage chain, the base image's environment as far as dfix knows it, or `PATH`, which
/// BuildKit sets in every Linux stage whose image does not.
fn defined(scope: &Scope, name: &str) -> bool {
    scope.env.contains_key(name) || name == "PATH" || NON_ENV_ARGS.contains(&name)
}

/// The stage's whole environment is known: its chain starts from an image dfix knows sets no
/// `ENV` (`scratch`, `alpine`, `debian`, `ubuntu`, `busybox`), named without a variable.
fn env_complete(model: &Dockerfile, src: &str, stage: usize, scope: &Scope) -> bool {
    let Some(facts) = &scope.facts else { return false };
    if !facts.env_complete || facts.windows {
        return false;
    }
    let root = *model.stage_chain(stage).last().unwrap_or(&stage);
    match &model.instructions[model.stages[root].from].body {
        Body::From(f) => f.image.as_ref().is_some_and(|i| name_literal(i.range.slice(src))),
        _ => false,
    }
}

/// The stage chain starts from a `FROM` whose image is a variable in a file with named stages:
/// the build may choose one of them as the base, and then its variables.
fn chain_unknown(model: &Dockerfile, src: &str, stage: usize) -> bool {
    let root = *model.stage_chain(stage).last().unwrap_or(&stage);
    let variable = match &model.instructions[model.stages[root].from].body {
        Body::From(f) => f.image.as_ref().is_none_or(|i| i.range.slice(src).contains('$')),
        _ => true,
    };
    variable && model.stages.iter().any(|s| s.name.is_some())
}

/// The image's name (not its tag) is written without a variable: `alpine:${V}` is alpine
/// whatever the build passes, `${BASE}` or `alpine${SUFFIX}` is not.
fn name_literal(text: &str) -> bool {
    let Some(d) = text.find('$') else { return true };
    let before = &text[..d];
    let last = before.rfind('/').map_or(0, |i| i + 1);
    before[last..].contains(':') || before.contains('@')
}

/// The one name in scope the variable is most likely a typo of: the same letters in another
/// case, else, for a name of four characters or more, the single nearest within two edits
/// that changes less than half of the name or swaps two neighbours (`PAHT`).
fn suggestion(name: &str, scope: &Scope) -> Option<String> {
    let mut names: Vec<&str> = scope.env.keys().map(String::as_str).collect();
    if !names.contains(&"PATH") {
        names.push("PATH");
    }
    let same_case: Vec<&str> = names.iter().copied().filter(|n| n.eq_ignore_ascii_case(name)).collect();
    if let [one] = same_case[..] {
        return Some(one.to_string());
    }
    let len = name.chars().count();
    if len < 4 {
        return None;
    }
    let near: Vec<(&str, usize)> = names
        .iter()
        .filter(|n| !sibling(name, n))
        .map(|n| (*n, if swapped(name, n) { 1 } else { crate::suggest::levenshtein(name, n) }))
        .filter(|&(_, d)| d <= 2 && 2 * d < len)
        .collect();
    let best = near.iter().map(|&(_, d)| d).min()?;
    match near.iter().filter(|&&(_, d)| d == best).collect::<Vec<_>>()[..] {
        [(n, _)] => Some((*n).to_string()),
        _ => None,
    }
}

/// `a` and `b` differ in one character that is their last or a digit in both: `varA` and
/// `varB`, `FILE_1` and `FILE_2` are siblings, not typos of each other.
fn sibling(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len() != b.len() {
        return false;
    }
    let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    matches!(diff[..], [i] if i + 1 == a.len() || (a[i].is_ascii_digit() && b[i].is_ascii_digit()))
}

/// `a` is `b` with two neighbouring characters swapped.
fn swapped(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len() != b.len() {
        return false;
    }
    let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    matches!(diff[..], [i, j] if j == i + 1 && a[i] == b[j] && a[j] == b[i])
}

fn keyword(model: &Dockerfile, i: usize) -> &'static str {
    if model.instructions[i].kind == Kind::Arg { "ARG" } else { "ENV" }
}

fn finding(src: &str, v: &VarRef, all: &[VarRef], why: Why, complete: bool, scope: &Scope) -> Finding {
    let name = v.name.as_str();
    let (reason, no_fix_reason): (String, Option<&'static str>) = match &why {
        Why::Later(line, kw) => (
            match line {
                Some(line) => format!("`${name}` is used before the {kw} on line {line} defines it"),
                None => format!("`${name}` is expanded before this {kw} defines it"),
            },
            Some("moving the declaration above its use is the author's choice"),
        ),
        Why::Global => (
            format!(
                "`${name}` is declared only by an ARG before the first `FROM`, which a stage sees only after \
                 an `ARG {name}` of its own"
            ),
            Some("declaring the ARG in the stage is the author's choice"),
        ),
        Why::Platform => (
            format!(
                "`${name}` is one of BuildKit's platform ARGs, which a stage sees only after an `ARG {name}` \
                 of its own"
            ),
            Some("declaring the ARG in the stage is the author's choice"),
        ),
        Why::OtherStage(line, kw) => (
            format!("`${name}` is set only in another stage (the {kw} on line {line}), which this stage is not built on"),
            Some("the value belongs to another stage"),
        ),
        Why::Typo(s) => (format!("`${name}` is not defined here (did you mean `${s}`?)"), None),
        Why::Unknown => {
            let base = scope.base.as_deref().map_or("the base image".to_string(), |b| format!("the base image `{b}`"));
            let mut r = format!("`${name}` is not defined here: no ARG or ENV sets it, nor {base}");
            if crate::semantic::from::PROXY_ARGS.contains(&name) {
                r.push_str(" (BuildKit gives the proxy variables to RUN only)");
            }
            (r, Some("which value was meant is the author's choice"))
        }
    };
    let unless = if complete {
        String::new()
    } else {
        match scope.base.as_deref() {
            Some(b) => format!(", unless the base image `{b}` defines it"),
            None => ", unless the base image defines it".to_string(),
        }
    };
    let message = format!("{reason}, so {}{unless}", consequence(src, v));
    let fix = match why {
        Why::Typo(s) => {
            let ranges: Vec<TextRange> = all.iter().filter(|o| o.name == name).map(|o| o.range).collect();
            // only the name's own bytes, as written in one piece
            ranges.iter().all(|r| r.slice(src) == name).then_some((s, ranges))
        }
        _ => None,
    };
    let no_fix_reason = match (&fix, no_fix_reason) {
        (None, None) => Some("the name is split across lines"),
        (_, r) => r,
    };
    Finding {
        range: v.range,
        message,
        fix,
        no_fix_reason,
    }
}

/// `${X:…}` with anything but `-`, `+` or `?` after the colon, which BuildKit's lexer refuses
/// ("unsupported modifier").
fn bad_modifier(src: &str, v: &VarRef) -> bool {
    src[..v.range.start].ends_with("${")
        && src[v.range.end..]
            .strip_prefix(':')
            .is_some_and(|rest| !rest.starts_with(['-', '+', '?']))
}

/// What the expansion gives when the variable is unset: `$X` and `${X}` nothing, `${X:-d}` its
/// default, `${X:+a}` nothing, `${X:?m}` an error.
fn consequence(src: &str, v: &VarRef) -> String {
    let name = &v.name;
    let braced = src[..v.range.start].ends_with("${");
    let after = &src[v.range.end..];
    let op = if braced {
        ["-", ":-", "+", ":+", "?", ":?"]
            .into_iter()
            .filter(|op| after.starts_with(op))
            .max_by_key(|op| op.len())
    } else {
        None
    };
    match op {
        Some(op @ ("-" | ":-")) => format!("`${{{name}{op}…}}` always takes its default here"),
        Some(op @ ("+" | ":+")) => format!("`${{{name}{op}…}}` is always empty here"),
        Some(op) => format!("`${{{name}{op}…}}` fails the build here"),
        None => "it expands to nothing here".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_and_siblings() {
        assert!(swapped("PAHT", "PATH"));
        assert!(!swapped("PATH", "PATH"));
        assert!(sibling("varB", "varA"));
        assert!(sibling("FILE_1_DIR", "FILE_2_DIR"));
        assert!(!sibling("APP_VERSON", "APP_VERSION"));
        assert!(name_literal("alpine:${V}"));
        assert!(name_literal("alpine@sha256:x$"));
        assert!(!name_literal("${BASE}"));
        assert!(!name_literal("alpine${SUFFIX}:3"));
    }
}

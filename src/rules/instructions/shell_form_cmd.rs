use super::common::in_chain_before;
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::syntax::model::{Dockerfile, Kind};

pub static META: RuleMeta = RuleMeta {
    name: "shell-form-cmd",
    family: Family::Instructions,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &["DL3025", "JSONArgsRecommended"],
    related: &[],
    summary: "`CMD` or `ENTRYPOINT` in shell form, run through `/bin/sh -c`",
    options: &[],
    fix_priority: 401,
    after_suppressions: false,
    doc: include_str!("../../../rules/shell-form-cmd.md"),
};

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    for (i, ins) in model.instructions.iter().enumerate() {
        if !matches!(ins.kind, Kind::Cmd | Kind::Entrypoint) || ins.invalid || ins.json.is_some() {
            continue;
        }
        if ins.args_text.trim().is_empty() || ins.args.is_empty() || in_chain_before(model, i, Kind::Shell) {
            continue;
        }
        let name = ins.kind.name().to_ascii_uppercase();
        let (fix, why) = match json_form(ctx.src, model, i) {
            Ok(json) => {
                let fix = Fix::unsafe_(
                    "Write the command in exec (JSON) form",
                    vec![Edit::replace(ins.args, json)],
                );
                (Some(fix), None)
            }
            Err(why) => (None, Some(why)),
        };
        let message = if ins.kind == Kind::Cmd && exec_entrypoint_before(model, i) {
            // the CMD is only the arguments of the ENTRYPOINT, which is PID 1
            "`CMD` in shell form gives the exec-form `ENTRYPOINT` the arguments `/bin/sh -c \"…\"` \
             instead of the command's words; use the exec (JSON) form"
                .to_string()
        } else {
            format!(
                "`{name}` in shell form runs through a shell (`/bin/sh -c`), which is PID 1 and \
                 does not pass stop signals on; use the exec (JSON) form"
            )
        };
        let d = ctx.report(ins.args, message);
        d.fix = fix;
        d.no_fix_reason = why.map(str::to_string);
    }
}

/// The `ENTRYPOINT` in effect at instruction `i` (the last one of its stage before it, or of the
/// stages it is built on) is in exec form.
fn exec_entrypoint_before(model: &Dockerfile, i: usize) -> bool {
    let Some(s) = model.instructions[i].stage else { return false };
    for (k, &st) in model.stage_chain(s).iter().enumerate() {
        let stage = &model.stages[st];
        let end = if k == 0 { i } else { stage.last + 1 };
        let last = model.instructions[stage.from..end]
            .iter()
            .rev()
            .find(|x| x.kind == Kind::Entrypoint && !x.invalid);
        if let Some(e) = last {
            return e.json.is_some();
        }
    }
    false
}

/// Shell builtins and reserved words: no program of that name runs them in exec form.
const BUILTINS: &[&str] = &[
    ".", ":", "[[", "!", "{", "}", "alias", "bg", "break", "case", "cd", "command", "continue",
    "declare", "do", "done", "elif", "else", "esac", "eval", "exec", "exit", "export", "fg", "fi",
    "for", "function", "getopts", "hash", "if", "jobs", "local", "read", "readonly", "return",
    "select", "set", "shift", "source", "then", "time", "times", "trap", "type", "typeset",
    "ulimit", "umask", "unalias", "unset", "until", "wait", "while",
];

/// The arguments as a JSON array, when the shell would run them as one simple command of
/// plain words (nothing the shell expands, quotes, redirects or chains), on one line; an
/// `exec` in front is dropped, as exec form runs the program directly anyway. An
/// `ENTRYPOINT` is converted only when its stage has no `CMD`: in exec form it would get the
/// `CMD` as arguments, which the shell form ignores.
fn json_form(src: &str, model: &Dockerfile, index: usize) -> Result<String, &'static str> {
    let ins = &model.instructions[index];
    if ins.start_line != ins.end_line {
        return Err("the command spans several lines");
    }
    if ins.kind == Kind::Entrypoint
        && let Some(stage) = model.stage_of(index)
        && model.instructions[stage.from..=stage.last]
            .iter()
            .any(|i| i.kind == Kind::Cmd)
    {
        return Err("in exec form the `ENTRYPOINT` would get the stage's `CMD` as arguments");
    }
    let text = ins.args.slice(src);
    let plain = |w: &str| {
        w.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_./:=@%+,-".contains(&b))
    };
    let mut words: Vec<&str> = text.split([' ', '\t']).filter(|w| !w.is_empty()).collect();
    if !words.iter().all(|w| plain(w)) {
        return Err("the command uses shell syntax (quotes, variables, operators or globs)");
    }
    if words.first() == Some(&"exec") {
        words.remove(0);
        if words.first().is_none_or(|w| w.starts_with('-')) {
            return Err("`exec` with options is a shell builtin");
        }
    }
    let Some(first) = words.first() else { return Err("no command") };
    if first.contains('=') {
        return Err("the command starts with a variable assignment");
    }
    if BUILTINS.contains(first) {
        return Err("the command is a shell builtin");
    }
    let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
    Ok(format!("[{}]", quoted.join(", ")))
}

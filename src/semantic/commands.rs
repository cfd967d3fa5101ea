//! The commands a RUN executes and the environment each command sees: every valid RUN of the
//! file with its scope and commands, built once per file ([`super::Semantic`]).

use super::image::Declared;
use crate::semantic::scope::{self, Scope, Var};
use crate::syntax::model::{Dockerfile, Instruction, Kind, Run, RunForm, VarRef};
use crate::syntax::shell::{Command, Word};
use crate::syntax::text::TextRange;
use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::sync::Arc;

/// A RUN BuildKit accepts.
pub struct RunRef<'m> {
    /// Index of the instruction in the model.
    pub index: usize,
    /// The instruction as written (an ONBUILD for a trigger).
    pub ins: &'m Instruction,
    /// The RUN itself.
    pub eff: &'m Instruction,
    pub run: &'m Run,
    /// The scope it runs in ([`scope_at`](crate::semantic::scope::scope_at)), shared with the
    /// RUNs around it that see the same.
    pub scope: Arc<Scope>,
    /// The commands it executes ([`commands`]).
    pub commands: Commands<'m>,
}

impl RunRef<'_> {
    /// An `ONBUILD RUN`: it runs in a child build, whose user and frontend dfix does not know.
    pub fn is_onbuild(&self) -> bool {
        self.ins.kind == Kind::Onbuild
    }
}

/// Every valid RUN of the file, ONBUILD triggers included, in source order, with their scopes
/// from one pass over the file. Rules get them from [`Semantic`](super::Semantic), which works
/// them out once per file. `src` is the file's text.
pub fn runs<'m>(model: &'m Dockerfile, src: &str) -> Vec<RunRef<'m>> {
    runs_with(model, src, &[])
}

/// [`runs`], with the base images the configuration declares.
pub fn runs_with<'m>(model: &'m Dockerfile, src: &str, images: &[Declared]) -> Vec<RunRef<'m>> {
    let mut out = Vec::new();
    scope::walk_with(model, images, |index, scope| {
        let ins = &model.instructions[index];
        let eff = ins.effective();
        if !ins.invalid
            && !eff.invalid
            && eff.kind == Kind::Run
            && let Some(run) = eff.run()
        {
            // a Windows stage runs no command dfix reads (`cmd` or PowerShell, not Linux tools)
            let commands = if scope.windows(model.escape) {
                Commands::new(Vec::new())
            } else {
                with_known_names(commands(eff), eff, scope, src)
            };
            out.push(RunRef {
                index,
                ins,
                eff,
                run,
                scope: scope.clone(),
                commands,
            });
        }
        ControlFlow::<()>::Continue(())
    });
    out
}

/// A command before offset `before` of a RUN (`commands`), or of an earlier RUN of its stage chain (`earlier`,
/// from [`Semantic::earlier_in_chain`](super::Semantic::earlier_in_chain) with the same `pred`),
/// satisfies `pred`: a file set up by an earlier step.
pub fn done_before(commands: &Commands, earlier: bool, before: usize, pred: impl Fn(&Command) -> bool) -> bool {
    earlier || commands.iter().any(|c| c.range.start < before && pred(c))
}

/// The commands a RUN executes, with the `export`s and `unset`s among them by name (indexed on
/// the first lookup).
pub struct Commands<'m> {
    list: Vec<Cow<'m, Command>>,
    /// For each name: the start offsets of the commands that `export`/`declare` it with a
    /// literal value (`Some`) or `unset` it (`None`), in source order.
    exports: OnceCell<Exports>,
}

/// For each name: what the commands of the RUN do to it, in source order.
type Exports = HashMap<String, Vec<Export>>;

struct Export {
    /// The start of the command.
    at: usize,
    set: Set,
}

/// What a command does to a variable (a value is `None` when it is not a literal).
enum Set {
    /// `export NAME=value`, `declare NAME=value`.
    Export(Var),
    /// `NAME=value` alone: changes the environment only when the name is exported.
    Assign(Var),
    /// `unset NAME`.
    Unset,
}

impl<'m> std::ops::Deref for Commands<'m> {
    type Target = [Cow<'m, Command>];
    fn deref(&self) -> &Self::Target {
        &self.list
    }
}

impl<'c, 'm> IntoIterator for &'c Commands<'m> {
    type Item = &'c Cow<'m, Command>;
    type IntoIter = std::slice::Iter<'c, Cow<'m, Command>>;
    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

impl<'m> Commands<'m> {
    /// Commands in source order (by start offset).
    pub fn new(list: Vec<Cow<'m, Command>>) -> Commands<'m> {
        Commands {
            list,
            exports: OnceCell::new(),
        }
    }

    /// The last `export`/`declare` (`Some`, with the value: `Some(None)` when it is not a
    /// literal) or `unset` (`None`) of `name` in a command that starts before offset `before`.
    /// A bare assignment (`NAME=value`) counts when `NAME` is in the environment already:
    /// `exported` (the scope has it) or an earlier `export` in the RUN.
    fn exported(&self, name: &str, before: usize, exported: bool) -> Option<Option<Var>> {
        let sets = self.exports.get_or_init(|| self.index_exports()).get(name)?;
        let n = sets.partition_point(|s| s.at < before);
        let mut last = None;
        let mut in_env = exported;
        for s in &sets[..n] {
            match s.set {
                Set::Export(ref v) => {
                    in_env = true;
                    last = Some(Some(v.clone()));
                }
                Set::Assign(ref v) if in_env => last = Some(Some(v.clone())),
                Set::Assign(_) => {}
                Set::Unset => {
                    in_env = false;
                    last = Some(None);
                }
            }
        }
        last
    }

    fn index_exports(&self) -> Exports {
        let mut exports = Exports::new();
        let mut push =
            |name: &str, at: usize, set: Set| exports.entry(name.to_string()).or_default().push(Export { at, set });
        for c in &self.list {
            let e = c.effective();
            if e.words.is_empty() && !c.assignments.is_empty() {
                // a bare assignment statement: a shell variable, in the environment only when
                // the name is exported
                for a in &c.assignments {
                    push(&a.name, c.range.start, Set::Assign(a.value.clone()));
                }
                continue;
            }
            let Some(Some(prog)) = e.words.first().map(|w| w.value.as_deref()) else {
                continue;
            };
            if prog == "export" || prog == "declare" {
                // every `NAME=value` operand, a value dfix cannot read included (`export
                // GOCACHE="$PWD/.cache" GOPATH=/x`)
                for a in &c.assignments {
                    push(&a.name, c.range.start, Set::Export(a.value.clone()));
                }
                // a quoted operand (`export "A=1"`) is no assignment to the parser
                for w in &e.words[1..] {
                    if let Some((k, v)) = w.value.as_deref().and_then(|v| v.split_once('='))
                        && !c.assignments.iter().any(|a| a.name == k)
                    {
                        push(k, c.range.start, Set::Export(Some(v.to_string())));
                    }
                }
            } else if prog == "unset" {
                for w in &e.words[1..] {
                    if let Some(name) = w.value.as_deref() {
                        push(name, c.range.start, Set::Unset);
                    }
                }
            }
        }
        exports
    }
}

/// `range` lies inside a literal word of one of the commands: in the script of an
/// `sh -c '…'`, which the parser reads as commands too (nested), but which runs in a shell of
/// its own: the RUN's shell options (`pipefail`) do not reach it, and hadolint does not see it.
/// A `$(…)` word is not literal: what is inside runs in the RUN's shell.
pub fn in_shell_c(all: &[Cow<'_, Command>], range: TextRange) -> bool {
    all.iter().any(|c| {
        c.range.start <= range.start
            && range.end <= c.range.end
            && c.words.iter().any(|w| {
                w.value.is_some() && w.range.start <= range.start && range.end <= w.range.end && w.range != range
            })
    })
}

/// The commands a RUN executes: the shell script's simple commands, or the exec form's argv.
pub fn commands(ins: &Instruction) -> Commands<'_> {
    let Some(run) = ins.run() else {
        return Commands::new(Vec::new());
    };
    Commands::new(match (&run.form, &run.script) {
        (RunForm::Exec(words), _) if !words.is_empty() => {
            let words: Vec<Word> = words
                .iter()
                .map(|w| Word {
                    range: w.range,
                    value: Some(w.value.clone()),
                })
                .collect();
            let range = words[0].range.cover(words[words.len() - 1].range);
            vec![Cow::Owned(Command::new(range, Vec::new(), words, None, false, false))]
        }
        (_, Some(script)) => script.commands.iter().map(Cow::Borrowed).collect(),
        _ => Vec::new(),
    })
}

/// The RUN's commands, where a command's name is an unquoted `$NAME` or `${NAME}` whose value
/// in scope is known (`ARG PIP_COMMAND="uv pip"`, then `RUN $PIP_COMMAND install x`), read as
/// the words the shell splits that value into, each at the range of `$NAME`.
///
/// This takes the value the Dockerfile gives, which a `--build-arg` can change for an ARG:
/// findings on such a call say what they assume ([`tools::assumed`](super::tools::assumed)).
/// Only plain words are expanded (letters, digits, `_ . / + : @ =`, and `-` after the first
/// character), never an option (a word starting with `-`), so that no fix edits a word that is
/// not written where it points; nor a name the RUN sets itself, nor a quoted `"$NAME"` (one word:
/// the shell runs a program named `uv pip`).
fn with_known_names<'m>(mut cmds: Commands<'m>, ins: &Instruction, scope: &Scope, src: &str) -> Commands<'m> {
    let Some(script) = ins.run().and_then(|r| r.script.as_ref()) else {
        return cmds;
    };
    for c in &mut cmds.list {
        let at = c.words.len() - c.effective().words.len();
        let Some(w) = c.words.get(at).filter(|w| w.value.is_none()) else {
            continue;
        };
        // the reference's range is the name's: the word is `$NAME` or `${NAME}`
        let text = w.range.slice(src);
        let whole = |v: &VarRef| {
            let name = v.range.slice(src);
            text.strip_prefix('$') == Some(name)
                || text.strip_prefix("${").and_then(|t| t.strip_suffix('}')) == Some(name)
        };
        let Some(var) = script
            .vars
            .iter()
            .find(|v| w.range.cover(v.range) == w.range && whole(v))
        else {
            continue;
        };
        if script.sets.contains(&var.name) {
            continue;
        }
        let Some(Some(value)) = scope.get(&var.name) else {
            continue;
        };
        let plain = |p: &str| {
            !p.starts_with('-')
                && p.chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '_' | '.' | '/' | '+' | ':' | '@' | '=' | '-'))
        };
        let pieces: Vec<&str> = value.split_ascii_whitespace().collect();
        if pieces.is_empty() || !pieces.iter().all(|p| plain(p)) {
            continue;
        }
        let mut words = c.words[..at].to_vec();
        words.extend(pieces.iter().map(|p| Word {
            range: w.range,
            value: Some((*p).to_string()),
        }));
        words.extend_from_slice(&c.words[at + 1..]);
        let expanded = Command::new(
            c.range,
            c.assignments.clone(),
            words,
            c.connector,
            c.nested,
            c.conditional,
        );
        *c = Cow::Owned(expanded);
    }
    cmds
}

/// The value of `name` as `cmd` sees it: inline assignments, `export`s earlier in the same RUN,
/// then the instruction's scope. `None` = unset; `Some(None)` = set to something unknown.
pub fn env_of(name: &str, cmd: &Command, all: &Commands, scope: &Scope) -> Option<Var> {
    lookup(name, cmd.effective().env, cmd, all, scope)
}

/// [`env_of`] without `cmd`'s own inline assignments (`VAR=x cmd`): what surrounds the command.
pub fn env_outside(name: &str, cmd: &Command, all: &Commands, scope: &Scope) -> Option<Var> {
    lookup(name, cmd.wrapper_env(), cmd, all, scope)
}

fn lookup(
    name: &str,
    inline: &[(String, Option<String>)],
    cmd: &Command,
    all: &Commands,
    scope: &Scope,
) -> Option<Var> {
    if let Some((_, v)) = inline.iter().rev().find(|(k, _)| k == name) {
        return Some(v.clone());
    }
    let in_scope = scope.get(name);
    // the runtime sets `HOME` and `PATH` for every RUN
    let exported = in_scope.is_some() || matches!(name, "HOME" | "PATH");
    match all.exported(name, cmd.range.start, exported) {
        Some(v) => v,
        None => in_scope.cloned(),
    }
}

/// The literal value of word `i`, if any.
pub fn word(words: &[Word], i: usize) -> Option<&str> {
    words.get(i).and_then(|w| w.value.as_deref())
}

/// A command's basename (`/usr/bin/pip3` → `pip3`).
pub fn basename(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

/// A `find` that deletes what it finds: `find <starting points> … -delete`, or `-exec rm …`
/// (`-execdir`, `-ok`, `-okdir` too).
pub struct FindDeletes<'w> {
    /// The starting points (the words after `find` and its `-H`/`-L`/`-P`/`-D`/`-O` options, up to
    /// the expression).
    pub starts: Vec<&'w Word>,
    /// It selects what it deletes by name (a `-name`, `-path`, `-regex` or `-wholename` test, not
    /// negated): it deletes only some of what is under its starting points, so a starting point
    /// above a directory does not empty it.
    pub selective: bool,
}

/// [`FindDeletes`] of a command's (effective) words; `None` when it is not a `find` that deletes.
pub fn find_deletes(words: &[Word]) -> Option<FindDeletes<'_>> {
    if word(words, 0).map(basename) != Some("find") {
        return None;
    }
    let mut i = 1;
    // the options before the starting points
    while let Some(w) = word(words, i) {
        match w {
            "-H" | "-L" | "-P" => i += 1,
            "-D" => i += 2,
            _ if w.starts_with("-O") => i += 1,
            _ => break,
        }
    }
    let mut starts = Vec::new();
    while let Some(w) = words.get(i) {
        // a word dfix cannot read is a path (`"$DIR"`), never an expression
        if w.value
            .as_deref()
            .is_some_and(|v| v.starts_with('-') || v == "(" || v == "!")
        {
            break;
        }
        starts.push(w);
        i += 1;
    }
    let expr = &words[i..];
    let deletes = expr.iter().enumerate().any(|(j, w)| match w.value.as_deref() {
        Some("-delete") => true,
        Some("-exec" | "-execdir" | "-ok" | "-okdir") => word(expr, j + 1).map(basename) == Some("rm"),
        _ => false,
    });
    if !deletes || starts.is_empty() {
        return None;
    }
    let selective = expr.iter().enumerate().any(|(j, w)| {
        matches!(
            w.value.as_deref(),
            Some(
                "-name"
                    | "-iname"
                    | "-path"
                    | "-ipath"
                    | "-wholename"
                    | "-iwholename"
                    | "-regex"
                    | "-iregex"
                    | "-lname"
                    | "-ilname"
            )
        ) && !(j > 0 && matches!(word(expr, j - 1), Some("!" | "-not")))
    });
    Some(FindDeletes { starts, selective })
}

//! Edits fixes are made of, for any rule: add an option to a command, add mounts to a RUN,
//! put a command before or after another, insert a line above an instruction. Each returns one
//! [`Edit`] (or `None` where the edit would change what the RUN means); the rule makes the
//! [`Fix`](crate::diagnostic::Fix) with its own title and safety.

use crate::diagnostic::Edit;
use crate::semantic::tools::Call;
use crate::syntax::model::{Dockerfile, Instruction, Run, RunForm};
use crate::syntax::mounts::NewMount;
use crate::syntax::shell::{Command, ConnectorKind};
use crate::syntax::text::TextRange;
use std::borrow::Cow;

/// Inserts `option` after the call's subcommand word (exec form: as a new JSON element).
pub fn add_option(call: &Call, ins: &Instruction, option: &str) -> Edit {
    let at = call.words[call.sub].range.end;
    match ins.run().map(|r| &r.form) {
        Some(RunForm::Exec(_)) => Edit::insert(at, format!(", \"{option}\"")),
        _ => Edit::insert(at, format!(" {option}")),
    }
}

/// Inserts `--mount=… ` for each mount before the RUN's first flag or its command, written
/// for a file whose escape character is `escape` ([`NewMount::flag`]); `None` when a value
/// cannot be written so that BuildKit reads it back.
pub fn add_mounts(run: &Run, mounts: &[NewMount], escape: char) -> Option<Edit> {
    let mut flags = String::new();
    for m in mounts {
        flags.push_str(&m.flag(escape)?);
        flags.push(' ');
    }
    Some(Edit::insert(run.flag_insert_at, flags))
}

/// Inserts `line` and the file's line ending `eol` above the instruction.
pub fn insert_line_above(ins: &Instruction, line: &str, eol: &str) -> Edit {
    Edit::insert(ins.range.start, format!("{line}{eol}"))
}

/// Inserts `line` and the file's line ending `eol` above the instruction and the comment lines
/// directly above it, so that a suppression or `# check=` comment written for the instruction
/// stays with it.
pub fn insert_line_above_comments(src: &str, model: &Dockerfile, ins: &Instruction, line: &str, eol: &str) -> Edit {
    Edit::insert(above_comments(src, model, ins), format!("{line}{eol}"))
}

/// Where the comment lines directly above the instruction start (an unbroken run of comment
/// lines, the run a suppression comment reaches the instruction through), else where its first
/// line starts.
pub fn above_comments(src: &str, model: &Dockerfile, ins: &Instruction) -> usize {
    let line_start = |at: usize| src[..at].rfind('\n').map_or(0, |i| i + 1);
    let mut at = line_start(ins.range.start);
    while at > 0 {
        let prev = line_start(at - 1);
        let text = &src[prev..at];
        let hash = prev + (text.len() - text.trim_start().len());
        if text.trim_start().starts_with('#') && model.comments.iter().any(|c| c.start == hash) {
            at = prev;
        } else {
            break;
        }
    }
    at
}

/// The instruction's lines with the comment lines directly above it ([`above_comments`]), to
/// the start of the line after its last: what moving the instruction moves.
pub fn instruction_with_comments(src: &str, model: &Dockerfile, ins: &Instruction) -> TextRange {
    let end = model.line_start(ins.end_line).max(ins.range.end);
    TextRange::new(above_comments(src, model, ins), end)
}

/// Deletes whole lines that move elsewhere, with the blank line above them when one is below
/// them too (or the file ends there), so that no double blank line is left behind.
pub fn delete_moved(src: &str, lines: TextRange) -> Edit {
    let before = &src[..lines.start];
    let after = &src[lines.end..];
    let blank_above = before.ends_with("\n\n") || before.ends_with("\n\r\n");
    let blank_below = after.is_empty() || after.starts_with('\n') || after.starts_with("\r\n");
    if blank_above && blank_below {
        let cut = if before.ends_with("\r\n") { 2 } else { 1 };
        return Edit::delete(TextRange::new(lines.start - cut, lines.end));
    }
    Edit::delete(lines)
}

/// Appends ` && <command>` after the last command of a shell-form RUN, when that command ends
/// the script's top-level sequence (nothing but blanks and line continuations after it, and
/// not inside `$(…)`, a subshell or a compound command): the command then runs once everything
/// before it has succeeded. `None` otherwise.
pub fn append_to_run(src: &str, ins: &Instruction, command: &str) -> Option<Edit> {
    let run = ins.run()?;
    let RunForm::Shell(body) = &run.form else { return None };
    let script = run.script.as_ref().filter(|s| !s.has_error)?;
    let last = script.commands.iter().max_by_key(|c| c.range.end)?;
    if last.nested || last.range.end > body.end || last.range.end < body.start {
        return None;
    }
    let rest = src.get(last.range.end..body.end)?;
    if !rest
        .bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\\' | b'`'))
    {
        return None;
    }
    Some(Edit::insert(last.range.end, format!(" && {command}")))
}

/// Appends ` && <command>` right after the call, when the call is a plain step of the RUN's
/// top-level `&&`/`;` list (shell form, no heredoc): not inside `if`/`||`/a loop/`$(…)`, and
/// not a member of a pipeline.
pub fn append_after(call: &Call, ins: &Instruction, command: &str) -> Option<Edit> {
    let run = ins.run()?;
    if !matches!(run.form, RunForm::Shell(_)) || !ins.heredocs.is_empty() {
        return None;
    }
    let script = run.script.as_ref()?;
    let cmd = call.cmd;
    if script.has_error || cmd.nested || cmd.conditional || cmd.connector.is_some_and(|c| c.kind == ConnectorKind::Pipe)
    {
        return None;
    }
    let next = script.commands.iter().find(|c| c.range.start >= cmd.range.end);
    if let Some(next) = next {
        // `&&`, `;` or a newline (a first command of an `if`/loop has no connector: unknown)
        let ok = next
            .connector
            .is_some_and(|c| matches!(c.kind, ConnectorKind::And | ConnectorKind::Seq));
        if !ok {
            return None;
        }
    }
    Some(Edit::insert(cmd.range.end, format!(" && {command}")))
}

/// Inserts `<command> && ` before `cmd`, unless `cmd` follows `||` or `|`, or pipes into the
/// next command (`all` is every command of the RUN): there the new command would change what
/// runs, or what the pipe reads.
pub fn prepend_before(all: &[Cow<'_, Command>], cmd: &Command, command: &str) -> Option<Edit> {
    if cmd
        .connector
        .is_some_and(|c| matches!(c.kind, ConnectorKind::Or | ConnectorKind::Pipe))
    {
        return None;
    }
    let next = all
        .iter()
        .filter_map(|c| c.connector.filter(|k| k.range.start >= cmd.range.end))
        .min_by_key(|k| k.range.start);
    if next.is_some_and(|k| k.kind == ConnectorKind::Pipe) {
        return None;
    }
    Some(Edit::insert(cmd.range.start, format!("{command} && ")))
}

/// Deletes the instruction's lines, from the start of its first line to the start of the line
/// after its last (comment lines above it stay).
pub fn delete_instruction(model: &Dockerfile, ins: &Instruction) -> Edit {
    let start = model.line_start(ins.start_line - 1);
    let end = model.line_start(ins.end_line).max(ins.range.end);
    Edit::delete(TextRange::new(start, end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::apply_edits;
    use crate::semantic::commands;
    use crate::syntax::mounts::MountType;
    use crate::syntax::parse;

    /// `f` applied to the file's first RUN and its first package-manager call.
    fn edit(src: &str, f: impl Fn(&Call, &Instruction, &Run, &[Cow<Command>]) -> Option<Edit>) -> Option<String> {
        let model = parse(src);
        let runs = commands::runs(&model, src);
        let r = &runs[0];
        let source = crate::semantic::tools::Source::new(src);
        let calls = crate::semantic::tools::calls(&source, &r.commands, &r.scope);
        let e = f(&calls[0], r.eff, r.run, &r.commands)?;
        Some(apply_edits(src, &[&e]))
    }

    #[test]
    fn adds_an_option_after_the_subcommand() {
        let add = |c: &Call, i: &Instruction, _: &Run, _: &[Cow<Command>]| Some(add_option(c, i, "--no-cache-dir"));
        assert_eq!(
            edit("FROM python\nRUN pip install flask\n", add).unwrap(),
            "FROM python\nRUN pip install --no-cache-dir flask\n"
        );
        assert_eq!(
            edit("FROM python\nRUN [\"pip\", \"install\", \"flask\"]\n", add).unwrap(),
            "FROM python\nRUN [\"pip\", \"install\", \"--no-cache-dir\", \"flask\"]\n"
        );
    }

    #[test]
    fn adds_mounts_before_the_first_flag() {
        let add = |_: &Call, _: &Instruction, r: &Run, _: &[Cow<Command>]| {
            let tmpfs = NewMount {
                kind: MountType::Tmpfs,
                ..NewMount::cache("/b")
            };
            add_mounts(r, &[NewMount::cache("/a"), tmpfs], '\\')
        };
        assert_eq!(
            edit("FROM python\nRUN --network=none pip install flask\n", add).unwrap(),
            "FROM python\nRUN --mount=type=cache,target=/a --mount=type=tmpfs,target=/b --network=none pip install flask\n"
        );
    }

    #[test]
    fn inserts_a_line_with_the_files_line_ending() {
        let line = |_: &Call, i: &Instruction, _: &Run, _: &[Cow<Command>]| Some(insert_line_above(i, "# hi", "\r\n"));
        assert_eq!(
            edit("FROM python\r\nRUN pip install flask\r\n", line).unwrap(),
            "FROM python\r\n# hi\r\nRUN pip install flask\r\n"
        );
    }

    #[test]
    fn appends_to_the_run_only_at_the_end_of_its_top_level_sequence() {
        let append = |_: &Call, i: &Instruction, _: &Run, _: &[Cow<Command>]| {
            let src = "FROM debian\nRUN apt-get update && apt-get install -y curl \\\n  \n";
            append_to_run(src, i, "rm -rf /x")
        };
        assert_eq!(
            edit(
                "FROM debian\nRUN apt-get update && apt-get install -y curl \\\n  \n",
                append
            )
            .unwrap(),
            "FROM debian\nRUN apt-get update && apt-get install -y curl && rm -rf /x \\\n  \n"
        );
        let src = "FROM debian\nRUN (apt-get install -y curl)\n";
        assert_eq!(edit(src, |_, i, _, _| append_to_run(src, i, "rm -rf /x")), None);
        let src = "FROM debian\nRUN [\"apt-get\", \"install\", \"curl\"]\n";
        assert_eq!(edit(src, |_, i, _, _| append_to_run(src, i, "rm -rf /x")), None);
    }

    #[test]
    fn appends_after_a_plain_step_only() {
        let append =
            |c: &Call, i: &Instruction, _: &Run, _: &[Cow<Command>]| append_after(c, i, "npm cache clean --force");
        assert_eq!(
            edit("FROM node\nRUN npm install; echo done\n", append).unwrap(),
            "FROM node\nRUN npm install && npm cache clean --force; echo done\n"
        );
        assert_eq!(edit("FROM node\nRUN npm install | tee log\n", append), None);
        assert_eq!(edit("FROM node\nRUN npm install || true\n", append), None);
        assert_eq!(edit("FROM node\nRUN if true; then npm install; fi\n", append), None);
    }

    #[test]
    fn prepends_unless_it_would_change_what_runs() {
        let prepend =
            |c: &Call, _: &Instruction, _: &Run, all: &[Cow<Command>]| prepend_before(all, c.cmd, "mkdir -p /x");
        assert_eq!(
            edit("FROM alpine\nRUN apk add curl\n", prepend).unwrap(),
            "FROM alpine\nRUN mkdir -p /x && apk add curl\n"
        );
        assert_eq!(edit("FROM alpine\nRUN true || apk add curl\n", prepend), None);
        assert_eq!(edit("FROM alpine\nRUN apk add curl | tee log\n", prepend), None);
    }
}

//! What the contradiction rules share (a cache mount made useless in its own RUN): the RUNs with
//! a writable cache mount, the mount that persists a directory, the paths an `rm` removes, and
//! the edits that take a word or a whole command out of a RUN without breaking it.
//!
//! Removal never leaves a dangling `&&` or a broken continuation: a word or command alone on a
//! continuation line takes its line with it, and one that ends the instruction takes the escape
//! of the line before.

use super::Context;
use super::common;
use crate::diagnostic::{Edit, Fix};
use crate::semantic::commands::{self, RunRef, basename, word};
use crate::semantic::paths::{covers, mount_target};
use crate::semantic::scope::Scope;
use crate::semantic::tools::{Call, Tool};
use crate::syntax::model::{Dockerfile, RunForm};
use crate::syntax::mounts::MountType;
use crate::syntax::shell::{Command, ConnectorKind, Word};
use crate::syntax::text::TextRange;

/// A RUN (or ONBUILD RUN) with at least one writable cache mount. An ONBUILD trigger is
/// reported, never fixed (the child build decides user and environment).
pub type CacheRun<'a> = RunRef<'a>;

impl RunRef<'_> {
    /// The resolved target of a writable cache mount that covers `dir` (equal or an ancestor).
    pub fn covering(&self, dir: &str) -> Option<String> {
        self.run
            .mounts
            .iter()
            .filter(|m| m.kind == MountType::Cache && !m.readonly)
            .filter_map(|m| mount_target(m, &self.scope))
            .find(|t| covers(t, dir))
    }

    /// The character that continues a line of the script: the file's escape character, or `\`
    /// in a heredoc body (plain shell).
    fn escape(&self, model: &Dockerfile) -> char {
        match self.run.form {
            RunForm::Heredoc => '\\',
            _ => model.escape,
        }
    }
}

/// Every RUN of the file that has a writable cache mount and runs a command, with its
/// package-manager calls.
pub fn cache_runs<'a>(ctx: &Context<'a>) -> impl Iterator<Item = (&'a CacheRun<'a>, &'a [Call<'a>])> + use<'a> {
    ctx.runs().filter(|(r, _)| {
        !r.commands.is_empty() && r.run.mounts.iter().any(|m| m.kind == MountType::Cache && !m.readonly)
    })
}

/// Whether a variable's state turns a boolean switch on: set and not empty (pip ignores empty
/// values), with `falsy` values counting as off when the tool honours them.
/// A variable as `cmd` would see it without its own inline assignments (`VAR=x cmd`).
pub fn outside_value(name: &str, cmd: &Command, cr: &CacheRun) -> Option<Option<String>> {
    commands::env_outside(name, cmd, &cr.commands, &cr.scope)
}

/// Reports a finding in `cr`. Fixes are never offered in an ONBUILD trigger, and the finding
/// says so.
pub fn report(ctx: &mut Context, cr: &CacheRun, range: TextRange, message: impl Into<String>, fix: Option<Fix>) {
    let onbuild = fix.is_none() && cr.is_onbuild();
    let d = ctx.report(range, message);
    d.fix = fix;
    if onbuild {
        d.no_fix_reason = Some(common::ONBUILD_NO_FIX.to_string());
    }
}

/// Edits that remove these words and inline assignments from the command; `None` when one of
/// them cannot be removed safely (or the RUN is an ONBUILD trigger).
pub fn removal_edits(
    src: &str,
    model: &Dockerfile,
    cr: &CacheRun,
    words: &[&Word],
    assignments: &[TextRange],
) -> Option<Vec<Edit>> {
    if cr.is_onbuild() {
        return None;
    }
    let mut edits = Vec::new();
    for w in words {
        edits.push(remove_word(src, model, cr, w)?);
    }
    for a in assignments {
        edits.push(remove_word(src, model, cr, &Word { range: *a, value: None })?);
    }
    disjoint(&mut edits)?;
    Some(edits)
}

/// The variable is set to a value that is not empty. A value dfix cannot know (`ARG X` without a
/// default: unset unless the build passes it) is not taken for one.
pub fn set_nonempty(v: &Option<Option<String>>) -> bool {
    matches!(v, Some(Some(s)) if !s.trim().is_empty())
}

/// The first word at or after `start` that is not an option (`--` ends the options).
pub fn first_operand(words: &[Word], start: usize) -> Option<usize> {
    (start..words.len()).find(|&i| !words[i].value.as_deref().is_some_and(|v| v.starts_with('-')))
}

/// The operands of an `rm` (the effective command), with the directory each one empties: the
/// path itself, or the directory holding a glob (`/var/lib/apt/lists/*` empties
/// `/var/lib/apt/lists`). `None` paths are operands dfix cannot resolve.
pub fn rm_operands<'w>(src: &str, words: &'w [Word], scope: &Scope) -> Option<Vec<(&'w Word, Option<String>)>> {
    if words.first()?.value.as_deref().map(basename) != Some("rm") {
        return None;
    }
    let mut out = Vec::new();
    let mut options = true;
    for w in &words[1..] {
        if options {
            match w.value.as_deref() {
                Some("--") => {
                    options = false;
                    continue;
                }
                Some(v) if v.starts_with('-') => continue,
                _ => {}
            }
        }
        out.push((w, removed_dir(src, w, scope)));
    }
    Some(out)
}

/// The absolute directory an `rm` operand removes or empties.
fn removed_dir(src: &str, w: &Word, scope: &Scope) -> Option<String> {
    operand(src, w, scope).map(|o| o.dir)
}

/// A path operand as dfix reads it: the absolute directory it names (for a glob, the directory
/// holding it) and the pattern after that directory (`*` of `/root/.cache/*`).
pub struct Operand {
    pub dir: String,
    pub pattern: Option<String>,
}

/// [`Operand`] of a word (`~`, `$HOME` and the variables in scope resolved); `None` for what dfix
/// cannot resolve.
pub fn operand(src: &str, w: &Word, scope: &Scope) -> Option<Operand> {
    let raw = match &w.value {
        Some(v) => v.clone(),
        None => {
            let text = w.range.slice(src);
            if text.contains(['\'', '`']) || text.contains("$(") {
                return None;
            }
            text.replace('"', "")
        }
    };
    let raw = if let Some(rest) = raw.strip_prefix('~') {
        if !(rest.is_empty() || rest.starts_with('/')) {
            return None;
        }
        format!("{}{rest}", scope.home()?)
    } else if let Some(rest) = raw.strip_prefix("$HOME").or_else(|| raw.strip_prefix("${HOME}")) {
        format!("{}{rest}", scope.home()?)
    } else {
        raw
    };
    let (path, pattern) = if w.value.is_some() {
        (raw, None)
    } else {
        // only the part before the first pattern character is a path
        let at = raw.find(['*', '?', '[', '{']).unwrap_or(raw.len());
        let head = &raw[..at];
        let (head, pattern) = if at < raw.len() {
            let cut = head.rfind('/')? + 1;
            (&head[..cut], Some(raw[cut..].to_string()))
        } else {
            (head, None)
        };
        (scope.expand(head)?, pattern)
    };
    if !path.starts_with('/') || path.contains('$') {
        return None;
    }
    let clean = crate::syntax::go::clean_path(&path);
    (clean != "/").then_some(Operand { dir: clean, pattern })
}

/// What removing (or moving) an operand does to a directory `dir`, such as a cache mount's
/// target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// The operand is `dir` itself, written out (no pattern).
    Exact,
    /// It takes `dir` away with a directory that holds it (`/root/.cache` or `/root/.cache/*`
    /// for `/root/.cache/pip`), or names `dir` through a pattern: where `dir` is a mount point,
    /// that fails ("Device or resource busy").
    Holder,
    /// It removes what is inside `dir` (`dir/*`, `dir/http`).
    Inside,
}

impl Operand {
    /// How the operand reaches `dir`, and whether surely (`false`: a pattern that may match).
    pub fn reach(&self, dir: &str) -> Option<(Reach, bool)> {
        let dir = crate::syntax::go::clean_path(dir);
        if covers(&dir, &self.dir) {
            return Some(match (&self.pattern, self.dir == dir) {
                (None, true) => (Reach::Exact, true),
                _ => (Reach::Inside, true),
            });
        }
        if !covers(&self.dir, &dir) {
            return None;
        }
        let Some(pattern) = &self.pattern else {
            return Some((Reach::Holder, true));
        };
        // the components of `dir` below the operand's directory, matched one by one
        let below: Vec<&str> = dir[self.dir.len()..].split('/').filter(|c| !c.is_empty()).collect();
        let parts: Vec<&str> = pattern.split('/').filter(|c| !c.is_empty()).collect();
        let mut sure = true;
        for (i, part) in parts.iter().enumerate() {
            let Some(name) = below.get(i) else {
                return Some((Reach::Inside, sure));
            };
            match component_match(part, name) {
                Some(true) => {}
                Some(false) => return None,
                None => sure = false,
            }
        }
        Some((Reach::Holder, sure))
    }
}

/// Whether one component of a shell pattern matches a file name: `Some(true)` surely,
/// `Some(false)` not, `None` maybe (brackets, braces, variables). A leading `.` must be matched
/// by a literal `.` (the shell's `*` and `?` skip hidden files).
fn component_match(pattern: &str, name: &str) -> Option<bool> {
    if pattern.contains(['{', '$', '\\', '\'', '"']) {
        return None;
    }
    if name.starts_with('.') && !pattern.starts_with('.') {
        return Some(false);
    }
    let bracket = pattern.contains('[');
    // a `[…]` class matches one character: approximated by `?`, so a match is only a maybe
    let mut simple = String::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c == '[' {
            for d in chars.by_ref() {
                if d == ']' {
                    break;
                }
            }
            simple.push('?');
        } else {
            simple.push(c);
        }
    }
    let m = wildcard(simple.as_bytes(), name.as_bytes());
    match (m, bracket) {
        (false, _) => Some(false),
        (true, false) => Some(true),
        (true, true) => None,
    }
}

/// `*` and `?` wildcard matching.
fn wildcard(p: &[u8], s: &[u8]) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some((b'*', rest)) => (0..=s.len()).any(|i| wildcard(rest, &s[i..])),
        Some((b'?', rest)) => !s.is_empty() && wildcard(rest, &s[1..]),
        Some((c, rest)) => s.first() == Some(c) && wildcard(rest, &s[1..]),
    }
}

/// The operands of an `mv` that it moves (all but the destination, or all of them with `-t`).
pub fn mv_sources(words: &[Word]) -> Option<Vec<&Word>> {
    if words.first()?.value.as_deref().map(basename) != Some("mv") {
        return None;
    }
    let mut out = Vec::new();
    let mut options = true;
    let mut target_given = false;
    let mut skip = false;
    for w in &words[1..] {
        if skip {
            skip = false;
            continue;
        }
        if options {
            match w.value.as_deref() {
                Some("--") => {
                    options = false;
                    continue;
                }
                Some("-t" | "--target-directory") => {
                    target_given = true;
                    skip = true;
                    continue;
                }
                Some(v) if v.starts_with("--target-directory=") || v.starts_with("-t") && v.len() > 2 => {
                    target_given = true;
                    continue;
                }
                Some("-S" | "--suffix") => {
                    skip = true;
                    continue;
                }
                Some(v) if v.starts_with('-') => continue,
                _ => {}
            }
        }
        out.push(w);
    }
    if !target_given {
        out.pop();
    }
    Some(out)
}

/// An edit that removes one word of a command: in exec form the element and its comma; in shell
/// form the word and one adjacent blank, or its whole line when it stands alone on one.
pub fn remove_word(src: &str, model: &Dockerfile, cr: &CacheRun, word: &Word) -> Option<Edit> {
    if let RunForm::Exec(elements) = &cr.run.form {
        let i = elements.iter().position(|e| e.range == word.range)?;
        let range = match (elements.get(i + 1), i.checked_sub(1).map(|p| &elements[p])) {
            (Some(next), _) => TextRange::new(word.range.start, next.range.start),
            (None, Some(prev)) => TextRange::new(prev.range.end, word.range.end),
            (None, None) => return None,
        };
        return Some(Edit::delete(range));
    }
    remove_span(
        src,
        word.range.start,
        word.range.end,
        cr.escape(model),
        matches!(cr.run.form, RunForm::Heredoc),
    )
    .map(Edit::delete)
}

/// Where a command sits in its sequence, for deciding whether removing it is safe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// The last command of the script, joined by `&&`.
    TrailingAnd,
    /// Anywhere else a removal keeps the script valid.
    Other,
}

/// An edit that removes a whole command with the connector that joins it: the connector before
/// it, or, for the first command of a sequence, the connector after it. `None` when the command
/// cannot be taken out cleanly (in a pipeline, after `||`, inside a compound command or a
/// subshell, or the only command).
pub fn remove_command(src: &str, model: &Dockerfile, cr: &CacheRun, cmd: &Command) -> Option<(Edit, Place)> {
    if cmd.nested || cmd.conditional || cr.is_onbuild() {
        return None;
    }
    let escape = cr.escape(model);
    let heredoc = matches!(cr.run.form, RunForm::Heredoc);
    let next = cr.commands.iter().find(|c| c.range.start >= cmd.range.end);
    // the next command must not be piped from this one
    if let Some(n) = next
        && let Some(conn) = n.connector
        && conn.range.start >= cmd.range.end
        && matches!(conn.kind, ConnectorKind::Pipe)
    {
        return None;
    }
    match cmd.connector {
        Some(conn) => {
            if !matches!(conn.kind, ConnectorKind::And | ConnectorKind::Seq)
                || !only_blanks(src, conn.range.end, cmd.range.start, escape)
            {
                return None;
            }
            // a newline separator: the command's line goes, the newline stays
            let start = if conn.range.slice(src) == "\n" {
                cmd.range.start
            } else {
                conn.range.start
            };
            let range = remove_span(src, start, cmd.range.end, escape, heredoc)?;
            let place = if conn.kind == ConnectorKind::And && next.is_none() {
                Place::TrailingAnd
            } else {
                Place::Other
            };
            Some((Edit::delete(range), place))
        }
        None => {
            let n = next?;
            let conn = n.connector?;
            if n.nested != cmd.nested
                || !matches!(conn.kind, ConnectorKind::And | ConnectorKind::Seq)
                || conn.range.start < cmd.range.end
                || !only_blanks(src, cmd.range.end, conn.range.start, escape)
                || !only_blanks(src, conn.range.end, n.range.start, escape)
            {
                return None;
            }
            let end = if conn.range.slice(src) == "\n" {
                cmd.range.end
            } else {
                conn.range.end
            };
            let range = remove_span(src, cmd.range.start, end, escape, heredoc)?;
            Some((Edit::delete(range), Place::Other))
        }
    }
}

/// `src[from..to]` holds only blanks and line continuations (no comment, no other token).
fn only_blanks(src: &str, from: usize, to: usize, escape: char) -> bool {
    if from > to {
        return false;
    }
    let mut chars = src[from..to].chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\r' | '\n' => {}
            c if c == escape => {
                while chars.next_if(|&c| c == ' ' || c == '\t' || c == '\r').is_some() {}
                if chars.next() != Some('\n') {
                    return false;
                }
            }
            _ => return false,
        }
    }
    true
}

fn is_blank(s: &str) -> bool {
    s.chars().all(|c| c == ' ' || c == '\t')
}

/// The range to delete so that `src[start..end]` disappears and the text around it stays valid:
/// * inside a line: the span and one blank after it (else one before it);
/// * alone on a continuation line that goes on: the whole line;
/// * alone on the last line of the instruction: from the end of the previous line's content,
///   taking its escape character with it (in a heredoc body without a continuation: the line);
/// * at the start of a line with more after it: the span and the blanks after it.
fn remove_span(src: &str, start: usize, end: usize, escape: char, heredoc: bool) -> Option<TextRange> {
    let ls = src[..start].rfind('\n').map_or(0, |i| i + 1);
    let le = src[end..].find('\n').map_or(src.len(), |i| end + i);
    let before = &src[ls..start];
    let after = src[end..le].trim_end_matches('\r');
    let after_trim = after.trim_matches([' ', '\t']);
    let bytes = src.as_bytes();
    if !is_blank(before) {
        return Some(if matches!(bytes.get(end), Some(b' ' | b'\t')) {
            TextRange::new(start, end + 1)
        } else if start > 0 && matches!(bytes[start - 1], b' ' | b'\t') {
            TextRange::new(start - 1, end)
        } else {
            TextRange::new(start, end)
        });
    }
    let continues = after_trim.len() == escape.len_utf8() && after_trim.starts_with(escape);
    let line_end = (le + 1).min(src.len());
    if continues {
        return Some(TextRange::new(ls, line_end));
    }
    if !after_trim.is_empty() {
        let blanks = after.len() - after.trim_start_matches([' ', '\t']).len();
        return Some(TextRange::new(start, end + blanks));
    }
    // the span ends its logical line: the previous line's escape must go too
    if ls > 0 {
        let pls = src[..ls - 1].rfind('\n').map_or(0, |i| i + 1);
        let prev = src[pls..ls - 1].trim_end_matches(['\r', ' ', '\t']);
        if !prev.trim_start().starts_with('#')
            && let Some(content) = prev.strip_suffix(escape)
        {
            let p = pls + content.trim_end_matches([' ', '\t']).len();
            return Some(TextRange::new(p, end));
        }
    }
    heredoc.then(|| TextRange::new(ls, line_end))
}

/// Sorts `edits` and checks that no two overlap (touching is fine).
pub fn disjoint(edits: &mut [Edit]) -> Option<()> {
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    edits
        .windows(2)
        .all(|w| w[0].range.end <= w[1].range.start)
        .then_some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reach(dir: &str, pattern: Option<&str>, target: &str) -> Option<(Reach, bool)> {
        Operand {
            dir: dir.into(),
            pattern: pattern.map(str::to_string),
        }
        .reach(target)
    }

    #[test]
    fn operands_reach_a_mount_point() {
        let pip = "/root/.cache/pip";
        assert_eq!(reach(pip, None, pip), Some((Reach::Exact, true)));
        assert_eq!(reach("/root/.cache", None, pip), Some((Reach::Holder, true)));
        assert_eq!(reach("/root", None, pip), Some((Reach::Holder, true)));
        assert_eq!(reach("/root/.cache/pip/http", None, pip), Some((Reach::Inside, true)));
        assert_eq!(reach(pip, Some("*"), pip), Some((Reach::Inside, true)));
        assert_eq!(reach("/root/.cache", Some("*"), pip), Some((Reach::Holder, true)));
        assert_eq!(reach("/root/.cache", Some("p*"), pip), Some((Reach::Holder, true)));
        assert_eq!(reach("/root/.cache", Some("*.log"), pip), None);
        assert_eq!(reach("/root/.cache", Some("pip/*"), pip), Some((Reach::Inside, true)));
        // `*` and `?` skip hidden names; a class may match
        assert_eq!(reach("/root", Some("*"), pip), None);
        assert_eq!(reach("/root", Some("?cache"), pip), None);
        assert_eq!(reach("/root", Some(".c*"), pip), Some((Reach::Holder, true)));
        assert_eq!(reach("/root", Some(".[a-z]*"), pip), Some((Reach::Holder, false)));
        assert_eq!(reach("/root", Some("{.cache,.npm}"), pip), Some((Reach::Holder, false)));
        assert_eq!(reach("/tmp", None, pip), None);
        assert_eq!(reach("/root/.cache/pi", None, pip), None);
    }
}

/// Which of a tool's cache directories a clean-up command empties.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Which {
    All,
    /// Go's build cache (`go clean -cache`).
    GoBuild,
    /// Go's module cache (`go clean -modcache`).
    GoModules,
}

fn versioned(name: &str, base: &str) -> bool {
    name.strip_prefix(base)
        .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// The operand after index `i` (options skipped).
fn operand_after(words: &[Word], i: usize) -> Option<&str> {
    first_operand(words, i + 1).and_then(|j| word(words, j))
}

/// A clean-up command: the tool whose cache it empties, and which part.
pub fn clean_up(cmd: &Command) -> Option<(Tool, Vec<Which>)> {
    let words = cmd.effective().words;
    let name = basename(word(words, 0)?);
    let first = first_operand(words, 1)?;
    let sub = word(words, first)?;
    let all = || Some(vec![Which::All]);
    match name {
        _ if versioned(name, "pip") && sub == "cache" => {
            matches!(operand_after(words, first), Some("purge" | "remove")).then_some((Tool::Pip, vec![Which::All]))
        }
        _ if versioned(name, "python") => {
            let m = words.iter().position(|w| w.value.as_deref() == Some("-m"))?;
            if word(words, m + 1) != Some("pip") {
                return None;
            }
            let c = first_operand(words, m + 2)?;
            (word(words, c) == Some("cache") && matches!(operand_after(words, c), Some("purge" | "remove")))
                .then_some((Tool::Pip, vec![Which::All]))
        }
        "npm" if sub == "cache" => {
            matches!(operand_after(words, first), Some("clean" | "clear" | "rm")).then_some((Tool::Npm, all()?))
        }
        "yarn" if sub == "cache" => (operand_after(words, first) == Some("clean")).then_some((Tool::Yarn, all()?)),
        "uv" if sub == "cache" => (operand_after(words, first) == Some("clean")).then_some((Tool::Uv, all()?)),
        "go" if sub == "clean" => {
            let mut which = Vec::new();
            for w in &words[first + 1..] {
                match w.value.as_deref() {
                    Some("-cache" | "--cache") => which.push(Which::GoBuild),
                    Some("-modcache" | "--modcache") => which.push(Which::GoModules),
                    _ => {}
                }
            }
            (!which.is_empty()).then_some((Tool::Go, which))
        }
        "conda" | "mamba" | "micromamba" if sub == "clean" => Some((Tool::Conda, vec![Which::All])),
        "dnf" | "dnf5" | "dnf-3" | "yum" if sub == "clean" => {
            let what = operand_after(words, first)?;
            if !matches!(what, "all" | "packages" | "metadata" | "dbcache") {
                return None;
            }
            Some((if name == "yum" { Tool::Yum } else { Tool::Dnf }, vec![Which::All]))
        }
        "zypper" if matches!(sub, "clean" | "cc") => Some((Tool::Zypper, vec![Which::All])),
        _ => None,
    }
}

/// The directories of `call` that `which` selects.
pub fn selected(call: &Call, which: Which) -> Vec<String> {
    let Some(dirs) = &call.dirs else { return Vec::new() };
    let paths: Vec<String> = dirs.iter().map(|d| d.path.clone()).collect();
    match (which, call.tool, paths.len()) {
        (Which::All, _, _) => paths,
        // `go build` and friends: [build cache, module cache]; `go mod …`: [module cache]
        (Which::GoBuild, Tool::Go, 2) => vec![paths[0].clone()],
        (Which::GoModules, Tool::Go, 2) => vec![paths[1].clone()],
        (Which::GoModules, Tool::Go, 1) => paths,
        _ => Vec::new(),
    }
}

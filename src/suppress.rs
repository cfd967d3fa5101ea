//! Inline suppression: `# dfix: ignore=…` comments directly above an instruction,
//! `# dfix: ignore-file[=…]`, and the pragmas of the tools dfix replaces — hadolint's
//! `# hadolint ignore=…` / `global ignore=…` / `stage ignore=…` and BuildKit's `# check=skip=…`
//! (file-wide as a directive, per instruction when directly above it) — mapped through the
//! rules' aliases.

use crate::diagnostic::{Diagnostic, Edit};
use crate::rules::RuleId;
use crate::settings::resolve;
use crate::syntax::directives::{KNOWN, check_comment_target, check_skip, instruction_below, parse_line};
use crate::syntax::model::Dockerfile;
use crate::syntax::text::{LineIndex, TextRange};
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Dfix,
    Hadolint,
    BuildKit,
}

/// Where a suppression applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// The instruction directly below (its index).
    Instruction(usize),
    /// The stage (its index).
    Stage(usize),
    File,
}

/// One name in a suppression list.
#[derive(Clone, Debug)]
pub struct Name {
    pub text: String,
    pub range: TextRange,
    /// The rules it stands for (empty when unknown, or for a group without rules).
    pub rules: Vec<RuleId>,
    /// Neither a rule, an alias nor a group (a typo, or a rule dfix does not have).
    pub unknown: bool,
    /// A ShellCheck code (`SC2086`): it stands for the `shellcheck` findings of that code only.
    pub code: Option<u16>,
}

#[derive(Clone, Debug)]
pub struct Suppression {
    pub origin: Origin,
    pub reach: Reach,
    /// Empty with `all`: every rule.
    pub names: Vec<Name>,
    pub all: bool,
    /// The comment line (without its line break).
    pub comment: TextRange,
    /// The list of names (for edits), when there is one.
    pub list: Option<TextRange>,
    /// Not honoured: a `# dfix:` comment above parser directives ends their block.
    pub breaks_directives: bool,
}

impl Suppression {
    pub fn covers_rule(&self, rule: RuleId) -> bool {
        self.all || self.names.iter().any(|n| n.rules.contains(&rule))
    }
}

/// BuildKit's `skip=all` means every BuildKit check: the rules with a BuildKit alias.
fn buildkit_names(list: &str, base: usize) -> Vec<Name> {
    let mut out = names(list, base);
    for n in out.iter_mut().filter(|n| n.text == "all") {
        n.rules = resolve("buildkit").map(|s| s.rules).unwrap_or_default();
    }
    out
}

/// Splits `a,b c` into names with their ranges (`base` is the offset of `list`).
fn names(list: &str, base: usize) -> Vec<Name> {
    let mut out = Vec::new();
    let mut pos = 0;
    for part in list.split([',', ' ', '\t']) {
        let start = pos;
        pos += part.len() + 1;
        if part.is_empty() {
            continue;
        }
        let resolved = resolve(part);
        out.push(Name {
            text: part.to_string(),
            range: TextRange::new(base + start, base + start + part.len()),
            unknown: resolved.is_err(),
            rules: resolved.map(|s| s.rules).unwrap_or_default(),
            code: crate::settings::shellcheck_code(part),
        });
    }
    out
}

/// Whether a comment line (left-trimmed, `#` first) is a suppression: `# dfix: ignore…`, a
/// hadolint pragma or BuildKit's `# check=` above an instruction.
pub fn is_suppression(src: &str, range: TextRange) -> bool {
    let text = range.slice(src);
    parse_comment(src, range).is_some() || text.trim_start_matches('#').trim_start().starts_with("check=")
}

/// Parses one comment line (left-trimmed, `#` first).
fn parse_comment(src: &str, range: TextRange) -> Option<(Origin, &'static str, Option<TextRange>)> {
    let text = range.slice(src);
    let body = text.strip_prefix('#')?;
    let lead = body.len() - body.trim_start().len();
    let body = body.trim_start();
    let at = range.start + 1 + lead;
    // the list ends at ` -- reason` or the end of the line
    let list_of = |prefix: &str| {
        let start = at + prefix.len();
        let rest = &src[start..range.end];
        let end = rest.find(" --").unwrap_or(rest.len());
        let list = rest[..end].trim_end();
        TextRange::new(start, start + list.len())
    };
    if let Some(rest) = body.strip_prefix("dfix:") {
        let l = rest.len() - rest.trim_start().len();
        let prefix_len = "dfix:".len() + l;
        let rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("ignore-file") {
            if after.starts_with('=') {
                return Some((
                    Origin::Dfix,
                    "file",
                    Some(list_of(&body[..prefix_len + "ignore-file=".len()])),
                ));
            }
            return after.trim().is_empty().then_some((Origin::Dfix, "file", None));
        }
        if rest.starts_with("ignore=") {
            return Some((
                Origin::Dfix,
                "next",
                Some(list_of(&body[..prefix_len + "ignore=".len()])),
            ));
        }
        return None;
    }
    if let Some(rest) = body.strip_prefix("hadolint") {
        let words: Vec<&str> = rest.split_whitespace().collect();
        let (reach, key) = match words.as_slice() {
            [w, ..] if w.starts_with("ignore=") => ("next", "ignore="),
            ["global", w, ..] if w.starts_with("ignore=") => ("file", "ignore="),
            ["stage", w, ..] if w.starts_with("ignore=") => ("stage", "ignore="),
            _ => return None,
        };
        let key_at = body.find(key)?;
        let start = at + key_at + key.len();
        let list = body[key_at + key.len()..].split_whitespace().next().unwrap_or_default();
        return Some((Origin::Hadolint, reach, Some(TextRange::new(start, start + list.len()))));
    }
    None
}

/// Every suppression of the file.
pub fn collect(src: &str, model: &Dockerfile) -> Vec<Suppression> {
    let index = LineIndex::new(src);
    let mut out = Vec::new();
    // the instruction directly below a comment: the next instruction whose first line follows
    // an unbroken run of comment lines
    let comment_lines: Vec<usize> = model.comments.iter().map(|c| index.line_of(c.start)).collect();
    let below = |line: usize| instruction_below(model, &comment_lines, line);
    let first_instruction_line = model.instructions.first().map_or(usize::MAX, |i| i.start_line - 1);
    // directive-shaped lines that a comment above them would cut off from the block
    let directive_lines: Vec<usize> = model
        .comments
        .iter()
        .filter(|c| parse_line(src, **c, 0).is_some_and(|d| KNOWN.contains(&d.key.as_str())))
        .map(|c| index.line_of(c.start))
        .collect();
    for (at, (c, &line)) in model.comments.iter().zip(&comment_lines).enumerate() {
        if let Some((origin, reach, list)) = parse_comment(src, *c) {
            let reach = match reach {
                "file" => Reach::File,
                "stage" => match below(line).and_then(|i| model.instructions[i].stage) {
                    Some(s) => Reach::Stage(s),
                    None => continue,
                },
                _ => match below(line) {
                    Some(i) => Reach::Instruction(i),
                    None => continue,
                },
            };
            let names = list.map(|l| names(l.slice(src), l.start)).unwrap_or_default();
            // the comment is the line that ended the directive block, and a directive follows it
            let breaks = origin == Origin::Dfix
                && line == model.directives.block_end_line
                && line < first_instruction_line
                && directive_lines.contains(&(line + 1));
            let all = list.is_none() || names.iter().any(|n| n.text == "ALL");
            out.push(Suppression {
                origin,
                reach,
                names,
                all,
                comment: *c,
                list,
                breaks_directives: breaks,
            });
        } else if let Some(d) = parse_line(src, *c, line).filter(|d| d.key == "check") {
            // `# check=skip=…` BuildKit reads for the instruction below (frontend 1.21+)
            let target = check_comment_target(src, model, &comment_lines, at);
            let (Some(i), Some(list)) = (target, check_skip(src, d.value_range)) else {
                continue;
            };
            let names = buildkit_names(list.slice(src), list.start);
            out.push(Suppression {
                origin: Origin::BuildKit,
                reach: Reach::Instruction(i),
                names,
                all: false,
                comment: *c,
                list: Some(list),
                breaks_directives: false,
            });
        }
    }
    if let Some(d) = model.directives.get("check")
        && let Some(list) = check_skip(src, d.value_range)
    {
        let names = buildkit_names(list.slice(src), list.start);
        out.push(Suppression {
            origin: Origin::BuildKit,
            reach: Reach::File,
            names,
            all: false,
            comment: d.line_range,
            list: Some(list),
            breaks_directives: false,
        });
    }
    out
}

/// Does `s` apply to a finding at `range`?
fn reaches(s: &Suppression, model: &Dockerfile, range: TextRange) -> bool {
    match s.reach {
        Reach::File => true,
        Reach::Instruction(i) => {
            model.instructions[i].range.start <= range.start && range.start <= model.instructions[i].range.end
        }
        Reach::Stage(st) => {
            let stage = &model.stages[st];
            let (a, b) = (&model.instructions[stage.from], &model.instructions[stage.last]);
            a.range.start <= range.start && range.start <= b.range.end
        }
    }
}

/// Removes suppressed findings; returns, per suppression and name, whether it was used.
pub fn apply(model: &Dockerfile, sups: &[Suppression], diagnostics: &mut Vec<Diagnostic>) -> Vec<Vec<bool>> {
    let mut used: Vec<Vec<bool>> = sups.iter().map(|s| vec![false; s.names.len().max(1)]).collect();
    // the suppressions of each instruction; those of a stage or the file are few
    let mut of_instruction: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut wide: Vec<usize> = Vec::new();
    for (k, s) in sups.iter().enumerate().filter(|(_, s)| !s.breaks_directives) {
        match s.reach {
            Reach::Instruction(i) => of_instruction.entry(i).or_default().push(k),
            _ => wide.push(k),
        }
    }
    diagnostics.retain(|d| {
        let rule = d.rule;
        // the instruction that holds the finding's start: the last one that starts at or
        // before it, or the one before when their ranges touch
        let n = model.instructions.partition_point(|i| i.range.start <= d.range.start);
        let near = (n.saturating_sub(2)..n)
            .filter_map(|i| of_instruction.get(&i))
            .flatten();
        let mut kept = true;
        for &k in near.chain(&wide) {
            let s = &sups[k];
            if !reaches(s, model, d.range) {
                continue;
            }
            if s.all {
                used[k][0] = true;
                kept = false;
            }
            for (n, name) in s.names.iter().enumerate() {
                if name.rules.contains(&rule) && name.code.is_none_or(|c| d.code == Some(c)) {
                    used[k][n] = true;
                    kept = false;
                }
            }
        }
        kept
    });
    used
}

/// Where a comment line placed directly above instruction `i` goes: the start of the comment
/// run above it (so pragmas that must sit directly above the instruction stay there), with the
/// instruction's indentation.
/// `comment_lines`: the line of each comment, in source order.
fn above(src: &str, model: &Dockerfile, index: &LineIndex, comment_lines: &[usize], i: usize) -> (usize, String) {
    let ins = &model.instructions[i];
    let mut line = ins.start_line - 1;
    while line > 0 && comment_lines.binary_search(&(line - 1)).is_ok() {
        line -= 1;
    }
    let at = index.line_start(line);
    let ins_line = index.line_start(ins.start_line - 1);
    let indent = &src[ins_line..ins.keyword_range.start];
    (at, indent.to_string())
}

/// The instruction a `# dfix: ignore=…` comment for a finding at `range` goes above; `None`
/// when the finding lies outside every instruction (it takes `# dfix: ignore-file=…`).
pub fn instruction_of(model: &Dockerfile, range: TextRange) -> Option<usize> {
    // instructions are in source order: only the last ones that start at or before the
    // finding can hold it
    let n = model.instructions.partition_point(|i| i.range.start <= range.start);
    (n.saturating_sub(2)..n).find(|&k| {
        let i = &model.instructions[k];
        range.start <= i.range.end && range.end <= i.range.end.max(range.start)
    })
}

/// `--add-ignore`: the text with a `# dfix: ignore=…` comment for every finding (merged into an
/// existing one), and `# dfix: ignore-file=…` for findings outside any instruction. `None` when
/// there is nothing to add.
pub fn add_ignores(src: &str, model: &Dockerfile, diagnostics: &[Diagnostic]) -> Option<String> {
    let edits = ignore_edits(src, model, diagnostics);
    if edits.is_empty() {
        return None;
    }
    Some(crate::fix::apply_edits(src, &edits.iter().collect::<Vec<_>>()))
}

/// The edits that suppress `diagnostics` with `# dfix:` comments (what `--add-ignore` writes,
/// and the language server's "Ignore" action), sorted by start; empty when there is nothing to
/// add. Findings of rules that break the build are never suppressed: such a file must not pass.
pub fn ignore_edits(src: &str, model: &Dockerfile, diagnostics: &[Diagnostic]) -> Vec<Edit> {
    use std::collections::BTreeMap;
    if diagnostics.is_empty() {
        return Vec::new();
    }
    let index = LineIndex::new(src);
    let eol = model.line_ending.as_str();
    let sups = collect(src, model);
    let comment_lines: Vec<usize> = model.comments.iter().map(|c| index.line_of(c.start)).collect();
    // the first `# dfix:` list of each instruction
    let mut listed: HashMap<usize, &Suppression> = HashMap::new();
    for s in sups
        .iter()
        .filter(|s| s.origin == Origin::Dfix && s.list.is_some() && !s.breaks_directives)
    {
        if let Reach::Instruction(i) = s.reach {
            listed.entry(i).or_insert(s);
        }
    }
    let mut per_instruction: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut file_level: Vec<String> = Vec::new();
    let suppressible = diagnostics.iter().filter(|d| !d.rule.meta().breaks_build);
    for d in suppressible {
        let list = match instruction_of(model, d.range) {
            Some(i) => per_instruction.entry(i).or_default(),
            None => &mut file_level,
        };
        // a ShellCheck finding by its code: the other codes there stay reported
        let name = d.suppression_name();
        if !list.contains(&name) {
            list.push(name);
        }
    }
    let mut edits: Vec<Edit> = Vec::new();
    let merge = |s: &Suppression, rules: &[String], edits: &mut Vec<Edit>| {
        let list = s.list.expect("a dfix list");
        let new: Vec<&str> = rules
            .iter()
            .map(String::as_str)
            .filter(|r| !s.names.iter().any(|n| n.text == *r))
            .collect();
        if !new.is_empty() {
            let sep = if list.is_empty() { "" } else { "," };
            edits.push(Edit::insert(list.end, format!("{sep}{}", new.join(","))));
        }
    };
    for (i, rules) in &per_instruction {
        match listed.get(i) {
            Some(s) => merge(s, rules, &mut edits),
            None => {
                let (at, indent) = above(src, model, &index, &comment_lines, *i);
                edits.push(Edit::insert(
                    at,
                    format!("{indent}# dfix: ignore={}{eol}", rules.join(",")),
                ));
            }
        }
    }
    if !file_level.is_empty() {
        match sups
            .iter()
            .find(|s| s.origin == Origin::Dfix && s.reach == Reach::File && s.list.is_some() && !s.breaks_directives)
        {
            Some(s) => merge(s, &file_level, &mut edits),
            None => {
                let line = format!("# dfix: ignore-file={}{eol}", file_level.join(","));
                match model.instructions.first() {
                    // after the directive block: directly above the first instruction
                    Some(_) => {
                        let (at, _) = above(src, model, &index, &comment_lines, 0);
                        edits.push(Edit::insert(at, line));
                    }
                    None => {
                        let lead = if src.is_empty() || src.ends_with('\n') { "" } else { eol };
                        edits.push(Edit::insert(src.len(), format!("{lead}{line}")));
                    }
                }
            }
        }
    }
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    edits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn sups(src: &str) -> Vec<Suppression> {
        collect(src, &parse(src))
    }

    #[test]
    fn forms() {
        let src = "# check=skip=JSONArgsRecommended\nFROM a\n# hadolint global ignore=DL3042\n# dfix: ignore=pip-without-cache-mount,DL3042 -- legacy\n\
                   # hadolint ignore=DL3008\nRUN pip install x\n# dfix: ignore-file=invalid-mount\n# hadolint stage ignore=DL3042\n# check=skip=all\nRUN x\n# dfix: ignore-file\n";
        let s = sups(src);
        let summary: Vec<_> = s
            .iter()
            .map(|s| {
                (
                    s.origin,
                    s.reach,
                    s.names.iter().map(|n| n.text.as_str()).collect::<Vec<_>>(),
                    s.all,
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (Origin::Hadolint, Reach::File, vec!["DL3042"], false),
                (
                    Origin::Dfix,
                    Reach::Instruction(1),
                    vec!["pip-without-cache-mount", "DL3042"],
                    false
                ),
                (Origin::Hadolint, Reach::Instruction(1), vec!["DL3008"], false),
                (Origin::Dfix, Reach::File, vec!["invalid-mount"], false),
                (Origin::Hadolint, Reach::Stage(0), vec!["DL3042"], false),
                (Origin::BuildKit, Reach::Instruction(2), vec!["all"], false),
                (Origin::Dfix, Reach::File, vec![], true),
                (Origin::BuildKit, Reach::File, vec!["JSONArgsRecommended"], false),
            ]
        );
        let names = &s[1].names;
        assert_eq!(names[1].range.slice(src), "DL3042");
        assert!(names[0].rules == names[1].rules && !names[0].rules.is_empty());
        assert!(s[3].names[0].rules.len() == 1);
    }

    #[test]
    fn a_blank_line_breaks_directly_above() {
        assert!(sups("FROM a\n# dfix: ignore=DL3042\n\nRUN pip install x\n").is_empty());
        assert_eq!(
            sups("FROM a\n# dfix: ignore=DL3042\n# other\nRUN pip install x\n").len(),
            1
        );
    }

    #[test]
    fn a_dfix_comment_above_directives_is_not_honoured() {
        let s = sups("# dfix: ignore-file\n# syntax=docker/dockerfile:1\nFROM a\n");
        assert!(s[0].breaks_directives);
        let s = sups("# syntax=docker/dockerfile:1\n# dfix: ignore-file\nFROM a\n");
        assert!(!s[0].breaks_directives);
    }
}

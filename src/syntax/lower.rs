//! Builds the typed model: BuildKit's boundaries from `scan`, BuildKit's checks from `check`,
//! and the inside of instructions from tree-sitter (the containerfile grammar for values and
//! image references, tree-sitter-bash for RUN scripts).

use super::check::check_raw;
use super::json::parse_string_array;
use super::lexer::word_value;
use super::model::*;
use super::mounts::parse_mount;
use super::scan::{RawInstruction, is_split_space, physical_lines, scan};
use super::shell::{Reuse, Scripts, parse_script};
use super::text::TextRange;
use rayon::prelude::*;
use std::cell::RefCell;
use tree_sitter::{Node, Parser};

thread_local! {
    static PARSER: RefCell<Parser> = RefCell::new({
        let mut p = Parser::new();
        p.set_language(&tree_sitter_containerfile::LANGUAGE.into())
            .expect("the containerfile grammar is compatible with the tree-sitter runtime");
        p
    });
}

/// From how many instructions a file is lowered in parallel: below, the threads cost more than
/// they save (and the command line already lints files in parallel).
const PARALLEL_FROM: usize = 128;

pub fn parse(src: &str) -> Dockerfile {
    build(src, None, None)
}

/// Parses `src` as [`parse`] does, taking the commands of every RUN whose script did not change
/// from `scripts` (the previous parse of the same document); leaves this parse's there.
pub fn parse_reusing(src: &str, scripts: &mut Scripts) -> Dockerfile {
    let reuse = Reuse::new(scripts);
    let model = build(src, None, Some(&reuse));
    *scripts = reuse.into_scripts();
    model
}

/// `parallel`: lower the instructions on all cores or not; `None` decides by the file's length.
fn build(src: &str, parallel: Option<bool>, reuse: Option<&Reuse>) -> Dockerfile {
    let scanned = scan(src);
    let escape = scanned.directives.escape();
    let line_starts: Vec<usize> = physical_lines(src).iter().map(|l| l.full.start).collect();
    let line_ending = match src.find('\n') {
        Some(i) if i > 0 && src.as_bytes()[i - 1] == b'\r' => LineEnding::CrLf,
        _ => LineEnding::Lf,
    };
    let mut errors = Vec::new();
    if let Some(e) = &scanned.error {
        errors.push(SyntaxError {
            message: e.message.clone(),
            range: e.range,
            stage: ErrorStage::Parse,
        });
    }
    let mut instructions = Vec::with_capacity(scanned.instructions.len());
    let mut stages: Vec<Stage> = Vec::new();
    // the ARGs before the first FROM, with their defaults: what a FROM's image may refer to
    let mut meta: std::collections::HashMap<String, Option<String>> = std::collections::HashMap::new();
    // each instruction is lowered alone (its script parsed by tree-sitter-bash, the bulk of the
    // work); a long file's are lowered on all cores
    let lower = |raw: &RawInstruction| {
        let (nargs, checked) = check_raw(raw, escape);
        (lower_instruction(src, raw, escape, nargs, reuse), checked)
    };
    let lowered: Vec<_> = if parallel.unwrap_or(scanned.instructions.len() >= PARALLEL_FROM) {
        scanned.instructions.par_iter().with_min_len(32).map(lower).collect()
    } else {
        scanned.instructions.iter().map(lower).collect()
    };
    for (mut ins, checked) in lowered {
        if let Err(p) = checked {
            ins.invalid = true;
            let stage = if p.fatal {
                ErrorStage::Parse
            } else {
                ErrorStage::Instructions
            };
            let message = if p.fatal {
                p.message
            } else {
                format!("dockerfile parse error on line {}: {}", ins.start_line, p.message)
            };
            errors.push(SyntaxError {
                message,
                range: ins.range,
                stage,
            });
        }
        mount_errors(&mut ins, &mut errors);
        let index = instructions.len();
        match ins.kind {
            Kind::From => {
                let (name, base) = match &ins.body {
                    Body::From(f) => (
                        f.name.clone(),
                        f.image.as_ref().and_then(|i| {
                            i.text
                                .resolve(&|n| meta.get(n).cloned().flatten().map(Some))
                                .filter(|b| !b.is_empty())
                        }),
                    ),
                    _ => (None, None),
                };
                // the last earlier stage of that name: BuildKit's `statesByName` keeps the latest,
                // under the lowercased name, and `addState` looks the base up as written, so
                // `FROM Build` does not find `AS build` (it is the image `Build`, which fails)
                let parent = base
                    .as_deref()
                    .and_then(|b| stages.iter().rposition(|s| s.name.as_deref() == Some(b)));
                let posix = match parent {
                    Some(p) => stages[p].posix_shell,
                    // a Windows image by name or tag (`ImageRef::is_windows`): RUN goes to `cmd`
                    None => !base
                        .as_deref()
                        .is_some_and(|b| crate::syntax::image::ImageRef::parse(b).is_windows()),
                };
                stages.push(Stage {
                    from: index,
                    last: index,
                    name,
                    parent,
                    base: if parent.is_some() { None } else { base },
                    posix_shell: posix,
                });
                ins.stage = Some(stages.len() - 1);
            }
            Kind::Arg if stages.is_empty() => {
                if let (Body::Arg(pairs), false) = (&ins.body, ins.invalid) {
                    for p in pairs {
                        let v = match &p.value {
                            Some(v) => v.resolve(&|n| meta.get(n).cloned().flatten().map(Some)),
                            None => None,
                        };
                        meta.insert(p.key.clone(), v);
                    }
                }
            }
            _ if stages.is_empty() => {
                if !ins.invalid {
                    ins.invalid = true;
                    errors.push(SyntaxError {
                        message: "no build stage in current context".into(),
                        range: ins.range,
                        stage: ErrorStage::Instructions,
                    });
                }
            }
            _ => {
                let s = stages.len() - 1;
                stages[s].last = index;
                ins.stage = Some(s);
                if let Body::Shell(argv) = &ins.body {
                    stages[s].posix_shell = argv.first().is_some_and(|sh| is_posix_shell(sh));
                }
                // a script for another shell is not bash: rules stay silent about it
                if !stages[s].posix_shell {
                    ins.shell_vars.clear();
                    ins.shell_sets.clear();
                    if let Body::Run(run) = &mut ins.body {
                        run.script = None;
                    }
                }
            }
        }
        instructions.push(ins);
    }
    Dockerfile {
        len: src.len(),
        bom: scanned.bom,
        line_ending,
        escape,
        directives: scanned.directives,
        instructions,
        stages,
        errors,
        comments: scanned.comments,
        line_starts,
    }
}

fn is_posix_shell(program: &str) -> bool {
    let name = program.rsplit(['/', '\\']).next().unwrap_or(program);
    matches!(
        name,
        "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh" | "mksh" | "busybox"
    )
}

/// The instruction-stage mount checks (CSV and `from=$`); the rest is `invalid-mount`'s.
fn mount_errors(ins: &mut Instruction, errors: &mut Vec<SyntaxError>) {
    let Some(e) = ins.run().and_then(|r| r.mount_parse_errors.first()) else {
        return;
    };
    if ins.invalid {
        return;
    }
    let message = format!("dockerfile parse error on line {}: {}", ins.start_line, e.message);
    ins.invalid = true;
    errors.push(SyntaxError {
        message,
        range: ins.range,
        stage: ErrorStage::Instructions,
    });
}

fn lower_flags(raw_flags: &[super::scan::RawFlag]) -> Vec<Flag> {
    raw_flags
        .iter()
        .map(|f| {
            let arg = f.word.strip_prefix("--").unwrap_or(&f.word);
            let (name, value) = match arg.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (arg.to_string(), None),
            };
            Flag {
                name,
                value,
                range: f.range,
            }
        })
        .collect()
}

fn lower_instruction(
    src: &str,
    raw: &RawInstruction,
    escape: char,
    nargs: usize,
    reuse: Option<&Reuse>,
) -> Instruction {
    let kind = Kind::from_word(&raw.command_text);
    let rest_text = raw.rest_text();
    let args = raw.rest_range();
    // the exec form: the whole argument text, or HEALTHCHECK's text after its type word
    let json_at = match kind {
        Kind::Run | Kind::Cmd | Kind::Entrypoint | Kind::Shell | Kind::Copy | Kind::Add | Kind::Volume => Some(0),
        Kind::Healthcheck => rest_text
            .find(is_split_space)
            .map(|i| i + (rest_text[i..].len() - rest_text[i..].trim_start().len())),
        _ => None,
    };
    let json = json_at.and_then(|at| {
        let items = parse_string_array(&rest_text[at..])?.ok()?;
        let base = raw.rest.0 + at;
        Some(
            items
                .into_iter()
                .map(|s| Word {
                    value: s.value,
                    range: raw.joined.source_range(base + s.start, base + s.end),
                })
                .collect(),
        )
    });
    let heredocs: Vec<Heredoc> = raw
        .heredocs
        .iter()
        .map(|h| Heredoc {
            name: h.name.clone(),
            expand: h.expand,
            chomp: h.chomp,
            marker: h.marker,
            body: h.body,
        })
        .collect();
    let flags = lower_flags(&raw.flags);
    let mut ins = Instruction {
        kind,
        keyword: raw.command_text.clone(),
        keyword_range: raw.command,
        range: raw.range,
        start_line: raw.start_line,
        end_line: raw.end_line,
        flags,
        args,
        args_text: rest_text.to_string(),
        json,
        heredocs,
        body: Body::Other,
        stage: None,
        invalid: false,
        nargs,
        vars: Vec::new(),
        shell_vars: Vec::new(),
        shell_sets: Vec::new(),
        empty_lines: raw.empty_lines.clone(),
    };
    ins.body = match kind {
        Kind::Run => Body::Run(lower_run(src, raw, &ins, escape, reuse)),
        Kind::Onbuild => lower_onbuild(src, raw, escape, reuse).map_or(Body::Other, |i| Body::Onbuild(Box::new(i))),
        Kind::From => Body::From(lower_from(src, raw, escape)),
        // the whole argument is one word, read by BuildKit's lexer (`WORKDIR "/my app"`)
        Kind::Workdir => Body::Workdir(word_value(&ins.args_text, ins.args, escape)),
        Kind::Env | Kind::Label | Kind::Arg | Kind::User => lower_with_tree(src, &ins, escape),
        Kind::Shell => match &ins.json {
            Some(items) => Body::Shell(items.iter().map(|w| w.value.clone()).collect()),
            None => Body::Other,
        },
        _ => Body::Other,
    };
    ins.vars = build_vars(src, raw, &ins, escape);
    (ins.shell_vars, ins.shell_sets) = shell_vars(src, &ins, escape);
    ins
}

/// The variables BuildKit expands in `ins` (see [`Instruction::vars`]); BuildKit's `Expand`
/// methods in frontend/dockerfile/instructions/commands.go, `dispatchExpose`, FROM's name and
/// `--platform` in dockerfile2llb/convert.go (COPY `--from` is not expanded).
fn build_vars(src: &str, raw: &RawInstruction, ins: &Instruction, escape: char) -> Vec<VarRef> {
    let mut out = Vec::new();
    let flags: &[&str] = match ins.kind {
        Kind::Add => &["chown", "chmod", "checksum"],
        Kind::Copy => &["chown", "chmod"],
        Kind::From => &["platform"],
        Kind::Run => &["mount"],
        Kind::Arg
        | Kind::Env
        | Kind::Expose
        | Kind::Label
        | Kind::Stopsignal
        | Kind::User
        | Kind::Volume
        | Kind::Workdir => &[],
        _ => return out,
    };
    for f in raw.flags.iter() {
        let name = f.word.trim_start_matches('-').split('=').next().unwrap_or_default();
        if flags.contains(&name) {
            let text = f.range.slice(src);
            out.extend(
                super::vars::references(text, escape, true)
                    .into_iter()
                    .map(|(name, r)| VarRef {
                        name,
                        range: TextRange::new(f.range.start + r.start, f.range.start + r.end),
                    }),
            );
        }
    }
    if ins.kind == Kind::Run {
        return out;
    }
    let (rs, _) = raw.rest;
    out.extend(
        super::vars::references(raw.rest_text(), escape, true)
            .into_iter()
            .map(|(name, r)| VarRef {
                name,
                range: raw.joined.source_range(rs + r.start, rs + r.end),
            }),
    );
    if matches!(ins.kind, Kind::Add | Kind::Copy) {
        for h in ins.heredocs.iter().filter(|h| h.expand) {
            let body = h.body.slice(src);
            out.extend(
                super::vars::references(body, '\\', false)
                    .into_iter()
                    .map(|(name, r)| VarRef {
                        name,
                        range: TextRange::new(h.body.start + r.start, h.body.start + r.end),
                    }),
            );
        }
    }
    out
}

/// The variables the shell reads in `ins` and those it sets itself (see
/// [`Instruction::shell_vars`]).
fn shell_vars(src: &str, ins: &Instruction, escape: char) -> (Vec<VarRef>, Vec<String>) {
    if ins.json.is_some() {
        return Default::default();
    }
    let script = match (ins.kind, &ins.body) {
        (Kind::Run, Body::Run(run)) => {
            return run
                .script
                .as_ref()
                .map(|s| (s.vars.clone(), s.sets.clone()))
                .unwrap_or_default();
        }
        (Kind::Cmd | Kind::Entrypoint, _) => ins.args,
        (Kind::Healthcheck, _) => {
            let text = ins.args.slice(src);
            match text.get(..3) {
                Some(w) if w.eq_ignore_ascii_case("cmd") && text[3..].starts_with(is_split_space) => {
                    TextRange::new(ins.args.start + 3, ins.args.end)
                }
                _ => return Default::default(),
            }
        }
        _ => return Default::default(),
    };
    let s = parse_script(&mask_shell(src, script, escape), script.start);
    (s.vars, s.sets)
}

/// ONBUILD's trigger as an instruction of its own (same lines, its own flags and body).
fn lower_onbuild(src: &str, raw: &RawInstruction, escape: char, reuse: Option<&Reuse>) -> Option<Instruction> {
    let (rs, re) = raw.rest;
    if rs == re {
        return None;
    }
    let text = &raw.joined.text;
    let cmd_len = text[rs..re].find(is_split_space).unwrap_or(re - rs);
    let mut inner = raw.clone();
    inner.command = raw.joined.source_range(rs, rs + cmd_len);
    inner.command_text = text[rs..rs + cmd_len].to_string();
    let after = text[rs + cmd_len..re].trim_start_matches(is_split_space);
    let args_start = re - after.len();
    // re-peel the trigger's own flags
    let sub = super::scan::scan(&format!("X {}", &text[args_start..re]));
    let sub_raw = sub.instructions.first()?;
    inner.flags = sub_raw
        .flags
        .iter()
        .map(|f| super::scan::RawFlag {
            word: f.word.clone(),
            range: raw
                .joined
                .source_range(args_start + f.range.start - 2, args_start + f.range.end - 2),
        })
        .collect();
    inner.rest = (args_start + sub_raw.rest.0 - 2, args_start + sub_raw.rest.1 - 2);
    let nargs = super::check::node_args(Kind::from_word(&inner.command_text), inner.rest_text(), escape).unwrap_or(0);
    let mut ins = lower_instruction(src, &inner, escape, nargs, reuse);
    ins.range = TextRange::new(ins.keyword_range.start, raw.range.end);
    Some(ins)
}

fn lower_run(src: &str, raw: &RawInstruction, ins: &Instruction, escape: char, reuse: Option<&Reuse>) -> Run {
    let script = |text: &str, base: usize| match reuse {
        Some(r) => r.script(text, base),
        None => parse_script(text, base),
    };
    let mut mounts = Vec::new();
    let mut mount_problems = Vec::new();
    let mut mount_parse_errors = Vec::new();
    for f in raw.flags.iter().filter(|f| f.word.starts_with("--mount=")) {
        // the source text gives exact ranges; a flag whose name is quoted (`--"mount"=…`) gets
        // the whole flag's range for every part
        let parsed = match f.range.slice(src).strip_prefix("--mount=") {
            Some(v) => parse_mount(v, f.range.start + "--mount=".len(), escape),
            None => {
                let mut p = parse_mount(&f.word["--mount=".len()..], f.range.start, escape);
                if let Some(m) = &mut p.mount {
                    m.range = f.range;
                    for field in &mut m.fields {
                        field.range = f.range;
                        field.key_range = f.range;
                        field.value_range = field.value_range.map(|_| f.range);
                    }
                }
                for e in p.problems.iter_mut().chain(p.parse_error.iter_mut()) {
                    e.range = f.range;
                }
                p
            }
        };
        mounts.extend(parsed.mount);
        mount_problems.extend(parsed.problems);
        mount_parse_errors.extend(parsed.parse_error);
    }
    let flag_insert_at = raw.flags.first().map_or(ins.args.start, |f| f.range.start);
    let value = |n: &str| ins.flag(n).and_then(|f| f.value.clone());
    let (form, script) = if let Some(words) = &ins.json {
        (RunForm::Exec(words.clone()), None)
    } else if let Some(h) = ins.heredocs.first().filter(|_| heredoc_is_script(&ins.args_text)) {
        let body = h.body;
        let masked = mask_heredoc(body.slice(src));
        (RunForm::Heredoc, Some(script(&masked, body.start)))
    } else if !ins.heredocs.is_empty() {
        (RunForm::Heredoc, None)
    } else {
        let masked = mask_shell(src, ins.args, escape);
        (RunForm::Shell(ins.args), Some(script(&masked, ins.args.start)))
    };
    Run {
        mounts,
        mount_problems,
        mount_parse_errors,
        form,
        script,
        flag_insert_at,
        network: value("network"),
        security: value("security"),
    }
}

/// A heredoc RUN whose body is the shell script: just the marker, or `<<EOF sh|bash`.
fn heredoc_is_script(args: &str) -> bool {
    let words: Vec<&str> = args.split_whitespace().collect();
    match words.as_slice() {
        [m] => m.starts_with("<<") || m.trim_start_matches(|c: char| c.is_ascii_digit()).starts_with("<<"),
        [m, sh] | [m, sh, "-e" | "-ex" | "-eux" | "-xe"] => {
            m.starts_with("<<") && matches!(*sh, "sh" | "bash" | "/bin/sh" | "/bin/bash" | "ash" | "dash")
        }
        _ => false,
    }
}

/// A heredoc body as the shell reads it, same length: stray CRs become spaces.
pub fn mask_heredoc(body: &str) -> String {
    body.replace('\r', " ")
}

/// A same-length copy of a shell-form body that bash reads as the script BuildKit runs:
/// continuations become ` \` + newline, comment and blank lines inside the continuation become
/// spaces, stray CRs become spaces. Bash offsets are then source offsets minus `range.start`.
pub fn mask_shell(src: &str, range: TextRange, escape: char) -> String {
    let text = range.slice(src);
    let mut out = String::with_capacity(text.len());
    let mut first = true;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let newline = &line[content.len()..];
        let t = content.trim_start();
        if !first && (t.starts_with('#') || t.is_empty()) {
            out.extend(std::iter::repeat_n(' ', line.len()));
            first = false;
            continue;
        }
        first = false;
        let trimmed = content.trim_end_matches([' ', '\t']);
        let continues = !newline.is_empty()
            && trimmed.ends_with(escape)
            && !trimmed[..trimmed.len() - escape.len_utf8()].ends_with(escape);
        if continues {
            let keep = trimmed.len() - escape.len_utf8();
            out.push_str(&content[..keep].replace('\r', " "));
            let pad = line.len() - keep - 2;
            out.extend(std::iter::repeat_n(' ', pad));
            out.push_str("\\\n");
        } else {
            out.push_str(&content.replace('\r', " "));
            out.extend(std::iter::repeat_n(' ', newline.len().saturating_sub(1)));
            if !newline.is_empty() {
                out.push('\n');
            }
        }
    }
    debug_assert_eq!(out.len(), text.len());
    out
}

fn lower_from(src: &str, raw: &RawInstruction, escape: char) -> From {
    let words: Vec<(usize, usize)> = split_ws_offsets(raw.rest_text());
    let (rs, _) = raw.rest;
    let (name, name_range) = match words.as_slice() {
        [_, (a, b), (c, d)] if raw.rest_text()[*a..*b].eq_ignore_ascii_case("as") => (
            Some(raw.rest_text()[*c..*d].to_ascii_lowercase()),
            Some(raw.joined.source_range(rs + c, rs + d)),
        ),
        _ => (None, None),
    };
    let image = words.first().map(|&(a, b)| {
        let range = raw.joined.source_range(rs + a, rs + b);
        let text = tree_value(src, range, escape, "image_spec")
            .unwrap_or_else(|| Value::literal(&raw.rest_text()[a..b], range));
        ImageRef { text, range }
    });
    From {
        image,
        name,
        name_range,
    }
}

fn split_ws_offsets(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (is_split_space(c), start) {
            (true, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// Parses `src[range]` alone with the containerfile grammar (an escape directive in front when
/// needed) and calls `f` with the root and the offset to add to node offsets.
fn with_tree<T>(
    src: &str,
    range: TextRange,
    escape: char,
    f: impl FnOnce(Node, &str, isize) -> Option<T>,
) -> Option<T> {
    let prefix = if escape == '`' { "# escape=`\n" } else { "" };
    let text = format!("{prefix}{}\n", range.slice(src));
    PARSER.with(|p| {
        let tree = p.borrow_mut().parse(&text, None)?;
        let shift = range.start as isize - prefix.len() as isize;
        f(tree.root_node(), &text, shift)
    })
}

fn find_kind<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    if node.kind() == kind {
        return Some(node);
    }
    let mut c = node.walk();
    let children: Vec<Node<'t>> = node.children(&mut c).collect();
    children.into_iter().find_map(|ch| find_kind(ch, kind))
}

fn tree_value(src: &str, range: TextRange, escape: char, kind: &str) -> Option<Value> {
    // parse a synthetic FROM so the grammar sees an image reference
    let text = range.slice(src);
    let synthetic = format!("FROM {text}");
    let prefix = if escape == '`' { "# escape=`\n" } else { "" };
    let full = format!("{prefix}{synthetic}\n");
    PARSER.with(|p| {
        let tree = p.borrow_mut().parse(&full, None)?;
        let node = find_kind(tree.root_node(), kind)?;
        if node.has_error() {
            return None;
        }
        let shift = range.start as isize - (prefix.len() + 5) as isize;
        Some(node_value(node, &full, shift))
    })
}

fn lower_with_tree(src: &str, ins: &Instruction, escape: char) -> Body {
    with_tree(src, ins.range, escape, |root, text, shift| {
        let node_kind = match ins.kind {
            Kind::Env => "env_instruction",
            Kind::Label => "label_instruction",
            Kind::Arg => "arg_instruction",
            Kind::User => "user_instruction",
            Kind::Workdir => "workdir_instruction",
            _ => return None,
        };
        let node = find_kind(root, node_kind)?;
        if node.has_error() {
            return None;
        }
        let range = |n: Node| {
            TextRange::new(
                (n.start_byte() as isize + shift) as usize,
                (n.end_byte() as isize + shift) as usize,
            )
        };
        let pairs = |pair_kind: &str, key_field: &str, value_field: &str| -> Vec<Pair> {
            let mut c = node.walk();
            node.named_children(&mut c)
                .filter(|n| n.kind() == pair_kind)
                .filter_map(|p| {
                    let key = p.child_by_field_name(key_field)?;
                    let key_value = node_value(key, text, shift);
                    Some(Pair {
                        key: key_value
                            .as_literal()
                            .unwrap_or_else(|| key.utf8_text(text.as_bytes()).unwrap_or_default().to_string()),
                        key_range: range(key),
                        value: p
                            .child_by_field_name(value_field)
                            .map(|v| {
                                // the value as BuildKit's lexer reads it; the tree only
                                // delimits it (one spread over lines is left to the tree)
                                let raw = &text[v.byte_range()];
                                if raw.contains('\n') {
                                    node_value(v, text, shift)
                                } else {
                                    word_value(raw, range(v), escape)
                                }
                            })
                            .or_else(|| {
                                // `KEY=` with nothing after: an empty value
                                (pair_kind != "arg_pair" || p.utf8_text(text.as_bytes()).is_ok_and(|t| t.contains('=')))
                                    .then(|| Value {
                                        parts: vec![],
                                        range: TextRange::empty(range(p).end),
                                    })
                            }),
                        range: range(p),
                    })
                })
                .collect()
        };
        Some(match ins.kind {
            Kind::Env => Body::Env(pairs("env_pair", "name", "value")),
            Kind::Label => Body::Label(pairs("label_pair", "key", "value")),
            Kind::Arg => Body::Arg(pairs("arg_pair", "name", "default")),
            Kind::User => {
                let user = node.child_by_field_name("user")?;
                Body::User(User {
                    user: node_value(user, text, shift),
                    group: node.child_by_field_name("group").map(|g| node_value(g, text, shift)),
                })
            }
            Kind::Workdir => {
                let mut c = node.walk();
                let path = node.named_children(&mut c).find(|n| n.kind() == "path")?;
                Body::Workdir(node_value(path, text, shift))
            }
            _ => return None,
        })
    })
    .unwrap_or(Body::Other)
}

/// A value node (strings, paths, image references) as literal parts and variable references.
fn node_value(node: Node, text: &str, shift: isize) -> Value {
    let range = TextRange::new(
        (node.start_byte() as isize + shift) as usize,
        (node.end_byte() as isize + shift) as usize,
    );
    let mut parts = Vec::new();
    collect_parts(node, text, &mut parts);
    Value { parts, range }
}

fn push_literal(parts: &mut Vec<ValuePart>, s: &str) {
    if s.is_empty() {
        return;
    }
    if let Some(ValuePart::Literal(last)) = parts.last_mut() {
        last.push_str(s);
    } else {
        parts.push(ValuePart::Literal(s.to_string()));
    }
}

fn collect_parts(node: Node, text: &str, parts: &mut Vec<ValuePart>) {
    let kind = node.kind();
    match kind {
        "single_quoted_string" => {
            let t = &text[node.byte_range()];
            push_literal(parts, t.get(1..t.len().saturating_sub(1)).unwrap_or_default());
            return;
        }
        "expansion" => {
            parts.push(expansion_part(node, text));
            return;
        }
        "escape_sequence" => {
            let t = &text[node.byte_range()];
            push_literal(parts, t.get(1..).unwrap_or(t));
            return;
        }
        "line_continuation" | "comment" => return,
        _ => {}
    }
    let mut pos = node.start_byte();
    let mut c = node.walk();
    let quoted = kind == "double_quoted_string";
    for child in node.children(&mut c) {
        let lit = &text[pos..child.start_byte()];
        push_literal(parts, &unescape_plain(lit));
        let ck = child.kind();
        if quoted && ck == "\"" {
            // the quotes themselves
        } else if child.child_count() == 0 && !matches!(ck, "expansion" | "escape_sequence" | "line_continuation") {
            push_literal(parts, &unescape_plain(&text[child.byte_range()]));
        } else {
            collect_parts(child, text, parts);
        }
        pos = child.end_byte();
    }
    push_literal(parts, &unescape_plain(&text[pos..node.end_byte()]));
}

fn unescape_plain(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn expansion_part(node: Node, text: &str) -> ValuePart {
    let mut c = node.walk();
    let mut name = None;
    let mut op = None;
    let mut word = None;
    for child in node.named_children(&mut c) {
        match child.kind() {
            "variable" => name = Some(text[child.byte_range()].to_string()),
            "expansion_modifier" => {
                let t = &text[child.byte_range()];
                let o = [":-", ":+", ":?", "-", "+", "?"].iter().find(|o| t.starts_with(**o));
                match o {
                    Some(o) => {
                        op = Some((*o).to_string());
                        let w = &t[o.len()..];
                        let start = child.start_byte() + o.len();
                        word = Some(Value {
                            parts: if w.contains('$') {
                                vec![ValuePart::Opaque]
                            } else {
                                vec![ValuePart::Literal(unescape_plain(w))]
                            },
                            range: TextRange::new(start, start + w.len()),
                        });
                    }
                    None => return ValuePart::Opaque,
                }
            }
            _ => {}
        }
    }
    match name {
        Some(name) => ValuePart::Var { name, op, word },
        None => ValuePart::Opaque,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(src: &str) -> Dockerfile {
        parse(src)
    }

    #[test]
    fn a_parse_reusing_the_last_ones_scripts_is_the_same_model() {
        let before = "FROM a\nRUN pip install x && \\\n  echo \"é $HOME\" > /f # c\nONBUILD RUN apk add y\nRUN <<EOF\nA=1 npm ci ${B:-x} || true\nEOF\nRUN b\n";
        let mut scripts = Scripts::default();
        parse_reusing(before, &mut scripts);
        // a line above every script, and one script changed
        let after = format!("# top\n{}", before.replace("RUN b", "RUN b c"));
        let reused = parse_reusing(&after, &mut scripts);
        assert_eq!(format!("{reused:?}"), format!("{:?}", parse(&after)));
        // it keeps the scripts of the last parse only
        assert_eq!(scripts.len(), 4);
        // and takes them from there: a script marked in the cache comes back marked
        for s in scripts.parsed.values_mut() {
            s.has_error = true;
        }
        let again = parse_reusing(&after, &mut scripts);
        let runs: Vec<_> = again.instructions.iter().filter_map(|i| i.effective().run()).collect();
        assert_eq!(runs.len(), 4);
        assert!(runs.iter().all(|r| r.script.as_ref().is_some_and(|s| s.has_error)));
    }

    #[test]
    fn a_long_file_lowered_in_parallel_is_the_same_model() {
        // stages, meta ARGs, a SHELL change, ONBUILD, heredocs, exec form, mounts and errors
        let part = "ARG V=1\nFROM alpine:$V AS s\nRUN --mount=type=cache,target=/root/.cache/pip pip install x && \\\n  echo ok\n\
            SHELL [\"pwsh\", \"-c\"]\nRUN Write-Host hi\nFROM s\nONBUILD RUN apk add curl\nRUN <<EOF\nset -e\napt-get update\nEOF\n\
            COPY --from=s /a /b\nENV A=${V:-2} B=\"x y\"\nRUN [\"npm\", \"ci\"]\nRUN --mount=type=bogus true\nEXPOSE\nUSER 1000:1000\n";
        let src = part.repeat(12);
        let m = build(&src, Some(true), None);
        assert!(m.instructions.len() >= PARALLEL_FROM, "{}", m.instructions.len());
        assert_eq!(format!("{m:?}"), format!("{:?}", build(&src, Some(false), None)));
    }

    #[test]
    fn env_values_and_expansions() {
        let src = "FROM a\nENV A=1 B=\"x $HOME y\" C=${D:-/e}\nENV K v w\n";
        let m = model(src);
        let Body::Env(pairs) = &m.instructions[1].body else {
            panic!("{:?}", m.instructions[1].body)
        };
        assert_eq!(pairs.len(), 3);
        assert_eq!(pairs[0].value.as_ref().unwrap().as_literal().unwrap(), "1");
        let home = |n: &str| (n == "HOME").then(|| Some("/root".to_string()));
        assert_eq!(pairs[1].value.as_ref().unwrap().resolve(&home).unwrap(), "x /root y");
        let unset = |_: &str| Some(None);
        assert_eq!(pairs[2].value.as_ref().unwrap().resolve(&unset).unwrap(), "/e");
        assert_eq!(pairs[2].key_range.slice(src), "C");
        let Body::Env(pairs) = &m.instructions[2].body else {
            panic!()
        };
        assert_eq!(pairs[0].value.as_ref().unwrap().as_literal().unwrap(), "v w");
    }

    #[test]
    fn from_images_use_meta_arg_defaults() {
        let src = "ARG V=1.23\nARG IMG=golang:${V}-alpine\nARG NONE\nFROM ${IMG} AS a\nFROM a AS b\nFROM x:${NONE}\nFROM ${BASE}\n";
        let m = model(src);
        assert_eq!(m.stages[0].base.as_deref(), Some("golang:1.23-alpine"));
        assert_eq!(m.stages[1].parent, Some(0));
        // an ARG without a default, or none at all, comes from the build: unknown
        assert_eq!(m.stages[2].base, None);
        assert_eq!(m.stages[3].base, None);
    }

    #[test]
    fn from_user_and_stages() {
        let src = "FROM python:3.12 AS Base\nUSER app:1000\nFROM base\nWORKDIR /srv/$X\n";
        let m = model(src);
        assert_eq!(m.stages.len(), 2);
        assert_eq!(m.stages[0].name.as_deref(), Some("base"));
        assert_eq!(m.stages[1].parent, Some(0));
        assert_eq!(m.stages[0].base.as_deref(), Some("python:3.12"));
        // looked up as written: `FROM Base` is the image `Base`, not the stage
        let m2 = model("FROM python:3.12 AS base\nFROM Base\n");
        assert_eq!(
            (m2.stages[1].parent, m2.stages[1].base.as_deref()),
            (None, Some("Base"))
        );
        let Body::User(u) = &m.instructions[1].body else {
            panic!()
        };
        assert_eq!(u.user.as_literal().unwrap(), "app");
        assert_eq!(u.group.as_ref().unwrap().as_literal().unwrap(), "1000");
        let Body::Workdir(w) = &m.instructions[3].body else {
            panic!()
        };
        assert!(w.as_literal().is_none());
    }

    #[test]
    fn shell_mask_keeps_offsets() {
        let src = "FROM a\nRUN apt-get update \\\n  # comment\n\n  && pip install x\r\n";
        let m = model(src);
        let run = m.instructions[1].run().unwrap();
        let script = run.script.as_ref().unwrap();
        let names: Vec<_> = script.commands.iter().map(|c| c.words[0].range.slice(src)).collect();
        assert_eq!(names, ["apt-get", "pip"]);
    }

    #[test]
    fn heredoc_script() {
        let src = "FROM a\nRUN <<EOF\npip install x\nEOF\n";
        let m = model(src);
        let run = m.instructions[1].run().unwrap();
        assert!(matches!(run.form, RunForm::Heredoc));
        assert_eq!(
            run.script.as_ref().unwrap().commands[0].words[0].range.slice(src),
            "pip"
        );
    }

    #[test]
    fn scripts_for_other_shells_are_not_parsed() {
        let m = model("FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN pip install x\n");
        assert!(m.instructions[1].run().unwrap().script.is_none());
        let m = model(
            "FROM python\nSHELL [\"powershell\", \"-Command\"]\nRUN pip install x\nSHELL [\"/bin/bash\", \"-c\"]\nRUN pip install y\n",
        );
        assert!(m.instructions[2].run().unwrap().script.is_none());
        assert!(m.instructions[4].run().unwrap().script.is_some());
        let m = model("FROM python AS a\nSHELL [\"pwsh\", \"-c\"]\nFROM a\nRUN pip install x\n");
        assert!(m.instructions[3].run().unwrap().script.is_none());
    }

    #[test]
    fn no_stage_and_onbuild() {
        let m = model("RUN x\nFROM a\nONBUILD RUN --mount=type=cache,target=/c pip install y\n");
        assert_eq!(m.errors[0].message, "no build stage in current context");
        let inner = m.instructions[2].effective();
        assert_eq!(inner.kind, Kind::Run);
        assert_eq!(inner.run().unwrap().mounts.len(), 1);
    }

    /// Each instruction's (build, shell) variable references as `name@text`.
    fn refs(src: &str) -> Vec<(Vec<String>, Vec<String>)> {
        let show =
            |v: &[VarRef]| -> Vec<String> { v.iter().map(|r| format!("{}@{}", r.name, r.range.slice(src))).collect() };
        model(src)
            .instructions
            .iter()
            .map(|i| (show(&i.vars), show(&i.shell_vars)))
            .collect()
    }

    #[test]
    fn variable_references() {
        let src = "ARG B=x\nFROM --platform=$P ${B}:1 AS s\nCOPY --chown=$U --from=$F a${S} \\\n# $C\n  /d\n\
                   RUN --mount=type=cache,target=$T echo \"$A\" '$Q' ${R:-$D} $((N))\nCMD echo $E\n\
                   CMD [\"echo\", \"$J\"]\nHEALTHCHECK --interval=1s CMD curl $H\nCOPY <<EOF <<'X' /f\n$K '$L'\nEOF\n$M\nX\n\
                   RUN <<EOF\necho $N 'x'\nEOF\nLABEL a=\"$O\" b='$V'\n";
        let r = refs(src);
        let b = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(r[0], (b(&[]), b(&[])));
        assert_eq!(r[1], (b(&["P@P", "B@B"]), b(&[])));
        assert_eq!(r[2], (b(&["U@U", "S@S"]), b(&[])));
        assert_eq!(r[3], (b(&["T@T"]), b(&["A@A", "R@R", "D@D"])));
        assert_eq!(r[4], (b(&[]), b(&["E@E"])));
        assert_eq!(r[5], (b(&[]), b(&[])));
        assert_eq!(r[6], (b(&[]), b(&["H@H"])));
        assert_eq!(r[7], (b(&["K@K", "L@L"]), b(&[])));
        assert_eq!(r[8], (b(&[]), b(&["N@N"])));
        assert_eq!(r[9], (b(&["O@O"]), b(&[])));
        // the escape directive's character, and a stage whose shell is not POSIX
        let r = refs("# escape=`\nFROM a\nENV X=\\$Y `$Z\nSHELL [\"cmd\", \"/S\", \"/C\"]\nRUN echo $W\n");
        assert_eq!(r[1].0, b(&["Y@Y"]));
        assert!(r[3].1.is_empty());
    }
}

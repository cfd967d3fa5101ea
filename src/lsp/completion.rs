//! Completion: instruction keywords at the start of an instruction (and after ONBUILD), the
//! flags of the instruction, `--mount` option keys for the mount's type and their values (for a
//! cache mount's target: the cache directories of the package managers the RUN calls, as the
//! cache-mount fixes would write them), the values of `--network`, `--security` and
//! `COPY --from`, and the parser directives at the top. Each item replaces the partial word
//! under the cursor.
//!
//! [`context`] finds what the cursor is in from the model's ranges and the text of the line;
//! [`items`] turns that into completion items.

use super::convert::Encoding;
use super::document::Document;
use super::reference::{self, MountOption};
use crate::semantic::commands;
use crate::semantic::scope::scope_at;
use crate::semantic::tools;
use crate::syntax::model::{Body, Dockerfile, Instruction, Kind};
use crate::syntax::mounts::{MountType, NewMount, write_field, write_value};
use crate::syntax::text::TextRange;
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, MarkupContent, MarkupKind, TextEdit,
};

/// What the cursor is in, with the partial word to replace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Context {
    /// The keyword of an instruction; `onbuild` for an ONBUILD's trigger.
    Keyword {
        word: TextRange,
        onbuild: bool,
    },
    /// A directive's key on a comment line at the top; `present`: the keys already given.
    Directive {
        word: TextRange,
        present: Vec<String>,
    },
    DirectiveValue {
        key: String,
        word: TextRange,
    },
    /// A flag's name (`--` included); `present`: the other flags of the instruction.
    Flag {
        kind: Kind,
        word: TextRange,
        present: Vec<String>,
        /// An `=` follows the name already.
        eq: bool,
    },
    /// A flag's value (not `--mount`'s).
    FlagValue {
        index: usize,
        kind: Kind,
        flag: String,
        word: TextRange,
    },
    /// A key of a `--mount` field; `present`: the canonical keys of the other fields.
    MountKey {
        mount: MountType,
        word: TextRange,
        present: Vec<&'static str>,
    },
    /// A value of a `--mount` field; `present` as for [`Context::MountKey`].
    MountValue {
        index: usize,
        mount: MountType,
        key: &'static str,
        word: TextRange,
        present: Vec<&'static str>,
    },
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The run of bytes matching `pred` around `offset`, within `[lo, hi]`.
fn around(text: &str, offset: usize, lo: usize, hi: usize, pred: impl Fn(u8) -> bool) -> TextRange {
    let b = text.as_bytes();
    let mut start = offset;
    while start > lo && pred(b[start - 1]) {
        start -= 1;
    }
    let mut end = offset;
    while end < hi && pred(b[end]) {
        end += 1;
    }
    TextRange::new(start, end)
}

/// The end of the physical line that holds `offset` (before its line break).
fn line_end(text: &str, offset: usize) -> usize {
    text[offset..].find(['\r', '\n']).map_or(text.len(), |i| offset + i)
}

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// What the cursor at `offset` is in; `None` where nothing is completed (arguments, comments).
pub fn context(text: &str, model: &Dockerfile, offset: usize) -> Option<Context> {
    let (ls, le) = (line_start(text, offset), line_end(text, offset));
    let line = text[..ls].matches('\n').count();
    let found = model.instructions.iter().enumerate().find(|(_, ins)| {
        ins.range.start <= offset && offset <= ins.range.end && line < ins.end_line && line + 1 >= ins.start_line
    });
    let Some((index, ins)) = found else {
        let before = text[ls..offset].trim_start_matches([' ', '\t']);
        if let Some(comment) = before.strip_prefix('#') {
            return directive(text, model, offset, line, ls + (offset - ls - comment.len()), le);
        }
        let word = around(text, offset, ls, le, is_word_byte);
        return text[ls..word.start]
            .bytes()
            .all(|b| b == b' ' || b == b'\t')
            .then_some(Context::Keyword { word, onbuild: false });
    };
    let within = |r: TextRange| r.start <= offset && offset <= r.end;
    if within(ins.keyword_range) {
        return Some(Context::Keyword {
            word: ins.keyword_range,
            onbuild: false,
        });
    }
    let ins = match &ins.body {
        Body::Onbuild(inner) if within(inner.keyword_range) => {
            return Some(Context::Keyword {
                word: inner.keyword_range,
                onbuild: true,
            });
        }
        Body::Onbuild(inner) => inner.as_ref(),
        // `ONBUILD ` with nothing after it yet
        _ if ins.kind == Kind::Onbuild => {
            let gap = &text[ins.keyword_range.end..offset];
            return (!gap.is_empty() && gap.bytes().all(|b| b == b' ' || b == b'\t')).then_some(Context::Keyword {
                word: TextRange::empty(offset),
                onbuild: true,
            });
        }
        _ => ins,
    };
    flag_context(text, index, ins, offset, ls)
}

/// A comment line: a directive's key or value when the line is in the directive block at the
/// top of the file (the block ends at the first line that is not a directive).
fn directive(
    text: &str,
    model: &Dockerfile,
    offset: usize,
    line: usize,
    after_hash: usize,
    le: usize,
) -> Option<Context> {
    let set = &model.directives;
    if line > set.block_end_line || !model.instructions.iter().all(|i| i.start_line > line + 1) {
        return None;
    }
    let rest = &text[after_hash..le];
    match rest.find('=') {
        Some(eq) if after_hash + eq < offset => {
            let key = rest[..eq].trim().to_ascii_lowercase();
            let start = after_hash + eq + 1;
            let start = start + (text[start..le].len() - text[start..le].trim_start().len());
            Some(Context::DirectiveValue {
                key,
                word: TextRange::new(start.min(offset), le),
            })
        }
        _ => {
            let word = around(text, offset, after_hash, le, |b| b.is_ascii_alphabetic());
            let blank = text[after_hash..word.start].bytes().all(|b| b == b' ' || b == b'\t');
            let present = set
                .items
                .iter()
                .filter(|d| d.line != line)
                .map(|d| d.key.clone())
                .collect();
            blank.then_some(Context::Directive { word, present })
        }
    }
}

fn flag_context(text: &str, index: usize, ins: &Instruction, offset: usize, ls: usize) -> Option<Context> {
    let others = |skip: Option<usize>| -> Vec<String> {
        ins.flags
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != skip)
            .map(|(_, f)| f.name.clone())
            .collect()
    };
    for (i, f) in ins.flags.iter().enumerate() {
        if !(f.range.start <= offset && offset <= f.range.end) {
            continue;
        }
        let raw = f.range.slice(text);
        let eq = raw.find('=');
        let name_end = f.range.start + eq.unwrap_or(raw.len());
        if offset <= name_end {
            return Some(Context::Flag {
                kind: ins.kind,
                word: TextRange::new(f.range.start, name_end),
                present: others(Some(i)),
                eq: eq.is_some(),
            });
        }
        if ins.kind == Kind::Run && f.name == "mount" {
            return mount_context(text, index, TextRange::new(name_end + 1, f.range.end), offset);
        }
        return Some(Context::FlagValue {
            index,
            kind: ins.kind,
            flag: f.name.clone(),
            word: TextRange::new(name_end + 1, f.range.end),
        });
    }
    // a flag being started: a word of dashes at or before the start of the arguments
    let le = line_end(text, offset);
    let word = around(text, offset, ls.max(ins.keyword_range.end), le, |b| {
        !b.is_ascii_whitespace()
    });
    let typed = &text[word.start..offset];
    (typed.starts_with('-') && word.start <= ins.args.start && !reference::flags(ins.kind).is_empty()).then(|| {
        Context::Flag {
            kind: ins.kind,
            word,
            present: others(None),
            eq: false,
        }
    })
}

/// Inside the value of a `--mount=` flag (`value`, quotes included).
fn mount_context(text: &str, index: usize, value: TextRange, offset: usize) -> Option<Context> {
    let raw = value.slice(text);
    // a quoted value: the fields are inside the quotes
    let (start, raw) = match raw.as_bytes().first() {
        Some(q @ (b'"' | b'\'')) => {
            let inner = &raw[1..];
            (value.start + 1, inner.strip_suffix(*q as char).unwrap_or(inner))
        }
        _ => (value.start, raw),
    };
    if offset < start {
        return None;
    }
    // the fields, each with its start offset
    let mut fields = Vec::new();
    let mut at = start;
    for field in raw.split(',') {
        fields.push((at, field));
        at += field.len() + 1;
    }
    let current = fields.iter().position(|(s, f)| *s <= offset && offset <= s + f.len())?;
    let mut mount = MountType::Bind;
    let mut present = Vec::new();
    for (_, (_, f)) in fields.iter().enumerate().filter(|(i, _)| *i != current) {
        let (key, val) = f.split_once('=').unwrap_or((f, ""));
        if let Some(o) = reference::mount_option(key.trim()) {
            present.push(o.key);
            if o.key == "type" {
                let val = val.trim();
                mount = MountType::from_name(val).unwrap_or_else(|| MountType::Other(val.to_string()));
            }
        }
    }
    let (fs, field) = fields[current];
    match field.find('=') {
        Some(eq) if fs + eq < offset => {
            let key = reference::mount_option(field[..eq].trim())?.key;
            Some(Context::MountValue {
                index,
                mount,
                key,
                word: TextRange::new(fs + eq + 1, fs + field.len()),
                present,
            })
        }
        eq => Some(Context::MountKey {
            mount,
            word: TextRange::new(fs, fs + eq.unwrap_or(field.len())),
            present,
        }),
    }
}

/// Completion items for the cursor at `offset`.
pub fn completion(doc: &Document, enc: Encoding, offset: usize) -> Vec<CompletionItem> {
    let model = &*doc.model;
    let Some(ctx) = context(&doc.text, model, offset) else {
        return Vec::new();
    };
    // an edit stays on the cursor's line (a word may run over a line continuation)
    let (ls, le) = (line_start(&doc.text, offset), line_end(&doc.text, offset));
    items(&doc.text, model, &ctx)
        .into_iter()
        .map(|mut i| {
            i.replace = TextRange::new(i.replace.start.max(ls), i.replace.end.min(le));
            i.into_lsp(doc, enc)
        })
        .collect()
}

/// An item before it is placed in the document.
#[derive(Debug, PartialEq, Eq)]
pub struct Item {
    pub label: String,
    pub kind: CompletionItemKind,
    pub detail: String,
    pub doc: String,
    pub replace: TextRange,
    pub new_text: String,
}

impl Item {
    fn into_lsp(self, doc: &Document, enc: Encoding) -> CompletionItem {
        CompletionItem {
            label: self.label,
            kind: Some(self.kind),
            detail: Some(self.detail),
            documentation: (!self.doc.is_empty()).then_some(Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value: self.doc,
            })),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                range: doc.range(enc, self.replace),
                new_text: self.new_text,
            })),
            ..CompletionItem::default()
        }
    }
}

fn item(
    label: &str,
    kind: CompletionItemKind,
    detail: &str,
    doc: String,
    replace: TextRange,
    new_text: String,
) -> Item {
    Item {
        label: label.to_string(),
        kind,
        detail: detail.to_string(),
        doc,
        replace,
        new_text,
    }
}

/// `=` after a key, unless the text after `word` has one already.
fn assign(text: &str, word: TextRange) -> &'static str {
    if text[word.end..].trim_start_matches([' ', '\t']).starts_with('=') {
        ""
    } else {
        "="
    }
}

pub fn items(text: &str, model: &Dockerfile, ctx: &Context) -> Vec<Item> {
    match ctx {
        Context::Keyword { word, onbuild } => {
            // a space after the keyword unless something follows it already
            let space = if text[word.end..].starts_with([' ', '\t']) {
                ""
            } else {
                " "
            };
            reference::KEYWORDS
                .iter()
                .filter(|k| !onbuild || reference::allowed_in_onbuild(k.kind))
                .map(|k| {
                    let upper = k.kind.name().to_uppercase();
                    let new_text = format!("{upper}{space}");
                    item(
                        &upper,
                        CompletionItemKind::KEYWORD,
                        k.syntax,
                        reference::keyword_markdown(k),
                        *word,
                        new_text,
                    )
                })
                .collect()
        }
        Context::Directive { word, present } => reference::DIRECTIVES
            .iter()
            .filter(|d| !present.iter().any(|p| p == d.name))
            .map(|d| {
                let md = reference::directive_markdown(d);
                let detail = format!("# {}=", d.name);
                item(
                    d.name,
                    CompletionItemKind::KEYWORD,
                    &detail,
                    md,
                    *word,
                    format!("{}{}", d.name, assign(text, *word)),
                )
            })
            .collect(),
        Context::DirectiveValue { key, word } => reference::DIRECTIVES
            .iter()
            .filter(|d| d.name == key)
            .flat_map(|d| d.values.iter().map(move |v| (d, v)))
            .map(|(d, v)| {
                let detail = format!("# {}", d.name);
                item(
                    v,
                    CompletionItemKind::VALUE,
                    &detail,
                    String::new(),
                    *word,
                    v.to_string(),
                )
            })
            .collect(),
        Context::Flag {
            kind,
            word,
            present,
            eq,
        } => reference::flags(*kind)
            .iter()
            .filter(|f| f.spec.repeat || !present.iter().any(|p| p == f.spec.name))
            .map(|f| {
                let label = format!("--{}", f.spec.name);
                let assign = if f.spec.bool || *eq { "" } else { "=" };
                let new_text = format!("{label}{assign}");
                let detail = format!("{} {}", kind.name().to_uppercase(), reference::flag_syntax(f));
                item(
                    &label,
                    CompletionItemKind::PROPERTY,
                    &detail,
                    reference::flag_markdown(f),
                    *word,
                    new_text,
                )
            })
            .collect(),
        Context::FlagValue {
            index,
            kind,
            flag,
            word,
        } => {
            if *kind == Kind::Copy && flag == "from" {
                return stage_names(model, *index, *word);
            }
            let Some(f) = reference::flag(*kind, flag) else {
                return Vec::new();
            };
            let detail = format!("--{flag}");
            f.values
                .iter()
                .map(|v| {
                    item(
                        v,
                        CompletionItemKind::ENUM_MEMBER,
                        &detail,
                        String::new(),
                        *word,
                        v.to_string(),
                    )
                })
                .collect()
        }
        Context::MountKey { mount, word, present } => reference::MOUNT_OPTIONS
            .iter()
            .filter(|o| o.is_for(mount) && !present.contains(&o.key))
            .flat_map(|o| o.names().map(move |n| (o, n)))
            .map(|(o, n)| {
                let detail = if n == o.key {
                    format!("--mount option ({})", mount.as_str())
                } else {
                    format!("--mount option, same as {}", o.key)
                };
                let md = reference::mount_option_markdown(o);
                item(
                    n,
                    CompletionItemKind::PROPERTY,
                    &detail,
                    md,
                    *word,
                    format!("{n}{}", assign(text, *word)),
                )
            })
            .collect(),
        Context::MountValue {
            index,
            mount,
            key,
            word,
            present,
        } => mount_values(text, model, *index, mount, key, *word, present),
    }
}

/// The earlier stages' names (what `COPY --from=` and `--mount=from=` may name).
fn stage_names(model: &Dockerfile, index: usize, word: TextRange) -> Vec<Item> {
    let current = model.instructions[index].stage.unwrap_or(model.stages.len());
    model.stages[..current]
        .iter()
        .filter_map(|s| s.name.as_deref())
        .map(|n| {
            item(
                n,
                CompletionItemKind::REFERENCE,
                "build stage",
                String::new(),
                word,
                n.to_string(),
            )
        })
        .collect()
}

fn mount_values(
    text: &str,
    model: &Dockerfile,
    index: usize,
    mount: &MountType,
    key: &str,
    word: TextRange,
    present: &[&'static str],
) -> Vec<Item> {
    let option: &MountOption = match reference::mount_option(key) {
        Some(o) => o,
        None => return Vec::new(),
    };
    match key {
        "type" => reference::MOUNT_TYPES
            .iter()
            .map(|t| {
                let md = reference::mount_type_markdown(t);
                item(
                    t.name,
                    CompletionItemKind::ENUM_MEMBER,
                    "mount type",
                    md,
                    word,
                    t.name.to_string(),
                )
            })
            .collect(),
        "from" => stage_names(model, index, word),
        "target" if *mount == MountType::Cache => cache_dirs(text, model, index, word, present),
        _ => option
            .values
            .iter()
            .map(|v| {
                let detail = format!("{key}=");
                item(
                    v,
                    CompletionItemKind::ENUM_MEMBER,
                    &detail,
                    String::new(),
                    word,
                    v.to_string(),
                )
            })
            .collect(),
    }
}

/// The cache directories of the package managers the RUN calls, each with the options the
/// cache-mount fixes add (`sharing=locked`, the user's `uid`/`gid`) when not given already.
fn cache_dirs(text: &str, model: &Dockerfile, index: usize, word: TextRange, present: &[&str]) -> Vec<Item> {
    let ins = model.instructions[index].effective();
    let all = commands::commands(ins);
    let scope = scope_at(model, index);
    let mut out: Vec<Item> = Vec::new();
    let file = tools::Source::new(text);
    for call in tools::calls(&file, &all, &scope) {
        for d in call.dirs.iter().flatten() {
            if out.iter().any(|i| i.label == d.path) {
                continue;
            }
            let mount = tools::cache_mount(&call, &scope, d).unwrap_or_else(|| NewMount::cache(d.path.as_str()));
            // the path as BuildKit reads it back; one that needs quoting is offered only
            // where the mount's text is not inside quotes already
            let Some(mut new_text) = write_value("target", &d.path, model.escape)
                .filter(|t| *t == d.path || !quoted_before(text, word.start))
            else {
                continue;
            };
            for (key, value) in mount.fields().into_iter().skip(2) {
                if !present.contains(&key) {
                    new_text.push(',');
                    new_text.push_str(&write_field(key, &value, model.escape).unwrap_or_default());
                }
            }
            let name = tools::call_name(&call);
            let detail = format!("cache directory of `{name}`");
            out.push(item(
                &d.path,
                CompletionItemKind::FOLDER,
                &detail,
                String::new(),
                word,
                new_text,
            ));
        }
    }
    out
}

/// Whether a quote comes before `at` in the `--mount=` flag that holds it (on its line).
fn quoted_before(text: &str, at: usize) -> bool {
    let before = &text[line_start(text, at)..at];
    before
        .rfind("--mount=")
        .is_some_and(|m| before[m..].contains(['"', '\'']))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    /// The context at the `|` of `src` (removed before parsing).
    fn ctx(src: &str) -> (String, Option<Context>) {
        let offset = src.find('|').unwrap();
        let text = src.replacen('|', "", 1);
        let model = parse(&text);
        let c = context(&text, &model, offset);
        (text, c)
    }

    /// The range of the first `word` in `text`, or its first `len` bytes.
    fn r(text: &str, word: &str) -> TextRange {
        rn(text, word, word.len())
    }

    fn rn(text: &str, word: &str, len: usize) -> TextRange {
        let s = text.find(word).unwrap();
        TextRange::new(s, s + len)
    }

    fn keyword(word: TextRange, onbuild: bool) -> Option<Context> {
        Some(Context::Keyword { word, onbuild })
    }

    fn flag(kind: Kind, word: TextRange, present: &[&str], eq: bool) -> Option<Context> {
        let present = present.iter().map(|s| s.to_string()).collect();
        Some(Context::Flag {
            kind,
            word,
            present,
            eq,
        })
    }

    #[test]
    fn keywords_at_the_start_of_an_instruction() {
        let (t, c) = ctx("FROM a\nRU|\n");
        assert_eq!(c, keyword(r(&t, "RU"), false));
        let (_, c) = ctx("FROM a\n  |\nRUN x\n");
        assert_eq!(c, keyword(TextRange::empty(9), false));
        let (t, c) = ctx("FROM a\nONBUILD r|un x\n");
        assert_eq!(c, keyword(r(&t, "run"), true));
        let (_, c) = ctx("FROM a\nONBUILD |\n");
        assert_eq!(c, keyword(TextRange::empty(15), true));
        // arguments, continuation lines and comments complete nothing
        assert_eq!(ctx("FROM a\nRUN echo |\n").1, None);
        assert_eq!(ctx("FROM a\nRUN echo \\\n  |\n").1, None);
        assert_eq!(ctx("FROM a\n# a comm|\n").1, None);
    }

    #[test]
    fn directives_at_the_top_only() {
        let (t, c) = ctx("# syntax=docker/dockerfile:1\n# es|\nFROM a\n");
        let present = vec!["syntax".to_string()];
        assert_eq!(
            c,
            Some(Context::Directive {
                word: r(&t, "es"),
                present
            })
        );
        let (t, c) = ctx("# escape=|`\nFROM a\n");
        let key = "escape".to_string();
        assert_eq!(c, Some(Context::DirectiveValue { key, word: r(&t, "`") }));
        assert_eq!(ctx("# hello\n# es|\nFROM a\n").1, None);
        assert_eq!(ctx("FROM a\n# es|\n").1, None);
    }

    #[test]
    fn flags_and_their_values() {
        let (t, c) = ctx("FROM a\nCOPY --link --ch| a b\n");
        assert_eq!(c, flag(Kind::Copy, r(&t, "--ch"), &["link"], false));
        let (t, c) = ctx("FROM a\nRUN -| x\n");
        assert_eq!(c, flag(Kind::Run, r(&t, "-"), &[], false));
        let (t, c) = ctx("FROM a\nRUN --net|work=none x\n");
        assert_eq!(c, flag(Kind::Run, r(&t, "--network"), &[], true));
        let (t, c) = ctx("FROM a\nRUN --network=n| x\n");
        let word = TextRange::new(t.find("=n").unwrap() + 1, t.find(" x").unwrap());
        let flag_name = "network".to_string();
        assert_eq!(
            c,
            Some(Context::FlagValue {
                index: 1,
                kind: Kind::Run,
                flag: flag_name,
                word
            })
        );
        // ONBUILD's trigger has its own flags; ENV has none; an option of the command is no flag
        let (t, c) = ctx("FROM a\nONBUILD COPY --|\n");
        assert_eq!(c, flag(Kind::Copy, r(&t, "--"), &[], false));
        assert_eq!(ctx("FROM a\nENV -|\n").1, None);
        assert_eq!(ctx("FROM a\nRUN apt-get -|\n").1, None);
    }

    #[test]
    fn mount_keys_and_values() {
        let (t, c) = ctx("FROM a\nRUN --mount=type=cache,ta|,id=x pip install x\n");
        let (mount, present) = (MountType::Cache, vec!["type", "id"]);
        assert_eq!(
            c,
            Some(Context::MountKey {
                mount,
                word: rn(&t, "ta,", 2),
                present
            })
        );
        let (t, c) = ctx("FROM a\nRUN --mount=|\n");
        let word = TextRange::empty(t.find("=\n").unwrap() + 1);
        let (mount, present) = (MountType::Bind, vec![]);
        assert_eq!(c, Some(Context::MountKey { mount, word, present }));
        let (t, c) = ctx("FROM a\nRUN --mount=type=cache,dst=/x|\n");
        let (mount, key, present) = (MountType::Cache, "target", vec!["type"]);
        let word = r(&t, "/x");
        assert_eq!(
            c,
            Some(Context::MountValue {
                index: 1,
                mount,
                key,
                word,
                present
            })
        );
        // a cache directory is written as BuildKit reads it back, and not inside quotes
        let texts = |src: &str| {
            let (t, c) = ctx(src);
            let Some(Context::MountValue {
                index, word, present, ..
            }) = c
            else {
                panic!("{src}")
            };
            let model = parse(&t);
            let items = cache_dirs(&t, &model, index, word, &present);
            items.into_iter().map(|i| i.new_text).collect::<Vec<_>>()
        };
        let src = "FROM a\nRUN --mount=type=cache,target=| pip install --cache-dir \"/a b\" x\n";
        assert_eq!(texts(src), ["'/a b'"]);
        let src = "FROM a\nRUN --mount=\"type=cache,target=|\" pip install --cache-dir \"/a b\" x\n";
        assert!(texts(src).is_empty());
        let src = "FROM a\nRUN --mount=\"type=cache,target=|\" pip install --cache-dir /c x\n";
        assert_eq!(texts(src), ["/c"]);
        let (t, c) = ctx("FROM a\nRUN --mount=\"type=secret,required=|\" x\n");
        let word = TextRange::empty(t.rfind("=\"").unwrap() + 1);
        let (mount, key, present) = (MountType::Secret, "required", vec!["type"]);
        assert_eq!(
            c,
            Some(Context::MountValue {
                index: 1,
                mount,
                key,
                word,
                present
            })
        );
    }
}

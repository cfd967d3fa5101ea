//! Hover: on a finding, the page of its rule (the page `dfix explain` prints); on an
//! instruction keyword, a flag's name, a `--mount` option key, a mount type or a parser
//! directive's key, its short reference. Where both apply, the rule pages come first, then the
//! reference, separated by rules; the range is then the finding's.

use super::convert::Encoding;
use super::document::Document;
use super::reference;
use crate::rules::RuleId;
use crate::syntax::model::{Body, Dockerfile};
use crate::syntax::text::TextRange;
use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};

pub fn hover(doc: &Document, enc: Encoding, offset: usize) -> Option<Hover> {
    let mut rules: Vec<RuleId> = Vec::new();
    let mut range = None;
    for d in &doc.diagnostics {
        if d.range.start <= offset && offset <= d.range.end && !rules.contains(&d.rule) {
            rules.push(d.rule);
            range.get_or_insert(d.range);
        }
    }
    let mut pages: Vec<String> = rules.iter().map(|r| r.meta().doc.trim_end().to_string()).collect();
    let model = &*doc.model;
    if let Some((at, text)) = describe(&doc.text, model, offset) {
        pages.push(text);
        range.get_or_insert(at);
    }
    if pages.is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: pages.join("\n\n---\n\n"),
        }),
        range: range.map(|r| doc.range(enc, r)),
    })
}

/// The reference of what is under `offset` (its ends included), and its range.
pub fn describe(text: &str, model: &Dockerfile, offset: usize) -> Option<(TextRange, String)> {
    let within = |r: TextRange| r.start <= offset && offset <= r.end;
    if let Some(d) = model.directives.items.iter().find(|d| within(d.key_range)) {
        let doc = reference::DIRECTIVES.iter().find(|x| x.name == d.key)?;
        return Some((d.key_range, reference::directive_markdown(doc)));
    }
    let ins = model.instructions.iter().find(|i| within(i.range))?;
    let ins = match &ins.body {
        _ if within(ins.keyword_range) => ins,
        Body::Onbuild(inner) => inner.as_ref(),
        _ => ins,
    };
    if within(ins.keyword_range) {
        let k = reference::keyword(ins.kind)?;
        return Some((ins.keyword_range, reference::keyword_markdown(k)));
    }
    for f in &ins.flags {
        // the name as written, `--` included (not a quoted one)
        let name = TextRange::new(f.range.start, f.range.start + 2 + f.name.len());
        if within(name) && name.slice(text).get(2..) == Some(f.name.as_str()) {
            let flag = reference::flag(ins.kind, &f.name)?;
            return Some((name, reference::flag_markdown(&flag)));
        }
    }
    let field = ins
        .run()
        .into_iter()
        .flat_map(|r| &r.mounts)
        .flat_map(|m| &m.fields)
        .find(|f| within(f.range))?;
    if within(field.key_range) {
        let option = reference::mount_option(&field.key)?;
        return Some((field.key_range, reference::mount_option_markdown(option)));
    }
    let value = field.value_range.filter(|r| within(*r) && field.key == "type")?;
    let t = reference::MOUNT_TYPES
        .iter()
        .find(|t| Some(t.name) == field.value.as_deref().map(str::to_ascii_lowercase).as_deref())?;
    Some((value, reference::mount_type_markdown(t)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    /// What is described at the `|` of `src`, and the text of its range.
    fn at(src: &str) -> Option<(String, String)> {
        let offset = src.find('|').unwrap();
        let text = src.replacen('|', "", 1);
        let model = parse(&text);
        describe(&text, &model, offset).map(|(r, md)| (r.slice(&text).to_string(), md))
    }

    #[test]
    fn keywords_flags_mount_keys_and_types() {
        let (word, md) = at("FROM a\nr|un x\n").unwrap();
        assert_eq!(word, "run");
        assert!(md.starts_with("**RUN** — Runs a command"), "{md}");
        assert!(
            md.ends_with("(https://docs.docker.com/reference/dockerfile/#run)"),
            "{md}"
        );
        let (word, md) = at("FROM a\nONBUILD CO|PY --chown=1 a b\n").unwrap();
        assert_eq!((word.as_str(), md.starts_with("**COPY**")), ("COPY", true));
        let (word, md) = at("FROM a\nONBUILD COPY --ch|own=1 a b\n").unwrap();
        assert_eq!(word, "--chown");
        assert!(md.starts_with("**COPY --chown=<value>** — The owner"), "{md}");
        let (word, md) = at("FROM a\nRUN --mount=type=cache,d|st=/x x\n").unwrap();
        assert_eq!(word, "dst");
        assert!(md.starts_with("**target**, **dst**, **destination** — Where"), "{md}");
        let (word, md) = at("FROM a\nRUN --mount=type=ca|che,dst=/x x\n").unwrap();
        assert_eq!(word, "cache");
        assert!(md.starts_with("**type=cache** — A persistent"), "{md}");
        let (word, md) = at("# esc|ape=`\nFROM a\n").unwrap();
        assert_eq!((word.as_str(), md.starts_with("**# escape=**")), ("escape", true));
        // arguments, values, unknown flags: nothing
        assert_eq!(at("FROM a\nRUN ec|ho\n"), None);
        assert_eq!(at("FROM a\nRUN --mount=type=cache,dst=/|x x\n"), None);
        assert_eq!(at("FROM a\nRUN --fo|o x\n"), None);
    }
}

//! Hover: on a finding, the page of its rule (the page `dfix explain` prints).

use super::convert::Encoding;
use super::document::Document;
use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};

pub fn hover(doc: &Document, enc: Encoding, offset: usize) -> Option<Hover> {
    let mut rules: Vec<&'static str> = Vec::new();
    let mut range = None;
    for d in &doc.diagnostics {
        if d.range.start <= offset && offset <= d.range.end && !rules.contains(&d.rule) {
            rules.push(d.rule);
            range.get_or_insert(d.range);
        }
    }
    let pages: Vec<&str> = rules
        .iter()
        .filter_map(|r| crate::rules::find(r))
        .map(|r| r.meta.doc.trim_end())
        .collect();
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

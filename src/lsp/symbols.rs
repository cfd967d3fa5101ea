//! Document symbols: one per stage (its instructions as children), and the instructions before
//! the first FROM at the top.

use super::convert::Encoding;
use super::document::Document;
use crate::syntax::model::{Body, Dockerfile, Instruction, Kind};
use crate::syntax::text::TextRange;
use lsp_types::{DocumentSymbol, SymbolKind};

/// How long an argument summary may grow before it is cut.
const SUMMARY: usize = 40;

pub fn document_symbols(doc: &Document, enc: Encoding) -> Vec<DocumentSymbol> {
    let model = &*doc.model;
    let mut out = Vec::new();
    for (i, ins) in model.instructions.iter().enumerate() {
        match ins.stage {
            None => out.push(instruction_symbol(doc, enc, ins)),
            Some(s) if model.stages[s].from == i => out.push(stage_symbol(doc, enc, model, s)),
            Some(_) => {}
        }
    }
    out
}

fn stage_symbol(doc: &Document, enc: Encoding, model: &Dockerfile, s: usize) -> DocumentSymbol {
    let stage = &model.stages[s];
    let from = &model.instructions[stage.from];
    let last = &model.instructions[stage.last];
    let (image, name_range) = match &from.body {
        Body::From(f) => (f.image.as_ref().map(|i| i.range), f.name_range),
        _ => (None, None),
    };
    let image_text = image.map(|r| r.slice(&doc.text).to_string());
    let name = match name_range {
        Some(r) => r.slice(&doc.text).to_string(),
        None => format!("stage {s} ({})", image_text.as_deref().unwrap_or("?")),
    };
    let selection = name_range.or(image).unwrap_or(from.keyword_range);
    let children = model.instructions[stage.from + 1..=stage.last]
        .iter()
        .map(|ins| instruction_symbol(doc, enc, ins))
        .collect();
    #[allow(deprecated)]
    DocumentSymbol {
        name,
        detail: name_range.and(image_text),
        kind: SymbolKind::NAMESPACE,
        tags: None,
        deprecated: None,
        range: doc.range(
            enc,
            TextRange::new(from.range.start, last.range.end.max(from.range.start)),
        ),
        selection_range: doc.range(enc, selection),
        children: Some(children),
    }
}

fn instruction_symbol(doc: &Document, enc: Encoding, ins: &Instruction) -> DocumentSymbol {
    let flags = ins.flags.iter().map(|f| f.range.slice(&doc.text));
    let summary = summarize(&flags.chain([ins.args_text.as_str()]).collect::<Vec<_>>().join(" "));
    let keyword = ins.keyword.to_ascii_uppercase();
    let name = if summary.is_empty() {
        keyword
    } else {
        format!("{keyword} {summary}")
    };
    #[allow(deprecated)]
    DocumentSymbol {
        name,
        detail: None,
        kind: kind(ins.effective().kind),
        tags: None,
        deprecated: None,
        range: doc.range(enc, ins.range),
        selection_range: doc.range(enc, ins.keyword_range),
        children: None,
    }
}

/// The arguments on one line, whitespace collapsed, cut at `SUMMARY` characters.
fn summarize(args: &str) -> String {
    let words: Vec<&str> = args.split_whitespace().collect();
    let joined = words.join(" ");
    if joined.chars().count() <= SUMMARY {
        return joined;
    }
    let cut: String = joined.chars().take(SUMMARY).collect();
    format!("{}…", cut.trim_end())
}

fn kind(k: Kind) -> SymbolKind {
    match k {
        Kind::Arg | Kind::Env => SymbolKind::VARIABLE,
        Kind::Label | Kind::Maintainer => SymbolKind::PROPERTY,
        Kind::Run | Kind::Cmd | Kind::Entrypoint | Kind::Healthcheck | Kind::Shell => SymbolKind::FUNCTION,
        Kind::Copy | Kind::Add | Kind::Volume | Kind::Workdir => SymbolKind::FILE,
        Kind::Expose => SymbolKind::INTERFACE,
        Kind::User => SymbolKind::OBJECT,
        Kind::Stopsignal => SymbolKind::EVENT,
        Kind::From => SymbolKind::NAMESPACE,
        Kind::Onbuild => SymbolKind::EVENT,
        Kind::Unknown => SymbolKind::NULL,
    }
}

#[cfg(test)]
mod tests {
    use super::summarize;

    #[test]
    fn summaries_are_one_short_line() {
        assert_eq!(summarize("apt-get update \\\n   && x"), "apt-get update \\ && x");
        let long = "a".repeat(50);
        assert_eq!(summarize(&long), format!("{}…", "a".repeat(40)));
        assert_eq!(summarize(""), "");
    }
}

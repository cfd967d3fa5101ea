//! Code actions: a quick fix per fix of each finding, "Ignore <rule> …" per finding, and
//! `source.fixAll.dfix`, which is `dfix --write` on the buffer.

use super::convert::Encoding;
use super::document::Document;
use crate::diagnostic::{Applicability, Diagnostic, Edit};
use crate::syntax::text::TextRange;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, DocumentChanges, OneOf, OptionalVersionedTextDocumentIdentifier,
    TextDocumentEdit, TextEdit, WorkspaceEdit,
};
use std::collections::HashMap;

/// The kind of the fix-all action.
pub const FIX_ALL: &str = "source.fixAll.dfix";

pub fn kinds() -> Vec<CodeActionKind> {
    vec![CodeActionKind::QUICKFIX, CodeActionKind::new(FIX_ALL)]
}

/// How edits reach the client.
#[derive(Clone, Copy, Debug)]
pub struct EditStyle {
    /// `documentChanges` with the document's version (so a stale edit is refused), else
    /// `changes`.
    pub versioned: bool,
}

/// Is an action of `kind` wanted, given the request's `only`?
fn wanted(only: Option<&[CodeActionKind]>, kind: &str) -> bool {
    only.is_none_or(|only| {
        only.iter().any(|o| {
            let o = o.as_str();
            kind == o || kind.strip_prefix(o).is_some_and(|rest| rest.starts_with('.'))
        })
    })
}

/// Does a finding at `d` touch the requested range?
fn touches(d: TextRange, r: TextRange) -> bool {
    d.start <= r.end && r.start <= d.end
}

pub fn code_actions(
    doc: &Document,
    enc: Encoding,
    style: EditStyle,
    range: TextRange,
    only: Option<&[CodeActionKind]>,
) -> Vec<CodeActionOrCommand> {
    let mut out = Vec::new();
    if wanted(only, CodeActionKind::QUICKFIX.as_str()) {
        let model = &*doc.model;
        for d in doc.diagnostics.iter().filter(|d| touches(d.range, range)) {
            let lsp = doc.lsp_diagnostic(enc, d);
            let fixes = d
                .fix
                .iter()
                .map(|f| (f, true))
                .chain(d.alternatives.iter().map(|f| (f, false)));
            for (fix, preferred) in fixes {
                if fix.applicability == Applicability::DisplayOnly || fix.edits().is_empty() {
                    continue;
                }
                let unsafe_ = fix.applicability == Applicability::Unsafe;
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: if unsafe_ {
                        format!("{} (unsafe)", fix.title)
                    } else {
                        fix.title.clone()
                    },
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![lsp.clone()]),
                    edit: Some(workspace_edit(doc, enc, style, fix.edits())),
                    // an editor may apply a preferred fix without showing it: never an unsafe one
                    is_preferred: (preferred && !unsafe_).then_some(true),
                    ..CodeAction::default()
                }));
            }
            // a file that does not build must not pass: no "Ignore" for those rules
            if !d.rule.meta().breaks_build {
                out.push(CodeActionOrCommand::CodeAction(ignore_action(
                    doc, enc, style, model, d, lsp,
                )));
            }
        }
    }
    if wanted(only, FIX_ALL)
        && let Some(action) = fix_all(doc, enc, style)
    {
        out.push(CodeActionOrCommand::CodeAction(action));
    }
    out
}

fn ignore_action(
    doc: &Document,
    enc: Encoding,
    style: EditStyle,
    model: &crate::syntax::model::Dockerfile,
    d: &Diagnostic,
    lsp: lsp_types::Diagnostic,
) -> CodeAction {
    let edits = crate::suppress::ignore_edits(&doc.text, model, std::slice::from_ref(d));
    let reach = match crate::suppress::instruction_of(model, d.range) {
        Some(_) => "this instruction",
        None => "this file",
    };
    CodeAction {
        title: format!("Ignore {} for {reach}", d.suppression_name()),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![lsp]),
        edit: Some(workspace_edit(doc, enc, style, &edits)),
        ..CodeAction::default()
    }
}

/// Every fix `dfix --write` would apply to the buffer, as one edit of the part that changes.
fn fix_all(doc: &Document, enc: Encoding, style: EditStyle) -> Option<CodeAction> {
    let settings = doc.settings.as_ref()?;
    if !doc.diagnostics.iter().any(|d| {
        d.fix
            .as_ref()
            .is_some_and(|f| crate::fix::eligible(f, settings.unsafe_fixes))
    }) {
        return None;
    }
    let outcome = crate::fix(&doc.text, settings, settings.unsafe_fixes);
    if outcome.failure.is_some() || outcome.text == doc.text {
        return None;
    }
    let edit = changed_span(&doc.text, &outcome.text);
    let n = outcome.count();
    Some(CodeAction {
        title: format!("Fix all dfix problems ({n} fix{})", if n == 1 { "" } else { "es" }),
        kind: Some(CodeActionKind::new(FIX_ALL)),
        edit: Some(workspace_edit(doc, enc, style, &[edit])),
        ..CodeAction::default()
    })
}

/// The one edit that turns `old` into `new`: the span between their common prefix and suffix.
pub fn changed_span(old: &str, new: &str) -> Edit {
    let mut prefix = old.bytes().zip(new.bytes()).take_while(|(a, b)| a == b).count();
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    Edit::replace(
        TextRange::new(prefix, old.len() - suffix),
        &new[prefix..new.len() - suffix],
    )
}

pub fn workspace_edit(doc: &Document, enc: Encoding, style: EditStyle, edits: &[Edit]) -> WorkspaceEdit {
    let edits: Vec<TextEdit> = edits
        .iter()
        .map(|e| TextEdit::new(doc.range(enc, e.range), e.content.clone()))
        .collect();
    if style.versioned {
        WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: doc.uri.clone(),
                    version: Some(doc.version),
                },
                edits: edits.into_iter().map(OneOf::Left).collect(),
            }])),
            ..WorkspaceEdit::default()
        }
    } else {
        WorkspaceEdit {
            changes: Some(HashMap::from([(doc.uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_changed_span_is_minimal_and_on_char_boundaries() {
        for (old, new) in [
            ("abc", "abc"),
            ("RUN x\n", "RUN --m x\n"),
            ("é1", "è1"),
            ("aaa", "aa"),
            ("", "x"),
            ("x\n", ""),
            ("ab😀cd", "ab😁cd"),
        ] {
            let e = changed_span(old, new);
            let out = crate::fix::apply_edits(old, &[&e]);
            assert_eq!(out, new, "{old:?} -> {new:?}");
            assert!(e.range.len() <= old.len());
        }
        assert_eq!(changed_span("RUN x\n", "RUN --m x\n").range, TextRange::new(4, 4));
    }

    #[test]
    fn only_filters_by_kind_prefix() {
        let k = |s: &str| CodeActionKind::from(s.to_string());
        assert!(wanted(None, FIX_ALL));
        assert!(wanted(Some(&[k("source")]), FIX_ALL));
        assert!(wanted(Some(&[k("source.fixAll")]), FIX_ALL));
        assert!(!wanted(Some(&[k("source.fix")]), FIX_ALL));
        assert!(!wanted(Some(&[k("quickfix")]), FIX_ALL));
        assert!(wanted(Some(&[k("quickfix")]), "quickfix"));
    }
}

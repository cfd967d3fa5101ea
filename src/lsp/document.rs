//! An open document: its text as the client sees it, and what dfix found in it.

use super::convert::Encoding;
use crate::diagnostic::Diagnostic;
use crate::settings::Settings;
use crate::syntax::Scripts;
use crate::syntax::model::Dockerfile;
use crate::syntax::text::{LineIndex, TextRange};
use lsp_types::{Position, Range, TextDocumentContentChangeEvent, Uri};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Clone)]
pub struct Document {
    pub uri: Uri,
    /// The file behind a `file:` URI.
    pub path: Option<PathBuf>,
    pub version: i32,
    pub text: String,
    pub index: LineIndex,
    /// The settings of the last lint; `None` when the configuration excludes the file.
    pub settings: Option<Settings>,
    /// The findings in `text`.
    pub diagnostics: Vec<Diagnostic>,
    /// The model of `text` the findings come from: what every request reads, so that none
    /// parses the document again.
    pub model: Arc<Dockerfile>,
    /// The RUN scripts of that parse, for the next one.
    scripts: Scripts,
}

impl Document {
    pub fn new(uri: Uri, version: i32, text: String) -> Document {
        Document {
            path: super::convert::uri_to_path(&uri),
            uri,
            version,
            index: LineIndex::new(&text),
            text,
            settings: None,
            diagnostics: Vec::new(),
            // until the first lint
            model: Arc::new(crate::syntax::parse("")),
            scripts: Scripts::default(),
        }
    }

    /// Parses the text again (only the RUN scripts that changed) and lints it with `settings`
    /// (no findings when the configuration excludes the file).
    pub fn lint(&mut self, settings: Option<Settings>) {
        self.model = Arc::new(crate::syntax::parse_reusing(&self.text, &mut self.scripts));
        self.diagnostics = match &settings {
            Some(s) => crate::rules::check_all(&self.text, &self.model, s),
            None => Vec::new(),
        };
        self.settings = settings;
    }

    /// Applies one content change (a replacement of the whole text when it has no range).
    /// Returns `false` when the range was out of the text and had to be clamped to it.
    pub fn apply_change(&mut self, change: TextDocumentContentChangeEvent, enc: Encoding) -> bool {
        let Some(range) = change.range else {
            self.text = change.text;
            self.index = LineIndex::new(&self.text);
            return true;
        };
        let clamp = |p: Position| {
            enc.offset(&self.text, &self.index, p)
                .map_or((self.text.len(), false), |o| (o, true))
        };
        let ((start, ok_start), (end, ok_end)) = (clamp(range.start), clamp(range.end));
        let (start, end) = (start.min(end), start.max(end));
        self.text.replace_range(start..end, &change.text);
        self.index = LineIndex::new(&self.text);
        ok_start && ok_end && range.start <= range.end
    }

    pub fn range(&self, enc: Encoding, range: TextRange) -> Range {
        enc.range(&self.text, &self.index, range)
    }

    pub fn offset(&self, enc: Encoding, pos: Position) -> Option<usize> {
        enc.offset(&self.text, &self.index, pos)
    }

    pub fn text_range(&self, enc: Encoding, range: Range) -> Option<TextRange> {
        enc.text_range(&self.text, &self.index, range)
    }

    pub fn lsp_diagnostic(&self, enc: Encoding, d: &Diagnostic) -> lsp_types::Diagnostic {
        super::convert::diagnostic(d, &self.text, &self.index, enc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn change(r: Option<((u32, u32), (u32, u32))>, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: r.map(|((a, b), (c, d))| Range::new(Position::new(a, b), Position::new(c, d))),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn incremental_changes_in_both_encodings() {
        let uri = Uri::from_str("file:///tmp/Dockerfile").unwrap();
        // 😀 is 2 UTF-16 units and 4 bytes
        let mut d = Document::new(uri.clone(), 1, "FROM a\nLABEL x=\"😀\" y=1\n".into());
        assert!(d.apply_change(change(Some(((1, 13), (1, 14))), "z"), Encoding::Utf16));
        assert_eq!(d.text, "FROM a\nLABEL x=\"😀\" z=1\n");
        assert!(d.apply_change(change(Some(((1, 15), (1, 16))), "w"), Encoding::Utf8));
        assert_eq!(d.text, "FROM a\nLABEL x=\"😀\" w=1\n");
        // an insertion on the empty last line, then a deletion across lines
        assert!(d.apply_change(change(Some(((2, 0), (2, 0))), "RUN é"), Encoding::Utf16));
        assert!(d.apply_change(change(Some(((0, 6), (1, 0))), " AS b\n"), Encoding::Utf16));
        assert_eq!(d.text, "FROM a AS b\nLABEL x=\"😀\" w=1\nRUN é");
        // out of range: clamped, and said
        assert!(!d.apply_change(change(Some(((7, 0), (9, 0))), "\n"), Encoding::Utf16));
        assert_eq!(d.text, "FROM a AS b\nLABEL x=\"😀\" w=1\nRUN é\n");
        assert!(d.apply_change(change(None, "FROM c\n"), Encoding::Utf16));
        assert_eq!((d.text.as_str(), d.index.line_count()), ("FROM c\n", 2));
    }
}

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
    /// Counts the changes to the text and the settings: a lint of an older generation is stale.
    pub generation: u64,
    /// The generation the findings and the model are of.
    linted: Option<u64>,
}

/// A lint taken out of a document, to run on another thread ([`LintJob::run`]).
pub struct LintJob {
    pub uri: Uri,
    pub generation: u64,
    text: String,
    scripts: Scripts,
    settings: Option<Settings>,
}

/// What [`Document::finish_lint`] did with a result.
pub enum Finished {
    /// The findings and the model are the document's now.
    Linted,
    /// The lint panicked (with this payload).
    Failed(Box<dyn std::any::Any + Send>),
    /// The text or the settings changed since, or a later lint finished first: dropped.
    Stale,
}

/// The result of a [`LintJob`], for [`Document::finish_lint`].
pub struct Linted {
    pub uri: Uri,
    pub generation: u64,
    /// The model, the findings and the settings; the panic's payload when the lint failed.
    result: std::thread::Result<(Arc<Dockerfile>, Vec<Diagnostic>, Option<Settings>)>,
    scripts: Scripts,
}

impl LintJob {
    /// Parses the text (only the RUN scripts that changed) and lints it (no findings when the
    /// configuration excludes the file).
    pub fn run(mut self) -> Linted {
        let scripts = &mut self.scripts;
        let (text, settings) = (&self.text, self.settings);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let model = Arc::new(crate::syntax::parse_reusing(text, scripts));
            let diagnostics = match &settings {
                Some(s) => crate::rules::check_all(text, &model, s),
                None => Vec::new(),
            };
            (model, diagnostics, settings)
        }));
        Linted {
            uri: self.uri,
            generation: self.generation,
            result,
            scripts: self.scripts,
        }
    }
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
            generation: 0,
            linted: None,
        }
    }

    /// Parses the text again (only the RUN scripts that changed) and lints it with `settings`
    /// (no findings when the configuration excludes the file), here and now.
    pub fn lint(&mut self, settings: Option<Settings>) -> Finished {
        let done = self.lint_job(settings).run();
        self.finish_lint(done)
    }

    /// The findings and the model are not those of the current text and settings.
    pub fn is_stale(&self) -> bool {
        self.linted != Some(self.generation)
    }

    /// The text is about to be linted with new `settings`: a lint under way is stale.
    pub fn settings_changed(&mut self) {
        self.generation += 1;
    }

    /// A lint of the current text with `settings`, to run elsewhere; it takes the document's
    /// scripts with it (they come back with [`Document::finish_lint`]).
    pub fn lint_job(&mut self, settings: Option<Settings>) -> LintJob {
        LintJob {
            uri: self.uri.clone(),
            generation: self.generation,
            text: self.text.clone(),
            scripts: std::mem::take(&mut self.scripts),
            settings,
        }
    }

    /// Takes the result of a lint when it is of the current generation and the document has
    /// not been linted since; a stale one only gives back its scripts. A failed lint keeps the
    /// last findings (and is not tried again until the text or the settings change).
    pub fn finish_lint(&mut self, done: Linted) -> Finished {
        if self.scripts.is_empty() {
            self.scripts = done.scripts;
        }
        if done.generation != self.generation || !self.is_stale() {
            return Finished::Stale;
        }
        self.linted = Some(done.generation);
        match done.result {
            Ok((model, diagnostics, settings)) => {
                self.model = model;
                self.diagnostics = diagnostics;
                self.settings = settings;
                Finished::Linted
            }
            Err(payload) => Finished::Failed(payload),
        }
    }

    /// Applies one content change (a replacement of the whole text when it has no range).
    /// Returns `false` when the range was out of the text and had to be clamped to it.
    pub fn apply_change(&mut self, change: TextDocumentContentChangeEvent, enc: Encoding) -> bool {
        self.generation += 1;
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
    fn a_lint_made_stale_by_an_edit_is_dropped() {
        let uri = Uri::from_str("file:///tmp/Dockerfile").unwrap();
        let settings = || Some(Settings::from_layers(&[]).unwrap());
        let mut d = Document::new(uri, 1, "FROM a:1\nRUN pip install x==1.0\n".into());
        assert!(d.is_stale());
        let old = d.lint_job(settings()).run();
        assert!(d.apply_change(change(None, "FROM a:1\n"), Encoding::Utf8));
        assert!(matches!(d.finish_lint(old), Finished::Stale));
        assert!(d.is_stale() && d.diagnostics.is_empty());
        let new = d.lint_job(settings()).run();
        // a lint here and now wins over the one still running
        assert!(matches!(d.lint(settings()), Finished::Linted));
        assert!(matches!(d.finish_lint(new), Finished::Stale));
        assert!(!d.is_stale());
        assert!(d.apply_change(change(None, "FROM a:1\nRUN pip install y==1.0\n"), Encoding::Utf8));
        let job = d.lint_job(settings());
        assert!(matches!(d.finish_lint(job.run()), Finished::Linted));
        assert_eq!(d.diagnostics.len(), 1, "{:?}", d.diagnostics);
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

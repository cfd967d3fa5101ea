//! Output formats: one file each. A report is the diagnostics of every linted file, sorted by
//! path.

mod concise;
mod human;
mod json;
mod json_lines;

use crate::diagnostic::Diagnostic;
use crate::syntax::text::LineIndex;
use std::io::{self, Write};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Concise,
    Json,
    JsonLines,
}

/// One file's findings.
pub struct FileReport {
    /// The path as shown to the user.
    pub path: String,
    pub source: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl FileReport {
    pub fn index(&self) -> LineIndex {
        LineIndex::new(&self.source)
    }
}

pub fn emit(
    format: Format,
    files: &[FileReport],
    out: &mut dyn Write,
    color: bool,
    show_fixes: bool,
) -> io::Result<()> {
    match format {
        Format::Human => human::emit(files, out, color, show_fixes),
        Format::Concise => concise::emit(files, out),
        Format::Json => json::emit(files, out),
        Format::JsonLines => json_lines::emit(files, out),
    }
}

//! Diagnostics with the source line, through codespan-reporting.

use super::FileReport;
use crate::diagnostic::{Applicability, Severity};
use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config, termcolor};
use std::io::{self, Write};

fn fix_note(f: &crate::diagnostic::Fix) -> String {
    match f.applicability {
        Applicability::Safe => format!("fix: {} (--write)", f.title),
        Applicability::Unsafe => format!("fix: {} (--write --unsafe-fixes)", f.title),
        Applicability::DisplayOnly => format!("suggestion: {}", f.title),
    }
}

pub fn emit(files: &[FileReport], out: &mut dyn Write, color: bool, show_fixes: bool) -> io::Result<()> {
    let config = Config::default();
    for f in files {
        let file = SimpleFile::new(f.path.as_str(), f.source.as_str());
        for d in &f.diagnostics {
            let base = match d.severity {
                Severity::Error => CsDiagnostic::error(),
                Severity::Warning => CsDiagnostic::warning(),
                Severity::Info => CsDiagnostic::note(),
            };
            let mut notes: Vec<String> = d.fix.iter().map(fix_note).collect();
            if show_fixes {
                notes.extend(d.alternatives.iter().map(|a| format!("alternative: {}", fix_note(a))));
            }
            let diag = base
                .with_code(d.rule)
                .with_message(&d.message)
                .with_labels(vec![Label::primary((), d.range.start..d.range.end)])
                .with_notes(notes);
            if color {
                let mut w = termcolor::Ansi::new(&mut *out);
                term::emit_to_write_style(&mut w, &config, &file, &diag).map_err(io::Error::other)?;
            } else {
                let mut w = termcolor::NoColor::new(&mut *out);
                term::emit_to_write_style(&mut w, &config, &file, &diag).map_err(io::Error::other)?;
            }
        }
    }
    Ok(())
}

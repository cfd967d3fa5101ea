//! One JSON object per line, per finding.

use super::FileReport;
use super::json::diagnostic;
use std::io::{self, Write};

pub fn emit(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    for f in files {
        let index = f.index();
        for d in &f.diagnostics {
            serde_json::to_writer(&mut *out, &diagnostic(f, &index, d))?;
            writeln!(out)?;
        }
    }
    Ok(())
}

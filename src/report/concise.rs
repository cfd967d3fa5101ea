//! `path:line:column: severity[rule] message`, one line per finding.

use super::FileReport;
use crate::diagnostic::Applicability;
use std::io::{self, Write};

pub fn emit(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    for file in files {
        let index = file.index();
        for d in &file.diagnostics {
            let at = index.line_col(&file.source, d.range.start);
            // `[*]`: `--write` fixes it (an unsafe fix only with `--unsafe-fixes`)
            let applied = d
                .fix
                .as_ref()
                .is_some_and(|f| f.applicability == Applicability::Safe || file.unsafe_fixes);
            let mark = if applied { " [*]" } else { "" };
            writeln!(
                out,
                "{}:{}:{}: {}[{}]{mark} {}",
                file.path,
                at.line,
                at.column,
                d.severity.as_str(),
                d.rule,
                d.message
            )?;
        }
    }
    Ok(())
}

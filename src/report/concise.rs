//! `path:line:column: severity[rule] message`, one line per finding.

use super::FileReport;
use std::io::{self, Write};

pub fn emit(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    for f in files {
        let index = f.index();
        for d in &f.diagnostics {
            let at = index.line_col(&f.source, d.range.start);
            let mark = if d.fix.is_some() { " [*]" } else { "" };
            writeln!(
                out,
                "{}:{}:{}: {}[{}]{mark} {}",
                f.path,
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

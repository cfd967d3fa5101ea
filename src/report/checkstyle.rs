//! Checkstyle XML: a `<file>` per linted file, an `<error>` per finding.

use super::FileReport;
use super::xml::attr;
use std::io::{self, Write};

pub fn emit(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<checkstyle version="4.3">"#)?;
    for f in files {
        let index = f.index();
        if f.diagnostics.is_empty() {
            writeln!(out, r#"  <file name="{}"/>"#, attr(&f.path))?;
            continue;
        }
        writeln!(out, r#"  <file name="{}">"#, attr(&f.path))?;
        for d in &f.diagnostics {
            let at = index.line_col(&f.source, d.range.start);
            writeln!(
                out,
                r#"    <error line="{}" column="{}" severity="{}" message="{}" source="{}"/>"#,
                at.line,
                at.column,
                d.severity.as_str(),
                attr(&d.message),
                attr(d.rule.name())
            )?;
        }
        writeln!(out, "  </file>")?;
    }
    writeln!(out, "</checkstyle>")
}

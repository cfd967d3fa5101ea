//! JUnit XML: a `<testsuite>` per linted file, a failing `<testcase>` per finding, and one
//! passing test case for a file without findings (so a clean run does not show "0 tests").

use super::FileReport;
use super::xml::{attr, text};
use std::io::{self, Write};

pub fn emit(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let failures: usize = files.iter().map(|f| f.diagnostics.len()).sum();
    let tests: usize = files.iter().map(|f| f.diagnostics.len().max(1)).sum();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="dfix" tests="{tests}" failures="{failures}" errors="0">"#
    )?;
    for f in files {
        let index = f.index();
        let path = attr(&f.path);
        let n = f.diagnostics.len();
        writeln!(
            out,
            r#"  <testsuite name="{path}" tests="{}" failures="{n}" errors="0" skipped="0">"#,
            n.max(1)
        )?;
        if n == 0 {
            writeln!(
                out,
                r#"    <testcase classname="{path}" name="no findings" file="{path}"/>"#
            )?;
        }
        for d in &f.diagnostics {
            let at = index.line_col(&f.source, d.range.start);
            writeln!(
                out,
                r#"    <testcase classname="{path}" name="{} at {}:{}" file="{path}" line="{}">"#,
                attr(d.rule.name()),
                at.line,
                at.column,
                at.line
            )?;
            let mut body = format!(
                "{}:{}:{}: {}[{}] {}",
                f.path,
                at.line,
                at.column,
                d.severity.as_str(),
                d.rule,
                d.message
            );
            if let Some(fix) = &d.fix {
                body.push_str(&format!("\nfix: {}", fix.title));
            }
            writeln!(
                out,
                r#"      <failure type="{}" message="{}">{}</failure>"#,
                d.severity.as_str(),
                attr(&d.message),
                text(&body)
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

//! GitHub Actions workflow commands: one `::error|warning|notice file=…,line=…::message` line
//! per finding, which GitHub shows as an annotation on the file.
//!
//! GitHub shows only the first few annotations of a step; the rest appear in the log as bare
//! messages, so each message starts with `path:line:column:` and the log alone is complete.

use super::{FileReport, Options};
use crate::diagnostic::{Applicability, Severity};
use std::io::{self, Write};

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// Escapes a command's message (`%`, CR, LF).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value: as a message, and `:` and `,` too.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn emit(files: &[FileReport], out: &mut dyn Write, opts: &Options) -> io::Result<()> {
    for f in files {
        let index = f.index();
        let path = opts.platform_path(&f.path);
        for d in &f.diagnostics {
            let start = index.line_col(&f.source, d.range.start);
            let end = index.line_col(&f.source, d.range.end);
            // columns only on one line: GitHub rejects them on a range over several lines
            let position = if start.line == end.line {
                format!(
                    "line={},col={},endLine={},endColumn={}",
                    start.line, start.column, end.line, end.column
                )
            } else {
                format!("line={},endLine={}", start.line, end.line)
            };
            let mut message = format!("{path}:{}:{}: {}", start.line, start.column, d.message);
            if let Some(fix) = &d.fix {
                let how = match fix.applicability {
                    Applicability::Safe => " (dfix --write)",
                    Applicability::Unsafe => " (dfix --write --unsafe-fixes)",
                    Applicability::DisplayOnly => "",
                };
                message.push_str(&format!("\nfix: {}{how}", fix.title));
            }
            writeln!(
                out,
                "::{} file={},{position},title={}::{}",
                command(d.severity),
                escape_property(&path),
                escape_property(&format!("dfix ({})", d.rule)),
                escape_data(&message)
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Diagnostic;
    use crate::syntax::text::TextRange;

    #[test]
    fn escapes_and_ranges_over_several_lines() {
        assert_eq!(escape_data("50%\r\nb:c,d"), "50%25%0D%0Ab:c,d");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
        let file = FileReport {
            path: "d/Docker,file".into(),
            source: "FROM a\nRUN x \\\n  y\n".into(),
            diagnostics: vec![Diagnostic {
                rule: crate::rules::RuleId::SYNTAX_ERROR,
                severity: Severity::Info,
                message: "100% bad".into(),
                range: TextRange::new(7, 18),
                fix: None,
                alternatives: Vec::new(),
                no_fix_reason: None,
                code: None,
            }],
            unsafe_fixes: false,
        };
        let mut out = Vec::new();
        let mut opts = Options::here(false, false);
        opts.root = opts.cwd.clone();
        emit(&[file], &mut out, &opts).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "::notice file=d/Docker%2Cfile,line=2,endLine=3,title=dfix (syntax-error)::d/Docker,file:2:1: 100%25 bad\n"
        );
    }
}

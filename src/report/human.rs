//! Diagnostics with the source line, through codespan-reporting.

use super::FileReport;
use crate::diagnostic::{Applicability, Fix, Severity};
use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config, termcolor};
use std::io::{self, Write};

/// The preferred fix, with the command that applies it.
fn fix_note(f: &Fix) -> String {
    match f.applicability {
        Applicability::Safe => format!("fix: {} (--write)", f.title),
        Applicability::Unsafe => format!("fix: {} (--write --unsafe-fixes)", f.title),
        Applicability::DisplayOnly => format!("suggestion: {}", f.title),
    }
}

/// An alternative: `--write` never applies one, whatever its applicability; the editor's quick
/// fixes (`dfix lsp`) do.
fn alternative_note(f: &Fix) -> String {
    let how = match f.applicability {
        Applicability::Safe => "a quick fix in the editor; --write never applies alternatives",
        Applicability::Unsafe => "unsafe; a quick fix in the editor; --write never applies alternatives",
        Applicability::DisplayOnly => "not applied by any command",
    };
    format!("alternative: {} ({how})", f.title)
}

pub fn emit(files: &[FileReport], out: &mut dyn Write, color: bool, show_fixes: bool) -> io::Result<()> {
    let config = Config::default();
    for f in files {
        let file = SimpleFile::new(f.path.as_str(), f.source.as_str());
        for d in &f.diagnostics {
            // codespan-reporting has no "info": a note's header is renamed below
            let base = match d.severity {
                Severity::Error => CsDiagnostic::error(),
                Severity::Warning => CsDiagnostic::warning(),
                Severity::Info => CsDiagnostic::note(),
            };
            let mut notes: Vec<String> = d.fix.iter().map(fix_note).collect();
            notes.extend(d.no_fix_reason.iter().map(|r| format!("no fix: {r}")));
            if show_fixes {
                notes.extend(d.alternatives.iter().map(alternative_note));
            }
            let diag = base
                .with_code(d.rule)
                .with_message(&d.message)
                .with_labels(vec![Label::primary((), d.range.start..d.range.end)])
                .with_notes(notes);
            let mut buf = Vec::new();
            if color {
                let mut w = termcolor::Ansi::new(&mut buf);
                term::emit_to_write_style(&mut w, &config, &file, &diag).map_err(io::Error::other)?;
            } else {
                let mut w = termcolor::NoColor::new(&mut buf);
                term::emit_to_write_style(&mut w, &config, &file, &diag).map_err(io::Error::other)?;
            }
            if d.severity == Severity::Info {
                rename_note_header(&mut buf, d.rule.name());
            }
            out.write_all(&buf)?;
        }
    }
    Ok(())
}

/// codespan-reporting writes the severity, then `[code]`, at the start of the first line (after
/// colour codes): `note[rule]` becomes `info[rule]`, dfix's word everywhere else.
fn rename_note_header(buf: &mut [u8], rule: &str) {
    let header = format!("note[{rule}]");
    let first_line = buf.iter().position(|&b| b == b'\n').unwrap_or(buf.len());
    if let Some(at) = buf[..first_line]
        .windows(header.len())
        .position(|w| w == header.as_bytes())
    {
        buf[at..at + 4].copy_from_slice(b"info");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Diagnostic, Edit};
    use crate::syntax::text::TextRange;

    fn render(d: Diagnostic, color: bool, show_fixes: bool) -> String {
        let file = FileReport {
            path: "Dockerfile".into(),
            source: "FROM a\n".into(),
            diagnostics: vec![d],
            unsafe_fixes: false,
        };
        let mut out = Vec::new();
        emit(&[file], &mut out, color, show_fixes).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn finding(severity: Severity) -> Diagnostic {
        Diagnostic {
            rule: crate::rules::RuleId::UNUSED_SUPPRESSION,
            severity,
            message: "m".into(),
            range: TextRange::new(0, 4),
            fix: None,
            alternatives: Vec::new(),
            no_fix_reason: None,
            code: None,
        }
    }

    #[test]
    fn info_is_called_info() {
        for color in [false, true] {
            let out = render(finding(Severity::Info), color, false);
            let header = out.lines().next().unwrap();
            assert!(header.contains("info[unused-suppression]"), "{header:?}");
            assert!(!out.contains("note"), "{out:?}");
        }
        let out = render(finding(Severity::Warning), false, false);
        assert!(out.starts_with("warning[unused-suppression]: m\n"), "{out}");
    }

    #[test]
    fn hints_name_what_applies_them() {
        let mut d = finding(Severity::Warning);
        d.no_fix_reason = Some("the uid of user `app` could not be determined".into());
        d.alternatives.push(Fix::unsafe_("Do it", vec![Edit::insert(0, "x")]));
        let out = render(d.clone(), false, true);
        assert!(
            out.contains("= no fix: the uid of user `app` could not be determined\n"),
            "{out}"
        );
        assert!(
            out.contains(
                "= alternative: Do it (unsafe; a quick fix in the editor; --write never applies alternatives)\n"
            ),
            "{out}"
        );
        assert!(!out.contains("--unsafe-fixes"), "{out}");
        // alternatives only with --show-fixes
        assert!(!render(d, false, false).contains("alternative"));
    }
}

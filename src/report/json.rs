//! A JSON array of findings.

use super::FileReport;
use crate::diagnostic::{Diagnostic, Fix};
use crate::syntax::text::{LineIndex, TextRange};
use serde_json::{Value, json};
use std::io::{self, Write};

fn range(index: &LineIndex, source: &str, r: TextRange) -> Value {
    json!({ "start": index.line_col(source, r.start), "end": index.line_col(source, r.end) })
}

fn fix(index: &LineIndex, source: &str, f: &Fix) -> Value {
    json!({
        "title": f.title,
        "applicability": f.applicability,
        "edits": f.edits().iter().map(|e| json!({
            "start_byte": e.range.start,
            "end_byte": e.range.end,
            "range": range(index, source, e.range),
            "content": e.content,
        })).collect::<Vec<_>>(),
    })
}

/// One finding as JSON (shared with `json-lines`).
pub fn diagnostic(file: &FileReport, index: &LineIndex, d: &Diagnostic) -> Value {
    let mut v = json!({
        "rule": d.rule,
        "severity": d.severity,
        "message": d.message,
        "path": file.path,
        "range": range(index, &file.source, d.range),
        "start_byte": d.range.start,
        "end_byte": d.range.end,
        "fix": d.fix.as_ref().map(|f| fix(index, &file.source, f)),
        "alternatives": d.alternatives.iter().map(|f| fix(index, &file.source, f)).collect::<Vec<_>>(),
    });
    if let Some(reason) = &d.no_fix_reason {
        v["no_fix_reason"] = json!(reason);
    }
    if let Some(code) = d.code {
        v["code"] = json!(crate::settings::shellcheck_name(code));
    }
    v
}

pub fn emit(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let mut all = Vec::new();
    for f in files {
        let index = f.index();
        all.extend(f.diagnostics.iter().map(|d| diagnostic(f, &index, d)));
    }
    serde_json::to_writer_pretty(&mut *out, &all)?;
    writeln!(out)
}

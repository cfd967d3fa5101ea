//! GitLab Code Quality: a JSON array of `{description, check_name, fingerprint, severity,
//! location: {path, lines: {begin, end}}}`, paths relative to the repository root.
//!
//! GitLab matches findings across pipelines by `fingerprint`, so it must survive edits
//! elsewhere in the file: it hashes the path, the rule, the normalised text of the instruction
//! the finding is in (or of the finding's own range outside any instruction), the normalised
//! text of the finding's range, and the finding's index among findings with all of these equal.
//! No line numbers go in.

use super::{FileReport, Options};
use crate::diagnostic::Severity;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{self, Write};

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

/// Whitespace runs become one space and line continuations disappear, so re-indenting or
/// re-wrapping an instruction (or converting LF to CRLF) keeps its fingerprints.
fn normalise(text: &str, escape: char) -> String {
    let mut esc = [0u8; 4];
    let esc: &str = escape.encode_utf8(&mut esc);
    text.split_whitespace()
        .filter(|w| *w != esc)
        .collect::<Vec<_>>()
        .join(" ")
}

/// One fingerprint per diagnostic of `file`, in order; `path` is the path the report shows.
pub fn fingerprints(file: &FileReport, path: &str) -> Vec<String> {
    if file.diagnostics.is_empty() {
        return Vec::new();
    }
    let model = crate::syntax::parse(&file.source);
    let mut seen: HashMap<Vec<u8>, usize> = HashMap::new();
    file.diagnostics
        .iter()
        .map(|d| {
            let own = file.source.get(d.range.start..d.range.end).unwrap_or("");
            let context = model
                .instructions
                .iter()
                .find(|i| i.range.start <= d.range.start && d.range.end <= i.range.end)
                .and_then(|i| file.source.get(i.range.start..i.range.end))
                .unwrap_or(own);
            let mut key = Vec::new();
            for part in [
                path,
                d.rule.name(),
                &normalise(context, model.escape),
                &normalise(own, model.escape),
            ] {
                key.extend_from_slice(part.as_bytes());
                key.push(0);
            }
            let n = seen.entry(key.clone()).or_insert(0);
            key.extend_from_slice(n.to_string().as_bytes());
            *n += 1;
            Sha256::digest(&key).iter().map(|b| format!("{b:02x}")).collect()
        })
        .collect()
}

pub fn emit(files: &[FileReport], out: &mut dyn Write, opts: &Options) -> io::Result<()> {
    let mut all: Vec<Value> = Vec::new();
    for f in files {
        let index = f.index();
        let path = opts.platform_path(&f.path);
        for (d, print) in f.diagnostics.iter().zip(fingerprints(f, &path)) {
            let begin = index.line_col(&f.source, d.range.start).line;
            let end = index.line_col(&f.source, d.range.end).line;
            all.push(json!({
                "type": "issue",
                "description": d.message,
                "check_name": d.rule,
                "fingerprint": print,
                "severity": severity(d.severity),
                "location": { "path": path, "lines": { "begin": begin, "end": end } },
            }));
        }
    }
    serde_json::to_writer_pretty(&mut *out, &all)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Diagnostic;
    use crate::syntax::text::TextRange;

    fn report(source: &str, needle: &str) -> FileReport {
        let diagnostics = source
            .match_indices(needle)
            .map(|(i, _)| Diagnostic {
                rule: crate::rules::RuleId::PIP_WITHOUT_CACHE_MOUNT,
                severity: Severity::Warning,
                message: "m".into(),
                range: TextRange::new(i, i + needle.len()),
                fix: None,
                alternatives: Vec::new(),
                no_fix_reason: None,
                code: None,
            })
            .collect();
        FileReport {
            path: "Dockerfile".into(),
            source: source.into(),
            diagnostics,
            unsafe_fixes: false,
        }
    }

    #[test]
    fn stable_under_edits_elsewhere_and_distinct_for_twins() {
        let a = report("FROM python\nRUN pip install x\nRUN pip install x\n", "pip install");
        let b = report(
            "# syntax=docker/dockerfile:1\nFROM python\n\nRUN apt-get update\nRUN pip   install x\r\nRUN pip \\\n  install x\n",
            "pip",
        );
        let fa = fingerprints(&a, "Dockerfile");
        assert_eq!(fa.len(), 2);
        assert_ne!(fa[0], fa[1], "identical findings get their occurrence index");
        let d = report("FROM python\nRUN pip install x\nRUN pip install x\n", "pip");
        assert_eq!(fingerprints(&d, "Dockerfile"), fingerprints(&b, "Dockerfile"));
        assert_ne!(fingerprints(&d, "Dockerfile"), fingerprints(&d, "other/Dockerfile"));
    }
}

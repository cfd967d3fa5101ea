//! SARIF 2.1.0, as GitHub code scanning reads it: one run; `tool.driver.rules` lists every rule
//! (a result's `ruleIndex` is its place there); locations are relative to `%SRCROOT%` (the
//! repository root, given in `originalUriBaseIds`); regions carry lines and columns (1-based, in
//! Unicode code points: `columnKind`) and the byte offset and length; the preferred fix and the
//! alternatives are `fixes` with byte-addressed replacements.

use super::{FileReport, Options};
use crate::diagnostic::{Applicability, Fix, Severity};
use crate::rules::RULES;
use crate::syntax::text::{LineIndex, TextRange};
use serde_json::{Value, json};
use std::io::{self, Write};
use std::path::Path;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Percent-encodes everything but unreserved characters and `/` (RFC 3986).
fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A `file://` URI for an absolute path; directories end with `/`.
fn file_uri(path: &Path, dir: bool) -> String {
    let mut p = path.to_string_lossy().replace('\\', "/");
    if !p.starts_with('/') {
        p.insert(0, '/');
    }
    if dir && !p.ends_with('/') {
        p.push('/');
    }
    format!("file://{}", encode(&p))
}

fn artifact(file: &FileReport, opts: &Options) -> Value {
    match opts.root_relative(&file.path) {
        Some(rel) => json!({ "uri": encode(&rel), "uriBaseId": SRCROOT }),
        None => json!({ "uri": file_uri(&opts.absolute(&file.path), false) }),
    }
}

fn region(index: &LineIndex, source: &str, r: TextRange) -> Value {
    let start = index.line_col(source, r.start);
    let end = index.line_col(source, r.end);
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
        "byteOffset": r.start,
        "byteLength": r.len(),
    })
}

fn fix(f: &Fix, location: &Value) -> Value {
    let applicability = match f.applicability {
        Applicability::Safe => "safe",
        Applicability::Unsafe => "unsafe",
        Applicability::DisplayOnly => "display-only",
    };
    json!({
        "description": { "text": f.title },
        "artifactChanges": [{
            "artifactLocation": location,
            "replacements": f.edits().iter().map(|e| json!({
                "deletedRegion": { "byteOffset": e.range.start, "byteLength": e.range.len() },
                "insertedContent": { "text": e.content },
            })).collect::<Vec<_>>(),
        }],
        "properties": { "applicability": applicability },
    })
}

/// The first paragraph of a rule page's "What it does", on one line.
fn what_it_does(doc: &str) -> Option<String> {
    let rest = doc.split_once("## What it does")?.1.trim_start();
    let paragraph = rest.split("\n\n").next()?.trim();
    (!paragraph.is_empty() && !paragraph.starts_with('#'))
        .then(|| paragraph.split_whitespace().collect::<Vec<_>>().join(" "))
}

pub fn emit(files: &[FileReport], out: &mut dyn Write, opts: &Options) -> io::Result<()> {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            let m = r.meta;
            json!({
                "id": m.name,
                "shortDescription": { "text": m.summary },
                "fullDescription": { "text": what_it_does(m.doc).unwrap_or_else(|| m.summary.to_owned()) },
                "helpUri": crate::rule_url(m.name),
                "help": {
                    "text": format!("{} ({})", m.summary, crate::rule_url(m.name)),
                    "markdown": m.doc,
                },
                "defaultConfiguration": { "level": level(m.severity) },
                "properties": { "tags": [m.family] },
            })
        })
        .collect();
    let mut results = Vec::new();
    for f in files {
        let index = f.index();
        let location = artifact(f, opts);
        let prints = super::gitlab::fingerprints(f, &opts.platform_path(&f.path));
        for (d, print) in f.diagnostics.iter().zip(prints) {
            let mut result = json!({
                "ruleId": d.rule,
                "level": level(d.severity),
                "message": { "text": d.message },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": location,
                    "region": region(&index, &f.source, d.range),
                } }],
                "partialFingerprints": { "dfix/v1": print },
            });
            result["ruleIndex"] = json!(d.rule.index());
            let fixes: Vec<Value> = d.fix.iter().chain(&d.alternatives).map(|x| fix(x, &location)).collect();
            if !fixes.is_empty() {
                result["fixes"] = Value::Array(fixes);
            }
            results.push(result);
        }
    }
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "dfix",
                "version": crate::VERSION,
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "properties": { "commit": crate::COMMIT, "dirty": crate::DIRTY },
                "informationUri": crate::HOMEPAGE,
                "rules": rules,
            } },
            "originalUriBaseIds": { SRCROOT: { "uri": file_uri(&opts.root, true) } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_page_has_a_what_it_does_paragraph() {
        for r in RULES {
            let text = what_it_does(r.meta.doc).unwrap_or_default();
            assert!(text.len() > 20 && !text.contains('\n'), "{}: {text:?}", r.meta.name);
        }
    }

    #[test]
    fn uris() {
        assert_eq!(encode("a b/é%.txt"), "a%20b/%C3%A9%25.txt");
        assert_eq!(file_uri(Path::new("/r/x y"), true), "file:///r/x%20y/");
        assert_eq!(file_uri(Path::new("/"), true), "file:///");
    }
}

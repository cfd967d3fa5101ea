//! What the run says at its end: the errors by kind, what is fixable, the summary line and
//! `--statistics`.

use crate::diagnostic::{Applicability, Diagnostic};
use crate::report::{FileReport, Format};
use crate::rules::RuleId;
use std::io::{self, Write};

/// Why a path or a file was not (entirely) handled: each error line has one, and the summary
/// counts them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Failure {
    Config,
    Missing,
    /// A path named or walked whose metadata or directory entries could not be read.
    Inaccessible,
    Unreadable,
    Binary,
    NotFixed,
    NotWritten,
    Report,
    /// dfix itself failed on the file (a rule panicked).
    Internal,
}

impl Failure {
    fn counted(self, n: usize) -> String {
        let (one, many) = match self {
            Failure::Config => ("configuration file is invalid", "configuration files are invalid"),
            Failure::Missing => ("path does not exist", "paths do not exist"),
            Failure::Inaccessible => ("path could not be read", "paths could not be read"),
            Failure::Unreadable => ("file could not be read", "files could not be read"),
            Failure::Binary => ("binary file was not linted", "binary files were not linted"),
            Failure::NotFixed => ("file could not be fixed", "files could not be fixed"),
            Failure::NotWritten => ("file could not be written", "files could not be written"),
            Failure::Report => ("report could not be written", "reports could not be written"),
            Failure::Internal => ("file hit an internal error", "files hit an internal error"),
        };
        format!("{n} {}", if n == 1 { one } else { many })
    }
}

/// `2 errors: 1 path does not exist, 1 file could not be read`; `None` without errors.
pub(super) fn errors_summary(failures: &[Failure]) -> Option<String> {
    if failures.is_empty() {
        return None;
    }
    let mut kinds = failures.to_vec();
    kinds.sort();
    kinds.dedup();
    let parts: Vec<String> = kinds
        .iter()
        .map(|k| k.counted(failures.iter().filter(|f| *f == k).count()))
        .collect();
    Some(format!(
        "{} error{}: {}",
        failures.len(),
        plural(failures.len()),
        parts.join(", ")
    ))
}

/// What a run can do about a finding.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fixable {
    /// `--write` fixes it (with the file's `unsafe-fixes`).
    Write,
    /// Only `--write --unsafe-fixes` would.
    Unsafe,
    No,
}

fn fixable(d: &Diagnostic, unsafe_fixes: bool) -> Fixable {
    match &d.fix {
        Some(f) if crate::fix::eligible(f, unsafe_fixes) => Fixable::Write,
        Some(f) if f.applicability == Applicability::Unsafe => Fixable::Unsafe,
        _ => Fixable::No,
    }
}

/// `2 fixable with --write, 1 more with --unsafe-fixes`, what the summary and `--statistics`
/// say; `None` when nothing is fixable.
fn fixable_phrase(write: usize, unsafe_only: usize) -> Option<String> {
    match (write, unsafe_only) {
        (0, 0) => None,
        (w, 0) => Some(format!("{w} fixable with --write")),
        (0, u) => Some(format!("{u} fixable with --write --unsafe-fixes")),
        (w, u) => Some(format!("{w} fixable with --write, {u} more with --unsafe-fixes")),
    }
}

/// The human report's last line: what was fixed, what was found, what went wrong. Empty when
/// nothing was linted and nothing went wrong (a warning said why).
pub(super) fn summary(
    reports: &[FileReport],
    unsafe_fixes: &[bool],
    linted: usize,
    applied: usize,
    add_ignore: bool,
    failures: &[Failure],
) -> String {
    let mut parts = Vec::new();
    if applied > 0 && add_ignore {
        parts.push(format!(
            "Suppressed {applied} problem{} with `# dfix:` comments.",
            plural(applied)
        ));
    } else if applied > 0 {
        parts.push(format!("Fixed {applied} problem{}.", plural(applied)));
    }
    let findings: usize = reports.iter().map(|r| r.diagnostics.len()).sum();
    if findings > 0 {
        let files = reports.iter().filter(|r| !r.diagnostics.is_empty()).count();
        let counts = rule_counts(reports, unsafe_fixes);
        let write = counts.iter().map(|c| c.fixable).sum();
        let unsafe_only = counts.iter().map(|c| c.unsafe_fixable).sum();
        let mut s = format!(
            "Found {findings} problem{} in {files} file{}",
            plural(findings),
            plural(files)
        );
        if let Some(f) = fixable_phrase(write, unsafe_only) {
            s.push_str(&format!("; {f}"));
        }
        s.push('.');
        parts.push(s);
    } else if failures.is_empty() && linted > 0 {
        parts.push("All checks passed.".into());
    } else if linted > 0 {
        parts.push(format!("No problems found in {linted} file{}.", plural(linted)));
    }
    if let Some(e) = errors_summary(failures) {
        parts.push(format!("{e}."));
    }
    parts.join(" ")
}

pub(super) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

pub(super) fn plural_es(n: usize) -> &'static str {
    if n == 1 { "" } else { "es" }
}

/// One row of `--statistics`.
#[derive(serde::Serialize)]
struct RuleCount {
    rule: &'static str,
    /// The rule's upstream names (hadolint codes, BuildKit checks).
    aliases: &'static [&'static str],
    count: usize,
    /// Findings `--write` fixes with this run's settings.
    fixable: usize,
    /// More findings `--write --unsafe-fixes` would fix.
    unsafe_fixable: usize,
}

/// The findings per rule, most frequent first: what `--statistics` prints and the summary sums.
fn rule_counts(reports: &[FileReport], unsafe_fixes: &[bool]) -> Vec<RuleCount> {
    let mut counts: Vec<RuleCount> = RuleId::all()
        .map(|id| RuleCount {
            rule: id.name(),
            aliases: id.meta().sources,
            count: 0,
            fixable: 0,
            unsafe_fixable: 0,
        })
        .collect();
    for (r, &u) in reports.iter().zip(unsafe_fixes) {
        for d in &r.diagnostics {
            let c = &mut counts[d.rule.index()];
            c.count += 1;
            match fixable(d, u) {
                Fixable::Write => c.fixable += 1,
                Fixable::Unsafe => c.unsafe_fixable += 1,
                Fixable::No => {}
            }
        }
    }
    counts.retain(|c| c.count > 0);
    counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.rule.cmp(b.rule)));
    counts
}

/// `--statistics`: text for `human` and `concise`, a JSON array for `json`, one object a line
/// for `json-lines` (other formats are refused before linting).
pub(super) fn statistics(
    reports: &[FileReport],
    unsafe_fixes: &[bool],
    format: Format,
    out: &mut dyn Write,
) -> io::Result<()> {
    let counts = rule_counts(reports, unsafe_fixes);
    match format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&counts)?),
        Format::JsonLines => counts
            .iter()
            .try_for_each(|c| writeln!(out, "{}", serde_json::to_string(c)?)),
        _ => counts.iter().try_for_each(|c| {
            let fixable = fixable_phrase(c.fixable, c.unsafe_fixable).map_or(String::new(), |f| format!("[{f}]"));
            writeln!(out, "{:>5}\t{}\t{fixable}", c.count, c.rule)
        }),
    }
}

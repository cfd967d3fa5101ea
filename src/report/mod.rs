//! Output formats: one file each. A report is the diagnostics of every linted file, sorted by
//! path.

mod checkstyle;
mod concise;
mod github;
mod gitlab;
mod human;
mod json;
mod json_lines;
mod junit;
mod sarif;
mod xml;

use crate::diagnostic::Diagnostic;
use crate::syntax::text::LineIndex;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Concise,
    Json,
    JsonLines,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// GitLab Code Quality.
    Gitlab,
    Checkstyle,
    /// JUnit XML.
    Junit,
}

impl Format {
    pub fn parse(name: &str) -> Option<Format> {
        <Format as clap::ValueEnum>::from_str(name, false).ok()
    }
}

/// One file's findings.
#[derive(Default)]
pub struct FileReport {
    /// The path as shown to the user.
    pub path: String,
    pub source: String,
    pub diagnostics: Vec<Diagnostic>,
    /// Whether `--write` applies this file's unsafe fixes too (`--unsafe-fixes`, or
    /// `unsafe-fixes = true` in its configuration): `concise` marks with `[*]` the fixes it applies.
    pub unsafe_fixes: bool,
}

impl FileReport {
    pub fn index(&self) -> LineIndex {
        LineIndex::new(&self.source)
    }
}

/// How to render a report.
#[derive(Clone, Debug)]
pub struct Options {
    pub color: bool,
    pub show_fixes: bool,
    /// The directory the `FileReport` paths are relative to (absolute).
    pub cwd: PathBuf,
    /// The repository root: SARIF, GitHub and GitLab paths are relative to it (absolute).
    pub root: PathBuf,
}

impl Options {
    /// Paths relative to the current directory, which is also the root.
    pub fn here(color: bool, show_fixes: bool) -> Options {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        Options {
            color,
            show_fixes,
            root: cwd.clone(),
            cwd,
        }
    }

    /// A report path relative to the root, with `/` separators, or `None` when the file lies
    /// outside the root (then [`Options::absolute`] names it).
    pub fn root_relative(&self, path: &str) -> Option<String> {
        let full = self.absolute(path);
        let rel = full.strip_prefix(crate::fix::diff::normalize(&self.root)).ok()?;
        let parts: Vec<_> = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect();
        Some(parts.join("/"))
    }

    /// A report path made absolute and normalised.
    pub fn absolute(&self, path: &str) -> PathBuf {
        crate::fix::diff::normalize(&self.cwd.join(path))
    }

    /// The path platforms expect: relative to the root when inside it, else absolute.
    pub fn platform_path(&self, path: &str) -> String {
        self.root_relative(path)
            .unwrap_or_else(|| self.absolute(path).to_string_lossy().into_owned())
    }
}

/// The repository root for `cwd`: the nearest directory at or above it holding `.git` (a
/// directory, or the file a worktree has), else `cwd` itself.
pub fn find_root(cwd: &Path) -> PathBuf {
    cwd.ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(cwd)
        .to_path_buf()
}

pub fn emit(
    format: Format,
    files: &[FileReport],
    out: &mut dyn Write,
    color: bool,
    show_fixes: bool,
) -> io::Result<()> {
    emit_with(format, files, out, &Options::here(color, show_fixes))
}

pub fn emit_with(format: Format, files: &[FileReport], out: &mut dyn Write, opts: &Options) -> io::Result<()> {
    match format {
        Format::Human => human::emit(files, out, opts.color, opts.show_fixes),
        Format::Concise => concise::emit(files, out),
        Format::Json => json::emit(files, out),
        Format::JsonLines => json_lines::emit(files, out),
        Format::Sarif => sarif::emit(files, out, opts),
        Format::Github => github::emit(files, out, opts),
        Format::Gitlab => gitlab::emit(files, out, opts),
        Format::Checkstyle => checkstyle::emit(files, out),
        Format::Junit => junit::emit(files, out),
    }
}

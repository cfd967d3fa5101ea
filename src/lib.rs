//! dfix: a Dockerfile linter and auto-fixer that makes BuildKit cache mounts work.
//!
//! `lint` and `fix` are the whole engine; the command line, the report formats and the language
//! server are front doors to them.

pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod dockerignore;
pub mod file;
pub mod fix;
pub mod lsp;
pub mod panics;
pub mod report;
pub mod rules;
pub mod semantic;
pub mod settings;
pub mod shellcheck;
pub mod suggest;
pub mod suppress;
pub mod syntax;

use diagnostic::Diagnostic;
use settings::Settings;

/// The version, with the commit the binary was built from when known (`build.rs`):
/// `0.1.0 (0123456789ab)`, `0.1.0 (0123456789ab, dirty)` or `0.1.0`.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), env!("DFIX_VERSION_SUFFIX"));
/// The commit the binary was built from; empty when not known.
pub const COMMIT: &str = env!("DFIX_COMMIT");
/// Tracked files differed from [`COMMIT`] when the binary was built.
pub const DIRTY: bool = matches!(env!("DFIX_DIRTY").as_bytes(), b"true");

/// The project's home page.
pub const HOMEPAGE: &str = "https://github.com/dfix-dev/dfix";

/// The documentation site of this version (`scripts/build-docs` builds it; each release
/// publishes it under its own version, so a binary's links match the rules it runs). SARIF's
/// `helpUri`, the language server's `codeDescription.href` and `dfix explain` use it.
pub const DOCS_BASE: &str = concat!("https://dfix-dev.github.io/dfix/v", env!("CARGO_PKG_VERSION"));

/// The address of a rule's page in the documentation site (`rules/<name>.html` under
/// [`DOCS_BASE`]; `scripts/build-docs` checks that every rule's address is a page of the site).
pub fn rule_url(name: &str) -> String {
    format!("{DOCS_BASE}/rules/{name}.html")
}

/// Lints one file's text.
pub fn lint(src: &str, settings: &Settings) -> Vec<Diagnostic> {
    let model = syntax::parse(src);
    rules::check_all(src, &model, settings)
}

/// Applies fixes to a fixpoint (unsafe ones too when asked).
pub fn fix(src: &str, settings: &Settings, unsafe_fixes: bool) -> fix::FixOutcome {
    fix::fix_all(src, settings, unsafe_fixes)
}

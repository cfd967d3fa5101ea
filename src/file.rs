//! What dfix does to one file's text, whatever the front door: lint it, fix it, or suppress its
//! findings. Each text is parsed once: the findings of the original and of the result come out
//! of the same work that produced the result.

use crate::diagnostic::Diagnostic;
use crate::settings::Settings;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Lint,
    /// Apply the fixes to a fixpoint: the safe ones, or the unsafe ones too.
    Fix {
        unsafe_fixes: bool,
    },
    /// Suppress every finding with `# dfix:` comments, except those of rules that break the
    /// build.
    AddIgnore,
}

#[derive(Debug)]
pub struct Processed {
    /// The text after the action (the original when it changed nothing or failed).
    pub text: String,
    /// Fixes applied, or findings suppressed.
    pub changes: usize,
    /// The findings in the original text.
    pub original: Vec<Diagnostic>,
    /// The findings in `text` when it differs from the original (`None`: they are `original`).
    pub remaining: Option<Vec<Diagnostic>>,
    /// Why the action changed nothing, when it had to stop.
    pub failure: Option<String>,
    /// With [`Action::AddIgnore`], the rules whose findings were kept because they break the
    /// build; sorted, each once.
    pub not_suppressed: Vec<&'static str>,
}

pub fn process(src: &str, settings: &Settings, action: Action) -> Processed {
    match action {
        Action::Lint => {
            let original = crate::lint(src, settings);
            Processed {
                text: src.to_string(),
                changes: 0,
                remaining: None,
                original,
                failure: None,
                not_suppressed: Vec::new(),
            }
        }
        Action::Fix { unsafe_fixes } => {
            let outcome = crate::fix(src, settings, unsafe_fixes);
            Processed {
                changes: outcome.count(),
                text: outcome.text,
                original: outcome.original,
                remaining: outcome.remaining,
                failure: outcome.failure,
                not_suppressed: Vec::new(),
            }
        }
        Action::AddIgnore => add_ignore(src, settings),
    }
}

fn add_ignore(src: &str, settings: &Settings) -> Processed {
    let model = crate::syntax::parse(src);
    let original = crate::rules::check_all(src, &model, settings);
    let breaks_build = |d: &&Diagnostic| d.rule.meta().breaks_build;
    let mut not_suppressed: Vec<&'static str> = original.iter().filter(breaks_build).map(|d| d.rule.name()).collect();
    not_suppressed.sort_unstable();
    not_suppressed.dedup();
    let changes = original.len() - original.iter().filter(breaks_build).count();
    let (text, remaining) = match crate::suppress::add_ignores(src, &model, &original) {
        Some(text) => {
            let remaining = crate::lint(&text, settings);
            (text, Some(remaining))
        }
        None => (src.to_string(), None),
    };
    Processed {
        text,
        changes,
        original,
        remaining,
        failure: None,
        not_suppressed,
    }
}

//! The rule registry. A rule is one file: its `META` and its `check`.

use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::settings::Settings;
use crate::syntax::model::Dockerfile;
use crate::syntax::text::TextRange;
use serde::Serialize;

mod cache_mount_not_writable_by_user;
mod invalid_mount;
mod missing_syntax_directive;
mod parser_directive_duplicate;
mod parser_directive_ignored;
mod pip_without_cache_mount;
mod syntax_directive_experimental;
mod syntax_error;
mod syntax_too_old_for_feature;

pub mod common;
pub mod features;
mod missing_mount;
pub mod tools;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FixAvailability {
    Always,
    Sometimes,
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Stable,
    Preview,
}

#[derive(Debug, Serialize)]
pub struct RuleMeta {
    pub name: &'static str,
    pub family: &'static str,
    pub severity: Severity,
    pub fix: FixAvailability,
    pub status: Status,
    /// Upstream names this rule answers for (hadolint codes, BuildKit checks, former names):
    /// accepted wherever a rule can be named.
    pub sources: &'static [&'static str],
    /// Upstream rules it touches without replacing.
    pub related: &'static [&'static str],
    /// One line.
    pub summary: &'static str,
    /// The rule's page in `rules/`.
    #[serde(skip)]
    pub doc: &'static str,
}

pub struct Rule {
    pub meta: &'static RuleMeta,
    pub check: fn(&mut Context),
}

/// Every rule, in the order fixes are tie-broken.
pub static RULES: &[Rule] = &[
    Rule {
        meta: &syntax_error::META,
        check: syntax_error::check,
    },
    Rule {
        meta: &invalid_mount::META,
        check: invalid_mount::check,
    },
    Rule {
        meta: &syntax_directive_experimental::META,
        check: syntax_directive_experimental::check,
    },
    Rule {
        meta: &missing_syntax_directive::META,
        check: missing_syntax_directive::check,
    },
    Rule {
        meta: &syntax_too_old_for_feature::META,
        check: syntax_too_old_for_feature::check,
    },
    Rule {
        meta: &parser_directive_ignored::META,
        check: parser_directive_ignored::check,
    },
    Rule {
        meta: &parser_directive_duplicate::META,
        check: parser_directive_duplicate::check,
    },
    Rule {
        meta: &pip_without_cache_mount::META,
        check: pip_without_cache_mount::check,
    },
    Rule {
        meta: &cache_mount_not_writable_by_user::META,
        check: cache_mount_not_writable_by_user::check,
    },
];

pub fn find(name: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.meta.name == name)
}

/// What a rule's `check` works with.
pub struct Context<'a> {
    pub src: &'a str,
    pub model: &'a Dockerfile,
    pub settings: &'a Settings,
    meta: &'static RuleMeta,
    out: &'a mut Vec<Diagnostic>,
}

impl<'a> Context<'a> {
    pub fn rule_name(&self) -> &'static str {
        self.meta.name
    }

    pub fn report(&mut self, range: TextRange, message: impl Into<String>) -> &mut Diagnostic {
        self.out.push(Diagnostic {
            rule: self.meta.name,
            severity: self.settings.severity_of(self.meta),
            message: message.into(),
            range,
            fix: None,
            alternatives: Vec::new(),
        });
        self.out.last_mut().expect("just pushed")
    }

    pub fn report_with_fix(&mut self, range: TextRange, message: impl Into<String>, fix: Option<Fix>) {
        self.report(range, message).fix = fix;
    }
}

/// Runs the enabled rules over a parsed file.
pub fn check_all(src: &str, model: &Dockerfile, settings: &Settings) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in RULES {
        if settings.is_enabled(rule.meta) {
            let mut ctx = Context {
                src,
                model,
                settings,
                meta: rule.meta,
                out: &mut out,
            };
            (rule.check)(&mut ctx);
        }
    }
    out.sort_by_key(|d| (d.range.start, d.range.end));
    out
}

//! The rule registry. A rule is one file: its `META` and its `check`.

use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::settings::Settings;
use crate::suppress::Suppression;
use crate::syntax::model::Dockerfile;
use crate::syntax::shell::Command;
use crate::syntax::text::TextRange;
use serde::Serialize;

mod apk_no_cache_with_mount;
mod apk_without_cache_mount;
mod apt_cache_mount_incomplete;
mod apt_cache_wiped_with_mount;
mod apt_without_cache_mount;
mod bundler_without_cache_mount;
mod cache_mount_conflict;
mod cache_mount_mode_redundant;
mod cache_mount_not_writable_by_user;
mod cache_mount_target_mismatch;
mod cache_wiped_with_mount;
mod cargo_without_cache_mount;
mod composer_without_cache_mount;
mod conda_without_cache_mount;
mod dnf_without_cache_mount;
mod go_without_cache_mount;
mod gradle_without_cache_mount;
mod invalid_mount;
mod maven_without_cache_mount;
mod missing_syntax_directive;
mod mount_not_cache_type;
mod npm_without_cache_mount;
mod parser_directive_duplicate;
mod parser_directive_ignored;
mod pip_cache_disabled_with_mount;
mod pip_no_cache_dir_env_falsy;
mod pip_without_cache_mount;
mod pipenv_without_cache_mount;
mod pnpm_without_cache_mount;
mod poetry_without_cache_mount;
mod syntax_directive_experimental;
mod syntax_error;
mod syntax_too_old_for_feature;
mod unused_suppression;
mod uv_cache_disabled_with_mount;
mod uv_link_mode_not_copy;
mod uv_without_cache_mount;
mod yarn_without_cache_mount;
mod yum_without_cache_mount;
mod zypper_without_cache_mount;

pub mod common;
mod contradiction;
pub mod features;
mod lang;
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

impl RuleMeta {
    /// A finding means BuildKit refuses the file, or an old frontend does not build it as
    /// written: the rules whose default severity is error. `--add-ignore` never suppresses them.
    pub fn breaks_build(&self) -> bool {
        self.severity == Severity::Error
    }
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
    Rule {
        meta: &mount_not_cache_type::META,
        check: mount_not_cache_type::check,
    },
    Rule {
        meta: &cache_mount_conflict::META,
        check: cache_mount_conflict::check,
    },
    Rule {
        meta: &cache_mount_target_mismatch::META,
        check: cache_mount_target_mismatch::check,
    },
    Rule {
        meta: &cache_mount_mode_redundant::META,
        check: cache_mount_mode_redundant::check,
    },
    Rule {
        meta: &npm_without_cache_mount::META,
        check: npm_without_cache_mount::check,
    },
    Rule {
        meta: &yarn_without_cache_mount::META,
        check: yarn_without_cache_mount::check,
    },
    Rule {
        meta: &pnpm_without_cache_mount::META,
        check: pnpm_without_cache_mount::check,
    },
    Rule {
        meta: &go_without_cache_mount::META,
        check: go_without_cache_mount::check,
    },
    Rule {
        meta: &cargo_without_cache_mount::META,
        check: cargo_without_cache_mount::check,
    },
    Rule {
        meta: &maven_without_cache_mount::META,
        check: maven_without_cache_mount::check,
    },
    Rule {
        meta: &gradle_without_cache_mount::META,
        check: gradle_without_cache_mount::check,
    },
    Rule {
        meta: &composer_without_cache_mount::META,
        check: composer_without_cache_mount::check,
    },
    Rule {
        meta: &bundler_without_cache_mount::META,
        check: bundler_without_cache_mount::check,
    },
    Rule {
        meta: &uv_without_cache_mount::META,
        check: uv_without_cache_mount::check,
    },
    Rule {
        meta: &uv_link_mode_not_copy::META,
        check: uv_link_mode_not_copy::check,
    },
    Rule {
        meta: &poetry_without_cache_mount::META,
        check: poetry_without_cache_mount::check,
    },
    Rule {
        meta: &pipenv_without_cache_mount::META,
        check: pipenv_without_cache_mount::check,
    },
    Rule {
        meta: &conda_without_cache_mount::META,
        check: conda_without_cache_mount::check,
    },
    Rule {
        meta: &apt_without_cache_mount::META,
        check: apt_without_cache_mount::check,
    },
    Rule {
        meta: &apt_cache_mount_incomplete::META,
        check: apt_cache_mount_incomplete::check,
    },
    Rule {
        meta: &apk_without_cache_mount::META,
        check: apk_without_cache_mount::check,
    },
    Rule {
        meta: &dnf_without_cache_mount::META,
        check: dnf_without_cache_mount::check,
    },
    Rule {
        meta: &yum_without_cache_mount::META,
        check: yum_without_cache_mount::check,
    },
    Rule {
        meta: &zypper_without_cache_mount::META,
        check: zypper_without_cache_mount::check,
    },
    Rule {
        meta: &pip_cache_disabled_with_mount::META,
        check: pip_cache_disabled_with_mount::check,
    },
    Rule {
        meta: &pip_no_cache_dir_env_falsy::META,
        check: pip_no_cache_dir_env_falsy::check,
    },
    Rule {
        meta: &uv_cache_disabled_with_mount::META,
        check: uv_cache_disabled_with_mount::check,
    },
    Rule {
        meta: &apt_cache_wiped_with_mount::META,
        check: apt_cache_wiped_with_mount::check,
    },
    Rule {
        meta: &apk_no_cache_with_mount::META,
        check: apk_no_cache_with_mount::check,
    },
    Rule {
        meta: &cache_wiped_with_mount::META,
        check: cache_wiped_with_mount::check,
    },
    // runs after the others: it judges the suppressions their findings used
    Rule {
        meta: &unused_suppression::META,
        check: unused_suppression::check,
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
    /// For `unused-suppression`: the file's suppressions and which of their names were used.
    pub suppressions: Option<(&'a [Suppression], &'a [Vec<bool>])>,
    /// The file's RUNs and the package-manager calls in each (`calls[i]` in `runs[i]`), worked
    /// out once per file for all rules, when a rule of the cache family (the rules that read
    /// them) is enabled.
    runs: &'a [common::RunRef<'a>],
    calls: &'a [Vec<tools::Call<'a>>],
}

/// The family whose rules read [`Context::runs`].
const RUN_FAMILY: &str = "cache";

impl<'a> Context<'a> {
    pub fn rule_name(&self) -> &'static str {
        self.meta.name
    }

    /// Every valid RUN of the file (ONBUILD triggers included), with its package-manager calls.
    pub fn runs(&self) -> impl Iterator<Item = (&'a common::RunRef<'a>, &'a [tools::Call<'a>])> + use<'a> {
        debug_assert_eq!(
            self.meta.family, RUN_FAMILY,
            "RUN facts are worked out for the cache family"
        );
        self.runs.iter().zip(self.calls.iter().map(Vec::as_slice))
    }

    /// The RUN at instruction `index`, if it is a valid one.
    pub fn run_at(&self, index: usize) -> Option<(&'a common::RunRef<'a>, &'a [tools::Call<'a>])> {
        debug_assert_eq!(
            self.meta.family, RUN_FAMILY,
            "RUN facts are worked out for the cache family"
        );
        let i = self.runs.binary_search_by_key(&index, |r| r.index).ok()?;
        Some((&self.runs[i], &self.calls[i]))
    }

    /// For each instruction: it is in a stage where a command of an earlier RUN, or of a RUN
    /// of a stage it is built on, satisfies `pred` (a file set up by an earlier step). One
    /// forward pass over the RUNs; ONBUILD triggers run nothing here.
    pub fn earlier_in_chain(&self, pred: impl Fn(&Command) -> bool) -> Vec<bool> {
        let stages = &self.model.stages;
        let mut seen = vec![false; stages.len()];
        let mut started = 0;
        let mut out = vec![false; self.model.instructions.len()];
        for r in self.runs {
            let Some(stage) = self.model.instructions[r.index].stage else {
                continue;
            };
            // a stage starts with what the stage it is built on ends with
            while started <= stage {
                seen[started] = stages[started].parent.is_some_and(|p| p < started && seen[p]);
                started += 1;
            }
            out[r.index] = seen[stage];
            if !r.is_onbuild() && r.commands.iter().any(|c| pred(c)) {
                seen[stage] = true;
            }
        }
        out
    }

    /// For each RUN's instruction: a later RUN of its stage, or a RUN of a stage built on it,
    /// satisfies `pred`. One backward pass over the RUNs; ONBUILD triggers run nothing here.
    pub fn later_in_descendants(&self, pred: impl Fn(&common::RunRef, &[tools::Call]) -> bool) -> Vec<bool> {
        let stages = &self.model.stages;
        let stage_of = |i: usize| self.model.instructions[self.runs[i].index].stage;
        // whether a RUN from here to the end of the stage, or of a stage built on it, satisfies `pred`
        let mut ahead = vec![false; stages.len()];
        let mut out = vec![false; self.model.instructions.len()];
        let mut next = self.runs.len();
        // a stage is built on earlier stages only: going backwards, its children are done first
        for s in (0..stages.len()).rev() {
            while next > 0 && stage_of(next - 1).is_some_and(|t| t >= s) {
                next -= 1;
                let (r, calls) = (&self.runs[next], &self.calls[next]);
                let t = stage_of(next).expect("checked");
                out[r.index] = ahead[t];
                if !r.is_onbuild() && pred(r, calls) {
                    ahead[t] = true;
                }
            }
            if let Some(p) = stages[s].parent.filter(|&p| p < s) {
                ahead[p] |= ahead[s];
            }
        }
        out
    }

    pub fn report(&mut self, range: TextRange, message: impl Into<String>) -> &mut Diagnostic {
        self.out.push(Diagnostic {
            rule: self.meta.name,
            severity: self.settings.severity_of(self.meta),
            message: message.into(),
            range,
            fix: None,
            alternatives: Vec::new(),
            no_fix_reason: None,
        });
        self.out.last_mut().expect("just pushed")
    }

    pub fn report_with_fix(&mut self, range: TextRange, message: impl Into<String>, fix: Option<Fix>) {
        self.report(range, message).fix = fix;
    }
}

/// Runs the enabled rules over a parsed file, then drops what suppressions suppress, then
/// judges the suppressions.
pub fn check_all(src: &str, model: &Dockerfile, settings: &Settings) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let source = tools::Source::new(src);
    let read_runs = RULES
        .iter()
        .any(|r| r.meta.family == RUN_FAMILY && settings.is_enabled(r.meta));
    let runs = if read_runs { common::runs(model) } else { Vec::new() };
    let calls: Vec<Vec<tools::Call>> = runs
        .iter()
        .map(|r| tools::calls(&source, &r.commands, &r.scope))
        .collect();
    let judges = |r: &&Rule| std::ptr::eq(r.meta, &unused_suppression::META);
    for rule in RULES.iter().filter(|r| settings.is_enabled(r.meta) && !judges(r)) {
        let mut ctx = Context {
            src,
            model,
            settings,
            meta: rule.meta,
            out: &mut out,
            suppressions: None,
            runs: &runs,
            calls: &calls,
        };
        crate::panics::in_rule(rule.meta.name, || {
            #[cfg(debug_assertions)]
            crate::panics::test_panic(rule.meta.name, src);
            (rule.check)(&mut ctx)
        });
    }
    let sups = crate::suppress::collect(src, model);
    let used = crate::suppress::apply(model, &sups, &mut out);
    for rule in RULES.iter().filter(|r| settings.is_enabled(r.meta) && judges(r)) {
        let mut judged = Vec::new();
        let mut ctx = Context {
            src,
            model,
            settings,
            meta: rule.meta,
            out: &mut judged,
            suppressions: Some((&sups, &used)),
            runs: &runs,
            calls: &calls,
        };
        crate::panics::in_rule(rule.meta.name, || (rule.check)(&mut ctx));
        // `# dfix: ignore-file=unused-suppression` and the like
        crate::suppress::apply(model, &sups, &mut judged);
        out.extend(judged);
    }
    out.sort_by_key(|d| (d.range.start, d.range.end));
    out
}

#[cfg(test)]
mod tests {
    use super::RULES;

    /// A new rule with severity error must be one whose finding breaks the build.
    #[test]
    fn the_rules_that_break_the_build() {
        let names: Vec<_> = RULES
            .iter()
            .filter(|r| r.meta.breaks_build())
            .map(|r| r.meta.name)
            .collect();
        assert_eq!(
            names,
            [
                "syntax-error",
                "invalid-mount",
                "syntax-too-old-for-feature",
                "parser-directive-duplicate"
            ]
        );
    }
}

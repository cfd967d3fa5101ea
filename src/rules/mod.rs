//! The rule registry. A rule is one file: its `META` and its `check`. `build.rs` finds the rule
//! files (those that declare `pub static META: RuleMeta`, in `src/rules/` or one folder below)
//! and generates their `mod` lines, `RULES`, the `RuleId` constants and `find`; the modules
//! declared here by hand are the helpers rules share.

use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::semantic::Semantic;
use crate::semantic::commands::{self, RunRef};
use crate::semantic::tools::{Call, Source};
use crate::settings::Settings;
use crate::suppress::Suppression;
use crate::syntax::model::Dockerfile;
use crate::syntax::text::TextRange;
use serde::Serialize;
use std::cell::OnceCell;

mod common;
pub mod edits;
pub mod upstream;
// what the cache family's rules share, beside them
#[path = "cache/apt.rs"]
mod apt;
#[path = "cache/contradiction.rs"]
mod contradiction;
#[path = "cache/lang.rs"]
mod lang;
#[path = "cache/missing_mount.rs"]
mod missing_mount;
// what the metadata family's rules share
#[path = "metadata/labels.rs"]
mod labels;
// what the packages family's rules share, beside them
#[path = "packages/assume_yes.rs"]
mod assume_yes;
#[path = "packages/pins.rs"]
mod pins;

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
    /// Runs only when asked for by name or by its own switch, never as part of a group or by
    /// default: it starts a program (`shellcheck`).
    OptIn,
}

impl Status {
    /// Whether the rule runs without being asked for: `on`, `preview` or `opt-in`.
    pub fn default_name(self) -> &'static str {
        match self {
            Status::Stable => "on",
            Status::Preview => "preview",
            Status::OptIn => "opt-in",
        }
    }
}

/// A rule's family: a selector (`--select cache`) and the folder it may live in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Directives,
    Cache,
    Core,
    /// FROM: images, tags, platforms, stage names.
    Image,
    /// COPY, ADD, WORKDIR, EXPOSE, CMD, ENTRYPOINT, HEALTHCHECK, ENV, ONBUILD and the file's shape.
    Instructions,
    /// Package managers' installs: version pins and installer flags.
    Packages,
    /// What the commands of a RUN do.
    Shell,
    /// LABEL keys and values.
    Metadata,
    /// Users, sudo, secrets.
    Security,
    /// The layer cache: what makes a step re-run when nothing it needs changed, or keeps a
    /// stale result when something did.
    Layers,
}

impl Family {
    pub const ALL: [Family; 10] = [
        Family::Directives,
        Family::Cache,
        Family::Core,
        Family::Image,
        Family::Instructions,
        Family::Packages,
        Family::Shell,
        Family::Metadata,
        Family::Security,
        Family::Layers,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Family::Directives => "directives",
            Family::Cache => "cache",
            Family::Core => "core",
            Family::Image => "image",
            Family::Instructions => "instructions",
            Family::Packages => "packages",
            Family::Shell => "shell",
            Family::Metadata => "metadata",
            Family::Security => "security",
            Family::Layers => "layers",
        }
    }

    pub fn parse(name: &str) -> Option<Family> {
        Family::ALL.into_iter().find(|f| f.name() == name)
    }
}

impl std::fmt::Display for Family {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The type of a rule option.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OptionKind {
    Bool,
    String,
    OneOf(&'static [&'static str]),
    StringList,
}

/// An option a rule takes (`[rules.<name>]` in `dfix.toml`); `settings.rs` validates values
/// against it.
#[derive(Debug, Serialize)]
pub struct OptionSpec {
    pub name: &'static str,
    pub kind: OptionKind,
    /// The value when none is set, as `dfix.toml` would spell it.
    pub default: &'static str,
    /// One line.
    pub doc: &'static str,
}

#[derive(Debug, Serialize)]
pub struct RuleMeta {
    pub name: &'static str,
    pub family: Family,
    pub severity: Severity,
    /// A finding means BuildKit refuses the file, or an old frontend does not build it as
    /// written. `--add-ignore` and the editor's "Ignore" never suppress these.
    pub breaks_build: bool,
    pub fix: FixAvailability,
    pub status: Status,
    /// Upstream names this rule answers for (hadolint codes, BuildKit checks, former names):
    /// accepted wherever a rule can be named.
    pub sources: &'static [&'static str],
    /// Upstream rules it touches without replacing.
    pub related: &'static [&'static str],
    /// One line.
    pub summary: &'static str,
    /// What `[rules.<name>]` may set.
    #[serde(skip)]
    pub options: &'static [OptionSpec],
    /// Fixes tie-break (zero-width inserts at one offset) and rules run in this order, lowest
    /// first, then by name.
    #[serde(skip)]
    pub fix_priority: u32,
    /// Runs after the other rules and after suppressions were applied, and sees them
    /// (`Context::suppressions`): `unused-suppression`.
    #[serde(skip)]
    pub after_suppressions: bool,
    /// The rule's page in `rules/`.
    #[serde(skip)]
    pub doc: &'static str,
}

/// A rule's place in the registry: what a finding, the settings and a suppression hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleId(u16);

impl RuleId {
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
    pub fn rule(self) -> &'static Rule {
        &RULES[self.index()]
    }
    pub fn meta(self) -> &'static RuleMeta {
        RULES[self.index()].meta
    }
    pub fn name(self) -> &'static str {
        self.meta().name
    }
    /// Every rule, in registry order.
    pub fn all() -> impl Iterator<Item = RuleId> {
        RULES.iter().map(|r| r.id)
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

pub struct Rule {
    pub id: RuleId,
    pub meta: &'static RuleMeta,
    pub check: fn(&mut Context),
}

// `mod` declarations, `RULES`, `RuleId::<RULE_NAME>` and `find` (see build.rs)
include!(concat!(env!("OUT_DIR"), "/registry.rs"));

/// The file's suppressions and, per suppression and name, whether it suppressed a finding.
#[derive(Clone, Copy)]
pub struct Judged<'a> {
    pub suppressions: &'a [Suppression],
    pub used: &'a [Vec<bool>],
}

/// What a rule's `check` works with.
pub struct Context<'a> {
    pub src: &'a str,
    pub model: &'a Dockerfile,
    pub settings: &'a Settings,
    rule: RuleId,
    out: Vec<Diagnostic>,
    /// For a rule with `after_suppressions` (`unused-suppression`).
    pub suppressions: Option<Judged<'a>>,
    facts: &'a RunFacts<'a>,
}

/// The file's RUN facts, worked out once per file for all rules, the first time a rule asks.
struct RunFacts<'a> {
    src: &'a str,
    model: &'a Dockerfile,
    settings: &'a Settings,
    source: Source<'a>,
    runs: OnceCell<Vec<RunRef<'a>>>,
    semantic: OnceCell<Semantic<'a>>,
}

impl<'a> RunFacts<'a> {
    fn semantic(&'a self) -> &'a Semantic<'a> {
        self.semantic.get_or_init(|| {
            let runs = self
                .runs
                .get_or_init(|| commands::runs_with(self.model, self.src, &self.settings.images));
            Semantic::new(&self.source, self.model, runs)
        })
    }
}

impl<'a> Context<'a> {
    pub fn rule(&self) -> RuleId {
        self.rule
    }

    pub fn rule_name(&self) -> &'static str {
        self.rule.name()
    }

    /// The file's RUN facts: every valid RUN (ONBUILD triggers included) with its commands,
    /// scope and package-manager calls, and the queries across RUNs.
    pub fn semantic(&self) -> &'a Semantic<'a> {
        self.facts.semantic()
    }

    /// Every valid RUN of the file, with its package-manager calls ([`Semantic::runs`]).
    pub fn runs(&self) -> impl Iterator<Item = (&'a RunRef<'a>, &'a [Call<'a>])> + use<'a> {
        self.semantic().runs()
    }

    /// The RUN at instruction `index`, if it is a valid one ([`Semantic::run_at`]).
    pub fn run_at(&self, index: usize) -> Option<(&'a RunRef<'a>, &'a [Call<'a>])> {
        self.semantic().run_at(index)
    }

    pub fn report(&mut self, range: TextRange, message: impl Into<String>) -> &mut Diagnostic {
        self.out.push(Diagnostic {
            rule: self.rule,
            severity: self.settings.severity_of(self.rule),
            message: message.into(),
            range,
            fix: None,
            alternatives: Vec::new(),
            no_fix_reason: None,
            code: None,
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
    let facts = RunFacts {
        src,
        model,
        settings,
        source: Source::new(src),
        runs: OnceCell::new(),
        semantic: OnceCell::new(),
    };
    let judges = |r: &&Rule| r.meta.after_suppressions;
    for rule in RULES.iter().filter(|r| settings.is_enabled(r.id) && !judges(r)) {
        let mut ctx = Context {
            src,
            model,
            settings,
            rule: rule.id,
            out: std::mem::take(&mut out),
            suppressions: None,
            facts: &facts,
        };
        crate::panics::in_rule(rule.meta.name, || {
            #[cfg(debug_assertions)]
            crate::panics::test_panic(rule.meta.name, src);
            (rule.check)(&mut ctx)
        });
        out = ctx.out;
    }
    let sups = crate::suppress::collect(src, model);
    let used = crate::suppress::apply(model, &sups, &mut out);
    for rule in RULES.iter().filter(|r| settings.is_enabled(r.id) && judges(r)) {
        let mut ctx = Context {
            src,
            model,
            settings,
            rule: rule.id,
            out: Vec::new(),
            suppressions: Some(Judged {
                suppressions: &sups,
                used: &used,
            }),
            facts: &facts,
        };
        crate::panics::in_rule(rule.meta.name, || (rule.check)(&mut ctx));
        let mut judged = ctx.out;
        // `# dfix: ignore-file=unused-suppression` and the like
        crate::suppress::apply(model, &sups, &mut judged);
        out.extend(judged);
    }
    out.sort_by_key(|d| (d.range.start, d.range.end));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_is_in_fix_priority_order_and_ids_are_positions() {
        for (i, r) in RULES.iter().enumerate() {
            assert_eq!(r.id.index(), i);
            assert_eq!(find(r.meta.name).map(|f| f.id), Some(r.id));
        }
        for w in RULES.windows(2) {
            let key = |r: &Rule| (r.meta.fix_priority, r.meta.name);
            assert!(key(&w[0]) < key(&w[1]), "{} before {}", w[0].meta.name, w[1].meta.name);
        }
        assert!(find("nope").is_none());
        // the order fixes tie-break in: the first rules are today's first ones
        let first: Vec<&str> = RULES.iter().take(3).map(|r| r.meta.name).collect();
        assert_eq!(
            first,
            ["syntax-error", "invalid-mount", "syntax-directive-experimental"]
        );
    }

    #[test]
    fn only_unused_suppression_judges_suppressions() {
        let judges: Vec<RuleId> = RULES
            .iter()
            .filter(|r| r.meta.after_suppressions)
            .map(|r| r.id)
            .collect();
        assert_eq!(judges, [RuleId::UNUSED_SUPPRESSION]);
    }

    #[test]
    fn every_option_default_is_valid_for_its_kind() {
        for r in RULES {
            for o in r.meta.options {
                let ok = match o.kind {
                    OptionKind::Bool => matches!(o.default, "true" | "false"),
                    OptionKind::OneOf(values) => values.contains(&o.default),
                    OptionKind::String | OptionKind::StringList => true,
                };
                assert!(ok, "{}.{}: default {:?}", r.meta.name, o.name, o.default);
            }
        }
    }

    /// The rules whose findings no suppression written by dfix may hide.
    #[test]
    fn the_rules_that_break_the_build() {
        let names: Vec<_> = RULES
            .iter()
            .filter(|r| r.meta.breaks_build)
            .map(|r| r.meta.name)
            .collect();
        assert_eq!(
            names,
            [
                "syntax-error",
                "invalid-mount",
                "syntax-too-old-for-feature",
                "parser-directive-duplicate",
                "expose-port-out-of-range",
                "copy-from-own-stage"
            ]
        );
    }
}

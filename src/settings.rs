//! What a run is configured to do: which rules, with which options. The command line fills it
//! today; a configuration file adds a layer later without changing its shape.

use crate::diagnostic::Severity;
use crate::rules::{RULES, RuleMeta, Status};

/// What a cache rule's `--write` adds: a cache mount, or the tool's own clean-up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Prefer {
    #[default]
    Mount,
    Clean,
}

#[derive(Clone, Debug)]
pub struct RuleOptions {
    /// `missing-syntax-directive.value`.
    pub syntax_value: String,
    /// `missing-syntax-directive.strict`: report every file without a syntax directive.
    pub syntax_strict: bool,
    /// `<rule>.prefer` of the cache rules, where it is not the default.
    pub prefer: Vec<(String, Prefer)>,
}

impl RuleOptions {
    /// What a cache rule's fix adds.
    pub fn prefer(&self, rule: &str) -> Prefer {
        self.prefer
            .iter()
            .find(|(r, _)| r == rule)
            .map_or(Prefer::Mount, |(_, p)| *p)
    }
}

impl Default for RuleOptions {
    fn default() -> Self {
        RuleOptions {
            syntax_value: "docker/dockerfile:1".into(),
            syntax_strict: false,
            prefer: Vec::new(),
        }
    }
}

/// Rule selection as the user wrote it (names, aliases, groups).
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// `None`: the default (every stable rule).
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    pub preview: bool,
}

#[derive(Clone, Debug)]
pub struct Settings {
    enabled: Vec<bool>,
    pub preview: bool,
    pub options: RuleOptions,
}

impl Default for Settings {
    fn default() -> Self {
        Settings::from_selection(&Selection::default()).expect("the default selection is valid")
    }
}

/// A selector matched: which rules, and whether it named them (name or alias) rather than by
/// group.
fn resolve(token: &str) -> Result<(Vec<usize>, bool), String> {
    let all = || (0..RULES.len()).collect::<Vec<_>>();
    let pick = |f: &dyn Fn(&RuleMeta) -> bool| {
        RULES
            .iter()
            .enumerate()
            .filter(|(_, r)| f(r.meta))
            .map(|(i, _)| i)
            .collect::<Vec<_>>()
    };
    if token == "ALL" {
        return Ok((all(), false));
    }
    if let Some(i) = RULES.iter().position(|r| r.meta.name == token) {
        return Ok((vec![i], true));
    }
    let by_alias = pick(&|m| m.sources.contains(&token));
    if !by_alias.is_empty() {
        return Ok((by_alias, true));
    }
    let group = match token {
        "hadolint" => pick(&|m| m.sources.iter().any(|s| is_hadolint(s))),
        "shellcheck" => pick(&|m| m.sources.iter().any(|s| s.starts_with("SC"))),
        "buildkit" => pick(&|m| m.sources.iter().any(|s| is_buildkit(s))),
        _ => pick(&|m| m.family == token),
    };
    if !group.is_empty() || is_family(token) {
        return Ok((group, false));
    }
    let prefix = pick(&|m| {
        m.sources
            .iter()
            .any(|s| s.len() > token.len() && s.starts_with(token) && (is_hadolint(s) || s.starts_with("SC")))
    });
    if !prefix.is_empty() {
        return Ok((prefix, false));
    }
    Err(format!("unknown rule or group `{token}`"))
}

fn is_hadolint(s: &str) -> bool {
    s.starts_with("DL") && s[2..].chars().all(|c| c.is_ascii_digit())
}

fn is_buildkit(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && !is_hadolint(s) && !s.starts_with("SC")
}

fn is_family(token: &str) -> bool {
    matches!(
        token,
        "core" | "directives" | "cache" | "hadolint" | "buildkit" | "shellcheck"
    )
}

impl Settings {
    pub fn from_selection(sel: &Selection) -> Result<Settings, String> {
        let mut enabled = vec![false; RULES.len()];
        let mut explicit = vec![false; RULES.len()];
        let select = sel.select.clone().unwrap_or_else(|| vec!["ALL".into()]);
        for token in select.iter().chain(&sel.extend_select) {
            let (rules, named) = resolve(token)?;
            for i in rules {
                enabled[i] = true;
                explicit[i] |= named;
            }
        }
        let mut ignored_by_name = false;
        for token in &sel.ignore {
            let (rules, named) = resolve(token)?;
            for i in rules {
                enabled[i] = false;
                ignored_by_name |= named && RULES[i].meta.name == "syntax-error";
            }
        }
        for (i, rule) in RULES.iter().enumerate() {
            if rule.meta.status == Status::Preview && !sel.preview && !explicit[i] {
                enabled[i] = false;
            }
            // a file BuildKit would refuse is always worth saying
            if rule.meta.name == "syntax-error" && !ignored_by_name {
                enabled[i] = true;
            }
        }
        Ok(Settings {
            enabled,
            preview: sel.preview,
            options: RuleOptions::default(),
        })
    }

    pub fn is_enabled(&self, meta: &RuleMeta) -> bool {
        RULES
            .iter()
            .position(|r| std::ptr::eq(r.meta, meta))
            .is_some_and(|i| self.enabled[i])
    }

    pub fn severity_of(&self, meta: &RuleMeta) -> Severity {
        meta.severity
    }

    pub fn enabled_rules(&self) -> impl Iterator<Item = &'static RuleMeta> + '_ {
        RULES
            .iter()
            .enumerate()
            .filter(|(i, _)| self.enabled[*i])
            .map(|(_, r)| r.meta)
    }
}

//! What a run is configured to do: which rules, at which severity, with which options. It is
//! built from layers — configuration files (`config.rs`), then the command line — and each
//! layer only adjusts what the ones before it said.

use crate::diagnostic::Severity;
use crate::rules::{RULES, RuleMeta, Status};
use globset::GlobMatcher;
use std::path::{Path, PathBuf};

/// What a cache rule's `--write` adds: a cache mount, or the tool's own clean-up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Prefer {
    #[default]
    Mount,
    Clean,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OptionValue {
    Bool(bool),
    String(String),
    List(Vec<String>),
}

impl std::fmt::Display for OptionValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OptionValue::Bool(b) => write!(f, "{b}"),
            OptionValue::String(s) => write!(f, "{s:?}"),
            OptionValue::List(l) => write!(f, "{l:?}"),
        }
    }
}

/// The type of a rule option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionKind {
    Bool,
    String,
    OneOf(&'static [&'static str]),
    StringList,
}

/// The options a rule takes. Cache rules that have a clean-up alternative take `prefer`.
pub fn option_kind(rule: &str, key: &str) -> Option<OptionKind> {
    match (rule, key) {
        ("missing-syntax-directive", "value") => Some(OptionKind::String),
        ("missing-syntax-directive", "strict") => Some(OptionKind::Bool),
        (r, "prefer") if r.ends_with("-without-cache-mount") => Some(OptionKind::OneOf(&["mount", "clean"])),
        _ => None,
    }
}

/// Every option key some rule takes (for suggestions; [`option_kind`] says which rule takes it).
const OPTION_KEYS: [&str; 3] = ["value", "strict", "prefer"];

/// The option keys `rule` takes.
pub fn option_keys(rule: &str) -> impl Iterator<Item = &'static str> + '_ {
    OPTION_KEYS.into_iter().filter(move |k| option_kind(rule, k).is_some())
}

/// Rule options: `(rule, key, value)`, the last one set winning.
#[derive(Clone, Debug, Default)]
pub struct RuleOptions {
    values: Vec<(String, String, OptionValue)>,
}

impl RuleOptions {
    pub fn set(&mut self, rule: &str, key: &str, value: OptionValue) {
        self.values.retain(|(r, k, _)| !(r == rule && k == key));
        self.values.push((rule.to_string(), key.to_string(), value));
    }

    pub fn get(&self, rule: &str, key: &str) -> Option<&OptionValue> {
        self.values
            .iter()
            .find(|(r, k, _)| r == rule && k == key)
            .map(|(_, _, v)| v)
    }

    pub fn string(&self, rule: &str, key: &str) -> Option<&str> {
        match self.get(rule, key) {
            Some(OptionValue::String(s)) => Some(s),
            _ => None,
        }
    }

    pub fn bool(&self, rule: &str, key: &str) -> bool {
        matches!(self.get(rule, key), Some(OptionValue::Bool(true)))
    }

    /// What a cache rule's fix adds.
    pub fn prefer(&self, rule: &str) -> Prefer {
        match self.string(rule, "prefer") {
            Some("clean") => Prefer::Clean,
            _ => Prefer::Mount,
        }
    }

    /// `missing-syntax-directive.value`.
    pub fn syntax_value(&self) -> &str {
        self.string("missing-syntax-directive", "value")
            .unwrap_or("docker/dockerfile:1")
    }

    pub fn iter(&self) -> impl Iterator<Item = &(String, String, OptionValue)> {
        self.values.iter()
    }
}

/// A glob with the directory it is relative to.
#[derive(Clone, Debug)]
pub struct PathGlob {
    pub base: PathBuf,
    pub pattern: String,
    pub matcher: GlobMatcher,
}

impl PathGlob {
    pub fn new(base: &Path, pattern: &str) -> Result<PathGlob, String> {
        // `vendor/` means the directory: it matches like `vendor`
        let trimmed = pattern.strip_suffix('/').filter(|p| !p.is_empty()).unwrap_or(pattern);
        let glob = globset::GlobBuilder::new(trimmed)
            .literal_separator(false)
            .build()
            .map_err(|e| e.kind().to_string())?;
        Ok(PathGlob {
            base: base.to_path_buf(),
            pattern: pattern.to_string(),
            matcher: glob.compile_matcher(),
        })
    }

    /// Matches the path relative to the base, or any of its parent directories (so `vendor/`
    /// and `vendor` exclude everything below).
    pub fn is_match(&self, path: &Path) -> bool {
        let Ok(rel) = path.strip_prefix(&self.base) else {
            return false;
        };
        let mut p = Some(rel);
        while let Some(cur) = p {
            if cur.as_os_str().is_empty() {
                break;
            }
            if self.matcher.is_match(cur) || cur.file_name().is_some_and(|n| self.matcher.is_match(n)) {
                return true;
            }
            p = cur.parent();
        }
        false
    }
}

/// One layer of configuration: a configuration file, or the command line.
#[derive(Clone, Debug, Default)]
pub struct Layer {
    /// Where it comes from (a configuration file), for `--show-settings`.
    pub source: Option<PathBuf>,
    /// Replaces the selection made so far.
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    pub preview: Option<bool>,
    pub unsafe_fixes: Option<bool>,
    pub fail_level: Option<Severity>,
    /// Severity overrides: rule name or alias → severity.
    pub severity: Vec<(String, Severity)>,
    pub per_file_ignores: Vec<(PathGlob, Vec<String>)>,
    pub exclude: Option<Vec<PathGlob>>,
    pub extend_exclude: Vec<PathGlob>,
    pub options: Vec<(String, String, OptionValue)>,
}

/// Rule selection alone (the command line's, or a test's).
pub type Selection = Layer;

#[derive(Clone, Debug)]
pub struct Settings {
    enabled: Vec<bool>,
    severity: Vec<Severity>,
    pub preview: bool,
    pub unsafe_fixes: bool,
    pub fail_level: Severity,
    pub options: RuleOptions,
    per_file_ignores: Vec<(PathGlob, Vec<usize>)>,
    exclude: Vec<PathGlob>,
    /// The configuration files in effect, outermost first.
    pub sources: Vec<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings::from_layers(&[]).expect("the default settings are valid")
    }
}

/// The rules a selector names, and whether it named them (by name or alias) rather than by a
/// group.
pub fn resolve(token: &str) -> Result<(Vec<usize>, bool), String> {
    let pick = |f: &dyn Fn(&RuleMeta) -> bool| {
        RULES
            .iter()
            .enumerate()
            .filter(|(_, r)| f(r.meta))
            .map(|(i, _)| i)
            .collect::<Vec<_>>()
    };
    if token == "ALL" {
        return Ok(((0..RULES.len()).collect(), false));
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
    Err(format!(
        "unknown rule or group `{token}`{}",
        crate::suggest::did_you_mean(token, selector_names())
    ))
}

/// The names a selector can be spelled as (rule names, groups, `ALL`), for suggestions.
pub fn selector_names() -> impl Iterator<Item = &'static str> {
    RULES.iter().map(|r| r.meta.name).chain(GROUPS).chain(["ALL"])
}

const GROUPS: [&str; 6] = ["core", "directives", "cache", "hadolint", "buildkit", "shellcheck"];

fn is_hadolint(s: &str) -> bool {
    s.starts_with("DL") && s[2..].chars().all(|c| c.is_ascii_digit())
}

fn is_buildkit(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && !is_hadolint(s) && !s.starts_with("SC")
}

fn is_family(token: &str) -> bool {
    GROUPS.contains(&token)
}

/// The rule a name or alias stands for (the first, for an alias that covers several).
pub fn rule_index(name: &str) -> Option<usize> {
    match resolve(name) {
        Ok((rules, true)) => rules.first().copied(),
        _ => None,
    }
}

impl Settings {
    pub fn from_selection(sel: &Selection) -> Result<Settings, String> {
        Settings::from_layers(std::slice::from_ref(sel))
    }

    /// Applies the layers in order: `select` replaces the selection so far, `extend-select`
    /// adds, `ignore` removes; the last layer that sets a value wins.
    pub fn from_layers(layers: &[Layer]) -> Result<Settings, String> {
        let n = RULES.len();
        let mut enabled: Vec<bool> = RULES.iter().map(|_| true).collect();
        let mut explicit = vec![false; n];
        let mut ignored_by_name = false;
        let mut s = Settings {
            enabled: Vec::new(),
            severity: RULES.iter().map(|r| r.meta.severity).collect(),
            preview: false,
            unsafe_fixes: false,
            fail_level: Severity::Info,
            options: RuleOptions::default(),
            per_file_ignores: Vec::new(),
            exclude: Vec::new(),
            sources: Vec::new(),
        };
        for layer in layers {
            if let Some(select) = &layer.select {
                enabled = vec![false; n];
                explicit = vec![false; n];
                for token in select {
                    let (rules, named) = resolve(token)?;
                    for i in rules {
                        enabled[i] = true;
                        explicit[i] |= named;
                    }
                }
            }
            for token in &layer.extend_select {
                let (rules, named) = resolve(token)?;
                for i in rules {
                    enabled[i] = true;
                    explicit[i] |= named;
                }
            }
            for token in &layer.ignore {
                let (rules, named) = resolve(token)?;
                for i in rules {
                    enabled[i] = false;
                    explicit[i] = false;
                    ignored_by_name |= named && RULES[i].meta.name == "syntax-error";
                }
            }
            s.preview = layer.preview.unwrap_or(s.preview);
            s.unsafe_fixes = layer.unsafe_fixes.unwrap_or(s.unsafe_fixes);
            s.fail_level = layer.fail_level.unwrap_or(s.fail_level);
            for (rule, sev) in &layer.severity {
                for i in resolve(rule)?.0 {
                    s.severity[i] = *sev;
                }
            }
            for (glob, rules) in &layer.per_file_ignores {
                let mut idx = Vec::new();
                for r in rules {
                    idx.extend(resolve(r)?.0);
                }
                s.per_file_ignores.push((glob.clone(), idx));
            }
            if let Some(ex) = &layer.exclude {
                s.exclude = ex.clone();
            }
            s.exclude.extend(layer.extend_exclude.iter().cloned());
            for (rule, key, value) in &layer.options {
                s.options.set(rule, key, value.clone());
            }
            s.sources.extend(layer.source.clone());
        }
        for (i, rule) in RULES.iter().enumerate() {
            if rule.meta.status == Status::Preview && !s.preview && !explicit[i] {
                enabled[i] = false;
            }
            // a file BuildKit would refuse is always worth saying
            if rule.meta.name == "syntax-error" && !ignored_by_name {
                enabled[i] = true;
            }
        }
        s.enabled = enabled;
        Ok(s)
    }

    pub fn is_enabled(&self, meta: &RuleMeta) -> bool {
        index_of(meta).is_some_and(|i| self.enabled[i])
    }

    pub fn severity_of(&self, meta: &RuleMeta) -> Severity {
        index_of(meta).map_or(meta.severity, |i| self.severity[i])
    }

    pub fn enabled_rules(&self) -> impl Iterator<Item = &'static RuleMeta> + '_ {
        RULES
            .iter()
            .enumerate()
            .filter(|(i, _)| self.enabled[*i])
            .map(|(_, r)| r.meta)
    }

    /// The settings for one file: its `per-file-ignores` switched off.
    pub fn for_path(&self, path: &Path) -> Settings {
        let mut s = self.clone();
        for (glob, rules) in &self.per_file_ignores {
            if glob.is_match(path) {
                for &i in rules {
                    s.enabled[i] = false;
                }
            }
        }
        s
    }

    /// An `exclude`/`extend-exclude` pattern matches the path.
    pub fn is_excluded(&self, path: &Path) -> bool {
        self.exclude.iter().any(|g| g.is_match(path))
    }

    pub fn excludes(&self) -> &[PathGlob] {
        &self.exclude
    }

    pub fn per_file_ignores(&self) -> impl Iterator<Item = (&PathGlob, Vec<&'static str>)> {
        self.per_file_ignores
            .iter()
            .map(|(g, r)| (g, r.iter().map(|&i| RULES[i].meta.name).collect()))
    }
}

fn index_of(meta: &RuleMeta) -> Option<usize> {
    RULES.iter().position(|r| std::ptr::eq(r.meta, meta))
}

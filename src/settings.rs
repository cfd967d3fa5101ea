//! What a run is configured to do: which rules, at which severity, with which options. It is
//! built from layers — configuration files (`config.rs`), then the command line — and each
//! layer only adjusts what the ones before it said.

use crate::diagnostic::Severity;
pub use crate::rules::OptionKind;
use crate::rules::{Family, RULES, RuleId, RuleMeta, Status};
use globset::GlobMatcher;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::dockerignore::BuildContext;

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

/// The type of option `key` of `rule`, as the rule's `META.options` declares it.
pub fn option_kind(rule: &str, key: &str) -> Option<OptionKind> {
    let rule = crate::rules::find(rule)?;
    rule.meta.options.iter().find(|o| o.name == key).map(|o| o.kind)
}

/// The option keys `rule` takes.
pub fn option_keys(rule: &str) -> impl Iterator<Item = &'static str> {
    crate::rules::find(rule)
        .into_iter()
        .flat_map(|r| r.meta.options.iter().map(|o| o.name))
}

/// One rule option set by a layer: `[rules.<rule>] <key> = <value>` (`rule` may also be
/// `hadolint`, for what a `.hadolint.yaml` sets that no rule reads yet).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleOption {
    pub rule: String,
    pub key: String,
    pub value: OptionValue,
}

/// Rule options, the last one set winning.
#[derive(Clone, Debug, Default)]
pub struct RuleOptions {
    values: Vec<RuleOption>,
}

impl RuleOptions {
    pub fn set(&mut self, rule: &str, key: &str, value: OptionValue) {
        self.values.retain(|o| !(o.rule == rule && o.key == key));
        self.values.push(RuleOption {
            rule: rule.to_string(),
            key: key.to_string(),
            value,
        });
    }

    pub fn get(&self, rule: &str, key: &str) -> Option<&OptionValue> {
        self.values
            .iter()
            .find(|o| o.rule == rule && o.key == key)
            .map(|o| &o.value)
    }

    /// A string option of `rule`, else the default its `META.options` declares.
    pub fn string(&self, rule: RuleId, key: &str) -> &str {
        match self.get(rule.name(), key) {
            Some(OptionValue::String(s)) => s,
            _ => default_of(rule, key),
        }
    }

    /// A boolean option of `rule`, else the default its `META.options` declares.
    pub fn bool(&self, rule: RuleId, key: &str) -> bool {
        match self.get(rule.name(), key) {
            Some(OptionValue::Bool(b)) => *b,
            _ => default_of(rule, key) == "true",
        }
    }

    /// A list option of `rule`: `None` when no layer set it (list options default to unset;
    /// an empty list set by a layer is `Some(&[])`).
    pub fn list(&self, rule: RuleId, key: &str) -> Option<&[String]> {
        match self.get(rule.name(), key) {
            Some(OptionValue::List(l)) => Some(l),
            _ => None,
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &RuleOption> {
        self.values.iter()
    }
}

fn default_of(rule: RuleId, key: &str) -> &'static str {
    let spec = rule.meta().options.iter().find(|o| o.name == key);
    spec.unwrap_or_else(|| panic!("rule {rule} declares no option `{key}`"))
        .default
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
    pub severity: Vec<SeverityOverride>,
    pub per_file_ignores: Vec<PerFileIgnore>,
    pub exclude: Option<Vec<PathGlob>>,
    pub extend_exclude: Vec<PathGlob>,
    pub options: Vec<RuleOption>,
    /// `[images."pattern"]`: facts declared about base images, in declaration order.
    pub images: Vec<crate::semantic::image::Declared>,
    /// `--shellcheck` / `shellcheck = true`: run ShellCheck (the `shellcheck` rule).
    pub shellcheck: Option<bool>,
    /// `--context DIR` / `context = "DIR"`: the build context, its directory checked to exist
    /// when the layer was made. Shared by every file the layer governs, so each ignore file is
    /// read once.
    pub context: Option<Arc<BuildContext>>,
}

/// `[severity] <selector> = <severity>`.
#[derive(Clone, Debug)]
pub struct SeverityOverride {
    pub selector: String,
    pub severity: Severity,
}

/// `[per-file-ignores] <glob> = [<selector>, …]`.
#[derive(Clone, Debug)]
pub struct PerFileIgnore {
    pub glob: PathGlob,
    pub selectors: Vec<String>,
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
    /// Per glob: the rules switched off, and the ShellCheck codes ignored.
    per_file_ignores: Vec<(PathGlob, Vec<RuleId>, Vec<u16>)>,
    exclude: Vec<PathGlob>,
    /// The configuration files in effect, outermost first.
    pub sources: Vec<PathBuf>,
    /// The base images declared by the configuration files, the base file's first.
    pub images: Vec<crate::semantic::image::Declared>,
    /// ShellCheck codes ignored (`--ignore SC2086`, `ignored: [SC2086]`): the `shellcheck` rule
    /// runs but drops them.
    shellcheck_ignored: Vec<u16>,
    /// Severities set for single ShellCheck codes (`[severity] SC2086 = "error"`).
    shellcheck_severity: Vec<(u16, Severity)>,
    /// A severity set for the `shellcheck` rule as a whole (by its name or a group), which
    /// replaces the one each ShellCheck level maps to.
    shellcheck_rule_severity: Option<Severity>,
    /// The build context (the last layer that gives one wins): `copy-ignored-file` reads its
    /// ignore files. `None`: nothing is known of the context.
    pub context: Option<Arc<BuildContext>>,
    /// The Dockerfile being linted ([`Settings::for_path`]), for the ignore file named after
    /// it (`<name>.dockerignore`).
    pub dockerfile: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings::from_layers(&[]).expect("the default settings are valid")
    }
}

/// What a selector stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selected {
    pub rules: Vec<RuleId>,
    /// It named them (by name or alias) rather than by a group.
    pub by_name: bool,
}

/// The rules a selector names.
pub fn resolve(token: &str) -> Result<Selected, String> {
    let pick = |f: &dyn Fn(&RuleMeta) -> bool| RULES.iter().filter(|r| f(r.meta)).map(|r| r.id).collect::<Vec<_>>();
    let group = |rules| Ok(Selected { rules, by_name: false });
    if token == "ALL" {
        return group(RuleId::all().collect());
    }
    if let Some(r) = crate::rules::find(token) {
        return Ok(Selected {
            rules: vec![r.id],
            by_name: true,
        });
    }
    // ShellCheck's codes are the `shellcheck` rule's aliases: each finding carries its own
    if shellcheck_code(token).is_some() {
        return Ok(Selected {
            rules: vec![RuleId::SHELLCHECK],
            by_name: true,
        });
    }
    let by_alias = pick(&|m| m.sources.contains(&token));
    if !by_alias.is_empty() {
        return Ok(Selected {
            rules: by_alias,
            by_name: true,
        });
    }
    if let Some(family) = Family::parse(token) {
        return group(pick(&|m| m.family == family));
    }
    match token {
        "hadolint" => return group(pick(&|m| m.sources.iter().any(|s| is_hadolint(s)))),
        "buildkit" => return group(pick(&|m| m.sources.iter().any(|s| is_buildkit(s)))),
        _ => {}
    }
    if crate::rules::upstream::not_applicable(token).is_some() {
        // an upstream check no dfix rule can answer: naming it selects nothing
        return group(Vec::new());
    }
    let prefix = pick(&|m| {
        m.sources
            .iter()
            .any(|s| s.len() > token.len() && s.starts_with(token) && (is_hadolint(s) || s.starts_with("SC")))
    });
    if !prefix.is_empty() {
        return group(prefix);
    }
    Err(format!(
        "unknown rule or group `{token}`{}",
        crate::suggest::did_you_mean(token, selector_names())
    ))
}

/// The names a selector can be spelled as (rule names, families, groups, `ALL`), for
/// suggestions.
pub fn selector_names() -> impl Iterator<Item = &'static str> {
    RULES
        .iter()
        .map(|r| r.meta.name)
        .chain(Family::ALL.map(Family::name))
        .chain(GROUPS)
        .chain(["ALL"])
}

/// Groups by upstream tool (families are [`Family`]; `shellcheck` is a rule).
const GROUPS: [&str; 2] = ["hadolint", "buildkit"];

/// ShellCheck's code written as `SC2086`: its number.
pub fn shellcheck_code(token: &str) -> Option<u16> {
    let digits = token.strip_prefix("SC")?;
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// ShellCheck's number written as its code: `SC2086`.
pub fn shellcheck_name(code: u16) -> String {
    format!("SC{code:04}")
}

/// The token names the `shellcheck` rule itself (its name or a ShellCheck code), which turns
/// ShellCheck on when selected.
fn names_shellcheck(token: &str) -> bool {
    token == RuleId::SHELLCHECK.name() || shellcheck_code(token).is_some()
}

fn is_hadolint(s: &str) -> bool {
    s.starts_with("DL") && s[2..].chars().all(|c| c.is_ascii_digit())
}

fn is_buildkit(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && !is_hadolint(s) && !s.starts_with("SC")
}

/// The rule a name or alias stands for (the first, for an alias that covers several).
pub fn rule_id(name: &str) -> Option<RuleId> {
    match resolve(name) {
        Ok(Selected { rules, by_name: true }) => rules.first().copied(),
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
        // ShellCheck runs a program: only when asked, by its switch (`--shellcheck`,
        // `shellcheck = true`: kept by later layers, as other scalar keys) or by naming the rule
        // or a code in a selection (replaced with the selection); never as part of a group
        // (`ALL`, `shell`). Ignoring the rule (by name or group) turns both off.
        let mut switch = false;
        let mut named = false;
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
            images: Vec::new(),
            shellcheck_ignored: Vec::new(),
            shellcheck_severity: Vec::new(),
            shellcheck_rule_severity: None,
            context: None,
            dockerfile: None,
        };
        for layer in layers {
            if let Some(select) = &layer.select {
                enabled = vec![false; n];
                explicit = vec![false; n];
                for token in select {
                    let sel = resolve(token)?;
                    for id in sel.rules {
                        enabled[id.index()] = true;
                        explicit[id.index()] |= sel.by_name;
                    }
                }
                named = select.iter().any(|t| names_shellcheck(t));
            }
            for token in &layer.extend_select {
                let sel = resolve(token)?;
                for id in sel.rules {
                    enabled[id.index()] = true;
                    explicit[id.index()] |= sel.by_name;
                }
                named |= names_shellcheck(token);
            }
            switch = layer.shellcheck.unwrap_or(switch);
            for token in &layer.ignore {
                // one ShellCheck code: the rule keeps running without it
                if let Some(code) = shellcheck_code(token) {
                    s.shellcheck_ignored.push(code);
                    continue;
                }
                let sel = resolve(token)?;
                if sel.rules.contains(&RuleId::SHELLCHECK) {
                    (switch, named) = (false, false);
                }
                for id in sel.rules {
                    enabled[id.index()] = false;
                    explicit[id.index()] = false;
                    ignored_by_name |= sel.by_name && id == RuleId::SYNTAX_ERROR;
                }
            }
            s.preview = layer.preview.unwrap_or(s.preview);
            s.unsafe_fixes = layer.unsafe_fixes.unwrap_or(s.unsafe_fixes);
            s.fail_level = layer.fail_level.unwrap_or(s.fail_level);
            for o in &layer.severity {
                if let Some(code) = shellcheck_code(&o.selector) {
                    s.shellcheck_severity.retain(|(c, _)| *c != code);
                    s.shellcheck_severity.push((code, o.severity));
                    continue;
                }
                for id in resolve(&o.selector)?.rules {
                    s.severity[id.index()] = o.severity;
                    if id == RuleId::SHELLCHECK {
                        s.shellcheck_rule_severity = Some(o.severity);
                    }
                }
            }
            for p in &layer.per_file_ignores {
                let mut ids = Vec::new();
                let mut codes = Vec::new();
                for r in &p.selectors {
                    match shellcheck_code(r) {
                        Some(code) => codes.push(code),
                        None => ids.extend(resolve(r)?.rules),
                    }
                }
                s.per_file_ignores.push((p.glob.clone(), ids, codes));
            }
            if let Some(ex) = &layer.exclude {
                s.exclude = ex.clone();
            }
            s.exclude.extend(layer.extend_exclude.iter().cloned());
            for o in &layer.options {
                s.options.set(&o.rule, &o.key, o.value.clone());
            }
            s.sources.extend(layer.source.clone());
            s.images.extend(layer.images.iter().cloned());
            if let Some(c) = &layer.context {
                s.context = Some(c.clone());
            }
        }
        for (i, rule) in RULES.iter().enumerate() {
            if rule.meta.status == Status::Preview && !s.preview && !explicit[i] {
                enabled[i] = false;
            }
        }
        // a file BuildKit would refuse is always worth saying
        if !ignored_by_name {
            enabled[RuleId::SYNTAX_ERROR.index()] = true;
        }
        enabled[RuleId::SHELLCHECK.index()] = switch || named;
        s.enabled = enabled;
        Ok(s)
    }

    pub fn is_enabled(&self, rule: RuleId) -> bool {
        self.enabled[rule.index()]
    }

    pub fn severity_of(&self, rule: RuleId) -> Severity {
        self.severity[rule.index()]
    }

    /// ShellCheck's code is ignored (`--ignore SC2086`, a per-file ignore, `.hadolint.yaml`).
    pub fn shellcheck_ignores(&self, code: u16) -> bool {
        self.shellcheck_ignored.contains(&code)
    }

    /// The severity of a ShellCheck finding: set for its code, else set for the rule, else the
    /// one its ShellCheck level maps to (`level`).
    pub fn shellcheck_severity(&self, code: u16, level: Severity) -> Severity {
        self.shellcheck_severity
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, s)| *s)
            .or(self.shellcheck_rule_severity)
            .unwrap_or(level)
    }

    pub fn enabled_rules(&self) -> impl Iterator<Item = RuleId> + '_ {
        RuleId::all().filter(|id| self.enabled[id.index()])
    }

    /// The settings for one file: its `per-file-ignores` switched off, and the file known.
    pub fn for_path(&self, path: &Path) -> Settings {
        let mut s = self.clone();
        s.dockerfile = Some(path.to_path_buf());
        for (glob, rules, codes) in &self.per_file_ignores {
            if glob.is_match(path) {
                for &id in rules {
                    s.enabled[id.index()] = false;
                }
                s.shellcheck_ignored.extend(codes);
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
            .map(|(g, r, _)| (g, r.iter().map(|id| id.name()).collect()))
    }
}

//! Configuration files. For each linted file the nearest `.dfix.toml` or `dfix.toml` up the
//! directory tree applies (`--config FILE` names one for every file, `--no-config` none); its
//! `extend = "path"` chain is read base first. Where no dfix configuration applies, the nearest
//! `.hadolint.yaml`/`.hadolint.yml` is read instead. A file only produces a settings layer; the
//! command line's layer goes on top.

use crate::diagnostic::Severity;
use crate::rules::RULES;
use crate::settings::{
    Layer, OptionKind, OptionValue, PathGlob, PerFileIgnore, RuleOption, Settings, SeverityOverride, option_keys,
    option_kind, resolve, rule_id,
};
use crate::suggest::did_you_mean;
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use toml::{Spanned, Value};

pub const CONFIG_NAMES: [&str; 2] = [".dfix.toml", "dfix.toml"];
pub const HADOLINT_NAMES: [&str; 2] = [".hadolint.yaml", ".hadolint.yml"];

/// A configuration problem, located in its file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The offending line with a caret under the span.
    pub snippet: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )?;
        if !self.snippet.is_empty() {
            write!(f, "\n{}", self.snippet)?;
        }
        Ok(())
    }
}

fn located(path: &Path, text: &str, span: Range<usize>, message: impl Into<String>) -> ConfigError {
    let start = span.start.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line_no = text[..start].matches('\n').count() + 1;
    let column = text[line_start..start].chars().count() + 1;
    let width = text[start..span.end.clamp(start, line_end)].chars().count().max(1);
    let gutter = line_no.to_string().len();
    let snippet = format!(
        "{:gutter$} |\n{line_no} | {}\n{:gutter$} | {}{}",
        "",
        &text[line_start..line_end],
        "",
        " ".repeat(column - 1),
        "^".repeat(width)
    );
    ConfigError {
        path: path.to_path_buf(),
        line: line_no,
        column,
        message: message.into(),
        snippet,
    }
}

fn unlocated(path: &Path, message: impl Into<String>) -> ConfigError {
    ConfigError {
        path: path.to_path_buf(),
        line: 1,
        column: 1,
        message: message.into(),
        snippet: String::new(),
    }
}

/// Tables read as ordered `(key, value)` lists, so that keys keep their spans.
mod ordered {
    use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
    use std::marker::PhantomData;

    pub struct Pairs<K, V>(pub Vec<(K, V)>);

    impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for Pairs<K, V> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V2<K, V>(PhantomData<(K, V)>);
            impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for V2<K, V> {
                type Value = Pairs<K, V>;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("a table")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                    let mut out = Vec::new();
                    while let Some((k, v)) = map.next_entry()? {
                        out.push((k, v));
                    }
                    Ok(Pairs(out))
                }
            }
            d.deserialize_map(V2(PhantomData))
        }
    }
}

/// `[rules.<name>]`: option → value.
type RuleTable = ordered::Pairs<Spanned<String>, Spanned<Value>>;

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawFile {
    extend: Option<Spanned<String>>,
    select: Option<Vec<Spanned<String>>>,
    extend_select: Option<Vec<Spanned<String>>>,
    ignore: Option<Vec<Spanned<String>>>,
    per_file_ignores: Option<ordered::Pairs<Spanned<String>, Vec<Spanned<String>>>>,
    severity: Option<ordered::Pairs<Spanned<String>, Spanned<String>>>,
    fail_level: Option<Spanned<String>>,
    preview: Option<bool>,
    unsafe_fixes: Option<bool>,
    shellcheck: Option<bool>,
    context: Option<Spanned<String>>,
    exclude: Option<Vec<Spanned<String>>>,
    extend_exclude: Option<Vec<Spanned<String>>>,
    rules: Option<ordered::Pairs<Spanned<String>, RuleTable>>,
    images: Option<ordered::Pairs<Spanned<String>, RuleTable>>,
}

/// The keys of an `[images."pattern"]` table.
const IMAGE_KEYS: &[&str] = &[
    "user",
    "uid",
    "gid",
    "home",
    "distro",
    "docker-clean",
    "windows",
    "shell",
    "env",
];

/// `[images."pattern"]`: the facts a configuration declares about base images.
fn image_table(
    path: &Path,
    text: &str,
    pattern: &Spanned<String>,
    table: &RuleTable,
) -> Result<crate::semantic::image::Declared, ConfigError> {
    use crate::semantic::image::{Declared, Distro};
    let p = pattern.get_ref();
    if p.is_empty() || p.contains(char::is_whitespace) {
        return Err(located(
            path,
            text,
            pattern.span(),
            format!("invalid image pattern `{p}`: an image name, `*` for any characters"),
        ));
    }
    let mut d = Declared {
        pattern: p.clone(),
        ..Declared::default()
    };
    for (key, value) in &table.0 {
        let k = key.get_ref().as_str();
        let bad = |expected: &str| {
            located(
                path,
                text,
                value.span(),
                format!("`images.\"{p}\".{k}` must be {expected}"),
            )
        };
        let id = |v: &Value| match v {
            Value::Integer(n) => u32::try_from(*n).ok(),
            _ => None,
        };
        let string = |v: &Value| v.as_str().filter(|s| !s.is_empty()).map(str::to_string);
        match k {
            "user" => d.user = Some(string(value.get_ref()).ok_or_else(|| bad("a user name"))?),
            "uid" => d.uid = Some(id(value.get_ref()).ok_or_else(|| bad("a number from 0 to 4294967295"))?),
            "gid" => d.gid = Some(id(value.get_ref()).ok_or_else(|| bad("a number from 0 to 4294967295"))?),
            "home" => {
                d.home = Some(
                    string(value.get_ref())
                        .filter(|h| h.starts_with('/'))
                        .ok_or_else(|| bad("an absolute path"))?,
                )
            }
            "distro" => {
                d.distro = Some(value.get_ref().as_str().and_then(Distro::parse).ok_or_else(|| {
                    bad(&format!(
                        "one of {}",
                        Distro::NAMES
                            .iter()
                            .map(|n| format!("\"{n}\""))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })?)
            }
            "docker-clean" => d.docker_clean = Some(value.get_ref().as_bool().ok_or_else(|| bad("`true` or `false`"))?),
            "windows" => d.windows = Some(value.get_ref().as_bool().ok_or_else(|| bad("`true` or `false`"))?),
            "shell" => match value.get_ref() {
                Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_str) => {
                    d.shell = Some(items.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                }
                _ => return Err(bad("a non-empty list of strings (the `SHELL` argv)")),
            },
            "env" => match value.get_ref() {
                Value::Table(vars) if vars.values().all(Value::is_str) => {
                    d.env = vars
                        .iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                        .collect()
                }
                _ => return Err(bad("a table of strings (`{ NAME = \"value\" }`)")),
            },
            _ => {
                return Err(located(
                    path,
                    text,
                    key.span(),
                    format!(
                        "`images.\"{p}\"` has no key `{k}`{}",
                        did_you_mean(k, IMAGE_KEYS.iter().copied())
                    ),
                ));
            }
        }
    }
    Ok(d)
}

fn severity(s: &str) -> Option<Severity> {
    Severity::parse(s)
}

fn check_selector(path: &Path, text: &str, token: &Spanned<String>) -> Result<String, ConfigError> {
    resolve(token.get_ref()).map_err(|e| located(path, text, token.span(), e))?;
    Ok(token.get_ref().clone())
}

fn selectors(path: &Path, text: &str, list: &Option<Vec<Spanned<String>>>) -> Result<Vec<String>, ConfigError> {
    list.iter().flatten().map(|t| check_selector(path, text, t)).collect()
}

fn globs(
    path: &Path,
    text: &str,
    base: &Path,
    list: &Option<Vec<Spanned<String>>>,
) -> Result<Vec<PathGlob>, ConfigError> {
    list.iter()
        .flatten()
        .map(|g| {
            PathGlob::new(base, g.get_ref())
                .map_err(|e| located(path, text, g.span(), format!("invalid glob `{}`: {e}", g.get_ref())))
        })
        .collect()
}

/// serde's "unknown field `selct`, expected one of `extend`, `select`, …" with the nearest
/// key suggested; other messages unchanged.
fn suggest_key(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_string();
    };
    // the field, then the expected keys: every other piece between backticks
    let mut quoted = rest.split('`').step_by(2).filter(|k| !k.is_empty());
    let field = quoted.next().unwrap_or_default();
    format!("{message}{}", did_you_mean(field, quoted))
}

/// Reads one configuration file into a layer, and the file it extends.
fn parse_file(path: &Path) -> Result<(Layer, Option<PathBuf>), ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| unlocated(path, format!("cannot read: {e}")))?;
    let raw: RawFile = toml::from_str(&text).map_err(|e| match e.span() {
        Some(span) => located(path, &text, span, suggest_key(e.message().replace('\n', " ").trim())),
        None => unlocated(path, e.message().trim().to_string()),
    })?;
    let base = path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let mut layer = Layer {
        source: Some(path.to_path_buf()),
        select: raw
            .select
            .as_ref()
            .map(|_| selectors(path, &text, &raw.select))
            .transpose()?,
        extend_select: selectors(path, &text, &raw.extend_select)?,
        ignore: selectors(path, &text, &raw.ignore)?,
        preview: raw.preview,
        unsafe_fixes: raw.unsafe_fixes,
        shellcheck: raw.shellcheck,
        exclude: raw
            .exclude
            .as_ref()
            .map(|_| globs(path, &text, &base, &raw.exclude))
            .transpose()?,
        extend_exclude: globs(path, &text, &base, &raw.extend_exclude)?,
        ..Layer::default()
    };
    if let Some(level) = &raw.fail_level {
        layer.fail_level = Some(severity(level.get_ref()).ok_or_else(|| {
            located(
                path,
                &text,
                level.span(),
                format!(
                    "invalid fail-level `{}`; expected `info`, `warning` or `error`",
                    level.get_ref()
                ),
            )
        })?);
    }
    for (rule, sev) in raw.severity.iter().flat_map(|p| &p.0) {
        check_selector(path, &text, rule)?;
        let s = severity(sev.get_ref()).ok_or_else(|| {
            located(
                path,
                &text,
                sev.span(),
                format!(
                    "invalid severity `{}`; expected `info`, `warning` or `error`",
                    sev.get_ref()
                ),
            )
        })?;
        layer.severity.push(SeverityOverride {
            selector: rule.get_ref().clone(),
            severity: s,
        });
    }
    for (pattern, rules) in raw.per_file_ignores.iter().flat_map(|p| &p.0) {
        let glob = PathGlob::new(&base, pattern.get_ref()).map_err(|e| {
            located(
                path,
                &text,
                pattern.span(),
                format!("invalid glob `{}`: {e}", pattern.get_ref()),
            )
        })?;
        let rules = rules
            .iter()
            .map(|r| check_selector(path, &text, r))
            .collect::<Result<_, _>>()?;
        layer.per_file_ignores.push(PerFileIgnore { glob, selectors: rules });
    }
    for (rule, table) in raw.rules.iter().flat_map(|p| &p.0) {
        let name = rule.get_ref();
        if crate::rules::find(name).is_none() {
            let hint = match rule_id(name) {
                Some(id) => format!("; did you mean `{id}`?"),
                None => did_you_mean(name, RULES.iter().map(|r| r.meta.name)),
            };
            return Err(located(
                path,
                &text,
                rule.span(),
                format!("unknown rule `{name}` (options take the rule's name, not an alias){hint}"),
            ));
        }
        for (key, value) in &table.0 {
            let kind = option_kind(name, key.get_ref()).ok_or_else(|| {
                located(
                    path,
                    &text,
                    key.span(),
                    format!(
                        "rule `{name}` has no option `{}`{}",
                        key.get_ref(),
                        did_you_mean(key.get_ref(), option_keys(name))
                    ),
                )
            })?;
            let bad = |expected: &str| {
                located(
                    path,
                    &text,
                    value.span(),
                    format!("`{name}.{}` must be {expected}", key.get_ref()),
                )
            };
            let v = match (kind, value.get_ref()) {
                (OptionKind::Bool, Value::Boolean(b)) => OptionValue::Bool(*b),
                (OptionKind::Bool, _) => return Err(bad("`true` or `false`")),
                (OptionKind::String, Value::String(s)) => OptionValue::String(s.clone()),
                (OptionKind::String, _) => return Err(bad("a string")),
                (OptionKind::OneOf(allowed), Value::String(s)) if allowed.contains(&s.as_str()) => {
                    OptionValue::String(s.clone())
                }
                (OptionKind::OneOf(allowed), _) => {
                    return Err(bad(&format!(
                        "one of {}",
                        allowed
                            .iter()
                            .map(|a| format!("\"{a}\""))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
                (OptionKind::StringList, Value::Array(items)) if items.iter().all(Value::is_str) => {
                    OptionValue::List(items.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                }
                (OptionKind::StringList, _) => return Err(bad("a list of strings")),
            };
            layer.options.push(RuleOption {
                rule: name.clone(),
                key: key.get_ref().clone(),
                value: v,
            });
        }
    }
    if let Some(c) = &raw.context {
        // relative to the configuration file's folder, as `extend` and the globs are
        let dir = base.join(c.get_ref());
        if !dir.is_dir() {
            return Err(located(
                path,
                &text,
                c.span(),
                format!("`context` names `{}`, which is not a directory", c.get_ref()),
            ));
        }
        layer.context = Some(std::sync::Arc::new(crate::dockerignore::BuildContext::new(dir)));
    }
    for (pattern, table) in raw.images.iter().flat_map(|p| &p.0) {
        layer.images.push(image_table(path, &text, pattern, table)?);
    }
    let extends = raw.extend.as_ref().map(|e| base.join(e.get_ref()));
    if let (Some(e), Some(target)) = (&raw.extend, &extends)
        && !target.is_file()
    {
        return Err(located(
            path,
            &text,
            e.span(),
            format!("`extend` names `{}`, which is not a file", e.get_ref()),
        ));
    }
    Ok((layer, extends))
}

/// A configuration file and the files it extends, base first.
pub fn load_chain(path: &Path) -> Result<Vec<Layer>, ConfigError> {
    let mut chain = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut next = Some(path.to_path_buf());
    while let Some(p) = next {
        let canonical = p.canonicalize().unwrap_or_else(|_| p.clone());
        if seen.contains(&canonical) {
            return Err(unlocated(&p, "`extend` chain loops back to this file"));
        }
        seen.push(canonical);
        let (layer, extends) = parse_file(&p)?;
        chain.push(layer);
        next = extends;
    }
    chain.reverse();
    Ok(chain)
}

/// `.hadolint.yaml`: `ignored` rules, `override` severities, `failure-threshold`; trusted
/// registries are kept for the rules that use them, and the label schema and strict labels
/// become the metadata rules' options ([`hadolint_labels`]).
pub fn load_hadolint(path: &Path) -> Result<Layer, ConfigError> {
    use yaml_rust2::{Yaml, YamlLoader};
    let text = std::fs::read_to_string(path).map_err(|e| unlocated(path, format!("cannot read: {e}")))?;
    let docs = YamlLoader::load_from_str(&text).map_err(|e| {
        let m = e.marker();
        ConfigError {
            path: path.to_path_buf(),
            line: m.line(),
            column: m.col() + 1,
            message: e.info().to_string(),
            snippet: String::new(),
        }
    })?;
    let mut layer = Layer {
        source: Some(path.to_path_buf()),
        ..Layer::default()
    };
    let Some(doc) = docs.first() else { return Ok(layer) };
    // names dfix knows; hadolint codes it does not implement are skipped
    let known = |code: &str| resolve(code).is_ok();
    if let Some(list) = doc["ignored"].as_vec() {
        layer.ignore = list
            .iter()
            .filter_map(Yaml::as_str)
            .filter(|c| known(c))
            .map(str::to_string)
            .collect();
    }
    if let Some(map) = doc["override"].as_hash() {
        for (level, codes) in map {
            let sev = match level.as_str() {
                Some("error") => Severity::Error,
                Some("warning") => Severity::Warning,
                Some("info" | "style") => Severity::Info,
                _ => continue,
            };
            for c in codes
                .as_vec()
                .into_iter()
                .flatten()
                .filter_map(Yaml::as_str)
                .filter(|c| known(c))
            {
                layer.severity.push(SeverityOverride {
                    selector: c.to_string(),
                    severity: sev,
                });
            }
        }
    }
    layer.fail_level = match doc["failure-threshold"].as_str() {
        Some("error") => Some(Severity::Error),
        Some("warning") => Some(Severity::Warning),
        Some("info" | "style") => Some(Severity::Info),
        _ => None,
    };
    // a string or a list (DL3026 → `untrusted-registry`)
    let regs: Option<Vec<String>> = match &doc["trustedRegistries"] {
        Yaml::String(s) => Some(vec![s.clone()]),
        Yaml::Array(list) => Some(list.iter().filter_map(Yaml::as_str).map(str::to_string).collect()),
        _ => None,
    };
    if let Some(regs) = regs {
        layer.options.push(RuleOption {
            rule: "untrusted-registry".into(),
            key: "registries".into(),
            value: OptionValue::List(regs),
        });
    }
    hadolint_labels(path, doc, &mut layer)?;
    Ok(layer)
}

/// hadolint's label types and the rule that checks a value of each (`text` is any value).
const LABEL_TYPES: [(&str, Option<&str>); 7] = [
    ("text", None),
    ("url", Some("label-value-not-url")),
    ("rfc3339", Some("label-value-not-rfc3339")),
    ("spdx", Some("label-value-not-spdx")),
    ("hash", Some("label-value-not-git-hash")),
    ("semver", Some("label-value-not-semver")),
    ("email", Some("label-value-not-email")),
];

/// `label-schema` (label → type) and `strict-labels` as the metadata rules' options, meaning
/// what they mean to hadolint: every label of the schema is required (`required-label-missing`)
/// and must not be empty (`label-value-empty`), a typed label's value is checked by the rule of
/// its type, and with `strict-labels` no other label is allowed (`label-not-allowed`).
fn hadolint_labels(path: &Path, doc: &yaml_rust2::Yaml, layer: &mut Layer) -> Result<(), ConfigError> {
    use yaml_rust2::Yaml;
    let mut schema: Vec<(String, &str)> = Vec::new();
    if let Some(map) = doc["label-schema"].as_hash() {
        for (label, kind) in map {
            let Some(label) = label.as_str() else { continue };
            let kind = match kind {
                Yaml::String(k) => k.as_str(),
                Yaml::Null => "",
                _ => "?",
            };
            let kind = if kind.is_empty() { "text" } else { kind };
            if !LABEL_TYPES.iter().any(|(t, _)| *t == kind) {
                return Err(unlocated(
                    path,
                    format!(
                        "`label-schema`: label `{label}` has the type `{kind}`; expected one of {}",
                        LABEL_TYPES.map(|(t, _)| format!("`{t}`")).join(", ")
                    ),
                ));
            }
            schema.push((label.to_string(), kind));
        }
    }
    let strict = doc["strict-labels"].as_bool().unwrap_or(false);
    let mut set = |rule: &str, key: &str, labels: Vec<String>| {
        layer.options.push(RuleOption {
            rule: rule.into(),
            key: key.into(),
            value: OptionValue::List(labels),
        })
    };
    let all: Vec<String> = schema.iter().map(|(l, _)| l.clone()).collect();
    if strict {
        set("label-not-allowed", "allowed", all.clone());
    }
    if schema.is_empty() {
        return Ok(());
    }
    set("required-label-missing", "labels", all.clone());
    set("label-value-empty", "labels", all);
    for (kind, rule) in LABEL_TYPES {
        let labels: Vec<String> = schema
            .iter()
            .filter(|(_, k)| *k == kind)
            .map(|(l, _)| l.clone())
            .collect();
        if let Some(rule) = rule
            && !labels.is_empty()
        {
            set(rule, "labels", labels);
        }
    }
    Ok(())
}

/// Which configuration files apply to files in `dir`: the nearest dfix configuration up the
/// tree, else the nearest hadolint one.
pub fn find_config(dir: &Path) -> Option<(PathBuf, bool)> {
    let mut hadolint = None;
    for d in dir.ancestors() {
        if let Some(p) = CONFIG_NAMES.iter().map(|n| d.join(n)).find(|p| p.is_file()) {
            return Some((p, false));
        }
        if hadolint.is_none() {
            hadolint = HADOLINT_NAMES.iter().map(|n| d.join(n)).find(|p| p.is_file());
        }
    }
    hadolint.map(|p| (p, true))
}

/// How the command line chose configuration.
#[derive(Clone, Debug)]
pub enum Source {
    /// The nearest file up the tree from each linted file.
    Discover,
    /// `--config FILE`.
    File(PathBuf),
    /// `--no-config`.
    None,
}

type Resolved = Result<Arc<Settings>, ConfigError>;

/// Settings per configuration file, shared by the files it governs.
pub struct Resolver {
    source: Source,
    cli: Layer,
    cache: Mutex<HashMap<Option<PathBuf>, Resolved>>,
    /// The configuration found for each directory.
    dirs: Mutex<HashMap<PathBuf, Option<(PathBuf, bool)>>>,
    /// hadolint configurations read, to say so once.
    pub hadolint_used: Mutex<Vec<PathBuf>>,
}

impl Resolver {
    pub fn new(source: Source, cli: Layer) -> Resolver {
        Resolver {
            source,
            cli,
            cache: Mutex::new(HashMap::new()),
            dirs: Mutex::new(HashMap::new()),
            hadolint_used: Mutex::new(Vec::new()),
        }
    }

    /// The configuration file that applies to `file`.
    pub fn config_for(&self, file: &Path) -> Option<(PathBuf, bool)> {
        match &self.source {
            Source::None => None,
            Source::File(p) => Some((p.clone(), false)),
            Source::Discover => {
                let abs = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
                let dir = abs.parent().unwrap_or(Path::new("/")).to_path_buf();
                if let Some(hit) = self.dirs.lock().expect("not poisoned").get(&dir) {
                    return hit.clone();
                }
                let found = find_config(&dir);
                self.dirs.lock().expect("not poisoned").insert(dir, found.clone());
                found
            }
        }
    }

    /// The settings for `file` (per-file ignores not yet applied).
    pub fn settings_for(&self, file: &Path) -> Result<Arc<Settings>, ConfigError> {
        let config = self.config_for(file);
        let key = config.as_ref().map(|(p, _)| p.clone());
        if let Some(hit) = self.cache.lock().expect("not poisoned").get(&key) {
            return hit.clone();
        }
        let result = self.build(config.as_ref());
        self.cache.lock().expect("not poisoned").insert(key, result.clone());
        result
    }

    fn build(&self, config: Option<&(PathBuf, bool)>) -> Result<Arc<Settings>, ConfigError> {
        let mut layers = match config {
            None => Vec::new(),
            Some((p, true)) => {
                self.hadolint_used.lock().expect("not poisoned").push(p.clone());
                vec![load_hadolint(p)?]
            }
            Some((p, false)) => load_chain(p)?,
        };
        layers.push(self.cli.clone());
        let path = config.map(|(p, _)| p.clone()).unwrap_or_default();
        Settings::from_layers(&layers)
            .map(Arc::new)
            .map_err(|e| unlocated(&path, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{RuleId, find};

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    fn err(text: &str) -> ConfigError {
        let d = tempfile::tempdir().unwrap();
        let p = write(d.path(), "dfix.toml", text);
        load_chain(&p).expect_err("an error")
    }

    #[test]
    fn every_key() {
        let d = tempfile::tempdir().unwrap();
        let p = write(
            d.path(),
            "dfix.toml",
            r#"
select = ["cache", "directives"]
extend-select = ["syntax-error"]
ignore = ["DL3042"]
preview = true
unsafe-fixes = true
fail-level = "warning"
exclude = ["vendor/"]
extend-exclude = ["*.generated.Dockerfile"]

[per-file-ignores]
"legacy/**" = ["missing-syntax-directive"]

[severity]
cache-mount-not-writable-by-user = "error"

[rules.missing-syntax-directive]
value = "mirror.example/docker/dockerfile:1"
strict = true
"#,
        );
        let layers = load_chain(&p).unwrap();
        let s = Settings::from_layers(&layers).unwrap();
        assert!(!s.is_enabled(find("pip-without-cache-mount").unwrap().id));
        assert!(s.is_enabled(find("missing-syntax-directive").unwrap().id));
        assert!(!s.is_enabled(find("invalid-mount").unwrap().id));
        assert!(s.preview && s.unsafe_fixes);
        assert_eq!(s.fail_level, Severity::Warning);
        assert_eq!(
            s.severity_of(find("cache-mount-not-writable-by-user").unwrap().id),
            Severity::Error
        );
        assert_eq!(
            s.options.string(RuleId::MISSING_SYNTAX_DIRECTIVE, "value"),
            "mirror.example/docker/dockerfile:1"
        );
        assert!(s.options.bool(RuleId::MISSING_SYNTAX_DIRECTIVE, "strict"));
        assert!(s.is_excluded(&d.path().join("vendor/x/Dockerfile")));
        assert!(s.is_excluded(&d.path().join("a/b.generated.Dockerfile")));
        assert!(!s.is_excluded(&d.path().join("a/Dockerfile")));
        let legacy = s.for_path(&d.path().join("legacy/svc/Dockerfile"));
        assert!(!legacy.is_enabled(find("missing-syntax-directive").unwrap().id));
        assert!(
            s.for_path(&d.path().join("new/Dockerfile"))
                .is_enabled(find("missing-syntax-directive").unwrap().id)
        );
    }

    #[test]
    fn extend_chain_base_first() {
        let d = tempfile::tempdir().unwrap();
        write(
            d.path(),
            "base.toml",
            "select = [\"cache\"]\n[rules.pip-without-cache-mount]\nprefer = \"clean\"\n",
        );
        write(
            d.path(),
            "mid/dfix.toml",
            "extend = \"../base.toml\"\nignore = [\"invalid-mount\"]\n",
        );
        let p = write(
            d.path(),
            "mid/leaf/dfix.toml",
            "extend = \"../dfix.toml\"\nextend-select = [\"directives\"]\n",
        );
        let s = Settings::from_layers(&load_chain(&p).unwrap()).unwrap();
        assert!(s.is_enabled(find("pip-without-cache-mount").unwrap().id));
        assert!(s.is_enabled(find("missing-syntax-directive").unwrap().id));
        assert_eq!(s.options.string(RuleId::PIP_WITHOUT_CACHE_MOUNT, "prefer"), "clean");
        assert_eq!(s.sources.len(), 3);
        // a loop is an error
        write(d.path(), "loop/a.toml", "extend = \"b.toml\"\n");
        let b = write(d.path(), "loop/b.toml", "extend = \"a.toml\"\n");
        assert!(load_chain(&b).unwrap_err().message.contains("loops"));
    }

    #[test]
    fn errors_are_located() {
        let e = err("select = [\"cache\"]\nselekt = [\"x\"]\n");
        assert_eq!((e.line, e.column), (2, 1));
        assert!(e.message.starts_with("unknown field `selekt`"), "{}", e.message);
        assert!(e.message.ends_with("; did you mean `select`?"), "{}", e.message);
        assert_eq!(e.snippet, "  |\n2 | selekt = [\"x\"]\n  | ^^^^^^");
        let e = err("selct = [\"cache\"]\n");
        assert!(
            e.message.ends_with(", `rules`, `images`; did you mean `select`?"),
            "{}",
            e.message
        );
        let e = err("zzzzzzz = 1\n");
        assert!(!e.message.contains("did you mean"), "{}", e.message);
        let e = err("select = [\"cache\", \"nope\"]\n");
        assert_eq!(
            (e.line, e.column, e.message.as_str()),
            (1, 20, "unknown rule or group `nope`")
        );
        let e = err("ignore = [\"cahce\"]\n");
        assert_eq!(e.message, "unknown rule or group `cahce`; did you mean `cache`?");
        let e = err("[severity]\npip-without-cahce-mount = \"error\"\n");
        assert_eq!(
            e.message,
            "unknown rule or group `pip-without-cahce-mount`; did you mean `pip-without-cache-mount`?"
        );
        let e = err("fail-level = \"fatal\"\n");
        assert_eq!(
            e.message,
            "invalid fail-level `fatal`; expected `info`, `warning` or `error`"
        );
        let e = err("[severity]\ninvalid-mount = \"loud\"\n");
        assert_eq!(
            (e.line, e.message.as_str()),
            (2, "invalid severity `loud`; expected `info`, `warning` or `error`")
        );
        let e = err("[rules.pip-without-cache-mount]\nprefer = \"both\"\n");
        assert_eq!(
            e.message,
            "`pip-without-cache-mount.prefer` must be one of \"mount\", \"clean\""
        );
        let e = err("[rules.missing-syntax-directive]\nstrict = \"yes\"\n");
        assert_eq!(e.message, "`missing-syntax-directive.strict` must be `true` or `false`");
        let e = err("[rules.missing-syntax-directive]\nvalu = \"x\"\n");
        assert_eq!(
            e.message,
            "rule `missing-syntax-directive` has no option `valu`; did you mean `value`?"
        );
        let e = err("[rules.pip-without-cache-mount]\nprefre = \"clean\"\n");
        assert_eq!(
            e.message,
            "rule `pip-without-cache-mount` has no option `prefre`; did you mean `prefer`?"
        );
        let e = err("[rules.DL3042]\nprefer = \"clean\"\n");
        assert_eq!(
            e.message,
            "unknown rule `DL3042` (options take the rule's name, not an alias); did you mean `pip-without-cache-mount`?"
        );
        let e = err("[rules.pip-without-cahce-mount]\nprefer = \"clean\"\n");
        assert!(
            e.message.ends_with("; did you mean `pip-without-cache-mount`?"),
            "{}",
            e.message
        );
        let e = err("[rules.label-value-not-url]\nlabels = \"org.opencontainers.image.source\"\n");
        assert_eq!(e.message, "`label-value-not-url.labels` must be a list of strings");
        let e = err("extend = \"nope.toml\"\n");
        assert_eq!(e.message, "`extend` names `nope.toml`, which is not a file");
        let e = err("exclude = [\"a[\"]\n");
        assert!(e.message.starts_with("invalid glob `a[`"), "{}", e.message);
        let e = err("preview = 1\n");
        assert_eq!(e.line, 1);
        let e = err("select = \n");
        assert_eq!(e.line, 1);
    }

    #[test]
    fn images() {
        use crate::semantic::image::{BaseUser, Distro, facts};
        use crate::syntax::image::ImageRef;
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "base.toml", "[images.\"corp/*\"]\ndistro = \"alpine\"\n");
        let p = write(
            d.path(),
            "dfix.toml",
            r#"
extend = "base.toml"
[images."corp/python-base*"]
user = "app"
uid = 10001
gid = 10001
home = "/home/app"
distro = "debian"
docker-clean = false
shell = ["/bin/bash", "-o", "pipefail", "-c"]
env = { PIP_NO_CACHE_DIR = "1", UV_LINK_MODE = "copy" }
"#,
        );
        let s = Settings::from_layers(&load_chain(&p).unwrap()).unwrap();
        assert_eq!(s.images.len(), 2);
        let f = facts(&ImageRef::parse("docker.io/corp/python-base:3.12@sha256:ab"), &s.images).unwrap();
        assert!(matches!(&f.user, BaseUser::User(u) if u.uid == Some(10001) && u.home.as_deref() == Some("/home/app")));
        assert_eq!((f.distro, f.docker_clean), (Distro::Debian, Some(false)));
        assert_eq!(f.env.len(), 2);
        assert_eq!(
            facts(&ImageRef::parse("corp/other"), &s.images).unwrap().distro,
            Distro::Alpine
        );

        let e = err("[images.\"corp/x\"]\nusr = \"app\"\n");
        assert_eq!((e.line, e.column), (2, 1));
        assert_eq!(e.message, "`images.\"corp/x\"` has no key `usr`; did you mean `user`?");
        let e = err("[images.\"corp/x\"]\nuid = -1\n");
        assert_eq!(
            e.message,
            "`images.\"corp/x\".uid` must be a number from 0 to 4294967295"
        );
        let e = err("[images.\"corp/x\"]\ndistro = \"arch\"\n");
        assert!(
            e.message
                .starts_with("`images.\"corp/x\".distro` must be one of \"debian\""),
            "{}",
            e.message
        );
        let e = err("[images.\"corp/x\"]\nhome = \"app\"\n");
        assert_eq!(e.message, "`images.\"corp/x\".home` must be an absolute path");
        let e = err("[images.\"corp/x\"]\nenv = { A = 1 }\n");
        assert_eq!((e.line, e.column), (2, 7));
        let e = err("[images.\"corp/x\"]\nshell = []\n");
        assert!(e.message.contains("non-empty list"), "{}", e.message);
        let e = err("[images.\"corp x\"]\nuser = \"a\"\n");
        assert!(e.message.starts_with("invalid image pattern"), "{}", e.message);
    }

    #[test]
    fn discovery_prefers_the_nearest_and_dfix_over_hadolint() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "dfix.toml", "");
        write(d.path(), "a/.hadolint.yaml", "ignored: [DL3042]\n");
        write(d.path(), "a/b/.dfix.toml", "");
        assert_eq!(
            find_config(&d.path().join("a/b/c")),
            Some((d.path().join("a/b/.dfix.toml"), false))
        );
        assert_eq!(
            find_config(&d.path().join("a")),
            Some((d.path().join("dfix.toml"), false))
        );
        let e = tempfile::tempdir().unwrap();
        write(e.path(), "x/.hadolint.yml", "ignored: [DL3042]\n");
        assert_eq!(
            find_config(&e.path().join("x/y")),
            Some((e.path().join("x/.hadolint.yml"), true))
        );
    }

    #[test]
    fn hadolint_trusted_registries_as_a_string() {
        let d = tempfile::tempdir().unwrap();
        let p = write(d.path(), ".hadolint.yaml", "trustedRegistries: \"*.gcr.io\"\n");
        let s = Settings::from_layers(&[load_hadolint(&p).unwrap()]).unwrap();
        assert_eq!(
            s.options.get("untrusted-registry", "registries"),
            Some(&OptionValue::List(vec!["*.gcr.io".into()]))
        );
    }

    #[test]
    fn hadolint_config() {
        let d = tempfile::tempdir().unwrap();
        let p = write(
            d.path(),
            ".hadolint.yaml",
            "ignored:\n  - DL3042\n  - DL9999\noverride:\n  error:\n    - DL1000\n  style:\n    - DL3042\nfailure-threshold: warning\ntrustedRegistries:\n  - docker.io\nlabel-schema:\n  author: text\n",
        );
        let layer = load_hadolint(&p).unwrap();
        assert_eq!(layer.ignore, ["DL3042"]);
        assert_eq!(layer.fail_level, Some(Severity::Warning));
        let s = Settings::from_layers(&[layer]).unwrap();
        assert!(!s.is_enabled(find("pip-without-cache-mount").unwrap().id));
        assert_eq!(
            s.options.get("untrusted-registry", "registries"),
            Some(&OptionValue::List(vec!["docker.io".into()]))
        );
        let bad = write(d.path(), "bad/.hadolint.yaml", "ignored: [DL3042\n");
        assert!(load_hadolint(&bad).is_err());
    }

    #[test]
    fn hadolint_label_schema() {
        let d = tempfile::tempdir().unwrap();
        let p = write(
            d.path(),
            ".hadolint.yaml",
            "label-schema:\n  author: text\n  url: url\n  created: rfc3339\n  license: spdx\n  rev: hash\n  version: semver\n  mail: email\n  other: \"\"\n  home: url\nstrict-labels: true\n",
        );
        let s = Settings::from_layers(&[load_hadolint(&p).unwrap()]).unwrap();
        let list = |rule: RuleId, key: &str| s.options.list(rule, key).map(<[String]>::to_vec);
        let all: Vec<String> = [
            "author", "url", "created", "license", "rev", "version", "mail", "other", "home",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(list(RuleId::REQUIRED_LABEL_MISSING, "labels"), Some(all.clone()));
        assert_eq!(list(RuleId::LABEL_VALUE_EMPTY, "labels"), Some(all.clone()));
        assert_eq!(list(RuleId::LABEL_NOT_ALLOWED, "allowed"), Some(all));
        assert_eq!(
            list(RuleId::LABEL_VALUE_NOT_URL, "labels"),
            Some(vec!["url".into(), "home".into()])
        );
        for (rule, label) in [
            (RuleId::LABEL_VALUE_NOT_RFC3339, "created"),
            (RuleId::LABEL_VALUE_NOT_SPDX, "license"),
            (RuleId::LABEL_VALUE_NOT_GIT_HASH, "rev"),
            (RuleId::LABEL_VALUE_NOT_SEMVER, "version"),
            (RuleId::LABEL_VALUE_NOT_EMAIL, "mail"),
        ] {
            assert_eq!(list(rule, "labels"), Some(vec![label.to_string()]), "{rule}");
        }
        // without strict labels, any label is allowed; without a schema, nothing is checked
        let p = write(d.path(), "a/.hadolint.yaml", "label-schema:\n  author: text\n");
        let s = Settings::from_layers(&[load_hadolint(&p).unwrap()]).unwrap();
        assert_eq!(s.options.list(RuleId::LABEL_NOT_ALLOWED, "allowed"), None);
        assert_eq!(s.options.list(RuleId::LABEL_VALUE_NOT_URL, "labels"), None);
        let p = write(d.path(), "b/.hadolint.yaml", "strict-labels: true\n");
        let s = Settings::from_layers(&[load_hadolint(&p).unwrap()]).unwrap();
        assert_eq!(s.options.list(RuleId::LABEL_NOT_ALLOWED, "allowed"), Some(&[][..]));
        assert_eq!(s.options.list(RuleId::REQUIRED_LABEL_MISSING, "labels"), None);
        let p = write(d.path(), "c/.hadolint.yaml", "label-schema:\n  author: name\n");
        let e = load_hadolint(&p).unwrap_err();
        assert!(
            e.message
                .starts_with("`label-schema`: label `author` has the type `name`; expected one of `text`, `url`"),
            "{}",
            e.message
        );
    }
}

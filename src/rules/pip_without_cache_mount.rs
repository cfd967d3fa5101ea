use super::common::{self, basename, env_of};
use super::{Context, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::settings::Prefer;
use crate::syntax::model::Kind;
use crate::syntax::scope::{Scope, scope_at};
use crate::syntax::shell::Command;
use std::borrow::Cow;

pub static META: RuleMeta = RuleMeta {
    name: "pip-without-cache-mount",
    family: "cache",
    severity: Severity::Warning,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &["DL3042"],
    related: &[],
    summary: "`pip install` without a BuildKit cache mount on pip's cache directory",
    doc: include_str!("../../rules/pip-without-cache-mount.md"),
};

/// A pip command that downloads or builds packages.
pub struct PipCall<'a> {
    pub cmd: &'a Command,
    /// The subcommand word (`install`, `download`, `wheel`).
    pub subcommand: usize,
    pub no_cache_dir: bool,
    pub cache_dir: Option<String>,
}

fn is_pip(name: &str) -> bool {
    name == "pip"
        || name
            .strip_prefix("pip")
            .is_some_and(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

fn is_python(name: &str) -> bool {
    name == "python"
        || name
            .strip_prefix("python")
            .is_some_and(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// pip's global options that take a value (`pip --log FILE install`).
const VALUE_OPTIONS: &[&str] = &[
    "--log",
    "--proxy",
    "--retries",
    "--timeout",
    "--exists-action",
    "--trusted-host",
    "--cert",
    "--client-cert",
    "--cache-dir",
    "--python",
    "--keyring-provider",
    "--use-feature",
    "--use-deprecated",
    "--progress-bar",
];

pub fn pip_call(cmd: &Command) -> Option<PipCall<'_>> {
    let words = cmd.effective().words;
    let offset = cmd.words.len() - words.len();
    let name = basename(words.first()?.value.as_deref()?);
    let mut i = if is_pip(name) {
        1
    } else if is_python(name) {
        // python [flags] -m pip …
        let m = words.iter().position(|w| w.value.as_deref() == Some("-m"))?;
        if words.get(m + 1)?.value.as_deref() != Some("pip") {
            return None;
        }
        m + 2
    } else {
        return None;
    };
    let mut cache_dir = None;
    let mut no_cache_dir = false;
    let mut sub = None;
    while i < words.len() {
        let Some(v) = words[i].value.as_deref() else {
            i += 1;
            continue;
        };
        if sub.is_none() && !v.starts_with('-') {
            if !matches!(v, "install" | "download" | "wheel") {
                return None;
            }
            sub = Some(offset + i);
        } else if v == "--no-cache-dir" {
            no_cache_dir = true;
        } else if let Some(d) = v.strip_prefix("--cache-dir=") {
            cache_dir = Some(d.to_string());
        } else if v == "--cache-dir" {
            cache_dir = words.get(i + 1).and_then(|w| w.value.clone());
            i += 1;
        } else if sub.is_none() && VALUE_OPTIONS.contains(&v) {
            i += 1;
        }
        i += 1;
    }
    Some(PipCall {
        cmd,
        subcommand: sub?,
        no_cache_dir,
        cache_dir,
    })
}

/// pip's cache directory for this call: `--cache-dir`, `PIP_CACHE_DIR`, `XDG_CACHE_HOME/pip`,
/// `$HOME/.cache/pip`. `None` when it cannot be known; `Some(None)` when the cache is off.
pub fn pip_cache_dir(call: &PipCall, all: &[Cow<'_, Command>], scope: &Scope) -> Option<Option<String>> {
    if call.no_cache_dir || env_of("PIP_NO_CACHE_DIR", call.cmd, all, scope).is_some() {
        // pip treats every value of PIP_NO_CACHE_DIR, even "0", as "disable"
        return Some(None);
    }
    if let Some(d) = &call.cache_dir {
        return scope.absolute(d).map(Some);
    }
    let var = |name| env_of(name, call.cmd, all, scope);
    if let Some(v) = var("PIP_CACHE_DIR") {
        return v.map(Some);
    }
    if let Some(v) = var("XDG_CACHE_HOME") {
        return v.map(|x| Some(format!("{}/pip", x.trim_end_matches('/'))));
    }
    let home = match var("HOME") {
        Some(h) => h,
        None => scope.home(),
    }?;
    Some(Some(format!("{}/.cache/pip", home.trim_end_matches('/'))))
}

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    for (index, ins) in model.instructions.iter().enumerate() {
        let eff = ins.effective();
        if ins.invalid || eff.invalid || eff.kind != Kind::Run {
            continue;
        }
        let Some(run) = eff.run() else { continue };
        let all = common::commands(eff);
        if all.is_empty() {
            continue;
        }
        let scope = scope_at(model, index);
        let mut reported: Vec<Option<String>> = Vec::new();
        for cmd in &all {
            let Some(call) = pip_call(cmd) else { continue };
            let dir = match pip_cache_dir(&call, &all, &scope) {
                Some(None) => continue,
                Some(Some(d)) => Some(d),
                None => None,
            };
            let covered = match &dir {
                Some(d) => common::is_covered(run, &scope, d),
                // an unknown directory: any cache mount may be the right one
                None => run.mounts.iter().any(|m| {
                    matches!(
                        m.kind,
                        crate::syntax::mounts::MountType::Cache | crate::syntax::mounts::MountType::Tmpfs
                    )
                }),
            };
            if covered || (dir.is_some() && common::has_unresolved_mount(run, &scope)) || reported.contains(&dir) {
                continue;
            }
            reported.push(dir.clone());
            let words = &cmd.words;
            let range = words[0].range.cover(words[call.subcommand].range);
            let fix = if ins.kind == Kind::Onbuild {
                None // the child build's frontend and user decide
            } else {
                match ctx.settings.options.pip_prefer {
                    // another mount on the directory would shadow a new one (or be shadowed)
                    Prefer::Mount if dir.as_deref().is_some_and(|d| common::is_mounted(run, &scope, d)) => None,
                    Prefer::Mount => dir.as_ref().and_then(|d| {
                        let owner = common::owner_options(&scope)?;
                        let spec = format!("type=cache,target={d}{owner}");
                        Some(Fix::safe(
                            format!("Mount a BuildKit cache at `{d}`"),
                            vec![common::insert_mount(run, &spec)],
                        ))
                    }),
                    Prefer::Clean => {
                        let sub = &words[call.subcommand];
                        let text = if matches!(run.form, crate::syntax::model::RunForm::Exec(_)) {
                            ", \"--no-cache-dir\""
                        } else {
                            " --no-cache-dir"
                        };
                        Some(Fix::safe(
                            "Add `--no-cache-dir`",
                            vec![Edit::insert(sub.range.end, text)],
                        ))
                    }
                }
            };
            let where_ = dir.as_deref().map_or(String::new(), |d| format!(" on `{d}`"));
            ctx.report_with_fix(
                range,
                format!(
                    "`pip {}` runs without a cache mount{where_}: every build downloads the packages again",
                    words[call.subcommand].value.as_deref().unwrap_or("install")
                ),
                fix,
            );
        }
    }
}

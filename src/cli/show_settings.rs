//! `--show-settings PATH`: which configuration applies to a file and what it resolves to.

use super::discover::io_message;
use super::{ERROR, OK, absolute, error};
use crate::config::Resolver;
use crate::fix::diff;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// `--show-settings PATH`: which configuration applies and what it resolves to.
pub(super) fn show_settings(resolver: &Resolver, path: &Path) -> u8 {
    if path.as_os_str() != "-"
        && let Err(e) = std::fs::metadata(path)
    {
        error(format!("{}: {}", path.display(), io_message(&e)));
        return ERROR;
    }
    // for a directory, the settings of a file in it
    let probe = if path.is_dir() {
        path.join("Dockerfile")
    } else {
        path.to_path_buf()
    };
    let settings = match resolver.settings_for(&probe) {
        Ok(s) => s.for_path(&absolute(&probe)),
        Err(mut e) => {
            e.path = PathBuf::from(diff::display_path(
                &e.path,
                &std::env::current_dir().unwrap_or_default(),
            ));
            error(e);
            return ERROR;
        }
    };
    let mut out = io::stdout().lock();
    let mut text = String::new();
    text.push_str(&format!("path: {}\n", path.display()));
    match resolver.config_for(&probe) {
        Some((p, hadolint)) => text.push_str(&format!(
            "config: {}{}\n",
            p.display(),
            if hadolint { " (hadolint)" } else { "" }
        )),
        None => text.push_str("config: none\n"),
    }
    for s in &settings.sources {
        text.push_str(&format!("  layer: {}\n", s.display()));
    }
    text.push_str(&format!(
        "preview: {}\nunsafe-fixes: {}\nfail-level: {}\n",
        settings.preview,
        settings.unsafe_fixes,
        settings.fail_level.as_str()
    ));
    if let Some(c) = &settings.context {
        text.push_str(&format!("context: {}\n", c.dir.display()));
    }
    text.push_str(&format!(
        "excluded: {}\nrules:\n",
        settings.is_excluded(&absolute(&probe))
    ));
    for id in settings.enabled_rules() {
        text.push_str(&format!("  {id} ({})\n", settings.severity_of(id).as_str()));
    }
    let options: Vec<_> = settings.options.iter().collect();
    if !options.is_empty() {
        text.push_str("options:\n");
        for o in options {
            text.push_str(&format!("  {}.{} = {}\n", o.rule, o.key, o.value));
        }
    }
    if out.write_all(text.as_bytes()).is_err() {
        ERROR
    } else {
        OK
    }
}

//! Which files to lint: the paths named, and the Dockerfiles found under directories.

use super::summary::Failure;
use std::io::{self};
use std::path::{Path, PathBuf};

/// Dockerfile names dfix finds when it walks a directory: `Dockerfile`, `Dockerfile.*`,
/// `Dockerfile-*` and `Dockerfile_*` without a dot after the dash, `*.Dockerfile`, the same with
/// `Containerfile`, in any ASCII case; not templates, backups, documents or `*.dockerignore`.
pub fn is_dockerfile_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    const SKIP: [&str; 14] = [
        ".j2",
        ".jinja",
        ".jinja2",
        ".tmpl",
        ".tpl",
        ".template",
        ".erb",
        ".in",
        ".bak",
        ".orig",
        ".swp",
        ".rej",
        ".md",
        ".txt",
    ];
    if n.ends_with(".dockerignore") || n.ends_with('~') || SKIP.iter().any(|s| n.ends_with(s)) {
        return false;
    }
    if n.ends_with(".dockerfile") || n.ends_with(".containerfile") {
        return true;
    }
    let Some(rest) = n.strip_prefix("dockerfile").or_else(|| n.strip_prefix("containerfile")) else {
        return false;
    };
    // `Dockerfile.prod`; `Dockerfile-prod` and `Dockerfile_prod` without an extension (a dot
    // after the dash makes `Dockerfile-lint.sh` or `dockerfile_parser.py`: code, not a Dockerfile)
    rest.is_empty() || rest.starts_with('.') || (rest.starts_with(['-', '_']) && rest.len() > 1 && !rest.contains('.'))
}

/// A file to lint: where it is, and whether the user named it.
pub(super) struct Input {
    pub(super) path: PathBuf,
    pub(super) explicit: bool,
}

/// What discovery found.
#[derive(Default)]
pub(super) struct Discovery {
    pub(super) inputs: Vec<Input>,
    pub(super) errors: Vec<(Failure, String)>,
    /// Directories named on the command line with no Dockerfile to lint.
    pub(super) empty: Vec<PathBuf>,
}

/// The files to lint. `keep` decides on each file found by walking (exclude patterns);
/// files named explicitly are always kept (the caller applies `--force-exclude`).
pub(super) fn discover(paths: &[PathBuf], keep: &(dyn Fn(&Path) -> bool + Sync)) -> Discovery {
    let mut found = Discovery::default();
    let (out, errors) = (&mut found.inputs, &mut found.errors);
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Input {
                path: p.clone(),
                explicit: true,
            });
            continue;
        }
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => {
                let (before, errors_before) = (out.len(), errors.len());
                let walker = ignore::WalkBuilder::new(p)
                    .hidden(false)
                    .require_git(false)
                    .filter_entry(|e| e.file_name() != ".git")
                    .build();
                for entry in walker {
                    match entry {
                        Ok(e)
                            if e.file_type()
                                .is_some_and(|t| t.is_file() || t.is_symlink() && e.path().is_file()) =>
                        {
                            if e.file_name().to_str().is_some_and(is_dockerfile_name) && keep(e.path()) {
                                out.push(Input {
                                    path: e.into_path(),
                                    explicit: false,
                                });
                            }
                        }
                        Ok(_) => {}
                        Err(e) => errors.push((Failure::Inaccessible, walk_error(&e))),
                    }
                }
                // an unreadable directory is an error, not an empty one
                if out.len() == before && errors.len() == errors_before {
                    found.empty.push(p.clone());
                }
            }
            Ok(_) => out.push(Input {
                path: p.clone(),
                explicit: true,
            }),
            Err(e) => {
                let kind = if e.kind() == io::ErrorKind::NotFound {
                    Failure::Missing
                } else {
                    Failure::Inaccessible
                };
                errors.push((kind, format!("{}: {}", p.display(), io_message(&e))));
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out.dedup_by(|a, b| a.path == b.path);
    found
}

/// `dir/sub: permission denied` for an entry the walk could not read.
fn walk_error(e: &ignore::Error) -> String {
    match e {
        ignore::Error::WithPath { path, err } => match err.io_error() {
            Some(io) => format!("{}: {}", path.display(), io_message(io)),
            None => format!("{}: {err}", path.display()),
        },
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => walk_error(err),
        e => e.to_string(),
    }
}

pub(super) fn io_message(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::is_dockerfile_name;

    #[test]
    fn names() {
        for n in [
            "Dockerfile",
            "dockerfile",
            "Containerfile",
            "Dockerfile.dev",
            "api.Dockerfile",
            "web.dockerfile",
            "x.containerfile",
            "Dockerfile-prod",
            "Dockerfile_dev",
            "dockerfile-arm64-v8",
            "Containerfile-ci",
        ] {
            assert!(is_dockerfile_name(n), "{n}");
        }
        for n in [
            "Dockerfile.dockerignore",
            "Dockerfile.j2",
            "Dockerfile.bak",
            "Dockerfile~",
            "README.md",
            "Dockerfile.in",
            "dockerfiles",
            "Dockerfile.md",
            "Dockerfile-lint.sh",
            "dockerfile_parser.py",
            "Dockerfile-",
            "Dockerfile_",
            "Dockerfile-prod~",
            "Dockerfiles",
            "Dockerfile2",
        ] {
            assert!(!is_dockerfile_name(n), "{n}");
        }
    }
}

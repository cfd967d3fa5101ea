use super::pins::{NO_FIX, unpinned};
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::semantic::tools::{Call, Tool, call_name};
use crate::syntax::shell::Word;

pub static META: RuleMeta = RuleMeta {
    name: "pip-package-not-pinned",
    family: Family::Packages,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3013"],
    related: &[],
    summary: "`pip install` of a package without a version",
    options: &[],
    fix_priority: 630,
    after_suppressions: false,
    doc: include_str!("../../../rules/pip-package-not-pinned.md"),
};

/// The version-control schemes pip installs from (`vcs+protocol://`, and `git://`).
const VCS: &[&str] = &["git+", "hg+", "svn+", "bzr+", "git://", "svn://"];

/// Archive and wheel names pip installs as files.
const ARCHIVES: &[&str] = &[".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar", ".zip"];

/// A requirement as pip reads it (PEP 508, pip's URL and path forms) names what it installs
/// with a version: a version specifier (`==`, `===`, `~=`, `!=`, `<`, `<=`, `>`, `>=`, an
/// environment marker after `;` not counting), a VCS URL with a revision (`git+https://…@v1`),
/// another URL (a file), a local path or archive (`.`, `./src`, `dist/x.whl`), or a direct
/// reference `name @ url` judged by its URL.
fn pinned(req: &str) -> bool {
    let req = req.trim();
    if is_vcs(req) {
        return vcs_pinned(req);
    }
    // `name @ url`: the URL decides
    if let Some((_, url)) = req.split_once('@')
        && url.contains("://")
    {
        let url = url.trim();
        return if is_vcs(url) { vcs_pinned(url) } else { true };
    }
    if req.contains("://") {
        return true;
    }
    let spec = req.split(';').next().unwrap_or(req).trim();
    // extras are no version, and a wheel with extras (`x.whl[all]`) is still a file
    let spec = match (spec.find('['), spec.find(']')) {
        (Some(i), Some(j)) if i < j => format!("{}{}", &spec[..i], &spec[j + 1..]),
        _ => spec.to_string(),
    };
    spec.contains("==")
        || spec.contains("~=")
        || spec.contains("!=")
        || spec.contains(['<', '>'])
        || is_path(&spec)
}

fn is_vcs(req: &str) -> bool {
    VCS.iter().any(|s| req.starts_with(s))
}

/// A local directory or file: pip reads a word with a path separator, or starting with `.`, as
/// a path, and an archive or wheel name as a file.
fn is_path(req: &str) -> bool {
    req.contains(['/', '\\']) || req.starts_with('.') || ARCHIVES.iter().any(|a| req.ends_with(a))
}

/// `git+https://host/repo.git@rev#egg=x`: a revision after the path (an `@` in the host part
/// is a user name).
fn vcs_pinned(url: &str) -> bool {
    let url = url.split('#').next().unwrap_or(url);
    let after_scheme = url.split_once("://").map_or(url, |(_, r)| r);
    let path = after_scheme.split_once('/').map_or("", |(_, p)| p);
    path.contains('@')
}

/// pip reads the requirements from a constraints file only as limits: the file may pin every
/// package named here, which dfix cannot see.
fn constrained(call: &Call, run: &crate::semantic::commands::RunRef) -> bool {
    let var = if call.tool == Tool::Uv {
        "UV_CONSTRAINT"
    } else {
        "PIP_CONSTRAINT"
    };
    call.args().is_some_and(|a| a.has("-c"))
        || crate::semantic::commands::env_of(var, call.cmd, &run.commands, &run.scope)
            .is_some_and(|v| v.is_none_or(|v| !v.trim().is_empty()))
}

pub fn check(ctx: &mut Context) {
    let src = ctx.src;
    for (run, calls) in ctx.runs() {
        for call in calls {
            let uv_pip = call.tool == Tool::Uv && call.args().is_some();
            if !(call.tool == Tool::Pip && call.subcommand() == "install" || uv_pip) {
                continue;
            }
            let Some(args) = call.args() else { continue };
            if args.has("--dry-run") || constrained(call, run) {
                continue;
            }
            // the requirements, and the editables (`-e git+https://…`) given in their own word
            let mut words: Vec<&Word> = call.operands();
            // (an editable that is not a VCS URL is a local project: `-e code`)
            words.extend(
                args.all("-e")
                    .filter_map(|o| o.value_word)
                    .map(|i| &call.words[i])
                    .filter(|w| w.value.as_deref().is_some_and(is_vcs)),
            );
            words.sort_by_key(|w| w.range.start);
            let name = call_name(call);
            for u in unpinned(src, run, call, &words, pinned) {
                let first = u.first.split(';').next().unwrap_or(&u.first).trim();
                let message = if is_vcs(first) || first.contains("://") {
                    let (url, egg) = first
                        .split_once('#')
                        .map_or((first, String::new()), |(u, e)| (u, format!("#{e}")));
                    format!(
                        "{} {} no revision: `{name}` checks out whatever the repository's default branch holds when the image is built; pin a tag or commit with `{url}@<revision>{egg}`",
                        u.shown,
                        u.has()
                    )
                } else if first.contains('=') && !first.contains("==") {
                    format!(
                        "{} {} no version pip reads: pip refuses a single `=` as an invalid requirement; write `{}`",
                        u.shown,
                        u.has(),
                        first.replacen('=', "==", 1)
                    )
                } else {
                    format!(
                        "{} {} no version: `{name}` takes the newest release the index offers when the image is built; pin it with `{first}==<version>` (or list it in a requirements file that pins it)",
                        u.shown,
                        u.has()
                    )
                };
                let d = ctx.report(u.range, message);
                d.no_fix_reason = Some(NO_FIX.to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::pinned;

    #[test]
    fn requirements() {
        for p in [
            "flask==2.0",
            "flask===2.0",
            "flask~=2.0",
            "flask>=2",
            "flask<3",
            "flask!=2.1",
            "flask[async]==2.0",
            ".",
            "..",
            "./src",
            "src/",
            "dist/x-1.0-py3-none-any.whl",
            "x.tar.gz",
            "https://example.com/x.zip",
            "git+https://github.com/a/b.git@v1.0#egg=b",
            "git+https://user@github.com/a/b.git@abc123",
            "b @ git+https://github.com/a/b.git@v1",
            "b @ https://example.com/b-1.0.tar.gz",
            "x-1.0-py3-none-any.whl[all]",
            "flask[async]>=3",
        ] {
            assert!(pinned(p), "{p}");
        }
        for u in [
            "flask",
            "flask[async]",
            "flask=2.0",
            "flask; python_version < \"3.8\"",
            "git+https://github.com/a/b.git#egg=b",
            "git+https://user@github.com/a/b.git",
            "b @ git+https://github.com/a/b.git",
        ] {
            assert!(!pinned(u), "{u}");
        }
    }
}

use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::dockerignore::{Ignore, clean};
use crate::syntax::model::Kind;
use crate::syntax::words::arg_words;
use std::path::Path;

pub static META: RuleMeta = RuleMeta {
    name: "git-dir-in-context",
    family: Family::Layers,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Preview,
    sources: &[],
    related: &["copy-ignored-file"],
    summary: "`COPY .` of a build context whose `.git` folder `.dockerignore` does not exclude",
    options: &[],
    fix_priority: 1022,
    after_suppressions: false,
    doc: include_str!("../../../rules/git-dir-in-context.md"),
};

pub fn check(ctx: &mut Context) {
    // only with a build context, and only when it has a `.git` folder (a `.git` file, as in a
    // worktree or a submodule, holds a path that commits do not change)
    let Some(context) = &ctx.settings.context else { return };
    if !std::fs::symlink_metadata(context.dir.join(".git")).is_ok_and(|m| m.is_dir()) {
        return;
    }
    let dockerfile = ctx.settings.dockerfile.as_deref();
    let file = context.ignore_for(dockerfile);
    // an ignore file BuildKit rejects fails the build; with `!` exceptions what is sent is not
    // decided by one pattern (as `copy-ignored-file`)
    let ignore = match &file {
        Some(f) => match &f.ignore {
            Ok(i) if !i.has_exceptions() => i.clone(),
            _ => return,
        },
        None => Ignore::default(),
    };
    if ignore.excluded_by(".git").is_some() {
        return;
    }
    // the Dockerfile as a path of the context, when it is one the ignore file lets through
    let own = dockerfile
        .and_then(|d| relative_to(&context.dir, d))
        .filter(|p| ignore.excluded_by(p).is_none());
    let ignore_name = file.as_ref().map_or(".dockerignore".to_string(), |f| f.name.clone());
    let escape = ctx.model.escape;
    let mut found = Vec::new();
    for ins in &ctx.model.instructions {
        let from_context = match ins.kind {
            Kind::Copy => ins.flag("from").is_none(),
            Kind::Add => true,
            _ => false,
        };
        if !from_context || ins.invalid || !ins.heredocs.is_empty() {
            continue;
        }
        // `--exclude` (syntax 1.19) reads patterns as the ignore file does
        let excluded = ins
            .flags
            .iter()
            .filter(|f| f.name == "exclude")
            .any(|f| f.value.as_deref().is_none_or(|v| Ignore::parse(v).map_or(true, |i| i.excluded_by(".git").is_some())));
        if excluded {
            continue;
        }
        let words = arg_words(ctx.src, ins, escape);
        let Some((_, sources)) = words.split_last() else { continue };
        let hit = sources.iter().find_map(|w| {
            if ins.vars.iter().any(|v| w.range.contains_range(v.range)) {
                return None;
            }
            let reach = reach(&w.value)?;
            Some((w.range, reach))
        });
        if let Some((range, reach)) = hit {
            let also = own.as_ref().filter(|p| reach.copies(p)).cloned();
            let what = match reach {
                Reach::All => "the whole build context, `.git` folder included".to_string(),
                Reach::Glob(g) => format!("`{g}`, which matches the build context's `.git` folder"),
            };
            found.push((range, ins.keyword.to_uppercase(), what, also));
        }
    }
    for (range, keyword, copied, also) in found {
        let lines = match &also {
            Some(p) => format!("`.git` and `{p}`"),
            None => "`.git`".to_string(),
        };
        let what = match &also {
            Some(p) => format!(
                "`.git` changes with every commit (and `{p}`, the Dockerfile itself, with every edit)"
            ),
            None => "`.git` changes with every commit".to_string(),
        };
        let excluder = if file.is_some() {
            format!("`{ignore_name}` does not exclude it")
        } else {
            "there is no `.dockerignore`".to_string()
        };
        let add = if file.is_some() {
            format!("add {lines} to `{ignore_name}`")
        } else {
            format!("create `.dockerignore` in the context with the lines {lines}")
        };
        let d = ctx.report(
            range,
            format!(
                "`{keyword}` of {copied} ({excluder}): {what}, so this step and every one \
                 after it re-run each time; {add}"
            ),
        );
        d.no_fix_reason = Some("dfix does not edit the ignore file, and a build may read `.git` on purpose".into());
    }
}

/// What a source copies of the context's root: all of it, or the root entries a glob matches.
enum Reach {
    All,
    Glob(String),
}

impl Reach {
    fn copies(&self, path: &str) -> bool {
        match self {
            Reach::All => true,
            Reach::Glob(g) => !path.contains('/') && glob(g.as_bytes(), path.as_bytes()),
        }
    }
}

/// `.`, `./`, `/` (the whole context), or a glob of one path element that matches `.git`
/// (`*`, `.*`, `/*`). Quoted or escaped words and variables are not read.
fn reach(word: &str) -> Option<Reach> {
    if word.contains(['"', '\'', '\\', '$']) || word.contains("://") || word.starts_with("git@") {
        return None;
    }
    let cleaned = clean(word);
    let relative = cleaned.trim_start_matches('/');
    if relative.is_empty() || relative == "." {
        return Some(Reach::All);
    }
    if relative.contains('/') || !relative.contains(['*', '?']) || relative.contains('[') {
        return None;
    }
    glob(relative.as_bytes(), b".git").then(|| Reach::Glob(relative.to_string()))
}

/// `*` (any run of bytes) and `?` (one byte) against a name with no `/`.
fn glob(pattern: &[u8], name: &[u8]) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some((b'*', rest)) => (0..=name.len()).any(|i| glob(rest, &name[i..])),
        Some((b'?', rest)) => !name.is_empty() && glob(rest, &name[1..]),
        Some((c, rest)) => name.first() == Some(c) && glob(rest, &name[1..]),
    }
}

/// `path` as a slash-separated path inside `dir`, when it is inside.
fn relative_to(dir: &Path, path: &Path) -> Option<String> {
    let dir = std::fs::canonicalize(dir).ok()?;
    let path = std::fs::canonicalize(path).ok()?;
    let rel = path.strip_prefix(&dir).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    let joined = parts?.join("/");
    (!joined.is_empty()).then_some(joined)
}

#[cfg(test)]
mod tests {
    use crate::dockerignore::BuildContext;
    use crate::settings::{Selection, Settings};
    use std::path::Path;
    use std::sync::Arc;

    /// The findings in `dockerfile` (written to `Dockerfile` in a context that has `files`;
    /// a name ending in `/` is a folder).
    fn lint(files: &[(&str, &str)], dockerfile: &str) -> Vec<(String, String)> {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            if name.ends_with('/') {
                std::fs::create_dir_all(&path).unwrap();
            } else {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, text).unwrap();
            }
        }
        std::fs::write(dir.path().join("Dockerfile"), dockerfile).unwrap();
        let mut s = Settings::from_selection(&Selection {
            select: Some(vec!["git-dir-in-context".into()]),
            preview: Some(true),
            ..Selection::default()
        })
        .unwrap();
        s.context = Some(Arc::new(BuildContext::new(dir.path().to_path_buf())));
        let s = s.for_path(&dir.path().join("Dockerfile"));
        crate::lint(dockerfile, &s)
            .iter()
            .filter(|d| d.rule.name() == "git-dir-in-context")
            .map(|d| (d.range.slice(dockerfile).to_string(), d.message.clone()))
            .collect()
    }

    fn sources(files: &[(&str, &str)], dockerfile: &str) -> Vec<String> {
        lint(files, dockerfile).into_iter().map(|(s, _)| s).collect()
    }

    const GIT: (&str, &str) = (".git/HEAD", "ref: refs/heads/main\n");

    #[test]
    fn the_whole_context_with_a_git_folder() {
        let df = "FROM a\nCOPY . /app/\nCOPY ./ /b/\nADD / /c/\nCOPY * /d/\nCOPY src /e/\nCOPY --from=a . /f/\n";
        assert_eq!(sources(&[GIT], df), [".", "./", "/", "*"]);
        let found = lint(&[GIT], "FROM a\nCOPY . /app/\n");
        assert!(found[0].1.contains("create `.dockerignore` in the context with the lines `.git` and `Dockerfile`"), "{}", found[0].1);
        let found = lint(&[GIT, (".dockerignore", "node_modules\n")], "FROM a\nCOPY . /app/\n");
        assert!(found[0].1.contains("add `.git` and `Dockerfile` to `.dockerignore`"), "{}", found[0].1);
        let found = lint(&[GIT, (".dockerignore", "Dockerfile\n")], "FROM a\nCOPY . /app/\n");
        assert!(found[0].1.ends_with("add `.git` to `.dockerignore`"), "{}", found[0].1);
        // `.*` matches `.git` but not `Dockerfile`
        let found = lint(&[GIT], "FROM a\nCOPY .* /app/\n");
        assert!(found[0].1.ends_with("the lines `.git`"), "{}", found[0].1);
    }

    #[test]
    fn silent_where_git_does_not_reach_the_copy() {
        let df = "FROM a\nCOPY . /app/\n";
        // no .git, a .git file (worktree, submodule), .git excluded, exceptions, a bad ignore file
        assert!(sources(&[("src/a", "")], df).is_empty());
        assert!(sources(&[(".git", "gitdir: ../.git/worktrees/x\n")], df).is_empty());
        for ignore in [".git\n", "**/.git\n", ".git*\n", "*\n!src\n", "[\n"] {
            assert!(sources(&[GIT, (".dockerignore", ignore)], df).is_empty(), "{ignore}");
        }
        assert!(sources(&[GIT, ("Dockerfile.dockerignore", ".git\n")], df).is_empty());
        // sources that are not the whole context, and `--exclude`
        let df = "FROM a\nCOPY src . /x/\nCOPY $DIR /y/\nCOPY --exclude=.git . /z/\nCOPY a?c /w/\nONBUILD COPY . /v/\n";
        assert_eq!(sources(&[GIT], df), ["."]);
        assert!(sources(&[GIT], "FROM a\nCOPY <<EOF /x\n.\nEOF\n").is_empty());
    }

    #[test]
    fn without_a_context_nothing() {
        let s = Settings::from_selection(&Selection {
            select: Some(vec!["git-dir-in-context".into()]),
            preview: Some(true),
            ..Selection::default()
        })
        .unwrap();
        let s = s.for_path(Path::new("Dockerfile"));
        assert!(crate::lint("FROM a\nCOPY . /app/\n", &s).is_empty());
    }
}

use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::dockerignore::{Ignore, Pattern, clean};
use crate::syntax::model::Kind;
use crate::syntax::words::arg_words;

pub static META: RuleMeta = RuleMeta {
    name: "copy-ignored-file",
    family: Family::Instructions,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["CopyIgnoredFile"],
    related: &[],
    summary: "`COPY`/`ADD` of a build-context path that `.dockerignore` excludes",
    options: &[],
    fix_priority: 490,
    after_suppressions: false,
    doc: include_str!("../../../rules/copy-ignored-file.md"),
};

/// The patterns that exclude every entry at the context's root, so `.` and `/` too (BuildKit
/// reports a root source only for these).
const ROOT_PATTERNS: [&str; 3] = ["*", "**", "**/*"];

pub fn check(ctx: &mut Context) {
    // silent without a build context, without an ignore file, with one BuildKit rejects, and
    // with `!` exceptions (BuildKit skips the check then: a folder may be excluded and a file
    // in it re-included)
    let Some(context) = &ctx.settings.context else { return };
    let Some(file) = context.ignore_for(ctx.settings.dockerfile.as_deref()) else { return };
    let Ok(ignore) = &file.ignore else { return };
    if ignore.has_exceptions() || ignore.patterns.is_empty() {
        return;
    }
    let escape = ctx.model.escape;
    for ins in &ctx.model.instructions {
        // COPY --from reads another stage or image; heredoc sources are not files
        let main_context = match ins.kind {
            Kind::Copy => ins.flag("from").is_none(),
            Kind::Add => true,
            _ => false,
        };
        if !main_context || ins.invalid || !ins.heredocs.is_empty() {
            continue;
        }
        let words = arg_words(ctx.src, ins, escape);
        let Some((_, sources)) = words.split_last() else { continue };
        for word in sources {
            // a variable takes the value the build gives it
            if ins.vars.iter().any(|v| word.range.contains_range(v.range)) {
                continue;
            }
            let Some(path) = source_path(&word.value) else { continue };
            let Some((pattern, parent)) = excluded(ignore, &path) else { continue };
            let what = if has_wildcard(&path) {
                format!("what `{path}` names")
            } else {
                format!("`{path}`")
            };
            let with = parent.map(|f| format!(" with its folder `{f}`")).unwrap_or_default();
            let d = ctx.report(
                word.range,
                format!(
                    "`{}` excludes {what} from the build context{with} (line {}: `{}`), so this \
                     `{}` cannot read it",
                    file.name,
                    pattern.line,
                    pattern.written,
                    ins.keyword.to_uppercase(),
                ),
            );
            d.no_fix_reason =
                Some("whether the file belongs in the image or in the ignore file is the author's choice".into());
        }
    }
}

/// A source as a cleaned path relative to the context root, or `None` for what is not a
/// plain path of the context: URLs and git sources, quoting and escapes dfix does not
/// resolve, and paths that climb out with `..`.
fn source_path(word: &str) -> Option<String> {
    let unquoted = ['"', '\'']
        .iter()
        .find_map(|q| word.strip_prefix(*q).and_then(|w| w.strip_suffix(*q)))
        .unwrap_or(word);
    if unquoted.is_empty()
        || unquoted.contains(['"', '\'', '\\', '$'])
        || unquoted.contains("://")
        || unquoted.starts_with("git@")
    {
        return None;
    }
    // `/a` names the context's `a`, as `a` does
    let cleaned = clean(unquoted);
    let relative = cleaned.trim_start_matches('/');
    if relative == ".." || relative.starts_with("../") {
        return None;
    }
    Some(if relative.is_empty() { ".".to_string() } else { relative.to_string() })
}

fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// The pattern that excludes every file `path` can name, and the folder it excludes when
/// that is a parent folder. A wildcard source counts only when a folder above its first
/// wildcard is excluded, or a pattern excludes the whole context, or a pattern is the source
/// itself.
fn excluded<'a>(ignore: &'a Ignore, path: &str) -> Option<(&'a Pattern, Option<String>)> {
    let everything = || ignore.patterns.iter().find(|p| ROOT_PATTERNS.contains(&p.text.as_str()));
    if path == "." {
        return everything().map(|p| (p, None));
    }
    let parts: Vec<&str> = path.split('/').collect();
    let literal = parts.iter().position(|p| has_wildcard(p)).unwrap_or(parts.len());
    if literal == parts.len() {
        let pattern = ignore.excluded_by(path)?;
        let parent = (1..parts.len())
            .map(|i| parts[..i].join("/"))
            .find(|folder| !pattern.matches(path) && pattern.matches(folder));
        return Some((pattern, parent));
    }
    if literal > 0 {
        let folder = parts[..literal].join("/");
        if let Some(pattern) = ignore.excluded_by(&folder) {
            let shown = (1..=literal)
                .map(|i| parts[..i].join("/"))
                .find(|f| pattern.matches(f))
                .unwrap_or(folder);
            return Some((pattern, Some(shown)));
        }
    }
    everything()
        .or_else(|| ignore.patterns.iter().find(|p| p.text == path))
        .map(|p| (p, None))
}

#[cfg(test)]
mod tests {
    use crate::dockerignore::BuildContext;
    use crate::settings::{Selection, Settings};
    use std::sync::Arc;

    /// The sources reported in `dockerfile` under `ignore` (the context's `.dockerignore`).
    fn reported(ignore: &str, dockerfile: &str) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".dockerignore"), ignore).unwrap();
        let mut s = Settings::from_selection(&Selection {
            select: Some(vec!["copy-ignored-file".into()]),
            ..Selection::default()
        })
        .unwrap();
        s.context = Some(Arc::new(BuildContext::new(dir.path().to_path_buf())));
        crate::lint(dockerfile, &s)
            .iter()
            .filter(|d| d.rule.name() == "copy-ignored-file")
            .map(|d| d.range.slice(dockerfile).to_string())
            .collect()
    }

    #[test]
    fn the_context_root_only_under_a_pattern_for_everything() {
        for all in ["*", "**", "**/*"] {
            assert_eq!(reported(all, "FROM a\nCOPY . /app/\nCOPY / /x/\n"), [".", "/"], "{all}");
        }
        assert!(reported(".*\n", "FROM a\nCOPY . /app/\n").is_empty());
        assert!(reported("src\n", "FROM a\nCOPY ./ /app/\n").is_empty());
    }

    #[test]
    fn wildcards_only_where_every_file_they_name_is_excluded() {
        // `?` excludes one-letter names, not every name `*` stands for
        assert!(reported("?\n", "FROM a\nCOPY * /app/\n").is_empty());
        assert!(reported("a*.txt\n", "FROM a\nCOPY *.txt /app/\n").is_empty());
        assert_eq!(reported("*.txt\n", "FROM a\nCOPY *.txt /app/\n"), ["*.txt"]);
        assert_eq!(reported("docs\n", "FROM a\nCOPY docs/*/a?.md /app/\n"), ["docs/*/a?.md"]);
        assert_eq!(reported("*\n", "FROM a\nCOPY src/*.rs /app/\n"), ["src/*.rs"]);
    }

    #[test]
    fn what_is_not_a_plain_path_of_the_context() {
        let ignore = "secrets\n";
        for src in [
            "COPY $DIR/secrets /x/",
            "COPY ../secrets /x/",
            "COPY \"sec\"rets /x/",
            "ADD git@github.com:o/secrets.git /x/",
            "ADD https://example.com/secrets /x/",
            "COPY --from=base secrets /x/",
            "ONBUILD COPY secrets /x/",
        ] {
            assert!(reported(ignore, &format!("FROM a AS base\n{src}\n")).is_empty(), "{src}");
        }
        assert_eq!(reported(ignore, "FROM a\nCOPY \"secrets\" /x/\n"), ["\"secrets\""]);
        assert_eq!(reported(ignore, "FROM a\nCOPY ./a/../secrets/ /x/\n"), ["./a/../secrets/"]);
    }

    #[test]
    fn silent_for_exceptions_and_for_an_ignore_file_buildkit_rejects() {
        assert!(reported("secrets\n!secrets/public\n", "FROM a\nCOPY secrets /x/\n").is_empty());
        assert!(reported("secrets\n[oops\n", "FROM a\nCOPY secrets /x/\n").is_empty());
        assert!(reported("# nothing\n\n", "FROM a\nCOPY secrets /x/\n").is_empty());
    }
}

use super::pins::{NO_FIX, unpinned};
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::semantic::tools::{Tool, call_name};
use crate::syntax::shell::Word;

pub static META: RuleMeta = RuleMeta {
    name: "npm-package-not-pinned",
    family: Family::Packages,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3016"],
    related: &[],
    summary: "`npm install` of a package without a version",
    options: &[],
    fix_priority: 632,
    after_suppressions: false,
    doc: include_str!("../../../rules/npm-package-not-pinned.md"),
};

/// Tarball names npm installs as files.
const TARBALLS: &[&str] = &[".tgz", ".tar.gz", ".tar"];

/// Git hosts and schemes npm installs from.
const GIT: &[&str] = &["git+", "git://", "github:", "gitlab:", "bitbucket:", "gist:"];

/// What kind of package spec (npm-package-arg) a word is, as far as pinning goes.
#[derive(Debug, PartialEq, Eq)]
enum Spec {
    /// A version, a range, a tag other than `latest`, a local folder or tarball, a tarball URL,
    /// a git URL with a committish.
    Pinned,
    /// A registry name without a version.
    Bare,
    /// A registry name with the `latest` tag or any version (`@latest`, `@*`, `@`).
    Latest,
    /// A git URL or GitHub shorthand without a committish.
    GitHead,
}

fn spec(word: &str) -> Spec {
    let w = word.trim();
    if w.starts_with(['.', '/', '~'])
        || w.starts_with("file:")
        || w.starts_with("http://")
        || w.starts_with("https://")
        || TARBALLS.iter().any(|t| w.ends_with(t))
    {
        return Spec::Pinned;
    }
    // `user/repo` (GitHub shorthand): a slash in a name that is not scoped
    if GIT.iter().any(|g| w.starts_with(g)) || (!w.starts_with('@') && w.contains('/')) {
        return match w.split_once('#') {
            Some((_, c)) if !c.is_empty() => Spec::Pinned,
            _ => Spec::GitHead,
        };
    }
    // `[@scope/]name[@spec]`
    let at = if let Some(rest) = w.strip_prefix('@') {
        rest.find('@').map(|i| i + 1)
    } else {
        w.find('@')
    };
    let Some(at) = at else { return Spec::Bare };
    let version = w[at + 1..].trim();
    if let Some(aliased) = version.strip_prefix("npm:") {
        return spec(aliased);
    }
    match version {
        "" | "latest" | "*" | "x" => Spec::Latest,
        _ => Spec::Pinned,
    }
}

/// `npm install` and its aliases that take package names.
fn installs(sub: &str) -> bool {
    matches!(sub, "install" | "i" | "add" | "isntall")
}

pub fn check(ctx: &mut Context) {
    let src = ctx.src;
    for (run, calls) in ctx.runs() {
        for call in calls {
            if call.tool != Tool::Npm || !installs(call.subcommand()) {
                continue;
            }
            let Some(args) = call.args() else { continue };
            // `--before DATE` resolves every package as the registry had it then: reproducible
            if args.has("--dry-run") || args.has("--before") {
                continue;
            }
            // npm reads `--flag true`/`--flag false` as the flag's value
            let words: Vec<&Word> = call
                .operands()
                .into_iter()
                .filter(|w| {
                    let i = call.words.iter().position(|x| x.range == w.range).unwrap_or(0);
                    !(matches!(w.value.as_deref(), Some("true" | "false"))
                        && call.words[i - 1].value.as_deref().is_some_and(|p| p.starts_with("--")))
                })
                .collect();
            let name = call_name(call);
            // `--tag beta`: a bare name means that tag instead of `latest`
            let tag = args.value("--tag").flatten().unwrap_or("latest");
            for u in unpinned(src, run, call, &words, |p| spec(p) == Spec::Pinned) {
                let first = u.first.as_str();
                let message = match spec(first) {
                    Spec::GitHead => format!(
                        "{} {} no commit: `{name}` takes whatever the repository's default branch holds when the image is built; pin a tag or commit with `{first}#<committish>`",
                        u.shown,
                        u.has()
                    ),
                    Spec::Latest => {
                        let bare = &first[..first.rfind('@').unwrap_or(first.len())];
                        format!(
                            "{} {} no version: the `latest` tag moves with every release, so `{name}` takes whatever is newest when the image is built; pin it with `{bare}@<version>`",
                            u.shown,
                            u.has()
                        )
                    }
                    _ => format!(
                        "{} {} no version: `{name}` takes the release the registry tags `{tag}` when the image is built; pin it with `{first}@<version>`",
                        u.shown,
                        u.has()
                    ),
                };
                let d = ctx.report(u.range, message);
                d.no_fix_reason = Some(NO_FIX.to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Spec, spec};

    #[test]
    fn specs() {
        for p in [
            "express@4.21.0",
            "express@^4",
            "express@next",
            "@myorg/pkg@1.2.3",
            "@myorg/pkg@\">=0.1.0 <0.2.0\"",
            "./folder",
            "../folder",
            "/folder",
            "~/folder",
            ".",
            "file:../lib",
            "pkg-1.2.3.tgz",
            "https://example.com/pkg.tgz",
            "git+https://github.com/npm/cli.git#v10.8.0",
            "github:npm/cli#semver:^10",
            "npm/cli#abc123",
            "alias@npm:express@4.21.0",
        ] {
            assert_eq!(spec(p), Spec::Pinned, "{p}");
        }
        assert_eq!(spec("express"), Spec::Bare);
        assert_eq!(spec("@myorg/pkg"), Spec::Bare);
        assert_eq!(spec("npm@latest"), Spec::Latest);
        assert_eq!(spec("@angular/cli@latest"), Spec::Latest);
        assert_eq!(spec("npm@*"), Spec::Latest);
        assert_eq!(spec("alias@npm:express"), Spec::Bare);
        assert_eq!(spec("git+ssh://git@github.com:npm/cli.git"), Spec::GitHead);
        assert_eq!(spec("npm/cli"), Spec::GitHead);
    }
}

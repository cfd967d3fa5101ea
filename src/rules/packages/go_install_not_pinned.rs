use super::pins::{NO_FIX, unpinned};
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::semantic::commands::env_of;
use crate::semantic::tools::{go_fetch_call, go_packages};
use crate::syntax::shell::Word;

pub static META: RuleMeta = RuleMeta {
    name: "go-install-not-pinned",
    family: Family::Packages,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3062"],
    related: &[],
    summary: "`go install`, `go get` or `go run` of a module at `@latest` or without a version",
    options: &[],
    fix_priority: 634,
    after_suppressions: false,
    doc: include_str!("../../../rules/go-install-not-pinned.md"),
};

/// The module queries that resolve to whatever is newest when the command runs.
const MOVING: &[&str] = &["latest", "upgrade", "patch"];

/// The query of `pkg@query`, if any.
fn query(package: &str) -> Option<&str> {
    package.rsplit_once('@').map(|(_, q)| q)
}

/// A package pattern in the main module or on disk (`.`, `./cmd/...`, `/src/app`, `app.go`),
/// or a meta-package (`all`, `std`, `cmd`, `tool`): its version is the main module's.
fn local(package: &str) -> bool {
    package.starts_with(['.', '/'])
        || package.ends_with(".go")
        || matches!(package, "all" | "std" | "cmd" | "tool")
}

/// `go install pkg` and `go run pkg` without a version build the version the main module's
/// `go.mod` requires (outside a module Go refuses them); only a query that moves is unpinned.
fn install_pinned(package: &str) -> bool {
    local(package) || query(package).is_none_or(|q| !MOVING.contains(&q))
}

/// `go get pkg` without a version is `pkg@upgrade`: the newest release.
fn get_pinned(package: &str) -> bool {
    local(package) || query(package).is_some_and(|q| !MOVING.contains(&q))
}

pub fn check(ctx: &mut Context) {
    let src = ctx.src;
    for (run, _) in ctx.runs() {
        for cmd in run.commands.iter() {
            let Some(call) = go_fetch_call(cmd) else { continue };
            let call = &call;
            let sub = call.subcommand();
            let words: Vec<&Word> = go_packages(call).into_iter().map(|i| &call.words[i]).collect();
            let pinned = if sub == "get" { get_pinned } else { install_pinned };
            let gopath_mode = env_of("GO111MODULE", call.cmd, &run.commands, &run.scope).flatten().as_deref() == Some("off");
            for u in unpinned(src, run, call, &words, pinned) {
                let first = u.first.as_str();
                let message = match query(first) {
                    Some(q) => format!(
                        "{} {} no version: `go {sub}` resolves `@{q}` to the newest release when the image is built; pin it with `{}@<version>`",
                        u.shown,
                        u.has(),
                        &first[..first.len() - q.len() - 1]
                    ),
                    None if gopath_mode => format!(
                        "{} {} no version: `go get` in GOPATH mode (`GO111MODULE=off`) fetches the head of the default branch when the image is built; check out a tag or commit instead, or build in module mode with `go install {first}@<version>`",
                        u.shown,
                        u.has()
                    ),
                    // what `go get` does depends on the image's Go and the mode, which the file
                    // does not say: GOPATH mode (Go 1.15 and older outside a module) fetches the
                    // default branch's head, module mode the newest release, and recent releases
                    // refuse `go get` outside a module (it only edits go.mod since Go 1.18)
                    None => format!(
                        "{} {} no version: `go get` fetches the newest release (module mode) or the head of the default branch (GOPATH mode, Go 1.15 and older outside a module) when the image is built, and recent Go releases refuse it outside a module; to install a tool, use `go install {first}@<version>`",
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
    use super::{get_pinned, install_pinned};

    #[test]
    fn queries() {
        for p in ["example.com/cmd@v1.2.3", "./...", ".", "/src/app", "main.go", "tool", "example.com/cmd"] {
            assert!(install_pinned(p), "{p}");
        }
        for p in ["example.com/cmd@latest", "example.com/cmd@upgrade", "example.com/cmd@patch"] {
            assert!(!install_pinned(p), "{p}");
            assert!(!get_pinned(p), "{p}");
        }
        assert!(!get_pinned("example.com/cmd"));
        assert!(get_pinned("example.com/cmd@v1.2.3"));
        assert!(get_pinned("example.com/cmd@none"));
        assert!(get_pinned("./..."));
    }
}

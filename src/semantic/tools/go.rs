//! Go: the build cache and the module cache.

use super::*;
use crate::syntax::shell::argv::Opt;

static GO: Spec = valued(&[Opt::value(&["-C"])]);

/// `go build|install|test|run|vet|generate|get|list` use both caches; `go mod download|tidy`
/// only the module cache.
///
/// With `GO111MODULE=off` (an `ENV`, an `export` or the command's own assignment) Go runs in
/// GOPATH mode and never uses the module cache: `go get` fetches the sources into
/// `$GOPATH/src` and builds them (unless `-d`), with the build cache only, and `go mod` refuses
/// to run. Only the explicit setting counts: what `auto` (or no setting) means depends on the Go
/// version and on a `go.mod`, which dfix does not know.
pub(super) fn go<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    if basename(word(words, 0)?) != "go" {
        return None;
    }
    let sub = first_operand(words, 1, &GO)?;
    let gopath_mode = matches!(env.known("GO111MODULE"), Ok(Some(m)) if m == "off");
    let (build, modules, sub) = match word(words, sub)? {
        "build" | "install" | "test" | "run" | "vet" | "generate" => (true, !gopath_mode, sub),
        "get" if gopath_mode => (
            !words[sub + 1..].iter().any(|w| w.value.as_deref() == Some("-d")),
            false,
            sub,
        ),
        "get" => (false, true, sub),
        "mod" if gopath_mode => return None,
        "mod" if matches!(word(words, sub + 1), Some("download" | "tidy" | "vendor" | "verify")) => {
            (false, true, sub + 1)
        }
        _ => return None,
    };
    // `-mod=vendor` builds from the project's `vendor/`: no module is downloaded
    let vendored = words.iter().any(|w| w.value.as_deref() == Some("-mod=vendor"))
        || matches!(env.known("GOFLAGS"), Ok(Some(f)) if f.split_whitespace().any(|x| x == "-mod=vendor"));
    let modules = modules && !vendored;
    if !build && !modules {
        return None;
    }
    let gopath = || match env.known("GOPATH") {
        Ok(Some(p)) => p.split(':').next().map(str::to_string),
        Ok(None) => env.home().map(|h| join(&h, "go")),
        Err(()) => None,
    };
    let build_dir = env.dir_or("GOCACHE", || env.cache_home().map(|c| join(&c, "go-build")));
    let mod_dir = env.dir_or("GOMODCACHE", || gopath().map(|p| join(&p, "pkg/mod")));
    let mut paths = Vec::new();
    let mut known = true;
    for (wanted, d) in [(build, build_dir), (modules, mod_dir)] {
        if wanted {
            match d {
                Some(d) => paths.push(d),
                None => known = false,
            }
        }
    }
    let cache_off = any_command(env, "go clean", |w| {
        word(w, 0).map(basename) == Some("go") && word(w, 1) == Some("clean")
    });
    Some(Call {
        tool: Tool::Go,
        cmd: env.cmd,
        words,
        sub,
        dirs: known.then(|| dirs(paths, false)),
        cache_off,
    })
}

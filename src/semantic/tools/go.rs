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

/// The build flags of the go command that take a value (`go help build`, `go help get`); every
/// other flag is a boolean (`-v`, `-x`, `-u`, `-buildvcs=false`).
const GO_VALUED: &[&str] = &[
    "C",
    "p",
    "o",
    "asmflags",
    "buildmode",
    "compiler",
    "gccgoflags",
    "gcflags",
    "installsuffix",
    "ldflags",
    "mod",
    "modfile",
    "overlay",
    "pgo",
    "pkgdir",
    "tags",
    "toolexec",
    "covermode",
    "coverpkg",
    "exec",
    "debug-actiongraph",
    "debug-runtime-trace",
    "debug-trace",
];

/// The package operands of a `go get|install|run` call: the words after the subcommand that
/// are neither flags nor flag values, as Go's flag package reads them (`-flag value`,
/// `-flag=value`, one or two dashes; the first operand or `--` ends the flags). For `go run`
/// only the first one: the words after it are the program's arguments.
pub fn go_packages(call: &Call) -> Vec<usize> {
    let words = call.words;
    let mut out = Vec::new();
    let mut i = call.sub + 1;
    let mut flags = true;
    while i < words.len() {
        let w = &words[i];
        match w.value.as_deref() {
            Some("--") if flags => flags = false,
            Some(v) if flags && v.starts_with('-') && v.len() > 1 => {
                let name = v.trim_start_matches('-');
                if !name.contains('=') && GO_VALUED.contains(&name) {
                    i += 1;
                }
            }
            _ => {
                flags = false;
                out.push(i);
                if call.subcommand() == "run" {
                    break;
                }
            }
        }
        i += 1;
    }
    out
}

/// A `go get|install|run` command as a [`Call`], whatever its caches: [`go`] leaves out the
/// calls that use none (`go get -d` in GOPATH mode, `-mod=vendor`), which still fetch or name
/// modules.
pub fn go_fetch_call(cmd: &Command) -> Option<Call<'_>> {
    let words = cmd.effective().words;
    if basename(word(words, 0)?) != "go" {
        return None;
    }
    let sub = first_operand(words, 1, &GO)?;
    matches!(word(words, sub)?, "get" | "install" | "run").then_some(Call {
        tool: Tool::Go,
        cmd,
        words,
        sub,
        dirs: None,
        cache_off: false,
    })
}

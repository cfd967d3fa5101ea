//! dfix on about 4,500 real Dockerfiles: agreement with BuildKit's own parser, and the
//! invariants of the fix engine.
//!
//! The corpus is not part of the repository: these tests are ignored unless asked for, and then
//! read it in place from the folder `DFIX_CORPUS` names (`files/`, `buildkit-parse.jsonl`):
//!
//! ```sh
//! DFIX_CORPUS=../shared/corpus cargo test --locked --test corpus -- --ignored
//! ```
//!
//! Asked for without `DFIX_CORPUS`, or with a folder that holds no corpus, they fail.

use dfix::settings::{Selection, Settings};
use rayon::prelude::*;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus() -> PathBuf {
    let Some(dir) = std::env::var_os("DFIX_CORPUS") else {
        panic!("DFIX_CORPUS is not set: it names the corpus folder (files/, buildkit-parse.jsonl)");
    };
    let dir = PathBuf::from(dir);
    assert!(
        dir.join("buildkit-parse.jsonl").is_file() && dir.join("files").is_dir(),
        "DFIX_CORPUS={} holds no corpus (files/, buildkit-parse.jsonl)",
        dir.display()
    );
    dir
}

fn oracle() -> Vec<Value> {
    let text = std::fs::read_to_string(corpus().join("buildkit-parse.jsonl")).unwrap();
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn read(file: &str) -> String {
    String::from_utf8_lossy(&std::fs::read(corpus().join("files").join(file)).unwrap()).into_owned()
}

const FIELDS: [&str; 10] = [
    "cmd",
    "start",
    "end",
    "flags",
    "heredocs",
    "nargs",
    "mounts",
    "mount_error",
    "json",
    "onbuild",
];

fn project(i: &Value) -> Vec<Value> {
    FIELDS
        .iter()
        .map(|k| i.get(*k).cloned().unwrap_or(Value::Null))
        .collect()
}

/// Every file: the verdict equals BuildKit's (`parser.Parse` and `instructions.Parse`); where
/// BuildKit accepts the file, the same instructions, lines, flags, argument counts, heredocs
/// and mounts.
#[test]
#[ignore = "reads the corpus named by DFIX_CORPUS (run with --ignored)"]
fn corpus_agrees_with_buildkit_on_every_file() {
    let oracle = oracle();
    assert!(oracle.len() > 4000);
    let failures: Vec<String> = oracle
        .par_iter()
        .filter_map(|o| {
            let file = o["file"].as_str().unwrap();
            let ours = dfix::syntax::debug::model_json(file, &read(file));
            let theirs_ok = o["ok"] == true && o.get("instructions_ok").is_none_or(|v| v == true);
            if ours["ok"] != theirs_ok {
                return Some(format!(
                    "{file}: ok {} but BuildKit {theirs_ok} ({:?} / {:?})",
                    ours["ok"],
                    ours["errors"],
                    o.get("instructions_error").or(o.get("error"))
                ));
            }
            if o["ok"] != true {
                return None;
            }
            let a: Vec<_> = o["instructions"].as_array().unwrap().iter().map(project).collect();
            let b: Vec<_> = ours["instructions"].as_array().unwrap().iter().map(project).collect();
            if a != b {
                let first = a.iter().zip(&b).find(|(x, y)| x != y);
                return Some(format!(
                    "{file}: {} vs {} instructions; first difference {first:?}",
                    a.len(),
                    b.len()
                ));
            }
            None
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} files disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The instruction-stage error BuildKit reports is the first one dfix reports.
#[test]
#[ignore = "reads the corpus named by DFIX_CORPUS (run with --ignored)"]
fn corpus_same_first_error_as_buildkit() {
    let mut failures = Vec::new();
    for o in oracle() {
        let Some(want) = o.get("instructions_error").or(o.get("error")).and_then(Value::as_str) else {
            continue;
        };
        let file = o["file"].as_str().unwrap();
        let model = dfix::syntax::parse(&read(file));
        let first = model.errors.first().map(|e| e.message.as_str()).unwrap_or("");
        if first != want {
            failures.push(format!("{file}: {first:?} vs BuildKit {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every file, parsed again after an edit that moves everything after its first instruction's
/// keyword (one more space before it) while taking the RUN scripts from the parse before:
/// the same model as a parse from scratch. This is what the language server does on each
/// keystroke.
#[test]
#[ignore = "reads the corpus named by DFIX_CORPUS (run with --ignored)"]
fn corpus_a_parse_reusing_scripts_equals_a_fresh_one() {
    let failures: Vec<String> = oracle()
        .par_iter()
        .filter_map(|o| {
            let file = o["file"].as_str().unwrap();
            let text = read(file);
            let model = dfix::syntax::parse(&text);
            let first = model.instructions.first()?.keyword_range.start;
            let edited = format!("{} {}", &text[..first], &text[first..]);
            let mut scripts = dfix::syntax::Scripts::default();
            dfix::syntax::parse_reusing(&text, &mut scripts);
            let reused = dfix::syntax::parse_reusing(&edited, &mut scripts);
            let fresh = dfix::syntax::parse(&edited);
            (format!("{reused:?}") != format!("{fresh:?}")).then(|| file.to_string())
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} files differ: {}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every corpus file (its path under `files/`), in the oracle's order.
fn files() -> Vec<String> {
    oracle()
        .iter()
        .map(|o| o["file"].as_str().unwrap().to_string())
        .collect()
}

fn all_rules() -> Settings {
    Settings::from_selection(&Selection {
        preview: Some(true),
        ..Selection::default()
    })
    .unwrap()
}

/// No panic; ranges inside the text and on character boundaries; the fix loop converges
/// without a new parse error; a second pass changes nothing.
#[test]
#[ignore = "reads the corpus named by DFIX_CORPUS (run with --ignored)"]
fn corpus_fix_invariants_hold() {
    let settings = all_rules();
    let files = files();
    let results: Vec<(String, usize)> = files
        .par_iter()
        .map(|file| {
            let bytes = std::fs::read(corpus().join("files").join(file)).unwrap();
            let src = String::from_utf8_lossy(&bytes).into_owned();
            let diags = dfix::lint(&src, &settings);
            let ok = |r: dfix::syntax::TextRange| {
                r.start <= r.end && r.end <= src.len() && src.is_char_boundary(r.start) && src.is_char_boundary(r.end)
            };
            for d in &diags {
                assert!(ok(d.range), "{file}: {} has a bad range {:?}", d.rule, d.range);
                for f in d.fix.iter().chain(&d.alternatives) {
                    for e in f.edits() {
                        assert!(ok(e.range), "{file}: a fix of {} has a bad range {:?}", d.rule, e.range);
                    }
                }
            }
            let first = dfix::fix(&src, &settings, true);
            if let Some(f) = first.failure {
                return (format!("{file}: {f}"), 0);
            }
            let second = dfix::fix(&first.text, &settings, true);
            if second.text != first.text {
                return (
                    format!("{file}: a second pass changed the file again ({:?})", second.applied),
                    0,
                );
            }
            if dfix::syntax::parse(&first.text).errors.len() > dfix::syntax::parse(&src).errors.len() {
                return (format!("{file}: the fixes added a parse error"), 0);
            }
            (String::new(), first.count())
        })
        .collect();
    let failures: Vec<&String> = results.iter().map(|(f, _)| f).filter(|f| !f.is_empty()).collect();
    let fixes: usize = results.iter().map(|(_, n)| n).sum();
    assert!(
        failures.is_empty(),
        "{}",
        failures.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n")
    );
    assert!(fixes > 100, "the corpus should exercise the fixes ({fixes} applied)");
}

fn copy_tree(from: &Path, to: &Path) {
    let status = Command::new("cp").arg("-a").arg(from).arg(to).status().unwrap();
    assert!(status.success());
}

fn snapshot(root: &Path) -> HashMap<PathBuf, Vec<u8>> {
    let mut out = HashMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let e = e.unwrap();
            let t = e.file_type().unwrap();
            if t.is_dir() {
                if e.file_name() != ".git" {
                    stack.push(e.path());
                }
            } else if t.is_file() {
                out.insert(
                    e.path().strip_prefix(root).unwrap().to_path_buf(),
                    std::fs::read(e.path()).unwrap(),
                );
            }
        }
    }
    out
}

/// `--diff` applied with `git apply` gives the same bytes as `--write`, on a copy of the corpus
/// made outside the repository.
#[test]
#[ignore = "reads the corpus named by DFIX_CORPUS (run with --ignored)"]
fn corpus_diff_applied_with_git_equals_write() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    copy_tree(&corpus().join("files"), &a);
    copy_tree(&corpus().join("files"), &b);
    let dfix = env!("CARGO_BIN_EXE_dfix");
    let diff = Command::new(dfix)
        .current_dir(&a)
        .args(["--diff", "--unsafe-fixes", "--preview", "."])
        .output()
        .unwrap();
    assert_eq!(diff.status.code(), Some(1), "{}", String::from_utf8_lossy(&diff.stderr));
    let patch = tmp.path().join("fix.patch");
    std::fs::write(&patch, &diff.stdout).unwrap();
    let git = |args: &[&str]| {
        let o = Command::new("git").current_dir(&a).args(args).output().unwrap();
        assert!(
            o.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["apply", "--whitespace=nowarn", patch.to_str().unwrap()]);
    let write = Command::new(dfix)
        .current_dir(&b)
        .args(["--write", "--unsafe-fixes", "--preview", "--quiet", "--exit-zero", "."])
        .output()
        .unwrap();
    assert_eq!(
        write.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&write.stderr)
    );
    let (sa, sb) = (snapshot(&a), snapshot(&b));
    assert_eq!(sa.len(), sb.len());
    let different: Vec<_> = sa
        .iter()
        .filter(|(p, bytes)| sb.get(*p) != Some(bytes))
        .map(|(p, _)| p.display().to_string())
        .collect();
    assert!(
        different.is_empty(),
        "--diff + git apply and --write differ on {different:?}"
    );
    let changed = sa
        .iter()
        .filter(|(p, bytes)| std::fs::read(corpus().join("files").join(p)).ok().as_ref() != Some(bytes))
        .count();
    assert!(changed > 100, "only {changed} files changed");
}

/// With every fix applied (unsafe and preview too), no mount a fix adds covers a directory a
/// tool installs into (the "never mount" list): the mount would hide installed files.
#[test]
#[ignore = "reads the corpus named by DFIX_CORPUS (run with --ignored)"]
fn corpus_fixes_never_mount_install_directories() {
    use dfix::semantic::scope::scope_at;
    use dfix::semantic::tools::Tool;
    let settings = all_rules();
    let files = files();
    let problems: Vec<String> = files
        .par_iter()
        .flat_map_iter(|file| {
            let src = read(file);
            let fixed = dfix::fix(&src, &settings, true).text;
            let (before, after) = (dfix::syntax::parse(&src), dfix::syntax::parse(&fixed));
            let mut out = Vec::new();
            if before.instructions.len() != after.instructions.len() {
                return out;
            }
            for (i, (a, b)) in before.instructions.iter().zip(&after.instructions).enumerate() {
                let (Some(ra), Some(rb)) = (a.run(), b.run()) else {
                    continue;
                };
                let scope = scope_at(&after, i);
                let home = scope.home();
                let forbidden: Vec<String> = Tool::ALL.iter().flat_map(|t| t.never_mount(home.as_deref())).collect();
                for m in rb
                    .mounts
                    .iter()
                    .filter(|m| !ra.mounts.iter().any(|o| o.range.slice(&src) == m.range.slice(&fixed)))
                {
                    let Some(target) = m
                        .target
                        .as_deref()
                        .and_then(|t| scope.expand(t))
                        .and_then(|t| scope.absolute(&t))
                    else {
                        continue;
                    };
                    let t = target.trim_end_matches('/');
                    let bad = forbidden
                        .iter()
                        .any(|f| f.trim_end_matches('/') == t || f.starts_with(&format!("{t}/")))
                        || t.ends_with("/node_modules")
                        || t.ends_with("/target")
                        || t.contains("site-packages")
                        || t == "/usr/local/bundle"
                        || t == "/";
                    if bad {
                        out.push(format!("{file}:{}: a fix mounts `{target}`", b.start_line));
                    }
                }
            }
            out
        })
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn directives_in_effect(text: &str) -> Vec<(String, String)> {
    dfix::syntax::parse(text)
        .directives
        .items
        .iter()
        .map(|d| (d.key.clone(), d.value.clone()))
        .collect()
}

/// `--add-ignore` on a copy of the corpus: afterwards dfix finds only what it never suppresses
/// (the findings of the rules that break the build, as many as before), a second `--add-ignore`
/// changes nothing, and every file keeps its parser directives and its verdict.
#[test]
#[ignore = "reads the corpus named by DFIX_CORPUS (run with --ignored)"]
fn corpus_add_ignore_adopts_every_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("files");
    copy_tree(&corpus().join("files"), &dir);
    let before = snapshot(&dir);
    let dfix = env!("CARGO_BIN_EXE_dfix");
    let run = |args: &[&str]| Command::new(dfix).current_dir(&dir).args(args).output().unwrap();
    // per file, the findings of each rule, counted from `--format concise`
    let findings = |o: &std::process::Output| {
        let mut counts: HashMap<(String, String), usize> = HashMap::new();
        for line in String::from_utf8_lossy(&o.stdout).lines() {
            let (loc, rest) = line.split_once(": ").unwrap();
            let path = loc.rsplitn(3, ':').last().unwrap().to_string();
            let rule = &rest[rest.find('[').unwrap() + 1..rest.find(']').unwrap()];
            *counts.entry((path, rule.to_string())).or_default() += 1;
        }
        counts
    };
    let breaks_build = |rule: &str| dfix::rules::find(rule).is_some_and(|r| r.meta.breaks_build);
    // `inline-suppression` (hadolint's DL1001) forbids the comments `--add-ignore` writes
    let o = run(&[
        "--preview",
        "--ignore",
        "inline-suppression",
        "--format",
        "concise",
        ".",
    ]);
    let mut kept = findings(&o);
    kept.retain(|(_, rule), _| breaks_build(rule));
    assert!(!kept.is_empty(), "the corpus has files that do not build");
    let o = run(&[
        "--add-ignore",
        "--preview",
        "--ignore",
        "inline-suppression",
        "--quiet",
        ".",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let after = snapshot(&dir);
    let o = run(&[
        "--preview",
        "--ignore",
        "inline-suppression",
        "--format",
        "concise",
        ".",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let remaining = findings(&o);
    let wrong: Vec<_> = remaining.keys().filter(|(_, rule)| !breaks_build(rule)).collect();
    assert!(wrong.is_empty(), "findings remain: {wrong:?}");
    assert!(remaining == kept, "the findings that break the build changed");
    let o = run(&[
        "--add-ignore",
        "--preview",
        "--ignore",
        "inline-suppression",
        "--quiet",
        ".",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(snapshot(&dir) == after, "a second --add-ignore changed files");
    let mut changed = 0;
    for (path, old) in &before {
        let new = &after[path];
        if old == new {
            continue;
        }
        changed += 1;
        let (old, new) = (String::from_utf8_lossy(old), String::from_utf8_lossy(new));
        assert_eq!(
            directives_in_effect(&old),
            directives_in_effect(&new),
            "{}: directives changed",
            path.display()
        );
        let (a, b) = (dfix::syntax::parse(&old), dfix::syntax::parse(&new));
        assert_eq!(a.errors.len(), b.errors.len(), "{}: the parse changed", path.display());
        assert_eq!(
            a.instructions.len(),
            b.instructions.len(),
            "{}: instructions changed",
            path.display()
        );
    }
    assert!(changed > 300, "only {changed} files changed");
}

/// No fix, safe or unsafe, leaves a file with a finding (of any rule) it did not have.
#[test]
#[ignore = "reads the corpus named by DFIX_CORPUS (run with --ignored)"]
fn corpus_no_fix_creates_a_finding() {
    use std::collections::{BTreeMap, BTreeSet};
    let settings = all_rules();
    let files = files();
    let created: Vec<(&str, String, &'static str)> = files
        .par_iter()
        .flat_map_iter(|file| {
            let src = read(file);
            let mut out = Vec::new();
            for (mode, unsafe_fixes) in [("safe", false), ("unsafe", true)] {
                let fixed = dfix::fix(&src, &settings, unsafe_fixes);
                let Some(after) = &fixed.remaining else { continue };
                let before: BTreeSet<_> = fixed.original.iter().map(|d| d.rule).collect();
                let new: BTreeSet<_> = after.iter().map(|d| d.rule).filter(|r| !before.contains(r)).collect();
                out.extend(new.into_iter().map(|r| (mode, file.clone(), r.name())));
            }
            out
        })
        .collect();
    let mut counts: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
    for (mode, file, rule) in &created {
        counts.entry((mode, rule)).or_default().push(file);
    }
    let problems: Vec<String> = counts
        .iter()
        .map(|((mode, rule), files)| {
            format!(
                "{mode} fixes create `{rule}` in {} files, e.g. {}",
                files.len(),
                files.iter().take(3).copied().collect::<Vec<_>>().join(", ")
            )
        })
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

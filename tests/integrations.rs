//! The integration files: `.pre-commit-hooks.yaml` (the hooks' shape, and their `files` regex
//! against dfix's own discovery, `cli::is_dockerfile_name`) and the GitHub Action's `action.yml`
//! (its inputs reach `scripts/action.sh`), and the editor extensions' manifests.
//!
//! The regex is evaluated by `python3`'s `re`, the engine pre-commit itself uses
//! (`re.compile(files).search(path)`): it needs a negative lookahead and `\Z`, which the `regex`
//! crate does not have, and any other engine would only approximate Python's rules (case
//! folding, `$` before a final newline). The end-to-end run with the real pre-commit client is
//! `tests/precommit-e2e.sh`, the Action's script is run by `tests/action-e2e.sh` (both by
//! `.ci/run`).

use dfix::cli::is_dockerfile_name;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use yaml_rust2::{Yaml, YamlLoader};

fn read(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap()
}

fn yaml(name: &str) -> Yaml {
    YamlLoader::load_from_str(&read(name)).unwrap().remove(0)
}

fn hooks() -> Vec<Yaml> {
    yaml(".pre-commit-hooks.yaml")
        .as_vec()
        .expect("a list of hooks")
        .clone()
}

fn hook(id: &str) -> Yaml {
    hooks()
        .into_iter()
        .find(|h| h["id"].as_str() == Some(id))
        .unwrap_or_else(|| panic!("no hook {id}"))
}

fn entry(h: &Yaml) -> Vec<String> {
    h["entry"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

#[test]
fn two_rust_hooks_with_the_same_file_selection() {
    let all = hooks();
    let ids: Vec<&str> = all.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["dfix", "dfix-fix"]);
    for h in &all {
        assert_eq!(h["language"].as_str(), Some("rust"));
        // any language_version but `system` makes pre-commit run rustup
        assert!(h["language_version"].is_badvalue(), "language_version must not be set");
        assert_eq!(h["types"], Yaml::Array(vec![Yaml::String("file".into())]));
        assert!(h["types_or"].is_badvalue() && h["exclude"].is_badvalue());
        assert_eq!(h["files"], all[0]["files"]);
        let e = entry(h);
        assert_eq!(e[..2], ["dfix", "check"]);
        // in `entry`, so that a user's `args:` cannot drop it
        assert!(e.contains(&"--force-exclude".to_string()));
    }
    let lint = entry(&hook("dfix"));
    assert!(!lint.iter().any(|a| a == "--write" || a == "--fix"));
    let fix = entry(&hook("dfix-fix"));
    assert!(fix.contains(&"--write".to_string()));
    assert!(fix.contains(&"--exit-non-zero-on-fix".to_string()));
}

#[test]
fn entries_are_valid_command_lines() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM alpine:3.20\nRUN apk add --no-cache curl=8.9.1-r0\n",
    )
    .unwrap();
    for id in ["dfix", "dfix-fix"] {
        let e = entry(&hook(id));
        let out = Command::new(env!("CARGO_BIN_EXE_dfix"))
            .current_dir(dir.path())
            .args(&e[1..])
            .arg("Dockerfile")
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{id}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Names around every edge of the discovery list: each is tried alone and in directories.
const NAMES: &[&str] = &[
    "Dockerfile",
    "dockerfile",
    "DOCKERFILE",
    "DockerFile",
    "Containerfile",
    "containerfile",
    "Dockerfile.prod",
    "Dockerfile.dev.arm64",
    "dockerfile.",
    "Containerfile.prod",
    "CONTAINERFILE.x",
    "app.Dockerfile",
    "app.dockerfile",
    "web.api.DOCKERFILE",
    "x.containerfile",
    "X.Containerfile",
    ".dockerfile",
    ".containerfile",
    "Dockerfile.j2x",
    "Dockerfile.inc",
    "Dockerfile.mdx",
    "Dockerfile.md.prod",
    "Dockerfile.in.prod",
    "Dockerfile.ſ",
    "Dockerfile.in\n",
    "Dockerfile-dev",
    "dockerfile_dev",
    "Dockerfile-prod-arm64",
    "CONTAINERFILE_CI",
    "Dockerfile-a\nb",
    // not Dockerfiles
    "Dockerfile.j2",
    "Dockerfile.J2",
    "Dockerfile.jinja",
    "Dockerfile.jinja2",
    "Dockerfile.JINJA2",
    "Dockerfile.tmpl",
    "Dockerfile.tpl",
    "Dockerfile.template",
    "Dockerfile.erb",
    "Dockerfile.in",
    "Dockerfile.bak",
    "Dockerfile.orig",
    ".Dockerfile.swp",
    "Dockerfile.rej",
    "Dockerfile.md",
    "Dockerfile.TXT",
    "Dockerfile~",
    "app.dockerfile~",
    "Dockerfile.dockerignore",
    "app.Dockerfile.in",
    "x.containerfile.bak",
    "Containerfile.tmpl",
    ".dockerignore",
    "app.dockerignore",
    "mydockerfile",
    "Dockerfiles",
    "Dockerfile-lint.sh",
    "dockerfile_parser.py",
    "Dockerfile-prod.yml",
    "Dockerfile-",
    "Dockerfile_",
    "Dockerfile-x~",
    "Dockerfile-dev.j2",
    "Containerfile2",
    "app.dockerfile.prod",
    "app-dockerfile",
    "docker-compose.yml",
    "README.md",
    "DOC\u{212A}ERFILE",
    "DOCKERF\u{130}LE",
    "dockerf\u{131}le.x",
    "Dockerfile\n",
    "Dockerfile\n.prod",
];

/// Python's `re` is the engine that reads the hooks' `files` (no Rust crate matches it exactly),
/// so this test needs `python3` and runs only when asked for: `.ci/run` does.
#[test]
#[ignore = "needs python3, pre-commit's regex engine (run with --ignored)"]
fn files_regex_selects_what_dfix_discovers() {
    let regex = hook("dfix")["files"].as_str().unwrap().to_string();
    let mut paths = Vec::new();
    for name in NAMES {
        for dir in [
            "",
            "sub/",
            "a/.devcontainer/",
            "Dockerfile/",
            "x.dockerfile/",
            "Dockerfile.j2/",
        ] {
            paths.push(format!("{dir}{name}"));
        }
    }
    let script = "import json, re, sys\n\
                  q = json.load(sys.stdin)\n\
                  r = re.compile(q['regex'])\n\
                  json.dump([r.search(p) is not None for p in q['paths']], sys.stdout)\n";
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 is needed: it is the regex engine pre-commit uses");
    let query = serde_json::json!({ "regex": regex, "paths": paths });
    child
        .stdin
        .take()
        .unwrap()
        .write_all(query.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let selected: Vec<bool> = serde_json::from_slice(&out.stdout).unwrap();
    let mut wrong = Vec::new();
    for (path, got) in paths.iter().zip(selected) {
        let base = path.rsplit('/').next().unwrap();
        if got != is_dockerfile_name(base) {
            wrong.push(format!("{path:?}: pre-commit {got}, dfix {}", !got));
        }
    }
    assert!(
        wrong.is_empty(),
        "the hooks' `files` and dfix disagree:\n{}",
        wrong.join("\n")
    );
    // the list exercises both answers
    assert!(NAMES.iter().any(|n| is_dockerfile_name(n)) && NAMES.iter().any(|n| !is_dockerfile_name(n)));
}

#[test]
fn action_inputs_reach_the_script() {
    let action = yaml("action.yml");
    let script = read("scripts/action.sh");
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let steps = action["runs"]["steps"].as_vec().unwrap();
    // every shell step is a command of scripts/action.sh
    for step in steps.iter().filter(|s| !s["run"].is_badvalue()) {
        assert_eq!(step["shell"].as_str(), Some("bash"));
        let run = step["run"].as_str().unwrap();
        let command = run.strip_prefix("\"$GITHUB_ACTION_PATH/scripts/action.sh\" ").unwrap();
        let command = command.split_whitespace().next().unwrap();
        assert!(
            script.contains(&format!("\n{command})\n")),
            "action.sh has no command {command}"
        );
    }
    let env: Vec<(String, String)> = steps
        .iter()
        .filter_map(|s| s["env"].as_hash())
        .flatten()
        .map(|(k, v)| (k.as_str().unwrap().to_string(), v.as_str().unwrap().to_string()))
        .collect();
    let inputs = action["inputs"].as_hash().unwrap();
    assert!(!inputs.is_empty());
    for (name, spec) in inputs {
        let name = name.as_str().unwrap();
        assert!(spec["description"].as_str().is_some_and(|d| !d.is_empty()), "{name}");
        let var = format!("INPUT_{}", name.to_uppercase().replace('-', "_"));
        let value = format!("${{{{ inputs.{name} }}}}");
        assert!(
            env.contains(&(var.clone(), value)),
            "input {name} is not passed as {var}"
        );
        assert!(script.contains(&var), "scripts/action.sh does not read {var}");
    }
}

/// README's snippets use hooks and inputs that exist.
#[test]
fn readme_snippets_match_the_files() {
    let readme = read("README.md");
    let blocks: Vec<Yaml> = readme
        .split("```yaml\n")
        .skip(1)
        .map(|b| {
            YamlLoader::load_from_str(b.split("```").next().unwrap())
                .unwrap()
                .remove(0)
        })
        .collect();
    let workflow = blocks.iter().find(|b| !b["jobs"].is_badvalue()).expect("a workflow");
    let steps = workflow["jobs"]["dfix"]["steps"].as_vec().unwrap();
    let step = steps
        .iter()
        .find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with("OWNER/dfix@")))
        .unwrap();
    let inputs = yaml("action.yml")["inputs"].as_hash().unwrap().clone();
    for (key, _) in step["with"].as_hash().unwrap() {
        assert!(
            inputs.contains_key(key),
            "README passes {key:?}, which action.yml does not take"
        );
    }
    let sarif = step["with"]["sarif-file"].as_str().unwrap();
    let upload = steps.iter().find(|s| s["with"]["sarif_file"].as_str() == Some(sarif));
    assert!(upload.is_some(), "the SARIF file is uploaded");

    let config = blocks
        .iter()
        .find(|b| !b["repos"].is_badvalue())
        .expect("a pre-commit config");
    let ids: Vec<String> = hooks().iter().map(|h| h["id"].as_str().unwrap().to_string()).collect();
    for h in config["repos"][0]["hooks"].as_vec().unwrap() {
        assert!(ids.contains(&h["id"].as_str().unwrap().to_string()));
    }
}

/// The editor extensions point at the project's home, as the rule pages' links do.
#[test]
fn editor_extensions_name_the_projects_home() {
    let vscode: serde_json::Value = serde_json::from_str(&read("editors/vscode/package.json")).unwrap();
    assert_eq!(vscode["repository"]["url"], dfix::HOMEPAGE);
    let zed: toml::Table = read("editors/zed/extension.toml").parse().unwrap();
    assert_eq!(zed["repository"].as_str(), Some(dfix::HOMEPAGE));
}

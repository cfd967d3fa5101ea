//! Every report format over one fixture tree (findings of every severity, with and without
//! fixes, an alternative fix, non-ASCII text, a CRLF file, a clean file): golden snapshots,
//! plus what a snapshot cannot show — the JSON output validates against
//! `schemas/dfix-json.schema.json`, SARIF against the official SARIF 2.1.0 schema and GitLab's
//! against a schema of its documented fields (in process, schemas in `tests/schemas/`), every
//! SARIF region addresses the finding's exact bytes, GitHub annotations parse back to the right
//! place, the XML formats parse, GitLab fingerprints survive edits elsewhere, and `--output`
//! writes several reports in one run.

use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SVC: &str = r#"FROM python:3.12 AS båse
LABEL description="Café ☕ — «日本語» & <tags>"
RUN echo "héllo wörld ☕" && pip install flask==3.1.0
RUN --mount=type=cache,target=/root/.cache/pip,sharing=sometimes pip install requests==2.32.3
RUN npm ci
# dfix: ignore=cargo-without-cache-mount
RUN echo done
"#;
const LEGACY_CRLF: &str = "FROM debian:12\r\nRUN apt-get update && \\\r\n    apt-get install -y curl\r\nONBUILD RUN go build ./...\r\nCOPY --chmod=755 a b\r\n";
/// A space, a comma and non-ASCII: escaped in SARIF URIs and GitHub properties.
const LEGACY_PATH: &str = "legacy, ü/Dockerfile";
const CLEAN: &str = "FROM alpine:3.20\nRUN apk add --no-cache curl=8.9.1-r0\n";

/// A repository (`.git` marks its root) holding the fixture.
struct Repo {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

fn repo() -> Repo {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    for (path, text) in [
        ("svc/Dockerfile", SVC),
        (LEGACY_PATH, LEGACY_CRLF),
        ("clean/Dockerfile", CLEAN),
    ] {
        let p = root.join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    fs::create_dir_all(root.join(".git")).unwrap();
    Repo { _dir: dir, root }
}

fn dfix(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dfix"))
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .args(args)
        .output()
        .unwrap()
}

/// Standard output of a run that found something (exit 1).
fn report(dir: &Path, args: &[&str]) -> String {
    let o = dfix(dir, args);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{args:?}: {stderr}");
    String::from_utf8(o.stdout).unwrap()
}

/// The temporary directory made machine-independent.
fn redact(text: &str, repo: &Repo) -> String {
    text.replace(repo.root.to_str().unwrap(), "[ROOT]")
}

fn golden(format: &str) {
    let r = repo();
    let out = report(&r.root, &["--format", format, "--show-fixes", "--color", "never"]);
    let out = if format == "sarif" {
        sarif_for_snapshot(&out)
    } else {
        out
    };
    insta::assert_snapshot!(format, redact(&out, &r));
}

/// SARIF without what changes whenever a rule is added or the version moves: the driver lists
/// only the rules results use, and rule indexes and the version are placeholders (the
/// `sarif_…` tests below check them).
fn sarif_for_snapshot(out: &str) -> String {
    let mut sarif: Value = serde_json::from_str(out).unwrap();
    let run = &mut sarif["runs"][0];
    let used: Vec<Value> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["ruleId"].clone())
        .collect();
    let driver = &mut run["tool"]["driver"];
    driver["rules"]
        .as_array_mut()
        .unwrap()
        .retain(|r| used.contains(&r["id"]));
    // rule pages change on their own: the snapshot names them instead
    for rule in driver["rules"].as_array_mut().unwrap() {
        let name = rule["id"].as_str().unwrap().to_owned();
        let meta = dfix::rules::find(&name).unwrap().meta;
        assert_eq!(rule["help"]["markdown"], meta.doc);
        rule["help"]["markdown"] = format!("[rules/{name}.md]").into();
        let full = rule["fullDescription"]["text"].as_str().unwrap();
        assert!(full.len() > meta.summary.len() / 2, "{full}");
        rule["fullDescription"]["text"] = "[What it does]".into();
    }
    assert_eq!(driver["version"], dfix::VERSION);
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["properties"]["commit"], dfix::COMMIT);
    assert_eq!(driver["properties"]["dirty"], dfix::DIRTY);
    for key in ["version", "semanticVersion"] {
        driver[key] = "[VERSION]".into();
    }
    driver["properties"] = serde_json::json!({"commit": "[COMMIT]", "dirty": "[DIRTY]"});
    for result in run["results"].as_array_mut().unwrap() {
        assert!(result["ruleIndex"].is_u64());
        result["ruleIndex"] = "[index]".into();
    }
    // the docs base names the version: the snapshot stays the same from one release to the next
    serde_json::to_string_pretty(&sarif)
        .unwrap()
        .replace(dfix::DOCS_BASE, "[DOCS]")
        + "\n"
}

#[test]
fn golden_human() {
    golden("human");
}
#[test]
fn golden_concise() {
    golden("concise");
}
#[test]
fn golden_json() {
    golden("json");
}
#[test]
fn golden_json_lines() {
    golden("json-lines");
}
#[test]
fn golden_sarif() {
    golden("sarif");
}
#[test]
fn golden_github() {
    golden("github");
}
#[test]
fn golden_gitlab() {
    golden("gitlab");
}
#[test]
fn golden_checkstyle() {
    golden("checkstyle");
}
#[test]
fn golden_junit() {
    golden("junit");
}

// --- validators ------------------------------------------------------------------------------

const DFIX_JSON: &str = "schemas/dfix-json.schema.json";
/// The official schema, with its provenance in `tests/schemas/README.md`.
const SARIF: &str = "tests/schemas/sarif-2.1.0.json";
/// Written from GitLab's table of fields (`tests/schemas/README.md`).
const GITLAB: &str = "tests/schemas/gitlab-code-quality.schema.json";

/// A JSON Schema from the repository (`schemas/` or `tests/schemas/`), compiled for
/// validation; `$ref`s are all internal, so nothing is fetched.
fn schema(path: &str) -> jsonschema::Validator {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let schema: Value = serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every error of `instance` against the schema at `path`, as text.
fn schema_errors(path: &str, instance: &Value) -> Vec<String> {
    schema(path)
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn validate(path: &str, instance: &str) {
    let instance: Value = serde_json::from_str(instance).unwrap();
    let errors = schema_errors(path, &instance);
    assert!(
        errors.is_empty(),
        "the output does not validate against {path}:\n{}",
        errors.join("\n")
    );
}

#[test]
fn json_output_follows_its_schema() {
    let r = repo();
    let out = report(&r.root, &["--format", "json", "--show-fixes"]);
    let findings: Value = serde_json::from_str(&out).unwrap();
    let findings = findings.as_array().unwrap();
    // the fixture exercises every part of the schema
    assert!(findings.iter().any(|f| f["fix"].is_null()));
    assert!(findings.iter().any(|f| f["fix"]["applicability"] == "safe"));
    assert!(
        findings
            .iter()
            .any(|f| !f["alternatives"].as_array().unwrap().is_empty())
    );
    for s in ["error", "warning", "info"] {
        assert!(findings.iter().any(|f| f["severity"] == s), "{s}");
    }
    validate(DFIX_JSON, &out);

    // json-lines holds the same objects
    let lines = report(&r.root, &["--format", "json-lines", "--show-fixes"]);
    let objects: Vec<Value> = lines.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(&objects, findings);

    // and the schema is not vacuous
    let mut broken: Value = serde_json::from_str(&out).unwrap();
    broken[0]["severity"] = "fatal".into();
    assert_eq!(schema_errors(DFIX_JSON, &broken).len(), 1);
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// The byte offset of a 1-based line and column (columns in characters), computed here
/// independently of dfix.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text.split_inclusive('\n').take(line - 1).map(str::len).sum();
    let rest = &text[start..];
    start + rest.char_indices().nth(column - 1).map_or(rest.len(), |(i, _)| i)
}

#[test]
fn sarif_validates_and_its_regions_address_the_findings() {
    let r = repo();
    let out = report(&r.root, &["--format", "sarif", "--show-fixes"]);
    validate(SARIF, &out);
    let mut broken: Value = serde_json::from_str(&out).unwrap();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert_eq!(schema_errors(SARIF, &broken).len(), 1, "the SARIF schema checks levels");

    let json: Vec<Value> = serde_json::from_str(&report(&r.root, &["--format", "json", "--show-fixes"])).unwrap();
    let sarif: Value = serde_json::from_str(&out).unwrap();
    let run = &sarif["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"].as_str().unwrap();
    assert_eq!(base, format!("file://{}/", r.root.display()));
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), dfix::rules::RULES.len());
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), json.len());
    for (result, finding) in results.iter().zip(&json) {
        let rule = &rules[result["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], result["ruleId"]);
        assert_eq!(result["ruleId"], finding["rule"]);
        assert_eq!(rule["helpUri"], dfix::rule_url(finding["rule"].as_str().unwrap()));
        let level = match finding["severity"].as_str().unwrap() {
            "info" => "note",
            s => s,
        };
        assert_eq!(result["level"], level);
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let uri = percent_decode(location["artifactLocation"]["uri"].as_str().unwrap());
        assert_eq!(uri, finding["path"], "paths are relative to the root, which is here");
        let text = fs::read_to_string(r.root.join(&uri)).unwrap();
        let region = &location["region"];
        let n = |k: &str| region[k].as_u64().unwrap() as usize;
        let (start, len) = (n("byteOffset"), n("byteLength"));
        let by_lines =
            offset_of(&text, n("startLine"), n("startColumn"))..offset_of(&text, n("endLine"), n("endColumn"));
        assert_eq!(by_lines, start..start + len, "{result}");
        assert_eq!(start, finding["start_byte"].as_u64().unwrap() as usize);
        assert_eq!(start + len, finding["end_byte"].as_u64().unwrap() as usize);
        assert!(text.is_char_boundary(start) && text.is_char_boundary(start + len));
        // the fixes are the preferred one then the alternatives, edit for edit
        let fixes: Vec<&Value> = finding["fix"]
            .as_object()
            .map(|_| &finding["fix"])
            .into_iter()
            .chain(finding["alternatives"].as_array().unwrap())
            .collect();
        let empty = Vec::new();
        let sarif_fixes = result["fixes"].as_array().unwrap_or(&empty);
        assert_eq!(sarif_fixes.len(), fixes.len());
        for (sf, f) in sarif_fixes.iter().zip(fixes) {
            assert_eq!(sf["description"]["text"], f["title"]);
            let replacements = sf["artifactChanges"][0]["replacements"].as_array().unwrap();
            let edits = f["edits"].as_array().unwrap();
            assert_eq!(replacements.len(), edits.len());
            for (rep, e) in replacements.iter().zip(edits) {
                let off = rep["deletedRegion"]["byteOffset"].as_u64().unwrap();
                assert_eq!(off, e["start_byte"].as_u64().unwrap());
                assert_eq!(
                    off + rep["deletedRegion"]["byteLength"].as_u64().unwrap(),
                    e["end_byte"].as_u64().unwrap()
                );
                assert_eq!(rep["insertedContent"]["text"], e["content"]);
            }
        }
    }
    // the non-ASCII line: columns count characters, offsets count bytes
    let pip = results
        .iter()
        .find(|x| x["ruleId"] == "pip-without-cache-mount")
        .unwrap();
    let region = &pip["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startColumn"], 29);
    assert_eq!(
        region["byteOffset"].as_u64().unwrap() as usize,
        SVC.find("pip install flask==3.1.0").unwrap()
    );
}

#[test]
fn sarif_paths_are_relative_to_the_root() {
    let r = repo();
    let outside = r.root.parent().unwrap().join("elsewhere");
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("Dockerfile"), "FROM python\nRUN pip install x==1.0\n").unwrap();
    // from a subdirectory the root is still the repository's
    let svc = r.root.join("svc");
    let out = report(&svc, &["--format", "sarif", ".", "../../elsewhere/Dockerfile"]);
    let sarif: Value = serde_json::from_str(&out).unwrap();
    let uris: Vec<Value> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["locations"][0]["physicalLocation"]["artifactLocation"].clone())
        .collect();
    assert!(
        uris.iter()
            .any(|u| u["uri"] == "svc/Dockerfile" && u["uriBaseId"] == "%SRCROOT%")
    );
    // outside the root: an absolute URI
    let abs = format!("file://{}/elsewhere/Dockerfile", r.root.parent().unwrap().display());
    assert!(
        uris.iter()
            .any(|u| u["uri"] == abs.as_str() && u.get("uriBaseId").is_none()),
        "{uris:?}"
    );
    // --root names another root
    let out = report(&svc, &["--format", "sarif", "--root", "..", "Dockerfile"]);
    let sarif: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        sarif["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        format!("file://{}/", r.root.display())
    );
    let out = report(&svc, &["--format", "gitlab", "--root", ".", "Dockerfile"]);
    let gitlab: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(gitlab[0]["location"]["path"], "Dockerfile");
}

/// `%XX` escapes of GitHub workflow commands undone.
fn unescape(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

#[test]
fn github_annotations_parse_back_to_the_findings() {
    let r = repo();
    let out = report(&r.root, &["--format", "github"]);
    let json: Vec<Value> = serde_json::from_str(&report(&r.root, &["--format", "json"])).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), json.len());
    for (line, finding) in lines.iter().zip(&json) {
        let rest = line.strip_prefix("::").unwrap();
        let (command, rest) = rest.split_once(' ').unwrap();
        let (props, message) = rest.split_once("::").unwrap();
        let expected = match finding["severity"].as_str().unwrap() {
            "info" => "notice",
            s => s,
        };
        assert_eq!(command, expected);
        let props: std::collections::HashMap<&str, String> = props
            .split(',')
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap();
                (k, unescape(v))
            })
            .collect();
        let file = &props["file"];
        assert!(r.root.join(file).is_file(), "{file}");
        assert_eq!(file, finding["path"].as_str().unwrap());
        let start = &finding["range"]["start"];
        let end = &finding["range"]["end"];
        assert_eq!(props["line"], start["line"].to_string());
        assert_eq!(props["endLine"], end["line"].to_string());
        assert_eq!(props["col"], start["column"].to_string());
        assert_eq!(props["endColumn"], end["column"].to_string());
        assert_eq!(props["title"], format!("dfix ({})", finding["rule"].as_str().unwrap()));
        let message = unescape(message);
        let first = message.lines().next().unwrap();
        assert_eq!(
            first,
            format!(
                "{file}:{}:{}: {}",
                start["line"],
                start["column"],
                finding["message"].as_str().unwrap()
            )
        );
    }
}

#[test]
fn xml_formats_parse_and_keep_the_text() {
    let r = repo();
    let json: Vec<Value> = serde_json::from_str(&report(&r.root, &["--format", "json"])).unwrap();
    let messages: Vec<&str> = json.iter().map(|f| f["message"].as_str().unwrap()).collect();
    for (format, element) in [("checkstyle", "error"), ("junit", "failure")] {
        let out = report(&r.root, &["--format", format]);
        let doc = roxmltree::Document::parse(&out).unwrap_or_else(|e| panic!("{format}: {e}"));
        let parsed: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name(element))
            .map(|n| n.attribute("message").unwrap())
            .collect();
        assert_eq!(parsed, messages, "{format}");
    }
}

#[test]
fn gitlab_output_follows_its_schema() {
    let r = repo();
    let out = report(&r.root, &["--format", "gitlab"]);
    validate(GITLAB, &out);
    // the schema is not vacuous: a severity GitLab does not know, a finding without a line
    let mut broken: Value = serde_json::from_str(&out).unwrap();
    broken[0]["severity"] = "warning".into();
    broken[1]["location"].as_object_mut().unwrap().remove("lines");
    assert_eq!(schema_errors(GITLAB, &broken).len(), 2);
}

#[test]
fn gitlab_fingerprints_are_unique_and_survive_edits_elsewhere() {
    let r = repo();
    let prints = |dir: &Path| -> Vec<(String, String)> {
        let v: Value = serde_json::from_str(&report(dir, &["--format", "gitlab"])).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| {
                (
                    x["check_name"].as_str().unwrap().to_string(),
                    x["fingerprint"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let before = prints(&r.root);
    let unique: std::collections::HashSet<_> = before.iter().map(|p| &p.1).collect();
    assert_eq!(unique.len(), before.len());
    // lines added above, the findings move down; their fingerprints stay
    let moved = format!(
        "FROM python:3.12 AS build\nRUN echo \"more\"\n\n{}",
        SVC.replacen("FROM python:3.12 AS båse\n", "", 1)
    );
    fs::write(r.root.join("svc/Dockerfile"), moved).unwrap();
    let after = prints(&r.root);
    for p in &after {
        if p.0 != "syntax-error" {
            assert!(before.contains(p), "{p:?} changed");
        }
    }
}

#[test]
fn several_reports_in_one_run() {
    let r = repo();
    let o = dfix(
        &r.root,
        &[
            "--color",
            "never",
            "--output",
            "sarif:out/dfix.sarif",
            "--output",
            "github:gh.txt",
        ],
    );
    fs::create_dir_all(r.root.join("out")).ok();
    assert_eq!(o.status.code(), Some(2), "out/ does not exist yet");
    assert!(String::from_utf8_lossy(&o.stderr).contains("out/dfix.sarif"));
    let o = dfix(
        &r.root,
        &[
            "--color",
            "never",
            "--output",
            "sarif:out/dfix.sarif",
            "--output",
            "github:gh.txt",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    // human on stdout, the summary on stderr, each file as if alone
    let human = String::from_utf8(o.stdout).unwrap();
    assert_eq!(human, report(&r.root, &["--color", "never"]));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Found 13 problems in 2 files"));
    assert_eq!(
        fs::read_to_string(r.root.join("out/dfix.sarif")).unwrap(),
        report(&r.root, &["--format", "sarif"])
    );
    assert_eq!(
        fs::read_to_string(r.root.join("gh.txt")).unwrap(),
        report(&r.root, &["--format", "github"])
    );
    // with --format and --output-file too
    let o = dfix(
        &r.root,
        &[
            "--format",
            "json",
            "--output-file",
            "a.json",
            "--output",
            "junit:a.xml",
            "--output",
            "gitlab:b.json",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    for (file, format) in [("a.json", "json"), ("a.xml", "junit"), ("b.json", "gitlab")] {
        assert_eq!(
            fs::read_to_string(r.root.join(file)).unwrap(),
            report(&r.root, &["--format", format])
        );
    }
    // a bad FORMAT:FILE is bad usage
    for bad in ["sarif", "yaml:x", "sarif:"] {
        let o = dfix(&r.root, &["--output", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
    }
}

//! The command-line contract: every row of the exit-status table, each flag, each format,
//! standard input, discovery.

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const SEED: &str = "FROM python:3.6-alpine\nRUN pip install pyyaml==6.0.2\n";
const SEED_FIXED: &str = "# syntax=docker/dockerfile:1\nFROM python:3.6-alpine\nRUN --mount=type=cache,target=/root/.cache/pip pip install pyyaml==6.0.2\n";
const CLEAN: &str = "FROM alpine:3.20\nRUN apk add --no-cache curl=8.9.1-r0\n";

fn dfix() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dfix"));
    c.env_remove("NO_COLOR");
    c
}

fn run(dir: &Path, args: &[&str]) -> Output {
    dfix().current_dir(dir).args(args).output().unwrap()
}

fn run_stdin(dir: &Path, args: &[&str], input: &str) -> Output {
    let mut child = dfix()
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    dir
}

// --- the exit-status table ---------------------------------------------------------------

#[test]
fn no_findings_exit_0_with_a_summary_on_stderr() {
    let d = tree(&[("Dockerfile", CLEAN)]);
    let o = run(d.path(), &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("All checks passed."));
}

#[test]
fn findings_exit_1_on_stdout() {
    let d = tree(&[("Dockerfile", SEED)]);
    let o = run(d.path(), &["--color", "never"]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.contains("warning[pip-without-cache-mount]"), "{out}");
    assert!(out.contains("Dockerfile:2:5"), "{out}");
    assert!(
        out.contains("fix: Mount a BuildKit cache at `/root/.cache/pip` (--write)"),
        "{out}"
    );
    assert!(
        stderr(&o).contains("Found 1 problem in 1 file; 1 fixable with --write."),
        "{}",
        stderr(&o)
    );
}

#[test]
fn diff_prints_only_the_diff_and_exits_1_when_not_empty() {
    let d = tree(&[("Dockerfile", SEED), ("ok/Dockerfile", CLEAN)]);
    let o = run(d.path(), &["--diff"]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.starts_with("--- a/Dockerfile\n+++ b/Dockerfile\n"), "{out}");
    assert!(out.contains("+# syntax=docker/dockerfile:1\n"));
    assert!(out.contains("+RUN --mount=type=cache,target=/root/.cache/pip pip install pyyaml==6.0.2\n"));
    assert!(!out.contains("warning"));
    assert_eq!(
        fs::read_to_string(d.path().join("Dockerfile")).unwrap(),
        SEED,
        "--diff never writes"
    );
    let o = run(&d.path().join("ok"), &["--diff"]);
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), "");
}

#[test]
fn bad_usage_exits_2() {
    let d = tree(&[("Dockerfile", CLEAN)]);
    assert_eq!(code(&run(d.path(), &["--no-such-flag"])), 2);
    let o = run(d.path(), &["--select", "no-such-rule"]);
    assert_eq!(code(&o), 2);
    assert_eq!(stderr(&o), "dfix: unknown rule or group `no-such-rule`\n");
    assert_eq!(code(&run(d.path(), &["--diff", "--write"])), 2);
}

#[test]
fn a_misspelt_name_gets_the_nearest_one() {
    let d = tree(&[("Dockerfile", CLEAN)]);
    for flag in ["--select", "--ignore", "--extend-select"] {
        let o = run(d.path(), &[flag, "cahce"]);
        assert_eq!(code(&o), 2);
        assert_eq!(
            stderr(&o),
            "dfix: unknown rule or group `cahce`; did you mean `cache`?\n",
            "{flag}"
        );
    }
    let o = run(d.path(), &["--select", "pip-without-cahce-mount"]);
    assert_eq!(
        stderr(&o),
        "dfix: unknown rule or group `pip-without-cahce-mount`; did you mean `pip-without-cache-mount`?\n"
    );
    let o = run(d.path(), &["explain", "pip-without-cahce-mount"]);
    assert_eq!(code(&o), 2);
    assert_eq!(
        stderr(&o),
        "dfix: unknown rule `pip-without-cahce-mount`; did you mean `pip-without-cache-mount`?\n"
    );
    // configuration keys, rule names and option names
    for (toml, hint) in [
        ("selct = [\"cache\"]\n", "did you mean `select`?"),
        ("select = [\"directivs\"]\n", "did you mean `directives`?"),
        (
            "[rules.pip-without-cache-mount]\nprefr = \"clean\"\n",
            "did you mean `prefer`?",
        ),
    ] {
        let d = tree(&[("Dockerfile", CLEAN), ("dfix.toml", toml)]);
        let o = run(d.path(), &[]);
        assert_eq!(code(&o), 2, "{toml}");
        assert!(stderr(&o).contains(hint), "{toml}: {}", stderr(&o));
    }
}

#[test]
fn a_misspelt_suppression_is_reported_and_never_removed() {
    let text = "FROM python:3.12-slim\n# dfix: ignore=pip-without-cahce-mount,invalid-mount\nRUN pip install --no-cache-dir flask\n";
    let d = tree(&[("Dockerfile", text)]);
    let args = ["--select", "unused-suppression,invalid-mount,pip-without-cache-mount"];
    let o = run(d.path(), &[&args[..], &["--format", "concise"]].concat());
    assert_eq!(
        stdout(&o),
        "Dockerfile:2:16: info[unused-suppression] unknown rule `pip-without-cahce-mount` in a suppression; did you mean `pip-without-cache-mount`?\n\
         Dockerfile:2:40: info[unused-suppression] [*] `invalid-mount` suppresses nothing here\n"
    );
    // the human report says `info`, like the other formats
    let o = run(d.path(), &args);
    assert!(
        stdout(&o).starts_with("info[unused-suppression]: unknown rule `pip-without-cahce-mount`"),
        "{}",
        stdout(&o)
    );
    assert!(!stdout(&o).contains("note"), "{}", stdout(&o));
    assert!(
        stdout(&o)
            .contains("  = no fix: an unknown name is kept for you to correct: dfix does not guess the rule meant\n"),
        "{}",
        stdout(&o)
    );
    // --write removes the unused real name and keeps the unknown one
    assert_eq!(code(&run(d.path(), &[&args[..], &["--write"]].concat())), 1);
    assert_eq!(
        fs::read_to_string(d.path().join("Dockerfile")).unwrap(),
        text.replace(",invalid-mount", "")
    );
    assert_eq!(code(&run(d.path(), &[&args[..], &["--write"]].concat())), 1);
    assert_eq!(
        fs::read_to_string(d.path().join("Dockerfile")).unwrap(),
        text.replace(",invalid-mount", "")
    );
}

#[test]
fn a_finding_without_a_fix_says_why() {
    let d = tree(&[(
        "Dockerfile",
        "# syntax=docker/dockerfile:1\nFROM python:3.12\nUSER app\nRUN pip install pyyaml==6.0.2\n",
    )]);
    let why = "the uid of user `app` could not be determined (from `USER` or an earlier `useradd -u`)";
    let o = run(d.path(), &[]);
    assert!(stdout(&o).contains(&format!("  = no fix: {why}\n")), "{}", stdout(&o));
    let o = run(d.path(), &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let pip = v
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "pip-without-cache-mount")
        .unwrap();
    assert_eq!(pip["fix"], serde_json::Value::Null);
    assert_eq!(pip["no_fix_reason"], why);
    // a finding with a fix has no reason
    let d = tree(&[("Dockerfile", SEED)]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&run(d.path(), &["--format", "json"]))).unwrap();
    assert!(v[0].get("no_fix_reason").is_none());
}

#[test]
fn missing_path_exits_2_and_the_others_are_still_linted() {
    let d = tree(&[("Dockerfile", SEED)]);
    let o = run(d.path(), &["nope/Dockerfile", "Dockerfile", "--format", "concise"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("dfix: nope/Dockerfile: no such file or directory\n"),
        "{}",
        stderr(&o)
    );
    assert!(
        stdout(&o).contains("Dockerfile:2:5: warning[pip-without-cache-mount]"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn missing_path_ends_with_an_error_summary() {
    let d = tree(&[("Dockerfile", SEED)]);
    let o = run(d.path(), &["nonexistent-dir"]);
    assert_eq!(code(&o), 2);
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "dfix: nonexistent-dir: no such file or directory\n1 error: 1 path does not exist.\n"
    );
    let o = run(d.path(), &["nope", "gone/Dockerfile", "Dockerfile", "--color", "never"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).ends_with("Found 1 problem in 1 file; 1 fixable with --write. 2 errors: 2 paths do not exist.\n"),
        "{}",
        stderr(&o)
    );
    let o = run(d.path(), &["nope", "Dockerfile", "--diff"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).ends_with("2 fixes would be applied in 1 file; 1 error: 1 path does not exist\n"),
        "{}",
        stderr(&o)
    );
    // nothing wrong in the files that were read, but not "All checks passed."
    let d = tree(&[("Dockerfile", CLEAN)]);
    let o = run(d.path(), &["nope", "Dockerfile"]);
    assert_eq!(code(&o), 2);
    assert_eq!(
        stderr(&o),
        "dfix: nope: no such file or directory\nNo problems found in 1 file. 1 error: 1 path does not exist.\n"
    );
}

#[test]
fn a_directory_without_dockerfiles_is_a_warning() {
    let d = tree(&[("docs/README.md", "# docs\n"), ("Dockerfile", CLEAN)]);
    let o = run(d.path(), &["docs"]);
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), "");
    assert_eq!(stderr(&o), "dfix: warning: no Dockerfiles found under docs\n");
    let o = run(d.path(), &["docs", "--quiet"]);
    assert_eq!((code(&o), stderr(&o)), (0, String::new()));
    let o = run(d.path(), &["docs", "."]);
    assert_eq!(code(&o), 0);
    assert_eq!(
        stderr(&o),
        "dfix: warning: no Dockerfiles found under docs\nAll checks passed.\n"
    );
}

#[test]
fn binary_file_exits_2() {
    let d = tree(&[("Dockerfile", "FROM a\0\n"), ("b/Dockerfile", SEED)]);
    let o = run(d.path(), &["--format", "concise"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("dfix: Dockerfile: binary file (contains a NUL byte); not linted"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).contains("b/Dockerfile:2:5"));
}

#[test]
fn empty_file_is_a_syntax_error() {
    let d = tree(&[("Dockerfile", "")]);
    let o = run(d.path(), &["--format", "concise"]);
    assert_eq!(code(&o), 1);
    assert_eq!(
        stdout(&o),
        "Dockerfile:1:1: error[syntax-error] the Dockerfile cannot be empty\n"
    );
}

#[test]
fn invalid_utf8_is_linted_but_never_rewritten() {
    let d = tempfile::tempdir().unwrap();
    let bytes = b"FROM python:3.12\nLABEL x=\xff\nRUN pip install pyyaml==6.0.2\n";
    fs::write(d.path().join("Dockerfile"), bytes).unwrap();
    let o = run(d.path(), &["--write", "--format", "concise"]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("Dockerfile: not valid UTF-8; linted lossily and never rewritten"));
    assert!(stdout(&o).contains("pip-without-cache-mount"));
    assert_eq!(fs::read(d.path().join("Dockerfile")).unwrap(), bytes);
}

#[test]
fn write_applies_fixes_then_exits_as_for_what_remains() {
    let d = tree(&[("Dockerfile", SEED)]);
    let o = run(d.path(), &["--write"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert_eq!(fs::read_to_string(d.path().join("Dockerfile")).unwrap(), SEED_FIXED);
    assert!(
        stderr(&o).contains("Fixed 2 problems. All checks passed."),
        "{}",
        stderr(&o)
    );
    // a finding without a fix remains: exit 1
    let d = tree(&[("Dockerfile", "FROM a\nUSER app\nRUN pip install x==1.0\n")]);
    let o = run(d.path(), &["--fix"]);
    assert_eq!(code(&o), 1);
    let o = run(d.path(), &["--write", "--exit-zero"]);
    assert_eq!(code(&o), 0);
}

#[test]
fn exit_non_zero_on_fix() {
    let d = tree(&[("Dockerfile", SEED)]);
    assert_eq!(code(&run(d.path(), &["--write", "--exit-non-zero-on-fix"])), 1);
    assert_eq!(
        code(&run(d.path(), &["--write", "--exit-non-zero-on-fix"])),
        0,
        "nothing left to fix"
    );
}

#[test]
fn symlink_out_of_the_tree_is_not_rewritten() {
    let outside = tree(&[("Dockerfile", SEED)]);
    let d = tree(&[]);
    std::os::unix::fs::symlink(outside.path().join("Dockerfile"), d.path().join("Dockerfile")).unwrap();
    let o = run(d.path(), &["--write", "."]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("Dockerfile: is a symlink to"), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(outside.path().join("Dockerfile")).unwrap(), SEED);
    assert!(
        fs::symlink_metadata(d.path().join("Dockerfile"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // named explicitly, its target is rewritten and the link stays a link
    let o = run(d.path(), &["--write", "Dockerfile"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        fs::read_to_string(outside.path().join("Dockerfile")).unwrap(),
        SEED_FIXED
    );
    assert!(
        fs::symlink_metadata(d.path().join("Dockerfile"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn hard_linked_file_is_not_rewritten() {
    let d = tree(&[("Dockerfile", SEED)]);
    fs::hard_link(d.path().join("Dockerfile"), d.path().join("other")).unwrap();
    let o = run(d.path(), &["--write", "Dockerfile"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("dfix: Dockerfile: has 2 links; not rewritten, use --diff"),
        "{}",
        stderr(&o)
    );
    assert_eq!(fs::read_to_string(d.path().join("Dockerfile")).unwrap(), SEED);
}

#[test]
fn the_highest_status_wins() {
    let d = tree(&[("Dockerfile", SEED), ("bin/Dockerfile", "\0")]);
    assert_eq!(code(&run(d.path(), &[])), 2);
}

/// Runs dfix without the power to ignore permissions: as `nobody` when the tests run as root
/// (CI does; the standard library clears the supplementary groups too), else as the user.
fn run_unprivileged(dir: &Path, args: &[&str]) -> Output {
    use std::os::unix::process::CommandExt;
    if !is_root() {
        return run(dir, args);
    }
    let drop = |mut c: Command| {
        c.uid(65534).gid(65534);
        c
    };
    let who = drop(Command::new("id")).arg("-u").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&who.stdout).trim(),
        "65534",
        "privileges were not dropped"
    );
    // the checkout may lie under a directory `nobody` cannot enter (a clone in /root or in a
    // private temporary directory): run a copy of the binary from a directory it can
    let bin_dir = tempfile::tempdir().unwrap();
    fs::set_permissions(bin_dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let bin = bin_dir.path().join("dfix");
    fs::copy(env!("CARGO_BIN_EXE_dfix"), &bin).unwrap();
    // another test's fork may still hold the copy open for writing for a moment ("text file
    // busy"): try again
    for _ in 0..100 {
        match drop(Command::new(&bin)).args(args).current_dir(dir).output() {
            Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy => {
                std::thread::sleep(std::time::Duration::from_millis(20))
            }
            result => return result.unwrap(),
        }
    }
    panic!("{} stayed busy", bin.display());
}

fn is_root() -> bool {
    let o = Command::new("id").arg("-u").output().unwrap();
    String::from_utf8_lossy(&o.stdout).trim() == "0"
}

fn world_traversable(d: &Path) {
    fs::set_permissions(d, fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn unreadable_file_exits_2_as_an_unprivileged_user() {
    let d = tree(&[("a/Dockerfile", SEED), ("b/Dockerfile", SEED)]);
    for sub in ["", "a", "b"] {
        world_traversable(&d.path().join(sub));
    }
    fs::set_permissions(d.path().join("a/Dockerfile"), fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(d.path().join("b/Dockerfile"), fs::Permissions::from_mode(0o644)).unwrap();
    let o = run_unprivileged(d.path(), &["--format", "concise", "a/Dockerfile", "b/Dockerfile"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("dfix: a/Dockerfile: permission denied"),
        "{}",
        stderr(&o)
    );
    assert!(
        stdout(&o).contains("b/Dockerfile:2:5"),
        "the other file is still linted"
    );
}

#[test]
fn unreadable_file_ends_with_an_error_summary() {
    let d = tree(&[("a/Dockerfile", SEED), ("b/Dockerfile", CLEAN)]);
    for sub in ["", "a", "b"] {
        world_traversable(&d.path().join(sub));
    }
    fs::set_permissions(d.path().join("a/Dockerfile"), fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(d.path().join("b/Dockerfile"), fs::Permissions::from_mode(0o644)).unwrap();
    let o = run_unprivileged(d.path(), &["a/Dockerfile", "b/Dockerfile"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "dfix: a/Dockerfile: permission denied\nNo problems found in 1 file. 1 error: 1 file could not be read.\n"
    );
    // a directory the walk cannot enter
    fs::set_permissions(d.path().join("a"), fs::Permissions::from_mode(0o000)).unwrap();
    let o = run_unprivileged(d.path(), &["a", "b"]);
    fs::set_permissions(d.path().join("a"), fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "dfix: a: permission denied\nNo problems found in 1 file. 1 error: 1 path could not be read.\n"
    );
}

#[test]
fn read_only_file_is_not_rewritten_as_an_unprivileged_user() {
    let d = tree(&[("Dockerfile", SEED)]);
    world_traversable(d.path());
    fs::set_permissions(d.path().join("Dockerfile"), fs::Permissions::from_mode(0o444)).unwrap();
    let o = run_unprivileged(d.path(), &["--write", "Dockerfile"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("dfix: Dockerfile: cannot write"), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(d.path().join("Dockerfile")).unwrap(), SEED);
}

// --- the done criteria of the core ---------------------------------------------------------

#[test]
fn the_seed_example_is_fixed_exactly() {
    let d = tree(&[("Dockerfile", SEED)]);
    let sel = [
        "--select",
        "pip-without-cache-mount,missing-syntax-directive,syntax-directive-experimental,cache-mount-not-writable-by-user,syntax-error,invalid-mount",
    ];
    let o = run(d.path(), &[&sel[..], &["--write"]].concat());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(fs::read_to_string(d.path().join("Dockerfile")).unwrap(), SEED_FIXED);
    assert_eq!(code(&run(d.path(), &sel)), 0);

    let exp = format!("# syntax = docker/dockerfile:experimental\n{SEED}");
    fs::write(d.path().join("Dockerfile"), exp).unwrap();
    assert_eq!(code(&run(d.path(), &[&sel[..], &["--write"]].concat())), 0);
    assert_eq!(
        fs::read_to_string(d.path().join("Dockerfile")).unwrap(),
        "# syntax = docker/dockerfile:1\nFROM python:3.6-alpine\nRUN --mount=type=cache,target=/root/.cache/pip pip install pyyaml==6.0.2\n"
    );
}

#[test]
fn crlf_stays_crlf() {
    let d = tree(&[("Dockerfile", &SEED.replace('\n', "\r\n"))]);
    assert_eq!(code(&run(d.path(), &["--write"])), 0);
    assert_eq!(
        fs::read_to_string(d.path().join("Dockerfile")).unwrap(),
        SEED_FIXED.replace('\n', "\r\n")
    );
}

#[test]
fn non_root_user_gets_a_cache_at_home_with_uid() {
    let d = tree(&[(
        "Dockerfile",
        "FROM python:3.12\nRUN useradd -m -u 1000 app\nUSER app\nRUN mkdir -p /home/app/.cache/pip\nRUN pip install pyyaml==6.0.2\n",
    )]);
    // the final `USER app` stays user-not-numeric's finding
    assert_eq!(code(&run(d.path(), &["--write", "--ignore", "user-not-numeric"])), 0);
    let text = fs::read_to_string(d.path().join("Dockerfile")).unwrap();
    assert!(
        text.ends_with("USER app\nRUN mkdir -p /home/app/.cache/pip\nRUN --mount=type=cache,target=/home/app/.cache/pip,uid=1000 pip install pyyaml==6.0.2\n"),
        "{text}"
    );
}

/// Without the directory made as the user, BuildKit would create the mount point owned by root:
/// the finding stays, with no fix.
#[test]
fn non_root_user_without_its_cache_directory_gets_no_fix() {
    let original = "FROM python:3.12\nRUN useradd -m -u 1000 app\nUSER app\nRUN pip install pyyaml==6.0.2\n";
    let d = tree(&[("Dockerfile", original)]);
    assert_eq!(code(&run(d.path(), &["--write"])), 1);
    assert_eq!(fs::read_to_string(d.path().join("Dockerfile")).unwrap(), original);
}

// --- standard input -------------------------------------------------------------------------

#[test]
fn stdin_is_linted_under_its_filename() {
    let d = tree(&[]);
    let o = run_stdin(
        d.path(),
        &["-", "--stdin-filename", "svc/Dockerfile", "--format", "concise"],
        SEED,
    );
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).starts_with("svc/Dockerfile:2:5: warning[pip-without-cache-mount]"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn stdin_with_write_prints_the_fixed_text() {
    let d = tree(&[]);
    let o = run_stdin(d.path(), &["-", "--write", "--quiet"], SEED);
    assert_eq!(stdout(&o), SEED_FIXED);
    assert_eq!(code(&o), 0);
}

// --- formats and flags ----------------------------------------------------------------------

#[test]
fn json_output() {
    let d = tree(&[("Dockerfile", SEED)]);
    let o = run(d.path(), &["--format", "json"]);
    assert_eq!(code(&o), 1);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let first = &v[0];
    assert_eq!(first["rule"], "pip-without-cache-mount");
    assert_eq!(first["severity"], "warning");
    assert_eq!(first["path"], "Dockerfile");
    assert_eq!(first["range"]["start"], serde_json::json!({"line": 2, "column": 5}));
    assert_eq!(first["start_byte"], 27);
    let fix = &first["fix"];
    assert_eq!(fix["applicability"], "safe");
    assert_eq!(
        fix["edits"][0]["content"],
        "--mount=type=cache,target=/root/.cache/pip "
    );
    assert_eq!(fix["edits"][0]["start_byte"], 27);
    assert_eq!(first["alternatives"], serde_json::json!([]));
}

#[test]
fn json_lines_and_output_file() {
    let d = tree(&[("Dockerfile", SEED), ("b/Dockerfile", SEED)]);
    let o = run(d.path(), &["--format", "json-lines", "--output-file", "report.jsonl"]);
    assert_eq!(code(&o), 1);
    assert_eq!(stdout(&o), "");
    let report = fs::read_to_string(d.path().join("report.jsonl")).unwrap();
    let paths: Vec<String> = report
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["path"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(paths, ["Dockerfile", "b/Dockerfile"], "sorted by path");
}

#[test]
fn fail_level_and_exit_zero() {
    let d = tree(&[("Dockerfile", SEED)]);
    assert_eq!(code(&run(d.path(), &["--fail-level", "error"])), 0);
    assert_eq!(code(&run(d.path(), &["--fail-level", "warning"])), 1);
    assert_eq!(code(&run(d.path(), &["--exit-zero"])), 0);
}

#[test]
fn select_ignore_groups_and_aliases() {
    let d = tree(&[("Dockerfile", SEED)]);
    let rules = |args: &[&str]| -> Vec<String> {
        let o = run(d.path(), &[args, &["--format", "json"]].concat());
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|d| d["rule"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(rules(&["--ignore", "DL3042"]), Vec::<String>::new());
    assert_eq!(rules(&["--select", "directives"]), Vec::<String>::new());
    assert_eq!(rules(&["--select", "hadolint"]), ["pip-without-cache-mount"]);
    assert_eq!(rules(&["--select", "DL3"]), ["pip-without-cache-mount"]);
    assert_eq!(
        rules(&["--select", "directives", "--extend-select", "cache"]),
        ["pip-without-cache-mount"]
    );
    assert_eq!(rules(&["--select", "ALL", "--ignore", "cache"]), Vec::<String>::new());
}

#[test]
fn syntax_error_is_reported_whatever_the_selection_unless_ignored_by_name() {
    let d = tree(&[("Dockerfile", "FROM a:1\nBOGUS x\n")]);
    let o = run(d.path(), &["--select", "cache", "--format", "concise"]);
    assert_eq!(
        stdout(&o),
        "Dockerfile:2:1: error[syntax-error] dockerfile parse error on line 2: unknown instruction: BOGUS\n"
    );
    let o = run(d.path(), &["--ignore", "syntax-error"]);
    assert_eq!(code(&o), 0);
    let o = run(d.path(), &["--ignore", "core"]);
    assert_eq!(code(&o), 1, "a group does not switch syntax-error off");
}

const APK_NO_CACHE: &str = "# syntax=docker/dockerfile:1\nFROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/apk apk update && apk add --no-cache curl=8.9.1-r0\n";

#[test]
fn statistics_count_safe_and_unsafe_fixes_as_the_summary_does() {
    let d = tree(&[
        ("Dockerfile", SEED),
        ("b/Dockerfile", SEED),
        ("apk/Dockerfile", APK_NO_CACHE),
    ]);
    let o = run(d.path(), &["--statistics"]);
    assert_eq!(code(&o), 1);
    assert_eq!(
        stdout(&o),
        "    2\tpip-without-cache-mount\t[2 fixable with --write]\n    1\tapk-no-cache-with-mount\t[1 fixable with --write --unsafe-fixes]\n"
    );
    assert_eq!(
        stderr(&o),
        "Found 3 problems in 3 files; 2 fixable with --write, 1 more with --unsafe-fixes.\n"
    );
    let o = run(d.path(), &["--statistics", "--unsafe-fixes"]);
    assert_eq!(
        stdout(&o),
        "    2\tpip-without-cache-mount\t[2 fixable with --write]\n    1\tapk-no-cache-with-mount\t[1 fixable with --write]\n"
    );
    assert_eq!(stderr(&o), "Found 3 problems in 3 files; 3 fixable with --write.\n");
}

#[test]
fn statistics_as_json() {
    let d = tree(&[
        ("Dockerfile", SEED),
        ("b/Dockerfile", SEED),
        ("apk/Dockerfile", APK_NO_CACHE),
    ]);
    let o = run(d.path(), &["--statistics", "--format", "json"]);
    assert_eq!(code(&o), 1);
    assert_eq!(stderr(&o), "", "no human summary");
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v,
        serde_json::json!([
            {"rule": "pip-without-cache-mount", "aliases": ["DL3042"], "count": 2, "fixable": 2, "unsafe_fixable": 0},
            {"rule": "apk-no-cache-with-mount", "aliases": [], "count": 1, "fixable": 0, "unsafe_fixable": 1},
        ])
    );
    let o = run(d.path(), &["--statistics", "--format", "json-lines"]);
    assert_eq!(
        stdout(&o),
        "{\"rule\":\"pip-without-cache-mount\",\"aliases\":[\"DL3042\"],\"count\":2,\"fixable\":2,\"unsafe_fixable\":0}\n\
         {\"rule\":\"apk-no-cache-with-mount\",\"aliases\":[],\"count\":1,\"fixable\":0,\"unsafe_fixable\":1}\n"
    );
    // nothing found: an empty array, not nothing
    let d = tree(&[("Dockerfile", CLEAN)]);
    let o = run(d.path(), &["--statistics", "--format", "json"]);
    assert_eq!((code(&o), stdout(&o)), (0, "[]\n".to_string()));
}

#[test]
fn statistics_with_diff_or_a_format_it_cannot_print_is_refused() {
    let d = tree(&[("Dockerfile", SEED)]);
    let o = run(d.path(), &["--statistics", "--diff"]);
    assert_eq!(code(&o), 2);
    assert_eq!(stdout(&o), "");
    assert!(
        stderr(&o).starts_with("error: the argument '--statistics' cannot be used with '--diff'\n"),
        "{}",
        stderr(&o)
    );
    let o = run(d.path(), &["--statistics", "--format", "sarif"]);
    assert_eq!(code(&o), 2);
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "dfix: --statistics prints text (--format human or concise) or JSON (--format json or json-lines), not --format sarif\n"
    );
}

#[test]
fn color_always_never_and_no_color() {
    let d = tree(&[("Dockerfile", SEED)]);
    assert!(stdout(&run(d.path(), &["--color", "always"])).contains("\u{1b}["));
    assert!(!stdout(&run(d.path(), &["--color", "never"])).contains("\u{1b}["));
    let o = dfix().current_dir(d.path()).env("NO_COLOR", "1").output().unwrap();
    assert!(!stdout(&o).contains("\u{1b}["));
}

#[test]
fn show_fixes_lists_alternatives() {
    let d = tree(&[(
        "Dockerfile",
        "FROM a\nUSER app\nRUN --mount=type=cache,target=/tmp/c make\n",
    )]);
    let o = run(d.path(), &["--color", "never"]);
    assert!(!stdout(&o).contains("alternative"));
    let o = run(d.path(), &["--color", "never", "--show-fixes"]);
    // the hint names what applies an alternative: not --write, whatever its flags
    assert!(
        stdout(&o).contains(
            "  = alternative: Make the cache world-writable with `mode=0777` (unsafe; a quick fix in the editor; --write never applies alternatives)\n"
        ),
        "{}",
        stdout(&o)
    );
    assert!(!stdout(&o).contains("--unsafe-fixes"), "{}", stdout(&o));
    // --unsafe-fixes does not apply alternatives
    let o = run(d.path(), &["--write", "--unsafe-fixes"]);
    assert_eq!(code(&o), 1);
    assert!(
        !fs::read_to_string(d.path().join("Dockerfile"))
            .unwrap()
            .contains("mode=0777")
    );
}

#[test]
fn version_and_quiet() {
    let d = tree(&[("Dockerfile", CLEAN)]);
    let o = run(d.path(), &["--version"]);
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), format!("dfix {}\n", dfix::VERSION));
    assert!(dfix::VERSION.starts_with(env!("CARGO_PKG_VERSION")));
    // built in a git checkout: the version names its commit (build.rs)
    let head = std::process::Command::new("git")
        .args(["-C", env!("CARGO_MANIFEST_DIR"), "rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let own_repo = Path::new(env!("CARGO_MANIFEST_DIR")).join(".git").exists();
    if let Some(head) = head.filter(|_| own_repo && option_env!("DFIX_COMMIT").is_none()) {
        assert_eq!(dfix::COMMIT, head);
        assert!(
            stdout(&o).starts_with(&format!("dfix {} ({head}", env!("CARGO_PKG_VERSION"))),
            "{}",
            stdout(&o)
        );
    }
    let o = run(d.path(), &["--quiet"]);
    assert_eq!(stderr(&o), "");
}

/// What a bash completion script offers for the words of a command line whose last word is
/// being completed.
fn bash_completions(script: &Path, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let cur = words.last().unwrap();
    let prev = words[words.len() - 2];
    let program = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={}; _dfix dfix '{cur}' '{prev}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        quoted.join(" "),
        words.len() - 1
    );
    let o = Command::new("bash").args(["-c", &program]).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o).lines().map(str::to_string).collect()
}

#[test]
fn completions_offer_subcommands_and_rule_names() {
    let d = tree(&[]);
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = run(d.path(), &["completions", shell]);
        assert_eq!(code(&o), 0, "{shell}");
        // every shell's script knows the subcommands; those that complete values (not
        // PowerShell's and Elvish's) know the rule names --select takes
        let values = matches!(shell, "bash" | "zsh" | "fish");
        for word in ["explain", "lsp", "pip-without-cache-mount", "install-after-broad-copy"] {
            if values || !word.contains('-') {
                assert!(stdout(&o).contains(word), "{shell} lacks {word}");
            }
        }
    }
    if Command::new("bash").arg("--version").output().is_err() {
        return;
    }
    let script = d.path().join("dfix.bash");
    fs::write(&script, stdout(&run(d.path(), &["completions", "bash"]))).unwrap();
    let first = bash_completions(&script, &["dfix", ""]);
    for sub in ["check", "explain", "lsp", "completions", "man"] {
        assert!(first.iter().any(|w| w == sub), "{sub} not in {first:?}");
    }
    assert_eq!(
        bash_completions(&script, &["dfix", "--select", "pip-w"]),
        ["pip-without-cache-mount"]
    );
    let families = bash_completions(&script, &["dfix", "check", "--ignore", "la"]);
    assert!(families.iter().any(|w| w == "layers"), "{families:?}");
}

/// The project's own image definition passes every rule, preview ones included, with this
/// checkout as its build context.
#[test]
fn the_projects_dockerfile_has_no_findings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = run(
        root,
        &[
            "--no-config",
            "--preview",
            "--context",
            ".",
            "--format",
            "concise",
            "Dockerfile",
        ],
    );
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn man_page_is_roff_that_man_renders() {
    let d = tree(&[]);
    let o = run(d.path(), &["man"]);
    assert_eq!(code(&o), 0);
    let page = stdout(&o);
    assert!(page.contains(".TH dfix 1"), "{page}");
    assert!(page.contains("\\-\\-select"), "{page}");
    // hundreds of rule names belong in completions, not in the page
    assert!(!page.contains("pip\\-without\\-cache\\-mount"));
    let file = d.path().join("dfix.1");
    fs::write(&file, &page).unwrap();
    let Ok(o) = Command::new("man")
        .arg("-l")
        .arg(&file)
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "100")
        .output()
    else {
        return; // no man here
    };
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    for heading in ["NAME", "SYNOPSIS", "OPTIONS", "SUBCOMMANDS"] {
        assert!(text.contains(heading), "{heading} not in {text}");
    }
    assert!(text.contains("--select"), "{text}");
}

#[test]
fn help_says_what_write_and_select_accept() {
    let d = tree(&[]);
    let o = run(d.path(), &["--help"]);
    assert_eq!(code(&o), 0);
    // clap wraps the help at the terminal's width: compare the words
    let help = stdout(&o).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains("--write Apply the safe fixes in place; unsafe fixes only with --unsafe-fixes"),
        "{help}"
    );
    assert!(
        help.contains(
            "--select <RULES> Rules to check, replacing the default selection: a comma-separated list of rule names, groups (cache, directives, core, hadolint, buildkit, ALL), hadolint codes (DL3042) or code prefixes (DL3)"
        ),
        "{help}"
    );
    assert!(
        help.contains("--ignore <RULES> Rules to skip: a comma-separated list, as for --select"),
        "{help}"
    );
}

#[test]
fn check_subcommand_and_paths_named_like_subcommands() {
    let d = tree(&[("explain/Dockerfile", SEED)]);
    let o = run(d.path(), &["check", "explain", "--format", "concise"]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("explain/Dockerfile:2:5"));
}

// --- discovery ------------------------------------------------------------------------------

#[test]
fn discovery_finds_dash_and_underscore_names_but_not_scripts() {
    let d = tree(&[
        ("Dockerfile-prod", SEED),
        ("ci/dockerfile_dev", SEED),
        ("Dockerfile-lint.sh", "#!/bin/sh\nhadolint Dockerfile-prod\n"),
        ("tools/dockerfile_parser.py", "import sys\n"),
        ("Dockerfiles", "not one\n"),
    ]);
    let o = run(d.path(), &["--format", "concise"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "Dockerfile-prod:2:5: warning[pip-without-cache-mount] [*] `pip install` runs without a cache mount on `/root/.cache/pip`: every build downloads the packages again\n\
         ci/dockerfile_dev:2:5: warning[pip-without-cache-mount] [*] `pip install` runs without a cache mount on `/root/.cache/pip`: every build downloads the packages again\n"
    );
}

#[test]
fn discovery_walks_hidden_directories_and_skips_templates_and_ignored_files() {
    let d = tree(&[
        (".devcontainer/Dockerfile", SEED),
        ("svc/api.Dockerfile", SEED),
        ("svc/Containerfile.prod", SEED),
        ("svc/Dockerfile.j2", SEED),
        ("svc/Dockerfile.dockerignore", SEED),
        ("ignored/Dockerfile", SEED),
        (".gitignore", "ignored/\n"),
        ("README.md", "x"),
    ]);
    let o = run(d.path(), &["--format", "concise"]);
    let files: Vec<&str> = stdout(&o)
        .leak()
        .lines()
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(
        files,
        [
            ".devcontainer/Dockerfile",
            "svc/Containerfile.prod",
            "svc/api.Dockerfile"
        ]
    );
    // a file named explicitly is linted whatever its name
    let o = run(d.path(), &["--format", "concise", "svc/Dockerfile.j2"]);
    assert!(stdout(&o).starts_with("svc/Dockerfile.j2:"));
}

// --- explain and debug ----------------------------------------------------------------------

#[test]
fn explain() {
    let d = tree(&[]);
    let o = run(d.path(), &["explain", "DL3042"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).starts_with("# pip-without-cache-mount\n"));
    // the page, then where it is online: the docs of this very version
    let url = format!(
        "https://dfix-dev.github.io/dfix/v{}/rules/pip-without-cache-mount.html",
        env!("CARGO_PKG_VERSION")
    );
    assert!(stdout(&o).ends_with(&format!("\nOnline: {url}\n")), "{}", stdout(&o));
    let o = run(d.path(), &["explain", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let pip = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "pip-without-cache-mount")
        .unwrap();
    assert_eq!(pip["family"], "cache");
    assert_eq!(pip["default"], "on");
    assert_eq!(pip["fix"], "sometimes");
    assert_eq!(pip["status"], "stable");
    assert_eq!(pip["sources"], serde_json::json!(["DL3042"]));
    assert_eq!(pip["options"][0]["name"], "prefer");
    assert_eq!(
        pip["options"][0]["kind"],
        serde_json::json!({ "one-of": ["mount", "clean"] })
    );
    assert_eq!(pip["options"][0]["default"], "mount");
    assert_eq!(pip["url"], url);
    let o = run(d.path(), &["explain"]);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["rule", "family", "severity", "default", "fix", "aliases"]
    );
    let row = |name: &str| {
        lines
            .iter()
            .find(|l| l.split_whitespace().next() == Some(name))
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
            .unwrap()
    };
    assert_eq!(
        row("pip-without-cache-mount"),
        [
            "pip-without-cache-mount",
            "cache",
            "warning",
            "on",
            "sometimes",
            "DL3042"
        ]
    );
    assert_eq!(
        row("syntax-error"),
        ["syntax-error", "core", "error", "on", "no", "DL1000,DL3043,DL3061"]
    );
    assert_eq!(row("conda-without-cache-mount")[3], "preview");
    // the legend says what the columns mean
    assert!(
        out.contains("\nfix       always: every finding has a fix; no: dfix never fixes it; sometimes: a fix exists\n"),
        "{out}"
    );
    assert!(out.contains(
        "\ndefault   on: runs unless deselected; preview: runs with --preview or when named; opt-in: runs\n"
    ));
    assert_eq!(row("shellcheck")[3], "opt-in");
    assert_eq!(code(&run(d.path(), &["explain", "nope"])), 2);
}

#[test]
fn debug_model() {
    let d = tree(&[("Dockerfile", "FROM a\nRUN --mount=type=cache,target=/c \\\n  make\n")]);
    let o = run(d.path(), &["debug", "model", "Dockerfile"]);
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["file"], "Dockerfile");
    assert_eq!(v["ok"], true);
    assert_eq!(v["instructions"][1]["cmd"], "run");
    assert_eq!(
        (
            v["instructions"][1]["start"].as_u64(),
            v["instructions"][1]["end"].as_u64()
        ),
        (Some(2), Some(3))
    );
    assert_eq!(
        v["instructions"][1]["mounts"][0],
        serde_json::json!({"type": "cache", "target": "/c", "readonly": false})
    );
}

/// The `console` session in README.md is real: each `$ dfix …` prints what follows it
/// (standard output, then standard error).
#[test]
fn readme_session_is_true() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = fs::read_to_string(root.join("README.md")).unwrap();
    let block = readme
        .split("```console\n")
        .nth(1)
        .expect("README has a console block")
        .split("\n```")
        .next()
        .unwrap();
    let mut sessions: Vec<(String, String)> = Vec::new();
    for line in block.lines() {
        match line.strip_prefix("$ ") {
            Some(cmd) => sessions.push((cmd.to_string(), String::new())),
            None => {
                let (_, out) = sessions.last_mut().expect("output before a command");
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    assert!(sessions.len() >= 2);
    for (cmd, want) in sessions {
        let args: Vec<&str> = cmd.split_whitespace().collect();
        assert_eq!(args[0], "dfix");
        let o = run(root, &args[1..]);
        let have = format!("{}{}", stdout(&o), stderr(&o));
        assert_eq!(have.trim_end(), want.trim_end(), "README: `{cmd}`");
    }
}

// --- configuration --------------------------------------------------------------------------

#[test]
fn nearest_config_applies_per_file_and_the_cli_wins() {
    let d = tree(&[
        ("dfix.toml", "ignore = [\"pip-without-cache-mount\"]\n"),
        ("a/Dockerfile", SEED),
        (
            "b/dfix.toml",
            "extend = \"../dfix.toml\"\nextend-select = [\"pip-without-cache-mount\"]\n",
        ),
        ("b/Dockerfile", SEED),
    ]);
    let o = run(d.path(), &["--format", "concise"]);
    assert_eq!(
        stdout(&o),
        "b/Dockerfile:2:5: warning[pip-without-cache-mount] [*] `pip install` runs without a cache mount on `/root/.cache/pip`: every build downloads the packages again\n"
    );
    // the command line over the file
    let o = run(d.path(), &["--format", "concise", "--extend-select", "DL3042"]);
    assert_eq!(stdout(&o).lines().count(), 2);
    let o = run(d.path(), &["--format", "concise", "--ignore", "cache"]);
    assert_eq!(stdout(&o), "");
    // --no-config: the defaults
    let o = run(d.path(), &["--format", "concise", "--no-config"]);
    assert_eq!(stdout(&o).lines().count(), 2);
}

#[test]
fn declared_base_images_give_the_user_home_and_environment() {
    let df = "FROM docker.io/corp/python-base:3.12\nRUN pip install flask==3.1.0\n";
    let toml = "[images.\"corp/python-base*\"]\nuser = \"app\"\nuid = 10001\ngid = 10001\nhome = \"/home/app\"\n";
    let d = tree(&[("Dockerfile", df), ("dfix.toml", toml)]);
    let o = run(
        d.path(),
        &["--format", "concise", "--select", "pip-without-cache-mount"],
    );
    assert!(stdout(&o).contains("`/home/app/.cache/pip`"), "{}", stdout(&o));
    // no fix until the cache directory exists as the user's: BuildKit would create it as root's
    assert!(!stdout(&o).contains("[*]"), "{}", stdout(&o));
    let made =
        "FROM docker.io/corp/python-base:3.12\nRUN mkdir -p /home/app/.cache/pip\nRUN pip install flask==3.1.0\n";
    fs::write(d.path().join("Dockerfile"), made).unwrap();
    let o = run(d.path(), &["--diff", "--select", "pip-without-cache-mount"]);
    assert!(
        stdout(&o).contains("--mount=type=cache,target=/home/app/.cache/pip,uid=10001,gid=10001"),
        "{}",
        stdout(&o)
    );
    // the image's environment: pip keeps no cache there
    let toml = "[images.\"corp/python-base*\"]\nenv = { PIP_NO_CACHE_DIR = \"1\" }\n";
    let d = tree(&[("Dockerfile", df), ("dfix.toml", toml)]);
    let o = run(
        d.path(),
        &["--format", "concise", "--select", "pip-without-cache-mount"],
    );
    assert_eq!(stdout(&o), "");
    // a bad key is located
    let d = tree(&[("Dockerfile", df), ("dfix.toml", "[images.\"corp/*\"]\nhome = 1\n")]);
    let o = run(d.path(), &[]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("dfix.toml:2:8: `images.\"corp/*\".home` must be an absolute path"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn config_named_on_the_command_line_may_live_outside_the_tree() {
    let conf = tree(&[("shared.toml", "[severity]\npip-without-cache-mount = \"error\"\n")]);
    let d = tree(&[("Dockerfile", SEED), ("dfix.toml", "ignore = [\"ALL\"]\n")]);
    let path = conf.path().join("shared.toml");
    let o = run(d.path(), &["--format", "concise", "--config", path.to_str().unwrap()]);
    assert!(stdout(&o).contains("error[pip-without-cache-mount]"), "{}", stdout(&o));
    assert_eq!(code(&o), 1);
}

#[test]
fn fail_level_and_unsafe_fixes_from_the_config() {
    let d = tree(&[("dfix.toml", "fail-level = \"error\"\n"), ("Dockerfile", SEED)]);
    assert_eq!(code(&run(d.path(), &[])), 0);
    assert_eq!(code(&run(d.path(), &["--fail-level", "info"])), 1);
}

#[test]
fn bad_config_is_one_located_error_and_exit_2() {
    let d = tree(&[
        ("svc/dfix.toml", "select = [\"cache\"]\nselekt = [\"x\"]\n"),
        ("svc/Dockerfile", SEED),
        ("ok/Dockerfile", SEED),
    ]);
    let o = run(d.path(), &["--format", "concise"]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.starts_with("dfix: svc/dfix.toml:2:1: unknown field `selekt`"),
        "{err}"
    );
    assert!(err.contains("2 | selekt = [\"x\"]\n  | ^^^^^^\n"), "{err}");
    assert_eq!(err.matches("unknown field").count(), 1, "said once");
    assert!(
        stdout(&o).starts_with("ok/Dockerfile:2:5"),
        "the other files are still linted"
    );
}

#[test]
fn a_bad_config_is_never_followed_by_all_checks_passed() {
    let d = tree(&[("dfix.toml", "selct = [\"cache\"]\n"), ("Dockerfile", CLEAN)]);
    let o = run(d.path(), &[]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.starts_with("dfix: dfix.toml:1:1: unknown field `selct`"), "{err}");
    assert!(!err.contains("All checks passed"), "{err}");
    assert_eq!(
        err.lines().last(),
        Some("1 error: 1 configuration file is invalid."),
        "{err}"
    );
}

#[test]
fn exclude_and_force_exclude() {
    let d = tree(&[
        ("dfix.toml", "exclude = [\"vendor/\"]\n"),
        ("vendor/x/Dockerfile", SEED),
        ("Dockerfile", CLEAN),
    ]);
    let o = run(d.path(), &["--format", "concise"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    // a file named explicitly is linted, unless --force-exclude
    assert_eq!(code(&run(d.path(), &["vendor/x/Dockerfile"])), 1);
    assert_eq!(code(&run(d.path(), &["--force-exclude", "vendor/x/Dockerfile"])), 0);
}

#[test]
fn per_file_ignores_and_rule_options() {
    let d = tree(&[
        (
            "dfix.toml",
            "[per-file-ignores]\n\"legacy/**\" = [\"DL3042\"]\n\n[rules.pip-without-cache-mount]\nprefer = \"clean\"\n",
        ),
        ("legacy/Dockerfile", SEED),
        ("new/Dockerfile", SEED),
    ]);
    let o = run(d.path(), &["--diff"]);
    let out = stdout(&o);
    assert!(!out.contains("legacy/Dockerfile"), "{out}");
    assert!(out.contains("+RUN pip install --no-cache-dir pyyaml==6.0.2\n"), "{out}");
}

#[test]
fn hadolint_config_is_read_when_no_dfix_config_applies() {
    let d = tree(&[(".hadolint.yaml", "ignored:\n  - DL3042\n"), ("Dockerfile", SEED)]);
    let o = run(d.path(), &["--format", "concise"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert_eq!(
        stderr(&o)
            .matches("using the hadolint configuration .hadolint.yaml")
            .count(),
        1,
        "{}",
        stderr(&o)
    );
    let d = tree(&[
        (".hadolint.yaml", "ignored:\n  - DL3042\n"),
        ("dfix.toml", ""),
        ("Dockerfile", SEED),
    ]);
    assert_eq!(code(&run(d.path(), &[])), 1, "a dfix.toml wins");
}

#[test]
fn show_settings() {
    let d = tree(&[
        (
            "dfix.toml",
            "select = [\"cache\"]\n[rules.pip-without-cache-mount]\nprefer = \"clean\"\n",
        ),
        ("Dockerfile", SEED),
    ]);
    let o = run(d.path(), &["--show-settings", "Dockerfile"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    assert!(out.contains("config: "), "{out}");
    assert!(out.contains("  pip-without-cache-mount (warning)\n"), "{out}");
    assert!(out.contains("  syntax-error (error)\n"));
    assert!(!out.contains("missing-syntax-directive"));
    assert!(out.contains("  pip-without-cache-mount.prefer = \"clean\"\n"));
}

#[test]
fn show_settings_of_a_missing_path_is_an_error() {
    let d = tree(&[("Dockerfile", SEED)]);
    let o = run(d.path(), &["--show-settings", "nope/Dockerfile"]);
    assert_eq!(code(&o), 2);
    assert_eq!(stdout(&o), "");
    assert_eq!(stderr(&o), "dfix: nope/Dockerfile: no such file or directory\n");
}

// --- suppression ----------------------------------------------------------------------------

#[test]
fn suppression_comments() {
    let text = "FROM python:3.12\n# dfix: ignore=DL3042 -- mirrors are slow\nRUN pip install a==1.0\n# hadolint ignore=DL3042,DL3059\nRUN pip install b==1.0\n# dfix: ignore=consecutive-runs\nRUN pip install c==1.0\n";
    let d = tree(&[("Dockerfile", text)]);
    let o = run(d.path(), &["--format", "concise"]);
    assert_eq!(
        stdout(&o)
            .lines()
            .map(|l| l.split(':').nth(1).unwrap())
            .collect::<Vec<_>>(),
        ["7"],
        "{}",
        stdout(&o)
    );
    let d = tree(&[(
        "Dockerfile",
        &format!("{text}# dfix: ignore-file=pip-without-cache-mount\n"),
    )]);
    assert_eq!(code(&run(d.path(), &[])), 0);
    let d = tree(&[("Dockerfile", &format!("# check=skip=all\n{text}"))]);
    assert_eq!(code(&run(d.path(), &[])), 1, "BuildKit's `all` means BuildKit's checks");
}

#[test]
fn unused_suppressions_are_reported_and_fixed() {
    let d = tree(&[(
        "Dockerfile",
        "FROM python:3.12\n# dfix: ignore=pip-without-cache-mount,invalid-mount\nRUN pip install a==1.0\n# dfix: ignore=DL3042,consecutive-runs\nRUN echo\n# dfix: ignore=consecutive-runs\n# hadolint ignore=DL3042\nRUN echo\n",
    )]);
    let o = run(d.path(), &["--format", "concise"]);
    let out = stdout(&o);
    assert!(
        out.contains("Dockerfile:2:40: info[unused-suppression] [*] `invalid-mount` suppresses nothing here"),
        "{out}"
    );
    assert!(
        out.contains("Dockerfile:4:16: info[unused-suppression] [*] `DL3042` suppresses nothing here"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 2, "hadolint pragmas are not judged: {out}");
    assert_eq!(code(&run(d.path(), &["--write"])), 0);
    assert_eq!(
        fs::read_to_string(d.path().join("Dockerfile")).unwrap(),
        "FROM python:3.12\n# dfix: ignore=pip-without-cache-mount\nRUN pip install a==1.0\n# dfix: ignore=consecutive-runs\nRUN echo\n# dfix: ignore=consecutive-runs\n# hadolint ignore=DL3042\nRUN echo\n"
    );
    // a rule that did not run is not judged
    let d = tree(&[("Dockerfile", "FROM python:3.12\n# dfix: ignore=DL3042\nRUN echo\n")]);
    assert_eq!(code(&run(d.path(), &["--ignore", "pip-without-cache-mount"])), 0);
}

#[test]
fn add_ignore_then_nothing_is_reported() {
    let text = "# syntax=docker/dockerfile:1\n\nFROM python\n# hadolint ignore=DL3008\n  RUN pip install a==1.0\n# dfix: ignore=invalid-mount\nRUN --mount=type=cache,target=/c,z pip install b==1.0\n";
    let d = tree(&[("Dockerfile", text)]);
    let o = run(d.path(), &["--add-ignore"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        fs::read_to_string(d.path().join("Dockerfile")).unwrap(),
        "# syntax=docker/dockerfile:1\n\n# dfix: ignore=image-without-tag\nFROM python\n  # dfix: ignore=pip-without-cache-mount\n# hadolint ignore=DL3008\n  RUN pip install a==1.0\n# dfix: ignore=invalid-mount,pip-without-cache-mount\nRUN --mount=type=cache,target=/c,z pip install b==1.0\n"
    );
    assert_eq!(code(&run(d.path(), &[])), 0);
    let before = fs::read_to_string(d.path().join("Dockerfile")).unwrap();
    assert_eq!(code(&run(d.path(), &["--add-ignore"])), 0);
    assert_eq!(
        fs::read_to_string(d.path().join("Dockerfile")).unwrap(),
        before,
        "idempotent"
    );
}

#[test]
fn add_ignore_never_suppresses_what_breaks_the_build() {
    // a RUN before FROM (syntax-error) and a mount BuildKit rejects (invalid-mount); a
    // directive given twice (parser-directive-duplicate)
    let a =
        "RUN echo\nFROM python:3.12\nRUN --mount=type=cache,target=/c,z pip install b==1.0\nRUN pip install c==1.0\n";
    let b = "# syntax=docker/dockerfile:1\n# syntax=docker/dockerfile:1\nFROM python:3.12\n";
    let d = tree(&[("a/Dockerfile", a), ("b/Dockerfile", b)]);
    let o = run(d.path(), &["--add-ignore", "--format", "concise"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let a_after = "RUN echo\nFROM python:3.12\n# dfix: ignore=missing-syntax-directive,pip-without-cache-mount\nRUN --mount=type=cache,target=/c,z pip install b==1.0\n# dfix: ignore=pip-without-cache-mount\nRUN pip install c==1.0\n";
    assert_eq!(fs::read_to_string(d.path().join("a/Dockerfile")).unwrap(), a_after);
    assert_eq!(fs::read_to_string(d.path().join("b/Dockerfile")).unwrap(), b);
    let findings = "a/Dockerfile:1:1: error[syntax-error] no build stage in current context\n\
                    a/Dockerfile:4:34: error[invalid-mount] invalid field 'z' must be a key=value pair\n\
                    b/Dockerfile:2:1: error[parser-directive-duplicate] only one syntax parser directive can be used: line 1 already sets it, so BuildKit refuses the file\n";
    assert_eq!(stdout(&o), findings);
    assert_eq!(
        stderr(&o),
        "dfix: a/Dockerfile: not suppressed: invalid-mount, syntax-error (BuildKit would not build the file as written)\n\
         dfix: b/Dockerfile: not suppressed: parser-directive-duplicate (BuildKit would not build the file as written)\n"
    );
    // the files still fail, and --add-ignore again changes nothing
    let o = run(d.path(), &["--format", "concise"]);
    assert_eq!((code(&o), stdout(&o)), (1, findings.to_string()));
    let o = run(d.path(), &["--add-ignore", "--diff"]);
    assert_eq!((code(&o), stdout(&o)), (0, String::new()));
    assert_eq!(fs::read_to_string(d.path().join("a/Dockerfile")).unwrap(), a_after);
}

/// The configuration example in README.md is valid and does what its comments say.
#[test]
fn readme_config_example_is_valid() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = fs::read_to_string(root.join("README.md")).unwrap();
    let example = readme
        .split("```toml\n")
        .nth(1)
        .expect("README has a toml block")
        .split("\n```")
        .next()
        .unwrap();
    let d = tree(&[
        ("shared/dfix.toml", ""),
        ("repo/dfix.toml", example),
        ("repo/Dockerfile", SEED),
        ("repo/vendor/Dockerfile", SEED),
    ]);
    let o = run(&d.path().join("repo"), &["--show-settings", "Dockerfile"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("fail-level: warning"), "{out}");
    assert!(
        out.contains("  poetry-without-cache-mount") || dfix::rules::find("poetry-without-cache-mount").is_none(),
        "{out}"
    );
    assert!(
        !out.contains("  pip-without-cache-mount ("),
        "ignored through its alias: {out}"
    );
    assert!(out.contains("  missing-syntax-directive.value = \"registry.example.com/docker/dockerfile:1\""));
    let o = run(&d.path().join("repo"), &["--format", "concise"]);
    assert!(!stdout(&o).contains("vendor/"), "{}", stdout(&o));
}

/// A rule that panics fails its file alone: exit 2, one line naming the file and the rule, the
/// file untouched, and the other files linted and fixed.
#[test]
fn a_panicking_rule_fails_only_its_file() {
    let broken = "# dfix-test-panic\nFROM python:3.12\nRUN pip install flask==3.1.0\n";
    let fine = "FROM python:3.12\nRUN pip install flask==3.1.0\n";
    let d = tree(&[("a/Dockerfile", broken), ("b/Dockerfile", fine)]);
    let o = dfix()
        .current_dir(d.path())
        .env("DFIX_TEST_PANIC", "pip-without-cache-mount")
        .args(["--write", "--color", "never", "a", "b"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "dfix: a/Dockerfile: internal error in rule `pip-without-cache-mount`: the test panic of pip-without-cache-mount"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("1 error: 1 file hit an internal error."), "{stderr}");
    assert!(!stdout.contains("All checks passed") && !stderr.contains("All checks passed"));
    assert_eq!(fs::read_to_string(d.path().join("a/Dockerfile")).unwrap(), broken);
    let fixed = fs::read_to_string(d.path().join("b/Dockerfile")).unwrap();
    assert!(
        fixed.contains("RUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.1.0"),
        "{fixed}"
    );
}

#[test]
fn concise_marks_only_the_fixes_write_applies() {
    // pipe-without-pipefail's fix (a SHELL with pipefail) is unsafe
    let d = tree(&[(
        "Dockerfile",
        "FROM debian:12\nRUN curl -fsS https://example.com/i.sh | sh\n",
    )]);
    let line = |args: &[&str]| {
        let o = run(d.path(), args);
        stdout(&o)
            .lines()
            .find(|l| l.contains("[pipe-without-pipefail]"))
            .unwrap_or_else(|| panic!("{}", stdout(&o)))
            .to_string()
    };
    assert!(!line(&["--format", "concise"]).contains("[*]"));
    assert!(line(&["--format", "concise", "--unsafe-fixes"]).contains("[pipe-without-pipefail] [*]"));
}

// --- the build context: --context and `context` ------------------------------------------

const COPIES: &str = "FROM alpine:3.22\nCOPY secrets/dev.env /etc/app/\nCOPY app.log /var/log/\n";

fn copy_ignored(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["--format", "concise", "--select", "copy-ignored-file"];
    args.extend_from_slice(extra);
    run(dir, &args)
}

#[test]
fn context_dockerignore_excludes_a_copied_file() {
    let d = tree(&[("Dockerfile", COPIES), (".dockerignore", "# local only\nsecrets\n")]);
    let o = copy_ignored(d.path(), &["--no-config", "--context", ".", "Dockerfile"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "Dockerfile:2:6: warning[copy-ignored-file] `.dockerignore` excludes `secrets/dev.env` from \
         the build context with its folder `secrets` (line 2: `secrets`), so this `COPY` cannot read it\n"
    );
}

#[test]
fn context_with_a_git_folder_copied_whole() {
    // a `.git` folder in the context, a `COPY .`, a Dockerfile in a subfolder of the context
    let df = "FROM alpine:3.22\nCOPY . /app/\n";
    let d = tree(&[
        ("docker/Dockerfile", df),
        (".git/HEAD", "ref: refs/heads/main\n"),
        (".dockerignore", "*.log\n"),
    ]);
    let args = [
        "--format",
        "concise",
        "--preview",
        "--select",
        "git-dir-in-context",
        "--no-config",
    ];
    let o = run(
        d.path(),
        &[&args[..], &["--context", ".", "docker/Dockerfile"]].concat(),
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "docker/Dockerfile:2:6: warning[git-dir-in-context] `COPY` of the whole build context, `.git` \
         folder included (`.dockerignore` does not exclude it): `.git` changes with every commit (and \
         `docker/Dockerfile`, the Dockerfile itself, with every edit), so this step and every one \
         after it re-run each time; add `.git` and `docker/Dockerfile` to `.dockerignore`\n"
    );
    // without the context, or with `.git` excluded, nothing
    let o = run(d.path(), &[&args[..], &["docker/Dockerfile"]].concat());
    assert_eq!((code(&o), stdout(&o)), (0, String::new()));
    fs::write(d.path().join(".dockerignore"), ".git\n").unwrap();
    let o = run(
        d.path(),
        &[&args[..], &["--context", ".", "docker/Dockerfile"]].concat(),
    );
    assert_eq!((code(&o), stdout(&o)), (0, String::new()));
}

#[test]
fn context_is_silent_without_one() {
    let d = tree(&[("Dockerfile", COPIES), (".dockerignore", "secrets\n")]);
    let o = copy_ignored(d.path(), &["--no-config", "Dockerfile"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert_eq!(stdout(&o), "");
}

#[test]
fn context_dockerfile_named_ignore_file_comes_first() {
    // `<name>.dockerignore` next to the Dockerfile replaces the context's `.dockerignore`
    let d = tree(&[
        ("build/app.Dockerfile", COPIES),
        ("build/app.Dockerfile.dockerignore", "*.log\n"),
        ("build/other.Dockerfile", COPIES),
        ("src/.dockerignore", "secrets\n"),
    ]);
    let o = copy_ignored(
        d.path(),
        &[
            "--no-config",
            "--context",
            "src",
            "build/app.Dockerfile",
            "build/other.Dockerfile",
        ],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains(
            "build/app.Dockerfile:3:6: warning[copy-ignored-file] `app.Dockerfile.dockerignore` excludes `app.log`"
        ),
        "{out}"
    );
    // the same context serves every file named; without its own ignore file, the context's
    assert!(
        out.contains(
            "build/other.Dockerfile:2:6: warning[copy-ignored-file] `.dockerignore` excludes `secrets/dev.env`"
        ),
        "{out}"
    );
    assert_eq!(out.lines().count(), 2, "{out}");
}

#[test]
fn context_ignore_file_with_exceptions_is_not_judged() {
    // BuildKit skips the check when a pattern starts with `!`
    let d = tree(&[("Dockerfile", COPIES), (".dockerignore", "secrets\n*.log\n!keep.log\n")]);
    let o = copy_ignored(d.path(), &["--no-config", "--context", ".", "Dockerfile"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

#[test]
fn context_that_is_not_a_directory_is_an_error() {
    let d = tree(&[("Dockerfile", COPIES), ("file", "")]);
    for bad in ["missing", "file"] {
        let o = copy_ignored(d.path(), &["--no-config", "--context", bad, "Dockerfile"]);
        assert_eq!(code(&o), 2, "{bad}");
        assert_eq!(stderr(&o), format!("dfix: --context `{bad}` is not a directory\n"));
        assert_eq!(stdout(&o), "");
    }
}

#[test]
fn context_from_the_configuration_is_relative_to_its_folder() {
    let d = tree(&[
        ("svc/dfix.toml", "context = \"../ctx\"\n"),
        ("svc/Dockerfile", COPIES),
        ("ctx/.dockerignore", "*.log\n"),
    ]);
    let o = copy_ignored(&d.path().join("svc"), &["Dockerfile"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stdout(&o).contains("Dockerfile:3:6: warning[copy-ignored-file] `.dockerignore` excludes `app.log`"));
    let shown = run(&d.path().join("svc"), &["--show-settings", "Dockerfile"]);
    assert!(stdout(&shown).contains("context: "), "{}", stdout(&shown));
    // --context on the command line wins over the file's
    let other = tree(&[(".dockerignore", "secrets\n")]);
    let o = copy_ignored(
        &d.path().join("svc"),
        &["--context", other.path().to_str().unwrap(), "Dockerfile"],
    );
    assert!(stdout(&o).contains("excludes `secrets/dev.env`"), "{}", stdout(&o));
    assert!(!stdout(&o).contains("app.log"), "{}", stdout(&o));
    // a configured context that is not a directory
    fs::write(d.path().join("svc/dfix.toml"), "context = \"nowhere\"\n").unwrap();
    let o = copy_ignored(&d.path().join("svc"), &["Dockerfile"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("dfix.toml:1:11: `context` names `nowhere`, which is not a directory"),
        "{}",
        stderr(&o)
    );
}

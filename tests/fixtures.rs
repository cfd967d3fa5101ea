//! Fixtures per rule: `tests/fixtures/<rule>/<name>.df`, one test each (`<rule>/<name>`), so a
//! broken fixture fails alone and `cargo test --test fixtures -- <rule>` runs one rule's.
//!
//! Each fixture is linted with **its own rule** selected (preview included), so a new rule never
//! rewrites another rule's snapshots. The snapshot holds the input, the findings in the concise
//! format, the diffs of `--write` and of `--write --unsafe-fixes`, and what the rule still finds
//! after them. `ok-*` fixtures must have no finding of the rule.
//!
//! Then the fixture is linted and fixed once more with **every rule**: no fix may create a
//! finding of a rule that did not fire before, fixing converges, and a second pass changes
//! nothing. A fixture folder's `dfix.toml`, if any, applies to its fixtures (rule options).

use dfix::report::{FileReport, Format, emit};
use dfix::settings::{Selection, Settings};
use libtest_mimic::{Arguments, Failed, Trial};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn main() {
    let args = Arguments::from_args();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut trials = Vec::new();
    for dir in sorted(&root) {
        let rule = dir.file_name().unwrap().to_str().unwrap().to_string();
        assert!(
            dfix::rules::find(&rule).is_some(),
            "tests/fixtures/{rule} names no rule"
        );
        for file in sorted(&dir)
            .into_iter()
            .filter(|f| f.extension().is_some_and(|e| e == "df"))
        {
            let name = file.file_stem().unwrap().to_str().unwrap().to_string();
            let rule = rule.clone();
            trials.push(Trial::test(format!("{rule}/{name}"), move || {
                check(&rule, &name, &file)
            }));
        }
    }
    assert!(trials.len() >= 20, "only {} fixtures", trials.len());
    libtest_mimic::run(&args, trials).exit();
}

fn sorted(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    paths
}

/// The rule (or group) `select` with preview on, over the fixture folder's `dfix.toml` when it
/// has one (rule options such as a label schema, a build `context`).
fn settings(select: &str, dir: &Path) -> Settings {
    let config = dir.join("dfix.toml");
    let mut layers = if config.is_file() {
        dfix::config::load_chain(&config).unwrap_or_else(|e| panic!("{e}"))
    } else {
        Vec::new()
    };
    layers.push(Selection {
        select: Some(vec![select.to_string()]),
        preview: Some(true),
        ..Selection::default()
    });
    Settings::from_layers(&layers).unwrap()
}

/// Line ends and other invisible bytes made visible, so snapshots show them.
fn visible(s: &str) -> String {
    s.replace('\r', "␍").replace('\u{feff}', "<BOM>").replace('\t', "→")
}

fn concise(path: &str, text: &str, settings: &Settings) -> String {
    let report = FileReport {
        path: path.to_string(),
        source: text.to_string(),
        diagnostics: dfix::lint(text, settings),
        unsafe_fixes: false,
    };
    let mut out = Vec::new();
    emit(Format::Concise, &[report], &mut out, false, false).unwrap();
    String::from_utf8(out).unwrap()
}

/// The names of the rules that find something in `text`.
fn rules_found(text: &str, settings: &Settings) -> BTreeSet<&'static str> {
    dfix::lint(text, settings).iter().map(|d| d.rule.name()).collect()
}

fn check(rule: &str, name: &str, file: &Path) -> Result<(), Failed> {
    let text = String::from_utf8(std::fs::read(file).unwrap()).map_err(|e| format!("{e}"))?;
    let shown = format!("{rule}/{name}.df");

    // the rule alone
    let dir = file.parent().unwrap();
    let own = settings(rule, dir);
    let findings = concise(&shown, &text, &own);
    if findings.is_empty() != name.starts_with("ok-") {
        return Err(format!("{shown}: findings of {rule}:\n{findings}").into());
    }
    let mut snapshot = format!(
        "--- input ---\n{}\n--- findings ---\n{}",
        visible(&text),
        visible(&findings)
    );
    let mut fixed_text = text.clone();
    for (title, unsafe_fixes) in [("--write", false), ("--write --unsafe-fixes", true)] {
        let fixed = dfix::fix(&text, &own, unsafe_fixes);
        if let Some(failure) = fixed.failure {
            return Err(format!("{shown}: {title}: {failure:?}").into());
        }
        if unsafe_fixes && fixed.text == fixed_text {
            continue;
        }
        let diff = dfix::fix::diff::unified_diff(&shown, &text, &fixed.text);
        snapshot += &format!("\n--- {title} ---\n{}", visible(&diff));
        fixed_text = fixed.text;
    }
    let after = concise(&shown, &fixed_text, &own);
    snapshot += &format!("\n--- findings after ---\n{}", visible(&after));
    insta::with_settings!({ prepend_module_to_snapshot => false, snapshot_path => "snapshots", omit_expression => true }, {
        insta::assert_snapshot!(format!("fixtures__{rule}__{name}"), snapshot);
    });

    // every rule: fixes create no finding, converge, and are idempotent
    let all = settings("ALL", dir);
    let before = rules_found(&text, &all);
    let fixed = dfix::fix(&text, &all, true);
    if let Some(failure) = fixed.failure {
        return Err(format!("{shown}: every rule, --write --unsafe-fixes: {failure:?}").into());
    }
    let created: Vec<_> = rules_found(&fixed.text, &all).difference(&before).copied().collect();
    if !created.is_empty() {
        return Err(format!(
            "{shown}: the fixes of every rule create findings of {created:?}:\n{}",
            fixed.text
        )
        .into());
    }
    if dfix::fix(&fixed.text, &all, true).text != fixed.text {
        return Err(format!("{shown}: a second --write --unsafe-fixes changes the file").into());
    }
    Ok(())
}

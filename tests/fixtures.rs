//! Fixtures per rule (`tests/fixtures/<rule>/*.df`; `ok-*` ones have no finding of the rule): the findings of every rule (preview
//! included) as rendered, and the unified diff of `--write --unsafe-fixes`, as snapshots.

use dfix::report::{FileReport, Format, emit};
use dfix::settings::{Selection, Settings};
use std::path::Path;

/// Line ends and other invisible bytes made visible, so snapshots show them.
fn visible(s: &str) -> String {
    s.replace('\r', "␍").replace('\u{feff}', "<BOM>").replace('\t', "→")
}

fn render(path: &str, text: &str, settings: &Settings) -> String {
    let report = FileReport {
        path: path.to_string(),
        source: text.to_string(),
        diagnostics: dfix::lint(text, settings),
    };
    let mut out = Vec::new();
    emit(Format::Human, &[report], &mut out, false, true).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn fixtures() {
    let settings = Settings::from_selection(&Selection {
        preview: Some(true),
        ..Selection::default()
    })
    .unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut cases = 0;
    let mut rules: Vec<_> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    rules.sort();
    for dir in rules {
        let rule = dir.file_name().unwrap().to_str().unwrap().to_string();
        assert!(
            dfix::rules::find(&rule).is_some(),
            "tests/fixtures/{rule} names no rule"
        );
        let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for file in files {
            let name = file.file_stem().unwrap().to_str().unwrap();
            let text = String::from_utf8(std::fs::read(&file).unwrap()).unwrap();
            let shown = format!("{rule}/{name}.df");
            let findings = render(&shown, &text, &settings);
            // `ok-*` fixtures show what the rule leaves alone
            let found = findings.contains(&format!("[{rule}]"));
            assert_eq!(
                found,
                !name.starts_with("ok-"),
                "{shown}: findings of {rule}:\n{findings}"
            );
            let fixed = dfix::fix(&text, &settings, true);
            assert!(fixed.failure.is_none(), "{shown}: {:?}", fixed.failure);
            let second = dfix::fix(&fixed.text, &settings, true);
            assert_eq!(second.text, fixed.text, "{shown}: a second --write changes the file");
            let diff = dfix::fix::diff::unified_diff(&shown, &text, &fixed.text);
            let after = render(&shown, &fixed.text, &settings);
            let snapshot = format!(
                "--- input ---\n{}\n--- findings ---\n{}\n--- --write --unsafe-fixes ---\n{}\n--- findings after ---\n{}",
                visible(&text),
                visible(&findings),
                visible(&diff),
                visible(&after)
            );
            insta::assert_snapshot!(format!("{rule}__{name}"), snapshot);
            cases += 1;
        }
    }
    assert!(cases >= 20, "only {cases} fixtures");
}

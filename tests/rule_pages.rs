//! Every rule's page in `rules/` is executed: `bad` blocks give exactly one finding of the rule,
//! `good` blocks none, and a `fixed` block is the preceding `bad` block after the rule's own
//! preferred fixes. The index `rules/README.md` is generated from the registry.

use dfix::diagnostic::Applicability;
use dfix::dockerignore::BuildContext;
use dfix::rules::{Family, FixAvailability, RULES, RuleMeta, upstream};
use dfix::settings::{OptionKind, OptionValue, Selection, Settings};
use std::path::Path;
use std::sync::Arc;

struct Block {
    tag: String,
    options: Vec<(String, String)>,
    text: String,
    line: usize,
}

fn blocks(page: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut lines = page.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        // ```text .dockerignore: the build context's ignore file for the examples after it
        // (`git=dir` after it: the context also has a `.git` folder)
        let info = match line.strip_prefix("```dockerfile") {
            Some(info) => info,
            None if line.trim_end() == "```text .dockerignore" => " .dockerignore",
            None if line.trim_end() == "```text .dockerignore git=dir" => " .dockerignore git=dir",
            None => continue,
        };
        let mut words = info.split_whitespace();
        let tag = words.next().unwrap_or("").to_string();
        let options = words
            .filter_map(|w| w.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut text = String::new();
        for (_, l) in lines.by_ref() {
            if l.starts_with("```") {
                break;
            }
            text.push_str(l);
            text.push('\n');
        }
        out.push(Block {
            tag,
            options,
            text,
            line: n + 1,
        });
    }
    out
}

/// Only the page's rule runs (with `syntax-error`), plus the rules an `extend=a,b` option names
/// — for rules that judge other rules' findings.
fn settings_for(rule: &str, options: &[(String, String)]) -> Settings {
    let extend: Vec<String> = options
        .iter()
        .filter(|(k, _)| k == "extend")
        .flat_map(|(_, v)| v.split(',').map(str::to_string))
        .collect();
    let selection = Selection {
        select: Some(vec![rule.to_string()]),
        extend_select: extend,
        ..Selection::default()
    };
    let mut s = Settings::from_selection(&selection).unwrap();
    for (k, v) in options.iter().filter(|(k, _)| k != "extend" && k != "unsafe") {
        let value = match dfix::settings::option_kind(rule, k) {
            Some(OptionKind::Bool) => OptionValue::Bool(v == "true"),
            // `labels=a,b`; `labels=` is the empty list
            Some(OptionKind::StringList) => {
                OptionValue::List(v.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect())
            }
            Some(_) => OptionValue::String(v.clone()),
            None => panic!("rule {rule} has no option {k}"),
        };
        s.options.set(rule, k, value);
    }
    s
}

/// The `shellcheck` rule's examples run the program: without it they are skipped, with a note.
#[allow(clippy::print_stderr)]
fn shellcheck_installed() -> bool {
    let ok = dfix::shellcheck::available();
    if !ok {
        eprintln!("note: `shellcheck` is not on PATH: rules/shellcheck.md's examples are not run");
    }
    ok
}

fn count(rule: &str, text: &str, settings: &Settings) -> usize {
    dfix::lint(text, settings)
        .iter()
        .filter(|d| d.rule.name() == rule)
        .count()
}

#[test]
fn every_rule_page_is_true() {
    let mut failures = Vec::new();
    for rule in RULES {
        let name = rule.meta.name;
        let page = rule.meta.doc;
        assert!(
            page.starts_with(&format!("# {name}\n")),
            "rules/{name}.md must start with its name"
        );
        for section in ["## What it does", "## Why is this bad?", "## Example", "## References"] {
            assert!(page.contains(section), "rules/{name}.md lacks `{section}`");
        }
        // a cache rule says what its findings and fixes assume that the file may not say, right
        // after why the pattern is bad
        if rule.meta.family == Family::Cache {
            let at = |h: &str| page.find(&format!("\n{h}\n"));
            let Some(assumptions) = at("## Assumptions") else {
                panic!("rules/{name}.md lacks `## Assumptions`");
            };
            // the next section after it
            let next = page[assumptions + 1..].find("\n## ").map(|i| assumptions + 1 + i);
            assert!(
                at("## Why is this bad?")
                    .is_some_and(|why| why < assumptions && !page[why + 1..assumptions].contains("\n## "))
                    && next == at("## Example"),
                "rules/{name}.md: `## Assumptions` belongs right after `## Why is this bad?`, before `## Example`"
            );
        }
        for o in rule.meta.options {
            assert!(
                page.contains("## Options") && page.contains(&format!("`{}", o.name)),
                "rules/{name}.md does not document its option `{}` under `## Options`",
                o.name
            );
        }
        if rule.meta.fix != FixAvailability::None {
            assert!(page.contains("## Fix safety"), "rules/{name}.md lacks `## Fix safety`");
        }
        let blocks = blocks(page);
        assert!(
            blocks.iter().any(|b| b.tag == "bad"),
            "rules/{name}.md has no `bad` example"
        );
        if name == "shellcheck" && !shellcheck_installed() {
            continue;
        }
        let mut last_bad: Option<&Block> = None;
        // a `.dockerignore` block gives the examples after it a build context holding it
        let mut context: Option<(tempfile::TempDir, Arc<BuildContext>)> = None;
        for b in &blocks {
            if b.tag == ".dockerignore" {
                let dir = tempfile::tempdir().unwrap();
                std::fs::write(dir.path().join(".dockerignore"), &b.text).unwrap();
                if b.options.iter().any(|(k, v)| k == "git" && v == "dir") {
                    std::fs::create_dir(dir.path().join(".git")).unwrap();
                }
                let ctx = Arc::new(BuildContext::new(dir.path().to_path_buf()));
                context = Some((dir, ctx));
                continue;
            }
            let mut settings = settings_for(name, &b.options);
            settings.context = context.as_ref().map(|(_, c)| c.clone());
            let at = format!("rules/{name}.md:{}", b.line);
            match b.tag.as_str() {
                "bad" => {
                    let n = count(name, &b.text, &settings);
                    if n != 1 {
                        failures.push(format!(
                            "{at}: `bad` gives {n} findings of {name}: {:?}",
                            dfix::lint(&b.text, &settings)
                        ));
                    }
                    last_bad = Some(b);
                }
                "good" => {
                    let n = count(name, &b.text, &settings);
                    if n != 0 {
                        failures.push(format!(
                            "{at}: `good` gives {n} findings of {name}: {:?}",
                            dfix::lint(&b.text, &settings)
                        ));
                    }
                }
                "fixed" => {
                    let bad = last_bad.unwrap_or_else(|| panic!("{at}: `fixed` without a `bad` before it"));
                    let unsafe_fixes = b.options.iter().any(|(k, v)| k == "unsafe" && v == "true");
                    let outcome = dfix::fix(&bad.text, &settings, unsafe_fixes);
                    assert!(outcome.failure.is_none(), "{at}: {:?}", outcome.failure);
                    if outcome.text != b.text {
                        failures.push(format!("{at}: the fix gives\n{}\nnot\n{}", outcome.text, b.text));
                    }
                    let parsed = dfix::syntax::parse(&b.text);
                    if !parsed.errors.is_empty() || count(name, &b.text, &settings) != 0 {
                        failures.push(format!(
                            "{at}: the `fixed` text is not clean: {:?}",
                            dfix::lint(&b.text, &settings)
                        ));
                    }
                }
                "ignore" => {}
                other => failures.push(format!("{at}: unknown block tag `{other}`")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The page's `## ` sections (headings outside code blocks) with their text, in order.
fn sections(page: &str) -> Vec<(&str, String)> {
    let mut out: Vec<(&str, String)> = Vec::new();
    let mut fenced = false;
    for line in page.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        }
        if !fenced && line.starts_with("## ") {
            out.push((line, String::new()));
        } else if let Some((_, body)) = out.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    out
}

/// The fixtures a `## Real builds` section names, each with the fix it claims was built: every
/// `` `tests/real-builds/fixtures/NAME` `` followed by ` (safe)` or ` (unsafe)`.
fn real_build_claims(section: &str) -> Result<Vec<(String, Applicability)>, String> {
    const PREFIX: &str = "`tests/real-builds/fixtures/";
    let mut out = Vec::new();
    let mut rest = section;
    while let Some(at) = rest.find(PREFIX) {
        rest = &rest[at + PREFIX.len()..];
        let end = rest.find('`').ok_or("an unclosed fixture path")?;
        let name = rest[..end].trim_end_matches('/').to_string();
        rest = &rest[end + 1..];
        let applicability = if rest.starts_with(" (safe)") {
            Applicability::Safe
        } else if rest.starts_with(" (unsafe)") {
            Applicability::Unsafe
        } else {
            return Err(format!("`{name}` is not followed by ` (safe)` or ` (unsafe)`"));
        };
        out.push((name, applicability));
    }
    Ok(out)
}

/// Each cache or layers rule with a fix says, right after `## Fix safety`, on which real-build fixtures
/// (`tests/real-builds/`) BuildKit verified its fix, or why none can be built. Each fixture a
/// page names exists, is not marked as failing the fixed build (an `# expect:` line other than
/// `build-fails-orig`), and gets the rule's finding with a fix of the kind the page says, with
/// the settings `run.sh` runs dfix with (the default, or `--preview` when the fixture asks).
#[test]
fn real_builds_sections_name_fixtures_that_get_the_fix() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/real-builds/fixtures");
    let settings = Settings::default();
    let mut failures = Vec::new();
    for rule in RULES {
        let name = rule.meta.name;
        let sections = sections(rule.meta.doc);
        let at = sections.iter().position(|(h, _)| *h == "## Real builds");
        if matches!(rule.meta.family, Family::Cache | Family::Layers) && rule.meta.fix != FixAvailability::None {
            let after_fix_safety = sections.iter().position(|(h, _)| *h == "## Fix safety").map(|i| i + 1);
            if at.is_none() || at != after_fix_safety {
                failures.push(format!(
                    "rules/{name}.md: no `## Real builds` right after `## Fix safety`"
                ));
            }
        }
        let Some(at) = at else { continue };
        let body = &sections[at].1;
        if body.trim().is_empty() {
            failures.push(format!("rules/{name}.md: `## Real builds` is empty"));
        }
        let claims = match real_build_claims(body) {
            Ok(claims) => claims,
            Err(e) => {
                failures.push(format!("rules/{name}.md: `## Real builds`: {e}"));
                continue;
            }
        };
        for (fixture, applicability) in claims {
            let at = format!("rules/{name}.md names tests/real-builds/fixtures/{fixture}");
            let Ok(text) = std::fs::read_to_string(fixtures.join(&fixture).join("Dockerfile")) else {
                failures.push(format!("{at}, which has no Dockerfile"));
                continue;
            };
            for expect in text.lines().filter_map(|l| l.strip_prefix("# expect:")) {
                let tag = expect.split_whitespace().next().unwrap_or("");
                if tag != "build-fails-orig" {
                    failures.push(format!("{at}, which expects a failure: `{tag}`"));
                }
            }
            // `# dfix-args: --preview`: run.sh runs dfix with the preview rules
            let preview_settings;
            let settings = if text
                .lines()
                .any(|l| l.starts_with("# dfix-args:") && l.contains("--preview"))
            {
                preview_settings = Settings::from_selection(&Selection {
                    preview: Some(true),
                    ..Selection::default()
                })
                .unwrap();
                &preview_settings
            } else {
                &settings
            };
            let found: Vec<_> = dfix::lint(&text, settings)
                .into_iter()
                .filter(|d| d.rule.name() == name)
                .collect();
            if !found
                .iter()
                .any(|d| d.fix.as_ref().is_some_and(|f| f.applicability == applicability))
            {
                failures.push(format!(
                    "{at} for its {applicability:?} fix, but dfix finds there: {:?}",
                    found
                        .iter()
                        .map(|d| (&d.message, d.fix.as_ref().map(|f| f.applicability)))
                        .collect::<Vec<_>>()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_page_belongs_to_a_rule() {
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name == "README.md" {
            continue;
        }
        let stem = name.strip_suffix(".md").expect("only Markdown in rules/");
        assert!(dfix::rules::find(stem).is_some(), "rules/{name} has no rule");
    }
}

/// The agreement target of the hadolint parity issue, read from the committed measurement
/// (`bench/hadolint-agreement.md`, regenerated by `bench/hadolint-compat.sh`): for every hadolint
/// rule with at least 20 findings on the corpus, dfix agrees on 95 % of hadolint's findings and
/// 95 % of its own, or each dfix rule answering for it explains the difference on its page.
#[test]
fn hadolint_disagreements_are_explained() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let table = std::fs::read_to_string(root.join("bench/hadolint-agreement.md")).unwrap();
    let percent = |c: &str| c.trim().trim_end_matches('%').trim().parse::<f64>().ok();
    let mut checked = 0;
    for row in table.lines().filter(|l| l.starts_with("| DL")) {
        let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
        let [code, hadolint, rules, _, _, of_hadolint, of_dfix] = cells[..] else {
            panic!("a row of 7 cells: {row}")
        };
        if hadolint.parse::<usize>().unwrap() < 20 {
            continue;
        }
        checked += 1;
        if percent(of_hadolint).unwrap_or(0.0) >= 95.0 && percent(of_dfix).unwrap_or(0.0) >= 95.0 {
            continue;
        }
        let names: Vec<&str> = rules.split('`').skip(1).step_by(2).collect();
        assert!(!names.is_empty(), "{code}: no dfix rule answers for it");
        for name in names {
            let page = std::fs::read_to_string(root.join(format!("rules/{name}.md"))).unwrap();
            assert!(
                page.contains("## Differences from hadolint"),
                "{code} agrees below 95 %: rules/{name}.md must explain why (## Differences from hadolint)"
            );
        }
    }
    assert!(
        checked >= 20,
        "only {checked} rows of 20 hadolint findings or more: the table's format changed?"
    );
}

fn index() -> String {
    let mut s = String::from(
        "# Rules\n\nGenerated from the registry by `DFIX_BLESS=1 cargo test --test rule_pages`; do not edit.\n\n\
         By family: ",
    );
    let families: Vec<Family> = Family::ALL
        .into_iter()
        .filter(|f| RULES.iter().any(|r| r.meta.family == *f))
        .collect();
    let links: Vec<String> = families.iter().map(|f| format!("[`{f}`](#{f})")).collect();
    s.push_str(&links.join(", "));
    s.push_str(". By upstream name: [hadolint](#coming-from-hadolint), [BuildKit](#coming-from-buildkits-checks).\n");
    for family in families {
        s.push_str(&format!(
            "\n## {family}\n\n| rule | default | severity | fix | aliases | summary |\n|---|---|---|---|---|---|\n"
        ));
        for r in RULES.iter().filter(|r| r.meta.family == family) {
            let m = r.meta;
            let aliases = m
                .sources
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ");
            s.push_str(&format!(
                "| [`{}`]({}.md) | {} | {} | {} | {aliases} | {} |\n",
                m.name,
                m.name,
                default_of(m),
                m.severity.as_str(),
                fix_of(m),
                m.summary.replace('|', "\\|")
            ));
        }
    }
    s.push_str(
        "\n## Coming from hadolint\n\nEach `DL` code is an alias: `--ignore DL3008` and \
         `# hadolint ignore=DL3008` name the dfix rule.\n\n\
         | hadolint | its default | dfix rule | dfix default |\n|---|---|---|---|\n",
    );
    for (code, level) in upstream::HADOLINT {
        s.push_str(&format!("| `{code}` | {level} | {} |\n", answer(code)));
    }
    s.push_str(
        "\n## Coming from BuildKit's checks\n\nEach check's name is an alias: `# check=skip=JSONArgsRecommended` \
         and `--ignore JSONArgsRecommended` name the dfix rule.\n\n\
         | BuildKit check | dfix rule | dfix default |\n|---|---|---|\n",
    );
    for check in upstream::BUILDKIT {
        s.push_str(&format!("| `{check}` | {} |\n", answer(check)));
    }
    s
}

fn default_of(m: &RuleMeta) -> &'static str {
    m.status.default_name()
}

fn fix_of(m: &RuleMeta) -> &'static str {
    match m.fix {
        FixAvailability::Always => "always",
        FixAvailability::Sometimes => "sometimes",
        FixAvailability::None => "none",
    }
}

/// The dfix rules answering for an upstream name, and their defaults, as two table cells.
fn answer(upstream_name: &str) -> String {
    if let Some(why) = upstream::not_applicable(upstream_name) {
        return format!("not applicable: {why} | –");
    }
    let rules: Vec<&RuleMeta> = RULES
        .iter()
        .map(|r| r.meta)
        .filter(|m| m.sources.contains(&upstream_name))
        .collect();
    if rules.is_empty() {
        return "not yet | –".to_string();
    }
    let names: Vec<String> = rules.iter().map(|m| format!("[`{}`]({}.md)", m.name, m.name)).collect();
    let defaults: Vec<&str> = rules.iter().map(|m| default_of(m)).collect();
    format!("{} | {}", names.join(", "), defaults.join(", "))
}

#[test]
fn rule_index_is_generated() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/README.md");
    let want = index();
    if std::env::var_os("DFIX_BLESS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        have, want,
        "rules/README.md is out of date: run `DFIX_BLESS=1 cargo test --test rule_pages`"
    );
}

/// `scripts/new-rule` in a copy of the parts of the tree it reads: what it refuses, and that
/// what it makes is a rule file `build.rs` takes, a page with what this test requires and a
/// fixture.
#[test]
fn the_scaffold_makes_a_rule_and_refuses_bad_names() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let status = std::process::Command::new("cp")
        .args(["-r", "--parents", "scripts/new-rule", "src/rules"])
        .arg(root)
        .current_dir(repo)
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::create_dir_all(root.join("rules")).unwrap();
    std::fs::create_dir_all(root.join("tests/fixtures")).unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(root.join("scripts/new-rule"))
            .args(args)
            .output()
            .unwrap()
    };
    for bad in [
        &["Demo", "core"][..],
        &["demo--rule", "core"],
        &["demo_rule", "core"],
        &["pip-without-cache-mount", "cache"],
        &["demo-rule", "nosuch"],
        &["demo-rule"],
    ] {
        let out = run(bad);
        assert!(!out.status.success(), "{bad:?} was accepted");
        assert!(!root.join("rules/demo-rule.md").exists());
    }

    let out = run(&["demo-rule", "instructions"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let last = RULES.iter().map(|r| r.meta.fix_priority).max().unwrap();
    let file = std::fs::read_to_string(root.join("src/rules/instructions/demo_rule.rs")).unwrap();
    for want in [
        "pub static META: RuleMeta = RuleMeta {".to_string(),
        "    name: \"demo-rule\",\n".to_string(),
        "    family: Family::Instructions,\n".to_string(),
        format!("    fix_priority: {},\n", last + 10),
        "    doc: include_str!(\"../../../rules/demo-rule.md\"),\n".to_string(),
        "pub fn check(ctx: &mut Context) {".to_string(),
    ] {
        assert!(file.contains(&want), "no `{want}` in\n{file}");
    }
    let page = std::fs::read_to_string(root.join("rules/demo-rule.md")).unwrap();
    assert!(page.starts_with("# demo-rule\n"));
    for section in ["## What it does", "## Why is this bad?", "## Example", "## References"] {
        assert!(page.contains(section), "the page lacks `{section}`");
    }
    assert!(blocks(&page).iter().any(|b| b.tag == "bad"));
    assert!(root.join("tests/fixtures/demo-rule/basic.df").is_file());
    assert!(!run(&["demo-rule", "core"]).status.success(), "a second demo-rule");
}

//! `dfix explain`: a rule's page, or the table of every rule.

use super::{ERROR, ExplainArgs, ExplainFormat, OK, error};
use crate::rules::{Family, FixAvailability, RULES, RuleMeta};
use std::io::{self, Write};

pub(super) fn explain(args: ExplainArgs) -> u8 {
    let mut out = io::stdout().lock();
    let metas: Vec<_> = match &args.rule {
        Some(name) => match crate::settings::rule_id(name) {
            Some(id) => vec![id.meta()],
            None => {
                let hint = crate::suggest::did_you_mean(name, RULES.iter().map(|r| r.meta.name));
                error(format!("unknown rule `{name}`{hint}"));
                return ERROR;
            }
        },
        None => RULES.iter().map(|r| r.meta).collect(),
    };
    let written = match args.format {
        ExplainFormat::Json => {
            let items: Vec<_> = metas
                .iter()
                .map(|m| {
                    serde_json::json!({
                        "name": m.name, "family": m.family, "severity": m.severity,
                        "default": m.status.default_name(),
                        "fix": m.fix, "status": m.status, "sources": m.sources, "related": m.related,
                        "summary": m.summary, "options": m.options,
                        "url": crate::rule_url(m.name),
                    })
                })
                .collect();
            let v = if args.rule.is_some() {
                items.into_iter().next().unwrap_or_default()
            } else {
                serde_json::Value::Array(items)
            };
            writeln!(out, "{}", serde_json::to_string_pretty(&v).unwrap_or_default())
        }
        ExplainFormat::Text if args.rule.is_some() => {
            let m = metas[0];
            write!(out, "{}\nOnline: {}\n", m.doc, crate::rule_url(m.name))
        }
        ExplainFormat::Text => rule_table(&mut out, &metas),
    };
    if written.is_err() { ERROR } else { OK }
}

/// `dfix explain`: one row per rule under a header, then what the columns mean.
fn rule_table(out: &mut dyn Write, metas: &[&RuleMeta]) -> io::Result<()> {
    // columns as wide as the longest rule and family names
    let nw = RULES.iter().map(|r| r.meta.name.len()).max().unwrap_or(0) + 2;
    let fw = Family::ALL.iter().map(|f| f.name().len()).max().unwrap_or(0);
    let row = |out: &mut dyn Write, cells: [&str; 6]| {
        let [name, family, severity, default, fix, aliases] = cells;
        let line = format!("{name:<nw$} {family:<fw$} {severity:<8} {default:<7} {fix:<9} {aliases}");
        writeln!(out, "{}", line.trim_end())
    };
    row(out, ["rule", "family", "severity", "default", "fix", "aliases"])?;
    for m in metas {
        let fix = match m.fix {
            FixAvailability::Always => "always",
            FixAvailability::Sometimes => "sometimes",
            FixAvailability::None => "no",
        };
        let default = m.status.default_name();
        let aliases = m.sources.join(",");
        row(
            out,
            [m.name, m.family.name(), m.severity.as_str(), default, fix, &aliases],
        )?;
    }
    write!(out, "{EXPLAIN_LEGEND}")
}

const EXPLAIN_LEGEND: &str = "
default   on: runs unless deselected; preview: runs with --preview or when named; opt-in: runs
          only when named or switched on (--shellcheck)
fix       always: every finding has a fix; no: dfix never fixes it; sometimes: a fix exists
          only in some cases (the finding says why when it has none and the reason is known)
aliases   other names the rule answers to (hadolint codes, BuildKit checks, former names)

`dfix explain RULE` prints a rule's page.
";

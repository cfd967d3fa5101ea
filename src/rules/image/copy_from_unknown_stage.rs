use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::syntax::model::Kind;
use crate::syntax::text::TextRange;

pub static META: RuleMeta = RuleMeta {
    name: "copy-from-unknown-stage",
    family: Family::Image,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3022"],
    related: &[],
    summary: "`COPY --from` naming no stage defined before it",
    options: &[],
    fix_priority: 545,
    after_suppressions: false,
    doc: include_str!("../../../rules/copy-from-unknown-stage.md"),
};

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    for ins in &model.instructions {
        if ins.kind != Kind::Copy || ins.invalid {
            continue;
        }
        let Some(s) = ins.stage else { continue };
        let Some(flag) = ins.flag("from") else { continue };
        let Some(value) = flag.value.as_ref().filter(|v| !v.is_empty()) else { continue };
        let line_of = |i: usize| model.instructions[model.stages[i].from].start_line;
        let message = match value.parse::<usize>() {
            _ if value.contains('$') => format!(
                "BuildKit does not expand variables in `--from` and refuses `{value}`: name a stage \
                 `FROM <image with the variable> AS <name>` and copy from that"
            ),
            // the stage it is in: `copy-from-own-stage`
            Ok(n) if n <= s => continue,
            Ok(n) if n < model.stages.len() => format!(
                "stage {n} is defined later, on line {}: copy from stages defined before",
                line_of(n)
            ),
            Ok(n) => format!("there is no stage {n}: the file has {} stages", model.stages.len()),
            // BuildKit reads any integer as an index (`strconv.Atoi`), and refuses a negative one
            Err(_) if value.parse::<i64>().is_ok() => {
                format!("BuildKit reads `{value}` as a stage index, and there is no stage {value}: the build fails")
            }
            Err(_) => {
                // an image reference (`nginx:1.27`, `ghcr.io/org/tool`)
                if value.contains([':', '/', '@']) {
                    continue;
                }
                let lower = value.to_ascii_lowercase();
                match model.stages.iter().position(|st| st.name.as_deref() == Some(lower.as_str())) {
                    Some(n) if n <= s => continue,
                    Some(n) => format!(
                        "the stage `{value}` is defined later, on line {}: copy from stages defined before",
                        line_of(n)
                    ),
                    None => format!(
                        "no stage is named `{value}`: BuildKit copies from the image `{value}` of Docker Hub"
                    ),
                }
            }
        };
        let raw = &ctx.src[flag.range.start..flag.range.end];
        let range = raw
            .find('=')
            .map_or(flag.range, |eq| TextRange::new(flag.range.start + eq + 1, flag.range.end));
        let d = ctx.report(range, message);
        d.no_fix_reason = Some("which stage was meant is the author's choice".into());
    }
}

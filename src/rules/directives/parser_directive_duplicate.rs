use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "parser-directive-duplicate",
    family: Family::Directives,
    severity: Severity::Error,
    breaks_build: true,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &[],
    related: &[],
    summary: "the same parser directive twice in the directive block",
    options: &[],
    fix_priority: 70,
    after_suppressions: false,
    doc: include_str!("../../../rules/parser-directive-duplicate.md"),
};

pub fn check(ctx: &mut Context) {
    let set = &ctx.model.directives;
    let Some(dup) = &set.duplicate else { return };
    let first = set.get(&dup.key).map_or(0, |d| d.line + 1);
    ctx.report(
        dup.line_range,
        format!(
            "only one {} parser directive can be used: line {first} already sets it, so BuildKit refuses the file",
            dup.key
        ),
    );
}

#[cfg(test)]
mod tests {
    use crate::settings::{Selection, Settings};

    fn rules(selection: Selection) -> Vec<(&'static str, String)> {
        let settings = Settings::from_selection(&selection).unwrap();
        crate::lint("# escape=`\n# ESCAPE=\\\nFROM alpine\n", &settings)
            .into_iter()
            .map(|d| (d.rule.name(), d.message))
            .collect()
    }

    #[test]
    fn owns_the_parse_error_while_it_runs() {
        let found = rules(Selection::default());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "parser-directive-duplicate");
        assert!(found[0].1.starts_with("only one escape parser directive can be used"));
        let found = rules(Selection {
            ignore: vec!["parser-directive-duplicate".into()],
            ..Selection::default()
        });
        assert_eq!(
            found,
            vec![(
                "syntax-error",
                "only one escape parser directive can be used".to_string()
            )]
        );
    }
}

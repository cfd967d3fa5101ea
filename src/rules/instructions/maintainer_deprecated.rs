use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::syntax::model::Kind;

pub static META: RuleMeta = RuleMeta {
    name: "maintainer-deprecated",
    family: Family::Instructions,
    severity: Severity::Error,
    breaks_build: false,
    fix: FixAvailability::Always,
    status: Status::Stable,
    sources: &["DL4000", "MaintainerDeprecated"],
    related: &[],
    summary: "the deprecated `MAINTAINER` instruction",
    options: &[],
    fix_priority: 410,
    after_suppressions: false,
    doc: include_str!("../../../rules/maintainer-deprecated.md"),
};

pub fn check(ctx: &mut Context) {
    let escape = ctx.model.escape;
    for ins in &ctx.model.instructions {
        if ins.kind != Kind::Maintainer || ins.invalid {
            continue;
        }
        let keyword = if ins.keyword.chars().all(|c| c.is_ascii_lowercase()) {
            "label"
        } else {
            "LABEL"
        };
        let label = format!(
            "{keyword} org.opencontainers.image.authors={}",
            quote(ins.args_text.trim(), escape)
        );
        let fix = Fix::unsafe_(
            "Replace with the `org.opencontainers.image.authors` label",
            vec![Edit::replace(ins.range, label)],
        );
        ctx.report_with_fix(
            ins.range,
            "`MAINTAINER` is deprecated; use the `org.opencontainers.image.authors` label",
            Some(fix),
        );
    }
}

/// `value` as one double-quoted word of BuildKit's word lexer, which `LABEL` reads and expands:
/// `"`, `$` and the escape character are escaped with the escape character.
fn quote(value: &str, escape: char) -> String {
    let mut s = String::from('"');
    for c in value.chars() {
        if c == '"' || c == '$' || c == escape {
            s.push(escape);
        }
        s.push(c);
    }
    s.push('"');
    s
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quotes_for_the_word_lexer() {
        assert_eq!(quote(r#"Jo "J" Doe <jo@x.org>"#, '\\'), r#""Jo \"J\" Doe <jo@x.org>""#);
        assert_eq!(quote(r"C:\home $USER", '\\'), r#""C:\\home \$USER""#);
        assert_eq!(quote(r"C:\home `x` $U", '`'), r#""C:\home ``x`` `$U""#);
    }
}

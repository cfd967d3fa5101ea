use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::syntax::model::Kind;
use crate::semantic::scope;
use crate::syntax::words::arg_words;

pub static META: RuleMeta = RuleMeta {
    name: "copy-dest-without-slash",
    family: Family::Instructions,
    severity: Severity::Error,
    breaks_build: false,
    fix: FixAvailability::Always,
    status: Status::Stable,
    sources: &["DL3021"],
    related: &[],
    summary: "`COPY` of several sources to a destination not ending in `/`",
    options: &[],
    fix_priority: 432,
    after_suppressions: false,
    doc: include_str!("../../../rules/copy-dest-without-slash.md"),
};

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    let escape = model.escape;
    for (i, ins) in model.instructions.iter().enumerate() {
        if ins.kind != Kind::Copy || ins.invalid {
            continue;
        }
        let words = arg_words(ctx.src, ins, escape);
        let Some((dest, sources)) = words.split_last() else { continue };
        let value = dest.value.trim_matches(['"', '\'']);
        // a trailing `\` is a folder on Windows, where such destinations are written
        if sources.len() < 2 || value.ends_with(['/', '\\']) || value.is_empty() {
            continue;
        }
        // `COPY "a b" /x` is not two sources: the shell form splits at blanks whatever the
        // quotes, and BuildKit refuses the unterminated quotes of `"a` and `b"`
        if ins.json.is_none() && words.iter().any(|w| unbalanced(&w.value)) {
            continue;
        }
        // the builder checks the expanded destination: `ARG DEST=/opt/` then `COPY a b $DEST`
        // is a folder; a variable the file does not define is not judged
        if value.contains('$') {
            let scope = scope::scope_at(model, i);
            let defined = ins
                .vars
                .iter()
                .filter(|v| dest.range.contains_range(v.range))
                .all(|v| matches!(scope.get(&v.name), Some(Some(_))));
            if !defined || scope.expand(value).is_none_or(|v| v.ends_with('/')) {
                continue;
            }
        }
        let written = dest.range.slice(ctx.src);
        let at = if written.ends_with(['"', '\'']) && written.len() > 1 {
            dest.range.end - 1
        } else {
            dest.range.end
        };
        // unsafe: without the slash, BuildKit copies each source over the file at the destination
        // in turn (measured with Docker 20.10's built-in BuildKit), so the image changes
        let fix = Fix::unsafe_("Add a trailing `/`", vec![Edit::insert(at, "/")]);
        ctx.report_with_fix(
            dest.range,
            format!(
                "`COPY` of {} sources: the destination `{value}` must be a folder, written with \
                 a trailing `/`",
                sources.len()
            ),
            Some(fix),
        );
    }
}

/// A word with an unterminated quote.
fn unbalanced(word: &str) -> bool {
    word.matches('"').count() % 2 == 1 || word.matches('\'').count() % 2 == 1
}

use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::syntax::model::Kind;
use crate::syntax::text::TextRange;

pub static META: RuleMeta = RuleMeta {
    name: "copy-from-root",
    family: Family::Image,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3067"],
    related: &[],
    summary: "`COPY --from=… / /`, a whole filesystem copied from another stage or image",
    options: &[],
    fix_priority: 555,
    after_suppressions: false,
    doc: include_str!("../../../rules/copy-from-root.md"),
};

pub fn check(ctx: &mut Context) {
    for ins in &ctx.model.instructions {
        if ins.kind != Kind::Copy || ins.invalid || !ins.heredocs.is_empty() {
            continue;
        }
        let Some(from) = ins.flag("from").and_then(|f| f.value.as_deref()) else { continue };
        let words: Vec<(String, TextRange)> = match &ins.json {
            Some(json) => json.iter().map(|w| (w.value.clone(), w.range)).collect(),
            None => words(ctx.src, ins.args, ctx.model.escape),
        };
        let Some(((dest, _), sources)) = words.split_last() else { continue };
        if sources.is_empty() || dest != "/" {
            continue;
        }
        let Some((_, range)) = sources.iter().find(|(w, _)| w == "/") else { continue };
        let d = ctx.report(
            *range,
            format!("this copies the whole filesystem of `{from}` over this stage's"),
        );
        d.no_fix_reason = Some("which paths the stage needs is the author's choice".into());
    }
}

/// The arguments' words as BuildKit splits them (whitespace, line continuations skipped),
/// with surrounding quotes removed, and where each is written.
fn words(src: &str, args: TextRange, escape: char) -> Vec<(String, TextRange)> {
    let text = &src[args.start..args.end];
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let push = |out: &mut Vec<(String, TextRange)>, a: usize, b: usize| {
        let w = &text[a..b];
        let unquoted = ['"', '\'']
            .iter()
            .find_map(|q| w.strip_prefix(*q).and_then(|x| x.strip_suffix(*q)))
            .unwrap_or(w);
        out.push((unquoted.to_string(), TextRange::new(args.start + a, args.start + b)));
    };
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        // a line continuation: the escape character, blanks, then the end of the line
        if c == escape && text[i + c.len_utf8()..].trim_start_matches([' ', '\t', '\r']).starts_with('\n') {
            if let Some(a) = start.take() {
                push(&mut out, a, i);
            }
            for (_, n) in chars.by_ref() {
                if n == '\n' {
                    break;
                }
            }
            continue;
        }
        if c.is_whitespace() {
            if let Some(a) = start.take() {
                push(&mut out, a, i);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(a) = start {
        push(&mut out, a, text.len());
    }
    out
}

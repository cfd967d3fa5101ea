use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::syntax::check::parse_words;
use crate::syntax::model::{Instruction, Kind};
use crate::syntax::text::TextRange;

pub static META: RuleMeta = RuleMeta {
    name: "legacy-key-value-format",
    family: Family::Instructions,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &["LegacyKeyValueFormat"],
    related: &[],
    summary: "`ENV key value` or `LABEL key value`: the legacy form without `=`",
    options: &[],
    fix_priority: 413,
    after_suppressions: false,
    doc: include_str!("../../../rules/legacy-key-value-format.md"),
};

pub fn check(ctx: &mut Context) {
    let escape = ctx.model.escape;
    for ins in &ctx.model.instructions {
        let ins = ins.effective();
        if !matches!(ins.kind, Kind::Env | Kind::Label) || ins.invalid {
            continue;
        }
        let Some(legacy) = legacy(ctx.src, ins, escape) else { continue };
        let name = ins.keyword.to_ascii_uppercase();
        let (fix, why) = match legacy.fix {
            Ok(edits) => (Some(Fix::safe("Write `key=value`", edits)), None),
            Err(why) => (None, Some(why)),
        };
        let d = ctx.report(
            legacy.key,
            format!("`{name} key value` is the legacy form: write `{name} key=value`"),
        );
        d.fix = fix;
        d.no_fix_reason = why.map(str::to_string);
    }
}

struct Legacy {
    key: TextRange,
    fix: Result<Vec<Edit>, &'static str>,
}

/// The legacy form as BuildKit's `parseNameVal` tells it: the first word has no `=`. Then the
/// key is that word and the value the rest of the (joined) line, read as one word by the
/// word lexer.
fn legacy(src: &str, ins: &Instruction, escape: char) -> Option<Legacy> {
    let words = parse_words(&ins.args_text, escape);
    if words.first()?.contains('=') {
        return None;
    }
    let args = ins.args;
    if ins.start_line != ins.end_line || args.slice(src) != ins.args_text {
        // continuation lines: the key's place is not traced back here
        let text = args.slice(src);
        let end = text.find(char::is_whitespace).unwrap_or(text.len());
        return Some(Legacy {
            key: TextRange::new(args.start, args.start + end),
            fix: Err("the instruction spans several lines"),
        });
    }
    let text = args.slice(src);
    let key_end = text.find(|c: char| c.is_ascii_whitespace())?;
    let value_start = key_end + text[key_end..].find(|c: char| !c.is_ascii_whitespace())?;
    let key = TextRange::new(args.start, args.start + key_end);
    let value = &text[value_start..];
    let gap = TextRange::new(args.start + key_end, args.start + value_start);
    let fix = match one_word(value, escape) {
        Some(true) => Ok(vec![Edit::replace(gap, "=")]),
        _ if !value.contains(['"', '\'', escape]) => Ok(vec![
            Edit::replace(gap, "=\""),
            Edit::insert(args.end, "\""),
        ]),
        _ => Err("the value mixes quotes or escapes with spaces: quote it by hand"),
    };
    Some(Legacy { key, fix })
}

/// Whether `value` is one word to BuildKit's `parseWords` and word lexer alike: no blank outside
/// quotes and no escape character inside them (where the two read it differently). `None` when
/// a quote is left open.
fn one_word(value: &str, escape: char) -> Option<bool> {
    let mut quote = None;
    let mut chars = value.chars();
    let mut one = true;
    while let Some(c) = chars.next() {
        match quote {
            None if c.is_whitespace() => one = false,
            None if c == escape => {
                chars.next();
            }
            None if c == '"' || c == '\'' => quote = Some(c),
            Some(_) if c == escape => return Some(false),
            Some(q) if c == q => quote = None,
            _ => {}
        }
    }
    quote.is_none().then_some(one)
}

#[cfg(test)]
mod tests {
    use super::one_word;

    #[test]
    fn one_word_as_both_readers_see_it() {
        assert_eq!(one_word("/a:$PATH", '\\'), Some(true));
        assert_eq!(one_word("\"a b\"", '\\'), Some(true));
        assert_eq!(one_word("a\\ b", '\\'), Some(true));
        assert_eq!(one_word("a b", '\\'), Some(false));
        assert_eq!(one_word("\"a\\\" b\"", '\\'), Some(false));
        assert_eq!(one_word("\"a b", '\\'), None);
    }
}

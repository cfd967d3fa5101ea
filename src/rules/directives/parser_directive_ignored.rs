use super::{Context, FixAvailability, Family, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::syntax::directives::{Directive, Why, detect_syntax, has_shebang, insert_offset, misplaced};
use crate::syntax::model::Dockerfile;
use crate::syntax::text::TextRange;

pub static META: RuleMeta = RuleMeta {
    name: "parser-directive-ignored",
    family: Family::Directives,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &[],
    related: &[],
    summary: "a parser directive BuildKit reads as a plain comment",
    options: &[],
    fix_priority: 60,
    after_suppressions: false,
    doc: include_str!("../../../rules/parser-directive-ignored.md"),
};

fn consequence(key: &str) -> &'static str {
    match key {
        "syntax" => "the build uses the engine's built-in frontend",
        "escape" => "`\\` stays the escape character",
        _ => "its build-check settings are not applied",
    }
}

pub fn check(ctx: &mut Context) {
    let (src, model) = (ctx.src, ctx.model);
    let shebang = has_shebang(src);
    let mut offered: Vec<&str> = Vec::new();
    let found = misplaced(src, model);
    for m in &found {
        let d = &m.directive;
        let key = d.key.as_str();
        let shown = format!("`# {key}`");
        let mut message = match m.why {
            Why::AfterBlock => format!(
                "{shown} is read as a plain comment: parser directives count only at the top of the file, before any comment, blank line or instruction"
            ),
            Why::AfterShebang => {
                format!("{shown} is read as a plain comment: the `#!` line above ends the directive block")
            }
            Why::Indented => format!(
                "{shown} is indented: BuildKit chooses the frontend only from a directive whose `#` is in column 0"
            ),
            Why::AfterIndented => format!(
                "{shown} follows an indented directive: BuildKit chooses the frontend only from column-0 directives at the top of the file"
            ),
            Why::Bom => {
                format!("{shown} follows a byte-order mark, which makes BuildKit read the line as an instruction")
            }
        };
        message.push_str(&format!(", so {}", consequence(key)));
        // a `# check` line between instructions that BuildKit does not read for the one below
        // (frontend 1.21): it may have been meant for that instruction alone, so the file-wide
        // move is a guess
        let for_instruction = key == "check" && between_instructions(model, d.line);
        if for_instruction {
            message.push_str(&format!("; {}", why_not_read(src, model, d.line)));
        }
        // the same key in effect already: moving this one up would repeat it
        let conflict = match key {
            "syntax" => detect_syntax(src).is_some(),
            _ => model.directives.get(key).is_some(),
        };
        let fix = if conflict {
            message.push_str(&format!(" (it conflicts with the {shown} directive at the top)"));
            None
        } else if offered.contains(&key) {
            message.push_str(&format!(" (another {shown} line above comes first)"));
            None
        } else if shebang && key != "syntax" {
            // only `syntax` may follow a shebang; above it, the shebang would stop working
            message.push_str(" (it cannot go above the `#!` line, which must stay first)");
            None
        } else {
            offered.push(key);
            let fix = move_to_top(src, model, d, for_instruction);
            if fix.is_none() && key == "escape" {
                message.push_str(" (with it at the top, the file would no longer parse)");
            }
            fix
        };
        ctx.report_with_fix(d.line_range, message, fix);
    }
}

/// Why BuildKit does not read a `# check` comment on 0-based `line`, between two instructions,
/// for the instruction below (see [`check_comment_target`](crate::syntax::directives::check_comment_target)).
fn why_not_read(src: &str, model: &Dockerfile, line: usize) -> &'static str {
    let next = model.instructions.partition_point(|i| i.start_line <= line + 1);
    let next_line = model.instructions.get(next).map_or(usize::MAX, |i| i.start_line - 1);
    let bare_below = (line + 1..next_line).any(|l| {
        let text = src[model.line_start(l)..model.line_start(l + 1)].trim();
        text.strip_prefix('#').is_some_and(|t| t.trim().is_empty())
    });
    if bare_below {
        "a bare `#` line below it cuts it off from the next instruction"
    } else {
        "an earlier `# check` comment above the same instruction is the one BuildKit reads"
    }
}

/// The 0-based line lies after the first instruction's start and before the last one's.
fn between_instructions(model: &Dockerfile, line: usize) -> bool {
    let (Some(first), Some(last)) = (model.instructions.first(), model.instructions.last()) else {
        return false;
    };
    first.start_line - 1 < line && line < last.start_line - 1
}

/// Moves the directive line to the top of the directive block, without its indentation. When
/// the line had a blank line above it and a blank line (or the end) below, the blank above goes
/// too, so that no double blank is left. No fix when the move would make the file fail to parse
/// (an `escape` that changes how later lines continue). Unsafe for `escape`, and when `guess`
/// (the line may have been meant for less than the whole file).
fn move_to_top(src: &str, model: &Dockerfile, d: &Directive, guess: bool) -> Option<Fix> {
    let at = insert_offset(src, model);
    let mut start = model.line_start(d.line);
    let end = model.line_start(d.line + 1);
    if at > start {
        return None;
    }
    let edits = if at == start {
        if d.line_range.start == start {
            return None;
        }
        vec![Edit::delete(TextRange::new(start, d.line_range.start))]
    } else {
        let blank = |l: usize| {
            l < model.line_starts.len() && src[model.line_start(l)..model.line_start(l + 1)].trim().is_empty()
        };
        if d.line > 0
            && blank(d.line - 1)
            && (end == src.len() || blank(d.line + 1))
            && model.line_start(d.line - 1) >= at
        {
            start = model.line_start(d.line - 1);
        }
        let text = format!("{}{}", d.line_range.slice(src), model.line_ending.as_str());
        if start == at {
            vec![Edit::replace(TextRange::new(start, end), text)]
        } else {
            vec![Edit::insert(at, text), Edit::delete(TextRange::new(start, end))]
        }
    };
    // moving a comment line changes no instruction, except that `escape` changes how every later
    // line continues: only then is the result parsed again (a parse for every misplaced directive
    // made a file with many of them quadratic)
    if d.key == "escape" {
        let mut moved = src.to_string();
        for e in edits.iter().rev() {
            moved.replace_range(e.range.start..e.range.end, &e.content);
        }
        if crate::syntax::parse(&moved).errors.len() > model.errors.len() {
            return None;
        }
    }
    let title = format!("Move `# {}` to the top of the file", d.key);
    Some(if d.key == "escape" || guess {
        Fix::unsafe_(title, edits)
    } else {
        Fix::safe(title, edits)
    })
}

use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::shellcheck::{self, Comment, Level};
use crate::syntax::text::TextRange;

pub static META: RuleMeta = RuleMeta {
    name: "shellcheck",
    family: Family::Shell,
    // each finding takes the severity of its ShellCheck level
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::OptIn,
    sources: &[],
    related: &[],
    summary: "what ShellCheck finds in the shell script of a RUN (opt-in: `--shellcheck`)",
    options: &[],
    fix_priority: 790,
    after_suppressions: false,
    doc: include_str!("../../../rules/shellcheck.md"),
};

/// Every POSIX-shell script of the file's RUNs goes to ShellCheck in one batch
/// ([`shellcheck::scripts`]: the dialect of the stage's shell, the names in scope declared);
/// each finding is reported at its exact place, with its code.
pub fn check(ctx: &mut Context) {
    let src = ctx.src;
    let runs: Vec<_> = ctx.runs().map(|(r, _)| r).collect();
    let scripts = shellcheck::scripts(src, ctx.model, runs);
    if scripts.is_empty() {
        return;
    }
    let (scripts, bases): (Vec<_>, Vec<_>) = scripts.into_iter().unzip();
    let results = match shellcheck::check(&scripts) {
        Ok(r) => r,
        // the command line refuses to start without it; the language server stays silent
        Err(shellcheck::Error::NotInstalled) => return,
        Err(e) => panic!("{e}"),
    };
    for ((script, base), comments) in scripts.iter().zip(bases).zip(results) {
        let starts = shellcheck::line_starts(&script.text);
        for c in comments.iter().filter(|c| !ctx.settings.shellcheck_ignores(c.code)) {
            let Some(range) = source_range(src, &script.text, &starts, base, c) else { continue };
            let level = match c.level {
                Level::Error => Severity::Error,
                Level::Warning => Severity::Warning,
                Level::Info | Level::Style => Severity::Info,
            };
            let severity = ctx.settings.shellcheck_severity(c.code, level);
            let name = crate::settings::shellcheck_name(c.code);
            let d = ctx.report(range, format!("{name}: {}", c.message));
            d.severity = severity;
            d.code = Some(c.code);
        }
    }
}

/// A finding's range in the Dockerfile: its range in the script (the same-length mask of the
/// body), plus the body's start. Ends on char boundaries of the source (a position inside a
/// comment line the mask turned into spaces may fall inside a character).
fn source_range(src: &str, script: &str, starts: &[usize], base: usize, c: &Comment) -> Option<TextRange> {
    let (s, e) = shellcheck::range(script, starts, c)?;
    let floor = |mut offset: usize| {
        offset = offset.min(src.len());
        while !src.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    };
    Some(TextRange::new(floor(base + s), floor(base + e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of the Dockerfile a ShellCheck position in the first RUN's script points at.
    fn at(src: &str, line: usize, column: usize, end_line: usize, end_column: usize) -> String {
        let model = crate::syntax::parse(src);
        let runs = crate::semantic::commands::runs_with(&model, src, &[]);
        let (script, base) = shellcheck::scripts(src, &model, runs.iter()).remove(0);
        let starts = shellcheck::line_starts(&script.text);
        let c = Comment {
            line,
            column,
            end_line,
            end_column,
            level: Level::Info,
            code: 2086,
            message: String::new(),
        };
        source_range(src, &script.text, &starts, base, &c).unwrap().slice(src).to_string()
    }

    #[test]
    fn a_tab_is_one_column_and_a_character_one_column() {
        // ShellCheck's columns for `$a` on the script's first line, `echo\té $a`: 8 to 10
        assert_eq!(at("FROM x\nRUN echo\té $a\n", 1, 8, 1, 10), "$a");
    }

    #[test]
    fn continuation_lines_map_back_exactly() {
        // a CRLF continuation; the comment line inside the continuation is blanked with its
        // line break, so ShellCheck's line 2 is the comment's spaces and the `&&` line
        let src = "FROM x\nRUN echo a \\\r\n  # note \\\n  && cd /x; \\\n\techo $b\n";
        assert_eq!(at(src, 2, 17, 2, 22), "cd /x");
        assert_eq!(at(src, 3, 7, 3, 9), "$b");
    }

    #[test]
    fn heredoc_bodies_map_back_exactly() {
        let src = "FROM x\nRUN --mount=type=cache,target=/c <<EOF\nset -e\n\tcd /x; echo $b\nEOF\n";
        assert_eq!(at(src, 2, 2, 2, 7), "cd /x");
        assert_eq!(at(src, 2, 14, 2, 16), "$b");
    }

    #[test]
    fn a_position_past_the_script_stops_at_its_end() {
        let src = "FROM x\nRUN <<EOF\necho 'a\nEOF\n";
        assert_eq!(at(src, 1, 6, 9, 1), "'a\n");
    }
}

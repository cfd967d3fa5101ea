//! Parser directives (`# syntax=`, `# escape=`, `# check=`) as BuildKit reads them.
//!
//! The block is the run of directive lines at the top of the file: it ends for good at the first
//! line that is not `#` + optional blanks + a known key + optional blanks + `=` + a value. Keys
//! are case-insensitive; a repeated key or a bad escape value is a parser-stage error.

use super::model::Dockerfile;
use super::scan::ScanError;
use super::text::TextRange;
use serde::Serialize;

pub const KNOWN: [&str; 3] = ["syntax", "escape", "check"];

#[derive(Clone, Debug, Serialize)]
pub struct Directive {
    /// Lowercased key.
    pub key: String,
    pub key_range: TextRange,
    pub value: String,
    pub value_range: TextRange,
    /// The line without its line break.
    pub line_range: TextRange,
    /// 0-based physical line.
    pub line: usize,
    /// `#` stands in column 0 (BuildKit selects a frontend only from such a `syntax` line).
    pub column0: bool,
}

#[derive(Clone, Debug, Default)]
pub struct DirectiveSet {
    /// The effective directives, in file order.
    pub items: Vec<Directive>,
    /// The physical line just after the directive block (0-based), where the block ended.
    pub block_end_line: usize,
    /// A key repeated inside the block (the second occurrence): BuildKit refuses the file.
    pub duplicate: Option<Directive>,
}

impl DirectiveSet {
    pub fn get(&self, key: &str) -> Option<&Directive> {
        self.items.iter().find(|d| d.key == key)
    }

    pub fn escape(&self) -> char {
        self.get("escape").and_then(|d| d.value.chars().next()).unwrap_or('\\')
    }
}

#[derive(Debug, Default)]
pub(crate) struct DirectiveParser {
    set: DirectiveSet,
    done: bool,
}

impl DirectiveParser {
    /// Feeds the left-trimmed text of a line that starts a logical line.
    pub fn feed(&mut self, src: &str, trimmed: TextRange, line: usize) -> Result<(), ScanError> {
        if self.done {
            return Ok(());
        }
        let Some(d) = parse_line(src, trimmed, line) else {
            self.done = true;
            self.set.block_end_line = line;
            return Ok(());
        };
        if !KNOWN.contains(&d.key.as_str()) {
            self.done = true;
            self.set.block_end_line = line;
            return Ok(());
        }
        if self.set.get(&d.key).is_some() {
            let error = ScanError {
                message: format!("only one {} parser directive can be used", d.key),
                range: d.line_range,
            };
            self.set.duplicate = Some(d);
            return Err(error);
        }
        if d.key == "escape" && d.value != "`" && d.value != "\\" {
            return Err(ScanError {
                message: format!("invalid escape token '{}' does not match ` or \\", d.value),
                range: d.line_range,
            });
        }
        self.set.items.push(d);
        Ok(())
    }

    pub fn escape(&self) -> char {
        self.set.escape()
    }

    pub fn is_directive_line(&self, line: usize) -> bool {
        self.set.items.iter().any(|d| d.line == line)
    }

    pub fn finish(mut self) -> DirectiveSet {
        if !self.done {
            self.set.block_end_line = self.set.items.last().map_or(0, |d| d.line + 1);
        }
        self.set
    }
}

/// The `syntax` directive that selects the frontend, as BuildKit's `DetectSyntax` finds it:
/// after a BOM and a first-line shebang (`#!…`), in a run of directive lines whose `#` stands in
/// column 0 (unlike the main parser, it does not skip leading whitespace), the first `syntax`
/// before the run ends (or a key repeats).
pub fn detect_syntax(src: &str) -> Option<Directive> {
    let mut pos = if src.starts_with('\u{feff}') { 3 } else { 0 };
    let mut line = 0;
    if src[pos..].starts_with("#!") {
        pos += src[pos..].find('\n')? + 1;
        line = 1;
    }
    let mut seen: Vec<String> = Vec::new();
    while pos < src.len() {
        let end = src[pos..].find('\n').map_or(src.len(), |i| pos + i);
        let d = parse_line(src, TextRange::new(pos, end), line)?;
        if !KNOWN.contains(&d.key.as_str()) || seen.contains(&d.key) {
            return None;
        }
        if d.key == "syntax" {
            return Some(d);
        }
        seen.push(d.key);
        pos = end + 1;
        line += 1;
    }
    None
}

/// Matches `#\s*key\s*=\s*value` on a left-trimmed line; the value is trimmed at the end.
pub fn parse_line(src: &str, trimmed: TextRange, line: usize) -> Option<Directive> {
    let text = trimmed.slice(src);
    let after_hash = text.strip_prefix('#')?;
    let ws = |s: &str| s.len() - s.trim_start().len();
    let key_start = 1 + ws(after_hash);
    let rest = &text[key_start..];
    let key_len = rest
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_alphabetic() || i > 0 && c.is_ascii_digit()))
        .map_or(rest.len(), |(i, _)| i);
    if key_len == 0 {
        return None;
    }
    let after_key = &rest[key_len..];
    let eq = ws(after_key);
    let after_eq = after_key[eq..].strip_prefix('=')?;
    let value_start = key_start + key_len + eq + 1 + ws(after_eq);
    let value = text[value_start..].trim_end();
    if value.is_empty() {
        return None;
    }
    let base = trimmed.start;
    let line_start = src[..base].rfind('\n').map_or(0, |i| i + 1);
    let bom = if line_start == 0 && src.starts_with('\u{feff}') {
        3
    } else {
        0
    };
    Some(Directive {
        key: rest[..key_len].to_ascii_lowercase(),
        key_range: TextRange::new(base + key_start, base + key_start + key_len),
        value: value.to_string(),
        value_range: TextRange::new(base + value_start, base + value_start + value.len()),
        line_range: TextRange::new(base, base + text.trim_end().len()),
        line,
        column0: base == line_start + bom,
    })
}

/// Where a directive line goes: after a BOM and a shebang line, at the top of the block.
pub fn insert_offset(src: &str, model: &Dockerfile) -> usize {
    let start = if model.bom { '\u{feff}'.len_utf8() } else { 0 };
    if src[start..].starts_with("#!") {
        return src[start..].find('\n').map_or(src.len(), |i| start + i + 1);
    }
    start
}

/// The file starts with a `#!` line (after a BOM).
pub fn has_shebang(src: &str) -> bool {
    src.strip_prefix('\u{feff}').unwrap_or(src).starts_with("#!")
}

/// The value of a `check` directive, `skip=A,B;error=true` → the range of `A,B`.
pub fn check_skip(src: &str, value: TextRange) -> Option<TextRange> {
    let text = value.slice(src);
    let mut pos = 0;
    for part in text.split(';') {
        let start = pos;
        pos += part.len() + 1;
        let trimmed = part.trim_start();
        if let Some(list) = trimmed.strip_prefix("skip=") {
            let s = value.start + start + (part.len() - trimmed.len()) + "skip=".len();
            return Some(TextRange::new(s, s + list.trim_end().len()));
        }
    }
    None
}

/// The instruction (its index) directly below the comment on 0-based line `line`: the next
/// instruction, when nothing but comment lines comes between (no blank line). `comment_lines`
/// are the 0-based lines of `model.comments`, in order. Since frontend 1.21 a
/// `# check=skip=…` comment there applies to that instruction only.
pub fn instruction_below(model: &Dockerfile, comment_lines: &[usize], line: usize) -> Option<usize> {
    let mut l = line + 1;
    // comments (and their lines) and instructions are in source order
    while comment_lines.binary_search(&l).is_ok() {
        l += 1;
    }
    let i = model.instructions.partition_point(|i| i.start_line < l + 1);
    model
        .instructions
        .get(i)
        .filter(|ins| ins.start_line == l + 1)
        .map(|_| i)
}

/// The instruction (its index) for which BuildKit reads the `# check=…` comment `at` (an index
/// into `model.comments`; `comment_lines` are their 0-based lines), if it does. BuildKit gives an
/// instruction the comment lines since the previous instruction (blank lines between do not
/// matter; a bare `#` line starts them again) and reads the first `check` comment among them for
/// that instruction only (frontend 1.21+): a later one, or one with no instruction below, is
/// not read.
pub fn check_comment_target(src: &str, model: &Dockerfile, comment_lines: &[usize], at: usize) -> Option<usize> {
    let line = comment_lines[at];
    // instructions' start lines are 1-based
    let i = model.instructions.partition_point(|ins| ins.start_line <= line + 1);
    let next_line = model.instructions.get(i)?.start_line - 1;
    let prev_end = i.checked_sub(1).map_or(0, |p| model.instructions[p].range.end);
    let end = comment_lines.partition_point(|&l| l < next_line);
    let bare = |c: &TextRange| {
        c.slice(src)
            .trim()
            .strip_prefix('#')
            .is_some_and(|t| t.trim().is_empty())
    };
    if model.comments[at + 1..end].iter().any(bare) {
        return None;
    }
    let start = model.comments[..at]
        .iter()
        .rposition(|c| c.start < prev_end || bare(c))
        .map_or(0, |p| p + 1);
    let earlier_check = model.comments[start..at]
        .iter()
        .any(|c| parse_line(src, *c, 0).is_some_and(|d| d.key == "check"));
    (!earlier_check).then_some(i)
}

/// Why a directive-shaped line does not act as one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// After the directive block (a blank line, a comment, an unknown key or an instruction
    /// came first).
    AfterBlock,
    /// After a first-line shebang, which ends the block for `escape` and `check`.
    AfterShebang,
    /// `syntax` not in column 0: the parser accepts it, frontend selection does not.
    Indented,
    /// `syntax` in the block but after an indented directive, where frontend selection stops.
    AfterIndented,
    /// A byte-order mark that is not the file's first bytes turns the line into an instruction.
    Bom,
}

#[derive(Clone, Debug)]
pub struct Misplaced {
    pub directive: Directive,
    pub why: Why,
}

/// Every line that reads as a known directive but does not act as one, in file order. A
/// `# check=…` comment BuildKit reads for the instruction below ([`check_comment_target`]) is
/// not one.
pub fn misplaced(src: &str, model: &Dockerfile) -> Vec<Misplaced> {
    let line_of = |offset: usize| model.line_starts.partition_point(|&s| s <= offset).saturating_sub(1);
    let frontend = detect_syntax(src).map(|d| d.line);
    let shebang = has_shebang(src);
    let mut out = Vec::new();
    // the block the parser reads: `syntax` also needs what `DetectSyntax` needs
    for d in &model.directives.items {
        if d.key == "syntax" && frontend != Some(d.line) {
            let why = if d.column0 { Why::AfterIndented } else { Why::Indented };
            out.push(Misplaced {
                directive: d.clone(),
                why,
            });
        }
    }
    let comment_lines: Vec<usize> = model.comments.iter().map(|c| line_of(c.start)).collect();
    for (at, (c, &line)) in model.comments.iter().zip(&comment_lines).enumerate() {
        let Some(d) = parse_line(src, *c, line) else {
            continue;
        };
        if !KNOWN.contains(&d.key.as_str()) || d.key == "syntax" && frontend == Some(d.line) {
            continue;
        }
        // since frontend 1.21 BuildKit reads it for the instruction below
        if d.key == "check" && check_comment_target(src, model, &comment_lines, at).is_some() {
            continue;
        }
        // right after a shebang (and other directive lines), `syntax` only lacks column 0; the
        // others are past the block, which the `#!` line ended
        let after_shebang = shebang
            && (1..d.line).all(|l| {
                let r = TextRange::new(model.line_start(l), model.line_start(l + 1));
                let t = src[r.start..r.end].trim();
                parse_line(t, TextRange::new(0, t.len()), l).is_some_and(|x| KNOWN.contains(&x.key.as_str()))
            });
        let why = match (after_shebang, d.key == "syntax") {
            (true, true) => Why::Indented,
            (true, false) => Why::AfterShebang,
            (false, _) => Why::AfterBlock,
        };
        out.push(Misplaced { directive: d, why });
    }
    // `\u{feff}# syntax=…` past the first bytes: BuildKit reads an instruction named `\u{feff}#`
    for ins in &model.instructions {
        let start = ins.keyword_range.start;
        if start == 0 || !src[start..].starts_with('\u{feff}') {
            continue;
        }
        let rest = start + '\u{feff}'.len_utf8();
        let end = src[rest..].find('\n').map_or(src.len(), |i| rest + i);
        if let Some(d) = parse_line(src, TextRange::new(rest, end), line_of(start))
            && KNOWN.contains(&d.key.as_str())
        {
            out.push(Misplaced {
                directive: d,
                why: Why::Bom,
            });
        }
    }
    out.sort_by_key(|m| m.directive.line_range.start);
    out
}

#[cfg(test)]
mod tests {
    use super::super::scan::scan;

    #[test]
    fn block_and_keys() {
        let src = "#SyNtAx = docker/dockerfile:1 \n# escape=`\n# check=skip=all\n\n# syntax=x\nFROM a\n";
        let s = scan(src);
        let d = &s.directives;
        assert_eq!(d.items.len(), 3);
        assert_eq!(d.get("syntax").unwrap().value, "docker/dockerfile:1");
        assert_eq!(d.get("syntax").unwrap().value_range.slice(src), "docker/dockerfile:1");
        assert_eq!(d.get("syntax").unwrap().key_range.slice(src), "SyNtAx");
        assert_eq!(d.escape(), '`');
        assert_eq!(d.block_end_line, 3);
    }

    #[test]
    fn the_block_ends_at_the_first_non_directive() {
        for src in [
            "# hello\n# escape=`\nFROM a\n",
            "\n# escape=`\nFROM a\n",
            "# foo=bar\n# escape=`\nFROM a\n",
            "#!/bin/sh\n# escape=`\nFROM a\n",
        ] {
            assert!(scan(src).directives.get("escape").is_none(), "{src:?}");
        }
    }

    #[test]
    fn leading_whitespace_and_bom() {
        let s = scan("  # escape=`\nFROM a\n");
        let e = s.directives.get("escape").unwrap();
        assert!(!e.column0);
        let s = scan("\u{feff}# syntax=docker/dockerfile:1\nFROM a\n");
        assert!(s.directives.get("syntax").unwrap().column0);
    }

    #[test]
    fn detect_syntax_like_buildkit() {
        use super::detect_syntax;
        let value = |src: &str| detect_syntax(src).map(|d| d.value);
        assert_eq!(value("# syntax=a\nFROM x\n").as_deref(), Some("a"));
        assert_eq!(
            value("\u{feff}# escape=`\r\n#syntax = a \r\nFROM x\n").as_deref(),
            Some("a")
        );
        assert_eq!(value("#!/bin/sh\n# syntax=a\nFROM x\n").as_deref(), Some("a"));
        assert_eq!(value("# syntax=a\n# syntax=b\nFROM x\n").as_deref(), Some("a"));
        // leading whitespace ends the run, for this line and the ones after it
        assert_eq!(value("  # syntax=a\nFROM x\n"), None);
        assert_eq!(value("  # escape=`\n# syntax=a\nFROM x\n"), None);
        for src in [
            "# escape=`\n# escape=\\\n# syntax=a\n",
            "# hello\n# syntax=a\n",
            "\n# syntax=a\n",
            "#!/bin/sh\n#!/bin/sh\n# syntax=a\n",
            "# foo=bar\n# syntax=a\n",
        ] {
            assert_eq!(value(src), None, "{src:?}");
        }
    }

    #[test]
    fn a_check_skip_directly_above_an_instruction_is_not_misplaced() {
        let keys = |src: &str| {
            let model = crate::syntax::parse(src);
            super::misplaced(src, &model)
                .into_iter()
                .map(|m| m.directive.line)
                .collect::<Vec<_>>()
        };
        assert!(keys("FROM a\n# check=skip=JSONArgsRecommended\nCMD x\n").is_empty());
        assert!(keys("FROM a\n# check=skip=all\n# a note\nCMD x\n").is_empty());
        // blank lines between do not matter; any `check` value is read
        assert!(keys("FROM a\n# check=skip=all\n\nCMD x\n").is_empty());
        assert!(keys("FROM a\n# check=error=true\nCMD x\n").is_empty());
        // nothing below, a bare `#` between, or a second `check` comment: not read
        assert_eq!(keys("FROM a\n# check=skip=all\n"), [1]);
        assert_eq!(keys("FROM a\n# check=skip=all\n#\nCMD x\n"), [1]);
        assert_eq!(keys("FROM a\n# check=skip=all\n# check=skip=none\nCMD x\n"), [2]);
        assert_eq!(keys("FROM a\n# check=skip=all\n#\n# check=skip=none\nCMD x\n"), [1]);
    }

    #[test]
    fn errors() {
        let s = scan("# escape=x\nFROM a\n");
        assert_eq!(
            s.error.unwrap().message,
            "invalid escape token 'x' does not match ` or \\"
        );
        let s = scan("# syntax=a\n# SYNTAX=b\nFROM a\n");
        assert_eq!(s.error.unwrap().message, "only one syntax parser directive can be used");
        assert_eq!(s.directives.duplicate.unwrap().line, 1);
        // a key without a value is not a directive
        assert!(scan("# syntax=\nFROM a\n").directives.items.is_empty());
    }
}

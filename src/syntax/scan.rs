//! BuildKit's parser stage, reimplemented over byte ranges.
//!
//! This delimits instructions exactly as BuildKit's `parser.Parse` does: physical lines split on
//! LF, parser directives, continuation lines, comment and blank lines inside continuations,
//! the command word, flags, and heredoc bodies. The grammar disagrees with BuildKit on a
//! noticeable share of real files (a continuation line starting with `[`, a bare `--`, `<< EOF`
//! …), so boundaries always come from here; the tree is consulted only inside them
//! (see `lower.rs`).
//!
//! Every piece of text BuildKit would see is kept as a [`Joined`] string with a map back to the
//! source, so anything found in it has an exact source range.

use super::directives::{DirectiveParser, DirectiveSet};
use super::text::TextRange;

/// Bytes that Go's `unicode.IsSpace` accepts when BuildKit applies it to single bytes.
pub(crate) fn is_space_byte(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' | 0x85 | 0xA0)
}

/// ASCII whitespace as BuildKit's `[\t\v\f\r ]` regex sees it.
pub(crate) fn is_split_space(c: char) -> bool {
    matches!(c, '\t' | '\x0b' | '\x0c' | '\r' | ' ')
}

/// A physical line: `content` excludes the trailing run of CR/LF bytes; `full` includes them.
#[derive(Clone, Copy, Debug)]
pub struct PhysLine {
    pub content: TextRange,
    pub full: TextRange,
}

pub fn physical_lines(src: &str) -> Vec<PhysLine> {
    let mut out = Vec::new();
    let bytes = src.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        let end = match memchr_lf(&bytes[start..]) {
            Some(i) => start + i + 1,
            None => bytes.len(),
        };
        let mut c = end;
        while c > start && matches!(bytes[c - 1], b'\n' | b'\r') {
            c -= 1;
        }
        out.push(PhysLine {
            content: TextRange::new(start, c),
            full: TextRange::new(start, end),
        });
        start = end;
    }
    out
}

fn memchr_lf(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'\n')
}

/// Text that BuildKit assembled from pieces of the source, with the way back.
#[derive(Clone, Debug, Default)]
pub struct Joined {
    pub text: String,
    /// `(offset in text, offset in source)` at the start of each piece, ascending.
    pieces: Vec<(usize, usize)>,
}

impl Joined {
    pub fn push(&mut self, src: &str, range: TextRange) {
        if range.is_empty() {
            return;
        }
        self.pieces.push((self.text.len(), range.start));
        self.text.push_str(range.slice(src));
    }

    /// The source offset of the byte at `offset` in the text.
    pub fn source_offset(&self, offset: usize) -> usize {
        match self.pieces.binary_search_by(|p| p.0.cmp(&offset)) {
            Ok(i) => self.pieces[i].1,
            Err(0) => offset,
            Err(i) => self.pieces[i - 1].1 + (offset - self.pieces[i - 1].0),
        }
    }

    /// The source range of `start..end` in the text. When the range spans pieces, it covers
    /// everything between (continuations included).
    pub fn source_range(&self, start: usize, end: usize) -> TextRange {
        let s = self.source_offset(start);
        if end <= start {
            return TextRange::empty(s);
        }
        TextRange::new(s, self.source_offset(end - 1) + 1)
    }
}

/// One heredoc of an instruction.
#[derive(Clone, Debug)]
pub struct RawHeredoc {
    pub name: String,
    pub expand: bool,
    pub chomp: bool,
    /// The `<<EOF` token in the source.
    pub marker: TextRange,
    /// The body: from the first body line to the end of the line before the terminator
    /// (including that line's newline).
    pub body: TextRange,
    /// The terminator line's content, when found.
    pub terminator: Option<TextRange>,
}

/// A flag word as BuildKit stores it (`--name=value`, quotes removed).
#[derive(Clone, Debug)]
pub struct RawFlag {
    /// The word after BuildKit's unquoting (bytes re-read as Latin-1, as Go does).
    pub word: String,
    /// The raw source range of the word.
    pub range: TextRange,
}

#[derive(Clone, Debug)]
pub struct RawInstruction {
    /// The whole logical line: joined text with continuations removed.
    pub joined: Joined,
    /// 1-based physical lines, heredoc bodies included.
    pub start_line: usize,
    pub end_line: usize,
    /// From the command word to the end of the last line (heredoc terminator included),
    /// excluding the final line break.
    pub range: TextRange,
    pub command: TextRange,
    pub command_text: String,
    pub flags: Vec<RawFlag>,
    /// The argument text after the flags, trimmed (offsets into `joined.text`).
    pub rest: (usize, usize),
    pub heredocs: Vec<RawHeredoc>,
    /// The blank lines inside the continuation, line breaks included (BuildKit's
    /// `NoEmptyContinuation` warning).
    pub empty_lines: Vec<TextRange>,
}

impl RawInstruction {
    pub fn rest_text(&self) -> &str {
        &self.joined.text[self.rest.0..self.rest.1]
    }
    pub fn rest_range(&self) -> TextRange {
        self.joined.source_range(self.rest.0, self.rest.1)
    }
}

#[derive(Clone, Debug)]
pub struct ScanError {
    pub message: String,
    pub range: TextRange,
}

#[derive(Debug, Default)]
pub struct Scan {
    pub directives: DirectiveSet,
    pub instructions: Vec<RawInstruction>,
    /// A fatal parser-stage error; instructions after it were not read.
    pub error: Option<ScanError>,
    pub bom: bool,
    /// Source ranges of comment lines outside instructions (directive lines excluded).
    pub comments: Vec<TextRange>,
}

const MAX_LINE: usize = 65535;

pub fn scan(src: &str) -> Scan {
    let lines = physical_lines(src);
    let mut scan = Scan {
        bom: src.starts_with('\u{feff}'),
        ..Scan::default()
    };
    let mut directives = DirectiveParser::default();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.content.len() > MAX_LINE {
            scan.error = Some(ScanError {
                message: if scan.instructions.is_empty() {
                    "file with no instructions".into()
                } else {
                    format!("dockerfile line greater than max allowed size of {MAX_LINE}")
                },
                range: line.content,
            });
            return finish(scan, directives);
        }
        let mut content = line.content;
        if i == 0 && scan.bom {
            content.start += '\u{feff}'.len_utf8();
        }
        let trimmed = trim_start(src, content);
        if let Err(e) = directives.feed(src, trimmed, i) {
            scan.error = Some(e);
            return finish(scan, directives);
        }
        let escape = directives.escape();
        let start_line = i;
        i += 1;
        let is_comment = trimmed.slice(src).starts_with('#');
        if is_comment {
            if !directives.is_directive_line(start_line) {
                scan.comments.push(trimmed);
            }
            continue;
        }
        let (first, mut more) = continuation(src, trimmed, escape);
        if !more && first.is_empty() {
            continue;
        }
        let mut joined = Joined::default();
        joined.push(src, first);
        let mut empty_lines = Vec::new();
        while more && i < lines.len() {
            let l = lines[i];
            if l.content.len() > MAX_LINE {
                scan.error = Some(ScanError {
                    message: format!("dockerfile line greater than max allowed size of {MAX_LINE}"),
                    range: l.content,
                });
                return finish(scan, directives);
            }
            i += 1;
            let t = trim_start(src, l.content);
            if t.slice(src).starts_with('#') {
                continue;
            }
            if t.is_empty() {
                empty_lines.push(l.full);
                continue;
            }
            let (piece, m) = continuation(src, l.content, escape);
            joined.push(src, piece);
            more = m;
        }
        let end_line_idx = i - 1;
        let mut ins = split_command(joined, start_line + 1, end_line_idx + 1);
        ins.empty_lines = empty_lines;
        ins.range = TextRange::new(ins.command.start, lines[end_line_idx].content.end);
        if may_have_heredocs(&ins) {
            let docs = heredoc_markers(&ins);
            for mut doc in docs {
                let body_start = lines.get(i).map_or(src.len(), |l| l.full.start);
                let mut found = None;
                while i < lines.len() {
                    let l = lines[i];
                    i += 1;
                    let mut text = l.content.slice(src);
                    if doc.chomp {
                        text = text.trim_start_matches('\t');
                    }
                    if text == doc.name {
                        found = Some(l);
                        break;
                    }
                }
                match found {
                    Some(term) => {
                        doc.body = TextRange::new(body_start, term.full.start);
                        doc.terminator = Some(term.content);
                        ins.end_line = i;
                        ins.range.end = term.content.end;
                        ins.heredocs.push(doc);
                    }
                    None => {
                        scan.error = Some(ScanError {
                            message: "unterminated heredoc".into(),
                            range: TextRange::new(ins.range.start, src.len()),
                        });
                        return finish(scan, directives);
                    }
                }
            }
        }
        scan.instructions.push(ins);
    }
    if scan.instructions.is_empty() {
        scan.error = Some(ScanError {
            message: "file with no instructions".into(),
            range: TextRange::empty(src.len()),
        });
    }
    finish(scan, directives)
}

fn finish(mut scan: Scan, directives: DirectiveParser) -> Scan {
    scan.directives = directives.finish();
    scan
}

fn trim_start(src: &str, r: TextRange) -> TextRange {
    let s = r.slice(src);
    let t = s.trim_start();
    TextRange::new(r.end - t.len(), r.end)
}

/// BuildKit's continuation test on a line without its line break. Returns the part to keep and
/// whether the logical line continues.
fn continuation(src: &str, r: TextRange, escape: char) -> (TextRange, bool) {
    let s = r.slice(src);
    let t = s.trim_end_matches([' ', '\t']);
    if let Some(before) = t.strip_suffix(escape)
        && !before.ends_with(escape)
    {
        return (TextRange::new(r.start, r.start + before.len()), true);
    }
    (r, false)
}

fn split_command(joined: Joined, start_line: usize, end_line: usize) -> RawInstruction {
    let text = &joined.text;
    let lead = text.len() - text.trim_start().len();
    let body = text.trim();
    let body_end = lead + body.len();
    let cmd_len = body.find(is_split_space).unwrap_or(body.len());
    let (cmd_s, cmd_e) = (lead, lead + cmd_len);
    let mut flags = Vec::new();
    let mut rest = (body_end, body_end);
    if cmd_e < body_end {
        // skip the separating run of ASCII whitespace
        let after = text[cmd_e..body_end].trim_start_matches(is_split_space);
        let args_start = body_end - after.len();
        let (rest_start, words) = extract_flags(text, args_start, body_end);
        flags = words
            .into_iter()
            .map(|(word, s, e)| RawFlag {
                word,
                range: joined.source_range(s, e),
            })
            .collect();
        let r = text[rest_start..body_end].trim();
        let rs = rest_start + (text[rest_start..body_end].len() - text[rest_start..body_end].trim_start().len());
        rest = (rs, rs + r.len());
    }
    let command = joined.source_range(cmd_s, cmd_e);
    let command_text = text[cmd_s..cmd_e].to_string();
    RawInstruction {
        joined,
        start_line,
        end_line,
        range: command,
        command,
        command_text,
        flags,
        rest,
        heredocs: Vec::new(),
        empty_lines: Vec::new(),
    }
}

/// BuildKit's `extractBuilderFlags`: peels `--flag` words off `text[start..end]`.
/// Returns where the rest begins and the words with their offsets in `text`.
fn extract_flags(text: &str, start: usize, end: usize) -> (usize, Vec<(String, usize, usize)>) {
    let b = text.as_bytes();
    let mut words = Vec::new();
    let mut pos = start;
    loop {
        while pos < end && is_space_byte(b[pos]) {
            pos += 1;
        }
        if pos >= end {
            return (end, words);
        }
        if !(b[pos] == b'-' && pos + 1 < end && b[pos + 1] == b'-') {
            return (char_boundary(text, pos), words);
        }
        let word_start = pos;
        let mut word: Vec<u8> = Vec::new();
        let mut blank_ok = false;
        let mut quote: Option<u8> = None;
        while pos < end {
            let ch = b[pos];
            match quote {
                None if is_space_byte(ch) => break,
                None if ch == b'\'' || ch == b'"' => {
                    quote = Some(ch);
                    blank_ok = true;
                }
                Some(q) if ch == q => quote = None,
                _ if ch == b'\\' => {
                    if pos + 1 < end {
                        pos += 1;
                        word.push(b[pos]);
                    } else {
                        quote = None;
                    }
                }
                _ => word.push(ch),
            }
            pos += 1;
        }
        let at_end = pos >= end;
        if word == b"--" {
            if at_end {
                return (end, words);
            }
            return (char_boundary(text, pos), words);
        }
        if blank_ok || !word.is_empty() {
            let w: String = word.iter().map(|&c| c as char).collect();
            words.push((w, word_start, pos));
        }
        if at_end {
            return (end, words);
        }
    }
}

fn char_boundary(text: &str, mut pos: usize) -> usize {
    while !text.is_char_boundary(pos) {
        pos += 1;
    }
    pos
}

fn may_have_heredocs(ins: &RawInstruction) -> bool {
    let cmd = ins.command_text.to_ascii_lowercase();
    let rest = ins.rest_text();
    let target = if cmd == "onbuild" {
        let inner = rest.split(is_split_space).next().unwrap_or("").to_ascii_lowercase();
        if !matches!(inner.as_str(), "run" | "copy" | "add") {
            return false;
        }
        // the inner instruction's own argument text decides JSON form
        let (_, inner_rest) = onbuild_inner_rest(rest);
        inner_rest
    } else if matches!(cmd.as_str(), "run" | "copy" | "add") {
        rest
    } else {
        return false;
    };
    ins.joined.text.contains("<<") && super::json::parse_string_array(target).is_none()
}

/// The inner instruction's argument text of an ONBUILD (after its own flags).
fn onbuild_inner_rest(rest: &str) -> (usize, &str) {
    let cmd_len = rest.find(is_split_space).unwrap_or(rest.len());
    let after = rest[cmd_len..].trim_start_matches(is_split_space);
    let start = rest.len() - after.len();
    let (rs, _) = extract_flags(rest, start, rest.len());
    let r = rest[rs..].trim();
    (rs, r)
}

/// Heredoc markers in the logical line, per BuildKit's raw-mode shell lexer.
fn heredoc_markers(ins: &RawInstruction) -> Vec<RawHeredoc> {
    let text = &ins.joined.text;
    let Some(tokens) = lex_raw_words(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (s, e) in tokens {
        let tok = &text[s..e];
        let digits = tok.len() - tok.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let Some(after) = tok[digits..].strip_prefix("<<") else {
            continue;
        };
        let (chomp, after) = match after.strip_prefix('-') {
            Some(a) => (true, a),
            None => (false, after),
        };
        if after.contains('<') {
            continue;
        }
        let Some(words) = lex_unquoted_words(after) else {
            continue;
        };
        if words.len() != 1 || words[0].is_empty() && !after.contains(['"', '\'']) {
            continue;
        }
        let name = words.into_iter().next().unwrap_or_default();
        let quotes = |s: &str| s.chars().filter(|c| matches!(c, '"' | '\'')).count();
        out.push(RawHeredoc {
            expand: quotes(after) == quotes(&name),
            name,
            chomp,
            marker: ins.joined.source_range(s, e),
            body: TextRange::default(),
            terminator: None,
        });
    }
    out
}

/// Words split on whitespace with quotes and escapes kept (BuildKit's lexer in raw mode);
/// `<<` followed by blanks is glued to the next word. `None` when the lexer would fail
/// (an unterminated quote or `${`).
fn lex_raw_words(text: &str) -> Option<Vec<(usize, usize)>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let start = i;
        while i < b.len() {
            match b[i] {
                b' ' | b'\t' | b'\n' | b'\r' => {
                    if text[start..i].ends_with("<<") {
                        while i < b.len() && matches!(b[i], b' ' | b'\t') {
                            i += 1;
                        }
                        continue;
                    }
                    break;
                }
                b'\\' => i += 2,
                b'\'' => {
                    let close = text[i + 1..].find('\'')?;
                    i += close + 2;
                }
                b'"' => {
                    let mut j = i + 1;
                    loop {
                        match b.get(j)? {
                            b'\\' => j += 2,
                            b'"' => break,
                            _ => j += 1,
                        }
                    }
                    i = j + 1;
                }
                b'$' if b.get(i + 1) == Some(&b'{') => {
                    let close = text[i..].find('}')?;
                    i += close + 1;
                }
                _ => i += 1,
            }
        }
        let end = i.min(b.len());
        out.push((start, end));
    }
    Some(out)
}

/// Words with quotes removed and escapes applied (BuildKit's lexer in normal mode, without
/// expansion). `None` on an unterminated quote.
fn lex_unquoted_words(text: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '\\' => {
                in_word = true;
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        x => cur.push(x),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => {
                            let n = chars.next()?;
                            if !matches!(n, '"' | '\\' | '$') {
                                cur.push('\\');
                            }
                            cur.push(n);
                        }
                        x => cur.push(x),
                    }
                }
            }
            x => {
                in_word = true;
                cur.push(x);
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(src: &str) -> Vec<(String, usize, usize)> {
        scan(src)
            .instructions
            .iter()
            .map(|i| (i.command_text.to_lowercase(), i.start_line, i.end_line))
            .collect()
    }

    fn one(src: &str) -> RawInstruction {
        let s = scan(src);
        assert!(s.error.is_none(), "{:?}", s.error);
        s.instructions.into_iter().last().unwrap()
    }

    #[test]
    fn continuation_rules() {
        assert_eq!(one("RUN a \\\n  b\n").joined.text, "RUN a   b");
        assert_eq!(one("RUN a\\\nb").joined.text, "RUN ab");
        assert_eq!(one("RUN a \\ \t\nb").joined.text, "RUN a b");
        assert_eq!(
            lines_of("FROM x\nRUN c \\\\\nRUN d"),
            vec![("from".into(), 1, 1), ("run".into(), 2, 2), ("run".into(), 3, 3)]
        );
        assert_eq!(
            lines_of("FROM x\nRUN d \\\\\\\ne"),
            vec![("from".into(), 1, 1), ("run".into(), 2, 2), ("e".into(), 3, 3)]
        );
        // comment and blank lines inside a continuation do not end it
        let i = one("RUN a \\\n    # c \\\n\n  b\n");
        assert_eq!(i.joined.text, "RUN a   b");
        assert_eq!((i.start_line, i.end_line), (1, 4));
        assert_eq!(i.empty_lines.len(), 1);
        // EOF inside a continuation
        assert_eq!(
            lines_of("FROM x\nRUN a \\\n"),
            vec![("from".into(), 1, 1), ("run".into(), 2, 2)]
        );
        assert_eq!(
            lines_of("FROM x\nRUN a \\\n\n\n"),
            vec![("from".into(), 1, 1), ("run".into(), 2, 4)]
        );
        // a lone backslash starts a logical line
        assert_eq!(
            lines_of("FROM x\n\\\nRUN f\n"),
            vec![("from".into(), 1, 1), ("run".into(), 2, 3)]
        );
        // VT after the escape is not a continuation
        assert_eq!(
            lines_of("FROM x\nRUN g \\\x0b\nRUN h"),
            vec![("from".into(), 1, 1), ("run".into(), 2, 2), ("run".into(), 3, 3)]
        );
        // a lone CR is not a line break
        assert_eq!(one("FROM x\nRUN c\rRUN d\n").rest_text(), "c\rRUN d");
    }

    #[test]
    fn crlf_and_bom() {
        let src = "\u{feff}# escape=`\r\nFROM x\r\nRUN a `\r\n  b\r\n";
        let s = scan(src);
        assert!(s.bom);
        let r = &s.instructions[1];
        assert_eq!(r.joined.text, "RUN a   b");
        assert_eq!(r.range.slice(src), "RUN a `\r\n  b");
    }

    #[test]
    fn flags_are_peeled() {
        let i = one("RUN --mount=type=cache,target=/x --network=none pip install");
        let words: Vec<_> = i.flags.iter().map(|f| f.word.as_str()).collect();
        assert_eq!(words, ["--mount=type=cache,target=/x", "--network=none"]);
        assert_eq!(i.rest_text(), "pip install");
        let src = "RUN --x=\"a\\\"b\" -- echo --y";
        let i = one(src);
        assert_eq!(i.flags[0].word, "--x=a\"b");
        assert_eq!(i.flags[0].range.slice(src), "--x=\"a\\\"b\"");
        assert_eq!(i.rest_text(), "echo --y");
        assert!(one("RUN -- --x").flags.is_empty());
        assert_eq!(one("RUN -- --x").rest_text(), "--x");
        assert_eq!(one("RUN --\"\" h").rest_text(), "h");
        assert_eq!(one("RUN --x=\"unterminated").flags[0].word, "--x=unterminated");
        assert_eq!(one("RUN --x=é").flags[0].word, "--x=Ã©");
    }

    #[test]
    fn flag_ranges_across_continuations() {
        let src = "RUN --mount=type=cache,\\\ntarget=/x pip";
        let i = one(src);
        assert_eq!(i.flags[0].word, "--mount=type=cache,target=/x");
        assert_eq!(i.flags[0].range.slice(src), "--mount=type=cache,\\\ntarget=/x");
        assert_eq!(i.rest_range().slice(src), "pip");
    }

    #[test]
    fn heredocs() {
        let src = "FROM x\nRUN <<EOF\necho hi\nEOF\nRUN b\n";
        assert_eq!(
            lines_of(src),
            vec![("from".into(), 1, 1), ("run".into(), 2, 4), ("run".into(), 5, 5)]
        );
        let i = &scan(src).instructions[1];
        assert_eq!(i.heredocs[0].body.slice(src), "echo hi\n");
        assert_eq!(i.heredocs[0].marker.slice(src), "<<EOF");
        let src = "FROM x\nCOPY <<A.txt <<B.txt /dest/\nhi\nA.txt\nB.txt\n";
        assert_eq!(lines_of(src)[1], ("copy".into(), 2, 5));
        // `<< EOF` is a heredoc; `<<- EOF` is not; `foo<<EOF` is not
        assert_eq!(lines_of("FROM x\nRUN << EOF\na\nEOF\n")[1], ("run".into(), 2, 4));
        assert_eq!(lines_of("FROM x\nRUN cat <<- EOF\n").len(), 2);
        assert_eq!(lines_of("FROM x\nRUN echo foo<<EOF\nb\n").len(), 3);
        // lexer failure: no heredoc
        assert_eq!(lines_of("FROM x\nRUN <<EOF \"unterminated\nEOF\n").len(), 3);
        // quoted names do not expand; chomp strips tabs on the terminator
        let s = scan("FROM x\nRUN 3<<\"A\" <<'B' <<C\"D\" cmd\na\nA\nb\nB\nc\nCD\n");
        let docs = &s.instructions[1].heredocs;
        assert_eq!(
            docs.iter().map(|d| (d.name.as_str(), d.expand)).collect::<Vec<_>>(),
            [("A", false), ("B", false), ("CD", false)]
        );
        assert_eq!(s.instructions[1].end_line, 8);
        assert_eq!(lines_of("FROM x\nRUN <<-EOF\n\tx\n\tEOF\n")[1], ("run".into(), 2, 4));
        // continuation is applied before heredoc detection
        assert_eq!(
            lines_of("FROM x\nRUN <<EOF \\\n  echo\nline\nEOF\n")[1],
            ("run".into(), 2, 5)
        );
        // unterminated
        let s = scan("FROM x\nRUN <<EOF\nabc\n");
        assert_eq!(s.error.unwrap().message, "unterminated heredoc");
        // JSON form never takes heredocs, nor does CMD
        assert_eq!(lines_of("FROM x\nCMD <<EOF\nRUN a\nEOF\n").len(), 4);
        // ONBUILD RUN takes heredocs
        assert_eq!(
            lines_of("FROM x\nONBUILD RUN <<EOF\na\nEOF\n")[1],
            ("onbuild".into(), 2, 4)
        );
    }

    #[test]
    fn empty_and_long() {
        assert_eq!(scan("").error.unwrap().message, "file with no instructions");
        assert_eq!(scan("# c\n\n").error.unwrap().message, "file with no instructions");
        let long = format!("FROM x\nRUN {}\n", "a".repeat(65531));
        assert!(scan(&long).error.is_none());
        let long = format!("FROM x\nRUN {}\n", "a".repeat(65532));
        assert!(scan(&long).error.unwrap().message.contains("65535"));
    }
}

//! The words of an instruction's arguments as written, with their source ranges: what
//! BuildKit splits on blanks (EXPOSE, COPY, ADD, VOLUME) before it expands them.

use super::model::{Instruction, Word};
use super::text::TextRange;

/// The blank-separated words of `range` as BuildKit reads them, with their source ranges:
/// comment and blank lines inside a continuation are skipped, and a continued line is joined to
/// the next with no separator (`a\⏎b` is the one word `ab`, whose range covers both lines; its
/// text is [`joined`]).
pub fn raw_words(src: &str, range: TextRange, escape: char) -> Vec<TextRange> {
    let mut out = Vec::new();
    let mut line_start = range.start;
    // a word still open at the end of a continued line, from its start
    let mut open: Option<usize> = None;
    let mut last_end = range.start;
    for line in range.slice(src).split_inclusive('\n') {
        let start = line_start;
        line_start += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        if body.trim_start().starts_with('#') || (body.trim().is_empty() && open.is_some()) {
            continue;
        }
        // only a line the instruction goes on after ends in a continuation: on its last line a
        // trailing escape character is part of the last word (`C:\\dir\\`)
        let continues = line_start < range.end;
        let (body, joins) = match body.trim_end_matches([' ', '\t']).strip_suffix(escape) {
            Some(rest) if continues => (rest, true),
            _ => (body, false),
        };
        let mut word_start = open.take();
        if let Some(s) = word_start
            && body.starts_with(char::is_whitespace)
        {
            out.push(TextRange::new(s, last_end));
            word_start = None;
        }
        for (i, c) in body.char_indices() {
            match (c.is_whitespace(), word_start) {
                (true, Some(s)) => {
                    out.push(TextRange::new(s, start + i));
                    word_start = None;
                }
                (false, None) => word_start = Some(start + i),
                _ => {}
            }
        }
        last_end = start + body.len();
        match word_start {
            Some(s) if joins => open = Some(s),
            Some(s) => out.push(TextRange::new(s, last_end)),
            None => {}
        }
    }
    if let Some(s) = open {
        out.push(TextRange::new(s, last_end));
    }
    out
}

/// A word's text as BuildKit joins it: the continuations (the escape character, the line break
/// and the comment or blank lines after it) inside `word` left out.
pub fn joined(src: &str, word: TextRange, escape: char) -> String {
    let text = word.slice(src);
    if !text.contains('\n') {
        return text.to_string();
    }
    let mut out = String::new();
    let mut lines = text.split('\n').peekable();
    while let Some(line) = lines.next() {
        let line = line.trim_end_matches('\r');
        if lines.peek().is_some() {
            if line.trim_start().starts_with('#') || line.trim().is_empty() {
                continue;
            }
            out.push_str(line.trim_end_matches([' ', '\t']).strip_suffix(escape).unwrap_or(line));
        } else {
            out.push_str(line);
        }
    }
    out
}

/// The arguments of `ins` as words: the JSON array's elements (unquoted), or the blank-separated
/// words as written ([`raw_words`]). Empty when the instruction has heredocs.
pub fn arg_words(src: &str, ins: &Instruction, escape: char) -> Vec<Word> {
    if !ins.heredocs.is_empty() {
        return Vec::new();
    }
    if let Some(json) = &ins.json {
        return json.clone();
    }
    raw_words(src, ins.args, escape)
        .into_iter()
        .map(|r| Word {
            value: joined(src, r, escape),
            range: r,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_escape_character_ends_a_line_only_where_the_instruction_goes_on() {
        let src = "C:\\\\a b \\\n  C:\\\\dir\\\\";
        let words: Vec<&str> = raw_words(src, TextRange::new(0, src.len()), '\\')
            .iter()
            .map(|r| r.slice(src))
            .collect();
        assert_eq!(words, ["C:\\\\a", "b", "C:\\\\dir\\\\"]);
    }

    #[test]
    fn a_continued_line_joins_the_next_with_no_separator() {
        let src = "a\\\n# c\n\nb c \\\n  d";
        let words = raw_words(src, TextRange::new(0, src.len()), '\\');
        let texts: Vec<String> = words.iter().map(|&w| joined(src, w, '\\')).collect();
        assert_eq!(texts, ["ab", "c", "d"]);
        assert_eq!(words[0], TextRange::new(0, 9));
    }
}

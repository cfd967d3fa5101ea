//! The words of an instruction's arguments as written, with their source ranges: what
//! BuildKit splits on blanks (EXPOSE, COPY, ADD, VOLUME) before it expands them.

use super::model::{Instruction, Word};
use super::text::TextRange;

/// The blank-separated words of `range`, line by line: comment lines and the escape character
/// that continues a line are left out.
pub fn raw_words(src: &str, range: TextRange, escape: char) -> Vec<TextRange> {
    let mut out = Vec::new();
    let mut line_start = range.start;
    for line in range.slice(src).split_inclusive('\n') {
        let start = line_start;
        line_start += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        if body.trim_start().starts_with('#') {
            continue;
        }
        // only a line the instruction goes on after ends in a continuation: on its last line a
        // trailing escape character is part of the last word (`C:\\dir\\`)
        let continues = line_start < range.end;
        let body = match body.trim_end().strip_suffix(escape) {
            Some(rest) if continues => rest,
            _ => body,
        };
        let mut word_start = None;
        for (i, c) in body.char_indices().chain([(body.len(), ' ')]) {
            match (c.is_whitespace(), word_start) {
                (true, Some(s)) => {
                    out.push(TextRange::new(start + s, start + i));
                    word_start = None;
                }
                (false, None) => word_start = Some(i),
                _ => {}
            }
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
            value: r.slice(src).to_string(),
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
}

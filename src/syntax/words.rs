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
        let body = body.trim_end().strip_suffix(escape).unwrap_or(body);
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

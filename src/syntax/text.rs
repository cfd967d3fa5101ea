//! Byte ranges into the source text, and the conversion to lines and columns.
//!
//! Everything in the model carries a [`TextRange`] into the original text. Lines and columns
//! are computed only at the output boundary, by [`LineIndex`].

use serde::Serialize;

/// A half-open byte range `start..end` into the source text.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

impl TextRange {
    pub const fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Self { start, end }
    }

    pub const fn empty(at: usize) -> Self {
        Self { start: at, end: at }
    }

    pub const fn len(self) -> usize {
        self.end - self.start
    }

    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub const fn contains_range(self, other: TextRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub const fn shift(self, by: usize) -> Self {
        Self {
            start: self.start + by,
            end: self.end + by,
        }
    }

    pub fn slice(self, text: &str) -> &str {
        &text[self.start..self.end]
    }

    /// The smallest range covering both.
    pub fn cover(self, other: TextRange) -> Self {
        Self {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

impl From<std::ops::Range<usize>> for TextRange {
    fn from(r: std::ops::Range<usize>) -> Self {
        Self::new(r.start, r.end)
    }
}

impl From<TextRange> for std::ops::Range<usize> {
    fn from(r: TextRange) -> Self {
        r.start..r.end
    }
}

/// Line and column of byte offsets: 1-based lines, 1-based columns counted in Unicode scalar
/// values; `utf16_col` gives the 0-based UTF-16 column the LSP uses by default.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// 0-based line of `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.starts[line.min(self.starts.len() - 1)]
    }

    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let line = self.line_of(offset);
        let start = self.starts[line];
        let column = text.get(start..offset).map_or(offset - start, |s| s.chars().count()) + 1;
        LineCol { line: line + 1, column }
    }

    pub fn utf16_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.line_of(offset);
        let start = self.starts[line];
        (line, text.get(start..offset).map_or(0, |s| s.encode_utf16().count()))
    }

    /// 0-based line of `offset` and its 0-based column in bytes (UTF-8 code units).
    pub fn utf8_col(&self, offset: usize) -> (usize, usize) {
        let line = self.line_of(offset);
        (line, offset - self.starts[line])
    }

    /// How many lines there are (a final line break starts an empty last line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The end of 0-based `line`'s content: before its `\n`, and before a `\r` ahead of it.
    pub fn line_end(&self, text: &str, line: usize) -> usize {
        let start = self.line_start(line);
        let end = self.starts.get(line + 1).map_or(text.len(), |&next| next - 1);
        let content = &text[start..end];
        start + content.strip_suffix('\r').unwrap_or(content).len()
    }

    /// The offset of a 0-based line and a 0-based column in bytes. `None` when the line is past
    /// the last one; a column past the line's content is its end; a column inside a character is
    /// that character's start.
    pub fn offset_utf8(&self, text: &str, line: usize, col: usize) -> Option<usize> {
        if line >= self.starts.len() {
            return None;
        }
        let start = self.starts[line];
        let mut at = (start + col).min(self.line_end(text, line));
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        Some(at)
    }

    /// The offset of a 0-based line and a 0-based column in UTF-16 code units, clamped like
    /// [`LineIndex::offset_utf8`].
    pub fn offset_utf16(&self, text: &str, line: usize, col: usize) -> Option<usize> {
        if line >= self.starts.len() {
            return None;
        }
        let start = self.starts[line];
        let end = self.line_end(text, line);
        let mut units = 0;
        for (i, c) in text[start..end].char_indices() {
            units += c.len_utf16();
            if units > col {
                return Some(start + i);
            }
        }
        Some(end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let text = "ab\né\u{1F600}x\r\nz";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(idx.line_col(text, 3), LineCol { line: 2, column: 1 });
        let x = text.find('x').unwrap();
        assert_eq!(idx.line_col(text, x), LineCol { line: 2, column: 3 });
        assert_eq!(idx.utf16_col(text, x), (1, 3));
        assert_eq!(idx.line_col(text, text.len()), LineCol { line: 3, column: 2 });
    }

    #[test]
    fn lsp_columns_both_ways() {
        // é is 2 bytes and 1 UTF-16 unit; 😀 is 4 bytes and 2 UTF-16 units
        let text = "ab\né\u{1F600}x\r\nz";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 3);
        let x = text.find('x').unwrap();
        assert_eq!(idx.utf8_col(x), (1, 6));
        assert_eq!(idx.offset_utf8(text, 1, 6), Some(x));
        assert_eq!(idx.offset_utf16(text, 1, 3), Some(x));
        // every character start round-trips in both encodings
        for (off, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let (line, c8) = idx.utf8_col(off);
            let (line16, c16) = idx.utf16_col(text, off);
            assert_eq!(line, line16);
            if off <= idx.line_end(text, line) {
                assert_eq!(idx.offset_utf8(text, line, c8), Some(off), "utf-8 at {off}");
                assert_eq!(idx.offset_utf16(text, line, c16), Some(off), "utf-16 at {off}");
            }
        }
        // inside a character: its start
        let emoji = text.find('\u{1F600}').unwrap();
        assert_eq!(idx.offset_utf8(text, 1, 3), Some(emoji));
        assert_eq!(idx.offset_utf16(text, 1, 2), Some(emoji));
        // past the end of a line: the line's end, before CRLF
        assert_eq!(idx.line_end(text, 1), x + 1);
        assert_eq!(idx.offset_utf8(text, 1, 99), Some(x + 1));
        assert_eq!(idx.offset_utf16(text, 1, 99), Some(x + 1));
        assert_eq!(idx.offset_utf16(text, 0, 99), Some(2));
        assert_eq!(idx.offset_utf16(text, 2, 1), Some(text.len()));
        // past the last line: nothing
        assert_eq!(idx.offset_utf8(text, 3, 0), None);
        assert_eq!(idx.offset_utf16(text, 3, 0), None);
        // a final line break starts an empty line
        let t = "é\n";
        let i = LineIndex::new(t);
        assert_eq!(i.line_count(), 2);
        assert_eq!(i.offset_utf16(t, 1, 0), Some(t.len()));
        assert_eq!(i.offset_utf16(t, 0, 1), Some(2));
    }
}

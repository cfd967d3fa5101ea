//! `EXPOSE` port specs as BuildKit's `parsePort` splits them (`[ip:][host:]port[-end][/proto]`),
//! with source ranges. Only words written literally are read: a word with a variable, a quote
//! or an escape is skipped, as its value is known only once expanded.

use crate::syntax::model::{Instruction, Kind};
use crate::syntax::text::TextRange;

/// One literal word of an `EXPOSE`, split.
#[derive(Clone, Debug)]
pub struct PortSpec {
    pub word: TextRange,
    /// The IP part, when the word has three or more `:`-separated parts.
    pub ip: Option<TextRange>,
    /// The host port part, when the word has two or more parts.
    pub host: Option<TextRange>,
    /// The container port or range.
    pub port: TextRange,
    /// After the `/`, when there is one.
    pub proto: Option<TextRange>,
}

/// The literal words of an `EXPOSE` (not an ONBUILD trigger), split into their parts.
pub fn port_specs(src: &str, ins: &Instruction, escape: char) -> Vec<PortSpec> {
    if ins.kind != Kind::Expose || ins.invalid {
        return Vec::new();
    }
    crate::syntax::words::raw_words(src, ins.args, escape)
        .into_iter()
        .filter(|w| !w.slice(src).contains(['$', '"', '\'', escape]))
        .map(|w| split(src, w))
        .collect()
}

fn split(src: &str, word: TextRange) -> PortSpec {
    let text = word.slice(src);
    let at = |a: usize, b: usize| TextRange::new(word.start + a, word.start + b);
    let colons: Vec<usize> = text.match_indices(':').map(|(i, _)| i).collect();
    let (ip, host, rest) = match colons.len() {
        0 => (None, None, 0),
        1 => (None, Some(at(0, colons[0])), colons[0] + 1),
        n => {
            let (a, b) = (colons[n - 2], colons[n - 1]);
            (Some(at(0, a)), Some(at(a + 1, b)), b + 1)
        }
    };
    let (port, proto) = match text[rest..].find('/') {
        Some(s) => (at(rest, rest + s), Some(at(rest + s + 1, text.len()))),
        None => (at(rest, text.len()), None),
    };
    PortSpec {
        word,
        ip,
        host,
        port,
        proto,
    }
}

//! Semantic tokens, from the model's byte ranges. The legend uses standard token types only:
//!
//! | type        | what                                                                  |
//! |-------------|-----------------------------------------------------------------------|
//! | `keyword`   | instruction keywords (an ONBUILD's trigger too; not an unknown one),   |
//! |             | `AS` in FROM, HEALTHCHECK's `CMD` and `NONE`                           |
//! | `parameter` | a flag's name (`--mount`)                                              |
//! | `property`  | a `--mount` option key (`type`, `target`)                              |
//! | `string`    | a flag's value, a `--mount` option's value, a parser directive's value |
//! | `comment`   | comment lines, parser directive lines around key and value            |
//! | `macro`     | a parser directive's key (`syntax`, `escape`, `check`)                 |
//! | `namespace` | a stage name: where FROM … AS names it (`declaration`) and every use   |
//! | `variable`  | the name in a variable reference (`$NAME`, `${NAME}`) that BuildKit or |
//! |             | the shell expands (`Instruction::vars`, `shell_vars`)                  |
//!
//! Modifiers: `declaration` (a stage's definition), `deprecated` (MAINTAINER). Arguments,
//! shell scripts and heredoc bodies get no token: the client's grammar colours them.
//!
//! Tokens nest (a stage name inside `--from=`'s value, a key inside `--mount`'s value): each
//! byte takes the innermost token painted over it, and tokens never span a line break.

use super::convert::Encoding;
use super::document::Document;
use crate::syntax::model::{Body, Dockerfile, Instruction, Kind};
use crate::syntax::text::TextRange;
use lsp_types::{SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokensLegend};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenType {
    Keyword,
    Parameter,
    Property,
    String,
    Comment,
    Macro,
    Namespace,
    Variable,
}

/// The legend's types, in `TokenType`'s order.
pub const TYPES: [SemanticTokenType; 8] = [
    SemanticTokenType::KEYWORD,
    SemanticTokenType::PARAMETER,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::STRING,
    SemanticTokenType::COMMENT,
    SemanticTokenType::MACRO,
    SemanticTokenType::NAMESPACE,
    SemanticTokenType::VARIABLE,
];

pub const DECLARATION: u32 = 1;
pub const DEPRECATED: u32 = 2;
/// The legend's modifiers, bit 0 first.
pub const MODIFIERS: [SemanticTokenModifier; 2] =
    [SemanticTokenModifier::DECLARATION, SemanticTokenModifier::DEPRECATED];

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TYPES.to_vec(),
        token_modifiers: MODIFIERS.to_vec(),
    }
}

/// A token before encoding: a byte range on one line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub range: TextRange,
    pub kind: TokenType,
    pub modifiers: u32,
}

/// Each byte's token (an index into `tokens`, plus one; 0 for none).
struct Canvas {
    cells: Vec<u32>,
    tokens: Vec<(TokenType, u32)>,
}

impl Canvas {
    fn paint(&mut self, r: TextRange, kind: TokenType, modifiers: u32) {
        if r.is_empty() || r.end > self.cells.len() {
            return;
        }
        self.tokens.push((kind, modifiers));
        let id = u32::try_from(self.tokens.len()).unwrap_or(u32::MAX);
        self.cells[r.start..r.end].fill(id);
    }
}

/// Every token of the text, in order.
pub fn tokens(text: &str, model: &Dockerfile) -> Vec<Token> {
    let mut c = Canvas {
        cells: vec![0; text.len()],
        tokens: Vec::new(),
    };
    for r in &model.comments {
        c.paint(*r, TokenType::Comment, 0);
    }
    for d in &model.directives.items {
        c.paint(d.line_range, TokenType::Comment, 0);
        c.paint(d.key_range, TokenType::Macro, 0);
        c.paint(d.value_range, TokenType::String, 0);
    }
    for ins in &model.instructions {
        instruction(text, ins, &mut c);
    }
    for o in super::navigation::occurrences(text, model) {
        let modifiers = if o.definition { DECLARATION } else { 0 };
        c.paint(o.range, TokenType::Namespace, modifiers);
    }
    // runs of one token, cut at line breaks
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let id = c.cells[i];
        if id == 0 || bytes[i] == b'\n' || bytes[i] == b'\r' {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && c.cells[i] == id && bytes[i] != b'\n' && bytes[i] != b'\r' {
            i += 1;
        }
        let (kind, modifiers) = c.tokens[id as usize - 1];
        out.push(Token {
            range: TextRange::new(start, i),
            kind,
            modifiers,
        });
    }
    out
}

fn instruction(text: &str, ins: &Instruction, c: &mut Canvas) {
    if ins.kind == Kind::Unknown {
        return;
    }
    let deprecated = if ins.kind == Kind::Maintainer { DEPRECATED } else { 0 };
    c.paint(ins.keyword_range, TokenType::Keyword, deprecated);
    if let Body::Onbuild(inner) = &ins.body {
        instruction(text, inner, c);
        return;
    }
    let run = ins.run();
    for f in &ins.flags {
        let name = TextRange::new(f.range.start, f.range.start + 2 + f.name.len());
        // a flag whose name is quoted or escaped gets no token
        if name.end > f.range.end || name.slice(text).get(2..) != Some(f.name.as_str()) {
            continue;
        }
        c.paint(name, TokenType::Parameter, 0);
        // `--mount`'s value is painted field by field
        if text[name.end..f.range.end].starts_with('=') && !(run.is_some() && f.name == "mount") {
            c.paint(TextRange::new(name.end + 1, f.range.end), TokenType::String, 0);
        }
    }
    for m in run.iter().flat_map(|r| &r.mounts) {
        for field in &m.fields {
            // a mount written inside quotes has every field at the flag's range: no token
            if field.key_range.contains_range(m.range) {
                continue;
            }
            c.paint(field.key_range, TokenType::Property, 0);
            if let Some(v) = field.value_range {
                c.paint(v, TokenType::String, 0);
            }
        }
    }
    for v in ins.vars.iter().chain(&ins.shell_vars) {
        c.paint(with_sigil(text, v.range), TokenType::Variable, 0);
    }
    // HEALTHCHECK's own `CMD` or `NONE`
    if ins.kind == Kind::Healthcheck {
        let args = ins.args.slice(text);
        let word = args.split(|c: char| c.is_ascii_whitespace()).next().unwrap_or_default();
        if word.eq_ignore_ascii_case("cmd") || word.eq_ignore_ascii_case("none") {
            c.paint(
                TextRange::new(ins.args.start, ins.args.start + word.len()),
                TokenType::Keyword,
                0,
            );
        }
    }
    if let Body::From(from) = &ins.body
        && let (Some(image), Some(name)) = (&from.image, from.name_range)
    {
        // `AS` between the image and the stage name
        let gap = TextRange::new(image.range.end, name.start);
        if let Some(at) = gap.slice(text).to_ascii_lowercase().find("as") {
            let at = gap.start + at;
            c.paint(TextRange::new(at, at + 2), TokenType::Keyword, 0);
        }
    }
}

/// A variable's name with the `$` before it, or the `${` and `}` around it (`${NAME:-x}`: up to
/// the name).
fn with_sigil(text: &str, name: TextRange) -> TextRange {
    let b = text.as_bytes();
    if name.start >= 1 && b[name.start - 1] == b'$' {
        TextRange::new(name.start - 1, name.end)
    } else if name.start >= 2 && &b[name.start - 2..name.start] == b"${" {
        let end = if b.get(name.end) == Some(&b'}') {
            name.end + 1
        } else {
            name.end
        };
        TextRange::new(name.start - 2, end)
    } else {
        name
    }
}

/// The tokens that overlap `range` (all when `None`), encoded relative to each other.
pub fn encode(doc: &Document, enc: Encoding, range: Option<TextRange>) -> Vec<SemanticToken> {
    let model = &*doc.model;
    let mut out = Vec::new();
    let (mut line, mut col) = (0, 0);
    for t in tokens(&doc.text, model) {
        if range.is_some_and(|r| t.range.end <= r.start || t.range.start >= r.end) {
            continue;
        }
        let start = doc.range(enc, t.range);
        let length = match enc {
            Encoding::Utf8 => t.range.len(),
            Encoding::Utf16 => t.range.slice(&doc.text).encode_utf16().count(),
        };
        let delta_line = start.start.line - line;
        let delta_start = if delta_line == 0 {
            start.start.character - col
        } else {
            start.start.character
        };
        (line, col) = (start.start.line, start.start.character);
        out.push(SemanticToken {
            delta_line,
            delta_start,
            length: u32::try_from(length).unwrap_or(u32::MAX),
            token_type: t.kind as u32,
            token_modifiers_bitset: t.modifiers,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn show(src: &str) -> Vec<(String, TokenType, u32)> {
        let model = parse(src);
        tokens(src, &model)
            .into_iter()
            .map(|t| (t.range.slice(src).to_string(), t.kind, t.modifiers))
            .collect()
    }

    #[test]
    fn tokens_nest_and_stop_at_line_ends() {
        use TokenType::*;
        let src = "# syntax=docker/dockerfile:1\n# a comment\nFROM a AS base\nfrom base as b\n\
                   RUN --mount=type=cache,from=base,target=/x \\\n  --network=none echo hi\n\
                   COPY --from=base a b\nONBUILD RUN --mount=type=bind,target=${T} echo $HOME ${X:-y}\nMAINTAINER me\nFROB --x=1 y\n\
                   HEALTHCHECK --retries=3 cmd true\n";
        let s = |t: &str, k, m| (t.to_string(), k, m);
        assert_eq!(
            show(src),
            vec![
                s("# ", Comment, 0),
                s("syntax", Macro, 0),
                s("=", Comment, 0),
                s("docker/dockerfile:1", String, 0),
                s("# a comment", Comment, 0),
                s("FROM", Keyword, 0),
                s("AS", Keyword, 0),
                s("base", Namespace, DECLARATION),
                s("from", Keyword, 0),
                s("base", Namespace, 0),
                s("as", Keyword, 0),
                s("b", Namespace, DECLARATION),
                s("RUN", Keyword, 0),
                s("--mount", Parameter, 0),
                s("type", Property, 0),
                s("cache", String, 0),
                s("from", Property, 0),
                s("base", Namespace, 0),
                s("target", Property, 0),
                s("/x", String, 0),
                s("--network", Parameter, 0),
                s("none", String, 0),
                s("COPY", Keyword, 0),
                s("--from", Parameter, 0),
                s("base", Namespace, 0),
                s("ONBUILD", Keyword, 0),
                s("RUN", Keyword, 0),
                s("--mount", Parameter, 0),
                s("type", Property, 0),
                s("bind", String, 0),
                s("target", Property, 0),
                s("${T}", Variable, 0),
                s("$HOME", Variable, 0),
                s("${X", Variable, 0),
                s("MAINTAINER", Keyword, DEPRECATED),
                s("HEALTHCHECK", Keyword, 0),
                s("--retries", Parameter, 0),
                s("3", String, 0),
                s("cmd", Keyword, 0),
            ]
        );
    }
}

//! Go to definition and find references for stage names: a stage is defined by `FROM … AS name`
//! and used by `FROM name`, `COPY --from=name` and `RUN --mount=…,from=name` (names compared
//! lowercased, as BuildKit stores them; a number names a stage by its index).

use super::convert::Encoding;
use super::document::Document;
use crate::syntax::model::{Body, Dockerfile, Instruction, Kind};
use crate::syntax::text::TextRange;
use lsp_types::{Location, Range};

/// A place a stage is named at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occurrence {
    pub stage: usize,
    pub range: TextRange,
    pub definition: bool,
}

/// Every definition and use of a stage, in source order.
pub fn occurrences(text: &str, model: &Dockerfile) -> Vec<Occurrence> {
    let mut out = Vec::new();
    for ins in &model.instructions {
        let Some(current) = ins.stage else { continue };
        if let Body::From(f) = &ins.body {
            if let (Some(parent), Some(image)) = (model.stages[current].parent, &f.image) {
                out.push(Occurrence {
                    stage: parent,
                    range: image.range,
                    definition: false,
                });
            }
            if let Some(range) = f.name_range {
                out.push(Occurrence {
                    stage: current,
                    range,
                    definition: true,
                });
            }
            continue;
        }
        uses(text, model, current, ins.effective(), &mut out);
    }
    out
}

fn uses(text: &str, model: &Dockerfile, current: usize, ins: &Instruction, out: &mut Vec<Occurrence>) {
    if ins.kind == Kind::Copy
        && let Some(flag) = ins.flag("from")
        && let Some(value) = &flag.value
        && let Some(stage) = resolve(model, current, value)
    {
        out.push(Occurrence {
            stage,
            range: flag_value_range(text, flag.range),
            definition: false,
        });
    }
    if let Some(run) = ins.run() {
        for mount in &run.mounts {
            if let Some(field) = mount.field("from")
                && let (Some(value), Some(range)) = (&field.value, field.value_range)
                && let Some(stage) = resolve(model, current, value)
            {
                out.push(Occurrence {
                    stage,
                    range: unquoted(text, range),
                    definition: false,
                });
            }
        }
    }
}

/// The stage `name` refers to from inside stage `current`: an earlier stage of that name, or the
/// stage of that index.
fn resolve(model: &Dockerfile, current: usize, name: &str) -> Option<usize> {
    let lower = name.to_ascii_lowercase();
    if let Some(s) = model.stages[..current]
        .iter()
        .rposition(|s| s.name.as_deref() == Some(lower.as_str()))
    {
        return Some(s);
    }
    lower.parse::<usize>().ok().filter(|&n| n < current)
}

/// The value of `--flag=value` as written, quotes excluded.
fn flag_value_range(text: &str, flag: TextRange) -> TextRange {
    match flag.slice(text).find('=') {
        Some(eq) => unquoted(text, TextRange::new(flag.start + eq + 1, flag.end)),
        None => flag,
    }
}

fn unquoted(text: &str, r: TextRange) -> TextRange {
    let s = r.slice(text);
    let b = s.as_bytes();
    if b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0] {
        TextRange::new(r.start + 1, r.end - 1)
    } else {
        r
    }
}

/// The occurrence under `offset` (its ends included).
fn at(occurrences: &[Occurrence], offset: usize) -> Option<Occurrence> {
    occurrences
        .iter()
        .copied()
        .find(|o| o.range.start <= offset && offset <= o.range.end)
}

/// Where a stage is declared: its name, else (a stage used by its index) its image or keyword.
fn declaration(model: &Dockerfile, stage: usize) -> TextRange {
    let from = &model.instructions[model.stages[stage].from];
    match &from.body {
        Body::From(f) => f
            .name_range
            .or_else(|| f.image.as_ref().map(|i| i.range))
            .unwrap_or(from.keyword_range),
        _ => from.keyword_range,
    }
}

pub fn definition(doc: &Document, enc: Encoding, offset: usize) -> Option<Location> {
    let model = crate::syntax::parse(&doc.text);
    let found = at(&occurrences(&doc.text, &model), offset)?;
    Some(Location::new(
        doc.uri.clone(),
        doc.range(enc, declaration(&model, found.stage)),
    ))
}

pub fn references(doc: &Document, enc: Encoding, offset: usize, include_declaration: bool) -> Vec<Location> {
    let model = crate::syntax::parse(&doc.text);
    let all = occurrences(&doc.text, &model);
    let Some(found) = at(&all, offset) else {
        return Vec::new();
    };
    let mut ranges: Vec<Range> = Vec::new();
    if include_declaration {
        ranges.push(doc.range(enc, declaration(&model, found.stage)));
    }
    for o in all.iter().filter(|o| o.stage == found.stage && !o.definition) {
        ranges.push(doc.range(enc, o.range));
    }
    ranges.into_iter().map(|r| Location::new(doc.uri.clone(), r)).collect()
}

//! Folding ranges: each stage, and each instruction that spans several lines (continuations,
//! heredocs).

use super::document::Document;
use lsp_types::{FoldingRange, FoldingRangeKind};

pub fn folding_ranges(doc: &Document) -> Vec<FoldingRange> {
    let model = &*doc.model;
    let mut out = Vec::new();
    // 1-based physical lines in the model, 0-based in the protocol
    let fold = |start: usize, end: usize, kind: Option<FoldingRangeKind>| FoldingRange {
        start_line: to_u32(start.saturating_sub(1)),
        start_character: None,
        end_line: to_u32(end.saturating_sub(1)),
        end_character: None,
        kind,
        collapsed_text: None,
    };
    let mut stages = model.stages.iter().peekable();
    for (i, ins) in model.instructions.iter().enumerate() {
        if let Some(stage) = stages.next_if(|s| s.from == i) {
            let end = model.instructions[stage.last].end_line;
            if end > ins.start_line {
                out.push(fold(ins.start_line, end, Some(FoldingRangeKind::Region)));
            }
        }
        if ins.end_line > ins.start_line {
            out.push(fold(ins.start_line, ins.end_line, None));
        }
    }
    out
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

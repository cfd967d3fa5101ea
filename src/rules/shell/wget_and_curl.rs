use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::syntax::text::LineIndex;

pub static META: RuleMeta = RuleMeta {
    name: "wget-and-curl",
    family: Family::Shell,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL4001"],
    related: &[],
    summary: "a stage that uses both `wget` and `curl`",
    options: &[],
    fix_priority: 740,
    after_suppressions: false,
    doc: include_str!("../../../rules/wget-and-curl.md"),
};

pub fn check(ctx: &mut Context) {
    let lines = LineIndex::new(ctx.src);
    // per stage: where `curl` and `wget` were first run
    let mut stage = None;
    let mut first: [Option<usize>; 2] = [None, None];
    for (r, _) in ctx.runs() {
        if r.is_onbuild() {
            continue;
        }
        if r.ins.stage != stage {
            stage = r.ins.stage;
            first = [None, None];
        }
        let mut here = None;
        for c in r.commands.iter() {
            let tool = match c.effective().name() {
                Some("curl") => 0,
                Some("wget") => 1,
                _ => continue,
            };
            let at = c.effective().words[0].range;
            first[tool].get_or_insert(at.start);
            here.get_or_insert((tool, at));
        }
        let (Some((tool, at)), [Some(curl), Some(wget)]) = (here, first) else {
            continue;
        };
        // the other tool, where the stage first runs it
        let (other, other_at) = if tool == 0 { ("wget", wget) } else { ("curl", curl) };
        let this = if tool == 0 { "curl" } else { "wget" };
        ctx.report(
            at,
            format!(
                "the stage runs both `{this}` and `{other}` (line {}): one download tool is enough, and the image carries both",
                lines.line_of(other_at) + 1
            ),
        );
    }
}

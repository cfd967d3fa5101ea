use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::syntax::image::ImageRef;
use crate::syntax::model::{Dockerfile, Kind, Word};
use crate::syntax::words::arg_words;

pub static META: RuleMeta = RuleMeta {
    name: "copy-from-root",
    family: Family::Image,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3067"],
    related: &[],
    summary: "`COPY --from=… / /`, a whole filesystem copied from another stage or image",
    options: &[],
    fix_priority: 555,
    after_suppressions: false,
    doc: include_str!("../../../rules/copy-from-root.md"),
};

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    for ins in &model.instructions {
        if ins.kind != Kind::Copy || ins.invalid {
            continue;
        }
        let Some(from) = ins.flag("from").and_then(|f| f.value.as_deref()) else { continue };
        let words = arg_words(ctx.src, ins, model.escape);
        let unquoted = |w: &Word| w.value.trim_matches(['"', '\'']) == "/";
        let Some((dest, sources)) = words.split_last() else { continue };
        if sources.is_empty() || !unquoted(dest) || only_files(model, from) {
            continue;
        }
        let Some(source) = sources.iter().find(|w| unquoted(w)) else { continue };
        let d = ctx.report(
            source.range,
            format!("this copies the whole filesystem of `{from}` over this stage's own"),
        );
        d.no_fix_reason = Some("which paths the stage needs is the author's choice".into());
    }
}

/// `from` holds only the files put in it, with no operating system to carry along: a stage of
/// the file built from `scratch` (the last of that name, as BuildKit resolves `--from`), or
/// `tonistiigi/xx`, an image made from `scratch` of cross-compilation scripts whose README
/// installs them with `COPY --from=xx / /`.
fn only_files(model: &Dockerfile, from: &str) -> bool {
    let lower = from.to_ascii_lowercase();
    let stage = match lower.parse::<usize>() {
        Ok(n) => Some(n).filter(|&n| n < model.stages.len()),
        Err(_) => model.stages.iter().rposition(|st| st.name.as_deref() == Some(lower.as_str())),
    };
    let base = match stage {
        Some(n) => {
            let root = *model.stage_chain(n).last().unwrap_or(&n);
            match model.stages[root].base.as_deref() {
                Some(base) => base.to_ascii_lowercase(),
                None => return false,
            }
        }
        None => lower,
    };
    base == "scratch" || ImageRef::parse(&base).repo() == "tonistiigi/xx"
}

//! What several rules say or write the same way.

/// Why a finding in an `ONBUILD RUN` has no fix.
pub const ONBUILD_NO_FIX: &str = "the RUN is an ONBUILD trigger: it runs in a child build, which dfix does not see";

/// Why a mount for a non-root user has no fix.
pub fn unknown_uid(user: &str) -> String {
    format!("the uid of user `{user}` could not be determined (from `USER` or an earlier `useradd -u`)")
}

/// The RUN the apt rules' alternative fix inserts: what BuildKit's reference shows for caching
/// apt.
pub const KEEP_PACKAGES: &str = "RUN rm -f /etc/apt/apt.conf.d/docker-clean && echo 'Binary::apt::APT::Keep-Downloaded-Packages \"true\";' > /etc/apt/apt.conf.d/keep-cache";

/// Reports each instruction of `kind` (`CMD`, `ENTRYPOINT`, `HEALTHCHECK`) that a later one of
/// its stage overrides, with the unsafe fix that deletes it. BuildKit keeps only the last of a
/// stage (a stage built on another starts afresh: its own ones are counted alone).
pub fn report_overridden(ctx: &mut super::Context, kind: crate::syntax::model::Kind, keyword: &str) {
    let model = ctx.model;
    for stage in &model.stages {
        let found: Vec<usize> = (stage.from..=stage.last)
            .filter(|&i| model.instructions[i].kind == kind && !model.instructions[i].invalid)
            .collect();
        for w in found.windows(2) {
            let ins = &model.instructions[w[0]];
            let fix = crate::diagnostic::Fix::unsafe_(
                format!("Delete the overridden `{keyword}`"),
                vec![super::edits::delete_instruction(model, ins)],
            );
            ctx.report_with_fix(
                ins.keyword_range,
                format!(
                    "this `{keyword}` has no effect: the `{keyword}` on line {} of the same stage replaces it",
                    model.instructions[w[1]].start_line
                ),
                Some(fix),
            );
        }
    }
}

/// The `AS` word of `FROM image AS name`: the word just before the stage name (on its line).
pub fn as_keyword(src: &str, ins: &crate::syntax::model::Instruction) -> Option<crate::syntax::text::TextRange> {
    let crate::syntax::model::Body::From(from) = &ins.body else {
        return None;
    };
    let name = from.name_range?;
    let base = ins.args.start.min(name.start);
    let trimmed = src[base..name.start].trim_end_matches([' ', '\t']);
    let start = trimmed.rfind(|c: char| c.is_whitespace()).map_or(0, |i| i + 1);
    trimmed[start..]
        .eq_ignore_ascii_case("as")
        .then(|| crate::syntax::text::TextRange::new(base + start, base + trimmed.len()))
}

/// A valid instruction of `kind` comes before instruction `index` in its stage or anywhere in
/// a stage it is built on (`FROM <stage>`): a `SHELL` or `WORKDIR` in effect there.
pub fn in_chain_before(
    model: &crate::syntax::model::Dockerfile,
    index: usize,
    kind: crate::syntax::model::Kind,
) -> bool {
    any_in_chain_before(model, index, |i| i.kind == kind && !i.invalid)
}

/// An instruction that satisfies `pred` comes before instruction `index` in its stage or
/// anywhere in a stage it is built on (`FROM <stage>`).
pub fn any_in_chain_before(
    model: &crate::syntax::model::Dockerfile,
    index: usize,
    pred: impl Fn(&crate::syntax::model::Instruction) -> bool,
) -> bool {
    let Some(s) = model.instructions[index].stage else {
        return false;
    };
    model.stage_chain(s).into_iter().any(|st| {
        let stage = &model.stages[st];
        let end = if st == s { index } else { stage.last + 1 };
        model.instructions[stage.from..end].iter().any(&pred)
    })
}

/// The file is written for makisu's explicit commits: a `#!COMMIT` at the end of an
/// instruction ends a layer, and the instructions since the last one make one cached layer. The
/// layers family's findings describe BuildKit's layer per instruction, so its rules stay silent
/// on such a file.
pub fn commits_explicitly(src: &str) -> bool {
    src.contains("#!COMMIT")
}

/// `COPY . <dest>` (or `ADD`) of the whole build context: the only source is the context's root.
pub fn copies_whole_context(
    src: &str,
    model: &crate::syntax::model::Dockerfile,
    ins: &crate::syntax::model::Instruction,
) -> bool {
    use crate::syntax::model::Kind;
    if !matches!(ins.kind, Kind::Copy | Kind::Add)
        || ins.invalid
        || ins.flag("from").is_some()
        || !ins.heredocs.is_empty()
    {
        return false;
    }
    let words = crate::syntax::words::arg_words(src, ins, model.escape);
    words.len() == 2 && matches!(words[0].value.as_str(), "." | "./")
}

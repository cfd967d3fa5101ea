use super::common::in_chain_before;
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::syntax::model::Kind;
use crate::syntax::remote::{Source, classify};
use crate::syntax::words::arg_words;

pub static META: RuleMeta = RuleMeta {
    name: "add-instead-of-copy",
    family: Family::Instructions,
    severity: Severity::Error,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &["DL3020"],
    related: &[],
    summary: "`ADD` of local files or folders, which `COPY` does without `ADD`'s extras",
    options: &[],
    fix_priority: 431,
    after_suppressions: false,
    doc: include_str!("../../../rules/add-instead-of-copy.md"),
};

/// What `ADD` unpacks when it is a local file (BuildKit looks at the content; these are the
/// names that say so).
const ARCHIVES: &[&str] = &[
    ".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz",
    ".tpz", ".txz", ".xz", ".zst", ".tzst", ".zstd",
];

/// `ADD`'s own flags, which `COPY` refuses.
const ADD_ONLY: &[&str] = &["checksum", "keep-git-dir", "unpack"];

pub fn check(ctx: &mut Context) {
    let escape = ctx.model.escape;
    for (i, ins) in ctx.model.instructions.iter().enumerate() {
        if ins.kind != Kind::Add || ins.invalid {
            continue;
        }
        let words = arg_words(ctx.src, ins, escape);
        let Some((dest, sources)) = words.split_last() else { continue };
        let plain: Vec<&str> = sources
            .iter()
            .map(|w| w.value.trim_matches(['"', '\'']))
            .filter(|s| local_plain(s))
            .collect();
        let Some(first) = plain.first() else { continue };
        let all_plain = plain.len() == sources.len();
        let add_flag = ins.flags.iter().find(|f| ADD_ONLY.contains(&f.name.as_str()));
        // as a `COPY` it must not be `copy-dest-without-slash`'s or
        // `copy-relative-dest-without-workdir`'s
        let dest = dest.value.trim_matches(['"', '\'']);
        let copy_ok = (sources.len() == 1 || dest.ends_with('/'))
            && (dest.starts_with('/') || in_chain_before(ctx.model, i, Kind::Workdir));
        // a wildcard may match an archive, which `ADD` unpacks
        let wildcard = plain.iter().any(|s| s.contains(['*', '?', '[']));
        let fix = match (all_plain, add_flag) {
            (true, None) if copy_ok && !wildcard => {
                let copy = if ins.keyword.chars().all(|c| c.is_ascii_lowercase()) {
                    "copy"
                } else {
                    "COPY"
                };
                let edits = vec![Edit::replace(ins.keyword_range, copy)];
                // `ADD` unpacks a tar whatever its name: only a name with another extension, or
                // a folder, says it is none
                if plain.iter().all(|s| named_plain(s)) {
                    Some(Fix::safe("Use `COPY`", edits))
                } else {
                    Some(Fix::unsafe_("Use `COPY` (if the file is no tar archive)", edits))
                }
            }
            _ => None,
        };
        let why = match (all_plain, add_flag) {
            (false, _) => Some("other sources are URLs, archives or variables, which only `ADD` handles"),
            (true, Some(_)) => Some("the `ADD` has a flag `COPY` does not take"),
            (true, None) if wildcard => Some("a wildcard may match a tar archive, which `ADD` unpacks and `COPY` does not"),
            (true, None) if !copy_ok => {
                Some("as a `COPY` its destination would need a trailing `/` or a `WORKDIR` first")
            }
            _ => None,
        };
        let d = ctx.report(
            ins.keyword_range,
            format!("`ADD` of the local path `{first}`: use `COPY`, which only copies"),
        );
        d.fix = fix;
        d.no_fix_reason = why.map(str::to_string);
    }
}

/// A local path `ADD` copies as is: not a URL or Git address (as BuildKit tells them apart,
/// `syntax::remote`), not named like an archive, and without a variable (known only once
/// expanded).
fn local_plain(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    !s.is_empty()
        && !s.contains('$')
        && classify(s) == Source::Local
        && !ARCHIVES.iter().any(|e| lower.ends_with(&e.to_ascii_lowercase()))
}

/// A path whose name says it is no tar archive: a folder (`dir/`, `.`), or a file name with an
/// extension that is not an archive's (`app.jar`, `nginx.conf`).
fn named_plain(s: &str) -> bool {
    let name = s.rsplit('/').next().unwrap_or(s);
    s.ends_with('/') || matches!(name, "." | "..") || name.rsplit_once('.').is_some_and(|(stem, _)| !stem.is_empty())
}

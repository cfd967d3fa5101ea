use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::syntax::model::Kind;
use crate::syntax::shell::Word;
use crate::syntax::text::{LineIndex, TextRange};
use crate::syntax::words::arg_words;

pub static META: RuleMeta = RuleMeta {
    name: "copy-then-extract",
    family: Family::Instructions,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Preview,
    sources: &["DL3010"],
    related: &["add-instead-of-copy"],
    summary: "a local tar archive `COPY`'d into the image and then extracted by `tar` in a `RUN`, where `ADD` would unpack it",
    options: &[],
    fix_priority: 481,
    after_suppressions: false,
    doc: include_str!("../../../rules/copy-then-extract.md"),
};

/// The names of the tar archives `ADD` unpacks: a tar, plain or compressed with one of the
/// formats BuildKit detects (moby/go-archive `compression.DecompressStream`: gzip, bzip2, xz,
/// zstd). A zip or a lone `.gz` is copied as it is.
const TAR_SUFFIXES: &[&str] = &[
    ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz", ".tar.zst", ".tzst",
];

/// A `COPY`'d archive: its name, the source word, and where the copy lands.
struct Copied {
    name: String,
    word: TextRange,
    /// The file's path in the image when the destination is absolute (`/tmp/` + name, or the
    /// destination itself when it names the file).
    path: Option<String>,
}

pub fn check(ctx: &mut Context) {
    let (src, model) = (ctx.src, ctx.model);
    let lines = LineIndex::new(src);
    let mut found: Vec<(TextRange, String, usize)> = Vec::new();
    for stage in &model.stages {
        let mut copied: Vec<Copied> = Vec::new();
        for i in stage.from + 1..=stage.last {
            let ins = &model.instructions[i];
            if ins.invalid {
                continue;
            }
            match ins.kind {
                Kind::Copy if ins.flag("from").is_none() => copied.extend(archives(src, ins, model.escape)),
                Kind::Run => {
                    let Some((r, _)) = ctx.run_at(i) else { continue };
                    if r.is_onbuild() {
                        continue;
                    }
                    for c in r.commands.iter() {
                        let Some(operand) = extracted(src, c.effective().words) else { continue };
                        // a variable the script sets itself is not the one the `COPY` expanded
                        let sets_own = crate::syntax::vars::references(&operand, '\\', false)
                            .iter()
                            .any(|(n, _)| r.eff.shell_sets.contains(n));
                        if sets_own {
                            continue;
                        }
                        let base = basename(&operand);
                        copied.retain(|a| {
                            let same = a.name == base
                                && (!operand.starts_with('/') || a.path.as_deref().is_none_or(|p| p == operand));
                            if same {
                                found.push((a.word, a.name.clone(), lines.line_of(c.effective().words[0].range.start) + 1));
                            }
                            !same
                        });
                    }
                }
                _ => {}
            }
        }
    }
    for (range, name, line) in found {
        let d = ctx.report(
            range,
            format!(
                "`{name}` is copied into the image and then extracted by `tar` on line {line}: `ADD` unpacks \
                 a local tar archive itself, and the archive does not stay behind in a layer"
            ),
        );
        d.no_fix_reason = Some(
            "`ADD` unpacks into its destination, and the RUN's `tar` (and any removal of the archive) would have \
             to go: the rewrite is the author's"
                .into(),
        );
    }
}

/// The tar archives a `COPY` copies from the build context.
fn archives(src: &str, ins: &crate::syntax::model::Instruction, escape: char) -> Vec<Copied> {
    let words = arg_words(src, ins, escape);
    let Some((dest, sources)) = words.split_last() else { return Vec::new() };
    let value = |w: &crate::syntax::model::Word| Some(w.value.trim_matches(['"', '\'']).to_string());
    let Some(dest) = value(dest) else { return Vec::new() };
    // `COPY app.tar.gz /tmp/app.tgz`: the file is the destination
    if sources.len() == 1 && is_tar(&dest) && !dest.ends_with('/') {
        let path = dest.starts_with('/').then(|| dest.clone());
        return vec![Copied {
            name: basename(&dest).to_string(),
            word: sources[0].range,
            path,
        }];
    }
    sources
        .iter()
        .filter_map(|w| {
            let v = value(w)?;
            // a variable stays as written: the RUN's `tar` must name the file with the same text
            if !is_tar(&v) || v.contains(['*', '?', '[']) || v.contains("://") {
                return None;
            }
            let name = basename(&v).to_string();
            let path = dest
                .starts_with('/')
                .then(|| format!("{}/{name}", dest.trim_end_matches('/')));
            Some(Copied { name, word: w.range, path })
        })
        .collect()
}

fn is_tar(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    TAR_SUFFIXES.iter().any(|s| lower.ends_with(s) && lower.len() > s.len())
}

fn basename(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// The archive a `tar` command extracts as a whole: `tar -xzf A`, `tar xf A -C D`, `tar
/// --extract --file=A`. `None` for any other command, or one that extracts differently from
/// `ADD` — a member list, `--strip-components`, `--exclude`, `--transform`, to stdout.
fn extracted(src: &str, words: &[Word]) -> Option<String> {
    let name = words.first()?.value.as_deref()?;
    if basename(name) != "tar" {
        return None;
    }
    let mut extract = false;
    let mut file: Option<String> = None;
    let mut i = 1;
    while i < words.len() {
        let w = words[i].value.as_deref()?;
        i += 1;
        if let Some(long) = w.strip_prefix("--") {
            let (opt, value) = match long.split_once('=') {
                Some((o, v)) => (o, Some(v)),
                None => (long, None),
            };
            match opt {
                "extract" | "get" => extract = true,
                "file" => file = Some(value.map(str::to_string).or_else(|| next(src, words, &mut i))?),
                "directory" => {
                    if value.is_none() {
                        next(src, words, &mut i)?;
                    }
                }
                "gzip" | "gunzip" | "ungzip" | "bzip2" | "xz" | "zstd" | "auto-compress" | "verbose"
                | "no-same-owner" | "same-owner" | "preserve-permissions" | "same-permissions"
                | "no-same-permissions" | "overwrite" | "keep-old-files" | "skip-old-files" | "totals" => {}
                // anything else may extract differently (`--strip-components`, `--exclude`,
                // `--to-stdout`, `--transform`) or is not understood
                _ => return None,
            }
            continue;
        }
        // a short cluster, or the old style's first word (`tar xzf A`)
        let cluster = match w.strip_prefix('-') {
            Some(c) if !c.is_empty() => c,
            _ if i == 2 && w.chars().all(|c| c.is_ascii_alphabetic()) => w,
            // an operand is a member name: only those would be extracted
            _ => return None,
        };
        for (k, c) in cluster.char_indices() {
            match c {
                'x' => extract = true,
                'z' | 'j' | 'J' | 'a' | 'v' | 'o' | 'p' | 'm' => {}
                'f' | 'C' => {
                    // the value: the rest of the cluster, else the next word
                    let rest = &cluster[k + 1..];
                    let v = if rest.is_empty() || !w.starts_with('-') {
                        next(src, words, &mut i)?
                    } else {
                        rest.to_string()
                    };
                    if c == 'f' {
                        file = Some(v);
                    }
                    if !rest.is_empty() && w.starts_with('-') {
                        break;
                    }
                }
                _ => return None,
            }
        }
    }
    if extract { file } else { None }
}

/// The next word's value; a word with a variable as written, quotes removed
/// (`velero-${V}.tar.gz`), to compare with a `COPY` source as written.
fn next(src: &str, words: &[Word], i: &mut usize) -> Option<String> {
    let w = words.get(*i)?;
    let v = w
        .value
        .clone()
        .unwrap_or_else(|| w.range.slice(src).trim_matches(['"', '\'']).to_string());
    *i += 1;
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(script: &str) -> Option<String> {
        let s = crate::syntax::shell::parse_script(script, 0);
        extracted(script, s.commands[0].effective().words)
    }

    #[test]
    fn whole_extractions() {
        assert_eq!(file("tar -xzf /tmp/a.tar.gz -C /opt").as_deref(), Some("/tmp/a.tar.gz"));
        assert_eq!(file("tar xzf a.tgz").as_deref(), Some("a.tgz"));
        assert_eq!(file("tar -x -f/tmp/a.tar").as_deref(), Some("/tmp/a.tar"));
        assert_eq!(file("tar --extract --file=a.tar --directory /srv").as_deref(), Some("a.tar"));
        assert_eq!(file("tar -xzvf a.tar.gz --no-same-owner").as_deref(), Some("a.tar.gz"));
        assert_eq!(file("tar -czf a.tar.gz src"), None);
        assert_eq!(file("tar -xzf a.tar.gz --strip-components=1"), None);
        assert_eq!(file("tar -xzf a.tar.gz member"), None);
        assert_eq!(file("tar -xz"), None);
        assert_eq!(file("tar xvf \"app-${V}.tar\"").as_deref(), Some("app-${V}.tar"));
    }

    #[test]
    fn archive_names() {
        assert!(is_tar("app.tar.gz") && is_tar("APP.TGZ") && is_tar("x.tar.zst"));
        assert!(!is_tar("app.zip") && !is_tar("data.gz") && !is_tar(".tar"));
    }
}

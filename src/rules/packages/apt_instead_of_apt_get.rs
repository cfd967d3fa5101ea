use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::semantic::commands::{basename, word};
use crate::semantic::tools::system::{apt_subcommand, docker_clean_removed, touches_docker_clean};
use crate::syntax::shell::Word;
use crate::syntax::text::TextRange;

pub static META: RuleMeta = RuleMeta {
    name: "apt-instead-of-apt-get",
    family: Family::Packages,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &["DL3027"],
    related: &[],
    summary: "`apt`, the command for people at a terminal, in a build script",
    options: &[],
    fix_priority: 606,
    after_suppressions: false,
    doc: include_str!("../../../rules/apt-instead-of-apt-get.md"),
};

/// Subcommands `apt-get` runs as `apt` does. (`source`, `download` and `build-dep` run the same
/// too, but the cache rules read `apt-get`'s downloads only: renaming would make a finding.)
const SAME: &[&str] = &["update", "remove", "purge", "autoremove", "clean", "autoclean", "check", "changelog"];
/// Subcommands `apt-get` runs as `apt` does except that it keeps the downloaded packages in
/// `/var/cache/apt/archives`, which `apt` deletes (`Binary::apt::APT::Keep-Downloaded-Packages`).
const KEEPS_DOWNLOADS: &[&str] = &["install"];

pub fn check(ctx: &mut Context) {
    let src = ctx.src;
    let earlier = ctx.semantic().earlier_in_chain(|c| touches_docker_clean(src, c));
    for (run, _) in ctx.runs() {
        for cmd in run.commands.iter() {
            let words = cmd.effective().words;
            if word(words, 0).map(basename) != Some("apt") {
                continue;
            }
            let sub = apt_subcommand(words);
            let name = word(words, 0).map(|w| program_range(src, &words[0], w));
            let fix = match (sub, name.flatten()) {
                (Some(s), Some(at)) if SAME.contains(&s) => {
                    Some(Fix::safe("Use `apt-get`", vec![Edit::replace(at, "apt-get")]))
                }
                (Some(s), Some(at)) if KEEPS_DOWNLOADS.contains(&s) => {
                    // the image's `docker-clean` deletes them after every call
                    let cleaned = run.scope.debian_based()
                        && !docker_clean_removed(src, &run.commands, earlier[run.index], cmd.range.start);
                    let edits = vec![Edit::replace(at, "apt-get")];
                    Some(if cleaned {
                        Fix::safe("Use `apt-get`", edits)
                    } else {
                        Fix::unsafe_("Use `apt-get` (it keeps the downloaded packages in the image)", edits)
                    })
                }
                _ => None,
            };
            let what = match sub {
                Some(s) => format!("`apt {s}`"),
                None => "`apt`".to_string(),
            };
            let d = ctx.report(
                words[0].range,
                format!(
                    "{what}: `apt` is meant for people at a terminal and warns that its command line is not stable for scripts; use `apt-get` (or `apt-cache` to query)"
                ),
            );
            d.fix = fix;
        }
    }
}

/// The bytes of the name `apt` in the program's word (`apt`, `/usr/bin/apt`, `"apt"` in exec
/// form), when it is written plainly.
fn program_range(src: &str, w: &Word, value: &str) -> Option<TextRange> {
    let raw = w.range.slice(src);
    let end = if raw == value {
        w.range.end
    } else if raw.len() == value.len() + 2 && (raw.starts_with('"') && raw.ends_with('"') || raw.starts_with('\'') && raw.ends_with('\'')) {
        w.range.end - 1
    } else {
        return None;
    };
    Some(TextRange::new(end - 3, end))
}

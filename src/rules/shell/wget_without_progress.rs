use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::semantic::image::Distro;
use crate::syntax::model::RunForm;
use crate::syntax::shell::Word;

pub static META: RuleMeta = RuleMeta {
    name: "wget-without-progress",
    family: Family::Shell,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Stable,
    sources: &["DL3047"],
    related: &[],
    summary: "`wget` without `--progress`, `-q` or `-nv`, which fills the build log with its progress",
    options: &[],
    fix_priority: 730,
    after_suppressions: false,
    doc: include_str!("../../../rules/wget-without-progress.md"),
};

pub fn check(ctx: &mut Context) {
    for (r, _) in ctx.runs() {
        for c in r.commands.iter() {
            let words = c.effective().words;
            if c.effective().name() != Some("wget") || quiet(&words[1..]) {
                continue;
            }
            let name = &words[0];
            // GNU wget: Debian and Ubuntu package it as `wget` (BusyBox's applet is not
            // linked there); Alpine's `wget` is BusyBox's unless the `wget` package is added,
            // and BusyBox has no `--progress`
            let facts = r.scope.facts.as_deref();
            let gnu = facts.is_some_and(|f| !f.windows && matches!(f.distro, Distro::Debian | Distro::Ubuntu));
            let (fix, reason) = if r.is_onbuild() {
                (None, Some(super::common::ONBUILD_NO_FIX.to_string()))
            } else if !gnu {
                let why = match (&r.scope.base, facts) {
                    (Some(base), Some(_)) => format!(
                        "the `wget` of the base image `{base}` is not known to be GNU wget (BusyBox's has no `--progress`): use `-q`"
                    ),
                    (Some(base), None) => format!(
                        "dfix does not know whether the base image `{base}` has GNU wget (BusyBox's has no `--progress`)"
                    ),
                    (None, _) => "the base image is not known, so neither is which wget it has".to_string(),
                };
                (None, Some(why))
            } else {
                let text = match r.run.form {
                    RunForm::Exec(_) => ", \"--progress=dot:giga\"",
                    _ => " --progress=dot:giga",
                };
                (
                    Some(Fix::safe(
                        "Add `--progress=dot:giga`",
                        vec![Edit::insert(name.range.end, text)],
                    )),
                    None,
                )
            };
            let message = if gnu {
                "`wget` without `--progress=dot:giga`, `-q` or `-nv` writes a progress line every few kilobytes into the build log"
            } else {
                // BusyBox wget (Alpine's) refuses `--progress` and `-nv`; `-q` works in both
                "`wget` without `-q` writes its progress into the build log (`--progress=dot:giga` and `-nv` are GNU wget's; BusyBox's, as on Alpine, has neither)"
            };
            let d = ctx.report(name.range, message);
            d.fix = fix;
            d.no_fix_reason = reason;
        }
    }
}

/// Whether the options keep wget's progress out of the build log: `--progress=…`,
/// `-q`/`--quiet`, `-nv`/`--no-verbose`, a log written to a file (`-o`/`--output-file`,
/// `-a`/`--append-output`), or a call that downloads nothing in the foreground (`-V`/`--version`,
/// `-h`/`--help`, `-b`/`--background`, `--spider`). Short options may be clustered (`-qO-`);
/// a letter that takes an argument ends its cluster (`-O/tmp/a.tgz` is `-O` alone). Options end
/// at `--`.
fn quiet(args: &[Word]) -> bool {
    // GNU wget's short options that take an argument (`-n` takes the letters after it: `-nv`)
    const WITH_ARGUMENT: &str = "aABDeIilnoOPQRTtUwX";
    for v in args.iter().filter_map(|w| w.value.as_deref()) {
        if v == "--" {
            return false;
        } else if let Some(long) = v.strip_prefix("--") {
            let name = long.split('=').next().unwrap_or(long);
            if matches!(
                name,
                "progress" | "quiet" | "no-verbose" | "output-file" | "append-output" | "version" | "help" | "background"
                    | "spider"
            ) {
                return true;
            }
        } else if let Some(cluster) = v.strip_prefix('-') {
            let mut letters = cluster.chars();
            while let Some(c) = letters.next() {
                match c {
                    'q' | 'V' | 'h' | 'b' | 'o' | 'a' => return true,
                    'n' if letters.next() == Some('v') => return true,
                    _ if WITH_ARGUMENT.contains(c) => break,
                    _ => {}
                }
            }
        }
    }
    false
}

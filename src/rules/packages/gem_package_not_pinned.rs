use super::pins::{NO_FIX, unpinned};
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::semantic::tools::gem_install_call;

pub static META: RuleMeta = RuleMeta {
    name: "gem-package-not-pinned",
    family: Family::Packages,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3028"],
    related: &[],
    summary: "`gem install` of a gem without a version",
    options: &[],
    fix_priority: 636,
    after_suppressions: false,
    doc: include_str!("../../../rules/gem-package-not-pinned.md"),
};

/// `name:version` (RubyGems' own form, `name:~>1.2` too), or a local `.gem` file.
fn pinned(gem: &str) -> bool {
    gem.contains(':') || gem.ends_with(".gem")
}

pub fn check(ctx: &mut Context) {
    let src = ctx.src;
    for (run, _) in ctx.runs() {
        for cmd in run.commands.iter() {
            let Some(call) = gem_install_call(cmd) else { continue };
            let call = &call;
            let Some(args) = call.args() else { continue };
            // `--version` applies to the gem named (RubyGems refuses it with several); `--file`
            // installs what a Gemfile and its lock say
            if args.has("-v") || args.has("-g") || args.has("--file") {
                continue;
            }
            // the words after `--` are build options for the gem's extension
            let end = args.dashdash().unwrap_or(call.words.len());
            let operands: Vec<_> = args
                .operands()
                .iter()
                .filter(|&&i| i > call.sub && i < end)
                .map(|&i| &call.words[i])
                .collect();
            for u in unpinned(src, run, call, &operands, pinned) {
                let first = u.first.as_str();
                let d = ctx.report(
                    u.range,
                    format!(
                        "{} {} no version: `gem {}` takes the newest release on the gem server when the image is built; pin it with `{first}:<version>` or `-v <version>`",
                        u.shown,
                        u.has(),
                        call.subcommand()
                    ),
                );
                d.no_fix_reason = Some(NO_FIX.to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::pinned;

    #[test]
    fn gems() {
        assert!(pinned("bundler:2.5.22"));
        assert!(pinned("rails:~>7.1"));
        assert!(pinned("vendor/cache/foo-1.0.gem"));
        assert!(!pinned("bundler"));
    }
}

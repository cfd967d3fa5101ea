//! What the packages family's pin rules share: which package operands of an install carry no
//! version, judged per ecosystem by the rule's `pinned`, and how a finding names them.

use super::Context;
use crate::semantic::commands::{RunRef, basename, env_of};
use crate::semantic::tools::{Call, Tool};
use crate::syntax::shell::Word;
use crate::syntax::text::TextRange;

/// Why the pin rules offer no fix.
pub const NO_FIX: &str =
    "the version to pin is a choice dfix cannot make for you: pick the release the image should have";

/// A package operand without a version.
pub struct Unpinned {
    /// The operand's word.
    pub range: TextRange,
    /// The package(s) as the message shows them: `` `curl` ``, or for a variable with a known
    /// value `` `curl`, `git` (from `$PKGS`, the value this file gives it) ``.
    pub shown: String,
    /// The first package without a version, for the message's example.
    pub first: String,
    /// `shown` names more than one package.
    pub many: bool,
}

impl Unpinned {
    /// `has` or `have`, as `shown` needs.
    pub fn has(&self) -> &'static str {
        if self.many { "have" } else { "has" }
    }
}

/// The operands of `call` (from `operands`, [`Call::operands`] or a tool's own reading) that
/// name packages without a version, per `pinned`, which sees one package as written (quotes
/// removed).
///
/// A word whose value is not literal is judged only where the file says what it is: a variable
/// alone (`$PKGS`, `"${PKGS}"`) with a value this file gives it (ENV, an ARG default, an
/// assignment or `export` earlier in the RUN) is judged by the words of that value; any other such word
/// (`curl=${V}`, `lib${N}`, a glob) is left alone: its text shows a pin, or what it expands to
/// is not known.
pub fn unpinned(
    src: &str,
    run: &RunRef,
    call: &Call,
    operands: &[&Word],
    pinned: impl Fn(&str) -> bool,
) -> Vec<Unpinned> {
    let mut out = Vec::new();
    for w in operands {
        match w.value.as_deref().or_else(|| bracketed(w.range.slice(src))) {
            Some(v) => {
                if !v.is_empty() && !pinned(v) {
                    out.push(Unpinned {
                        range: w.range,
                        shown: format!("`{v}`"),
                        first: v.to_string(),
                        many: false,
                    });
                }
            }
            None => {
                let raw = w.range.slice(src);
                let Some(name) = lone_variable(raw) else { continue };
                let Some(value) = value_of(name, run, call) else {
                    continue;
                };
                // an option in the value (`--no-install-recommends curl`) is the tool's, not a package
                let bare: Vec<&str> = value
                    .split_ascii_whitespace()
                    .filter(|p| !p.starts_with('-') && !pinned(p))
                    .collect();
                let Some(first) = bare.first() else { continue };
                let list: Vec<String> = bare.iter().map(|p| format!("`{p}`")).collect();
                out.push(Unpinned {
                    range: w.range,
                    shown: format!("{} (from `{raw}`, the value this file gives it)", list.join(", ")),
                    first: first.to_string(),
                    many: bare.len() > 1,
                });
            }
        }
    }
    out
}

/// A word whose only pattern is a bracket expression, as pip's extras are written unquoted
/// (`flask[async]`): the shell keeps it as written unless a file in the working directory
/// matches (`flaska`), which dfix takes it does not.
fn bracketed(raw: &str) -> Option<&str> {
    let plain = raw.contains('[')
        && raw.contains(']')
        && !raw.starts_with('~')
        && !raw.contains(['$', '`', '*', '?', '{', '\'', '"', '\\']);
    plain.then_some(raw)
}

/// The value `name` has for `call`: the last assignment statement of the RUN before the call
/// (`deps='a b' && apt-get install $deps`), else the environment ([`env_of`]); `None` when it
/// is not known (an assignment that may not run, or whose value is not literal).
pub fn value_of(name: &str, run: &RunRef, call: &Call) -> Option<String> {
    let at = call.cmd.range.start;
    let assigned = run
        .commands
        .iter()
        .rev()
        .filter(|c| c.words.is_empty() && c.range.start < at)
        .find_map(|c| c.assignments.iter().rev().find(|a| a.name == name).map(|a| (c, a)));
    match assigned {
        Some((c, a)) if !c.conditional && !c.nested => a.value.clone(),
        Some(_) => None,
        None => env_of(name, call.cmd, &run.commands, &run.scope).flatten(),
    }
}

/// The variable a word is, when it is nothing else: `$X`, `${X}`, `"$X"`, `"${X}"`.
pub fn lone_variable(raw: &str) -> Option<&str> {
    let inner = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')).unwrap_or(raw);
    let name = inner.strip_prefix('$')?;
    let name = name.strip_prefix('{').and_then(|n| n.strip_suffix('}')).unwrap_or(name);
    let ok = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    ok.then_some(name)
}

/// A package of a dnf, microdnf or yum install that names a version (rpm's NEVRA forms).
///
/// dnf and yum read an operand as `name`, `name-version`, `name-version-release` or
/// `name-epoch:version-release` (each optionally `.arch`), trying the whole word as a name first.
/// A package name may itself hold dashes and digits (`java-17-openjdk`, `rpm-sign`), so the word
/// counts as pinned when its last `-` part starts with a digit and holds only version
/// characters (`tomcat-9.0.1`, `openssl-1:1.1.1k`, `git-core-2.43.0-1.el9`), or with a glob
/// after that digit (`tomcat-9*`, a release series). Also pinned: a relational dependency
/// (`'tomcat >= 9'`) and an `.rpm` file or URL. A word starting with `@` names a group or a
/// module, neither of which takes a package version: left alone.
pub fn rpm_pinned(package: &str) -> bool {
    if package.ends_with(".rpm") || package.contains(['=', '<', '>']) {
        return true;
    }
    // `@name:stream` is a module's stream; `@name` alone is a group (no version to give) or a
    // module's default stream, which dfix cannot tell apart: left alone
    if package.starts_with('@') {
        return true;
    }
    let Some((name, last)) = package.rsplit_once('-') else {
        return false;
    };
    let version_char = |c: char| c.is_ascii_alphanumeric() || ".~^_:+*?[]".contains(c);
    !name.is_empty() && last.starts_with(|c: char| c.is_ascii_digit()) && last.chars().all(version_char)
}

/// A module of `dnf|yum module install` that names its stream (`nodejs:20`,
/// `nodejs:20/common`): without one, dnf takes the module's default stream, which changes with
/// the distribution's release.
pub fn module_pinned(module: &str) -> bool {
    module.contains(':')
}

/// Reports the packages of the `install` calls of `programs` (basenames of the `tool` calls)
/// that name no version ([`rpm_pinned`]), and the modules of `module install` that name no
/// stream ([`module_pinned`]). `groupinstall`/`group install` name groups, which have no
/// version: left alone.
pub fn check_rpm(ctx: &mut Context, tool: Tool, programs: &[&str]) {
    let src = ctx.src;
    for (run, calls) in ctx.runs() {
        for call in calls.iter().filter(|c| c.tool == tool) {
            let Some(program) = call.words[0].value.as_deref().map(basename) else {
                continue;
            };
            if !programs.contains(&program) {
                continue;
            }
            let operands = call.operands();
            match call.subcommand() {
                "install" => {
                    for u in unpinned(src, run, call, &operands, rpm_pinned) {
                        let d = ctx.report(
                            u.range,
                            format!(
                                "{} {} no version: `{program} install` takes the newest the repositories offer when the image is built; pin it with `{}-<version>` (or `{}-<version>-<release>`)",
                                u.shown,
                                u.has(),
                                u.first,
                                u.first
                            ),
                        );
                        d.no_fix_reason = Some(NO_FIX.to_string());
                    }
                }
                "module" if operands.first().and_then(|w| w.value.as_deref()) == Some("install") => {
                    for u in unpinned(src, run, call, &operands[1..], module_pinned) {
                        let d = ctx.report(
                            u.range,
                            format!(
                                "{} {} no stream: `{program} module install` takes the module's default stream, which changes with the distribution's release; pin it with `{}:<stream>`",
                                u.shown,
                                u.has(),
                                u.first
                            ),
                        );
                        d.no_fix_reason = Some(NO_FIX.to_string());
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{lone_variable, rpm_pinned};

    #[test]
    fn rpm_versions() {
        for p in [
            "tomcat-9.0.1",
            "rpm-sign-4.16.1.3",
            "gcc-c++-1.1.1",
            "openssl-1:1.1.1k",
            "git-core-2.43.0-1.el9",
            "java-17-openjdk-17.0.9.0.9-2.el9.x86_64",
            "tomcat-9*",
            "./local.rpm",
            "https://example.com/x-latest.noarch.rpm",
            "tomcat >= 9",
            "@nodejs:20",
            "@development-tools",
        ] {
            assert!(rpm_pinned(p), "{p}");
        }
        for p in [
            "tomcat",
            "rpm-sign",
            "gcc-c++",
            "java-17-openjdk",
            "java-1.8.0-openjdk-devel",
            "glibc.i686",
            "python3.11",
            "-1.0",
            "dnf-command(config-manager)",
        ] {
            assert!(!rpm_pinned(p), "{p}");
        }
    }

    #[test]
    fn a_lone_variable() {
        assert_eq!(lone_variable("$PKGS"), Some("PKGS"));
        assert_eq!(lone_variable("${PKGS}"), Some("PKGS"));
        assert_eq!(lone_variable("\"${PKGS}\""), Some("PKGS"));
        assert_eq!(lone_variable("curl=${V}"), None);
        assert_eq!(lone_variable("${PKGS:-x}"), None);
        assert_eq!(lone_variable("$1"), None);
        assert_eq!(lone_variable("lib$N"), None);
    }
}

use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::syntax::model::Body;
use crate::syntax::text::TextRange;

pub static META: RuleMeta = RuleMeta {
    name: "from-platform-constant",
    family: Family::Image,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Always,
    status: Status::Stable,
    sources: &["FromPlatformFlagConstDisallowed", "DL3029"],
    related: &[],
    summary: "`FROM --platform` with a constant platform the stage name does not mention",
    options: &[],
    fix_priority: 530,
    after_suppressions: false,
    doc: include_str!("../../../rules/from-platform-constant.md"),
};

pub fn check(ctx: &mut Context) {
    let model = ctx.model;
    for ins in &model.instructions {
        let (Body::From(from), false) = (&ins.body, ins.invalid) else { continue };
        let Some(flag) = ins.flag("platform") else { continue };
        let Some(value) = &flag.value else { continue };
        // a variable lets the build choose
        if ins.vars.iter().any(|v| flag.range.contains_range(v.range)) || value.contains('$') {
            continue;
        }
        let Some((os, arch)) = platform(value) else { continue };
        // a stage meant for one platform says so in its name (`AS build_amd64`)
        let name = from.name.as_deref().unwrap_or("");
        if [os, arch].into_iter().flatten().any(|p| name.contains(p.as_str())) {
            continue;
        }
        let rest = &ctx.src[flag.range.end..];
        let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        let fix = Fix::unsafe_(
            "Remove `--platform`",
            vec![Edit::delete(TextRange::new(flag.range.start, flag.range.end + blanks))],
        );
        ctx.report_with_fix(
            flag.range,
            format!(
                "`--platform={value}` fixes this stage to one platform: a build for another \
                 platform still gets `{value}` here"
            ),
            Some(fix),
        );
    }
}

/// The OS and architecture of a platform as containerd's `platforms.Parse` reads it
/// (`linux`, `arm64`, `linux/amd64`, `linux/arm/v7`); `None` when it is not one. A single word
/// gives only what it names (the rest comes from the machine that builds).
fn platform(value: &str) -> Option<(Option<String>, Option<String>)> {
    let parts: Vec<&str> = value.split('/').collect();
    let word = |p: &str| {
        let p = p.split_once('(').map_or(p, |(os, _)| os);
        !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if parts.is_empty() || parts.len() > 3 || !parts.iter().all(|p| word(p)) {
        return None;
    }
    let os = |p: &str| p.split_once('(').map_or(p, |(o, _)| o).to_ascii_lowercase();
    match parts.as_slice() {
        [one] if KNOWN_OS.contains(&os(one).as_str()) => Some((Some(os(one)), None)),
        [one] => Some((None, Some(arch(one)))),
        [o, a, ..] => Some((Some(os(o)), Some(arch(a)))),
        [] => None,
    }
}

const KNOWN_OS: &[&str] = &[
    "aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js", "linux",
    "nacl", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos",
];

/// containerd's architecture names (`x86_64` → `amd64`, `aarch64` → `arm64`).
fn arch(a: &str) -> String {
    let a = a.to_ascii_lowercase();
    match a.as_str() {
        "i386" | "i486" | "i586" | "i686" => "386".into(),
        "x86_64" | "x86-64" => "amd64".into(),
        "aarch64" => "arm64".into(),
        "armhf" | "armel" => "arm".into(),
        _ => a,
    }
}

#[cfg(test)]
mod tests {
    use super::platform;

    #[test]
    fn platforms() {
        assert_eq!(platform("linux/amd64"), Some((Some("linux".into()), Some("amd64".into()))));
        assert_eq!(platform("linux/aarch64/v8"), Some((Some("linux".into()), Some("arm64".into()))));
        assert_eq!(platform("linux"), Some((Some("linux".into()), None)));
        assert_eq!(platform("arm64"), Some((None, Some("arm64".into()))));
        assert_eq!(platform("windows(10.0.17763)/amd64"), Some((Some("windows".into()), Some("amd64".into()))));
        assert_eq!(platform("linux/amd64,linux/arm64"), None);
        assert_eq!(platform("a/b/c/d"), None);
    }
}

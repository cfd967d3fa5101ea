//! The system package managers: apt, apk, and the rpm family (dnf, microdnf, yum, zypper).

use super::*;
use crate::semantic::commands::{done_before, find_deletes};
use crate::semantic::paths::covers;
use crate::syntax::image::ImageRef;
use crate::syntax::shell::argv::Opt;

pub(super) static APK: Spec = valued(&[
    Opt::value(&["-X", "--repository"]),
    Opt::value(&["-t", "--virtual"]),
    Opt::value(&["--root", "-p"]),
    Opt::value(&["--arch"]),
    Opt::value(&["--cache-dir"]),
    Opt::value(&["--keys-dir"]),
]);
pub(super) static RPM: Spec = valued(&[
    Opt::value(&["--setopt"]),
    Opt::value(&["-c", "--config"]),
    Opt::value(&["--installroot"]),
    Opt::value(&["--releasever"]),
    Opt::value(&["--repo"]),
    Opt::value(&["--enablerepo"]),
    Opt::value(&["--disablerepo"]),
    Opt::value(&["-x", "--exclude"]),
    Opt::value(&["--root"]),
    Opt::value(&["-R"]),
    Opt::value(&["--disableplugin"]),
    Opt::value(&["--enableplugin"]),
    Opt::value(&["--forcearch"]),
    Opt::value(&["--downloaddir", "--destdir"]),
    Opt::value(&["-d", "--debuglevel"]),
    Opt::value(&["-e", "--errorlevel"]),
    Opt::value(&["--repofrompath"]),
    Opt::value(&["--rpmverbosity"]),
    Opt::value(&["--color"]),
    Opt::value(&["--comment"]),
    Opt::value(&["--advisory", "--advisories"]),
    Opt::value(&["--bz", "--bzs"]),
    Opt::value(&["--cve", "--cves"]),
    Opt::value(&["--sec-severity", "--secseverity"]),
    Opt::flag(&["-y", "--assumeyes"]),
    Opt::flag(&["--assumeno"]),
]);
/// zypper's global options (before the command) and the install family's command options
/// (after it) that take a value, and the names rules look up (zypper(8)). `-n` is the global
/// `--non-interactive` before the command but `--name` (select by plain name) after `install`;
/// `-y`/`--no-confirm` is a command option.
pub static ZYPPER: Spec = valued(&[
    Opt::value(&["-c", "--config"]),
    Opt::value(&["-D", "--reposd-dir"]),
    Opt::value(&["-C", "--cache-dir"]),
    Opt::value(&["--raw-cache-dir"]),
    Opt::value(&["--solv-cache-dir"]),
    Opt::value(&["--pkg-cache-dir"]),
    Opt::value(&["-p", "--plus-repo"]),
    Opt::value(&["--plus-content"]),
    Opt::value(&["-R", "--root"]),
    Opt::value(&["--installroot"]),
    Opt::value(&["--releasever"]),
    Opt::value(&["--userdata"]),
    Opt::value(&["-r", "--repo"]),
    Opt::value(&["-t", "--type"]),
    Opt::value(&["--from"]),
    Opt::value(&["--download"]),
    Opt::flag(&["-y", "--no-confirm"]),
]);

/// The options of apt-get, apt and aptitude that take a value (so that a value is not taken
/// for the subcommand or a package: `apt-get -o Acquire::Retries=3 install`), and the flags
/// rules look up under all their names (apt-get(8)).
pub(super) static APT_OPTIONS: Spec = valued(&[
    Opt::value(&["-o", "--option"]),
    Opt::value(&["-c", "--config-file"]),
    Opt::value(&["-t", "--target-release", "--default-release"]),
    Opt::value(&["-a", "--host-architecture"]),
    Opt::value(&["-P", "--build-profiles"]),
    Opt::flag(&["-y", "--yes", "--assume-yes"]),
    Opt::flag(&["-q", "--quiet"]),
    Opt::flag(&["-s", "--simulate", "--just-print", "--dry-run", "--recon", "--no-act"]),
]);

/// Where the subcommand of an apt-get, apt or aptitude command is (`words[0]` is the program).
fn subcommand_index(words: &[Word]) -> Option<usize> {
    first_operand(words, 1, &APT_OPTIONS)
}

pub const APT_CACHE: &str = "/var/cache/apt";
pub const APT_LISTS: &str = "/var/lib/apt";

/// `apt-get|apt|aptitude install|upgrade|…`: the package archives and the package lists.
///
/// `xx-apt-get` and `xx-apt` (tonistiigi/xx) add the target's architecture to dpkg and run the
/// image's own `apt-get`/`apt` with the packages renamed for it: the same caches.
pub(super) fn apt<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    let name = match basename(word(words, 0)?) {
        "xx-apt-get" => "apt-get",
        "xx-apt" => "apt",
        n => n,
    };
    if !matches!(name, "apt-get" | "apt" | "aptitude") {
        return None;
    }
    let sub = subcommand_index(words)?;
    let ok = match name {
        "apt-get" => matches!(
            word(words, sub)?,
            "install"
                | "upgrade"
                | "dist-upgrade"
                | "dselect-upgrade"
                | "build-dep"
                | "satisfy"
                | "source"
                | "download"
        ),
        "apt" => matches!(
            word(words, sub)?,
            "install" | "upgrade" | "full-upgrade" | "dist-upgrade" | "reinstall" | "satisfy"
        ),
        _ => matches!(
            word(words, sub)?,
            "install" | "upgrade" | "full-upgrade" | "safe-upgrade"
        ),
    };
    if !ok {
        return None;
    }
    let cleaned = any_command(env, "apt lists removed", |w| {
        removes(env.src, w, &["/var/lib/apt/lists"])
            // `find /var/lib/apt/lists -type f -delete`, or a `find` emptying a parent of them
            || finds_deleting(env.src, w, "/var/lib/apt/lists")
            // apt 2.7's `dist-clean` removes the package lists and the downloaded packages
            || matches!(apt_subcommand(w), Some("dist-clean" | "distclean"))
            // the whole of /var/lib/apt (not `/var/lib/apt-lists`, a typo that removes nothing)
            || word(w, 0).map(basename) == Some("rm")
                && w[1..]
                    .iter()
                    .any(|x| matches!(x.range.slice(env.src), "/var/lib/apt" | "/var/lib/apt/" | "/var/lib/apt/*"))
    });
    Some(Call {
        tool: Tool::Apt,
        cmd: env.cmd,
        words,
        sub,
        dirs: Some(dirs([APT_CACHE.to_string(), APT_LISTS.to_string()], true)),
        cache_off: cleaned,
    })
}

/// A `find` that deletes ([`find_deletes`]) from a starting point (as written) at or inside
/// `dir`, or above it when it does not select by name.
pub fn finds_deleting(src: &str, words: &[Word], dir: &str) -> bool {
    find_deletes(words).is_some_and(|f| {
        f.starts.iter().any(|s| {
            let raw = s
                .value
                .as_deref()
                .unwrap_or_else(|| s.range.slice(src).trim_matches(['"', '\'']));
            raw.starts_with('/') && (covers(dir, raw) || !f.selective && covers(raw, dir))
        })
    })
}

pub const APK_CACHE: &str = "/var/cache/apk";

/// `apk add|upgrade|update|fix`.
///
/// `xx-apk` (tonistiigi/xx, the cross-compilation helper) passes its arguments to apk with
/// `--root /` when the build and target platforms are the same and `--root /<target triple>`
/// when they differ; apk keeps the index under the root's `var/cache/apk` and the packages in
/// the root's `etc/apk/cache` (a link xx makes into `/etc/apk/cache/_<arch>` when that
/// directory exists). Which root applies depends on `--platform` at build time, so the
/// directory is not known here: a finding without a mount fix.
pub(super) fn apk<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    let cross = match basename(word(words, 0)?) {
        "apk" => false,
        "xx-apk" => true,
        _ => return None,
    };
    let sub = first_operand(words, 1, &APK)?;
    // `--no-network` installs only what is already on disk
    if !matches!(word(words, sub)?, "add" | "upgrade" | "update" | "fix")
        || words.iter().any(|w| w.value.as_deref() == Some("--no-network"))
    {
        return None;
    }
    let mut call = Call {
        tool: Tool::Apk,
        cmd: env.cmd,
        words,
        sub,
        dirs: None,
        cache_off: false,
    };
    call.cache_off =
        call.has_word("--no-cache") || any_command(env, "apk cache removed", |w| removes(env.src, w, &[APK_CACHE]));
    call.dirs = match call.option(&["--cache-dir"]) {
        Some(d) => env.scope.absolute(d),
        None if cross => None,
        None => Some(APK_CACHE.to_string()),
    }
    .map(|d| dirs([d], false));
    Some(call)
}

/// `dnf|dnf5|yum|microdnf install|upgrade|…` and `zypper install|update|…`.
pub(super) fn rpm<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    let name = basename(word(words, 0)?);
    let base = env.scope.image.as_ref();
    let (tool, dir) = match name {
        "dnf-3" => (Tool::Dnf, Some(DNF4_CACHE)),
        "dnf" => (Tool::Dnf, Some(dnf_cache(base))),
        "dnf5" => (Tool::Dnf, Some(DNF5_CACHE)),
        "microdnf" => (Tool::Dnf, microdnf_cache(base)),
        // on EL8 and later `yum` is dnf; only a known base tells which one runs
        "yum" => (Tool::Yum, base.and_then(yum_cache)),
        "zypper" => (Tool::Zypper, Some("/var/cache/zypp")),
        _ => return None,
    };
    let sub = first_operand(words, 1, if tool == Tool::Zypper { &ZYPPER } else { &RPM })?;
    let s = word(words, sub)?;
    let ok = if tool == Tool::Zypper {
        matches!(
            s,
            "install" | "in" | "update" | "up" | "dist-upgrade" | "dup" | "patch" | "source-install" | "si"
        )
    } else {
        matches!(
            s,
            "install"
                | "upgrade"
                | "update"
                | "reinstall"
                | "groupinstall"
                | "builddep"
                | "distro-sync"
                | "downgrade"
                | "group"
                | "module"
        )
    };
    if !ok {
        return None;
    }
    let cleaned = any_command(env, &format!("{tool} clean"), |w| {
        let prog = word(w, 0).map(basename);
        let cleans = match tool {
            Tool::Zypper => {
                prog == Some("zypper")
                    && w[1..]
                        .iter()
                        .any(|x| matches!(x.value.as_deref(), Some("clean" | "cc")))
            }
            _ => {
                matches!(prog, Some("dnf" | "dnf5" | "dnf-3" | "yum" | "microdnf"))
                    && w[1..].iter().any(|x| x.value.as_deref() == Some("clean"))
            }
        };
        cleans
            || removes(
                env.src,
                w,
                &[
                    "/var/cache/dnf",
                    "/var/cache/libdnf5",
                    "/var/cache/yum",
                    "/var/cache/zypp",
                ],
            )
    });
    let mut dirs = dir.map(|d| dirs([d.to_string()], true));
    // on an image dfix does not know, `dnf` is taken for dnf 4 (dnf 5 is Fedora 41 and later's)
    if name == "dnf"
        && env.scope.facts.is_none()
        && let Some(d) = dirs.as_mut().and_then(|d| d.first_mut())
    {
        d.assumed = Some("assuming the image's `dnf` is dnf 4, which keeps it there; dnf 5 uses `/var/cache/libdnf5`");
    }
    Some(Call {
        tool,
        cmd: env.cmd,
        words,
        sub,
        dirs,
        cache_off: cleaned,
    })
}

pub(super) const DNF4_CACHE: &str = "/var/cache/dnf";
pub(super) const DNF5_CACHE: &str = "/var/cache/libdnf5";

/// The leading number of a tag (`41`, `8.9` → 8, `stream9` → 9, `centos7` → 7).
pub(super) fn major(tag: &str) -> Option<u32> {
    let digits: String = tag
        .trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// `dnf` is dnf5 (`/var/cache/libdnf5`) from Fedora 41 on; elsewhere dnf4 (`/var/cache/dnf`).
pub(super) fn dnf_cache(image: Option<&ImageRef>) -> &'static str {
    let Some(image) = image else { return DNF4_CACHE };
    if !matches!(image.name(), "fedora" | "fedora-minimal" | "fedora-toolbox") {
        return DNF4_CACHE;
    }
    match major(&image.tag) {
        Some(n) if n < 41 => DNF4_CACHE,
        _ => DNF5_CACHE,
    }
}

/// The cache of `microdnf` on a known base. microdnf 3, on libdnf, keeps it in `/var/cache/yum`
/// (rpm-software-management/microdnf#73: "Default path is /var/cache/yum"); from Fedora 41 on,
/// `microdnf` is dnf5 (`/var/cache/libdnf5`). `None` where dfix does not know which one the
/// image has.
pub(super) fn microdnf_cache(image: Option<&ImageRef>) -> Option<&'static str> {
    let image = image?;
    let name = image.name();
    if matches!(name, "fedora" | "fedora-minimal") {
        return Some(match major(&image.tag) {
            Some(n) if n < 41 => "/var/cache/yum",
            _ => DNF5_CACHE,
        });
    }
    // `ubi8/ubi-minimal`, `ubi9-minimal`: RHEL 8 and 9 ship microdnf 3
    let el = image
        .path
        .rsplit('/')
        .nth(1)
        .and_then(|p| p.strip_prefix("ubi"))
        .and_then(|v| v.parse::<u32>().ok())
        .or_else(|| {
            name.strip_prefix("ubi")
                .and_then(|v| v.strip_suffix("-minimal"))
                .and_then(|v| v.parse().ok())
        });
    matches!(el, Some(8 | 9)).then_some("/var/cache/yum")
}

/// The cache of `yum` on a known base: yum 3 (`/var/cache/yum`) up to EL7 and Amazon Linux 2,
/// dnf from EL8 on. `None` for an image dfix does not know.
pub(super) fn yum_cache(image: &ImageRef) -> Option<&'static str> {
    let (name, tag) = (image.name(), image.tag.as_str());
    let n = major(tag);
    let el = image
        .path
        .rsplit('/')
        .nth(1)
        .and_then(|p| p.strip_prefix("ubi"))
        .and_then(|v| v.parse::<u32>().ok());
    match name {
        "centos" | "oraclelinux" | "scientificlinux" | "sl" => match n {
            Some(v) if v <= 7 => Some("/var/cache/yum"),
            Some(_) => Some(DNF4_CACHE),
            None if tag.starts_with("stream") => Some(DNF4_CACHE),
            None => None,
        },
        "amazonlinux" => match n {
            Some(1 | 2 | 2017 | 2018) => Some("/var/cache/yum"),
            Some(2022 | 2023) => Some(DNF4_CACHE),
            _ => None,
        },
        "rockylinux" | "almalinux" => Some(DNF4_CACHE),
        "fedora" => Some(dnf_cache(Some(image))),
        _ if el.is_some_and(|v| v >= 8) || name.starts_with("ubi") && major(name).is_some_and(|v| v >= 8) => {
            Some(DNF4_CACHE)
        }
        _ => None,
    }
}

/// The link that makes apk keep downloaded packages in `/var/cache/apk`: apk keeps them only
/// where `/etc/apk/cache` exists (Alpine wiki, "Local APK cache"; moby/buildkit#1009).
/// `-n`: when `/etc/apk/cache` is already this link (a base image made it), it is replaced, not
/// followed (a plain `ln -sf` would create `/var/cache/apk/apk`), so running it again changes
/// nothing.
pub const APK_LINK: &str = "ln -sfn /var/cache/apk /etc/apk/cache";

/// The command makes `/etc/apk/cache` (a link or a directory).
pub fn makes_apk_cache_dir(src: &str, c: &Command) -> bool {
    let words = c.effective().words;
    word(words, 0).map(basename).is_some_and(|p| p == "ln" || p == "mkdir")
        && words[1..].iter().any(|w| {
            let raw = w.value.as_deref().unwrap_or_else(|| w.range.slice(src));
            raw.trim_end_matches('/') == "/etc/apk/cache"
        })
}

/// The program of an apt call as the user knows it: `apt-get`, `apt` or `aptitude` (`xx-apt-get`
/// and `xx-apt` run the image's `apt-get` and `apt`).
pub fn apt_program(call: &Call) -> Option<&'static str> {
    match basename(word(call.words, 0)?) {
        "apt-get" | "xx-apt-get" => Some("apt-get"),
        "apt" | "xx-apt" => Some("apt"),
        "aptitude" => Some("aptitude"),
        _ => None,
    }
}

/// The command writes apt configuration that sets `key` (`APT::Install-Recommends`, matched
/// without regard to case) to a value `judge` accepts: `echo 'APT::Install-Recommends "false";'
/// > /etc/apt/apt.conf.d/…` and the like, read from any word of a command that is not apt
/// itself (where `-o` sets it for that call only). Where the text goes is not checked.
pub fn sets_apt_config(src: &str, c: &Command, key: &str, judge: impl Fn(&str) -> bool) -> bool {
    let words = c.effective().words;
    if words.is_empty() || matches!(word(words, 0).map(basename), Some("apt-get" | "apt" | "aptitude")) {
        return false;
    }
    let key = key.to_ascii_lowercase();
    words[1..].iter().any(|w| {
        let raw = w
            .value
            .as_deref()
            .unwrap_or_else(|| w.range.slice(src))
            .to_ascii_lowercase();
        raw.match_indices(&key).any(|(at, _)| {
            let rest =
                raw[at + key.len()..].trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '\\' | '\''));
            let value: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
            !value.is_empty() && judge(&value)
        })
    })
}

/// apt's reading of a boolean (`StringToBool`): `Some(true)` for `yes`, `true`, `with`,
/// `enable` or a non-zero number, `Some(false)` for `no`, `false`, `without`, `disable` or `0`.
pub fn apt_bool(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "yes" | "true" | "with" | "enable" => Some(true),
        "no" | "false" | "without" | "disable" => Some(false),
        n => n.parse::<i64>().ok().map(|n| n != 0),
    }
}

/// `apt-get update`, `apt update`, `aptitude update` (options before it allowed).
pub fn is_update(words: &[Word]) -> bool {
    apt_subcommand(words) == Some("update")
}

/// The subcommand of `apt-get`, `apt` or `aptitude` (options before it skipped).
pub fn apt_subcommand(words: &[Word]) -> Option<&str> {
    if !matches!(word(words, 0).map(basename), Some("apt-get" | "apt" | "aptitude")) {
        return None;
    }
    word(words, subcommand_index(words)?)
}

/// The command removes or rewrites `/etc/apt/apt.conf.d/docker-clean`.
pub fn touches_docker_clean(src: &str, c: &Command) -> bool {
    let words = c.effective().words;
    matches!(
        word(words, 0).map(basename),
        Some("rm" | "mv" | "sed" | "truncate" | "unlink" | "cp" | "ln" | "echo" | "printf" | "tee")
    ) && words[1..].iter().any(|w| {
        let raw = w.value.as_deref().unwrap_or_else(|| w.range.slice(src));
        raw.contains("apt.conf.d/docker-clean") || raw.contains("apt.conf.d/docker-*") || raw.contains("apt.conf.d/*")
    })
}

/// Something before offset `before` in this RUN (`commands`), or an earlier RUN of the stage
/// chain (`earlier`: [`Semantic::earlier_in_chain`](crate::semantic::Semantic::earlier_in_chain) of [`touches_docker_clean`]), removes or
/// rewrites `/etc/apt/apt.conf.d/docker-clean`.
pub fn docker_clean_removed(src: &str, commands: &Commands, earlier: bool, before: usize) -> bool {
    done_before(commands, earlier, before, |c| touches_docker_clean(src, c))
}

//! A short reference of the Dockerfile language for completion and hover: each instruction,
//! its flags, the `--mount` options per mount type and the parser directives, with a line of
//! description each. Which flags exist (and whether they are boolean or repeatable) comes from
//! `syntax::check::flag_specs`, which keys a mount accepts from `syntax::mounts`; this table
//! only adds the words. Facts from BuildKit's Dockerfile reference
//! (`frontend/dockerfile/docs/reference.md`) and `instructions/commands_runmount.go`.

use crate::syntax::check::{FlagSpec, NETWORK_MODES, SECURITY_MODES, flag_specs};
use crate::syntax::model::Kind;
use crate::syntax::mounts::{MountType, SHARING_MODES};

const DOCS: &str = "https://docs.docker.com/reference/dockerfile/";

pub struct Keyword {
    pub kind: Kind,
    pub summary: &'static str,
    pub syntax: &'static str,
}

const fn kw(kind: Kind, summary: &'static str, syntax: &'static str) -> Keyword {
    Keyword { kind, summary, syntax }
}

/// Every instruction, in alphabetical order.
pub const KEYWORDS: [Keyword; 18] = [
    kw(
        Kind::Add,
        "Adds files from the build context, a URL or a Git repository to the image; local tar archives are unpacked.",
        "ADD [--chown=<user>:<group>] [--chmod=<perms>] [--checksum=<digest>] <src>... <dest>",
    ),
    kw(
        Kind::Arg,
        "Declares a build argument that `docker build --build-arg` may set; before the first FROM it is usable in FROM lines.",
        "ARG <name>[=<default>] ...",
    ),
    kw(
        Kind::Cmd,
        "The default command (or the default arguments of ENTRYPOINT) of a container started from the image; the last CMD wins.",
        "CMD [\"executable\", \"arg\"...]  |  CMD command arg...",
    ),
    kw(
        Kind::Copy,
        "Copies files from the build context, another stage or an image into the image.",
        "COPY [--from=<stage|image>] [--chown=<user>:<group>] [--chmod=<perms>] [--link] <src>... <dest>",
    ),
    kw(
        Kind::Entrypoint,
        "The executable a container of the image runs; CMD supplies its default arguments.",
        "ENTRYPOINT [\"executable\", \"arg\"...]  |  ENTRYPOINT command arg...",
    ),
    kw(
        Kind::Env,
        "Sets environment variables for the rest of the stage, its child stages and containers of the image.",
        "ENV <key>=<value> ...",
    ),
    kw(
        Kind::Expose,
        "Documents the ports the container listens on; it publishes nothing by itself.",
        "EXPOSE <port>[/<protocol>] ...",
    ),
    kw(
        Kind::From,
        "Starts a build stage on a base image or an earlier stage, optionally naming it.",
        "FROM [--platform=<platform>] <image>[:<tag>|@<digest>] [AS <name>]",
    ),
    kw(
        Kind::Healthcheck,
        "Tells how to check that a container is still working, or disables the check inherited from the base image.",
        "HEALTHCHECK [--interval=<d>] [--timeout=<d>] [--start-period=<d>] [--retries=<n>] CMD <command>  |  HEALTHCHECK NONE",
    ),
    kw(
        Kind::Label,
        "Adds key-value metadata to the image.",
        "LABEL <key>=<value> ...",
    ),
    kw(
        Kind::Maintainer,
        "Deprecated: sets the image's author field; use `LABEL org.opencontainers.image.authors=…` instead.",
        "MAINTAINER <name>",
    ),
    kw(
        Kind::Onbuild,
        "Registers an instruction that runs later, when another build uses this image as its base.",
        "ONBUILD <INSTRUCTION> <arguments>",
    ),
    kw(
        Kind::Run,
        "Runs a command in a new layer at build time, with optional mounts, network and security mode.",
        "RUN [--mount=<mount>] [--network=<mode>] [--security=<mode>] <command>  |  RUN [\"executable\", \"arg\"...]",
    ),
    kw(
        Kind::Shell,
        "Replaces the shell that shell-form RUN, CMD and ENTRYPOINT use (default `[\"/bin/sh\", \"-c\"]`).",
        "SHELL [\"executable\", \"parameters\"]",
    ),
    kw(
        Kind::Stopsignal,
        "The signal that asks a container of the image to stop.",
        "STOPSIGNAL <signal>",
    ),
    kw(
        Kind::User,
        "Sets the user (and group) that later RUN instructions and the container run as.",
        "USER <user>[:<group>]",
    ),
    kw(
        Kind::Volume,
        "Marks paths as volumes: mount points for data kept outside the container's layer.",
        "VOLUME [\"/path\"...]  |  VOLUME /path ...",
    ),
    kw(
        Kind::Workdir,
        "Sets the working directory of later instructions and of the container, creating it when missing.",
        "WORKDIR <path>",
    ),
];

pub fn keyword(kind: Kind) -> Option<&'static Keyword> {
    KEYWORDS.iter().find(|k| k.kind == kind)
}

/// The section of the Dockerfile reference on `kind`.
pub fn keyword_url(kind: Kind) -> String {
    match kind {
        // the section's heading is "MAINTAINER (deprecated)"
        Kind::Maintainer => format!("{DOCS}#maintainer-deprecated"),
        _ => format!("{DOCS}#{}", kind.name()),
    }
}

/// The instructions ONBUILD refuses as its trigger (`instructions.parseOnBuild`).
pub fn allowed_in_onbuild(kind: Kind) -> bool {
    !matches!(kind, Kind::Onbuild | Kind::From | Kind::Maintainer)
}

pub fn keyword_markdown(k: &Keyword) -> String {
    let upper = k.kind.name().to_uppercase();
    format!(
        "**{upper}** — {}\n\n```dockerfile\n{}\n```\n\n[Dockerfile reference: {upper}]({})",
        k.summary,
        k.syntax,
        keyword_url(k.kind)
    )
}

/// A flag of an instruction: BuildKit's spec and a description.
pub struct Flag {
    pub kind: Kind,
    pub spec: &'static FlagSpec,
    pub summary: &'static str,
    /// The values it accepts, when they are a fixed list.
    pub values: &'static [&'static str],
}

/// The description and fixed values of each flag BuildKit accepts.
const FLAG_DOCS: &[(Kind, &str, &str, &[&str])] = &[
    (
        Kind::From,
        "platform",
        "The platform of the base image, such as `linux/amd64` or `$BUILDPLATFORM`.",
        &[],
    ),
    (
        Kind::Run,
        "mount",
        "A mount for this command only: a bind mount of the context or a stage, a persistent cache, a tmpfs, a secret or an SSH agent socket. May be repeated.",
        &[],
    ),
    (
        Kind::Run,
        "network",
        "The network the command sees: `default`, `none` (no network) or `host` (needs the `network.host` entitlement).",
        &NETWORK_MODES,
    ),
    (
        Kind::Run,
        "security",
        "`insecure` runs the command without the sandbox, like a privileged container (needs the `security.insecure` entitlement); `sandbox` is the default.",
        &SECURITY_MODES,
    ),
    (
        Kind::Run,
        "device",
        "Gives the command access to a CDI device, such as `nvidia.com/gpu=all`. May be repeated.",
        &[],
    ),
    (
        Kind::Copy,
        "from",
        "Copies from an earlier build stage, a named build context or an image instead of the build context.",
        &[],
    ),
    (
        Kind::Copy,
        "chown",
        "The owner (`user:group`, names or ids) of the copied files.",
        &[],
    ),
    (
        Kind::Copy,
        "chmod",
        "The permissions of the copied files, in octal or symbolic notation.",
        &[],
    ),
    (
        Kind::Copy,
        "link",
        "Copies into a layer of its own that does not depend on the layers before it, so it can be reused when they change.",
        &[],
    ),
    (
        Kind::Copy,
        "parents",
        "Keeps the parent directories of the sources under the destination.",
        &[],
    ),
    (
        Kind::Copy,
        "exclude",
        "A path pattern of files to leave out. May be repeated.",
        &[],
    ),
    (
        Kind::Add,
        "chown",
        "The owner (`user:group`, names or ids) of the added files.",
        &[],
    ),
    (
        Kind::Add,
        "chmod",
        "The permissions of the added files, in octal or symbolic notation.",
        &[],
    ),
    (
        Kind::Add,
        "checksum",
        "The expected digest (`sha256:…`) of a remote source; the build fails when it differs.",
        &[],
    ),
    (
        Kind::Add,
        "link",
        "Adds into a layer of its own that does not depend on the layers before it, so it can be reused when they change.",
        &[],
    ),
    (
        Kind::Add,
        "keep-git-dir",
        "Keeps the `.git` directory when the source is a Git repository.",
        &[],
    ),
    (
        Kind::Add,
        "unpack",
        "Whether an archive source is extracted (local archives are by default, remote ones are not).",
        &[],
    ),
    (
        Kind::Add,
        "exclude",
        "A path pattern of files to leave out. May be repeated.",
        &[],
    ),
    (
        Kind::Healthcheck,
        "interval",
        "Time between two checks (default `30s`).",
        &[],
    ),
    (
        Kind::Healthcheck,
        "timeout",
        "Time after which a check counts as failed (default `30s`).",
        &[],
    ),
    (
        Kind::Healthcheck,
        "start-period",
        "Start-up time during which failed checks do not count (default `0s`).",
        &[],
    ),
    (
        Kind::Healthcheck,
        "start-interval",
        "Time between checks during the start period (default `5s`).",
        &[],
    ),
    (
        Kind::Healthcheck,
        "retries",
        "Consecutive failures after which the container is unhealthy (default `3`).",
        &[],
    ),
];

/// The flags of `kind`, in BuildKit's order.
pub fn flags(kind: Kind) -> Vec<Flag> {
    flag_specs(kind)
        .iter()
        .map(|spec| {
            let (summary, values) = FLAG_DOCS
                .iter()
                .find(|(k, n, _, _)| *k == kind && *n == spec.name)
                .map_or(("", &[][..]), |(_, _, s, v)| (*s, *v));
            Flag {
                kind,
                spec,
                summary,
                values,
            }
        })
        .collect()
}

pub fn flag(kind: Kind, name: &str) -> Option<Flag> {
    flags(kind).into_iter().find(|f| f.spec.name == name)
}

/// `--name=<value>`, `--name` for a boolean.
pub fn flag_syntax(f: &Flag) -> String {
    match (f.spec.bool, f.values) {
        (true, _) => format!("--{}", f.spec.name),
        (false, []) => format!("--{}=<value>", f.spec.name),
        (false, values) => format!("--{}={}", f.spec.name, values.join("|")),
    }
}

pub fn flag_markdown(f: &Flag) -> String {
    let upper = f.kind.name().to_uppercase();
    format!(
        "**{upper} {}** — {}\n\n[Dockerfile reference: {upper}]({})",
        flag_syntax(f),
        f.summary,
        keyword_url(f.kind)
    )
}

pub struct MountTypeDoc {
    pub name: &'static str,
    pub summary: &'static str,
}

/// The mount types, in `MountType::KNOWN`'s order.
pub const MOUNT_TYPES: [MountTypeDoc; 5] = [
    MountTypeDoc {
        name: "bind",
        summary: "Binds a directory of the build context, a stage or an image, read-only unless `rw` (the default type).",
    },
    MountTypeDoc {
        name: "cache",
        summary: "A persistent directory for package managers and compilers, kept between builds but not in the image.",
    },
    MountTypeDoc {
        name: "tmpfs",
        summary: "An empty in-memory filesystem for the command.",
    },
    MountTypeDoc {
        name: "secret",
        summary: "A secret given to the build (`--secret`), as a file or an environment variable, never stored in the image.",
    },
    MountTypeDoc {
        name: "ssh",
        summary: "The socket of an SSH agent (or keys) forwarded to the build (`--ssh`).",
    },
];

pub fn mount_type_url(name: &str) -> String {
    format!("{DOCS}#run---mounttype{name}")
}

pub fn mount_type_markdown(t: &MountTypeDoc) -> String {
    format!(
        "**type={}** — {}\n\n[Dockerfile reference: RUN --mount=type={}]({})",
        t.name,
        t.summary,
        t.name,
        mount_type_url(t.name)
    )
}

/// Mount types as a set of bits, in `MOUNT_TYPES`' order.
const BIND: u8 = 1;
const CACHE: u8 = 2;
const TMPFS: u8 = 4;
const SECRET: u8 = 8;
const SSH: u8 = 16;
const ALL: u8 = BIND | CACHE | TMPFS | SECRET | SSH;

fn type_bit(t: &MountType) -> u8 {
    match t {
        MountType::Bind => BIND,
        MountType::Cache => CACHE,
        MountType::Tmpfs => TMPFS,
        MountType::Secret => SECRET,
        MountType::Ssh => SSH,
        MountType::Other(_) => ALL,
    }
}

/// A `--mount` option: its key, its aliases, the types it is meant for (as the Dockerfile
/// reference lists them; BuildKit ignores some keys on other types and rejects others) and its
/// fixed values.
pub struct MountOption {
    pub key: &'static str,
    pub aliases: &'static [&'static str],
    types: u8,
    pub summary: &'static str,
    pub values: &'static [&'static str],
}

const BOOL: &[&str] = &["true", "false"];
const TYPES: [&str; 5] = ["bind", "cache", "tmpfs", "secret", "ssh"];

pub const MOUNT_OPTIONS: [MountOption; 14] = [
    MountOption {
        key: "type",
        aliases: &[],
        types: ALL,
        summary: "The kind of mount; `bind` when not given.",
        values: &TYPES,
    },
    MountOption {
        key: "target",
        aliases: &["dst", "destination"],
        types: ALL,
        summary: "Where the mount appears in the build container (relative to WORKDIR when relative).",
        values: &[],
    },
    MountOption {
        key: "source",
        aliases: &["src"],
        types: BIND | CACHE,
        summary: "The path inside `from` to mount (its root by default).",
        values: &[],
    },
    MountOption {
        key: "from",
        aliases: &[],
        types: BIND | CACHE,
        summary: "The stage, build context or image the mount comes from (bind: the build context by default; cache: its initial content).",
        values: &[],
    },
    MountOption {
        key: "id",
        aliases: &[],
        types: CACHE | SECRET | SSH,
        summary: "Which cache, secret or SSH key: a cache's id defaults to its target, a secret's to the target's basename, an SSH key's to `default`.",
        values: &[],
    },
    MountOption {
        key: "sharing",
        aliases: &[],
        types: CACHE,
        summary: "How concurrent builds share a cache: `shared` (default) together, `private` each its own copy, `locked` one after another.",
        values: &SHARING_MODES,
    },
    MountOption {
        key: "readonly",
        aliases: &["ro"],
        types: CACHE,
        summary: "Mounts the cache read-only.",
        values: BOOL,
    },
    MountOption {
        key: "rw",
        aliases: &["readwrite"],
        types: BIND,
        summary: "Lets the command write to a bind mount; what it writes is discarded after the RUN.",
        values: BOOL,
    },
    MountOption {
        key: "mode",
        aliases: &[],
        types: CACHE | SECRET | SSH,
        summary: "File mode in octal of a new cache directory (default `0755`), a secret file (`0400`) or an SSH socket (`0600`).",
        values: &[],
    },
    MountOption {
        key: "uid",
        aliases: &[],
        types: CACHE | SECRET | SSH,
        summary: "Numeric user id that owns a new cache directory, the secret file or the socket (default `0`).",
        values: &[],
    },
    MountOption {
        key: "gid",
        aliases: &[],
        types: CACHE | SECRET | SSH,
        summary: "Numeric group id that owns a new cache directory, the secret file or the socket (default `0`).",
        values: &[],
    },
    MountOption {
        key: "required",
        aliases: &[],
        types: SECRET | SSH,
        summary: "Fail the build when the secret or SSH key is not provided (default `false`).",
        values: BOOL,
    },
    MountOption {
        key: "env",
        aliases: &[],
        types: SECRET,
        summary: "Also (or instead of a file) exposes the secret as this environment variable (Dockerfile 1.10).",
        values: &[],
    },
    MountOption {
        key: "size",
        aliases: &[],
        types: TMPFS,
        summary: "The upper limit of the tmpfs's size (bytes, or with a unit such as `64m`).",
        values: &[],
    },
];

impl MountOption {
    pub fn is_for(&self, t: &MountType) -> bool {
        self.types & type_bit(t) != 0
    }

    /// The key and its aliases.
    pub fn names(&self) -> impl Iterator<Item = &'static str> {
        std::iter::once(self.key).chain(self.aliases.iter().copied())
    }
}

/// The option a key (or an alias, any case) names.
pub fn mount_option(key: &str) -> Option<&'static MountOption> {
    let lower = key.to_ascii_lowercase();
    MOUNT_OPTIONS.iter().find(|o| o.names().any(|n| n == lower))
}

pub fn mount_option_markdown(o: &MountOption) -> String {
    let mut out = format!("**{}**", o.key);
    for a in o.aliases {
        out.push_str(&format!(", **{a}**"));
    }
    out.push_str(&format!(" — {}", o.summary));
    if !o.values.is_empty() {
        out.push_str(&format!("\n\nValues: `{}`", o.values.join("` | `")));
    }
    let types: Vec<&str> = TYPES
        .iter()
        .zip([BIND, CACHE, TMPFS, SECRET, SSH])
        .filter(|(_, b)| o.types & b != 0)
        .map(|(n, _)| *n)
        .collect();
    out.push_str(&format!(
        "\n\nMount types: {}\n\n[Dockerfile reference: RUN --mount]({DOCS}#run---mount)",
        types.join(", ")
    ));
    out
}

pub struct DirectiveDoc {
    pub name: &'static str,
    pub summary: &'static str,
    pub values: &'static [&'static str],
}

/// The parser directives, in `syntax::directives::KNOWN`'s order.
pub const DIRECTIVES: [DirectiveDoc; 3] = [
    DirectiveDoc {
        name: "syntax",
        summary: "The Dockerfile frontend image that builds this file; `docker/dockerfile:1` follows the latest stable 1.x.",
        values: &["docker/dockerfile:1"],
    },
    DirectiveDoc {
        name: "escape",
        summary: "The escape and line-continuation character: `\\` (default) or `` ` `` (handy on Windows).",
        values: &["\\", "`"],
    },
    DirectiveDoc {
        name: "check",
        summary: "Configures BuildKit's build checks: `skip=<names|all>` and `error=true` (Dockerfile 1.8), joined by `;`.",
        values: &["skip=all", "error=true"],
    },
];

pub fn directive_markdown(d: &DirectiveDoc) -> String {
    format!(
        "**# {}=** — {}\n\n[Dockerfile reference: {}]({DOCS}#{})",
        d.name, d.summary, d.name, d.name
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::mounts::ALL_KEYS;

    #[test]
    fn every_instruction_and_flag_is_described() {
        for (name, kind) in Kind::ALL {
            let k = keyword(kind).unwrap();
            assert!(
                !k.summary.is_empty() && k.syntax.to_lowercase().starts_with(name),
                "{name}"
            );
            for f in flags(kind) {
                assert!(!f.summary.is_empty(), "{name} --{}", f.spec.name);
            }
        }
        // no description for a flag BuildKit does not know
        for (kind, name, _, _) in FLAG_DOCS {
            assert!(flag(*kind, name).is_some(), "{kind:?} --{name}");
        }
        assert_eq!(
            keyword_url(Kind::Run),
            "https://docs.docker.com/reference/dockerfile/#run"
        );
        assert_eq!(
            flag_syntax(&flag(Kind::Run, "network").unwrap()),
            "--network=default|none|host"
        );
        assert_eq!(flag_syntax(&flag(Kind::Copy, "link").unwrap()), "--link");
    }

    #[test]
    fn mount_options_are_buildkits_keys() {
        let mut names: Vec<&str> = MOUNT_OPTIONS.iter().flat_map(MountOption::names).collect();
        names.push("readwrite");
        for n in &names {
            assert!(ALL_KEYS.contains(n), "{n}");
        }
        for k in ALL_KEYS {
            assert!(mount_option(k).is_some(), "{k}");
        }
        assert_eq!(MountType::KNOWN.map(|(n, _)| n), TYPES);
        assert_eq!(mount_option("DST").unwrap().key, "target");
        assert!(mount_option("size").unwrap().is_for(&MountType::Tmpfs));
        assert!(!mount_option("size").unwrap().is_for(&MountType::Cache));
    }
}

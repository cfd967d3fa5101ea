//! What dfix knows of well-known base images: the user a RUN starts as, the users the image
//! creates, its distribution (and whether apt's `docker-clean` is configured), whether it is a
//! Windows image, and the environment its Dockerfile sets where the rules read it.
//!
//! An image that is neither in this table nor declared in the configuration (`[images."…"]`,
//! [`Declared`]) is *unknown*: none of its facts is assumed.
//!
//! Names are matched after [`canonical`]: lowercased, the Docker Hub prefixes (`docker.io/`,
//! `index.docker.io/`, `registry-1.docker.io/`, then `library/`) removed, the architecture
//! namespaces of the official images (`arm64v8/`, `amd64/`, …) and the public mirrors of Docker
//! Hub (`mirror.gcr.io/`, `public.ecr.aws/docker/library/`,
//! `mcr.microsoft.com/mirror/docker/library/`) removed; a digest is ignored. The tag chooses the
//! variant (`-alpine`, `-slim`, `-bookworm`, `-windowsservercore-ltsc2022`, …); a tag that names
//! none is the image's default variant.

use crate::syntax::image::ImageRef;

/// A Linux distribution family, as far as the rules care (package manager, apt configuration).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Distro {
    Debian,
    Ubuntu,
    Alpine,
    /// Red Hat Enterprise Linux and its rebuilds: UBI, CentOS, Rocky, Alma, Oracle Linux.
    Rhel,
    Fedora,
    AmazonLinux,
    Suse,
    /// No distribution: `scratch`, distroless, a static binary's image.
    None,
    Unknown,
}

impl Distro {
    pub const NAMES: &'static [&'static str] = &[
        "debian",
        "ubuntu",
        "alpine",
        "rhel",
        "fedora",
        "amazonlinux",
        "suse",
        "none",
        "unknown",
    ];

    pub fn parse(s: &str) -> Option<Distro> {
        Some(match s {
            "debian" => Distro::Debian,
            "ubuntu" => Distro::Ubuntu,
            "alpine" => Distro::Alpine,
            "rhel" => Distro::Rhel,
            "fedora" => Distro::Fedora,
            "amazonlinux" => Distro::AmazonLinux,
            "suse" => Distro::Suse,
            "none" => Distro::None,
            "unknown" => Distro::Unknown,
            _ => return None,
        })
    }

    /// Debian and Ubuntu images as published (`debuerreotype`, Ubuntu's cloud images) configure
    /// `/etc/apt/apt.conf.d/docker-clean`, which deletes downloaded packages after each apt call.
    fn ships_docker_clean(self) -> Option<bool> {
        match self {
            Distro::Debian | Distro::Ubuntu => Some(true),
            Distro::Unknown => None,
            _ => Some(false),
        }
    }
}

/// A user an image's Dockerfile creates (or declares in the configuration).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageUser {
    pub name: String,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    pub home: Option<String>,
}

/// The user a RUN of a stage built on the image starts as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BaseUser {
    Root,
    User(ImageUser),
    Unknown,
}

/// What is known of a base image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageFacts {
    /// The user after the image's last `USER`.
    pub user: BaseUser,
    /// Users besides root that exist in the image (a later `USER node` finds its uid here).
    pub users: Vec<ImageUser>,
    pub distro: Distro,
    /// Whether apt's `docker-clean` configuration is present; `None` when not known.
    pub docker_clean: Option<bool>,
    pub windows: bool,
    /// The image's `SHELL`, when it sets one (only declared images say).
    pub shell: Option<Vec<String>>,
    /// The environment its Dockerfile sets, where the rules read it.
    pub env: Vec<(String, String)>,
    /// [`ImageFacts::env`] is the image's whole configured environment, `PATH` aside (which
    /// BuildKit sets where an image does not): the images built `FROM scratch` by adding a root
    /// filesystem and no `ENV`. A variable not in it is not defined in a stage built on the image
    /// unless the Dockerfile defines it.
    pub env_complete: bool,
}

impl ImageFacts {
    fn new(user: BaseUser, distro: Distro) -> ImageFacts {
        ImageFacts {
            user,
            users: Vec::new(),
            distro,
            docker_clean: distro.ships_docker_clean(),
            windows: false,
            shell: None,
            env: Vec::new(),
            env_complete: false,
        }
    }

    /// An image whose Dockerfile sets no `ENV` (see [`ImageFacts::env_complete`]).
    fn no_env(mut self) -> ImageFacts {
        self.env_complete = true;
        self
    }

    /// A Linux image whose RUNs start as root.
    fn root(distro: Distro) -> ImageFacts {
        ImageFacts::new(BaseUser::Root, distro)
    }

    /// A Windows image: its users are Windows accounts, nothing the rules read.
    fn windows() -> ImageFacts {
        ImageFacts {
            windows: true,
            docker_clean: Some(false),
            ..ImageFacts::new(BaseUser::Unknown, Distro::None)
        }
    }

    fn env(mut self, vars: &[(&str, &str)]) -> ImageFacts {
        self.env
            .extend(vars.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())));
        self
    }

    fn user(mut self, name: &str, uid: u32, gid: u32, home: &str) -> ImageFacts {
        self.users.push(ImageUser {
            name: name.into(),
            uid: Some(uid),
            gid: Some(gid),
            home: Some(home.into()),
        });
        self
    }
}

/// Prefixes under which Docker Hub's repositories are also reached: the architecture
/// namespaces of the official images and the public mirrors of Docker Hub.
const HUB_ALIASES: &[&str] = &[
    "mirror.gcr.io/library/",
    "mirror.gcr.io/",
    "public.ecr.aws/docker/library/",
    "mcr.microsoft.com/mirror/docker/library/",
    "amd64/",
    "arm64v8/",
    "arm32v7/",
    "arm32v6/",
    "arm32v5/",
    "i386/",
    "ppc64le/",
    "s390x/",
    "riscv64/",
    "mips64le/",
];

/// The repository on Docker Hub's terms, for matching: `docker.io/library/python`,
/// `index.docker.io/library/python` and `python` are `python`; `docker.io/bitnami/x` is
/// `bitnami/x`. Other registries keep their host (`ghcr.io/astral-sh/uv`).
pub fn canonical(path: &str) -> &str {
    let mut p = path;
    for host in ["docker.io/", "index.docker.io/", "registry-1.docker.io/"] {
        if let Some(rest) = p.strip_prefix(host) {
            p = rest;
            break;
        }
    }
    p.strip_prefix("library/").unwrap_or(p)
}

/// [`canonical`], with the Docker Hub mirrors and architecture namespaces removed: the name of
/// the image in the built-in table.
fn hub_name(path: &str) -> &str {
    let p = canonical(path);
    HUB_ALIASES.iter().find_map(|a| p.strip_prefix(a)).unwrap_or(p)
}

/// The distribution a tag names (`3.12-slim-bookworm`, `20-alpine3.20`, `21-jdk-noble`,
/// `17-ubi9-minimal`), if any.
fn tag_distro(tag: &str) -> Option<Distro> {
    const UBUNTU: &[&str] = &[
        "ubuntu", "noble", "jammy", "focal", "bionic", "xenial", "resolute", "plucky", "oracular", "mantic", "lunar",
    ];
    const DEBIAN: &[&str] = &["bookworm", "bullseye", "buster", "stretch", "trixie", "jessie", "slim"];
    let has = |words: &[&str]| words.iter().any(|w| tag.contains(w));
    Some(if has(&["alpine"]) {
        Distro::Alpine
    } else if has(&["ubi", "oraclelinux", "rockylinux", "almalinux", "centos"]) {
        Distro::Rhel
    } else if has(&["amazonlinux", "amazoncorretto", "al2"]) {
        Distro::AmazonLinux
    } else if has(UBUNTU) {
        Distro::Ubuntu
    } else if has(DEBIAN) {
        Distro::Debian
    } else {
        return None;
    })
}

/// The number a tag starts with (`11` of `11.0.2-jre`).
fn major(tag: &str) -> Option<u32> {
    let end = tag.find(|c: char| !c.is_ascii_digit()).unwrap_or(tag.len());
    tag[..end].parse().ok()
}

/// An official image built on Debian or Ubuntu in its default variant, with its other variants
/// named by the tag.
fn variant(tag: &str, default: Distro) -> ImageFacts {
    if ImageRef::windows_tag(tag) {
        return ImageFacts::windows();
    }
    ImageFacts::root(tag_distro(tag).unwrap_or(default))
}

/// The built-in table: what the image's published Dockerfile sets. `None` for an image dfix
/// does not know.
pub fn builtin(image: &ImageRef) -> Option<ImageFacts> {
    let tag = image.tag.as_str();
    let name = hub_name(&image.path);
    let facts = match name {
        // docker-library/python `*/{bookworm,slim-bookworm,alpine*,windows/*}/Dockerfile`: no
        // USER, no pip configuration (`PIP_NO_CACHE_DIR` unset); default variant Debian
        // (`FROM buildpack-deps:bookworm`)
        "python" => variant(tag, Distro::Debian),
        // nodejs/docker-node `*/*/Dockerfile`: `groupadd --gid 1000 node && useradd --uid 1000
        // --gid node … --create-home node` (alpine: `addgroup -g 1000 node && adduser -u 1000
        // -G node … node`); no USER (RUN is root), no `npm_config_cache`
        "node" => variant(tag, Distro::Debian).user("node", 1000, 1000, "/home/node"),
        // docker-library/golang `*/*/Dockerfile`: `ENV GOPATH /go` (Windows: `C:\go`), no
        // GOCACHE/GOMODCACHE, no USER
        "golang" => {
            let f = variant(tag, Distro::Debian);
            if f.windows { f } else { f.env(&[("GOPATH", "/go")]) }
        }
        // rust-lang/docker-rust `*/*/Dockerfile`: `ENV RUSTUP_HOME=/usr/local/rustup
        // CARGO_HOME=/usr/local/cargo`, no USER; LukeMathWalker/cargo-chef `docker/Dockerfile`:
        // `ARG BASE_IMAGE=rust` / `FROM $BASE_IMAGE` (its tags name the rust tag:
        // `latest-rust-1-slim-bookworm`, `latest-rust-alpine`)
        "rust" | "lukemathwalker/cargo-chef" => variant(tag, Distro::Debian)
            .env(&[("CARGO_HOME", "/usr/local/cargo"), ("RUSTUP_HOME", "/usr/local/rustup")]),
        // docker-library/ruby `*/*/Dockerfile`: `ENV GEM_HOME /usr/local/bundle`,
        // `BUNDLE_APP_CONFIG="$GEM_HOME"`, no USER
        "ruby" => variant(tag, Distro::Debian).env(&[
            ("GEM_HOME", "/usr/local/bundle"),
            ("BUNDLE_APP_CONFIG", "/usr/local/bundle"),
        ]),
        // docker-library/php `*/*/*/Dockerfile`: `FROM debian:*-slim` / `FROM alpine:*`, no USER
        // (www-data exists in both, uid 33 on Debian, 82 on Alpine)
        "php" => variant(tag, Distro::Debian),
        // composer/docker `latest/Dockerfile`: `FROM php:8-alpine`, `ENV COMPOSER_HOME=/tmp`
        // (no COMPOSER_CACHE_DIR), no USER
        "composer" => ImageFacts::root(Distro::Alpine).env(&[("COMPOSER_HOME", "/tmp")]),
        // adoptium/containers `*/*/{ubuntu,alpine,ubi,windows}/*/Dockerfile`: default variant
        // `FROM ubuntu:*`, no USER
        "eclipse-temurin" => variant(tag, Distro::Ubuntu),
        // docker-library/openjdk: JDK 8 and 11 default to Debian; from 12 on the default
        // variant is Oracle Linux (`*/oraclelinux*/Dockerfile`), so only a tag that names the
        // variant says
        "openjdk" => match tag_distro(tag) {
            Some(_) => variant(tag, Distro::Unknown),
            None if matches!(major(tag), Some(8 | 11)) => variant(tag, Distro::Debian),
            None => variant(tag, Distro::Unknown),
        },
        // carlossg/docker-maven `eclipse-temurin-*/Dockerfile`: `FROM eclipse-temurin:*`,
        // `ENV MAVEN_HOME /usr/share/maven`, `MAVEN_CONFIG "$USER_HOME_DIR/.m2"` with
        // `USER_HOME_DIR="/root"`, no USER; other JDKs (`-amazoncorretto`, `-graalvm`,
        // `-ibm-semeru`, `-sapmachine`) are other distributions
        "maven" => {
            let default = match tag {
                _ if ["corretto", "graalvm", "semeru", "ibmjava", "sapmachine", "openjdk"]
                    .iter()
                    .any(|j| tag.contains(j)) =>
                {
                    Distro::Unknown
                }
                _ => Distro::Ubuntu,
            };
            variant(tag, default).env(&[("MAVEN_HOME", "/usr/share/maven"), ("MAVEN_CONFIG", "/root/.m2")])
        }
        // gradle/docker-gradle `jdk*/Dockerfile`: a `gradle` user (uid/gid 1000; 101 on UBI)
        // with home `/home/gradle`, `ln -s /home/gradle/.gradle /root/.gradle`, `WORKDIR
        // /home/gradle`, last `USER root`; no GRADLE_USER_HOME; default variant on
        // `eclipse-temurin` (Ubuntu)
        "gradle" => {
            let f = variant(tag, Distro::Ubuntu).env(&[("GRADLE_HOME", "/opt/gradle")]);
            if f.distro == Distro::Rhel {
                f.user("gradle", 101, 101, "/home/gradle")
            } else {
                f.user("gradle", 1000, 1000, "/home/gradle")
            }
        }
        // docker-library/buildpack-deps: `FROM debian:*` / `FROM ubuntu:*` by tag
        "buildpack-deps" | "perl" | "gcc" | "r-base" | "haskell" | "julia" | "elixir" | "erlang" => {
            variant(tag, Distro::Debian)
        }
        // debuerreotype images (docker-library/official-images `library/debian`):
        // `/etc/apt/apt.conf.d/docker-clean`, root; `FROM scratch`, `ADD rootfs.tar.xz /`, `CMD`,
        // no ENV
        "debian" => ImageFacts::root(Distro::Debian).no_env(),
        // `library/ubuntu`: Ubuntu's cloud rootfs, with `docker-clean`, root (24.04 also creates
        // an `ubuntu` user, uid 1000, unused by default); `FROM scratch`, `ADD`, `CMD`, no ENV
        "ubuntu" => ImageFacts::root(Distro::Ubuntu).no_env(),
        // alpinelinux/docker-alpine: root, `apk`; `FROM scratch`, `ADD alpine-minirootfs-….tar.gz
        // /`, `CMD`, no ENV
        "alpine" => ImageFacts::root(Distro::Alpine).no_env(),
        "fedora" => ImageFacts::root(Distro::Fedora),
        "centos" | "rockylinux" | "rockylinux/rockylinux" | "almalinux" | "oraclelinux" => {
            ImageFacts::root(Distro::Rhel)
        }
        "amazonlinux" => ImageFacts::root(Distro::AmazonLinux),
        "opensuse/leap" | "opensuse/tumbleweed" => ImageFacts::root(Distro::Suse),
        // docker-library/busybox: `FROM scratch`, `ADD busybox.tar.xz /`, `CMD`, no ENV; scratch
        // is empty
        "busybox" | "scratch" => ImageFacts::root(Distro::None).no_env(),
        // ContinuumIO/docker-images `miniconda3/debian/Dockerfile`: `FROM debian:*-slim`,
        // `ENV PATH /opt/conda/bin:$PATH`, no USER, no CONDA_PKGS_DIRS
        "continuumio/miniconda3" | "continuumio/anaconda3" => ImageFacts::root(Distro::Debian),
        // mamba-org/micromamba-docker `debian.Dockerfile`: `ARG MAMBA_USER=mambauser`,
        // `MAMBA_USER_ID=57439`, `MAMBA_USER_GID=57439`, `ENV MAMBA_ROOT_PREFIX="/opt/conda"`,
        // `USER $MAMBA_USER`, and `SHELL ["/usr/local/bin/_dockerfile_shell.sh"]`;
        // `_dockerfile_initialize_user_accounts.sh`: `useradd -u … -g … -ms /bin/bash` (home
        // `/home/mambauser`); the `-alpine` tags are built on `frolvlad/alpine-glibc`, the
        // others (`-bookworm-slim`, `-debian…`, `-amazon…`) on their named base
        "mambaorg/micromamba" => {
            let home = "/home/mambauser";
            let user = ImageUser {
                name: "mambauser".into(),
                uid: Some(57439),
                gid: Some(57439),
                home: Some(home.into()),
            };
            let distro = tag_distro(tag).unwrap_or(if tag.contains("amazon") || tag.contains("fedora") {
                Distro::Unknown
            } else {
                Distro::Debian
            });
            ImageFacts {
                users: vec![user.clone()],
                ..ImageFacts::new(BaseUser::User(user), distro)
            }
            .env(&[
                ("MAMBA_ROOT_PREFIX", "/opt/conda"),
                ("MAMBA_USER", "mambauser"),
                ("MAMBA_USER_ID", "57439"),
                ("MAMBA_USER_GID", "57439"),
            ])
        }
        // astral-sh/uv `.github/workflows/build-docker.yml`: `latest` and the version tags are
        // the static binaries alone; the suffixed tags are `FROM alpine:…`, `debian:…-slim`,
        // `buildpack-deps:…`, `python:…-alpine|-bookworm|-slim-bookworm` plus the binaries,
        // no USER, no UV_* environment
        "ghcr.io/astral-sh/uv" => match tag_distro(tag) {
            Some(d) => ImageFacts::root(d),
            None if tag.contains("debian") => ImageFacts::root(Distro::Debian),
            None => ImageFacts::root(Distro::None),
        },
        // Red Hat's Universal Base Images: root, dnf (microdnf in `-minimal`). Only the base
        // images themselves (`ubi9/ubi`, `ubi9/ubi-minimal`, `-micro`, `-init`): the language
        // images beside them (`ubi9/go-toolset`, `ubi9/python-312`, …) set a user of their own
        _ if (name.starts_with("registry.access.redhat.com/ubi")
            || name.starts_with("registry.redhat.io/ubi")
            || name.starts_with("redhat/ubi"))
            && matches!(
                name.rsplit('/').next(),
                Some("ubi" | "ubi-minimal" | "ubi-micro" | "ubi-init") | Some("ubi8" | "ubi9" | "ubi10")
            ) =>
        {
            ImageFacts::root(Distro::Rhel)
        }
        // Microsoft's Windows base images (`mcr.microsoft.com/windows/servercore`, `…/nanoserver`,
        // `…/windows/server`, and the old `microsoft/windowsservercore`)
        _ if image.is_windows()
            && (name.starts_with("mcr.microsoft.com/windows") || name.starts_with("microsoft/")) =>
        {
            ImageFacts::windows()
        }
        _ => return None,
    };
    Some(facts)
}

/// A configuration's `[images."pattern"]` table: the facts it declares (unset keys are taken
/// from the built-in table, else unknown).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Declared {
    pub pattern: String,
    pub user: Option<String>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    pub home: Option<String>,
    pub distro: Option<Distro>,
    pub docker_clean: Option<bool>,
    pub windows: Option<bool>,
    pub shell: Option<Vec<String>>,
    pub env: Vec<(String, String)>,
}

/// Whether `pattern` matches `text`: `*` is any run of characters (`/` and `:` included),
/// everything else matches itself.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

impl Declared {
    /// The pattern, normalised like an image name: lowercased, Docker Hub prefixes removed, a
    /// digest dropped.
    fn normal_pattern(&self) -> String {
        let p = self.pattern.to_ascii_lowercase();
        let p = p.split('@').next().unwrap_or(&p).to_string();
        canonical(&p).to_string()
    }

    /// Whether the pattern names `image`. A pattern without a tag (`corp/python-base*`) matches
    /// every tag of the repositories it names; one with a tag (`corp/base:3.12-*`) is matched
    /// against `repository:tag` (an image written without a tag has the tag `latest`).
    pub fn matches(&self, image: &ImageRef) -> bool {
        let pattern = self.normal_pattern();
        let path = canonical(&image.path);
        let has_tag = pattern.rsplit_once(':').is_some_and(|(_, t)| !t.contains('/'));
        if has_tag {
            let tag = if image.tag.is_empty() { "latest" } else { &image.tag };
            glob(&pattern, &format!("{path}:{tag}"))
        } else {
            glob(&pattern, path)
        }
    }

    /// How specific the pattern is: its characters other than `*`. Of the patterns that match,
    /// the most specific wins; between equals, the one declared last.
    pub fn specificity(&self) -> usize {
        self.pattern.chars().filter(|&c| c != '*').count()
    }

    /// The facts, the declared ones over `base`.
    fn apply(&self, base: Option<ImageFacts>) -> ImageFacts {
        let mut f = base.unwrap_or_else(|| ImageFacts {
            docker_clean: None,
            ..ImageFacts::new(BaseUser::Unknown, Distro::Unknown)
        });
        if let Some(d) = self.distro {
            f.distro = d;
            f.docker_clean = d.ships_docker_clean();
        }
        if let Some(c) = self.docker_clean {
            f.docker_clean = Some(c);
        }
        if let Some(w) = self.windows {
            f.windows = w;
        }
        if let Some(s) = &self.shell {
            f.shell = Some(s.clone());
        }
        for (k, v) in &self.env {
            f.env.retain(|(name, _)| name != k);
            f.env.push((k.clone(), v.clone()));
        }
        let root = matches!(self.user.as_deref(), Some("root" | "0")) || (self.user.is_none() && self.uid == Some(0));
        if root {
            f.user = BaseUser::Root;
        } else if self.user.is_some() || self.uid.is_some() {
            let name = self
                .user
                .clone()
                .or_else(|| self.uid.map(|u| u.to_string()))
                .unwrap_or_default();
            let known = f.users.iter().find(|u| u.name == name);
            let u = ImageUser {
                uid: self.uid.or(known.and_then(|k| k.uid)),
                gid: self.gid.or(known.and_then(|k| k.gid)),
                home: self.home.clone().or(known.and_then(|k| k.home.clone())),
                name,
            };
            f.users.retain(|k| k.name != u.name);
            f.users.push(u.clone());
            f.user = BaseUser::User(u);
        } else if let Some(h) = &self.home {
            // a home for the image's user, whoever it is
            match &mut f.user {
                BaseUser::User(u) => u.home = Some(h.clone()),
                BaseUser::Root | BaseUser::Unknown => {
                    f.env.retain(|(name, _)| name != "HOME");
                    f.env.push(("HOME".into(), h.clone()));
                }
            }
        }
        f
    }
}

/// The facts of `image`: the most specific declaration that matches, over the built-in table.
/// `None` when the image is neither declared nor in the table.
pub fn facts(image: &ImageRef, declared: &[Declared]) -> Option<ImageFacts> {
    let best = declared
        .iter()
        .enumerate()
        .filter(|(_, d)| d.matches(image))
        .max_by_key(|(i, d)| (d.specificity(), *i))
        .map(|(_, d)| d);
    let base = builtin(image);
    match best {
        Some(d) => Some(d.apply(base)),
        None => base,
    }
}

/// The environment an image's Dockerfile sets, where the rules read it.
pub fn documented_env(image: &ImageRef) -> Vec<(String, String)> {
    builtin(image).map(|f| f.env).unwrap_or_default()
}

/// The users an image creates besides root.
pub fn documented_users(image: &ImageRef) -> Vec<ImageUser> {
    builtin(image).map(|f| f.users).unwrap_or_default()
}

/// The image is Debian or Ubuntu with `/etc/apt/apt.conf.d/docker-clean`: an image of the table
/// (or declared) says so; for any other image a name or tag that names a Debian or Ubuntu
/// release (`corp/app:bookworm`, `nvidia/cuda:12.4.1-runtime-ubuntu22.04`) is taken as built on
/// it, unless the tag names another distribution.
pub fn debian_based(image: &ImageRef) -> bool {
    debian_based_with(image, &[])
}

/// [`debian_based`] with the configuration's declarations.
pub fn debian_based_with(image: &ImageRef, declared: &[Declared]) -> bool {
    if let Some(f) = facts(image, declared) {
        return f.docker_clean == Some(true) && matches!(f.distro, Distro::Debian | Distro::Ubuntu);
    }
    // not an image dfix knows: the name is all there is
    let (name, tag) = (image.name(), image.tag.as_str());
    const OTHERS: &[&str] = &[
        "alpine",
        "windows",
        "nanoserver",
        "servercore",
        "ubi",
        "oraclelinux",
        "amazonlinux",
    ];
    const DEBIAN: &[&str] = &[
        "debian", "ubuntu", "bookworm", "bullseye", "buster", "stretch", "trixie", "jammy", "focal", "noble", "bionic",
        "xenial",
    ];
    !OTHERS.iter().any(|o| tag.contains(o)) && DEBIAN.iter().any(|d| name.contains(d) || tag.contains(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> ImageRef {
        ImageRef::parse(s)
    }

    #[test]
    fn debian_images() {
        let deb = |s: &str| debian_based(&parse(s));
        assert!(deb("python:3.12-slim"));
        assert!(deb("docker.io/library/node:20"));
        assert!(deb("ubuntu:24.04"));
        assert!(deb("corp/app:bookworm"));
        assert!(deb("arm64v8/buildpack-deps:bookworm"));
        assert!(deb("mcr.microsoft.com/mirror/docker/library/python:3.11"));
        assert!(!deb("python:3.12-alpine"));
        assert!(!deb("python:3.12-windowsservercore-ltsc2022"));
        assert!(!deb("corp/python:3.12"));
        assert!(!deb("fedora:41"));
        assert!(!deb("openjdk:17"));
        assert!(deb("openjdk:11-jre"));
        assert!(deb("openjdk:17-slim"));
        assert!(!deb("maven:3-amazoncorretto-21"));
        assert!(deb("maven:3.9-eclipse-temurin-21"));
    }

    #[test]
    fn table() {
        let f = builtin(&parse("docker.io/library/golang:1.23-alpine")).unwrap();
        assert_eq!((f.distro, f.user.clone()), (Distro::Alpine, BaseUser::Root));
        assert_eq!(f.env, [("GOPATH".to_string(), "/go".to_string())]);
        let f = builtin(&parse("golang:1.23-windowsservercore-ltsc2022")).unwrap();
        assert!(f.windows && f.env.is_empty());
        let f = builtin(&parse("lukemathwalker/cargo-chef:latest-rust-1-slim-bookworm")).unwrap();
        assert_eq!(f.distro, Distro::Debian);
        assert!(f.env.contains(&("CARGO_HOME".into(), "/usr/local/cargo".into())));
        let f = builtin(&parse("mambaorg/micromamba:1.5-bookworm-slim")).unwrap();
        assert!(matches!(f.user, BaseUser::User(ImageUser { uid: Some(57439), .. })));
        assert!(
            builtin(&parse("mcr.microsoft.com/windows/servercore:ltsc2022"))
                .unwrap()
                .windows
        );
        assert_eq!(
            builtin(&parse("registry.access.redhat.com/ubi9/ubi-minimal"))
                .unwrap()
                .distro,
            Distro::Rhel
        );
        assert_eq!(
            builtin(&parse("registry.access.redhat.com/ubi8")).unwrap().distro,
            Distro::Rhel
        );
        // the language images beside the base ones run as a user of their own
        assert_eq!(builtin(&parse("registry.access.redhat.com/ubi9/go-toolset:1.21")), None);
        assert_eq!(builtin(&parse("corp/python")), None);
        assert_eq!(
            builtin(&parse("index.docker.io/library/node@sha256:abc"))
                .unwrap()
                .users
                .len(),
            1
        );
    }

    #[test]
    fn declarations() {
        let d = |pattern: &str| Declared {
            pattern: pattern.into(),
            ..Declared::default()
        };
        assert!(d("corp/python-base*").matches(&parse("corp/python-base:3.12")));
        assert!(d("corp/python-base*").matches(&parse("docker.io/corp/python-base-gpu@sha256:abc")));
        assert!(!d("corp/python-base*").matches(&parse("other/corp/python-base")));
        assert!(d("*/python-base").matches(&parse("registry.corp:5000/team/python-base:1")));
        assert!(d("corp/base:3.12-*").matches(&parse("corp/base:3.12-slim")));
        assert!(!d("corp/base:3.12-*").matches(&parse("corp/base:3.11-slim")));
        assert!(d("corp/base:latest").matches(&parse("corp/base")));
        assert!(d("docker.io/library/python").matches(&parse("python:3")));
        // the most specific wins; declared facts override the table field by field
        let decls = [
            Declared {
                distro: Some(Distro::Alpine),
                ..d("corp/*")
            },
            Declared {
                user: Some("app".into()),
                uid: Some(1000),
                home: Some("/srv".into()),
                env: vec![("PIP_NO_CACHE_DIR".into(), "1".into())],
                ..d("corp/python*")
            },
            Declared {
                env: vec![("GOPATH".into(), "/gopath".into())],
                ..d("golang")
            },
        ];
        let f = facts(&parse("corp/python:3"), &decls).unwrap();
        assert_eq!(f.distro, Distro::Unknown);
        assert_eq!(
            f.user,
            BaseUser::User(ImageUser {
                name: "app".into(),
                uid: Some(1000),
                gid: None,
                home: Some("/srv".into())
            })
        );
        assert_eq!(facts(&parse("corp/x"), &decls).unwrap().distro, Distro::Alpine);
        let g = facts(&parse("golang:1.23"), &decls).unwrap();
        assert_eq!(
            (g.distro, g.env),
            (Distro::Debian, vec![("GOPATH".into(), "/gopath".into())])
        );
        assert_eq!(facts(&parse("other/x"), &decls), None);
    }
}

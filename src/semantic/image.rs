//! What dfix knows of well-known base images: the environment their Dockerfiles set, the users
//! they create, whether apt runs on them. An image that is not here is unknown: nothing is
//! assumed of it.

use crate::syntax::image::ImageRef;

/// The environment an official image's Dockerfile sets, where the rules read it.
pub fn documented_env(image: &ImageRef) -> &'static [(&'static str, &'static str)] {
    match image.repo() {
        // docker-library/golang `*/Dockerfile`: `ENV GOPATH /go`, no GOCACHE/GOMODCACHE
        "golang" => &[("GOPATH", "/go")],
        // rust-lang/docker-rust `*/Dockerfile`: `ENV RUSTUP_HOME=/usr/local/rustup CARGO_HOME=/usr/local/cargo`
        "rust" => &[("CARGO_HOME", "/usr/local/cargo"), ("RUSTUP_HOME", "/usr/local/rustup")],
        // composer/docker `latest/Dockerfile`: `ENV COMPOSER_HOME /tmp` (no COMPOSER_CACHE_DIR)
        "composer" => &[("COMPOSER_HOME", "/tmp")],
        _ => &[],
    }
}

/// A user an image's Dockerfile creates.
pub struct ImageUser {
    pub name: &'static str,
    pub uid: u32,
    pub gid: Option<u32>,
    pub home: &'static str,
}

/// The users an official image creates besides root.
pub fn documented_users(image: &ImageRef) -> &'static [ImageUser] {
    match image.repo() {
        // nodejs/docker-node `*/Dockerfile`: `groupadd --gid 1000 node && useradd --uid 1000
        // --gid node … --create-home node` (alpine: `addgroup -g 1000 node && adduser -u 1000
        // -G node … node`)
        "node" => &[ImageUser {
            name: "node",
            uid: 1000,
            gid: Some(1000),
            home: "/home/node",
        }],
        _ => &[],
    }
}

/// The image is Debian or Ubuntu (or an official image built on them), whose apt configuration
/// includes `/etc/apt/apt.conf.d/docker-clean`.
pub fn debian_based(image: &ImageRef) -> bool {
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
    if OTHERS.iter().any(|o| tag.contains(o)) {
        return false;
    }
    const DEBIAN: &[&str] = &[
        "debian", "ubuntu", "bookworm", "bullseye", "buster", "stretch", "trixie", "jammy", "focal", "noble", "bionic",
        "xenial",
    ];
    if DEBIAN.iter().any(|d| name.contains(d) || tag.contains(d)) {
        return true;
    }
    // official images whose default variant is Debian
    image.is_official()
        && matches!(
            name,
            "python"
                | "node"
                | "golang"
                | "rust"
                | "ruby"
                | "php"
                | "perl"
                | "gcc"
                | "buildpack-deps"
                | "r-base"
                | "haskell"
                | "julia"
                | "openjdk"
                | "eclipse-temurin"
                | "maven"
                | "gradle"
                | "elixir"
                | "erlang"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debian_images() {
        let deb = |s: &str| debian_based(&ImageRef::parse(s));
        assert!(deb("python:3.12-slim"));
        assert!(deb("docker.io/library/node:20"));
        assert!(deb("ubuntu:24.04"));
        assert!(deb("corp/app:bookworm"));
        assert!(!deb("python:3.12-alpine"));
        assert!(!deb("corp/python:3.12"));
        assert!(!deb("fedora:41"));
    }
}

//! An image reference (`FROM` and `--from`) split into its parts, once, for everything that asks
//! what an image is: `[registry/]path[:tag][@digest]`, lowercased.

/// The parts of an image reference, lowercased.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// Everything before the tag and digest (`registry/ubi8/ubi`, `python`).
    pub path: String,
    /// The tag, or empty (`3.12-slim`).
    pub tag: String,
}

impl ImageRef {
    pub fn parse(reference: &str) -> ImageRef {
        let reference = reference.split('@').next().unwrap_or(reference).to_ascii_lowercase();
        match reference.rsplit_once(':') {
            // a `:` before the last `/` is a registry's port
            Some((path, tag)) if !tag.contains('/') => ImageRef {
                path: path.to_string(),
                tag: tag.to_string(),
            },
            _ => ImageRef {
                path: reference,
                tag: String::new(),
            },
        }
    }

    /// The last path component (`registry/ubi8/ubi` → `ubi`).
    pub fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }

    /// The repository on Docker Hub's terms: the path without `docker.io/` and `library/`
    /// (`docker.io/library/golang` → `golang`).
    pub fn repo(&self) -> &str {
        let p = self.path.strip_prefix("docker.io/").unwrap_or(&self.path);
        p.strip_prefix("library/").unwrap_or(p)
    }

    /// A Windows image by its name or tag: a name that contains `windows`, `nanoserver` or
    /// `servercore` (`mcr.microsoft.com/windows/servercore`, `microsoft/nanoserver`), or a tag
    /// that names a Windows variant ([`ImageRef::windows_tag`]).
    pub fn is_windows(&self) -> bool {
        ["windows", "nanoserver", "servercore"]
            .iter()
            .any(|w| self.path.contains(w))
            || Self::windows_tag(&self.tag)
    }

    /// A tag that names a Windows variant: `windowsservercore-ltsc2022`, `nanoserver-1809`,
    /// `ltsc2025`, `8.0-windowsserver-ltsc2022`.
    pub fn windows_tag(tag: &str) -> bool {
        ["windows", "nanoserver", "servercore", "ltsc"]
            .iter()
            .any(|w| tag.contains(w))
    }

    /// An official image of Docker Hub (`python`, `library/python`, `docker.io/library/python`).
    pub fn is_official(&self) -> bool {
        !self.repo().contains('/')
    }
}

/// The reference is one BuildKit can pull: Docker's reference grammar as
/// `reference.ParseNormalizedNamed` reads it (`[domain[:port]/]path[:tag][@algo:hex]`, the path
/// lowercase, not a bare 64-digit image id).
pub fn is_valid_reference(s: &str) -> bool {
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (s, None),
    };
    if digest.is_some_and(|d| !valid_digest(d)) {
        return false;
    }
    let (name, tag) = match rest.rsplit_once(':') {
        Some((n, t)) if !t.contains('/') => (n, Some(t)),
        _ => (rest, None),
    };
    if tag.is_some_and(|t| !valid_tag(t)) || name.is_empty() || name.len() > 255 {
        return false;
    }
    if name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
        return false;
    }
    let (domain, path) = match name.split_once('/') {
        Some((d, p)) if d.contains(['.', ':']) || d == "localhost" || d.to_ascii_lowercase() != d => (Some(d), p),
        _ => (None, name),
    };
    domain.is_none_or(valid_domain) && !path.is_empty() && path.split('/').all(valid_path_component)
}

fn valid_digest(d: &str) -> bool {
    let Some((algo, hex)) = d.split_once(':') else {
        return false;
    };
    let algo_ok = algo.split(['-', '_', '+', '.']).all(|c| {
        c.bytes().next().is_some_and(|b| b.is_ascii_alphabetic()) && c.bytes().all(|b| b.is_ascii_alphanumeric())
    });
    algo_ok && hex.len() >= 32 && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

fn valid_tag(t: &str) -> bool {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    t.len() <= 128 && t.bytes().next().is_some_and(word) && t.bytes().all(|b| word(b) || b == b'.' || b == b'-')
}

fn valid_domain(d: &str) -> bool {
    let (host, port) = match d.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(':') && !p.contains(']') => (h, Some(p)),
        _ => (d, None),
    };
    if port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    if let Some(v6) = host.strip_prefix('[') {
        return v6
            .strip_suffix(']')
            .is_some_and(|a| !a.is_empty() && a.bytes().all(|b| b.is_ascii_hexdigit() || b == b':'));
    }
    !host.is_empty()
        && host.split('.').all(|c| {
            let b = c.as_bytes();
            !b.is_empty()
                && b.iter().all(|&x| x.is_ascii_alphanumeric() || x == b'-')
                && b[0] != b'-'
                && b[b.len() - 1] != b'-'
        })
}

/// `[a-z0-9]+` words joined by `.`, `_`, `__` or a run of `-`.
fn valid_path_component(c: &str) -> bool {
    let b = c.as_bytes();
    let alnum = |x: u8| x.is_ascii_lowercase() || x.is_ascii_digit();
    if b.is_empty() || !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep = &c[start..i];
        if !(sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|x| x == b'-')) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts() {
        let i = ImageRef::parse("Registry:5000/UBI8/ubi:8.9@sha256:abc");
        assert_eq!(
            (i.path.as_str(), i.tag.as_str(), i.name()),
            ("registry:5000/ubi8/ubi", "8.9", "ubi")
        );
        assert!(!i.is_official());
        let i = ImageRef::parse("registry:5000/python");
        assert_eq!((i.path.as_str(), i.tag.as_str()), ("registry:5000/python", ""));
        let i = ImageRef::parse("docker.io/library/golang:1.23");
        assert_eq!((i.repo(), i.name(), i.tag.as_str()), ("golang", "golang", "1.23"));
        assert!(i.is_official());
        assert!(ImageRef::parse("library/node").is_official());
        for w in [
            "mcr.microsoft.com/windows/servercore:ltsc2022",
            "mcr.microsoft.com/windows/nanoserver",
            "python:3.12-windowsservercore-ltsc2022",
            "mcr.microsoft.com/dotnet/sdk:8.0-nanoserver-1809",
            "mcr.microsoft.com/powershell:lts-windowsserver-ltsc2022",
            "corp/build:ltsc2025",
        ] {
            assert!(ImageRef::parse(w).is_windows(), "{w}");
        }
        assert!(!ImageRef::parse("python:3.12-slim").is_windows());
    }

    #[test]
    fn valid_references() {
        for ok in [
            "busybox",
            "busybox:stable",
            "alpine:3.14",
            "localhost:5000/a/b_c__d-e--f.g:v1",
            "Registry.Example.com/ns/img@sha256:0123456789abcdef0123456789abcdef",
            "[::1]:5000/x",
            "build",
        ] {
            assert!(is_valid_reference(ok), "{ok}");
        }
        for bad in [
            "",
            "busybox:",
            "Busybox",
            ":tag",
            "a//b",
            "img:-x",
            "a-:1",
            "img@sha256:12",
            "a/b:c/d",
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert!(!is_valid_reference(bad), "{bad}");
        }
    }
}

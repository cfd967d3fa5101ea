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
}

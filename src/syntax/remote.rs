//! What an `ADD` source is: a Git repository, an HTTP(S) URL, or a path of the build context,
//! decided as BuildKit's Dockerfile frontend decides it (`dockerfile2llb/convert_copy.go`:
//! `dfgitutil.ParseGitRef` first, then `isHTTPSource`).
//!
//! Git (`frontend/dockerfile/dfgitutil/git_ref.go`, `util/gitutil/git_url.go`,
//! `util/sshutil/scpurl.go`):
//! - a source starting with `./` or `../` is a path; one starting with `github.com/` is too
//!   (the deprecated form `ADD` does not take as Git);
//! - `<scheme>://…` with the scheme (any case) `ssh` or `git` is Git; `http`/`https` only when
//!   the URL's path ends with `.git`; any other scheme is not Git;
//! - otherwise the SCP-like `user@host:path` (`[A-Za-z0-9_-]+@[A-Za-z0-9.-]+:…`) is Git;
//! - the fragment is `ref[:subdir]`; the query (syntax 1.18) may set `ref`, `tag`
//!   (`refs/tags/…`), `branch` (`refs/heads/…`), `subdir`, `checksum`/`commit` (the expected
//!   commit) and a few switches; an unknown key or a conflict fails the build.
//!
//! HTTP: what is not Git and starts with `http://` or `https://` (lowercase).
//!
//! What this reading cannot decide without Go's URL parser (percent-escapes, `+` in a query) is
//! [`Source::Unknown`]: a rule stays silent about it.

use super::lexer::word_value;
use super::model::{Instruction, Kind, Word};
use super::words::arg_words;
use std::ops::Range;

/// An `ADD` source word's value, classified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Git(GitSource),
    Http,
    /// A path of the build context (or something BuildKit takes as one).
    Local,
    /// Not decided here (see the module's notes), or a Git address BuildKit refuses.
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GitSource {
    /// The ref BuildKit checks out: the fragment's (before `:`), or the query's `ref`, `tag`
    /// or `branch` (with its `refs/tags/`/`refs/heads/` prefix). Empty: the default branch.
    pub reference: String,
    /// Where the ref is written in the value, when the fragment or one query value gives it.
    pub reference_at: Option<Range<usize>>,
    /// The query's `checksum` or `commit`: the commit the checkout must be.
    pub checksum: Option<String>,
    /// The repository without fragment and query (for messages).
    pub remote: String,
}

impl GitSource {
    /// The ref is a full commit hash (`gitutil.IsCommitSHA`: 40 or 64 lowercase hex digits):
    /// BuildKit then asks the remote nothing to know what to check out.
    pub fn is_commit(&self) -> bool {
        is_commit_sha(&self.reference)
    }
}

/// `gitutil.IsCommitSHA`: 40 (SHA-1) or 64 (SHA-256) characters, `0-9a-f` only.
pub fn is_commit_sha(s: &str) -> bool {
    matches!(s.len(), 40 | 64) && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// One source of an `ADD`: the word as written, and its value once BuildKit expands it.
#[derive(Clone, Debug)]
pub struct AddSource {
    pub word: Word,
    /// `None` when a variable in it has no value the file gives (or the word is not read here).
    pub value: Option<String>,
    /// The value came through a variable.
    pub expanded: bool,
}

/// The sources of `ins` when it is a valid `ADD` without heredocs (its last word, the
/// destination, left out). `lookup` gives a variable's value (`Some(Some(v))`), says it is
/// unset (`Some(None)`), or does not know it (`None`).
pub fn add_sources(
    src: &str,
    ins: &Instruction,
    escape: char,
    lookup: &dyn Fn(&str) -> Option<Option<String>>,
) -> Vec<AddSource> {
    if ins.kind != Kind::Add || ins.invalid || !ins.heredocs.is_empty() {
        return Vec::new();
    }
    let mut words = arg_words(src, ins, escape);
    words.pop();
    words
        .into_iter()
        .map(|word| {
            let (value, expanded) = if ins.json.is_some() {
                // the array's strings, already unquoted; a variable in them is not read here
                ((!word.value.contains('$')).then(|| word.value.clone()), false)
            } else {
                let v = word_value(&word.value, word.range, escape);
                (v.resolve(lookup), v.as_literal().is_none())
            };
            AddSource { word, value, expanded }
        })
        .collect()
}

/// Classifies a source's value.
pub fn classify(src: &str) -> Source {
    if src.starts_with("./") || src.starts_with("../") || src.starts_with("github.com/") {
        return Source::Local;
    }
    if let Some(scheme_len) = scheme(src) {
        let scheme = src[..scheme_len].to_ascii_lowercase();
        if !matches!(scheme.as_str(), "http" | "https" | "ssh" | "git") {
            return Source::Local;
        }
        let rest_at = scheme_len + 3;
        let (before_fragment, fragment) = split_at_char(src, '#', 0);
        let (before_query, query) = split_at_char(src, '?', 0);
        let before_query_end = before_query.min(before_fragment);
        let query = query.filter(|q| q.start < before_fragment);
        let query = query.map(|q| q.start..before_fragment);
        // the path is after the authority; Go unescapes it (not done here)
        let hier = &src[rest_at.min(before_query_end)..before_query_end];
        if hier.contains('%') {
            return Source::Unknown;
        }
        let path = hier.find('/').map_or("", |i| &hier[i..]);
        if matches!(scheme.as_str(), "http" | "https") && !path.ends_with(".git") {
            return if src.starts_with("http://") || src.starts_with("https://") {
                Source::Http
            } else {
                Source::Local
            };
        }
        return git(src, &src[..before_query_end], query, fragment);
    }
    if let Some((remote_end, query, fragment)) = scp_like(src) {
        return git(src, &src[..remote_end], query, fragment);
    }
    Source::Local
}

/// The length of `^[a-zA-Z0-9]+` when `://` follows it.
fn scheme(src: &str) -> Option<usize> {
    let n = src.bytes().take_while(u8::is_ascii_alphanumeric).count();
    (n > 0 && src[n..].starts_with("://")).then_some(n)
}

/// Where `c` first occurs at or after `from` (the end when it does not), and the range after it.
fn split_at_char(src: &str, c: char, from: usize) -> (usize, Option<Range<usize>>) {
    match src[from..].find(c) {
        Some(i) => (from + i, Some(from + i + 1..src.len())),
        None => (src.len(), None),
    }
}

/// The SCP-like form `user@host:path[?query][#fragment]`: where the remote ends, and the
/// query's and fragment's ranges.
#[allow(clippy::type_complexity)]
fn scp_like(src: &str) -> Option<(usize, Option<Range<usize>>, Option<Range<usize>>)> {
    let at = src.find('@')?;
    let user = &src[..at];
    if user.is_empty()
        || !user
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return None;
    }
    let colon = at + 1 + src[at + 1..].find(':')?;
    let host = &src[at + 1..colon];
    if host.is_empty()
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    {
        return None;
    }
    let path_end = src[colon + 1..].find(['?', '#']).map_or(src.len(), |i| colon + 1 + i);
    let (query, fragment) = if src[path_end..].starts_with('?') {
        let (hash, fragment) = split_at_char(src, '#', path_end);
        (Some(path_end + 1..hash), fragment)
    } else if src[path_end..].starts_with('#') {
        (None, Some(path_end + 1..src.len()))
    } else {
        (None, None)
    };
    Some((path_end, query, fragment))
}

fn git(src: &str, remote: &str, query: Option<Range<usize>>, fragment: Option<Range<usize>>) -> Source {
    let mut g = GitSource {
        reference: String::new(),
        reference_at: None,
        checksum: None,
        remote: remote.to_string(),
    };
    if let Some(f) = fragment.filter(|f| !f.is_empty()) {
        let text = &src[f.clone()];
        let end = text.find(':').unwrap_or(text.len());
        g.reference = text[..end].to_string();
        g.reference_at = (end > 0).then_some(f.start..f.start + end);
    }
    let Some(q) = query.filter(|q| !q.is_empty()) else {
        return Source::Git(g);
    };
    let text = &src[q.clone()];
    if text.contains(['%', '+', ';']) {
        return Source::Unknown;
    }
    let (mut tag, mut branch) = (None, None);
    let mut seen: Vec<&str> = Vec::new();
    let mut offset = q.start;
    for pair in text.split('&') {
        let start = offset;
        offset += pair.len() + 1;
        if pair.is_empty() {
            continue;
        }
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if seen.contains(&key) {
            // "query … has multiple values": the build fails
            return Source::Unknown;
        }
        seen.push(key);
        let value_at = start + key.len() + 1..start + pair.len();
        if value.is_empty() && !matches!(key, "submodules" | "keep-git-dir" | "fetch-by-commit") {
            // "query … has no value"
            return Source::Unknown;
        }
        match key {
            "submodules" | "keep-git-dir" | "fetch-by-commit" | "mtime" | "subdir" => {}
            "ref" => {
                if !g.reference.is_empty() && g.reference != value {
                    return Source::Unknown;
                }
                g.reference = value.to_string();
                g.reference_at = Some(value_at);
            }
            "tag" => tag = Some((value, value_at)),
            "branch" => branch = Some((value, value_at)),
            "checksum" | "commit" => g.checksum = Some(value.to_string()),
            _ => return Source::Unknown,
        }
    }
    if tag.is_some() && branch.is_some() {
        // "branch conflicts with tag"
        return Source::Unknown;
    }
    for (name, prefix) in [(tag, "refs/tags/"), (branch, "refs/heads/")] {
        let Some((value, at)) = name else { continue };
        let full = if value.starts_with(prefix) {
            value.to_string()
        } else {
            format!("{prefix}{value}")
        };
        if !g.reference.is_empty() && g.reference != full {
            return Source::Unknown;
        }
        g.reference = full;
        g.reference_at = Some(at);
    }
    Source::Git(g)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git_ref(src: &str) -> (String, Option<String>) {
        match classify(src) {
            Source::Git(g) => (g.reference.clone(), g.reference_at.map(|r| src[r].to_string())),
            other => panic!("{src}: {other:?}"),
        }
    }

    #[test]
    fn http_urls_and_local_paths() {
        for s in [
            "https://example.com/a.tgz",
            "http://example.com/",
            "https://example.com/a.git/",
            "https://x.org/a.gz#frag",
        ] {
            assert_eq!(classify(s), Source::Http, "{s}");
        }
        for s in [
            "app.tgz",
            "./a@b:c",
            "github.com/moby/buildkit.git",
            "ftp://example.com/a",
            "HTTPS://example.com/a.tgz",
            "/abs/path",
        ] {
            assert_eq!(classify(s), Source::Local, "{s}");
        }
        assert_eq!(classify("https://example.com/%61.git"), Source::Unknown);
    }

    #[test]
    fn git_addresses_as_buildkit_reads_them() {
        assert_eq!(git_ref("https://github.com/moby/buildkit.git"), (String::new(), None));
        assert_eq!(
            git_ref("https://github.com/moby/buildkit.git#v0.14.1:docs"),
            ("v0.14.1".into(), Some("v0.14.1".into()))
        );
        assert_eq!(
            git_ref("HTTPS://github.com/a/b.git#main"),
            ("main".into(), Some("main".into()))
        );
        assert_eq!(
            git_ref("git@github.com:moby/buildkit.git#main"),
            ("main".into(), Some("main".into()))
        );
        assert_eq!(git_ref("git@github.com:moby/buildkit"), (String::new(), None));
        assert_eq!(
            git_ref("ssh://git@github.com/moby/buildkit#:sub"),
            (String::new(), None)
        );
        assert_eq!(git_ref("git://example.com/r#x"), ("x".into(), Some("x".into())));
        assert_eq!(
            git_ref("https://github.com/a/b.git?tag=v1"),
            ("refs/tags/v1".into(), Some("v1".into()))
        );
        assert_eq!(
            git_ref("https://github.com/a/b.git?branch=main&subdir=x"),
            ("refs/heads/main".into(), Some("main".into()))
        );
        assert_eq!(
            git_ref("git@github.com:a/b.git?ref=dev#dev"),
            ("dev".into(), Some("dev".into()))
        );
        let Source::Git(g) = classify("https://github.com/a/b.git?tag=v1&checksum=abc") else {
            panic!()
        };
        assert_eq!(g.checksum.as_deref(), Some("abc"));
        assert_eq!(g.remote, "https://github.com/a/b.git");
        for bad in [
            "https://github.com/a/b.git?nope=1",
            "https://github.com/a/b.git?tag=a&branch=b",
            "git@h:r?ref=a#b",
        ] {
            assert_eq!(classify(bad), Source::Unknown, "{bad}");
        }
    }

    #[test]
    fn add_sources_with_their_values() {
        let src = "FROM a\nADD \"$U/x.tgz\" ${V:-d} b /dest/\nADD [\"$U\", \"c\", \"/d/\"]\nCOPY a /b/\n";
        let model = crate::syntax::parse(src);
        let lookup = |n: &str| (n == "U").then(|| Some("https://e.org".to_string()));
        let read = |i: usize| -> Vec<(String, Option<String>, bool)> {
            add_sources(src, &model.instructions[i], '\\', &lookup)
                .into_iter()
                .map(|s| (s.word.value, s.value, s.expanded))
                .collect()
        };
        assert_eq!(
            read(1),
            [
                ("\"$U/x.tgz\"".into(), Some("https://e.org/x.tgz".into()), true),
                ("${V:-d}".into(), None, true),
                ("b".into(), Some("b".into()), false),
            ]
        );
        // the array's strings are not expanded here
        assert_eq!(
            read(2),
            [("$U".into(), None, false), ("c".into(), Some("c".into()), false)]
        );
        assert!(read(3).is_empty());
    }

    #[test]
    fn commit_hashes() {
        assert!(is_commit_sha(&"a".repeat(40)));
        assert!(is_commit_sha(&"0".repeat(64)));
        assert!(!is_commit_sha(&"A".repeat(40)));
        assert!(!is_commit_sha(&"a".repeat(39)));
        assert!(!is_commit_sha("v1.0"));
    }
}

//! `.dockerignore` files, read and matched as BuildKit does (moby/patternmatcher and its
//! `ignorefile` reader), and the build context they belong to.
//!
//! Reading: a UTF-8 byte order mark is dropped from the first line; a line whose first
//! character is `#` is a comment; the rest is trimmed, blank lines are skipped, a leading `!`
//! makes an exception ("re-include"), and the path is cleaned as Go's `path.Clean` does
//! (`a//b/./c/..` is `a/b`) with one leading `/` dropped (`/tmp` is `tmp`).
//!
//! Matching a cleaned, slash-separated path relative to the context root:
//! - `*` is any run of characters other than `/`, `?` one character other than `/`, `[…]` a
//!   character class (`[^…]` negated; a class may match `/`), `\c` the character `c`;
//! - `**` followed by `/` (or not at the end) is any number of leading folders, none included;
//!   at the end, anything at all; a pattern starting with `**` (and otherwise literal) matches
//!   every path that ends with the rest (`**/foo` matches `foo` and `a/b/foo`);
//! - a pattern ending in `**` with only literal text before it matches every path starting with
//!   that text (`foo/**` matches `foo/a`, not `foo`);
//! - a path is excluded when a pattern matches it or one of its parent folders
//!   (`MatchesOrParentMatches`), the patterns read in order, an exception after an exclusion
//!   taking it back.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// One pattern of an ignore file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    /// The cleaned pattern, without its `!`.
    pub text: String,
    /// A `!` pattern: it re-includes what earlier patterns excluded.
    pub exception: bool,
    /// The 1-based line of the ignore file it was read from.
    pub line: usize,
    /// The line as written, blanks around it trimmed (`/docs/`), for messages.
    pub written: String,
    kind: Kind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    /// The path is the pattern.
    Exact,
    /// The path starts with this (`foo/**`).
    Prefix(String),
    /// The path ends with this, or is it without its leading `/` (`**/foo`).
    Suffix(String),
    Glob(Vec<Token>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Char(char),
    /// `*`: any characters but `/`.
    Star,
    /// `?`: one character but `/`.
    Any,
    /// `[…]`: one character in (or, negated, not in) the ranges.
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
    /// `**/` or an inner `**`: nothing, or anything ending with `/`.
    Folders,
    /// A final `**` after other wildcards: anything.
    Rest,
}

/// A pattern BuildKit rejects (the build fails reading the ignore file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError {
    pub line: usize,
    pub message: String,
}

/// A parsed ignore file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ignore {
    pub patterns: Vec<Pattern>,
}

/// Go's `path.Clean` for slash-separated paths: repeated `/` joined, `.` elements dropped, `..`
/// taking back the element before it, no trailing `/`; `.` for nothing.
pub fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// Go's `path.Dir` of a cleaned path.
fn dir(path: &str) -> String {
    match path.rfind('/') {
        Some(i) => clean(&path[..=i]),
        None => ".".to_string(),
    }
}

impl Ignore {
    /// Reads an ignore file's text. A pattern BuildKit would reject is an error: the build
    /// fails, and nothing is known to be excluded.
    pub fn parse(text: &str) -> Result<Ignore, PatternError> {
        let mut patterns = Vec::new();
        for (n, line) in text.split('\n').enumerate() {
            let mut line = line.strip_suffix('\r').unwrap_or(line);
            if n == 0 {
                line = line.strip_prefix('\u{feff}').unwrap_or(line);
            }
            if line.starts_with('#') {
                continue;
            }
            let mut p = line.trim();
            if p.is_empty() {
                continue;
            }
            let written = p.to_string();
            let exception = p.starts_with('!');
            if exception {
                p = p[1..].trim();
            }
            let mut cleaned = String::new();
            if !p.is_empty() {
                cleaned = clean(p);
                if cleaned.len() > 1
                    && let Some(rest) = cleaned.strip_prefix('/')
                {
                    cleaned = rest.to_string();
                }
            }
            let error = |message: String| PatternError { line: n + 1, message };
            if exception && cleaned.is_empty() {
                return Err(error("`!` alone excludes nothing: an exception needs a pattern".into()));
            }
            let kind = compile(&cleaned).map_err(error)?;
            patterns.push(Pattern {
                text: cleaned,
                exception,
                line: n + 1,
                written,
                kind,
            });
        }
        Ok(Ignore { patterns })
    }

    /// Some pattern is an exception (`!…`).
    pub fn has_exceptions(&self) -> bool {
        self.patterns.iter().any(|p| p.exception)
    }

    /// The pattern that excludes `path` (cleaned, relative to the context root), matching the
    /// path or any of its parent folders: the last exclusion that decided it, or `None` when
    /// the path is sent with the context.
    pub fn excluded_by(&self, path: &str) -> Option<&Pattern> {
        let parent = dir(path);
        let parents: Vec<&str> = parent.split('/').collect();
        let mut decided: Option<&Pattern> = None;
        for p in &self.patterns {
            // an exclusion matters while the path is still sent, an exception once it is not
            if p.exception != decided.is_some() {
                continue;
            }
            let mut hit = p.matches(path);
            if !hit && parent != "." {
                hit = (1..=parents.len()).any(|i| p.matches(&parents[..i].join("/")));
            }
            if hit {
                decided = if p.exception { None } else { Some(p) };
            }
        }
        decided
    }
}

impl Pattern {
    /// The pattern matches this path itself (not its parents).
    pub fn matches(&self, path: &str) -> bool {
        match &self.kind {
            Kind::Exact => path == self.text,
            Kind::Prefix(prefix) => path.starts_with(prefix.as_str()),
            Kind::Suffix(suffix) => {
                path.ends_with(suffix.as_str()) || suffix.strip_prefix('/').is_some_and(|s| s == path)
            }
            Kind::Glob(tokens) => glob_match(tokens, &path.chars().collect::<Vec<_>>()),
        }
    }
}

/// How a cleaned pattern matches: BuildKit picks an exact, prefix or suffix comparison when the
/// wildcards allow it, else a full match.
fn compile(pattern: &str) -> Result<Kind, String> {
    #[derive(PartialEq)]
    enum Detected {
        Exact,
        Prefix,
        Suffix,
        Glob,
    }
    let mut detected = Detected::Exact;
    let mut tokens = Vec::new();
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let first = i == 0;
        let c = chars[i];
        i += 1;
        match c {
            '*' if chars.get(i) == Some(&'*') => {
                i += 1;
                if chars.get(i) == Some(&'/') {
                    i += 1;
                }
                if i == chars.len() {
                    if detected == Detected::Exact {
                        detected = Detected::Prefix;
                    } else {
                        tokens.push(Token::Rest);
                        detected = Detected::Glob;
                    }
                } else {
                    tokens.push(Token::Folders);
                    detected = Detected::Glob;
                }
                if first {
                    detected = Detected::Suffix;
                }
            }
            '*' => {
                tokens.push(Token::Star);
                detected = Detected::Glob;
            }
            '?' => {
                tokens.push(Token::Any);
                detected = Detected::Glob;
            }
            '\\' => match chars.get(i) {
                Some(&next) => {
                    tokens.push(Token::Char(next));
                    i += 1;
                    detected = Detected::Glob;
                }
                None => return Err(format!("`{pattern}` ends with an escape character `\\`")),
            },
            '[' => {
                let (class, next) =
                    class(&chars, i).ok_or_else(|| format!("`{pattern}` has a malformed `[…]` class"))?;
                tokens.push(class);
                i = next;
                detected = Detected::Glob;
            }
            ']' => {
                tokens.push(Token::Char(']'));
                detected = Detected::Glob;
            }
            c => tokens.push(Token::Char(c)),
        }
    }
    Ok(match detected {
        Detected::Exact => Kind::Exact,
        Detected::Prefix => Kind::Prefix(pattern[..pattern.len() - 2].to_string()),
        Detected::Suffix => Kind::Suffix(pattern[2..].to_string()),
        Detected::Glob => Kind::Glob(tokens),
    })
}

/// A `[…]` class starting after its `[` at `i`: the token and where the pattern goes on.
/// Empty classes, missing `]` and ranges with no end are malformed, as Go's `filepath.Match`
/// says.
fn class(chars: &[char], mut i: usize) -> Option<(Token, usize)> {
    let negated = chars.get(i) == Some(&'^');
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let one = |i: &mut usize| -> Option<char> {
        let c = *chars.get(*i)?;
        if c == '-' || c == ']' {
            return None;
        }
        *i += 1;
        if c == '\\' {
            let e = *chars.get(*i)?;
            *i += 1;
            return Some(e);
        }
        Some(c)
    };
    loop {
        if chars.get(i) == Some(&']') && !ranges.is_empty() {
            return Some((Token::Class { negated, ranges }, i + 1));
        }
        let lo = one(&mut i)?;
        let mut hi = lo;
        if chars.get(i) == Some(&'-') {
            i += 1;
            hi = one(&mut i)?;
        }
        ranges.push((lo, hi));
    }
}

/// Matches the whole path, remembering the (token, position) pairs that failed.
fn glob_match(tokens: &[Token], path: &[char]) -> bool {
    let width = path.len() + 1;
    let mut failed = vec![false; (tokens.len() + 1) * width];
    fn go(tokens: &[Token], t: usize, path: &[char], p: usize, failed: &mut [bool], width: usize) -> bool {
        if failed[t * width + p] {
            return false;
        }
        let ok = match tokens.get(t) {
            None => p == path.len(),
            Some(Token::Char(c)) => path.get(p) == Some(c) && go(tokens, t + 1, path, p + 1, failed, width),
            Some(Token::Any) => path.get(p).is_some_and(|c| *c != '/') && go(tokens, t + 1, path, p + 1, failed, width),
            Some(Token::Class { negated, ranges }) => {
                path.get(p)
                    .is_some_and(|c| ranges.iter().any(|(lo, hi)| (lo..=hi).contains(&c)) != *negated)
                    && go(tokens, t + 1, path, p + 1, failed, width)
            }
            Some(Token::Star) => {
                let mut end = p;
                loop {
                    if go(tokens, t + 1, path, end, failed, width) {
                        break true;
                    }
                    if end == path.len() || path[end] == '/' {
                        break false;
                    }
                    end += 1;
                }
            }
            Some(Token::Folders) => {
                go(tokens, t + 1, path, p, failed, width)
                    || (p..path.len()).any(|i| path[i] == '/' && go(tokens, t + 1, path, i + 1, failed, width))
            }
            Some(Token::Rest) => true,
        };
        if !ok {
            failed[t * width + p] = true;
        }
        ok
    }
    go(tokens, 0, path, 0, &mut failed, width)
}

/// An ignore file read from disk.
#[derive(Debug)]
pub struct IgnoreFile {
    pub path: PathBuf,
    /// How to name it in a message: `.dockerignore`, `Dockerfile.dockerignore`.
    pub name: String,
    /// `Err` when BuildKit would reject a pattern.
    pub ignore: Result<Ignore, PatternError>,
}

/// An ignore file as last read: its modification time, and the file (`None`: there is none).
type Seen = (Option<SystemTime>, Option<Arc<IgnoreFile>>);

/// The build context given with `--context DIR` or `context = "DIR"`: where its ignore files
/// are. Ignore files are read once and read again only when they change.
#[derive(Debug)]
pub struct BuildContext {
    pub dir: PathBuf,
    cache: Mutex<HashMap<PathBuf, Seen>>,
}

impl BuildContext {
    pub fn new(dir: PathBuf) -> BuildContext {
        BuildContext {
            dir,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The ignore file that applies to building `dockerfile` with this context, as BuildKit's
    /// `dockerui` picks it: `<Dockerfile name>.dockerignore` next to the Dockerfile, else the
    /// context's `.dockerignore`; `None` when neither exists.
    pub fn ignore_for(&self, dockerfile: Option<&Path>) -> Option<Arc<IgnoreFile>> {
        if let Some(df) = dockerfile
            && let Some(name) = df.file_name()
        {
            let mut own = name.to_os_string();
            own.push(".dockerignore");
            if let Some(hit) = self.read(&df.with_file_name(&own)) {
                return Some(hit);
            }
        }
        self.read(&self.dir.join(".dockerignore"))
    }

    fn read(&self, path: &Path) -> Option<Arc<IgnoreFile>> {
        let meta = std::fs::metadata(path).ok().filter(|m| m.is_file());
        let mtime = meta.as_ref().and_then(|m| m.modified().ok());
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((seen, file)) = cache.get(path)
            && *seen == mtime
            && (file.is_some() == meta.is_some())
        {
            return file.clone();
        }
        let file = meta.and_then(|_| {
            let bytes = std::fs::read(path).ok()?;
            let text = String::from_utf8_lossy(&bytes);
            Some(Arc::new(IgnoreFile {
                path: path.to_path_buf(),
                name: path
                    .file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
                ignore: Ignore::parse(&text),
            }))
        });
        cache.insert(path.to_path_buf(), (mtime, file.clone()));
        file
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ignore(text: &str) -> Ignore {
        Ignore::parse(text).expect("valid")
    }

    fn excluded(text: &str, path: &str) -> bool {
        ignore(text).excluded_by(path).is_some()
    }

    #[test]
    fn cleaning_as_go_does() {
        assert_eq!(clean("a//b/./c/.."), "a/b");
        assert_eq!(clean("./a/"), "a");
        assert_eq!(clean(""), ".");
        assert_eq!(clean("/../a"), "/a");
        assert_eq!(clean("../a"), "../a");
        assert_eq!(clean("a/../.."), "..");
        assert_eq!(clean("/"), "/");
        assert_eq!(dir("a/b/c"), "a/b");
        assert_eq!(dir("a"), ".");
        assert_eq!(dir("/a"), "/");
    }

    #[test]
    fn comments_blank_lines_bom_and_line_numbers() {
        let i = ignore("\u{feff}# a comment\n\n  tmp  \r\n #not a comment\n");
        let texts: Vec<(&str, usize)> = i.patterns.iter().map(|p| (p.text.as_str(), p.line)).collect();
        // only a `#` in the first column starts a comment
        assert_eq!(texts, [("tmp", 3), ("#not a comment", 4)]);
    }

    #[test]
    fn leading_slash_and_cleaning_of_patterns() {
        let i = ignore("/build\n./out/\na/../secret\n! /keep\n");
        let texts: Vec<(&str, bool)> = i.patterns.iter().map(|p| (p.text.as_str(), p.exception)).collect();
        assert_eq!(
            texts,
            [("build", false), ("out", false), ("secret", false), ("keep", true)]
        );
        assert_eq!(i.patterns[3].written, "! /keep");
        assert!(excluded("/build", "build/x"));
        assert!(excluded("out/", "out"));
    }

    #[test]
    fn a_path_or_any_parent_folder() {
        assert!(excluded("tmp", "tmp"));
        assert!(excluded("tmp", "tmp/a/b"));
        assert!(!excluded("tmp", "a/tmp"));
        assert!(!excluded("tmp", "tmpfile"));
        assert!(excluded("a/b", "a/b/c"));
        assert!(!excluded("a/b", "a"));
    }

    #[test]
    fn star_and_question_mark_stop_at_slash() {
        assert!(excluded("*.log", "debug.log"));
        assert!(!excluded("*.log", "logs/debug.log"));
        assert!(excluded("*/tmp/*", "forever/tmp/hello.txt"));
        assert!(!excluded("*/tmp/*", "tmp/hello.txt"));
        assert!(excluded("file?.txt", "file1.txt"));
        assert!(!excluded("file?.txt", "file10.txt"));
        assert!(!excluded("a?b", "a/b"));
        // `*` matches every top-level entry, so everything below too
        assert!(excluded("*", "src/main.rs"));
    }

    #[test]
    fn double_star() {
        // leading `**/`: any folders, none included
        assert!(excluded("**/*.log", "a.log"));
        assert!(excluded("**/*.log", "x/y/a.log"));
        assert!(excluded("**/node_modules", "node_modules"));
        assert!(excluded("**/node_modules", "web/app/node_modules/x"));
        // a literal rest after a leading `**` is a suffix: `**foo` matches `barfoo`
        assert!(excluded("**foo", "barfoo"));
        // inner `**/`
        assert!(excluded("a/**/b", "a/b"));
        assert!(excluded("a/**/b", "a/x/y/b"));
        assert!(!excluded("a/**/b", "a/xb"));
        // trailing `**`: what is below, not the folder itself
        assert!(excluded("foo/**", "foo/a/b"));
        assert!(!excluded("foo/**", "foo"));
        assert!(excluded("*/x/**", "a/x/b/c"));
        // `**` alone, everything
        assert!(excluded("**", "a/b/c"));
        // an inner `**` not followed by `/` still stands for folders
        assert!(excluded("a**b", "ab"));
        assert!(excluded("a**b", "ax/b"));
        assert!(!excluded("a**b", "axb"));
    }

    #[test]
    fn classes_and_escapes() {
        assert!(excluded("[abc].txt", "b.txt"));
        assert!(!excluded("[abc].txt", "d.txt"));
        assert!(excluded("[a-c]x", "bx"));
        assert!(excluded("[^a]x", "bx"));
        assert!(!excluded("[^a]x", "ax"));
        assert!(excluded("\\*x", "*x"));
        assert!(!excluded("\\*x", "ax"));
        // regular expression characters are literal
        assert!(excluded("a.b+(c)", "a.b+(c)"));
        assert!(!excluded("a.b", "axb"));
        assert!(excluded("{a,b}", "{a,b}"));
    }

    #[test]
    fn exceptions_in_order() {
        let text = "*.md\n!README.md\n";
        assert!(excluded(text, "CHANGES.md"));
        assert!(!excluded(text, "README.md"));
        // an exception only takes back what is excluded before it
        assert!(excluded("!README.md\n*.md\n", "README.md"));
        // and is itself taken back by a later exclusion
        assert!(excluded("*.md\n!README*.md\nREADME-secret.md\n", "README-secret.md"));
        assert!(ignore(text).has_exceptions());
        assert!(!ignore("*.md").has_exceptions());
    }

    #[test]
    fn the_pattern_that_decides() {
        let i = ignore("docs\n*.md\n");
        assert_eq!(i.excluded_by("docs/a.md").map(|p| p.line), Some(1));
        assert_eq!(i.excluded_by("a.md").map(|p| p.text.as_str()), Some("*.md"));
        assert_eq!(i.excluded_by("src"), None);
    }

    #[test]
    fn malformed_patterns_are_errors() {
        for bad in ["[abc", "a\\", "[]", "[a-]", "!"] {
            assert!(
                Ignore::parse(&format!("ok\n{bad}\n")).is_err_and(|e| e.line == 2),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_ignore_file_of_a_dockerfile_comes_first() {
        let d = tempfile::tempdir().unwrap();
        let ctx = BuildContext::new(d.path().to_path_buf());
        assert!(ctx.ignore_for(None).is_none());
        std::fs::write(d.path().join(".dockerignore"), "tmp\n").unwrap();
        let df = d.path().join("build/app.Dockerfile");
        std::fs::create_dir_all(df.parent().unwrap()).unwrap();
        assert_eq!(ctx.ignore_for(Some(&df)).unwrap().name, ".dockerignore");
        std::fs::write(d.path().join("build/app.Dockerfile.dockerignore"), "out\n").unwrap();
        let own = ctx.ignore_for(Some(&df)).unwrap();
        assert_eq!(own.name, "app.Dockerfile.dockerignore");
        assert_eq!(own.ignore.as_ref().unwrap().patterns[0].text, "out");
    }
}

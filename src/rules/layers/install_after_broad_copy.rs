use super::edits::{above_comments, delete_moved, instruction_with_comments};
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::semantic::commands::{RunRef, word};
use crate::semantic::tools::{Call, Tool};
use crate::syntax::model::{Dockerfile, Instruction, Kind, RunForm};
use crate::syntax::shell::ConnectorKind;
use crate::syntax::text::TextRange;
use crate::syntax::go::clean_path;
use crate::syntax::words::arg_words;

pub static META: RuleMeta = RuleMeta {
    name: "install-after-broad-copy",
    family: Family::Layers,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Preview,
    sources: &[],
    related: &[],
    summary: "a dependency install after a `COPY` of the whole build context, so any change to any file runs it again",
    options: &[],
    fix_priority: 1040,
    after_suppressions: false,
    doc: include_str!("../../../rules/install-after-broad-copy.md"),
};

/// How the install becomes a step of its own before the copy.
enum Plan {
    /// The call is already dependencies-only: it moves (with the RUN, or out of it).
    Move,
    /// The call also installs the project from its sources: a dependencies-only run of it,
    /// made by adding this option, goes before the copy and the call stays where it is.
    DepsFirst(&'static str),
}

/// A dependency install the rule knows: the files it reads (relative to its directory; a
/// trailing `*` marks a file that may be absent, which BuildKit's wildcard then skips) and how
/// it becomes a step before the copy.
struct Install {
    manifests: Vec<String>,
    plan: Plan,
}

fn install(call: &Call, src: &str) -> Option<Install> {
    let words = call.words;
    let sub = call.subcommand();
    // the words after the subcommand are all options (`npm ci --omit=dev`): no package named
    let flags_only = || words[call.sub + 1..].iter().all(|w| w.value.as_deref().is_some_and(|v| v.starts_with('-')));
    let files = |names: &[&str]| names.iter().map(|s| (*s).to_string()).collect();
    let move_ = |names: &[&str]| Some(Install { manifests: files(names), plan: Plan::Move });
    match call.tool {
        Tool::Pip if sub == "install" => pip_requirements(call, src).map(|manifests| Install { manifests, plan: Plan::Move }),
        Tool::Uv if sub == "sync" => Some(Install {
            manifests: files(&["pyproject.toml", "uv.lock*", ".python-version*"]),
            plan: deps_first(call, "--no-install-project"),
        }),
        Tool::Poetry if sub == "install" => Some(Install {
            manifests: files(&["pyproject.toml", "poetry.lock*", "poetry.toml*"]),
            plan: deps_first(call, "--no-root"),
        }),
        Tool::Pipenv if matches!(sub, "install" | "sync") && flags_only() => move_(&["Pipfile", "Pipfile.lock*"]),
        Tool::Npm if matches!(sub, "ci" | "install" | "i") && call.args().is_some_and(|a| a.operands().iter().all(|&i| i <= call.sub)) => {
            move_(&["package*.json", ".npmrc*"])
        }
        Tool::Yarn if (sub == "install" || call.sub == 0) && flags_only() => {
            move_(&["package.json", "yarn.lock*", ".yarnrc*"])
        }
        Tool::Pnpm if matches!(sub, "install" | "i") && flags_only() => {
            move_(&["package.json", "pnpm-lock.yaml*", ".npmrc*"])
        }
        Tool::Go if sub == "download" && word(words, call.sub - 1) == Some("mod") && flags_only() => {
            move_(&["go.mod", "go.sum*"])
        }
        Tool::Bundler if sub == "install" && word(words, 0).is_some_and(|w| w.ends_with("bundle")) && flags_only() => {
            move_(&["Gemfile", "Gemfile.lock*"])
        }
        _ => None,
    }
}

/// `pip install -r FILE…` (or `uv pip install`): the requirement and constraint files, when
/// every other operand is a package name (no `.`, path, archive, editable or variable).
fn pip_requirements(call: &Call, src: &str) -> Option<Vec<String>> {
    let args = call.args()?;
    if args.has("-e") || args.has("--group") {
        return None;
    }
    let mut files = Vec::new();
    for name in ["-r", "-c"] {
        for v in args.values(name) {
            files.push(relative_file(v?)?);
        }
    }
    if files.is_empty() || !args.has("-r") {
        return None;
    }
    let is_name = |i: &usize| {
        let w = &call.words[*i];
        let raw = w.value.as_deref().unwrap_or_else(|| w.range.slice(src));
        !raw.is_empty()
            && !raw.contains(['$', '/', '\\', '*', '?', '['])
            && !raw.starts_with('.')
            && !raw.ends_with(".whl")
            && !raw.ends_with(".tar.gz")
            && !raw.ends_with(".zip")
    };
    args.operands().iter().filter(|&&i| i > call.sub).all(is_name).then_some(files)
}

/// A plain relative path inside the directory (no variable, glob, `..` or absolute path).
fn relative_file(v: &str) -> Option<String> {
    let ok = !v.is_empty()
        && !v.starts_with('/')
        && !v.contains(['$', '*', '?', '[', '\\', ':'])
        && v.split('/').all(|c| c != "..");
    ok.then(|| v.trim_start_matches("./").to_string())
}

fn deps_first(call: &Call, option: &'static str) -> Plan {
    if call.has_word(option) { Plan::Move } else { Plan::DepsFirst(option) }
}

/// Instructions that change nothing a later RUN sees: an install may move across them.
fn inert(ins: &Instruction) -> bool {
    matches!(
        ins.kind,
        Kind::Label | Kind::Expose | Kind::Maintainer | Kind::Stopsignal | Kind::Cmd | Kind::Entrypoint | Kind::Healthcheck
    )
}

pub fn check(ctx: &mut Context) {
    if super::common::commits_explicitly(ctx.src) {
        return;
    }
    let model = ctx.model;
    let src = ctx.src;
    for (run, calls) in ctx.runs() {
        if run.is_onbuild() {
            continue;
        }
        let Some(stage) = run.eff.stage.map(|s| &model.stages[s]) else { continue };
        // the last copy of the whole context before the RUN, in its stage
        let Some(copy_at) = (stage.from..run.index)
            .rev()
            .find(|&i| super::common::copies_whole_context(src, model, &model.instructions[i]))
        else {
            continue;
        };
        let copy = &model.instructions[copy_at];
        // the install reads its manifests in its working directory: that must be where the copy
        // put the context's root (`COPY . .`, or the absolute path the WORKDIR names)
        let dest = arg_words(src, copy, model.escape).pop().map(|w| w.value).unwrap_or_default();
        let at_workdir = match dest.as_str() {
            // the working directory of the copy: no WORKDIR between them
            "." | "./" => !model.instructions[copy_at + 1..run.index].iter().any(|i| i.kind == Kind::Workdir),
            d => {
                d.starts_with('/')
                    && !d.contains('$')
                    && run.scope.workdir.as_deref().map(clean_path) == Some(clean_path(d))
            }
        };
        if !at_workdir {
            continue;
        }
        // the stage installed dependencies with a tool before the copy: a call of it here is
        // the second pass (`poetry install` after `poetry install --no-root`)
        let installed_before = |tool: Tool| {
            ctx.runs().any(|(r, cs)| {
                r.index > stage.from
                    && r.index < copy_at
                    && !r.is_onbuild()
                    && cs.iter().any(|c| c.tool == tool && install(c, src).is_some())
            })
        };
        let installs: Vec<(&Call, Install)> = calls
            .iter()
            .filter(|c| !installed_before(c.tool))
            .filter_map(|c| install(c, src).map(|i| (c, i)))
            .collect();
        // one finding per RUN, on its first install
        let Some((call, first)) = installs.first() else { continue };
        let mut manifests: Vec<String> = Vec::new();
        for (_, i) in &installs {
            for m in &i.manifests {
                if !manifests.contains(m) {
                    manifests.push(m.clone());
                }
            }
        }
        let (required, optional): (Vec<&String>, Vec<&String>) = manifests.iter().partition(|m| !m.ends_with('*'));
        let quote = |ms: &[&String]| {
            ms.iter()
                .map(|m| format!("`{}`", m.trim_end_matches('*')))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let reads = if optional.is_empty() {
            quote(&required)
        } else {
            format!("{}, and {} where present", quote(&required), quote(&optional))
        };
        let d = ctx.report(
            call.anchor(),
            format!(
                "`{}` runs after `{}` (line {}) copies the whole build context, so a change to any file runs it \
                 again; copy what it reads first ({reads}) and install before the copy",
                call.anchor().slice(src),
                copy.range.slice(src).lines().next().unwrap_or_default().trim_end_matches('\\').trim_end(),
                copy.start_line,
            ),
        );
        let whole = whole_run_moves(run, calls, src);
        match fix(src, model, run, call, copy, first, whole.then_some(&manifests)) {
            Ok(fix) => d.fix = Some(fix),
            Err(why) => d.no_fix_reason = Some(why.into()),
        }
    }
}

/// Every command of the RUN is a package-manager call that reads no file of the context (an
/// install this rule knows, or packages named from an index): the RUN moves whole.
fn whole_run_moves(run: &RunRef, calls: &[Call], src: &str) -> bool {
    let local = |w: &crate::syntax::shell::Word| {
        let raw = w.value.as_deref().unwrap_or_else(|| w.range.slice(src));
        raw.starts_with('.') || raw.contains(['/', '$'])
    };
    run.commands.iter().all(|cmd| {
        !cmd.nested
            && !cmd.conditional
            && calls.iter().any(|c| {
                let named = || {
                    let operands = &c.words[c.sub + 1..];
                    let packages = c.tool.is_system()
                        || matches!(c.tool, Tool::Pip | Tool::Npm | Tool::Pnpm | Tool::Yarn | Tool::Bundler)
                            && operands.iter().any(|w| !w.value.as_deref().unwrap_or("-").starts_with('-'));
                    packages && !operands.iter().any(local)
                };
                std::ptr::eq(c.cmd, &**cmd)
                    && match install(c, src) {
                        Some(i) => matches!(i.plan, Plan::Move),
                        None => named(),
                    }
            })
    })
}

/// The fix: `whole` holds every manifest of the RUN when the whole RUN may move.
fn fix(
    src: &str,
    model: &Dockerfile,
    run: &RunRef,
    call: &Call,
    copy: &Instruction,
    inst: &Install,
    whole: Option<&Vec<String>>,
) -> Result<Fix, &'static str> {
    let between = &model.instructions[model.instructions.iter().position(|i| std::ptr::eq(i, copy)).unwrap_or(0) + 1..run.index];
    // `COPY . /app` then `WORKDIR /app`: the WORKDIR moves up with the install (above a copy to
    // an absolute path, it changes nothing the copy does)
    let dest = arg_words(src, copy, model.escape).pop().map(|w| w.value).unwrap_or_default();
    let workdir_to_dest = |i: &Instruction| {
        i.kind == Kind::Workdir
            && dest.starts_with('/')
            && !dest.contains('$')
            && run.scope.workdir.as_deref().map(clean_path) == Some(clean_path(&dest))
    };
    let mut workdirs = between.iter().filter(|i| !inert(i));
    let workdir = match (workdirs.next(), workdirs.next()) {
        (None, _) => None,
        (Some(w), None) if workdir_to_dest(w) => Some(w),
        _ => return Err("an instruction between the copy and the install may be what the install needs"),
    };
    let cmd = call.cmd;
    if whole.is_none() && (cmd.nested || cmd.conditional || cmd.connector.is_some()) {
        return Err("the install is not the first step of its RUN, which may prepare it");
    }
    let eol = model.line_ending.as_str();
    let at = above_comments(src, model, copy);
    let mut edits = Vec::new();
    let mut head = String::new();
    if let Some(w) = workdir {
        let lines = instruction_with_comments(src, model, w);
        head.push_str(lines.slice(src));
        if !head.ends_with('\n') {
            head.push_str(eol);
        }
        edits.push(delete_moved(src, lines));
    }
    let manifests = manifest_copy(src, model, copy, run.scope.workdir.as_deref())?;
    let lines = |files: &[String]| {
        let mut by_dir: Vec<(String, Vec<&str>)> = Vec::new();
        for f in files {
            let dir = f.rsplit_once('/').map_or("", |(d, _)| d).to_string();
            match by_dir.iter_mut().find(|(d, _)| *d == dir) {
                Some((_, v)) => v.push(f),
                None => by_dir.push((dir, vec![f])),
            }
        }
        by_dir
            .into_iter()
            .map(|(dir, fs)| manifests.line(&dir, &fs))
            .collect::<Vec<_>>()
            .join(eol)
    };
    let only_command = run.commands.iter().count() == 1;
    let moves_whole = matches!(inst.plan, Plan::Move) && (only_command || whole.is_some());
    let copy_lines = head + &lines(whole.filter(|_| moves_whole).unwrap_or(&inst.manifests));
    let title;
    match (&inst.plan, moves_whole) {
        (Plan::Move, true) => {
            let moved = instruction_with_comments(src, model, run.ins);
            let mut text = moved.slice(src).to_string();
            if !text.ends_with('\n') {
                text.push_str(eol);
            }
            edits.push(Edit::insert(at, format!("{copy_lines}{eol}{text}")));
            edits.push(delete_moved(src, moved));
            title = "Move the install before the copy, with the files it reads copied first";
        }
        (plan, _) => {
            let RunForm::Shell(body) = &run.run.form else {
                return Err("the RUN is not in shell form");
            };
            if !run.ins.heredocs.is_empty() {
                return Err("the RUN has a here-document");
            }
            let flags = &src[run.run.flag_insert_at..body.start];
            let mut text = cmd.range.slice(src).to_string();
            if let Plan::DepsFirst(option) = plan {
                let sub_end = call.words[call.sub].range.end - cmd.range.start;
                text.insert_str(sub_end, &format!(" {option}"));
                title = "Install the dependencies alone before the copy, with the files they read copied first";
            } else {
                // the call leaves its RUN: it must be followed by `&&`
                let next = run.commands.iter().filter(|c| c.range.start >= cmd.range.end).min_by_key(|c| c.range.start);
                let Some(next) = next.filter(|n| n.connector.is_some_and(|k| k.kind == ConnectorKind::And) && !n.nested)
                else {
                    return Err("the install is not followed by `&&` in its RUN");
                };
                edits.push(Edit::delete(TextRange::new(cmd.range.start, next.range.start)));
                title = "Move the install before the copy, with the files it reads copied first";
            }
            edits.push(Edit::insert(at, format!("{copy_lines}{eol}{} {flags}{text}{eol}", run.eff.keyword)));
        }
    }
    Ok(Fix::unsafe_(title, edits))
}

/// How the manifests are copied: with `COPY` (as the copy's keyword is cased) and the copy's
/// ownership and mode, to its destination.
struct ManifestCopy<'a> {
    keyword: &'static str,
    flags: &'a str,
    dest: String,
}

impl ManifestCopy<'_> {
    fn line(&self, dir: &str, files: &[&str]) -> String {
        let dest = if dir.is_empty() { self.dest.clone() } else { format!("{}{dir}/", self.dest) };
        format!("{} {}{} {dest}", self.keyword, self.flags, files.join(" "))
    }
}

fn manifest_copy<'a>(
    src: &'a str,
    model: &Dockerfile,
    copy: &'a Instruction,
    workdir: Option<&str>,
) -> Result<ManifestCopy<'a>, &'static str> {
    let words = arg_words(src, copy, model.escape);
    let dest = &words[1].value;
    if copy.json.is_some() || dest.contains(char::is_whitespace) {
        return Err("the copy's destination cannot be written back as it is");
    }
    if !copy.flags.iter().all(|f| matches!(f.name.as_str(), "chown" | "chmod" | "link")) {
        return Err("the copy has flags a copy of single files would not keep");
    }
    if workdir.is_none() {
        return Err("the file sets no `WORKDIR`, which a relative copy of the manifests needs");
    }
    let flags = match (copy.flags.first(), copy.flags.last()) {
        (Some(f), Some(l)) => &src[f.range.start..l.range.end + 1],
        _ => "",
    };
    if flags.contains('\n') {
        return Err("the copy's flags span lines");
    }
    let dest = if dest.ends_with('/') { dest.clone() } else { format!("{dest}/") };
    Ok(ManifestCopy {
        keyword: if copy.keyword.chars().all(|c| c.is_ascii_lowercase()) { "copy" } else { "COPY" },
        flags,
        dest,
    })
}


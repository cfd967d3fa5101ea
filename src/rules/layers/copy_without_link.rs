//! A `COPY --from=…` that could use `--link`, where the known hazards of `--link` do not
//! apply.
//!
//! BuildKit facts (`frontend/dockerfile/dockerfile2llb/convert_copy.go`, `dispatchCopy`): with
//! `--link` the copy is made onto an empty state and merged onto the stage (`llb.Merge`), only
//! when `--chmod` is not given (`cfg.link && cfg.chmod == ""`: with `--chmod` the flag is
//! silently off). A named `--chown` is looked up in the `/etc/passwd` of the copy's base
//! (`client/llb/fileop.go`, `UserOpt.marshal(base)`), which is then the empty state (input
//! `pb.Empty`, -1), and `solver/llbsolver/ops/file.go` refuses it ("invalid user index").

use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;
use crate::semantic::scope::{self, UserInfo};
use crate::syntax::go::clean_path;
use crate::syntax::model::{Dockerfile, Kind};
use crate::syntax::words::arg_words;
use std::collections::HashMap;
use std::ops::ControlFlow;

pub static META: RuleMeta = RuleMeta {
    name: "copy-without-link",
    family: Family::Layers,
    severity: Severity::Info,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Preview,
    sources: &[],
    related: &[],
    summary: "`COPY --from` without `--link`, where `--link` would keep its layer independent of the ones before it",
    options: &[],
    fix_priority: 1005,
    after_suppressions: false,
    doc: include_str!("../../../rules/copy-without-link.md"),
};

const NO_FIX: &str = "`--link` needs a Dockerfile frontend 1.4 or later (Docker 20.10's built-in one refuses it, \
    and other builders differ), and whether the image's directories above the destination may be \
    replaced needs a human";

/// Directories whose mode or owner is often not root's 0755 (`/tmp` is 1777, homes belong to
/// their users, and `/var/www`, `/var/lib`, `/var/log`, `/var/spool` hold directories of
/// service users such as `www-data`), and the merged-`/usr` links (`/bin` → `usr/bin`) and
/// `/var/run` → `/run`, which `--link` would not follow.
const HAZARDS: &[&str] = &[
    "/tmp",
    "/var/tmp",
    "/root",
    "/home",
    "/var/www",
    "/var/lib",
    "/var/log",
    "/var/spool",
    "/bin",
    "/sbin",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/var/run",
    "/var/lock",
];

pub fn check(ctx: &mut Context) {
    if super::common::commits_explicitly(ctx.src) {
        return;
    }
    let (src, model) = (ctx.src, ctx.model);
    // directories earlier instructions give an owner or mode of their own: a WORKDIR under a
    // non-root USER, the destination of a COPY/ADD with `--chown`/`--chmod`
    let mut owned: HashMap<usize, String> = HashMap::new();
    // the RUNs that change owners or modes, with the variables in scope substituted (`None`:
    // one is not known, so the RUN may name any directory)
    let mut changers: HashMap<usize, Option<String>> = HashMap::new();
    let mut found = Vec::new();
    scope::walk::<()>(model, |i, scope| {
        let ins = &model.instructions[i];
        if ins.invalid || scope.windows(model.escape) {
            return ControlFlow::Continue(());
        }
        let flag = |name: &str| ins.flags.iter().find(|f| f.name.eq_ignore_ascii_case(name));
        let dest = || {
            let words = arg_words(src, ins, model.escape);
            let (dest, sources) = words.split_last()?;
            if sources.is_empty() {
                return None;
            }
            let path = scope.expand(dest.value.trim_matches(['"', '\'']))?;
            scope.absolute(&path).map(|p| clean_path(&p))
        };
        let eff = ins.effective();
        if eff.kind == Kind::Run && ins.kind == Kind::Run {
            let text = eff.args.slice(src);
            if CHANGERS.iter().any(|w| text.contains(w)) {
                changers.insert(i, substitute(text, scope));
            }
        }
        match ins.kind {
            Kind::Workdir if !matches!(scope.user, UserInfo::Root) => {
                if let Some(wd) = &scope.workdir {
                    owned.insert(i, clean_path(wd));
                }
            }
            Kind::Copy | Kind::Add if flag("chown").is_some() || flag("chmod").is_some() => {
                if let Some(d) = dest() {
                    owned.insert(i, d);
                }
            }
            _ => {}
        }
        if ins.kind != Kind::Copy || !ins.heredocs.is_empty() {
            return ControlFlow::Continue(());
        }
        let Some(from) = flag("from").filter(|f| f.value.as_deref().is_some_and(|v| !v.is_empty())) else {
            return ControlFlow::Continue(());
        };
        if flag("link").is_some() || flag("chmod").is_some() || flag("parents").is_some() {
            return ControlFlow::Continue(());
        }
        if let Some(c) = flag("chown")
            && !c.value.as_deref().is_some_and(numeric_owner)
        {
            return ControlFlow::Continue(());
        }
        // a relative destination lands under a working directory the base image may set
        let written = arg_words(src, ins, model.escape)
            .last()
            .and_then(|w| scope.expand(w.value.trim_matches(['"', '\''])));
        if !written.is_some_and(|w| w.starts_with('/')) {
            return ControlFlow::Continue(());
        }
        let Some(d) = dest().filter(|d| d.starts_with('/') && d != "/") else {
            return ControlFlow::Continue(());
        };
        let home = scope.home().map(|h| clean_path(&h)).filter(|h| h != "/");
        if HAZARDS.iter().copied().chain(home.as_deref()).any(|h| under(&d, h)) {
            return ControlFlow::Continue(());
        }
        // in a stage built on `scratch`, a copy with nothing before it depends on no layer
        if scope.base.as_deref().is_some_and(|b| b.eq_ignore_ascii_case("scratch")) && !layers_before(model, i) {
            return ControlFlow::Continue(());
        }
        found.push((i, from.range, d));
        ControlFlow::Continue(())
    });
    for (i, range, dest) in found {
        if touched_above(model, &owned, &changers, i, &dest) {
            continue;
        }
        ctx.report(
            range,
            "this `COPY --from` could use `--link`: its layer would no longer depend on the layers \
             before it in this stage, so a change there alone does not copy again (the copy still \
             runs again when what it copies changes). \
             `--link` writes the directories above the destination as root-owned 0755 over the \
             image's and does not follow a symlink among them: add it where neither matters",
        )
        .no_fix_reason = Some(NO_FIX.to_string());
    }
}

/// `--chown=1000`, `--chown=1000:1000`: ids, which need no lookup.
fn numeric_owner(v: &str) -> bool {
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match v.split_once(':') {
        Some((u, g)) => all_digits(u) && all_digits(g),
        None => all_digits(v),
    }
}

/// `path` is `dir` or inside it.
fn under(path: &str, dir: &str) -> bool {
    path == dir || path.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/'))
}

/// An earlier instruction of the stage chain of instruction `index` makes a layer (`RUN`,
/// `COPY`, `ADD`, `WORKDIR`).
fn layers_before(model: &Dockerfile, index: usize) -> bool {
    let Some(s) = model.instructions[index].stage else {
        return true;
    };
    model.stage_chain(s).into_iter().any(|st| {
        let stage = &model.stages[st];
        let end = if st == s { index } else { stage.last + 1 };
        model.instructions[stage.from..end]
            .iter()
            .any(|i| matches!(i.kind, Kind::Run | Kind::Copy | Kind::Add | Kind::Workdir) && !i.invalid)
    })
}

/// What a RUN runs to change an owner or a mode.
const CHANGERS: &[&str] = &["chown", "chmod", "chgrp", "setfacl", "install ", "mkdir -m", "mkdir --mode"];

/// `text` with `$NAME` and `${NAME}` replaced by their values in scope; `None` when one is not
/// known (a shell variable of the RUN, an ARG without a value).
fn substitute(text: &str, scope: &scope::Scope) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (name, len) = match after.strip_prefix('{') {
            Some(inner) => (&inner[..inner.find('}')?], inner.find('}')? + 2),
            None => {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], end)
            }
        };
        if name.is_empty() {
            // `$(`, `$$`, a lone `$`: no variable
            out.push('$');
            rest = after;
            continue;
        }
        out.push_str(scope.get(name)?.as_deref()?);
        rest = &after[len..];
    }
    out.push_str(rest);
    Some(out)
}

/// An earlier instruction of the stage chain gives a directory above `dest` (or `dest` itself)
/// an owner or mode of its own: in `owned`, or named by a RUN in `changers` (one whose text is
/// not known counts).
fn touched_above(
    model: &Dockerfile,
    owned: &HashMap<usize, String>,
    changers: &HashMap<usize, Option<String>>,
    index: usize,
    dest: &str,
) -> bool {
    let Some(s) = model.instructions[index].stage else {
        return true;
    };
    let parents: Vec<&str> = dest
        .match_indices('/')
        .map(|(at, _)| &dest[..at])
        .filter(|p| !p.is_empty())
        .chain(std::iter::once(dest))
        .collect();
    model.stage_chain(s).into_iter().any(|st| {
        let stage = &model.stages[st];
        let end = if st == s { index } else { stage.last + 1 };
        (stage.from..end).any(|j| {
            owned.get(&j).is_some_and(|d| parents.contains(&d.as_str()))
                || changers
                    .get(&j)
                    .is_some_and(|t| t.as_deref().is_none_or(|t| parents.iter().any(|p| names(t, p))))
        })
    })
}

/// `text` names the path `p`: followed by the end, a blank, a quote, `/`, `;` or `&`.
fn names(text: &str, p: &str) -> bool {
    text.match_indices(p).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + p.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
            && after.is_none_or(|c| c.is_whitespace() || matches!(c, '"' | '\'' | '/' | ';' | '&' | '\\' | ')'))
    })
}

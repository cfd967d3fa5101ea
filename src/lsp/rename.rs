//! Rename of a stage or a variable across all its uses, with the sites `navigation.rs` finds:
//! a stage's `AS name` and every use by that name (a use by index stays as it is), a variable's
//! definitions and uses (only the name changes: `${NAME:-x}` keeps its braces and operator).
//! A new name must be valid (BuildKit's stage name rule, a shell identifier for a variable) and
//! must not be in use already, so that two stages or variables are never merged.

use super::actions::{EditStyle, workspace_edit};
use super::convert::Encoding;
use super::document::Document;
use super::navigation::{Site, Target, at, sites, variables};
use crate::diagnostic::Edit;
use crate::syntax::model::{Body, Dockerfile};
use lsp_types::{Range, WorkspaceEdit};

/// A site whose text is the name (not a stage's index or `${VAR}`).
fn renameable(text: &str, model: &Dockerfile, site: &Site) -> bool {
    match site.target {
        Target::Stage(s) => {
            model.stages[s].name.as_deref() == Some(site.range.slice(text).to_ascii_lowercase().as_str())
        }
        Target::Var(_) => true,
    }
}

fn found(doc: &Document, offset: usize) -> (&Dockerfile, Vec<Site>, Option<Site>) {
    let model = &*doc.model;
    let all = sites(&doc.text, model);
    let here = at(&all, offset).filter(|s| renameable(&doc.text, model, s));
    (model, all, here)
}

pub fn prepare(doc: &Document, enc: Encoding, offset: usize) -> Option<Range> {
    let (_, _, here) = found(doc, offset);
    here.map(|s| doc.range(enc, s.range))
}

pub fn rename(
    doc: &Document,
    enc: Encoding,
    style: EditStyle,
    offset: usize,
    new_name: &str,
) -> Result<WorkspaceEdit, String> {
    let (model, all, here) = found(doc, offset);
    let Some(here) = here else {
        return Err("nothing to rename here: dfix renames a stage name or a variable the Dockerfile defines".into());
    };
    let old = here.range.slice(&doc.text);
    let problem = match here.target {
        Target::Stage(s) => stage_problem(&doc.text, model, &all, s, new_name),
        Target::Var(_) if old == new_name => None,
        Target::Var(_) => variable_problem(&doc.text, model, &all, here.target, old, new_name),
    };
    if let Some(p) = problem {
        return Err(p);
    }
    let edits: Vec<Edit> = all
        .iter()
        .filter(|s| s.target == here.target && renameable(&doc.text, model, s))
        .map(|s| Edit::replace(s.range, new_name))
        .collect();
    Ok(workspace_edit(doc, enc, style, &edits))
}

/// BuildKit's rule for stage names (`validStageName` in frontend/dockerfile/instructions/parse.go
/// is `^[a-z][a-z0-9-_.]*$`, checked after lowercasing; dfix asks for the lowercase spelling
/// BuildKit's `StageNameCasing` check wants).
fn valid_stage_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

/// A name both BuildKit and a POSIX shell read as one variable.
fn valid_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn stage_problem(text: &str, model: &Dockerfile, all: &[Site], stage: usize, new: &str) -> Option<String> {
    if !valid_stage_name(new) {
        return Some(format!(
            "\"{new}\" is not a valid stage name: BuildKit wants a lowercase letter, then lowercase letters, \
             digits, '-', '_' or '.'"
        ));
    }
    if let Some(other) = (0..model.stages.len()).find(|&s| s != stage && model.stages[s].name.as_deref() == Some(new)) {
        let line = model.instructions[model.stages[other].from].start_line;
        return Some(format!("a stage named \"{new}\" already exists (line {line})"));
    }
    // a use spelled with variables (`FROM build-${TARGET}`) would be left behind
    if let Some(s) = all
        .iter()
        .find(|s| s.target == Target::Stage(stage) && s.range.slice(text).contains('$'))
    {
        let line = text[..s.range.start].matches('\n').count() + 1;
        return Some(format!(
            "line {line} names this stage through a variable: dfix cannot rename it there"
        ));
    }
    // an image or a `--from` with that name would then name this stage
    let ours: Vec<_> = all
        .iter()
        .filter(|s| s.target == Target::Stage(stage))
        .map(|s| s.range)
        .collect();
    for ins in &model.instructions {
        let ins = ins.effective();
        let mut names: Vec<(String, Option<crate::syntax::TextRange>)> = Vec::new();
        if let Body::From(f) = &ins.body
            && let Some(image) = &f.image
        {
            names.push((image.range.slice(text).to_string(), Some(image.range)));
        }
        if let Some(v) = ins.flag("from").and_then(|f| f.value.clone()) {
            names.push((v, None));
        }
        for m in ins.run().map(|r| r.mounts.as_slice()).unwrap_or_default() {
            if let Some(v) = m.field("from").and_then(|f| f.value.clone()) {
                names.push((v, None));
            }
        }
        if names
            .iter()
            .any(|(n, r)| n.eq_ignore_ascii_case(new) && !r.is_some_and(|r| ours.contains(&r)))
        {
            return Some(format!(
                "\"{new}\" is already used as an image or stage on line {}",
                ins.start_line
            ));
        }
    }
    // an image whose name comes from variables (`FROM ${IMAGE}`) would then name this stage
    if let Some(s) = model
        .stages
        .iter()
        .find(|s| s.parent.is_none() && s.base.as_deref().is_some_and(|b| b.eq_ignore_ascii_case(new)))
    {
        let line = model.instructions[s.from].start_line;
        return Some(format!("\"{new}\" is already used as an image or stage on line {line}"));
    }
    None
}

/// Names the environment of a build or a shell relies on: a variable renamed to one of them
/// would change what the programs of the image see.
const ENVIRONMENT: [&str; 14] = [
    "PATH",
    "HOME",
    "USER",
    "SHELL",
    "PWD",
    "OLDPWD",
    "IFS",
    "HOSTNAME",
    "TERM",
    "LANG",
    "LC_ALL",
    "TMPDIR",
    "LD_LIBRARY_PATH",
    "LD_PRELOAD",
];

/// Any other definition or use of the new name is refused, even one the renamed variable
/// might never meet: simple, and never a silent merge. So is a rename where a script sets the
/// variable itself (`for PKG in …`): dfix cannot tell which of its uses read the ARG or ENV.
fn variable_problem(
    text: &str,
    model: &Dockerfile,
    all: &[Site],
    target: Target,
    old: &str,
    new: &str,
) -> Option<String> {
    if !valid_variable_name(new) {
        return Some(format!(
            "\"{new}\" is not a valid variable name: a letter or '_', then letters, digits or '_'"
        ));
    }
    if ENVIRONMENT.contains(&new) {
        return Some(format!(
            "\"{new}\" is a variable the shell or the image's programs rely on: choose another name"
        ));
    }
    let ours: Vec<_> = all.iter().filter(|s| s.target == target).map(|s| s.range).collect();
    if let Some(ins) = model
        .instructions
        .iter()
        .map(|i| i.effective())
        .find(|i| i.shell_sets.iter().any(|n| n == old) && i.shell_vars.iter().any(|v| ours.contains(&v.range)))
    {
        return Some(format!(
            "the script on line {} sets ${old} itself: dfix cannot tell which of its uses read the ARG or ENV",
            ins.start_line
        ));
    }
    let vars = variables(model);
    let taken = vars
        .defs
        .iter()
        .map(|d| (&d.name, d.range))
        .chain(vars.uses.iter().map(|(v, _)| (&v.name, v.range)))
        .find(|(n, r)| *n == new && !ours.contains(r));
    taken.map(|(_, r)| {
        let line = text[..r.start].matches('\n').count() + 1;
        format!("\"{new}\" is already used on line {line}; renaming would merge two variables")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in ["a", "build-2", "a.b_c"] {
            assert!(valid_stage_name(ok), "{ok}");
        }
        for bad in ["", "2a", "Build", "-a", "a b", "é"] {
            assert!(!valid_stage_name(bad), "{bad}");
        }
        for ok in ["A", "_x", "go_1"] {
            assert!(valid_variable_name(ok), "{ok}");
        }
        for bad in ["", "1a", "a-b", "a b", "é", "$A"] {
            assert!(!valid_variable_name(bad), "{bad}");
        }
    }
}

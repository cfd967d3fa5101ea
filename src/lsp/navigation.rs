//! Go to definition and find references for stage names and ARG/ENV variables.
//!
//! A stage is defined by `FROM … AS name` and used by `FROM name`, `COPY --from=name` and
//! `RUN --mount=…,from=name` (names compared lowercased, as BuildKit stores them; a number names
//! a stage by its index).
//!
//! A variable is defined by `ARG NAME[=v]` and `ENV NAME=v` (or `ENV NAME v`) and used where
//! [`Instruction::vars`] and [`Instruction::shell_vars`] say. A use resolves like BuildKit
//! scopes variables: in a FROM line, to the ARGs before the first FROM (the global ARGs); in a
//! stage, to the last ARG or ENV of the stage before the use (BuildKit adds both to the same
//! environment, the later one wins), else to an ENV of a stage it is built on. A value never
//! sees its own definition (`ARG V=${V}x` reads the V before it). CMD, ENTRYPOINT and
//! HEALTHCHECK run in the container, where only ENV is left. `ARG NAME` without a value inside a
//! stage takes the global ARG's value: its definition is the global one, and both are one
//! variable. ONBUILD triggers run in another build and are left out. A script that sets a
//! variable itself (`RUN X=1; echo $X`) still has its uses resolved to the ARG/ENV X (the
//! model's `shell_sets` says so, and rename refuses such a variable).
//! A name the Dockerfile does not define (`$PATH`, `$HOME`) has no definition, no references
//! and cannot be renamed.

use super::convert::Encoding;
use super::document::Document;
use crate::syntax::model::{Body, Dockerfile, Instruction, Kind, VarRef};
use crate::syntax::text::TextRange;
use lsp_types::Location;

/// A place a stage is named at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Occurrence {
    pub stage: usize,
    pub range: TextRange,
    pub definition: bool,
}

/// Every definition and use of a stage, in source order.
pub(super) fn occurrences(text: &str, model: &Dockerfile) -> Vec<Occurrence> {
    let mut out = Vec::new();
    for ins in &model.instructions {
        let Some(current) = ins.stage else { continue };
        if let Body::From(f) = &ins.body {
            if let (Some(parent), Some(image)) = (model.stages[current].parent, &f.image) {
                out.push(Occurrence {
                    stage: parent,
                    range: image.range,
                    definition: false,
                });
            }
            if let Some(range) = f.name_range {
                out.push(Occurrence {
                    stage: current,
                    range,
                    definition: true,
                });
            }
            continue;
        }
        uses(text, model, current, ins.effective(), &mut out);
    }
    out
}

fn uses(text: &str, model: &Dockerfile, current: usize, ins: &Instruction, out: &mut Vec<Occurrence>) {
    if ins.kind == Kind::Copy
        && let Some(flag) = ins.flag("from")
        && let Some(value) = &flag.value
        && let Some(stage) = resolve(model, current, value)
    {
        out.push(Occurrence {
            stage,
            range: flag_value_range(text, flag.range),
            definition: false,
        });
    }
    if let Some(run) = ins.run() {
        for mount in &run.mounts {
            if let Some(field) = mount.field("from")
                && let (Some(value), Some(range)) = (&field.value, field.value_range)
                && let Some(stage) = resolve(model, current, value)
            {
                out.push(Occurrence {
                    stage,
                    range: unquoted(text, range),
                    definition: false,
                });
            }
        }
    }
}

/// The stage `name` refers to from inside stage `current`: an earlier stage of that name, or the
/// stage of that index.
fn resolve(model: &Dockerfile, current: usize, name: &str) -> Option<usize> {
    let lower = name.to_ascii_lowercase();
    if let Some(s) = model.stages[..current]
        .iter()
        .rposition(|s| s.name.as_deref() == Some(lower.as_str()))
    {
        return Some(s);
    }
    lower.parse::<usize>().ok().filter(|&n| n < current)
}

/// The value of `--flag=value` as written, quotes excluded.
fn flag_value_range(text: &str, flag: TextRange) -> TextRange {
    match flag.slice(text).find('=') {
        Some(eq) => unquoted(text, TextRange::new(flag.start + eq + 1, flag.end)),
        None => flag,
    }
}

fn unquoted(text: &str, r: TextRange) -> TextRange {
    let s = r.slice(text);
    let b = s.as_bytes();
    if b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0] {
        TextRange::new(r.start + 1, r.end - 1)
    } else {
        r
    }
}

/// Where a stage is declared: its name, else (a stage used by its index) its image or keyword.
fn declaration(model: &Dockerfile, stage: usize) -> TextRange {
    let from = &model.instructions[model.stages[stage].from];
    match &from.body {
        Body::From(f) => f
            .name_range
            .or_else(|| f.image.as_ref().map(|i| i.range))
            .unwrap_or(from.keyword_range),
        _ => from.keyword_range,
    }
}

/// What a site names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Target {
    Stage(usize),
    /// A variable, by its definition (the global ARG for a stage's `ARG NAME` taking its value).
    Var(usize),
}

/// A place a stage or a variable is named at.
#[derive(Clone, Copy, Debug)]
pub(super) struct Site {
    pub target: Target,
    pub range: TextRange,
    pub definition: bool,
    /// Where "go to definition" leads from here.
    pub declaration: TextRange,
}

/// A definition of a variable.
#[derive(Clone, Debug)]
pub(super) struct Def {
    pub name: String,
    pub range: TextRange,
    /// Where its `NAME=value` ends: a use inside the value reads an earlier definition.
    end: usize,
    ins: usize,
    env: bool,
    /// The global ARG a stage's `ARG NAME` (without a value) takes its value from.
    link: Option<usize>,
}

/// Every definition of a variable and every use, with the definition it resolves to.
pub(super) struct Vars {
    pub defs: Vec<Def>,
    pub uses: Vec<(VarRef, Option<usize>)>,
}

pub(super) fn variables(model: &Dockerfile) -> Vars {
    let mut defs: Vec<Def> = Vec::new();
    for (i, ins) in model.instructions.iter().enumerate() {
        let (pairs, env) = match &ins.body {
            Body::Arg(p) => (p, false),
            Body::Env(p) => (p, true),
            _ => continue,
        };
        for p in pairs {
            let link = match (ins.stage, &p.value) {
                (Some(_), None) if !env => defs
                    .iter()
                    .rposition(|d| model.instructions[d.ins].stage.is_none() && d.name == p.key),
                _ => None,
            };
            defs.push(Def {
                name: p.key.clone(),
                range: p.key_range,
                end: p.range.end,
                ins: i,
                env,
                link,
            });
        }
    }
    let mut uses = Vec::new();
    for (i, ins) in model.instructions.iter().enumerate() {
        for v in &ins.vars {
            uses.push((v.clone(), resolve_var(model, &defs, i, v, false)));
        }
        let runtime = matches!(ins.kind, Kind::Cmd | Kind::Entrypoint | Kind::Healthcheck);
        for v in &ins.shell_vars {
            uses.push((v.clone(), resolve_var(model, &defs, i, v, runtime)));
        }
    }
    Vars { defs, uses }
}

/// The definition a use of `v` in instruction `index` reads; `runtime`: only ENV is left.
fn resolve_var(model: &Dockerfile, defs: &[Def], index: usize, v: &VarRef, runtime: bool) -> Option<usize> {
    let ins = &model.instructions[index];
    let last = |pred: &dyn Fn(&Def) -> bool| defs.iter().rposition(|d| d.name == v.name && pred(d));
    // an earlier instruction, or an earlier pair of this ARG (an ENV's values see only what came
    // before the line)
    let before = |d: &Def| d.ins < index || (d.ins == index && !d.env && d.end <= v.range.start);
    let Some(stage) = ins.stage.filter(|_| ins.kind != Kind::From) else {
        // a FROM line and the global ARGs see the global ARGs before them
        return last(&|d| model.instructions[d.ins].stage.is_none() && before(d));
    };
    let in_stage = |d: &Def, s: usize| model.instructions[d.ins].stage == Some(s);
    let chain = model.stage_chain(stage);
    let here = last(&|d| in_stage(d, stage) && (d.env || !runtime) && before(d));
    here.or_else(|| {
        chain[1..]
            .iter()
            .find_map(|&s| last(&|d: &Def| d.env && in_stage(d, s)))
    })
}

/// The variable a definition belongs to.
fn root(defs: &[Def], d: usize) -> usize {
    defs[d].link.unwrap_or(d)
}

/// Every site of a stage or a defined variable.
pub(super) fn sites(text: &str, model: &Dockerfile) -> Vec<Site> {
    let mut out: Vec<Site> = occurrences(text, model)
        .into_iter()
        .map(|o| Site {
            target: Target::Stage(o.stage),
            range: o.range,
            definition: o.definition,
            declaration: declaration(model, o.stage),
        })
        .collect();
    let vars = variables(model);
    for (i, d) in vars.defs.iter().enumerate() {
        let r = root(&vars.defs, i);
        out.push(Site {
            target: Target::Var(r),
            range: d.range,
            definition: true,
            declaration: vars.defs[r].range,
        });
    }
    for (v, def) in &vars.uses {
        if let Some(d) = *def {
            out.push(Site {
                target: Target::Var(root(&vars.defs, d)),
                range: v.range,
                definition: false,
                declaration: vars.defs[d].range,
            });
        }
    }
    out.sort_by_key(|s| (s.range.start, s.range.end));
    out
}

/// The innermost site under `offset` (its ends included): `${BASE}` in `FROM ${BASE}` is the
/// variable, not the stage it names.
pub(super) fn at(sites: &[Site], offset: usize) -> Option<Site> {
    sites
        .iter()
        .filter(|s| s.range.start <= offset && offset <= s.range.end)
        .min_by_key(|s| s.range.end - s.range.start)
        .copied()
}

pub fn definition(doc: &Document, enc: Encoding, offset: usize) -> Option<Location> {
    let model = &*doc.model;
    let found = at(&sites(&doc.text, model), offset)?;
    Some(Location::new(doc.uri.clone(), doc.range(enc, found.declaration)))
}

pub fn references(doc: &Document, enc: Encoding, offset: usize, include_declaration: bool) -> Vec<Location> {
    let model = &*doc.model;
    let all = sites(&doc.text, model);
    let Some(found) = at(&all, offset) else {
        return Vec::new();
    };
    let mut ranges: Vec<TextRange> = all
        .iter()
        .filter(|s| s.target == found.target && (include_declaration || !s.definition))
        .map(|s| s.range)
        .collect();
    // a stage without a name is declared by its FROM line
    if include_declaration
        && let Target::Stage(_) = found.target
        && !ranges.contains(&found.declaration)
    {
        ranges.insert(0, found.declaration);
    }
    ranges
        .into_iter()
        .map(|r| Location::new(doc.uri.clone(), doc.range(enc, r)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each use as `NAME@line`, with the line of the definition it resolves to (0: none).
    fn resolved(src: &str) -> Vec<String> {
        let model = crate::syntax::parse(src);
        let vars = variables(&model);
        let line = |r: TextRange| src[..r.start].matches('\n').count() + 1;
        vars.uses
            .iter()
            .map(|(v, d)| {
                format!(
                    "{}@{}->{}",
                    v.name,
                    line(v.range),
                    d.map_or(0, |d| line(vars.defs[d].range))
                )
            })
            .collect()
    }

    #[test]
    fn scopes_as_buildkit_has_them() {
        // a global ARG is not seen in a stage until redeclared; ARG values see earlier pairs of
        // their own line, ENV values only what came before the line
        let src = "ARG A=1 B=$A\nFROM x\nRUN $A\nARG A\nRUN $A\nENV A=2 C=$A\nRUN $C\n";
        assert_eq!(resolved(src), ["A@1->1", "A@3->0", "A@5->4", "A@6->4", "C@7->6"]);
        // the later of an ARG and an ENV wins, also over an inherited ENV; ARGs are not inherited
        let src = "FROM x AS a\nENV E=1\nARG G=1\nFROM a\nARG E=2\nRUN $E $G\n";
        assert_eq!(resolved(src), ["E@6->5", "G@6->0"]);
        let src = "FROM x\nARG E=1\nENV E=2\nRUN $E\nARG E=3\nRUN $E\n";
        assert_eq!(resolved(src), ["E@4->3", "E@6->5"]);
        // a value reads the definition before its own
        let src = "ARG V=1\nARG V=${V}x\nFROM a:$V\nARG V=${V}y W=$V\nENV V=$V\n";
        assert_eq!(resolved(src), ["V@2->1", "V@3->2", "V@4->0", "V@4->4", "V@5->4"]);
        // a stage built on an image inherits nothing; CMD sees no ARG
        let src = "FROM x AS a\nENV E=1\nFROM y\nARG H\nRUN $E\nCMD $H\n";
        assert_eq!(resolved(src), ["E@5->0", "H@6->0"]);
        // the redeclaration's definition is the global ARG
        let model = crate::syntax::parse("ARG V\nFROM x\nARG V\nARG V=2\n");
        let links: Vec<_> = variables(&model).defs.iter().map(|d| d.link).collect();
        assert_eq!(links, [None, Some(0), None]);
    }
}

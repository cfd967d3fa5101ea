//! Which Dockerfile-frontend features a file uses, and the frontend version each one needs.
//!
//! One table for the rules that care: `missing-syntax-directive` (the file uses something an
//! engine's built-in frontend may lack) and `syntax-too-old-for-feature` (the pinned frontend
//! predates it). Versions are the minor number of `docker/dockerfile:1.x`, checked against the
//! BuildKit release tags (`dockerfile/1.x.0`, `dockerfile/1.x.0-labs`) and the option tables of
//! the Dockerfile reference.

use crate::syntax::model::{Dockerfile, Instruction, Kind};
use crate::syntax::mounts::MountType;
use crate::syntax::text::TextRange;

/// One use of a feature.
#[derive(Clone, Debug)]
pub struct FeatureUse {
    /// How a message names it: "`RUN --mount`", "a heredoc".
    pub what: String,
    pub range: TextRange,
    /// The first stable `1.x` that has it (`None`: not in the stable channel yet).
    pub stable: Option<u32>,
    /// The first `1.x-labs` that has it.
    pub labs: Option<u32>,
    /// In an `ONBUILD` trigger: the image that inherits it builds it, with its own frontend.
    pub onbuild: bool,
}

impl FeatureUse {
    /// The minor version it needs in the given channel.
    pub fn needs(&self, labs: bool) -> Option<u32> {
        if labs { self.labs } else { self.stable }
    }
}

/// `(flag, stable, labs)`: a flag and the versions that first have it.
type FlagTable = &'static [(&'static str, Option<u32>, Option<u32>)];

/// The flags of RUN.
const RUN_FLAGS: FlagTable = &[
    ("mount", Some(2), Some(2)),
    // labs-only in 1.2 (the `dfrunnetwork` build tag), stable from 1.3
    ("network", Some(3), Some(2)),
    // labs since the channel began (1.2-labs), stable from 1.20
    ("security", Some(20), Some(2)),
    // labs only (`dfrundevice`, 1.14-labs)
    ("device", None, Some(14)),
];

/// The flags of COPY and ADD that a frontend may not know.
const COPY_FLAGS: FlagTable = &[
    ("link", Some(4), Some(4)),
    ("chmod", Some(2), Some(2)),
    // labs in 1.7 (`dfexcludepatterns`), stable from 1.19
    ("exclude", Some(19), Some(7)),
    // COPY only; labs in 1.7 (`dfparents`), stable from 1.20
    ("parents", Some(20), Some(7)),
];

/// ADD only.
const ADD_FLAGS: FlagTable = &[
    // labs in 1.5 (`dfaddchecksum`), stable from 1.6
    ("checksum", Some(6), Some(5)),
    ("unpack", Some(17), Some(17)),
    // the flag came in 1.5; Git sources were labs-only (`dfaddgit`) until 1.6
    ("keep-git-dir", Some(6), Some(5)),
];

/// Every use, in file order of the instructions (for each: its flags, then what its mounts
/// use, then its heredocs), then a `# check=` directive. Instructions BuildKit rejects are
/// skipped.
pub fn uses(model: &Dockerfile) -> Vec<FeatureUse> {
    let mut out = Vec::new();
    for ins in model.instructions.iter().filter(|i| !i.invalid) {
        instruction_uses(ins, &mut out);
    }
    if let Some(d) = model.directives.get("check") {
        out.push(FeatureUse {
            what: "a `# check=` directive".into(),
            range: d.line_range,
            stable: Some(8),
            labs: Some(8),
            onbuild: false,
        });
    }
    out
}

fn instruction_uses(outer: &Instruction, out: &mut Vec<FeatureUse>) {
    let ins = outer.effective();
    let onbuild = outer.kind == Kind::Onbuild;
    let kw = ins.keyword.to_uppercase();
    let tables: &[FlagTable] = match ins.kind {
        Kind::Run => &[RUN_FLAGS],
        Kind::Copy => &[COPY_FLAGS],
        Kind::Add => &[COPY_FLAGS, ADD_FLAGS],
        _ => &[],
    };
    for f in &ins.flags {
        let found = tables
            .iter()
            .flat_map(|t| t.iter())
            .find(|(name, ..)| *name == f.name && !(ins.kind == Kind::Add && *name == "parents"));
        if let Some(&(name, stable, labs)) = found {
            out.push(FeatureUse {
                what: format!("`{kw} --{name}`"),
                range: f.range,
                stable,
                labs,
                onbuild,
            });
        }
    }
    if let Some(run) = ins.run() {
        for m in &run.mounts {
            if let Some(field) = m.fields.iter().find(|f| f.dynamic) {
                out.push(FeatureUse {
                    what: "a variable in a `--mount` option".into(),
                    range: field.range,
                    stable: Some(3),
                    labs: Some(3),
                    onbuild,
                });
            }
            if m.kind == MountType::Secret
                && let Some(field) = m.fields.iter().find(|f| f.key == "env")
            {
                out.push(FeatureUse {
                    what: "`--mount=type=secret,env=`".into(),
                    range: field.range,
                    stable: Some(10),
                    labs: Some(10),
                    onbuild,
                });
            }
        }
    }
    if let Some(h) = ins.heredocs.first() {
        out.push(FeatureUse {
            what: "a heredoc".into(),
            range: h.marker,
            // stable in 1.4.0 (buildkit commit e3fd4a64); labs from 1.3.0-labs (`dfheredoc`)
            stable: Some(4),
            labs: Some(3),
            onbuild,
        });
    }
}

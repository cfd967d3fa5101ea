//! What a Dockerfile means, worked out once per file and shared by the rules, the fixes and the
//! language server: the scope at each instruction (`scope.rs`), the commands each RUN executes
//! and the environment each sees (`commands.rs`), which directories its mounts cover
//! (`paths.rs`), its package-manager calls with their cache directories (`tools/`), the
//! BuildKit features the file uses (`features.rs`), and what dfix knows of base images
//! (`image.rs`).
//!
//! [`Semantic::new`] is one forward pass over the file; what one RUN needs from the others is a
//! query answered in one pass for all RUNs ([`Semantic::earlier_in_chain`],
//! [`Semantic::later_in_descendants`]), never a walk per finding.

pub mod commands;
pub mod expose;
pub mod features;
pub mod from;
pub mod image;
pub mod paths;
pub mod scope;
pub mod tools;
pub mod uses;

use crate::syntax::model::Dockerfile;
use crate::syntax::shell::Command;
use commands::RunRef;
use tools::Call;

/// The file's RUNs with their package-manager calls, and the queries that relate RUNs.
pub struct Semantic<'a> {
    model: &'a Dockerfile,
    /// Every valid RUN (ONBUILD triggers included), in source order ([`commands::runs`]).
    runs: &'a [RunRef<'a>],
    /// `calls[i]`: the package-manager calls of `runs[i]`, in source order.
    calls: Vec<Vec<Call<'a>>>,
}

impl<'a> Semantic<'a> {
    /// The facts of `runs` (from [`commands::runs`], which the calls borrow); `source` is the
    /// file's text.
    pub fn new(source: &'a tools::Source<'a>, model: &'a Dockerfile, runs: &'a [RunRef<'a>]) -> Semantic<'a> {
        let calls = runs
            .iter()
            .map(|r| tools::calls(source, &r.commands, &r.scope))
            .collect();
        Semantic { model, runs, calls }
    }

    /// Every valid RUN, with its package-manager calls.
    pub fn runs(&self) -> impl Iterator<Item = (&RunRef<'a>, &[Call<'a>])> {
        self.runs.iter().zip(self.calls.iter().map(Vec::as_slice))
    }

    /// The RUN at instruction `index`, if it is a valid one.
    pub fn run_at(&self, index: usize) -> Option<(&RunRef<'a>, &[Call<'a>])> {
        let i = self.runs.binary_search_by_key(&index, |r| r.index).ok()?;
        Some((&self.runs[i], &self.calls[i]))
    }

    /// For each instruction: it is in a stage where a command of an earlier RUN, or of a RUN
    /// of a stage it is built on, satisfies `pred` (a file set up by an earlier step). One
    /// forward pass over the RUNs; ONBUILD triggers run nothing here.
    pub fn earlier_in_chain(&self, pred: impl Fn(&Command) -> bool) -> Vec<bool> {
        let stages = &self.model.stages;
        let mut seen = vec![false; stages.len()];
        let mut started = 0;
        let mut out = vec![false; self.model.instructions.len()];
        for r in self.runs {
            let Some(stage) = self.model.instructions[r.index].stage else {
                continue;
            };
            // a stage starts with what the stage it is built on ends with
            while started <= stage {
                seen[started] = stages[started].parent.is_some_and(|p| p < started && seen[p]);
                started += 1;
            }
            out[r.index] = seen[stage];
            if !r.is_onbuild() && r.commands.iter().any(|c| pred(c)) {
                seen[stage] = true;
            }
        }
        out
    }

    /// For each instruction: the state the last earlier RUN of its stage chain left, among the
    /// RUNs for which `after` gives one (`None`: no earlier RUN touched it). One forward pass over
    /// the RUNs; ONBUILD triggers run nothing here.
    pub fn last_in_chain<T: Copy>(&self, after: impl Fn(&RunRef, &[Call]) -> Option<T>) -> Vec<Option<T>> {
        let stages = &self.model.stages;
        let mut state: Vec<Option<T>> = vec![None; stages.len()];
        let mut started = 0;
        let mut out = vec![None; self.model.instructions.len()];
        for (r, calls) in self.runs() {
            let Some(stage) = self.model.instructions[r.index].stage else {
                continue;
            };
            // a stage starts with what the stage it is built on ends with
            while started <= stage {
                state[started] = stages[started].parent.filter(|&p| p < started).and_then(|p| state[p]);
                started += 1;
            }
            out[r.index] = state[stage];
            if !r.is_onbuild()
                && let Some(s) = after(r, calls)
            {
                state[stage] = Some(s);
            }
        }
        out
    }

    /// For each RUN's instruction: a later RUN of its stage, or a RUN of a stage built on it,
    /// satisfies `pred`. One backward pass over the RUNs; ONBUILD triggers run nothing here.
    pub fn later_in_descendants(&self, pred: impl Fn(&RunRef, &[Call]) -> bool) -> Vec<bool> {
        let stages = &self.model.stages;
        let stage_of = |i: usize| self.model.instructions[self.runs[i].index].stage;
        // whether a RUN from here to the end of the stage, or of a stage built on it, satisfies `pred`
        let mut ahead = vec![false; stages.len()];
        let mut out = vec![false; self.model.instructions.len()];
        let mut next = self.runs.len();
        // a stage is built on earlier stages only: going backwards, its children are done first
        for s in (0..stages.len()).rev() {
            while next > 0 && stage_of(next - 1).is_some_and(|t| t >= s) {
                next -= 1;
                let (r, calls) = (&self.runs[next], &self.calls[next]);
                let t = stage_of(next).expect("checked");
                out[r.index] = ahead[t];
                if !r.is_onbuild() && pred(r, calls) {
                    ahead[t] = true;
                }
            }
            if let Some(p) = stages[s].parent.filter(|&p| p < s) {
                ahead[p] |= ahead[s];
            }
        }
        out
    }
}

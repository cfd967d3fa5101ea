use super::edits::instruction_with_comments;
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::semantic::uses::{self, names};
use crate::syntax::model::{Body, Dockerfile, Kind, Value, ValuePart};
use crate::syntax::text::TextRange;
use std::collections::HashMap;

pub static META: RuleMeta = RuleMeta {
    name: "volatile-arg-too-early",
    family: Family::Layers,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Sometimes,
    status: Status::Preview,
    sources: &[],
    related: &[],
    summary: "a per-build `ARG` (a commit, a build time, a CI run) declared before RUNs that do not use it, which then re-run on every build",
    options: &[],
    fix_priority: 1010,
    after_suppressions: false,
    doc: include_str!("../../../rules/volatile-arg-too-early.md"),
};

/// What a volatile name holds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum What {
    Revision,
    Time,
    CiRun,
    CacheBust,
}

impl What {
    fn describe(self) -> &'static str {
        match self {
            What::Revision => "the commit or branch being built",
            What::Time => "the build's time",
            What::CiRun => "the CI run",
            What::CacheBust => "a cache-buster",
        }
    }
}

/// The names whose value a build passes anew (`--build-arg`), in capitals: a pattern ending in `*` matches a prefix, one starting with `*` a suffix, others the whole
/// name. Calibrated on the corpus: a `*_COMMIT` or `*_SHA` of another project (`GOLANG_COMMIT`,
/// `ROOTLESSKIT_COMMIT`) is a pin of what the image downloads, not the build's own revision, and
/// a `*_DATE` other than a build's (`RELEASE_DATE`) names a release, so neither is here.
/// `SOURCE_DATE_EPOCH` is not either: the reproducible-builds convention is that tools read it
/// from the environment (compilers, `dpkg`, Python's byte-compiler), so it is meant to reach
/// every RUN.
const VOLATILE: &[(&str, What)] = &[
    // the build's own revision
    ("GIT_COMMIT", What::Revision),
    ("GIT_COMMIT_ID", What::Revision),
    ("GIT_COMMIT_SHA", What::Revision),
    ("GIT_COMMIT_HASH", What::Revision),
    ("GIT_COMMIT_SHORT", What::Revision),
    ("GIT_SHA", What::Revision),
    ("GIT_SHORT_SHA", What::Revision),
    ("GIT_HASH", What::Revision),
    ("GIT_REV", What::Revision),
    ("GIT_REVISION", What::Revision),
    ("GIT_DESCRIBE", What::Revision),
    ("GIT_BRANCH", What::Revision),
    ("GIT_REF", What::Revision),
    ("GIT_TAG", What::Revision),
    ("COMMIT", What::Revision),
    ("COMMIT_ID", What::Revision),
    ("COMMIT_SHA", What::Revision),
    ("COMMIT_HASH", What::Revision),
    ("COMMIT_REF", What::Revision),
    ("SHORT_SHA", What::Revision),
    ("VCS_REF", What::Revision),
    ("VCS_REVISION", What::Revision),
    ("REVISION", What::Revision),
    ("SOURCE_COMMIT", What::Revision),
    // the build's time
    ("BUILD_DATE", What::Time),
    ("BUILD_TIME", What::Time),
    ("BUILD_TIMESTAMP", What::Time),
    ("BUILD_DATETIME", What::Time),
    ("BUILDTIME", What::Time),
    ("BUILD_EPOCH", What::Time),
    ("*_BUILD_DATE", What::Time),
    ("*_BUILD_TIME", What::Time),
    ("*_BUILD_TIMESTAMP", What::Time),
    ("DATE", What::Time),
    ("TIMESTAMP", What::Time),
    // the CI run
    ("BUILD_ID", What::CiRun),
    ("BUILD_NUMBER", What::CiRun),
    ("BUILD_NUM", What::CiRun),
    ("CI_COMMIT_*", What::CiRun),
    ("CI_PIPELINE_*", What::CiRun),
    ("CI_JOB_*", What::CiRun),
    ("CI_BUILD_*", What::CiRun),
    ("GITHUB_SHA", What::CiRun),
    ("GITHUB_REF", What::CiRun),
    ("GITHUB_REF_NAME", What::CiRun),
    ("GITHUB_HEAD_REF", What::CiRun),
    ("GITHUB_RUN_*", What::CiRun),
    ("CIRCLE_SHA1", What::CiRun),
    ("CIRCLE_BUILD_NUM", What::CiRun),
    ("TRAVIS_COMMIT", What::CiRun),
    ("TRAVIS_BUILD_NUMBER", What::CiRun),
    ("BUILDKITE_COMMIT", What::CiRun),
    ("BUILDKITE_BUILD_NUMBER", What::CiRun),
    ("DRONE_COMMIT", What::CiRun),
    ("DRONE_COMMIT_SHA", What::CiRun),
    ("DRONE_BUILD_NUMBER", What::CiRun),
    ("BITBUCKET_COMMIT", What::CiRun),
    ("BITBUCKET_BUILD_NUMBER", What::CiRun),
    // deliberate cache-busters
    ("CACHEBUST", What::CacheBust),
    ("CACHE_BUST", What::CacheBust),
    ("CACHEBUSTER", What::CacheBust),
    ("CACHE_BUSTER", What::CacheBust),
    ("CACHE_DATE", What::CacheBust),
];

/// Words that make a name a pin or a fixed setting whatever else it says.
const NEVER: &[&str] = &["VERSION", "CHECKSUM", "SHA256", "SHA512", "DEPS"];

fn volatile_name(name: &str) -> Option<What> {
    // in capitals, as CI systems and the label-schema convention write them: the corpus's one
    // lowercase `build_date` was the release date of a download, a pin
    let upper = name;
    if upper.bytes().any(|b| b.is_ascii_lowercase()) || NEVER.iter().any(|w| upper.contains(w)) {
        return None;
    }
    VOLATILE.iter().find_map(|&(pat, what)| {
        let hit = if let Some(prefix) = pat.strip_suffix('*') {
            upper.starts_with(prefix)
        } else if let Some(suffix) = pat.strip_prefix('*') {
            upper.ends_with(suffix)
        } else {
            upper == pat
        };
        hit.then_some(what)
    })
}

/// A declaration whose value changes per build.
struct Decl {
    index: usize,
    stage: usize,
    name: String,
    key_range: TextRange,
    /// Its instruction declares no other name.
    single: bool,
    /// The volatile variable its value reads (an ENV's, or an ARG's default).
    via: Option<String>,
    what: What,
    /// The variables its value reads.
    reads: Vec<String>,
}

/// Where a declaration is first named, and the RUNs before that which see it.
struct Use {
    /// The first instruction after the declaration that names it, in its stage or a stage built
    /// on it; whether that is in its own stage.
    first: Option<(usize, bool)>,
    runs: Vec<usize>,
}

pub fn check(ctx: &mut Context) {
    if super::common::commits_explicitly(ctx.src) {
        return;
    }
    let model = ctx.model;
    let src = ctx.src;
    let decls = volatile_decls(model);
    if decls.is_empty() {
        return;
    }
    let uses: Vec<Use> = decls.iter().map(|d| find_use(src, model, d)).collect();
    let by_index: HashMap<usize, Vec<usize>> = decls.iter().enumerate().fold(HashMap::new(), |mut m, (k, d)| {
        m.entry(d.index).or_default().push(k);
        m
    });
    let plan = Plan {
        src,
        model,
        decls: &decls,
        uses: &uses,
        by_index: &by_index,
    };
    for (k, d) in decls.iter().enumerate() {
        let u = &uses[k];
        // nothing names it: only a RUN's environment holds it, so a script reads it there (a
        // Rust `build.rs`, a Makefile), or a cache-buster is there to re-run every step after it
        if u.runs.is_empty() || u.first.is_none() {
            continue;
        }
        let message = message(model, d, u);
        let (fix, reason) = match plan.fix(k) {
            Ok(fix) => (Some(fix), None),
            Err(reason) => (None, Some(reason)),
        };
        let diag = ctx.report(d.key_range, message);
        diag.fix = fix;
        diag.no_fix_reason = reason;
    }
}

fn message(model: &Dockerfile, d: &Decl, u: &Use) -> String {
    let keyword = if model.instructions[d.index].kind == Kind::Env {
        "ENV"
    } else {
        "ARG"
    };
    let what = d.what.describe();
    let head = match &d.via {
        Some(v) => format!("`{keyword} {}` is set from `{v}`, which holds {what}", d.name),
        None => format!("`{keyword} {}` holds {what}", d.name),
    };
    let line = |i: usize| model.instructions[i].start_line;
    let runs = match u.runs.len() {
        1 => format!("the RUN on line {} re-runs", line(u.runs[0])),
        n => format!("the RUNs on line {} and {} more re-run", line(u.runs[0]), n - 1),
    };
    let (they, does) = if u.runs.len() == 1 {
        ("it", "does")
    } else {
        ("they", "do")
    };
    let (i, own) = u.first.unwrap_or_default();
    format!(
        "{head}: when a build passes a new value, {runs}, though {they} {does} not name it (unless a script reads it from the environment, {they} need not); its first use is on line {}{}",
        line(i),
        if own { "" } else { ", in a stage built on this one" }
    )
}

/// The meta ARGs (before the first FROM): whether each has a default the file fixes.
fn meta_args(model: &Dockerfile) -> HashMap<&str, bool> {
    let mut out = HashMap::new();
    for ins in model.instructions.iter().take_while(|i| i.stage.is_none()) {
        if let Body::Arg(pairs) = &ins.body {
            for p in pairs {
                let fixed = p.value.as_ref().is_some_and(|v| v.as_literal().is_some());
                out.insert(p.key.as_str(), fixed);
            }
        }
    }
    out
}

fn value_reads(value: &Value, out: &mut Vec<String>) {
    for part in &value.parts {
        if let ValuePart::Var { name, word, .. } = part {
            if !out.contains(name) {
                out.push(name.clone());
            }
            if let Some(w) = word {
                value_reads(w, out);
            }
        }
    }
}

/// Every ARG and ENV of a stage whose value changes per build: an ARG without a default (its
/// value from `--build-arg` or a meta ARG without one) with a volatile name, and an ARG or ENV
/// whose value reads a volatile variable in effect.
fn volatile_decls(model: &Dockerfile) -> Vec<Decl> {
    let meta = meta_args(model);
    let mut out = Vec::new();
    // per stage, the volatile names in effect at its end: name -> (what)
    let mut ends: Vec<HashMap<String, What>> = vec![HashMap::new(); model.stages.len()];
    for (s, stage) in model.stages.iter().enumerate() {
        let mut live: HashMap<String, What> = stage.parent.map(|p| ends[p].clone()).unwrap_or_default();
        for index in stage.from + 1..=stage.last {
            let ins = &model.instructions[index];
            if ins.invalid {
                continue;
            }
            let pairs = match &ins.body {
                Body::Arg(p) | Body::Env(p) => p,
                _ => continue,
            };
            for p in pairs {
                let mut reads = Vec::new();
                if let Some(v) = &p.value {
                    value_reads(v, &mut reads);
                }
                let found = match &p.value {
                    None if ins.kind == Kind::Arg => {
                        let fixed = meta.get(p.key.as_str()).copied().unwrap_or(false);
                        match volatile_name(&p.key) {
                            Some(what) if !fixed => Some((what, None)),
                            // an ARG without a value keeps what an ENV set
                            _ => live.get(&p.key).map(|&w| (w, None)),
                        }
                    }
                    None => None,
                    Some(_) => reads
                        .iter()
                        .find_map(|r| live.get(r).map(|&w| (w, Some(r.clone())))),
                };
                match found {
                    Some((what, via)) => {
                        live.insert(p.key.clone(), what);
                        // `ARG X` after `ENV X=$GIT_SHA` declares nothing new
                        if ins.kind == Kind::Arg && p.value.is_none() && volatile_name(&p.key).is_none() {
                            continue;
                        }
                        out.push(Decl {
                            index,
                            stage: s,
                            name: p.key.clone(),
                            key_range: p.key_range,
                            single: pairs.len() == 1,
                            via,
                            what,
                            reads,
                        });
                    }
                    None => {
                        live.remove(&p.key);
                    }
                }
            }
        }
        ends[s] = live;
    }
    out
}

fn find_use(src: &str, model: &Dockerfile, d: &Decl) -> Use {
    let own_last = model.stages[d.stage].last;
    let mut runs = Vec::new();
    for i in uses::after_in_chain(model, d.index) {
        let ins = &model.instructions[i];
        if names(src, ins, &d.name) {
            return Use {
                first: Some((i, i <= own_last)),
                runs,
            };
        }
        // a RUN that names the variable the value is set from re-runs for that one anyway
        let needs_source = d.via.as_deref().is_some_and(|v| names(src, ins, v));
        if ins.kind == Kind::Run && !ins.invalid && !needs_source {
            runs.push(i);
        }
    }
    Use { first: None, runs }
}

struct Plan<'a> {
    src: &'a str,
    model: &'a Dockerfile,
    decls: &'a [Decl],
    uses: &'a [Use],
    by_index: &'a HashMap<usize, Vec<usize>>,
}

impl Plan<'_> {
    /// The instruction a declaration moves to: its first use, in its own stage.
    fn target(&self, k: usize) -> Result<usize, String> {
        match self.uses[k].first {
            Some((i, true)) => Ok(i),
            Some((i, false)) => Err(format!(
                "its first use (line {}) is in another stage, which it reaches only through this one",
                self.model.instructions[i].start_line
            )),
            None => Err("nothing in the file names it: a script may read it from the environment, so where it is needed is unknown".into()),
        }
    }

    /// The declarations that move with `k`: those whose first use is `k`'s instruction (an
    /// `ARG GIT_SHA` that only `ENV GIT_SHA=$GIT_SHA` names), recursively, and `k`'s own,
    /// as instruction indices in file order.
    fn block(&self, k: usize, depth: usize) -> Result<Vec<usize>, String> {
        let d = &self.decls[k];
        if !d.single {
            return Err(format!(
                "`{}` is declared with other names on line {}: give it a declaration of its own first",
                d.name, self.model.instructions[d.index].start_line
            ));
        }
        let mut out = vec![d.index];
        if depth > 16 {
            return Err("the chain of declarations is too long".into());
        }
        for (x, u) in self.uses.iter().enumerate() {
            if u.first == Some((d.index, true)) && self.decls[x].index != d.index {
                out.extend(self.block(x, depth + 1)?);
            }
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    /// The fix of declaration `k`: when it is first named by another volatile declaration that
    /// moves, the same fix as that one (which takes `k` along); else `k` and what it carries
    /// moved to just before its first use.
    fn fix(&self, k: usize) -> Result<Fix, String> {
        self.fix_at(k, 0)
    }

    fn fix_at(&self, k: usize, depth: usize) -> Result<Fix, String> {
        let target = self.target(k)?;
        let next = self.by_index.get(&target).and_then(|ks| {
            ks.iter()
                .copied()
                .find(|&e| !self.uses[e].runs.is_empty() && self.target(e).is_ok())
        });
        if let Some(e) = next
            && depth < 16
            && let Ok(fix) = self.fix_at(e, depth + 1)
        {
            return Ok(fix);
        }
        self.move_before(k, target)
    }

    fn move_before(&self, k: usize, target: usize) -> Result<Fix, String> {
        let model = self.model;
        let block = self.block(k, 0)?;
        // what the moved values read must not change on the way
        let reads: Vec<&String> = block
            .iter()
            .flat_map(|&i| self.by_index[&i].iter().flat_map(|&x| self.decls[x].reads.iter()))
            .collect();
        let moved: Vec<&str> = block
            .iter()
            .flat_map(|&i| self.by_index[&i].iter().map(|&x| self.decls[x].name.as_str()))
            .collect();
        for i in block[0] + 1..target {
            if block.contains(&i) {
                continue;
            }
            if let Some(name) = moved.iter().find(|n| names(self.src, &model.instructions[i], n)) {
                return Err(format!(
                    "`{name}`, which would move along, is named on line {}",
                    model.instructions[i].start_line
                ));
            }
            if let Body::Arg(pairs) | Body::Env(pairs) = &model.instructions[i].body
                && let Some(p) = pairs.iter().find(|p| reads.contains(&&p.key))
            {
                return Err(format!(
                    "`{}`, which its value reads, is set again on line {}",
                    p.key, model.instructions[i].start_line
                ));
            }
        }
        let mut edits = Vec::new();
        let mut text = String::new();
        let mut titles = Vec::new();
        let mut last: Option<TextRange> = None;
        for &i in &block {
            let ins = &model.instructions[i];
            let range = instruction_with_comments(self.src, model, ins);
            text.push_str(range.slice(self.src));
            titles.push(format!(
                "`{} {}`",
                ins.keyword.to_ascii_uppercase(),
                self.decls[self.by_index[&i][0]].name
            ));
            last = match last {
                Some(prev) if prev.end == range.start => Some(prev.cover(range)),
                Some(prev) => {
                    edits.push(super::edits::delete_moved(self.src, prev));
                    Some(range)
                }
                None => Some(range),
            };
        }
        if let Some(prev) = last {
            edits.push(super::edits::delete_moved(self.src, prev));
        }
        let at = super::edits::above_comments(self.src, model, &model.instructions[target]);
        edits.push(Edit::insert(at, text));
        Ok(Fix::unsafe_(
            format!(
                "Move {} to just before its first use (line {})",
                titles.join(" and "),
                model.instructions[target].start_line
            ),
            edits,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::volatile_name;

    #[test]
    fn names() {
        for n in ["GIT_SHA", "GIT_COMMIT", "BUILD_DATE", "APP_BUILD_DATE", "CI_COMMIT_SHA", "GITHUB_RUN_ID", "CACHEBUST"] {
            assert!(volatile_name(n).is_some(), "{n}");
        }
        for n in [
            "GOLANG_COMMIT",
            "GRADLE_DOWNLOAD_SHA256",
            "GIT_VERSION",
            "BUILD_DEPS",
            "SOURCE_DATE_EPOCH",
            "RELEASE_DATE",
            "CI_REGISTRY",
            "BUILD_DATE_VERSION",
            "build_date",
        ] {
            assert!(volatile_name(n).is_none(), "{n}");
        }
    }
}

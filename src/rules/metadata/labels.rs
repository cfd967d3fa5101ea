//! What the label rules share: the file's `LABEL` pairs (ONBUILD triggers included) with the
//! key and value BuildKit reads when they hold no variable, and the check of a value's format
//! against the labels a rule's `labels` option lists.

use super::{Context, OptionKind, OptionSpec};
use crate::syntax::model::{Body, Dockerfile, Instruction, Pair};
use crate::syntax::text::TextRange;

/// The option of the rules that check a value: which labels hold that kind of value.
pub const LABELS: OptionSpec = OptionSpec {
    name: "labels",
    kind: OptionKind::StringList,
    default: "[]",
    doc: "the label keys whose values are checked; unset, the rule checks nothing",
};

/// One `key=value` of a `LABEL`.
pub struct Label<'a> {
    /// The instruction as written: the `LABEL`, or the `ONBUILD` whose trigger it is.
    pub outer: &'a Instruction,
    /// The `LABEL` itself.
    pub label: &'a Instruction,
    pub pairs: &'a [Pair],
    /// This pair's index in `pairs`.
    pub at: usize,
    /// The key as BuildKit reads it; `None` when it holds a variable.
    pub key: Option<&'a str>,
    /// The value as BuildKit reads it; `None` when it holds a variable (known at build time
    /// only) or something dfix does not evaluate.
    pub value: Option<String>,
}

impl Label<'_> {
    pub fn pair(&self) -> &Pair {
        &self.pairs[self.at]
    }

    /// Where the value is written (quotes included), else the whole pair.
    pub fn value_range(&self) -> TextRange {
        match &self.pair().value {
            Some(v) if !v.range.is_empty() => v.range,
            _ => self.pair().range,
        }
    }
}

/// Every pair of every valid `LABEL`, in source order (`src` is the file's text).
pub fn labels<'a>(model: &'a Dockerfile, src: &str) -> Vec<Label<'a>> {
    let mut out = Vec::new();
    for outer in model.instructions.iter().filter(|i| !i.invalid) {
        let label = outer.effective();
        let Body::Label(pairs) = &label.body else { continue };
        for (at, pair) in pairs.iter().enumerate() {
            // a `$` in the key as written: BuildKit expands it (an escaped one is rare enough to
            // be left unchecked too)
            let has_var = |r: TextRange| {
                label
                    .vars
                    .iter()
                    .any(|v| r.start <= v.range.start && v.range.end <= r.end)
                    || r.slice(src).contains('$')
            };
            out.push(Label {
                outer,
                label,
                pairs,
                at,
                key: (!has_var(pair.key_range)).then_some(pair.key.as_str()),
                value: pair.value.as_ref().and_then(|v| v.as_literal()),
            });
        }
    }
    out
}

/// Reports each label the rule's `labels` option lists whose value (known without building)
/// `valid` refuses: "label `KEY` is not WHAT: `VALUE`".
pub fn check_values(ctx: &mut Context, valid: fn(&str) -> bool, what: &str) {
    let Some(keys) = ctx.settings.options.list(ctx.rule(), LABELS.name) else {
        return;
    };
    let keys = keys.to_vec();
    for l in labels(ctx.model, ctx.src) {
        let (Some(key), Some(value)) = (l.key, &l.value) else {
            continue;
        };
        if keys.iter().any(|k| k == key) && !valid(value) {
            ctx.report(l.value_range(), format!("label `{key}` is not {what}: `{value}`"));
        }
    }
}

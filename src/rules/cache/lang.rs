//! What the language package-manager rules (`npm`, `yarn`, `go`, `cargo`, `maven`, …) share
//! beyond the missing-mount check: whether the image still relies on a tool's cache staying in
//! the layer, and the clean-up fix that appends the tool's cache-clean command.

use super::Context;
use super::edits;
use super::missing_mount::Spec;
use crate::diagnostic::Fix;
use crate::semantic::commands::{basename, commands};
use crate::semantic::tools::Call;
use crate::syntax::model::{Instruction, Kind};

/// How a file can show that it needs the tool's downloads in the image: a later offline call
/// (it reads only what an earlier layer left there) or a `COPY --from=<stage>` of the cache.
pub struct Keeps {
    /// Program names (basenames) of the tool.
    pub programs: &'static [&'static str],
    /// Switches that make the tool work offline.
    pub offline: &'static [&'static str],
    /// Pieces of a path that show a `COPY --from` source is the tool's cache.
    pub copied: &'static [&'static str],
}

/// A mount (or a clean-up) would move the tool's downloads out of the layer while another
/// instruction of the file still expects them there.
pub fn image_needs_cache(ctx: &Context, keeps: &Keeps) -> bool {
    let model = ctx.model;
    model.instructions.iter().any(|ins| {
        let eff = ins.effective();
        match eff.kind {
            Kind::Run => commands(eff).iter().any(|c| {
                let words = c.effective().words;
                words
                    .first()
                    .and_then(|w| w.value.as_deref())
                    .map(basename)
                    .is_some_and(|p| keeps.programs.contains(&p))
                    && words[1..]
                        .iter()
                        .any(|w| w.value.as_deref().is_some_and(|v| keeps.offline.contains(&v)))
            }),
            // `CMD ["cargo", "run", "--offline"]` runs on what the image holds
            Kind::Cmd | Kind::Entrypoint => {
                let tokens: Vec<&str> = eff
                    .args_text
                    .split(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | '[' | ']'))
                    .filter(|t| !t.is_empty())
                    .collect();
                tokens.iter().any(|t| keeps.programs.contains(&basename(t)))
                    && tokens.iter().any(|t| keeps.offline.contains(t))
            }
            Kind::Copy | Kind::Add => eff.flag("from").and_then(|f| f.value.as_deref()).is_some_and(|from| {
                let stage = model.stages.iter().enumerate().any(|(i, s)| {
                    from == i.to_string() || s.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(from))
                });
                stage && eff.args_text.split_whitespace().any(|t| copies(t, keeps.copied))
            }),
            _ => false,
        }
    })
}

/// The rule's check, without any fix when the image still needs the cache.
pub fn check(ctx: &mut Context, spec: &Spec, keeps: &Keeps) {
    if image_needs_cache(ctx, keeps) {
        let spec = Spec {
            fix: false,
            clean: None,
            no_fix_reason: Some(
                "another instruction relies on the downloads staying in the image (the tool run offline, or a `COPY --from` of its cache)",
            ),
            ..*spec
        };
        super::missing_mount::check(ctx, &spec);
    } else {
        super::missing_mount::check(ctx, spec);
    }
}

/// The clean-up fix: ` && <command>` right after the call (see [`edits::append_after`]).
pub fn append_clean(call: &Call, ins: &Instruction, command: &str) -> Option<Fix> {
    let edit = edits::append_after(call, ins, command)?;
    Some(Fix::safe(format!("Append `&& {command}`"), vec![edit]))
}

/// A `COPY` source path is (or is inside) one of the `copied` directories.
fn copies(token: &str, copied: &[&str]) -> bool {
    let t = token.trim_matches(['"', ',', '[', ']']).trim_end_matches('/');
    copied.iter().any(|n| t.ends_with(n) || t.contains(&format!("{n}/")))
}

use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::{Edit, Fix, Severity};
use crate::syntax::model::RunForm;
use crate::syntax::shell::Word;

pub static META: RuleMeta = RuleMeta {
    name: "useradd-without-no-log-init",
    family: Family::Security,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::Always,
    status: Status::Stable,
    sources: &["DL3046"],
    related: &[],
    summary: "`useradd` with a large UID and without `-l`, which writes a huge sparse `lastlog`",
    options: &[],
    fix_priority: 820,
    after_suppressions: false,
    doc: include_str!("../../../rules/useradd-without-no-log-init.md"),
};

/// The smallest UID hadolint counts as large (six digits).
const LARGE: u64 = 100_000;

pub fn check(ctx: &mut Context) {
    for (r, _) in ctx.runs() {
        for c in r.commands.iter() {
            let eff = c.effective();
            if eff.name() != Some("useradd") {
                continue;
            }
            let args = &eff.words[1..];
            let src = ctx.src;
            let lookup = |w: &Word| -> Option<String> {
                if let Some(v) = &w.value {
                    return Some(v.clone());
                }
                // `$UID` / `${UID}` whose value the Dockerfile gives (ENV, or an ARG's default)
                let text = w.range.slice(src);
                let name = text.strip_prefix("${").and_then(|t| t.strip_suffix('}')).or_else(|| text.strip_prefix('$'))?;
                if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    return None;
                }
                r.scope.get(name).cloned().flatten()
            };
            let Some((uid, uid_word)) = uid(args, &lookup) else { continue };
            if uid < LARGE || no_log_init(args) {
                continue;
            }
            let name = &eff.words[0];
            let text = match r.run.form {
                RunForm::Exec(_) => ", \"-l\"",
                _ => " -l",
            };
            let fix = Fix::safe("Add `-l` (`--no-log-init`)", vec![Edit::insert(name.range.end, text)]);
            ctx.report_with_fix(
                uid_word,
                format!(
                    "`useradd -u {uid}` without `-l` reserves a `/var/log/lastlog` entry for every uid below it: a sparse file that layers store at its full size"
                ),
                Some(fix),
            );
        }
    }
}

/// The literal uid of `-u N`, `-uN`, `--uid N` or `--uid=N`, and the range of its word.
fn uid(args: &[Word], value: &dyn Fn(&Word) -> Option<String>) -> Option<(u64, crate::syntax::text::TextRange)> {
    let mut i = 0;
    while i < args.len() {
        let v = args[i].value.as_deref().unwrap_or("");
        let value = if v == "-u" || v == "--uid" {
            i += 1;
            args.get(i).map(|w| (value(w), w.range))
        } else if let Some(n) = v.strip_prefix("--uid=") {
            Some((Some(n.to_string()), args[i].range))
        } else {
            v.strip_prefix("-u")
                .filter(|n| !n.is_empty())
                .map(|n| (Some(n.to_string()), args[i].range))
        };
        if let Some((Some(n), range)) = value {
            return n.parse().ok().map(|n| (n, range));
        }
        i += 1;
    }
    None
}

/// `-l` (alone or in a cluster of flags) or `--no-log-init`.
fn no_log_init(args: &[Word]) -> bool {
    args.iter().filter_map(|w| w.value.as_deref()).any(|v| {
        v == "--no-log-init"
            || v.strip_prefix('-')
                .is_some_and(|s| !s.starts_with('-') && s.chars().all(|c| c.is_ascii_alphabetic()) && s.contains('l'))
    })
}

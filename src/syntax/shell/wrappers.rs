//! Wrappers a command runs through (`sudo`, `env A=1`, `nice`, `xx-` helpers …), peeled once
//! when the command is built, with their options read as each wrapper reads them (by
//! [`argv`](super::argv), against a spec per wrapper).

use super::argv::{Opt, Order, Spec, Unknown};
use super::*;

pub(super) struct Peeled<'a> {
    /// Words after the wrapper's name that belong to the wrapper.
    skip: usize,
    env: Vec<(&'a str, Option<&'a str>)>,
    unset: Vec<&'a str>,
    clear_env: bool,
    user: Option<&'a str>,
}

/// A wrapper's options: all must be known (an unknown one leaves the wrapper unpeeled), and the
/// first operand is the command it runs.
const fn wrapper(opts: &'static [Opt]) -> Spec {
    Spec {
        opts,
        order: Order::OptionsFirst,
        unknown: Unknown::Fail,
        abbreviations: false,
    }
}

static SUDO: Spec = wrapper(&[
    Opt::flag(&["-A", "--askpass"]),
    Opt::flag(&["-b", "--background"]),
    Opt::flag(&["-B", "--bell"]),
    Opt::flag(&["-E", "--preserve-env"]),
    Opt::flag(&["-H", "--set-home"]),
    Opt::flag(&["-i", "--login"]),
    Opt::flag(&["-K", "--remove-timestamp"]),
    Opt::flag(&["-k", "--reset-timestamp"]),
    Opt::flag(&["-n", "--non-interactive"]),
    Opt::flag(&["-P", "--preserve-groups"]),
    Opt::flag(&["-S", "--stdin"]),
    Opt::flag(&["-s", "--shell"]),
    Opt::value(&["-C", "--close-from"]),
    Opt::value(&["-D", "--chdir"]),
    Opt::value(&["-g", "--group"]),
    Opt::value(&["-h", "--host"]),
    Opt::value(&["-c", "--login-class"]),
    Opt::value(&["-p", "--prompt"]),
    Opt::value(&["-R", "--chroot"]),
    Opt::value(&["-r", "--role"]),
    Opt::value(&["-t", "--type"]),
    Opt::value(&["-T", "--command-timeout"]),
    Opt::value(&["-U", "--other-user"]),
    Opt::value(&["-u", "--user"]),
]);

static ENV: Spec = wrapper(&[
    Opt::flag(&["-i", "--ignore-environment"]),
    Opt::flag(&["-0", "--null"]),
    Opt::flag(&["-v", "--debug"]),
    Opt::value(&["-u", "--unset"]),
    Opt::value(&["-C", "--chdir"]),
    Opt::value(&["-S", "--split-string"]),
    Opt::flag(&["--block-signal"]),
    Opt::flag(&["--default-signal"]),
    Opt::flag(&["--ignore-signal"]),
    Opt::flag(&["--list-signal-handling"]),
]);

static EXEC: Spec = wrapper(&[Opt::flag(&["-c"]), Opt::flag(&["-l"]), Opt::value(&["-a"])]);

static NICE: Spec = wrapper(&[Opt::value(&["-n", "--adjustment"])]);

static TIME: Spec = wrapper(&[
    Opt::flag(&["-p", "--portability"]),
    Opt::flag(&["-v", "--verbose"]),
    Opt::flag(&["-a", "--append"]),
    Opt::flag(&["-q", "--quiet"]),
    Opt::value(&["-o", "--output"]),
    Opt::value(&["-f", "--format"]),
]);

/// `command -v`/`-V` only describes the command: not peeled.
static COMMAND: Spec = wrapper(&[Opt::flag(&["-p"])]);

/// Every wrapper's spec, for the tests.
#[cfg(test)]
pub(super) static SPECS: &[&Spec] = &[&SUDO, &ENV, &EXEC, &NICE, &TIME, &COMMAND];

/// The index of the wrapped command's first word in `words[start..]` read per `spec` (after
/// `--` when there is one); `None` when the wrapper cannot be read.
fn options_end(spec: &Spec, words: &[Word], start: usize) -> Option<usize> {
    Some(spec.parse(words, start).ok()?.options_end())
}

/// Skips `NAME=value` operands after the options of `env`/`sudo`.
pub(super) fn env_operands<'a>(words: &'a [Word], from: usize, env: &mut Vec<(&'a str, Option<&'a str>)>) -> usize {
    let mut i = from;
    while let Some(pair) = words.get(i).and_then(env_operand) {
        env.push(pair);
        i += 1;
    }
    i
}

/// Peels the wrappers off a command (see [`Command::effective`]).
pub(super) fn unwrap(assignments: &[Assignment], words: &[Word]) -> Unwrapped {
    let mut env: Vec<(&str, Option<&str>)> = assignments
        .iter()
        .map(|a| (a.name.as_str(), a.value.as_deref()))
        .collect();
    let mut own = env.len();
    let mut user = None;
    let mut start = 0;
    while let Some(first) = words.get(start) {
        let Some(name) = word_name(first) else { break };
        let rest = &words[start + 1..];
        let Some(peeled) = peel(name, rest) else {
            break;
        };
        if peeled.skip >= rest.len() {
            break;
        }
        if peeled.clear_env {
            env.clear();
            own = 0;
        }
        for removed in &peeled.unset {
            own -= env[..own].iter().filter(|(n, _)| n == removed).count();
            env.retain(|(n, _)| n != removed);
        }
        env.extend(peeled.env);
        user = peeled.user.or(user);
        start += 1 + peeled.skip;
    }
    Unwrapped {
        start,
        env: env
            .into_iter()
            .map(|(n, v)| (n.to_string(), v.map(str::to_string)))
            .collect(),
        own,
        user: user.map(str::to_string),
    }
}

pub(super) fn peel<'a>(name: &str, rest: &'a [Word]) -> Option<Peeled<'a>> {
    let mut peeled = Peeled {
        skip: 0,
        env: Vec::new(),
        unset: Vec::new(),
        clear_env: false,
        user: None,
    };
    match name {
        "sudo" => {
            let args = SUDO.parse(rest, 0).ok()?;
            peeled.user = Some(args.value("-u").map_or("root", |u| u.unwrap_or("")));
            peeled.skip = env_operands(rest, args.options_end(), &mut peeled.env);
        }
        "env" => {
            let mut i = 0;
            // A lone `-` means `-i`.
            while rest.get(i).and_then(|w| w.value.as_deref()) == Some("-") {
                i += 1;
            }
            let args = ENV.parse(rest, i).ok()?;
            // `env -S 'a b'` splits a string into words: not resolvable here.
            if args.has("-S") {
                return None;
            }
            peeled.clear_env = i > 0 || args.has("-i");
            peeled.unset = args.values("-u").map(|n| n.unwrap_or("")).collect();
            peeled.skip = env_operands(rest, args.options_end(), &mut peeled.env);
        }
        "exec" => peeled.skip = options_end(&EXEC, rest, 0)?,
        "nice" => {
            // `nice -5 cmd` / `nice --5 cmd` (old syntax).
            let old = rest.first().and_then(|w| w.value.as_deref()).is_some_and(|v| {
                let digits = v.trim_start_matches('-');
                v.starts_with('-') && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
            });
            peeled.skip = if old { 1 } else { options_end(&NICE, rest, 0)? };
        }
        "time" => peeled.skip = options_end(&TIME, rest, 0)?,
        "command" => peeled.skip = options_end(&COMMAND, rest, 0)?,
        "nohup" => {
            peeled.skip = usize::from(rest.first().and_then(|w| w.value.as_deref()) == Some("--"));
        }
        "gosu" | "su-exec" => {
            // `gosu USER[:GROUP] cmd …`; a lone option (`--help`, `--version`) runs nothing.
            let spec = rest.first()?;
            if word_text_starts_with_dash(spec) {
                return None;
            }
            peeled.user = spec.value.as_deref().map(|v| v.split(':').next().unwrap_or(v));
            peeled.skip = 1;
        }
        _ => return None,
    }
    Some(peeled)
}

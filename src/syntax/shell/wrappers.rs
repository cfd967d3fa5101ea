//! Wrappers a command runs through (`sudo`, `env A=1`, `nice`, `xx-` helpers …), peeled once
//! when the command is built, with their options read as each wrapper reads them.

use super::*;

pub(super) struct Peeled<'a> {
    /// Words after the wrapper's name that belong to the wrapper.
    skip: usize,
    env: Vec<(&'a str, Option<&'a str>)>,
    unset: Vec<&'a str>,
    clear_env: bool,
    user: Option<&'a str>,
}

/// The options of one wrapper: short flags, short options taking an argument, long options
/// (`Some(true)` when the option takes an argument, which may also follow `=`).
pub(super) struct OptSpec {
    flags: &'static str,
    with_arg: &'static str,
    long: &'static [(&'static str, bool)],
}

pub(super) enum OptEvent<'a> {
    Flag(char),
    Arg(char, &'a str),
    Long(&'a str, Option<&'a str>),
}

/// Reads the options at the start of `words` per `spec`, calling `on` for each; stops at `--`
/// (consumed), at the first non-option, or fails (`None`) on an unknown option, a non-literal
/// word in option position, or when `on` returns false.
pub(super) fn read_options<'a>(
    words: &'a [Word],
    spec: &OptSpec,
    mut on: impl FnMut(OptEvent<'a>) -> bool,
) -> Option<usize> {
    let mut i = 0;
    while let Some(word) = words.get(i) {
        let Some(text) = word.value.as_deref() else {
            // A non-literal word: fine as a command name, not as an option.
            return if word_text_starts_with_dash(word) {
                None
            } else {
                Some(i)
            };
        };
        if text == "--" {
            return Some(i + 1);
        }
        if let Some(long) = text.strip_prefix("--") {
            let (key, inline) = match long.split_once('=') {
                Some((k, v)) => (k, Some(v)),
                None => (long, None),
            };
            let &(_, takes_arg) = spec.long.iter().find(|(k, _)| *k == key)?;
            let arg = if takes_arg && inline.is_none() {
                i += 1;
                Some(words.get(i)?.value.as_deref().unwrap_or(""))
            } else {
                inline
            };
            if !on(OptEvent::Long(key, arg)) {
                return None;
            }
            i += 1;
            continue;
        }
        let Some(cluster) = text.strip_prefix('-').filter(|c| !c.is_empty()) else {
            return Some(i);
        };
        for (at, c) in cluster.char_indices() {
            if spec.with_arg.contains(c) {
                let rest = &cluster[at + c.len_utf8()..];
                let arg = if rest.is_empty() {
                    i += 1;
                    words.get(i)?.value.as_deref().unwrap_or("")
                } else {
                    rest
                };
                if !on(OptEvent::Arg(c, arg)) {
                    return None;
                }
                break;
            } else if spec.flags.contains(c) {
                if !on(OptEvent::Flag(c)) {
                    return None;
                }
            } else {
                return None;
            }
        }
        i += 1;
    }
    Some(i)
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
            const SPEC: OptSpec = OptSpec {
                flags: "AbEHiKknPSsB",
                with_arg: "CcDghpRrTtUu",
                long: &[
                    ("askpass", false),
                    ("background", false),
                    ("bell", false),
                    ("preserve-env", false),
                    ("set-home", false),
                    ("login", false),
                    ("remove-timestamp", false),
                    ("reset-timestamp", false),
                    ("non-interactive", false),
                    ("preserve-groups", false),
                    ("stdin", false),
                    ("shell", false),
                    ("close-from", true),
                    ("chdir", true),
                    ("group", true),
                    ("host", true),
                    ("login-class", true),
                    ("prompt", true),
                    ("chroot", true),
                    ("role", true),
                    ("type", true),
                    ("command-timeout", true),
                    ("other-user", true),
                    ("user", true),
                ],
            };
            let mut user = "root";
            let end = read_options(rest, &SPEC, |ev| {
                if let OptEvent::Arg('u', u) | OptEvent::Long("user", Some(u)) = ev {
                    user = u;
                }
                true
            })?;
            peeled.user = Some(user);
            peeled.skip = env_operands(rest, end, &mut peeled.env);
        }
        "env" => {
            const SPEC: OptSpec = OptSpec {
                flags: "i0v",
                with_arg: "uCS",
                long: &[
                    ("ignore-environment", false),
                    ("null", false),
                    ("debug", false),
                    ("unset", true),
                    ("chdir", true),
                    ("split-string", true),
                    ("block-signal", false),
                    ("default-signal", false),
                    ("ignore-signal", false),
                    ("list-signal-handling", false),
                ],
            };
            let mut clear = false;
            let mut unset = Vec::new();
            let mut i = 0;
            // A lone `-` means `-i`.
            while rest.get(i).and_then(|w| w.value.as_deref()) == Some("-") {
                clear = true;
                i += 1;
            }
            let end = i + read_options(&rest[i..], &SPEC, |ev| match ev {
                OptEvent::Flag('i') | OptEvent::Long("ignore-environment", _) => {
                    clear = true;
                    true
                }
                OptEvent::Arg('u', n) | OptEvent::Long("unset", Some(n)) => {
                    unset.push(n);
                    true
                }
                // `env -S 'a b'` splits a string into words: not resolvable here.
                OptEvent::Arg('S', _) | OptEvent::Long("split-string", _) => false,
                _ => true,
            })?;
            peeled.clear_env = clear;
            peeled.unset = unset;
            peeled.skip = env_operands(rest, end, &mut peeled.env);
        }
        "exec" => {
            const SPEC: OptSpec = OptSpec {
                flags: "cl",
                with_arg: "a",
                long: &[],
            };
            peeled.skip = read_options(rest, &SPEC, |_| true)?;
        }
        "nice" => {
            const SPEC: OptSpec = OptSpec {
                flags: "",
                with_arg: "n",
                long: &[("adjustment", true)],
            };
            // `nice -5 cmd` / `nice --5 cmd` (old syntax).
            let old = rest.first().and_then(|w| w.value.as_deref()).is_some_and(|v| {
                let digits = v.trim_start_matches('-');
                v.starts_with('-') && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
            });
            peeled.skip = if old { 1 } else { read_options(rest, &SPEC, |_| true)? };
        }
        "time" => {
            const SPEC: OptSpec = OptSpec {
                flags: "pvaq",
                with_arg: "of",
                long: &[
                    ("portability", false),
                    ("verbose", false),
                    ("append", false),
                    ("quiet", false),
                    ("output", true),
                    ("format", true),
                ],
            };
            peeled.skip = read_options(rest, &SPEC, |_| true)?;
        }
        "command" => {
            // `command -v`/`-V` only describes the command: not peeled.
            const SPEC: OptSpec = OptSpec {
                flags: "p",
                with_arg: "",
                long: &[],
            };
            peeled.skip = read_options(rest, &SPEC, |_| true)?;
        }
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

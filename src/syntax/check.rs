//! BuildKit's checks after the parser stage: the parser-stage errors that depend on the
//! instruction (JSON arrays, ENV/LABEL words) and `instructions.Parse` (unknown instructions,
//! flags, argument counts, stage names, RUN flag values). Messages are BuildKit's.

use super::json::parse_string_array;
use super::model::Kind;
use super::scan::{RawInstruction, is_split_space};
use crate::suggest::nearest;

/// An error with BuildKit's message, and whether it stops `parser.Parse` (fatal) or only
/// `instructions.Parse`.
#[derive(Debug, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub fatal: bool,
}

fn parse_err(message: impl Into<String>) -> Problem {
    Problem {
        message: message.into(),
        fatal: true,
    }
}

fn instr_err(message: impl Into<String>) -> Problem {
    Problem {
        message: message.into(),
        fatal: false,
    }
}

/// BuildKit's `parseWords`: words split on whitespace, quotes and escapes kept.
pub fn parse_words(text: &str, escape: char) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut blank_ok = false;
    let mut chars = text.chars().peekable();
    let mut in_word = false;
    while let Some(c) = chars.next() {
        if quote.is_none() && c.is_whitespace() {
            if in_word && (blank_ok || !word.is_empty()) {
                words.push(std::mem::take(&mut word));
            }
            word.clear();
            blank_ok = false;
            in_word = false;
            continue;
        }
        in_word = true;
        if c == escape && quote != Some('\'') {
            if let Some(n) = chars.next() {
                word.push(c);
                word.push(n);
            }
            continue;
        }
        match quote {
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                blank_ok = true;
            }
            Some(q) if c == q => quote = None,
            _ => {}
        }
        word.push(c);
    }
    if in_word && (blank_ok || !word.is_empty()) {
        words.push(word);
    }
    words
}

fn split_ws(text: &str) -> Vec<&str> {
    text.split(is_split_space).filter(|s| !s.is_empty()).collect()
}

/// ENV and LABEL pairs per BuildKit's `parseNameVal`: the number of pairs, or a parser error.
fn name_val_pairs(kind: &str, rest: &str, escape: char) -> Result<Vec<(String, String)>, Problem> {
    let words = parse_words(rest, escape);
    let Some(first) = words.first() else {
        return Ok(Vec::new());
    };
    if !first.contains('=') {
        let mut parts = rest.trim_start_matches(is_split_space).splitn(2, is_split_space);
        let key = parts.next().unwrap_or_default();
        let val = parts.next().map(|v| v.trim_start_matches(is_split_space));
        return match val {
            Some(v) if !v.is_empty() || !key.is_empty() => Ok(vec![(key.to_string(), v.to_string())]),
            _ => Err(parse_err(format!("{kind} must have two arguments"))),
        };
    }
    words
        .iter()
        .map(|w| match w.split_once('=') {
            Some((k, v)) => Ok((k.to_string(), v.to_string())),
            None => Err(parse_err(format!(
                "Syntax error - can't find = in {}. Must be of the form: name=value",
                super::go::quote(w)
            ))),
        })
        .collect()
}

/// BuildKit's argument count for an instruction, and the parser-stage problem, if any.
pub fn node_args(kind: Kind, rest: &str, escape: char) -> Result<usize, Problem> {
    let json = |t: &str| match parse_string_array(t) {
        None => Ok(None),
        Some(Ok(v)) => Ok(Some(v.len())),
        Some(Err(_)) => Err(parse_err(
            "when using JSON array syntax, arrays must be comprised of strings only",
        )),
    };
    Ok(match kind {
        Kind::Run | Kind::Cmd | Kind::Entrypoint | Kind::Shell => match json(rest)? {
            Some(n) => n,
            None => usize::from(!rest.is_empty()),
        },
        Kind::Add | Kind::Copy | Kind::Volume => match json(rest)? {
            Some(n) => n,
            None => split_ws(rest).len(),
        },
        Kind::Healthcheck => {
            if rest.is_empty() {
                0
            } else {
                let end = rest.bytes().position(super::scan::is_space_byte).unwrap_or(rest.len());
                let after = rest[end..].trim_start();
                1 + match json(after)? {
                    Some(n) => n,
                    None => usize::from(!after.is_empty()),
                }
            }
        }
        Kind::Env | Kind::Label => 3 * name_val_pairs(&kind.name().to_uppercase(), rest, escape)?.len(),
        Kind::Arg => parse_words(rest, escape).len(),
        Kind::From | Kind::Expose => split_ws(rest).len(),
        Kind::Maintainer | Kind::Stopsignal | Kind::User | Kind::Workdir => usize::from(!rest.is_empty()),
        Kind::Onbuild => usize::from(!rest.is_empty()),
        Kind::Unknown => 1,
    })
}

/// A flag BuildKit accepts on an instruction (`BFlags`): a boolean (`--link`, `--link=false`)
/// or a string, and whether it may be given more than once.
#[derive(Debug)]
pub struct FlagSpec {
    pub name: &'static str,
    pub bool: bool,
    pub repeat: bool,
}

/// The values `RUN --network` and `RUN --security` accept.
pub const NETWORK_MODES: [&str; 3] = ["default", "none", "host"];
pub const SECURITY_MODES: [&str; 2] = ["sandbox", "insecure"];

const fn s(name: &'static str) -> FlagSpec {
    FlagSpec {
        name,
        bool: false,
        repeat: false,
    }
}
const fn b(name: &'static str) -> FlagSpec {
    FlagSpec {
        name,
        bool: true,
        repeat: false,
    }
}
const fn r(name: &'static str) -> FlagSpec {
    FlagSpec {
        name,
        bool: false,
        repeat: true,
    }
}

const FROM_FLAGS: &[FlagSpec] = &[s("platform")];
const RUN_FLAGS: &[FlagSpec] = &[r("mount"), s("network"), s("security"), r("device")];
const COPY_FLAGS: &[FlagSpec] = &[s("from"), s("chown"), s("chmod"), b("link"), b("parents"), r("exclude")];
const ADD_FLAGS: &[FlagSpec] = &[
    s("chown"),
    s("chmod"),
    s("checksum"),
    b("link"),
    b("keep-git-dir"),
    b("unpack"),
    r("exclude"),
];
const HEALTHCHECK_FLAGS: &[FlagSpec] = &[
    s("interval"),
    s("timeout"),
    s("start-period"),
    s("start-interval"),
    s("retries"),
];

/// The flags BuildKit accepts on `kind` (none for ARG, STOPSIGNAL and the like).
pub fn flag_specs(kind: Kind) -> &'static [FlagSpec] {
    match kind {
        Kind::From => FROM_FLAGS,
        Kind::Run => RUN_FLAGS,
        Kind::Copy => COPY_FLAGS,
        Kind::Add => ADD_FLAGS,
        Kind::Healthcheck => HEALTHCHECK_FLAGS,
        _ => &[],
    }
}

/// BuildKit's `BFlags.Parse`.
fn check_flags(kind: Kind, words: &[String]) -> Result<(), Problem> {
    let specs = flag_specs(kind);
    let mut seen: Vec<&str> = Vec::new();
    for w in words {
        let arg = &w[2..];
        let (name, value) = match arg.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (arg, None),
        };
        let Some(spec) = specs.iter().find(|sp| sp.name == name) else {
            let mut msg = format!("unknown flag: --{name}");
            if let Some(best) = nearest(name, specs.iter().map(|sp| sp.name)) {
                msg.push_str(&format!(" (did you mean {best}?)"));
            }
            return Err(instr_err(msg));
        };
        if !spec.repeat {
            if seen.contains(&spec.name) {
                return Err(instr_err(format!("duplicate flag specified: --{name}")));
            }
            seen.push(spec.name);
        }
        match (spec.bool, value) {
            (true, Some("")) | (false, None) => return Err(instr_err(format!("missing a value on flag: --{name}"))),
            (true, Some(v)) if !v.eq_ignore_ascii_case("true") && !v.eq_ignore_ascii_case("false") => {
                return Err(instr_err(format!(
                    "expecting boolean value for flag --{name}, not: {v}"
                )));
            }
            _ => {}
        }
    }
    Ok(())
}

fn exactly_one(kind: Kind, nargs: usize) -> Result<(), Problem> {
    if nargs != 1 {
        return Err(instr_err(format!(
            "{} requires exactly one argument",
            kind.name().to_uppercase()
        )));
    }
    Ok(())
}

fn at_least_one(kind: Kind, nargs: usize) -> Result<(), Problem> {
    if nargs == 0 {
        return Err(instr_err(format!(
            "{} requires at least one argument",
            kind.name().to_uppercase()
        )));
    }
    Ok(())
}

fn valid_stage_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let mut chars = lower.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

/// `instructions.Parse` for one instruction (command word, flags, argument text).
pub fn check_instruction(
    command: &str,
    flags: &[String],
    rest: &str,
    nargs: usize,
    heredoc_count: usize,
    escape: char,
) -> Result<(), Problem> {
    let kind = Kind::from_word(command);
    let upper = kind.name().to_uppercase();
    match kind {
        Kind::Unknown => {
            let mut msg = format!("unknown instruction: {command}");
            let lower = command.to_ascii_lowercase();
            let best = nearest(&lower, Kind::ALL.iter().map(|(n, _)| *n));
            if let Some(best) = best.filter(|_| !command.is_empty()) {
                let shown = if command.chars().all(|c| !c.is_ascii_lowercase()) {
                    best.to_uppercase()
                } else {
                    best.to_string()
                };
                msg.push_str(&format!(" (did you mean {shown}?)"));
            }
            Err(instr_err(msg))
        }
        Kind::From => {
            let args = split_ws(rest);
            if !(args.len() == 1 || args.len() == 3 && args[1].eq_ignore_ascii_case("as")) {
                return Err(instr_err("FROM requires either one or three arguments"));
            }
            if args.len() == 3 && !valid_stage_name(args[2]) {
                return Err(instr_err(format!(
                    "invalid name for build stage: \"{}\", name can't start with a number or contain symbols",
                    args[2]
                )));
            }
            check_flags(kind, flags)
        }
        Kind::Run => {
            check_flags(kind, flags)?;
            for f in flags {
                let (name, value) = f[2..].split_once('=').unwrap_or((&f[2..], ""));
                match name {
                    "network" if !NETWORK_MODES.contains(&value) => {
                        return Err(instr_err(format!("invalid network mode \"{value}\"")));
                    }
                    "security" if !SECURITY_MODES.contains(&value) => {
                        return Err(instr_err(format!("security \"{value}\" is not valid")));
                    }
                    _ => {}
                }
            }
            Ok(())
        }
        Kind::Copy | Kind::Add => {
            if nargs < 2 {
                return Err(instr_err(format!(
                    "{upper} requires at least two arguments, but only one was provided. Destination could not be determined"
                )));
            }
            check_flags(kind, flags)?;
            if heredoc_count > 0 && parse_string_array(rest).is_none() {
                let last = split_ws(rest).last().copied().unwrap_or_default();
                if last.starts_with("<<") || last.trim_start_matches(|c: char| c.is_ascii_digit()).starts_with("<<") {
                    return Err(instr_err(format!("{upper} cannot accept a heredoc as a destination")));
                }
            }
            Ok(())
        }
        Kind::Env | Kind::Label => {
            check_flags(kind, flags)?;
            if nargs == 0 {
                return Err(instr_err(format!("{upper} requires at least one argument")));
            }
            let pairs = name_val_pairs(&upper, rest, escape).unwrap_or_default();
            if pairs.iter().any(|(k, _)| k.is_empty()) {
                return Err(instr_err(format!("{upper} names can not be blank")));
            }
            Ok(())
        }
        Kind::Cmd | Kind::Entrypoint => check_flags(kind, flags),
        Kind::Shell => {
            check_flags(kind, flags)?;
            match parse_string_array(rest) {
                Some(Ok(v)) if v.is_empty() => Err(instr_err("SHELL requires at least one argument")),
                Some(Ok(_)) => Ok(()),
                _ => Err(instr_err("SHELL requires the arguments to be in JSON form")),
            }
        }
        Kind::Maintainer | Kind::Workdir | Kind::User => {
            exactly_one(kind, nargs)?;
            check_flags(kind, flags)
        }
        Kind::Stopsignal => exactly_one(kind, nargs),
        Kind::Expose => {
            at_least_one(kind, nargs)?;
            check_flags(kind, flags)
        }
        Kind::Volume => {
            at_least_one(kind, nargs)?;
            check_flags(kind, flags)?;
            if let Some(Ok(v)) = parse_string_array(rest)
                && v.iter().any(|s| s.value.trim().is_empty())
            {
                return Err(instr_err("VOLUME specified can not be an empty string"));
            }
            Ok(())
        }
        Kind::Arg => {
            at_least_one(kind, nargs)?;
            if parse_words(rest, escape)
                .iter()
                .any(|w| w.split('=').next().unwrap_or_default().is_empty())
            {
                return Err(instr_err("ARG names can not be blank"));
            }
            Ok(())
        }
        Kind::Onbuild => {
            at_least_one(kind, nargs)?;
            check_flags(kind, flags)?;
            let trigger = rest
                .split(is_split_space)
                .next()
                .unwrap_or_default()
                .to_ascii_uppercase();
            match trigger.as_str() {
                "ONBUILD" => Err(instr_err("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")),
                "FROM" | "MAINTAINER" => Err(instr_err(format!("{trigger} isn't allowed as an ONBUILD trigger"))),
                _ => Ok(()),
            }
        }
        Kind::Healthcheck => {
            at_least_one(kind, nargs)?;
            let end = rest.bytes().position(super::scan::is_space_byte).unwrap_or(rest.len());
            let typ = rest[..end].to_uppercase();
            let after = rest[end..].trim();
            match typ.as_str() {
                "NONE" if !after.is_empty() => Err(instr_err("HEALTHCHECK NONE takes no arguments")),
                "NONE" => Ok(()),
                "CMD" => {
                    check_flags(kind, flags)?;
                    if after.is_empty() {
                        return Err(instr_err("Missing command after HEALTHCHECK CMD"));
                    }
                    Ok(())
                }
                _ => {
                    check_flags(kind, flags)?;
                    Err(instr_err(format!("Unknown type \"{typ}\" in HEALTHCHECK (try CMD)")))
                }
            }
        }
    }
}

/// Checks that need the raw instruction: the parser-stage problems and then
/// `instructions.Parse`. Returns BuildKit's argument count too.
pub fn check_raw(raw: &RawInstruction, escape: char) -> (usize, Result<(), Problem>) {
    let kind = Kind::from_word(&raw.command_text);
    let rest = raw.rest_text();
    let nargs = match node_args(kind, rest, escape) {
        Ok(n) => n,
        Err(p) => return (0, Err(p)),
    };
    let flags: Vec<String> = raw.flags.iter().map(|f| f.word.clone()).collect();
    if kind == Kind::Onbuild && !rest.is_empty() {
        // the trigger's own parser-stage problems
        let cmd_len = rest.find(is_split_space).unwrap_or(rest.len());
        let inner_kind = Kind::from_word(&rest[..cmd_len]);
        let inner_rest = rest[cmd_len..].trim_start_matches(is_split_space);
        let inner_rest = skip_flags(inner_rest);
        if let Err(p) = node_args(inner_kind, inner_rest, escape) {
            return (nargs, Err(p));
        }
    }
    (
        nargs,
        check_instruction(&raw.command_text, &flags, rest, nargs, raw.heredocs.len(), escape),
    )
}

fn skip_flags(text: &str) -> &str {
    let mut t = text;
    while t.starts_with("--") {
        let end = t.find(is_split_space).unwrap_or(t.len());
        t = t[end..].trim_start_matches(is_split_space);
    }
    t.trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(line: &str) -> Result<(), String> {
        let s = super::super::scan::scan(line);
        let raw = s.instructions.last().unwrap();
        check_raw(raw, '\\').1.map_err(|p| p.message)
    }

    #[test]
    fn messages() {
        assert_eq!(check("BOGUS x").unwrap_err(), "unknown instruction: BOGUS");
        assert_eq!(
            check("fron x").unwrap_err(),
            "unknown instruction: fron (did you mean from?)"
        );
        assert_eq!(
            check("ENDV x").unwrap_err(),
            "unknown instruction: ENDV (did you mean ENV?)"
        );
        assert_eq!(
            check("FROM a b").unwrap_err(),
            "FROM requires either one or three arguments"
        );
        assert_eq!(
            check("FROM a AS 1x").unwrap_err(),
            "invalid name for build stage: \"1x\", name can't start with a number or contain symbols"
        );
        assert!(check("FROM a AS My_stage.1-x").is_ok());
        assert_eq!(check("COPY --from a b").unwrap_err(), "missing a value on flag: --from");
        assert_eq!(check("COPY --user=a a b").unwrap_err(), "unknown flag: --user");
        assert_eq!(
            check("COPY --fro=a a b").unwrap_err(),
            "unknown flag: --fro (did you mean from?)"
        );
        assert_eq!(
            check("COPY --link=maybe a b").unwrap_err(),
            "expecting boolean value for flag --link, not: maybe"
        );
        assert_eq!(
            check("COPY --from=a --from=b a b").unwrap_err(),
            "duplicate flag specified: --from"
        );
        assert_eq!(
            check("COPY a").unwrap_err(),
            "COPY requires at least two arguments, but only one was provided. Destination could not be determined"
        );
        assert_eq!(check("RUN --network=$X a").unwrap_err(), "invalid network mode \"$X\"");
        assert_eq!(check("ENV a").unwrap_err(), "ENV must have two arguments");
        assert_eq!(
            check("ENV a=b c").unwrap_err(),
            "Syntax error - can't find = in \"c\". Must be of the form: name=value"
        );
        assert_eq!(check("ENV =x").unwrap_err(), "ENV names can not be blank");
        assert_eq!(
            check("CMD [\"a\", 1]").unwrap_err(),
            "when using JSON array syntax, arrays must be comprised of strings only"
        );
        assert_eq!(
            check("SHELL sh -c").unwrap_err(),
            "SHELL requires the arguments to be in JSON form"
        );
        assert_eq!(check("USER").unwrap_err(), "USER requires exactly one argument");
        assert_eq!(
            check("HEALTHCHECK").unwrap_err(),
            "HEALTHCHECK requires at least one argument"
        );
        assert_eq!(
            check("HEALTHCHECK CONNECT x").unwrap_err(),
            "Unknown type \"CONNECT\" in HEALTHCHECK (try CMD)"
        );
        assert_eq!(
            check("HEALTHCHECK CMD").unwrap_err(),
            "Missing command after HEALTHCHECK CMD"
        );
        assert_eq!(
            check("ONBUILD ONBUILD RUN a").unwrap_err(),
            "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"
        );
        assert_eq!(
            check("VOLUME [\"\"]").unwrap_err(),
            "VOLUME specified can not be an empty string"
        );
        assert!(check("ARG --whatever a").is_ok());
        assert!(check("STOPSIGNAL --x SIGTERM").is_ok());
    }

    #[test]
    fn words() {
        assert_eq!(
            parse_words(r#"a "b c" 'd\' e\ f"#, '\\'),
            ["a", "\"b c\"", "'d\\'", "e\\ f"]
        );
        assert_eq!(parse_words(r#"x="" y"#, '\\'), ["x=\"\"", "y"]);
        assert_eq!(node_args(Kind::Env, "a b c", '\\'), Ok(3));
        assert_eq!(node_args(Kind::Env, "a=1 b=2", '\\'), Ok(6));
    }
}

//! The shell script of a `RUN` instruction, parsed with tree-sitter-bash into the simple
//! commands it runs.
//!
//! [`parse_script`] takes the script text (a same-length copy of the `RUN` body, or of a heredoc
//! body) and the byte offset of its first byte in the Dockerfile, and returns every simple
//! command in source order with exact byte ranges into the Dockerfile.
//!
//! What counts as a command:
//! * every `command` node (`VAR=x name arg… >redirect`);
//! * a bare assignment statement (`A=1`, `A=1 B=2`): a [`Command`] with `assignments` and **no
//!   words** (so [`Command::name`] is `None`);
//! * `export`/`declare`/`typeset`/`local`/`readonly` and `unset`: a [`Command`] whose first word is
//!   the keyword and whose other words are its operands (`A=b` is one word); see
//!   [`Command::declarations`].
//!
//! `[ … ]`/`[[ … ]]` test commands are not reported (their operands are expressions, not words),
//! but commands substituted inside them are.

use std::cell::RefCell;

use serde::Serialize;
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, PoisonError};
use tree_sitter::{Node, Parser};

use crate::syntax::model::VarRef;
use crate::syntax::text::TextRange;

/// A parsed script.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Script {
    /// Every simple command, in source order (by start offset).
    pub commands: Vec<Command>,
    /// The tree had an ERROR or MISSING node (or was too deeply nested to walk fully): the
    /// commands are a best effort.
    pub has_error: bool,
    /// Every variable the script reads with `$NAME` or `${NAME…}` (not inside single quotes or
    /// a quoted-marker heredoc, not a bare name in `$(( ))`), in source order.
    pub vars: Vec<VarRef>,
    /// The names the script sets itself: assignments (`X=1`, `export X=1`, `local X`), loop
    /// variables (`for X in`), and the operands of `read`, `unset`, `getopts`, `mapfile`,
    /// `readarray`, `export`, `declare`, `typeset`, `local` and `readonly`.
    pub sets: Vec<String>,
}

/// One simple command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Command {
    /// The whole simple command: assignment prefixes, words and redirects on its own line
    /// (a here-document's body is not included).
    pub range: TextRange,
    /// Inline `VAR=x` prefixes. For a bare assignment statement (`A=1`), its assignments; for a
    /// declaration command (`export A=1 B=$x`), its `NAME=value` operands (which are also in
    /// `words`), so that a non-literal value still has a name.
    pub assignments: Vec<Assignment>,
    /// Command name first, then the arguments, in source order; redirect operators and their
    /// targets are excluded. Empty for a bare assignment statement.
    pub words: Vec<Word>,
    /// How this command is joined to the previous command of the same sequence (see
    /// [`Connector`]); `None` for the first command of a script, of a `$(…)`, of a subshell or
    /// of a compound command's body, and for the first command of an `if`/`while`/`for`/`case`
    /// condition or body.
    pub connector: Option<Connector>,
    /// The command does not run in the script's own top-level shell: it is inside a command
    /// substitution (`$(…)`, `` `…` ``), a process substitution (`<(…)`, `>(…)`), a subshell
    /// `( … )`, or a function body. Members of a pipeline are *not* marked nested.
    pub nested: bool,
    /// The command may not run even when the script runs to completion: it is in a
    /// `then`/`elif`/`else` branch (an `elif` condition included), a `while`/`until`/`for` body,
    /// a `case` branch, a function body, or the right side of `||`. The first `if` condition and a
    /// `while` condition always run and are not conditional; the right side of `&&` is not
    /// conditional. Inherited by everything inside (including `$(…)` within such a command).
    pub conditional: bool,
    /// The wrappers peeled off, worked out once when the command is built (see
    /// [`Command::effective`]).
    #[serde(skip)]
    unwrapped: Unwrapped,
}

/// What peeling a command's wrappers gives (see [`Command::effective`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Unwrapped {
    /// Index in `words` of the effective command's name.
    start: usize,
    /// [`Effective::env`].
    env: Vec<(String, Option<String>)>,
    /// How many of the first entries of `env` are the command's own `assignments`.
    own: usize,
    /// [`Effective::user`].
    user: Option<String>,
}

/// The operator that joins a command to the previous one.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Connector {
    pub kind: ConnectorKind,
    /// The `&&`, `||`, `;`, `&`, `|` or `|&` token, or the newline byte.
    pub range: TextRange,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ConnectorKind {
    /// `&&`
    And,
    /// `||`
    Or,
    /// `;`, a newline, or `&` (a background job; the next command starts without waiting).
    Seq,
    /// `|` or `|&`
    Pipe,
}

/// One word of a command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Word {
    pub range: TextRange,
    /// The literal value after quote removal; `None` when the word has a parameter expansion,
    /// command or process substitution, arithmetic expansion, or an unquoted glob (`*`, `?`,
    /// `[…]`), brace expansion (`{a,b}`, `{1..3}`) or leading tilde: slice the source with
    /// `range` for the pattern's text.
    pub value: Option<String>,
}

/// A `NAME=value` assignment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Assignment {
    /// The name (`A`, or `a[1]` for an array element).
    pub name: String,
    /// The literal value after quote removal; `None` when it is not a literal (see
    /// [`Word::value`]; a tilde after `=` or `:` also counts), an array `(…)`, or an append `+=`.
    pub value: Option<String>,
    pub range: TextRange,
}

/// A command with wrappers peeled off; see [`Command::effective`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Effective<'a> {
    /// The effective command: its name first.
    pub words: &'a [Word],
    /// The environment assignments that apply, in order: `assignments`, then `env`/`sudo`
    /// `NAME=value` operands. `env -i` drops the earlier ones and `env -u NAME` removes one.
    /// A non-literal operand (`env A=$X cmd`) cannot be told from a command name: peeling stops
    /// there, and `words` starts with it.
    pub env: &'a [(String, Option<String>)],
    /// The user that a peeled `sudo` (`-u USER`, else `root`), `gosu USER[:GROUP]` or
    /// `su-exec USER[:GROUP]` switches to (the innermost one; the group is dropped). `None`
    /// when no such wrapper was peeled.
    pub user: Option<&'a str>,
}

/// One operand of a declaration command (`export A=b C`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Declaration<'a> {
    pub name: &'a str,
    /// The literal value (`None` when it is not literal, or when there is no `=`).
    pub value: Option<&'a str>,
    /// The operand has `=` (`export A=b`), as opposed to a bare name (`export C`).
    pub assigns: bool,
    pub word: &'a Word,
}

thread_local! {
    static PARSER: RefCell<Parser> = RefCell::new(new_parser());
}

/// The node kinds [`variables`] looks for, by id (cheaper than comparing names).
struct Kinds {
    simple_expansion: u16,
    expansion: u16,
    declaration_command: u16,
    unset_command: u16,
    for_statement: u16,
    variable_assignment: u16,
    command: u16,
    variable_name: u16,
    subscript: u16,
    word: u16,
}

static KINDS: LazyLock<Kinds> = LazyLock::new(|| {
    let language: tree_sitter::Language = tree_sitter_bash::LANGUAGE.into();
    let id = |kind: &str| language.id_for_node_kind(kind, true);
    Kinds {
        simple_expansion: id("simple_expansion"),
        expansion: id("expansion"),
        declaration_command: id("declaration_command"),
        unset_command: id("unset_command"),
        for_statement: id("for_statement"),
        variable_assignment: id("variable_assignment"),
        command: id("command"),
        variable_name: id("variable_name"),
        subscript: id("subscript"),
        word: id("word"),
    }
});

fn new_parser() -> Parser {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_bash::LANGUAGE.into())
        .expect("tree-sitter-bash is compatible with the linked tree-sitter");
    parser
}

/// Scripts parsed before, by their text (at offset 0): the next parse of an open document takes
/// the commands of a script whose text did not change from here, moved to where it now is, and
/// parses only the others. Holds the scripts of the last parse that used it, no more.
#[derive(Clone, Debug, Default)]
pub struct Scripts {
    pub(super) parsed: HashMap<String, Script>,
}

impl Scripts {
    /// How many scripts are kept.
    pub fn len(&self) -> usize {
        self.parsed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parsed.is_empty()
    }
}

/// One parse that takes scripts from the last one and keeps what it used for the next.
pub(super) struct Reuse<'a> {
    old: &'a Scripts,
    new: Mutex<HashMap<String, Script>>,
}

impl<'a> Reuse<'a> {
    pub fn new(old: &'a Scripts) -> Reuse<'a> {
        Reuse {
            old,
            new: Mutex::default(),
        }
    }

    /// The commands of `script` (whose first byte is at `base`).
    pub fn script(&self, script: &str, base: usize) -> Script {
        let at_zero = match self.old.parsed.get(script) {
            Some(s) => s.clone(),
            None => parse_script(script, 0),
        };
        let mut new = self.new.lock().unwrap_or_else(PoisonError::into_inner);
        new.insert(script.to_string(), at_zero.clone());
        at_zero.moved(base)
    }

    /// The scripts this parse used.
    pub fn into_scripts(self) -> Scripts {
        Scripts {
            parsed: self.new.into_inner().unwrap_or_else(PoisonError::into_inner),
        }
    }
}

impl Script {
    /// The same script `by` bytes further into the file.
    fn moved(mut self, by: usize) -> Script {
        for c in &mut self.commands {
            c.range = c.range.shift(by);
            for a in &mut c.assignments {
                a.range = a.range.shift(by);
            }
            for w in &mut c.words {
                w.range = w.range.shift(by);
            }
            if let Some(k) = &mut c.connector {
                k.range = k.range.shift(by);
            }
        }
        for v in &mut self.vars {
            v.range = v.range.shift(by);
        }
        self
    }
}

/// Parses `script` (whose first byte is at `base` in the Dockerfile) and returns its commands.
pub fn parse_script(script: &str, base: usize) -> Script {
    if is_blank(script) {
        return Script::default();
    }
    let tree = PARSER.with(|parser| parser.borrow_mut().parse(script, None));
    let Some(tree) = tree else {
        return Script {
            has_error: true,
            ..Script::default()
        };
    };
    let root = tree.root_node();
    let mut walker = Walker {
        src: script,
        base,
        out: Vec::new(),
        pending: None,
        too_deep: false,
    };
    walker.seq(root, Ctx::default(), 0);
    let mut commands = walker.out;
    for command in &mut commands {
        command.words.sort_by_key(|w| w.range.start);
    }
    commands.sort_by_key(|c| c.range.start);
    let (vars, sets) = variables(root, script, base);
    Script {
        commands,
        has_error: root.has_error() || walker.too_deep,
        vars,
        sets,
    }
}

/// The names of `$NAME` and `${…NAME…}` (tree-sitter-bash's `simple_expansion` and
/// `expansion` with a `variable_name` child), and the names the script sets (see
/// [`Script::sets`]), walked without recursion.
fn variables(root: Node<'_>, script: &str, base: usize) -> (Vec<VarRef>, Vec<String>) {
    let k = &*KINDS;
    let mut out = Vec::new();
    let mut sets: Vec<String> = Vec::new();
    let text = |n: Node| script[n.byte_range()].to_string();
    // the `variable_name` children of a node (looked for from the parent: `Node::parent` walks
    // down from the root each time)
    fn names(n: Node<'_>, variable_name: u16) -> Vec<Node<'_>> {
        let mut c = n.walk();
        n.named_children(&mut c)
            .filter(|c| c.kind_id() == variable_name)
            .collect()
    }
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        let kind = node.kind_id();
        if kind == k.simple_expansion || kind == k.expansion {
            out.extend(names(node, k.variable_name).into_iter().map(|name| VarRef {
                name: text(name),
                range: TextRange::new(base + name.start_byte(), base + name.end_byte()),
            }));
        } else if kind == k.declaration_command || kind == k.unset_command || kind == k.for_statement {
            sets.extend(names(node, k.variable_name).into_iter().map(text));
        } else if kind == k.variable_assignment {
            // `a[1]=x` sets `a`
            let name = node
                .child_by_field_name("name")
                .map(|n| match n.kind_id() == k.subscript {
                    true => n.child_by_field_name("name").unwrap_or(n),
                    false => n,
                });
            sets.extend(name.map(text));
        } else if kind == k.command
            && node
                .child_by_field_name("name")
                .is_some_and(|n| matches!(&script[n.byte_range()], "read" | "getopts" | "mapfile" | "readarray"))
        {
            let mut c = node.walk();
            sets.extend(
                node.children_by_field_name("argument", &mut c)
                    .filter(|n| n.kind_id() == k.word)
                    .map(text)
                    .filter(|w| w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')),
            );
        }
        if cursor.goto_first_child() || cursor.goto_next_sibling() {
            continue;
        }
        loop {
            if !cursor.goto_parent() {
                return (out, sets);
            }
            if cursor.goto_next_sibling() {
                break;
            }
        }
    }
}

/// Only whitespace and line continuations (which tree-sitter-bash takes for an error).
fn is_blank(script: &str) -> bool {
    let mut bytes = script.bytes().peekable();
    while let Some(b) = bytes.next() {
        match b {
            b'\\' if bytes.next_if_eq(&b'\n').is_some() => {}
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => {}
            _ => return false,
        }
    }
    true
}

impl Command {
    /// The basename of the command name's literal value (`/usr/bin/pip3` → `pip3`).
    pub fn name(&self) -> Option<&str> {
        word_name(self.words.first()?)
    }

    /// The command with wrappers peeled off: `sudo [opts] [VAR=x…]`, `env [opts] [VAR=x…]`,
    /// `exec [-cl] [-a name]`, `nice [-n N]`, `time [-p]`, `command [-p]`, `nohup`, and
    /// `gosu USER` / `su-exec USER`. A wrapper is kept (not peeled) when it has an option this
    /// does not know, runs no command (`env` alone, `command -v x`, `sudo -l`), or its next word
    /// is not literal.
    pub fn effective(&self) -> Effective<'_> {
        let u = &self.unwrapped;
        Effective {
            words: &self.words[u.start..],
            env: &u.env,
            user: u.user.as_deref(),
        }
    }

    /// The assignments of [`Effective::env`] that wrappers make (`env A=1 cmd`), without the
    /// command's own inline ones (`A=1 cmd`).
    pub fn wrapper_env(&self) -> &[(String, Option<String>)] {
        &self.unwrapped.env[self.unwrapped.own..]
    }

    /// A command; its wrappers are peeled here, once.
    pub fn new(
        range: TextRange,
        assignments: Vec<Assignment>,
        words: Vec<Word>,
        connector: Option<Connector>,
        nested: bool,
        conditional: bool,
    ) -> Command {
        let unwrapped = unwrap(&assignments, &words);
        Command {
            range,
            assignments,
            words,
            connector,
            nested,
            conditional,
            unwrapped,
        }
    }

    /// The operands of `export`, `declare`, `typeset`, `local`, `readonly` (options skipped);
    /// empty for any other command.
    pub fn declarations(&self) -> Vec<Declaration<'_>> {
        if !matches!(
            self.name(),
            Some("export" | "declare" | "typeset" | "local" | "readonly")
        ) {
            return Vec::new();
        }
        let mut out = Vec::new();
        for word in &self.words[1..] {
            if let Some(a) = self.assignments.iter().find(|a| a.range == word.range) {
                out.push(Declaration {
                    name: &a.name,
                    value: a.value.as_deref(),
                    assigns: true,
                    word,
                });
            } else if let Some(v) = word.value.as_deref()
                && is_name(v)
            {
                out.push(Declaration {
                    name: v,
                    value: None,
                    assigns: false,
                    word,
                });
            }
        }
        out
    }
}

impl Effective<'_> {
    /// The basename of the effective command name.
    pub fn name(&self) -> Option<&str> {
        word_name(self.words.first()?)
    }
}

fn word_name(word: &Word) -> Option<&str> {
    let v = word.value.as_deref()?;
    let base = v.rsplit('/').next().unwrap_or(v);
    if base.is_empty() { None } else { Some(base) }
}

/// A word in option position whose value is unknown: only `-…` (literal) would be an option.
fn word_text_starts_with_dash(word: &Word) -> bool {
    word.value.as_deref().is_some_and(|v| v.starts_with('-'))
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// A literal `NAME=value` operand of `env` or `sudo`: the name and the value.
fn env_operand(word: &Word) -> Option<(&str, Option<&str>)> {
    let (name, value) = word.value.as_deref()?.split_once('=')?;
    is_name(name).then_some((name, Some(value)))
}

// ---------------------------------------------------------------------------------------------
// Wrappers

struct Peeled<'a> {
    /// Words after the wrapper's name that belong to the wrapper.
    skip: usize,
    env: Vec<(&'a str, Option<&'a str>)>,
    unset: Vec<&'a str>,
    clear_env: bool,
    user: Option<&'a str>,
}

/// The options of one wrapper: short flags, short options taking an argument, long options
/// (`Some(true)` when the option takes an argument, which may also follow `=`).
struct OptSpec {
    flags: &'static str,
    with_arg: &'static str,
    long: &'static [(&'static str, bool)],
}

enum OptEvent<'a> {
    Flag(char),
    Arg(char, &'a str),
    Long(&'a str, Option<&'a str>),
}

/// Reads the options at the start of `words` per `spec`, calling `on` for each; stops at `--`
/// (consumed), at the first non-option, or fails (`None`) on an unknown option, a non-literal
/// word in option position, or when `on` returns false.
fn read_options<'a>(words: &'a [Word], spec: &OptSpec, mut on: impl FnMut(OptEvent<'a>) -> bool) -> Option<usize> {
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
fn env_operands<'a>(words: &'a [Word], from: usize, env: &mut Vec<(&'a str, Option<&'a str>)>) -> usize {
    let mut i = from;
    while let Some(pair) = words.get(i).and_then(env_operand) {
        env.push(pair);
        i += 1;
    }
    i
}

/// Peels the wrappers off a command (see [`Command::effective`]).
fn unwrap(assignments: &[Assignment], words: &[Word]) -> Unwrapped {
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

fn peel<'a>(name: &str, rest: &'a [Word]) -> Option<Peeled<'a>> {
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

// ---------------------------------------------------------------------------------------------
// The tree walk

/// Where a statement runs.
#[derive(Copy, Clone, Debug, Default)]
struct Ctx {
    nested: bool,
    conditional: bool,
}

impl Ctx {
    fn nested(self) -> Self {
        Self { nested: true, ..self }
    }
    fn conditional(self) -> Self {
        Self {
            conditional: true,
            ..self
        }
    }
}

/// Deeper than this, the walk stops (and the script is marked `has_error`), so that
/// pathological input cannot overflow the stack.
const MAX_DEPTH: usize = 200;

struct Walker<'s> {
    src: &'s str,
    base: usize,
    out: Vec<Command>,
    /// The connector that the next command of the current sequence takes.
    pending: Option<Connector>,
    too_deep: bool,
}

fn is_statement(kind: &str) -> bool {
    matches!(
        kind,
        "c_style_for_statement"
            | "case_statement"
            | "command"
            | "compound_statement"
            | "declaration_command"
            | "for_statement"
            | "function_definition"
            | "if_statement"
            | "list"
            | "negated_command"
            | "pipeline"
            | "redirected_statement"
            | "subshell"
            | "test_command"
            | "unset_command"
            | "variable_assignment"
            | "variable_assignments"
            | "while_statement"
    )
}

fn connector_kind(kind: &str) -> Option<ConnectorKind> {
    match kind {
        "&&" => Some(ConnectorKind::And),
        "||" => Some(ConnectorKind::Or),
        ";" | "&" => Some(ConnectorKind::Seq),
        "|" | "|&" => Some(ConnectorKind::Pipe),
        _ => None,
    }
}

fn children(node: Node<'_>) -> impl Iterator<Item = Node<'_>> {
    let mut cursor = node.walk();
    let mut done = !cursor.goto_first_child();
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let n = cursor.node();
        done = !cursor.goto_next_sibling();
        Some(n)
    })
}

/// The children with their field names.
fn fielded<'t>(node: Node<'t>) -> impl Iterator<Item = (Option<&'t str>, Node<'t>)> {
    let mut cursor = node.walk();
    let mut done = !cursor.goto_first_child();
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let item = (cursor.field_name(), cursor.node());
        done = !cursor.goto_next_sibling();
        Some(item)
    })
}

impl<'s> Walker<'s> {
    fn range(&self, start: usize, end: usize) -> TextRange {
        TextRange::new(self.base + start, self.base + end)
    }

    fn node_range(&self, node: Node<'_>) -> TextRange {
        self.range(node.start_byte(), node.end_byte())
    }

    fn text(&self, node: Node<'_>) -> &'s str {
        &self.src[node.byte_range()]
    }

    fn deep(&mut self, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            self.too_deep = true;
        }
        self.too_deep
    }

    /// Walks the children of a node that holds a sequence of statements separated by
    /// connector tokens or newlines (program, `{ }`, `( )`, `do … done`, branches, pipelines…).
    /// Keywords and brackets reset the pending connector.
    fn seq(&mut self, node: Node<'_>, ctx: Ctx, depth: usize) {
        if self.deep(depth) {
            return;
        }
        let mut prev_end: Option<usize> = None;
        for child in children(node) {
            self.seq_item(child, ctx, &mut prev_end, depth);
        }
    }

    /// One child of a sequence; for a statement, returns `Some` of what [`Self::statement`]
    /// returned.
    fn seq_item(
        &mut self,
        child: Node<'_>,
        ctx: Ctx,
        prev_end: &mut Option<usize>,
        depth: usize,
    ) -> Option<Option<usize>> {
        if !child.is_named() {
            self.pending = connector_kind(child.kind()).map(|kind| Connector {
                kind,
                range: self.node_range(child),
            });
            *prev_end = None;
        } else if is_statement(child.kind()) {
            if self.pending.is_none()
                && let Some(end) = *prev_end
            {
                self.pending = self.newline_between(end, child.start_byte());
            }
            let last = self.statement(child, ctx, depth + 1);
            *prev_end = Some(child.end_byte());
            return Some(last);
        } else if child.kind() == "ERROR" {
            // Error recovery: the statements inside still count, in the same sequence.
            if self.deep(depth) {
                return None;
            }
            let mut last = None;
            for grandchild in children(child) {
                if let Some(l) = self.seq_item(grandchild, ctx, prev_end, depth + 1) {
                    last = Some(l);
                }
            }
            return last;
        } else if child.kind() != "comment" {
            self.expr(child, ctx, depth + 1);
        }
        None
    }

    /// The first newline between two statements that is not a line continuation.
    fn newline_between(&self, start: usize, end: usize) -> Option<Connector> {
        let gap = self.src.get(start..end)?.as_bytes();
        let at = (0..gap.len()).find(|&i| {
            gap[i] == b'\n'
                && !(i > 0 && gap[i - 1] == b'\\' || i == 0 && start > 0 && self.src.as_bytes()[start - 1] == b'\\')
        })?;
        Some(Connector {
            kind: ConnectorKind::Seq,
            range: self.range(start + at, start + at + 1),
        })
    }

    /// A nested sequence (`$(…)`, `( … )`, a compound body): starts with no connector; the
    /// connector pending outside is restored afterwards when `restore`.
    fn scope(&mut self, node: Node<'_>, ctx: Ctx, depth: usize, restore: bool) {
        let saved = self.pending.take();
        self.seq(node, ctx, depth);
        self.pending = if restore { saved } else { None };
    }

    /// Walks one statement; returns the index (in `out`) of its last simple command at this
    /// level (for a command, list or pipeline), which trailing redirects belong to.
    fn statement(&mut self, node: Node<'_>, ctx: Ctx, depth: usize) -> Option<usize> {
        if self.deep(depth) {
            return None;
        }
        match node.kind() {
            "command" => Some(self.command(node, &[], ctx, depth)),
            "redirected_statement" => self.redirected(node, ctx, depth),
            "list" => self.list(node, ctx, depth),
            "pipeline" => {
                let mut last = None;
                let mut prev_end = None;
                for child in children(node) {
                    if let Some(l) = self.seq_item(child, ctx, &mut prev_end, depth) {
                        last = l;
                    }
                }
                last
            }
            "negated_command" => {
                let mut last = None;
                for child in children(node) {
                    if child.is_named() && is_statement(child.kind()) {
                        last = self.statement(child, ctx, depth + 1);
                    } else if child.is_named() {
                        self.expr(child, ctx, depth + 1);
                    }
                }
                last
            }
            "variable_assignment" | "variable_assignments" => {
                let assignments: Vec<Node<'_>> = if node.kind() == "variable_assignment" {
                    vec![node]
                } else {
                    children(node).filter(|c| c.kind() == "variable_assignment").collect()
                };
                let assignments = assignments.into_iter().map(|a| self.assignment(a)).collect();
                let idx = self.emit(self.node_range(node), assignments, Vec::new(), ctx);
                self.expr_children(node, ctx, depth);
                Some(idx)
            }
            "declaration_command" | "unset_command" => Some(self.declaration(node, ctx, depth)),
            "subshell" => {
                self.scope(node, ctx.nested(), depth + 1, false);
                None
            }
            "compound_statement" => {
                self.scope(node, ctx, depth + 1, false);
                None
            }
            "if_statement" => {
                self.pending = None;
                let mut prev_end = None;
                for (field, child) in fielded(node) {
                    let inner = match (field, child.kind()) {
                        (Some("condition"), _) => ctx,
                        (_, "elif_clause" | "else_clause") => {
                            self.pending = None;
                            self.seq(child, ctx.conditional(), depth + 1);
                            self.pending = None;
                            prev_end = None;
                            continue;
                        }
                        _ => ctx.conditional(),
                    };
                    self.seq_item(child, inner, &mut prev_end, depth);
                }
                self.pending = None;
                None
            }
            "while_statement" | "for_statement" | "c_style_for_statement" => {
                // `c_style_for_statement` holds arithmetic, where `i=0` is not a statement.
                let arithmetic = node.kind() == "c_style_for_statement";
                self.pending = None;
                let mut prev_end = None;
                for (field, child) in fielded(node) {
                    if field == Some("body") {
                        self.scope(child, ctx.conditional(), depth + 1, false);
                    } else if !arithmetic {
                        self.seq_item(child, ctx, &mut prev_end, depth);
                    } else if child.is_named() {
                        self.expr(child, ctx, depth + 1);
                    }
                }
                self.pending = None;
                None
            }
            "case_statement" => {
                self.pending = None;
                for child in children(node) {
                    if child.kind() == "case_item" {
                        self.scope(child, ctx.conditional(), depth + 1, false);
                    } else if child.is_named() {
                        self.expr(child, ctx, depth + 1);
                    }
                }
                self.pending = None;
                None
            }
            "function_definition" => {
                let inner = ctx.nested().conditional();
                for (field, child) in fielded(node) {
                    if field == Some("body") {
                        self.scope(child, inner, depth + 1, false);
                    } else if field != Some("name") && child.is_named() {
                        self.expr(child, inner, depth + 1);
                    }
                }
                self.pending = None;
                None
            }
            _ => {
                // test_command and anything unexpected: only what is substituted inside.
                self.expr_children(node, ctx, depth);
                self.pending = None;
                None
            }
        }
    }

    /// `a && b || c`: a left-leaning chain, walked without recursing down the left side.
    fn list(&mut self, node: Node<'_>, ctx: Ctx, depth: usize) -> Option<usize> {
        let mut chain = vec![node];
        let mut leftmost = node;
        while let Some(first) = leftmost.named_child(0)
            && first.kind() == "list"
            && first.start_byte() == leftmost.start_byte()
        {
            chain.push(first);
            leftmost = first;
        }
        let mut last = None;
        let mut inner: Option<Node<'_>> = None;
        for list in chain.into_iter().rev() {
            let mut item_ctx = ctx;
            let mut prev_end = None;
            for child in children(list) {
                if Some(child) == inner {
                    // The nested list, already walked.
                    prev_end = Some(child.end_byte());
                    continue;
                }
                if child.kind() == "||" && !child.is_named() {
                    item_ctx = ctx.conditional();
                }
                if let Some(l) = self.seq_item(child, item_ctx, &mut prev_end, depth) {
                    last = l;
                }
            }
            inner = Some(list);
        }
        last
    }

    fn redirected(&mut self, node: Node<'_>, ctx: Ctx, depth: usize) -> Option<usize> {
        let body = node.child_by_field_name("body");
        let redirects: Vec<Node<'_>> = fielded(node)
            .filter(|(f, _)| *f != Some("body"))
            .map(|(_, n)| n)
            .collect();
        let last = match body {
            Some(b) if b.kind() == "command" => Some(self.command(b, &redirects, ctx, depth + 1)),
            Some(b) => {
                let last = self.statement(b, ctx, depth + 1);
                let attach = matches!(
                    b.kind(),
                    "list" | "pipeline" | "negated_command" | "redirected_statement"
                );
                if let (true, Some(idx)) = (attach, last) {
                    // `a | b > f`: bash gives the redirect to the last simple command.
                    self.attach_redirects(idx, &redirects, ctx, depth);
                    return last;
                }
                last
            }
            None => None,
        };
        if body.is_none_or(|b| b.kind() != "command") {
            for r in &redirects {
                if r.is_named() {
                    self.redirect_tail(*r, ctx, depth);
                }
            }
        }
        last
    }

    /// Emits a simple command; `redirects` are the redirects that a `redirected_statement`
    /// around it holds.
    fn command(&mut self, node: Node<'_>, redirects: &[Node<'_>], ctx: Ctx, depth: usize) -> usize {
        let mut assignments = Vec::new();
        let mut words = Vec::new();
        let mut end = node.end_byte();
        for (field, child) in fielded(node) {
            match (field, child.kind()) {
                (Some("name"), _) => words.push(self.word(child)),
                (Some("argument"), _) => words.push(self.word(child)),
                (Some("redirect"), _) => self.redirect_words(child, &mut words, &mut end),
                (_, "variable_assignment") => assignments.push(self.assignment(child)),
                _ => {}
            }
        }
        for r in redirects {
            if r.is_named() {
                self.redirect_words(*r, &mut words, &mut end);
            }
        }
        let range = self.range(node.start_byte(), end.max(node.end_byte()));
        let idx = self.emit(range, assignments, words, ctx);
        // Substitutions inside the command, then what follows a here-document's start.
        for child in children(node) {
            if child.is_named() {
                self.expr(child, ctx, depth + 1);
            }
        }
        for r in redirects {
            if r.is_named() {
                self.redirect_tail(*r, ctx, depth);
            }
        }
        idx
    }

    fn attach_redirects(&mut self, idx: usize, redirects: &[Node<'_>], ctx: Ctx, depth: usize) {
        let mut words = Vec::new();
        let mut end = self.out[idx].range.end - self.base;
        for r in redirects {
            if r.is_named() {
                self.redirect_words(*r, &mut words, &mut end);
            }
        }
        let command = &mut self.out[idx];
        command.range.end = command.range.end.max(self.base + end);
        command.words.extend(words);
        for r in redirects {
            if r.is_named() {
                self.redirect_tail(*r, ctx, depth);
            }
        }
    }

    /// The words hidden in a redirect (tree-sitter-bash takes `cmd >f a b` as a redirect with
    /// three destinations: `a` and `b` are arguments), and how far the command extends.
    fn redirect_words(&self, redirect: Node<'_>, words: &mut Vec<Word>, end: &mut usize) {
        match redirect.kind() {
            "file_redirect" => {
                let mut first = true;
                for (field, child) in fielded(redirect) {
                    if field == Some("destination") {
                        if !first {
                            words.push(self.word(child));
                        }
                        first = false;
                    }
                }
                *end = (*end).max(redirect.end_byte());
            }
            "heredoc_redirect" => {
                for (field, child) in fielded(redirect) {
                    match (field, child.kind()) {
                        (_, "heredoc_start") => *end = (*end).max(child.end_byte()),
                        (Some("argument"), _) => {
                            words.push(self.word(child));
                            *end = (*end).max(child.end_byte());
                        }
                        (Some("redirect"), _) => self.redirect_words(child, words, end),
                        _ => {}
                    }
                }
            }
            _ => *end = (*end).max(redirect.end_byte()),
        }
    }

    /// Substitutions in a redirect, and the statements that tree-sitter-bash hangs off a
    /// here-document redirect (`cat <<EOF > f && next`), which continue the sequence.
    fn redirect_tail(&mut self, redirect: Node<'_>, ctx: Ctx, depth: usize) {
        if redirect.kind() != "heredoc_redirect" {
            self.expr(redirect, ctx, depth + 1);
            return;
        }
        let mut right_ctx = ctx;
        let mut prev_end = None;
        for (field, child) in fielded(redirect) {
            match (field, child.kind()) {
                (Some("operator"), kind) => {
                    if kind == "||" {
                        right_ctx = ctx.conditional();
                    }
                    self.seq_item(child, ctx, &mut prev_end, depth);
                }
                (Some("right"), _) => {
                    self.seq_item(child, right_ctx, &mut prev_end, depth);
                }
                (_, "pipeline") => self.seq(child, ctx, depth + 1),
                (_, "heredoc_body") => {
                    let saved = self.pending.take();
                    self.expr(child, ctx, depth + 1);
                    self.pending = saved;
                }
                (_, "heredoc_start" | "heredoc_end") => {}
                (_, "ERROR") => {
                    self.seq_item(child, ctx, &mut prev_end, depth);
                }
                _ if child.is_named() => self.expr(child, ctx, depth + 1),
                _ => {}
            }
        }
    }

    /// `export A=b C`, `declare -x D=1`, `unset E`: a command named after the keyword.
    fn declaration(&mut self, node: Node<'_>, ctx: Ctx, depth: usize) -> usize {
        let mut words = Vec::new();
        let mut assignments = Vec::new();
        for child in children(node) {
            if !child.is_named() {
                if words.is_empty() {
                    let text = self.text(child);
                    words.push(Word {
                        range: self.node_range(child),
                        value: Some(text.to_owned()),
                    });
                }
            } else if child.kind() != "comment" {
                words.push(self.word(child));
                if child.kind() == "variable_assignment" {
                    assignments.push(self.assignment(child));
                }
            }
        }
        let idx = self.emit(self.node_range(node), assignments, words, ctx);
        self.expr_children(node, ctx, depth);
        idx
    }

    fn emit(&mut self, range: TextRange, assignments: Vec<Assignment>, words: Vec<Word>, ctx: Ctx) -> usize {
        let connector = self.pending.take();
        self.out.push(Command::new(
            range,
            assignments,
            words,
            connector,
            ctx.nested,
            ctx.conditional,
        ));
        self.out.len() - 1
    }

    fn expr_children(&mut self, node: Node<'_>, ctx: Ctx, depth: usize) {
        for child in children(node) {
            if child.is_named() {
                self.expr(child, ctx, depth + 1);
            }
        }
    }

    /// Finds the commands inside a non-statement node: command and process substitutions, and
    /// statements that error recovery left in odd places.
    fn expr(&mut self, node: Node<'_>, ctx: Ctx, depth: usize) {
        if self.deep(depth) {
            return;
        }
        match node.kind() {
            "command_substitution" | "process_substitution" => {
                self.scope(node, ctx.nested(), depth + 1, true);
            }
            "word"
            | "raw_string"
            | "ansi_c_string"
            | "string_content"
            | "variable_name"
            | "comment"
            | "heredoc_content"
            | "heredoc_start"
            | "heredoc_end"
            | "file_descriptor"
            | "special_variable_name"
            | "regex"
            | "extglob_pattern" => {}
            // Inside an expression, an assignment is an operand (`export A=$(x)`), not a
            // statement.
            kind if is_statement(kind) && kind != "variable_assignment" && kind != "variable_assignments" => {
                let saved = self.pending.take();
                self.statement(node, ctx, depth + 1);
                self.pending = saved;
            }
            _ => {
                if node.child_count() > 0 {
                    self.expr_children(node, ctx, depth);
                }
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Words

    fn word(&self, node: Node<'_>) -> Word {
        let mut acc = Acc::default();
        self.eval(node, &mut acc, 0);
        Word {
            range: self.node_range(node),
            value: acc.finish(node.kind() == "variable_assignment"),
        }
    }

    fn assignment(&self, node: Node<'_>) -> Assignment {
        let name = node
            .child_by_field_name("name")
            .map(|n| self.text(n).to_owned())
            .unwrap_or_default();
        let append = children(node).any(|c| !c.is_named() && c.kind() == "+=");
        let value = if append {
            None
        } else {
            match node.child_by_field_name("value") {
                None => Some(String::new()),
                Some(v) if v.kind() == "array" => None,
                Some(v) => {
                    let mut acc = Acc::default();
                    self.eval(v, &mut acc, 0);
                    acc.finish(true)
                }
            }
        };
        Assignment {
            name,
            value,
            range: self.node_range(node),
        }
    }

    /// Appends the parts of a word-like node to `acc`.
    fn eval(&self, node: Node<'_>, acc: &mut Acc, depth: usize) {
        if acc.unknown {
            return;
        }
        if depth > MAX_DEPTH {
            acc.unknown();
            return;
        }
        let text = self.text(node);
        match node.kind() {
            "word" => acc.unquoted_escaped(text),
            "number" if node.named_child_count() == 0 => acc.lit(text, false),
            "$" | "==" | "=~" | "=" | "variable_name" => acc.lit(text, true),
            "raw_string" => acc.lit(strip(text, "'", "'"), true),
            "string" => self.eval_string(node, acc),
            "translated_string" => match node.named_child(0) {
                Some(s) if s.kind() == "string" => self.eval_string(s, acc),
                _ => acc.unknown(),
            },
            "ansi_c_string" => match ansi_c(strip(text, "$'", "'")) {
                Some(s) => acc.lit(&s, true),
                None => acc.unknown(),
            },
            "brace_expression" | "extglob_pattern" => {
                acc.lit(text, false);
                acc.glob = true;
            }
            "command_name" | "concatenation" => {
                let mut at = node.start_byte();
                for child in children(node) {
                    if child.start_byte() > at {
                        acc.unquoted_escaped(&self.src[at..child.start_byte()]);
                    }
                    self.eval(child, acc, depth + 1);
                    at = child.end_byte();
                }
                if node.end_byte() > at {
                    acc.unquoted_escaped(&self.src[at..node.end_byte()]);
                }
            }
            "variable_assignment" => {
                // An operand of `export`: `A=b` as one word.
                let mut at = node.start_byte();
                for child in children(node) {
                    if child.start_byte() > at {
                        acc.unquoted_escaped(&self.src[at..child.start_byte()]);
                    }
                    // The name and the `=` are literal.
                    if !child.is_named() || matches!(child.kind(), "variable_name" | "subscript") {
                        acc.lit(self.text(child), true);
                    } else {
                        self.eval(child, acc, depth + 1);
                    }
                    at = child.end_byte();
                }
            }
            _ => acc.unknown(),
        }
    }

    /// A double-quoted string: the text between the expansions is literal.
    fn eval_string(&self, node: Node<'_>, acc: &mut Acc) {
        let text = self.text(node);
        if !(text.len() >= 2 && text.starts_with('"') && text.ends_with('"')) {
            acc.unknown();
            return;
        }
        let (start, end) = (node.start_byte() + 1, node.end_byte() - 1);
        let mut at = start;
        for child in children(node) {
            let kind = child.kind();
            if child.is_named() && kind != "string_content" {
                if child.start_byte() > at {
                    acc.lit(&unescape_dquoted(&self.src[at..child.start_byte()]), true);
                }
                acc.unknown();
                at = child.end_byte();
            }
        }
        if end > at {
            acc.lit(&unescape_dquoted(&self.src[at..end]), true);
        }
    }
}

fn strip<'t>(text: &'t str, open: &str, close: &str) -> &'t str {
    let inner = text.strip_prefix(open).unwrap_or(text);
    inner.strip_suffix(close).unwrap_or(inner)
}

/// Removes the backslashes that quote `$`, `` ` ``, `"`, `\` or a newline inside `"…"`.
fn unescape_dquoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.peek() {
                Some('\n') => {
                    chars.next();
                }
                Some(&n @ ('$' | '`' | '"' | '\\')) => {
                    out.push(n);
                    chars.next();
                }
                _ => out.push(c),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Decodes the body of `$'…'`; `None` for what cannot be a `String` (`\c`, non-UTF-8 bytes).
fn ansi_c(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    let number = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>, radix: u32, max: usize| {
        let mut value = 0u32;
        let mut n = 0;
        while n < max
            && let Some(d) = chars.peek().and_then(|c| c.to_digit(radix))
        {
            value = value * radix + d;
            chars.next();
            n += 1;
        }
        (n > 0).then_some(value)
    };
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        let decoded = match e {
            'a' => '\x07',
            'b' => '\x08',
            'e' | 'E' => '\x1b',
            'f' => '\x0c',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'v' => '\x0b',
            '\\' | '\'' | '"' | '?' => e,
            '0'..='7' => {
                let mut value = e.to_digit(8)?;
                for _ in 0..2 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            value = value * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                ascii(value)?
            }
            'x' => ascii(number(&mut chars, 16, 2)?)?,
            'u' => char::from_u32(number(&mut chars, 16, 4)?)?,
            'U' => char::from_u32(number(&mut chars, 16, 8)?)?,
            'c' => return None,
            other => {
                out.push('\\');
                other
            }
        };
        out.push(decoded);
    }
    Some(out)
}

fn ascii(value: u32) -> Option<char> {
    (value < 0x80).then(|| char::from(value as u8))
}

/// A word being evaluated: its text, which characters are unquoted (and so may glob), and
/// whether an expansion was seen.
#[derive(Default)]
struct Acc {
    text: String,
    /// Byte offsets in `text` of unquoted characters.
    unquoted: Vec<usize>,
    /// An expansion or substitution was seen.
    unknown: bool,
    glob: bool,
}

impl Acc {
    fn lit(&mut self, s: &str, quoted: bool) {
        if !quoted {
            let at = self.text.len();
            self.unquoted.extend(at..at + s.len());
        }
        self.text.push_str(s);
    }

    fn unknown(&mut self) {
        self.unknown = true;
    }

    /// Unquoted word text: `\x` quotes `x`, backslash-newline disappears.
    fn unquoted_escaped(&mut self, s: &str) {
        let mut rest = s;
        while let Some(at) = rest.find('\\') {
            self.lit(&rest[..at], false);
            let after = &rest[at + 1..];
            match after.chars().next() {
                Some('\n') => rest = &after[1..],
                Some(c) => {
                    self.lit(&after[..c.len_utf8()], true);
                    rest = &after[c.len_utf8()..];
                }
                None => {
                    self.lit("\\", true);
                    rest = "";
                }
            }
        }
        self.lit(rest, false);
    }

    fn active(&self, at: usize) -> bool {
        self.unquoted.binary_search(&at).is_ok()
    }

    /// An unquoted glob, brace expansion or tilde prefix (after `=`/`:` too in an assignment).
    fn expands(&self, assignment: bool) -> bool {
        if self.glob {
            return true;
        }
        let bytes = self.text.as_bytes();
        let mut open_bracket = false;
        let mut brace: Option<usize> = None;
        let mut brace_list = false;
        for &at in &self.unquoted {
            match bytes[at] {
                b'*' | b'?' => return true,
                b'[' => open_bracket = true,
                b']' if open_bracket => return true,
                b'{' => {
                    brace = Some(at);
                    brace_list = false;
                }
                b',' if brace.is_some() => brace_list = true,
                b'.' if brace.is_some() && self.active(at + 1) && bytes.get(at + 1) == Some(&b'.') => {
                    brace_list = true;
                }
                b'}' if brace.is_some() && brace_list => return true,
                b'~' if at == 0 || assignment && matches!(bytes[at - 1], b':' | b'=') => {
                    return true;
                }
                _ => {}
            }
        }
        false
    }

    /// The literal value, if there is one.
    fn finish(self, assignment: bool) -> Option<String> {
        (!self.unknown && !self.expands(assignment)).then_some(self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An effective command's environment, borrowed.
    fn env<'a>(e: &Effective<'a>) -> Vec<(&'a str, Option<&'a str>)> {
        e.env.iter().map(|(n, v)| (n.as_str(), v.as_deref())).collect()
    }

    fn values(c: &Command) -> Vec<Option<&str>> {
        c.words.iter().map(|w| w.value.as_deref()).collect()
    }

    fn names(s: &Script) -> Vec<&str> {
        s.commands.iter().map(|c| c.name().unwrap_or("")).collect()
    }

    fn kinds(s: &Script) -> Vec<Option<ConnectorKind>> {
        s.commands.iter().map(|c| c.connector.map(|k| k.kind)).collect()
    }

    fn slice(src: &str, r: TextRange) -> &str {
        &src[r.start..r.end]
    }

    use ConnectorKind::*;

    #[test]
    fn variable_references() {
        let src = "echo $A \"x${B}\" '$C' ${D:-$E} ${#F} $((G)) \\$H\ncat <<'EOF'\n$I\nEOF\ncat <<EOF\n$J\nEOF\n";
        let s = parse_script(src, 10);
        let found: Vec<(&str, &str)> = s
            .vars
            .iter()
            .map(|v| (v.name.as_str(), &src[v.range.start - 10..v.range.end - 10]))
            .collect();
        assert_eq!(
            found,
            [("A", "A"), ("B", "B"), ("D", "D"), ("E", "E"), ("F", "F"), ("J", "J")]
        );
    }

    #[test]
    fn and_list() {
        let src = "apt-get update && apt-get install -y curl";
        let s = parse_script(src, 0);
        assert!(!s.has_error);
        assert_eq!(names(&s), ["apt-get", "apt-get"]);
        assert_eq!(values(&s.commands[0]), [Some("apt-get"), Some("update")]);
        assert_eq!(
            values(&s.commands[1]),
            [Some("apt-get"), Some("install"), Some("-y"), Some("curl")]
        );
        assert_eq!(kinds(&s), [None, Some(And)]);
        let conn = s.commands[1].connector.unwrap();
        assert_eq!(slice(src, conn.range), "&&");
        assert_eq!(slice(src, s.commands[1].range), "apt-get install -y curl");
        assert_eq!(slice(src, s.commands[1].words[3].range), "curl");
        assert!(s.commands.iter().all(|c| !c.nested && !c.conditional));
    }

    #[test]
    fn connectors() {
        let src = "a && b; c | d\ne || f & g |& h";
        let s = parse_script(src, 0);
        assert_eq!(names(&s), ["a", "b", "c", "d", "e", "f", "g", "h"]);
        assert_eq!(
            kinds(&s),
            [
                None,
                Some(And),
                Some(Seq),
                Some(Pipe),
                Some(Seq),
                Some(Or),
                Some(Seq),
                Some(Pipe)
            ]
        );
        let ranges: Vec<&str> = s
            .commands
            .iter()
            .skip(1)
            .map(|c| slice(src, c.connector.unwrap().range))
            .collect();
        assert_eq!(ranges, ["&&", ";", "|", "\n", "||", "&", "|&"]);
        let cond: Vec<bool> = s.commands.iter().map(|c| c.conditional).collect();
        assert_eq!(cond, [false, false, false, false, false, true, false, false]);
    }

    #[test]
    fn set_then_pip() {
        let s = parse_script("set -eux; pip install -r req.txt", 0);
        assert_eq!(names(&s), ["set", "pip"]);
        assert_eq!(values(&s.commands[0]), [Some("set"), Some("-eux")]);
        assert_eq!(kinds(&s), [None, Some(Seq)]);
        assert_eq!(
            values(&s.commands[1]),
            [Some("pip"), Some("install"), Some("-r"), Some("req.txt")]
        );
    }

    #[test]
    fn inline_assignment() {
        let src = "DEBIAN_FRONTEND=noninteractive apt-get -y install x";
        let s = parse_script(src, 0);
        assert_eq!(s.commands.len(), 1);
        let c = &s.commands[0];
        assert_eq!(c.range, TextRange::new(0, src.len()));
        assert_eq!(c.assignments.len(), 1);
        assert_eq!(c.assignments[0].name, "DEBIAN_FRONTEND");
        assert_eq!(c.assignments[0].value.as_deref(), Some("noninteractive"));
        assert_eq!(slice(src, c.assignments[0].range), "DEBIAN_FRONTEND=noninteractive");
        assert_eq!(c.name(), Some("apt-get"));
        assert_eq!(values(c), [Some("apt-get"), Some("-y"), Some("install"), Some("x")]);
        assert_eq!(env(&c.effective()), [("DEBIAN_FRONTEND", Some("noninteractive"))]);
    }

    #[test]
    fn conditionals() {
        let src = "cd /app && PIP_NO_CACHE_DIR=1 pip3 install . ; if true; then pip install \"a>=1\" 'b<2'; fi";
        let s = parse_script(src, 0);
        assert!(!s.has_error);
        assert_eq!(names(&s), ["cd", "pip3", "true", "pip"]);
        let cond: Vec<bool> = s.commands.iter().map(|c| c.conditional).collect();
        assert_eq!(cond, [false, false, false, true]);
        assert_eq!(kinds(&s), [None, Some(And), None, None]);
        let pip = &s.commands[3];
        assert_eq!(values(pip), [Some("pip"), Some("install"), Some("a>=1"), Some("b<2")]);
        assert_eq!(slice(src, pip.words[2].range), "\"a>=1\"");
        assert_eq!(slice(src, pip.range), "pip install \"a>=1\" 'b<2'");
        let pip3 = &s.commands[1];
        assert_eq!(pip3.assignments[0].name, "PIP_NO_CACHE_DIR");
        assert_eq!(pip3.assignments[0].value.as_deref(), Some("1"));
        assert_eq!(values(pip3), [Some("pip3"), Some("install"), Some(".")]);
    }

    #[test]
    fn compound_commands() {
        let src = "if a; then b; elif c; then d; else e; fi; while f; do g; done; \
                   for i in $(h); do j; done; case $k in x) l;; esac; ( n ); { o; }; \
                   fn() { p; }; ! q && r || s";
        let s = parse_script(src, 0);
        assert!(!s.has_error);
        let got: Vec<(&str, bool, bool)> = s
            .commands
            .iter()
            .map(|c| (c.name().unwrap(), c.nested, c.conditional))
            .collect();
        assert_eq!(
            got,
            [
                ("a", false, false),
                ("b", false, true),
                ("c", false, true),
                ("d", false, true),
                ("e", false, true),
                ("f", false, false),
                ("g", false, true),
                ("h", true, false),
                ("j", false, true),
                ("l", false, true),
                ("n", true, false),
                ("o", false, false),
                ("p", true, true),
                ("q", false, false),
                ("r", false, false),
                ("s", false, true),
            ]
        );
        let k = kinds(&s);
        // `q` follows the function definition after `;`.
        assert_eq!(k[13..], [Some(Seq), Some(And), Some(Or)]);
        assert!(k[..13].iter().all(Option::is_none), "{k:?}");
    }

    #[test]
    fn loops() {
        let src = "while a; b; do c; done\nfor ((i=0; i<$(n); i++)); do d; done\nuntil e\ndo f\ndone";
        let s = parse_script(src, 0);
        assert!(!s.has_error);
        assert_eq!(names(&s), ["a", "b", "c", "n", "d", "e", "f"]);
        assert_eq!(kinds(&s), [None, Some(Seq), None, None, None, None, None]);
        let flags: Vec<(bool, bool)> = s.commands.iter().map(|c| (c.nested, c.conditional)).collect();
        assert_eq!(
            flags,
            [
                (false, false),
                (false, false),
                (false, true),
                (true, false),
                (false, true),
                (false, false),
                (false, true)
            ]
        );
    }

    #[test]
    fn command_substitution_is_nested() {
        let src = "echo $(pip --version) && x";
        let s = parse_script(src, 0);
        assert_eq!(names(&s), ["echo", "pip", "x"]);
        assert_eq!(
            s.commands.iter().map(|c| c.nested).collect::<Vec<_>>(),
            [false, true, false]
        );
        assert_eq!(kinds(&s), [None, None, Some(And)]);
        assert_eq!(s.commands[0].words[1].value, None);
        assert_eq!(slice(src, s.commands[0].words[1].range), "$(pip --version)");
        assert_eq!(slice(src, s.commands[1].range), "pip --version");
        let s = parse_script("A=`id -u` B=\"$(cat f)\"; echo <(ls) >(wc)", 0);
        assert_eq!(names(&s), ["", "id", "cat", "echo", "ls", "wc"]);
        assert!(s.commands[0].words.is_empty());
        assert_eq!(s.commands[0].assignments.len(), 2);
        assert_eq!(s.commands[0].assignments[0].value, None);
        let nested: Vec<bool> = s.commands.iter().map(|c| c.nested).collect();
        assert_eq!(nested, [false, true, true, false, true, true]);
        assert_eq!(kinds(&s)[3], Some(Seq));
    }

    #[test]
    fn sudo_effective() {
        let s = parse_script("sudo -H -u app pip install x", 0);
        let c = &s.commands[0];
        assert_eq!(c.name(), Some("sudo"));
        let e = c.effective();
        assert_eq!(e.name(), Some("pip"));
        assert_eq!(e.words.len(), 3);
        assert_eq!(e.words[2].value.as_deref(), Some("x"));
        assert!(e.env.is_empty());
        assert_eq!(e.user, Some("app"));
        assert_eq!(parse_script("sudo pip", 0).commands[0].effective().user, Some("root"));
        assert_eq!(parse_script("pip", 0).commands[0].effective().user, None);
        let s = parse_script("sudo -Eu app FOO=1 /usr/local/bin/pip3 install x", 0);
        let e = s.commands[0].effective();
        assert_eq!(e.name(), Some("pip3"));
        assert_eq!(env(&e), [("FOO", Some("1"))]);
        // Unknown option or no command: not peeled.
        assert_eq!(parse_script("sudo -l", 0).commands[0].effective().name(), Some("sudo"));
        assert_eq!(
            parse_script("sudo --zzz x", 0).commands[0].effective().name(),
            Some("sudo")
        );
    }

    #[test]
    fn env_effective() {
        let s = parse_script("env A=1 B=2 python -m pip install x", 0);
        let e = s.commands[0].effective();
        assert_eq!(e.name(), Some("python"));
        assert_eq!(e.words[1].value.as_deref(), Some("-m"));
        assert_eq!(env(&e), [("A", Some("1")), ("B", Some("2"))]);
        let s = parse_script(
            "X=0 Y=\"$Z\" env -u Y C=\"a b\" nice -n 5 nohup time -p exec -a n command -p pip list",
            0,
        );
        let e = s.commands[0].effective();
        assert_eq!(e.name(), Some("pip"));
        assert_eq!(env(&e), [("X", Some("0")), ("C", Some("a b"))]);
        assert_eq!(
            s.commands[0].wrapper_env(),
            [("C".to_string(), Some("a b".to_string()))]
        );
        // A non-literal operand stops the peeling.
        let s = parse_script("env A=$X pip list", 0);
        let e = s.commands[0].effective();
        assert_eq!((e.name(), e.words.len()), (None, 3));
        let s = parse_script("X=0 env -i A=1 gosu app:app pip list", 0);
        let e = s.commands[0].effective();
        assert_eq!(e.name(), Some("pip"));
        assert_eq!(env(&e), [("A", Some("1"))]);
        assert_eq!(e.user, Some("app"));
        assert_eq!(parse_script("env", 0).commands[0].effective().name(), Some("env"));
        assert_eq!(
            parse_script("command -v pip", 0).commands[0].effective().name(),
            Some("command")
        );
        assert_eq!(
            parse_script("nice -10 make", 0).commands[0].effective().name(),
            Some("make")
        );
        assert_eq!(
            parse_script("env -S 'a b' c", 0).commands[0].effective().name(),
            Some("env")
        );
        assert_eq!(
            parse_script("xargs pip", 0).commands[0].effective().name(),
            Some("xargs")
        );
    }

    #[test]
    fn export_then_pip() {
        let src = "export PIP_CACHE_DIR=/x && pip install y";
        let s = parse_script(src, 0);
        assert_eq!(names(&s), ["export", "pip"]);
        assert_eq!(kinds(&s), [None, Some(And)]);
        let export = &s.commands[0];
        assert_eq!(values(export), [Some("export"), Some("PIP_CACHE_DIR=/x")]);
        assert_eq!(slice(src, export.range), "export PIP_CACHE_DIR=/x");
        let d = export.declarations();
        assert_eq!(d.len(), 1);
        assert_eq!(
            (d[0].name, d[0].value, d[0].assigns),
            ("PIP_CACHE_DIR", Some("/x"), true)
        );

        let s = parse_script("declare -x A=\"$B\" C; unset D E; local F=1", 0);
        assert_eq!(names(&s), ["declare", "unset", "local"]);
        assert_eq!(s.commands[0].assignments.len(), 1);
        assert_eq!(s.commands[0].assignments[0].name, "A");
        assert_eq!(s.commands[0].words[2].value, None);
        let d = s.commands[0].declarations();
        let d: Vec<_> = d.iter().map(|d| (d.name, d.value, d.assigns)).collect();
        assert_eq!(d, [("A", None, true), ("C", None, false)]);
        assert_eq!(values(&s.commands[1]), [Some("unset"), Some("D"), Some("E")]);
        assert!(s.commands[1].declarations().is_empty());
    }

    #[test]
    fn continuation_lines() {
        let src = "apt-get update \\\n    && apt-get install -y --no-install-recommends \\\n        curl \\\n        git \\\n    && rm -rf /var/lib/apt/lists/*";
        let s = parse_script(src, 0);
        assert!(!s.has_error);
        assert_eq!(names(&s), ["apt-get", "apt-get", "rm"]);
        assert_eq!(kinds(&s), [None, Some(And), Some(And)]);
        let install = &s.commands[1];
        assert_eq!(
            slice(src, install.range),
            "apt-get install -y --no-install-recommends \\\n        curl \\\n        git"
        );
        assert_eq!(slice(src, install.words[4].range), "curl");
        let curl = src.find("curl").unwrap();
        assert_eq!(install.words[4].range, TextRange::new(curl, curl + 4));
        assert_eq!(slice(src, install.words[5].range), "git");
        let rm = &s.commands[2];
        assert_eq!(rm.words[2].value, None);
        assert_eq!(slice(src, rm.words[2].range), "/var/lib/apt/lists/*");
        assert_eq!(slice(src, rm.connector.unwrap().range), "&&");
    }

    #[test]
    fn names_a_script_sets_itself() {
        let s = parse_script(
            "X=1 cmd; export A B=2 && local C; for D in a b; do read -r E F; done; unset G; arr[1]=x; echo $H",
            0,
        );
        assert_eq!(s.sets, ["X", "A", "B", "C", "D", "E", "F", "G", "arr"]);
        assert_eq!(s.vars.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(), ["H"]);
    }

    #[test]
    fn base_shifts_ranges() {
        let src = "a && b c";
        let s0 = parse_script(src, 0);
        let s = parse_script(src, 1000);
        for (c0, c) in s0.commands.iter().zip(&s.commands) {
            assert_eq!(c.range, c0.range.shift(1000));
            assert_eq!(c.connector.map(|k| k.range), c0.connector.map(|k| k.range.shift(1000)));
            for (w0, w) in c0.words.iter().zip(&c.words) {
                assert_eq!(w.range, w0.range.shift(1000));
            }
        }
        assert_eq!(s.commands[1].words[1].range, TextRange::new(1007, 1008));
    }

    #[test]
    fn heredoc_body() {
        let src = "set -e\npip install x\n\n# comment\nfoo\n";
        let s = parse_script(src, 50);
        assert!(!s.has_error);
        assert_eq!(names(&s), ["set", "pip", "foo"]);
        assert_eq!(kinds(&s), [None, Some(Seq), Some(Seq)]);
        assert_eq!(s.commands[1].connector.unwrap().range, TextRange::new(56, 57));
        assert_eq!(s.commands[2].connector.unwrap().range, TextRange::new(70, 71));
        assert_eq!(s.commands[1].range, TextRange::new(57, 70));
    }

    #[test]
    fn nested_heredoc_and_redirects() {
        let src = "cat <<EOF > /etc/x.conf && echo ok\nkey=$(id)\nEOF\npip install a >/dev/null 2>&1 b\nls | grep x 2>/dev/null y";
        let s = parse_script(src, 0);
        assert!(!s.has_error);
        assert_eq!(names(&s), ["cat", "echo", "id", "pip", "ls", "grep"]);
        assert_eq!(kinds(&s), [None, Some(And), None, Some(Seq), Some(Seq), Some(Pipe)]);
        assert_eq!(slice(src, s.commands[0].range), "cat <<EOF > /etc/x.conf");
        assert_eq!(values(&s.commands[0]), [Some("cat")]);
        assert!(s.commands[2].nested);
        let pip = &s.commands[3];
        assert_eq!(values(pip), [Some("pip"), Some("install"), Some("a"), Some("b")]);
        assert_eq!(slice(src, pip.range), "pip install a >/dev/null 2>&1 b");
        let grep = &s.commands[5];
        assert_eq!(values(grep), [Some("grep"), Some("x"), Some("y")]);
        assert_eq!(slice(src, grep.range), "grep x 2>/dev/null y");
    }

    #[test]
    fn word_values() {
        let src = r#"echo a\ b "x\"y\$z\q" 'it''s' $'a\tb' "$HOME/x" --url="$U" \$ *.txt .[dev] {a,b} {1..3} {} ~/x a~b "*" \* 0755 ab"cd"'ef'"#;
        let s = parse_script(src, 0);
        assert!(!s.has_error);
        let c = &s.commands[0];
        assert_eq!(
            values(c),
            [
                Some("echo"),
                Some("a b"),
                Some("x\"y$z\\q"),
                Some("its"),
                Some("a\tb"),
                None,
                None,
                Some("$"),
                None,
                None,
                None,
                None,
                Some("{}"),
                None,
                Some("a~b"),
                Some("*"),
                Some("*"),
                Some("0755"),
                Some("abcdef"),
            ]
        );
        let texts: Vec<&str> = c.words.iter().map(|w| slice(src, w.range)).collect();
        assert_eq!(texts[9], ".[dev]");
        assert_eq!(texts[18], "ab\"cd\"'ef'");
        let s = parse_script("A=~/x B=a:~/y C='~' D= E+=1 F=(1 2) G=\"$(x)\" true", 0);
        let v: Vec<_> = s.commands[0].assignments.iter().map(|a| a.value.as_deref()).collect();
        assert_eq!(v, [None, None, Some("~"), Some(""), None, None, None]);
    }

    #[test]
    fn unicode_offsets() {
        let src = "echo «héllo» ✓ && pip install x";
        let s = parse_script(src, 10);
        assert_eq!(names(&s), ["echo", "pip"]);
        assert_eq!(s.commands[0].words[1].value.as_deref(), Some("«héllo»"));
        let pip = &s.commands[1];
        let start = src.find("pip").unwrap();
        assert_eq!(pip.range, TextRange::new(10 + start, 10 + src.len()));
        assert_eq!(
            pip.connector.unwrap().range,
            TextRange::new(10 + start - 3, 10 + start - 1)
        );
    }

    #[test]
    fn empty_and_blank() {
        for src in ["", "   ", "\n\n", " \\\n  ", " \\\n \\\n"] {
            let s = parse_script(src, 0);
            assert!(s.commands.is_empty(), "{src:?}");
            assert!(!s.has_error, "{src:?}");
        }
        let s = parse_script(" \\\n  apt-get update", 0);
        assert!(!s.has_error);
        assert_eq!(s.commands[0].range, TextRange::new(5, 19));
    }

    #[test]
    fn garbage_does_not_panic() {
        for src in [
            "if then fi &&& ((( \"unterminated",
            "a && && b",
            "$(",
            "case x in",
            "x=$((",
            "echo 'open",
            "cat <<EOF ; x",
            "for",
            "\\",
            "a | | b ;; c",
        ] {
            let s = parse_script(src, 3);
            assert!(s.has_error, "{src:?}");
            for c in &s.commands {
                assert!(c.range.start >= 3 && c.range.end <= 3 + src.len(), "{src:?}");
            }
        }
        let deep = format!("{}x{}", "$(".repeat(2000), ")".repeat(2000));
        assert!(parse_script(&deep, 0).has_error);
        let long = vec!["a"; 20000].join(" && ");
        let s = parse_script(&long, 0);
        assert_eq!(s.commands.len(), 20000);
    }

    /// The RUN scripts of a Dockerfile, crudely: from a `RUN` line to the first line that does
    /// not end in `\`, keeping the backslash-newlines; `\r` becomes a space.
    pub(crate) fn crude_run_scripts(text: &str) -> Vec<String> {
        let lines: Vec<&str> = text.split('\n').collect();
        let mut scripts = Vec::new();
        let mut i = 0;
        while i < lines.len() {
            let line = lines[i].trim_start();
            if line.len() >= 4 && line.is_char_boundary(4) && line[..4].eq_ignore_ascii_case("RUN ") {
                let mut body = line[4..].to_owned();
                while body.trim_end_matches('\r').ends_with('\\') && i + 1 < lines.len() {
                    i += 1;
                    body.push('\n');
                    body.push_str(lines[i]);
                }
                scripts.push(body.replace('\r', " "));
            }
            i += 1;
        }
        scripts
    }

    /// The RUN lines of the corpus that `DFIX_CORPUS` names (see `tests/corpus.rs`): no panic,
    /// ranges inside the script.
    #[test]
    #[ignore = "reads the corpus named by DFIX_CORPUS (run with --ignored)"]
    fn corpus_no_panic() {
        let corpus = std::env::var_os("DFIX_CORPUS").expect("DFIX_CORPUS names the corpus folder");
        let root = std::path::Path::new(&corpus).join("files");
        assert!(root.is_dir(), "no corpus at {}", root.display());
        let mut stack = vec![root];
        let mut scripts = 0;
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
                for script in crude_run_scripts(&text) {
                    scripts += 1;
                    let s = parse_script(&script, 7);
                    for c in &s.commands {
                        assert!(c.range.start >= 7 && c.range.end <= 7 + script.len());
                        assert!(c.words.iter().all(|w| c.range.contains_range(w.range)));
                        let _ = (c.effective(), c.declarations());
                    }
                }
            }
        }
        assert!(scripts > 1000);
    }
}

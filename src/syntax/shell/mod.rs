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

pub mod argv;
#[cfg(test)]
mod tests;
mod walk;
mod words;
mod wrappers;

use walk::{Ctx, Walker};
use words::{Acc, ansi_c, strip, unescape_dquoted};
use wrappers::unwrap;

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
    /// Every pipe operator (`|`, `|&`) of the script, in source order, wherever it is (inside
    /// `$(…)`, a subshell or a compound command too): a pipe into `( … )` or `while` gives its
    /// first command no [`Connector`], so the commands alone do not show every pipe.
    pub pipes: Vec<TextRange>,
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
        for p in &mut self.pipes {
            *p = p.shift(by);
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
        pipes: Vec::new(),
    };
    walker.seq(root, Ctx::default(), 0);
    let mut commands = walker.out;
    for command in &mut commands {
        command.words.sort_by_key(|w| w.range.start);
    }
    commands.sort_by_key(|c| c.range.start);
    let (vars, sets) = variables(root, script, base);
    let mut pipes = walker.pipes;
    pipes.sort_by_key(|p| p.start);
    Script {
        commands,
        has_error: root.has_error() || walker.too_deep,
        vars,
        sets,
        pipes,
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

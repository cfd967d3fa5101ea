//! The typed model rules see. Every node carries byte ranges into the original text; no
//! tree-sitter type appears here.

use super::directives::DirectiveSet;
use super::mounts::{Mount, MountError};
use super::shell::Script;
use super::text::TextRange;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Kind {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
    Unknown,
}

impl Kind {
    pub const ALL: [(&'static str, Kind); 18] = [
        ("add", Kind::Add),
        ("arg", Kind::Arg),
        ("cmd", Kind::Cmd),
        ("copy", Kind::Copy),
        ("entrypoint", Kind::Entrypoint),
        ("env", Kind::Env),
        ("expose", Kind::Expose),
        ("from", Kind::From),
        ("healthcheck", Kind::Healthcheck),
        ("label", Kind::Label),
        ("maintainer", Kind::Maintainer),
        ("onbuild", Kind::Onbuild),
        ("run", Kind::Run),
        ("shell", Kind::Shell),
        ("stopsignal", Kind::Stopsignal),
        ("user", Kind::User),
        ("volume", Kind::Volume),
        ("workdir", Kind::Workdir),
    ];

    pub fn from_word(word: &str) -> Kind {
        let lower = word.to_ascii_lowercase();
        Self::ALL
            .iter()
            .find(|(n, _)| *n == lower)
            .map_or(Kind::Unknown, |(_, k)| *k)
    }

    pub fn name(self) -> &'static str {
        Self::ALL.iter().find(|(_, k)| *k == self).map_or("", |(n, _)| n)
    }
}

/// A value as written, split into literal text and variable references, so that it can be
/// resolved against the variables in scope.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Value {
    pub parts: Vec<ValuePart>,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum ValuePart {
    Literal(String),
    /// `$NAME`, `${NAME}`, or `${NAME<op>word}` with op one of `:-`, `-`, `:+`, `+`, `:?`, `?`.
    Var {
        name: String,
        op: Option<String>,
        word: Option<Value>,
    },
    /// Something this model does not evaluate (`${#x}`, `${x%y}` …).
    Opaque,
}

impl Value {
    pub fn literal(text: &str, range: TextRange) -> Value {
        Value {
            parts: vec![ValuePart::Literal(text.to_string())],
            range,
        }
    }

    /// The value when it contains no variable reference.
    pub fn as_literal(&self) -> Option<String> {
        self.resolve(&|_| None)
    }

    /// The value with variables looked up by `lookup`; `None` when anything is unknown.
    pub fn resolve(&self, lookup: &dyn Fn(&str) -> Option<Option<String>>) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                ValuePart::Literal(s) => out.push_str(s),
                ValuePart::Opaque => return None,
                ValuePart::Var { name, op, word } => {
                    // lookup: None = unknown, Some(None) = known to be unset, Some(Some(v)) = set
                    let v = lookup(name);
                    let word_val = || word.as_ref().map_or(Some(String::new()), |w| w.resolve(lookup));
                    match (op.as_deref(), v) {
                        (None, Some(Some(v))) => out.push_str(&v),
                        (None, Some(None)) => {}
                        (None, None) => return None,
                        (Some(":-"), Some(Some(v))) if !v.is_empty() => out.push_str(&v),
                        (Some(":-"), Some(_)) => out.push_str(&word_val()?),
                        (Some("-"), Some(Some(v))) => out.push_str(&v),
                        (Some("-"), Some(None)) => out.push_str(&word_val()?),
                        (Some(":+"), Some(Some(v))) if !v.is_empty() => out.push_str(&word_val()?),
                        (Some(":+"), Some(_)) => {}
                        (Some("+"), Some(Some(_))) => out.push_str(&word_val()?),
                        (Some("+"), Some(None)) => {}
                        (Some(":?" | "?"), Some(Some(v))) => out.push_str(&v),
                        _ => return None,
                    }
                }
            }
        }
        Some(out)
    }
}

/// `KEY=value` of ENV, LABEL and ARG (ARG's value is optional).
#[derive(Clone, Debug, Serialize)]
pub struct Pair {
    pub key: String,
    pub key_range: TextRange,
    pub value: Option<Value>,
    pub range: TextRange,
}

#[derive(Clone, Debug, Serialize)]
pub struct ImageRef {
    /// The reference as written (`python:3.12-slim`, `${BASE}`).
    pub text: Value,
    pub range: TextRange,
}

#[derive(Clone, Debug, Serialize)]
pub struct From {
    pub image: Option<ImageRef>,
    /// The stage name, lowercased as BuildKit stores it.
    pub name: Option<String>,
    pub name_range: Option<TextRange>,
}

#[derive(Clone, Debug, Serialize)]
pub struct User {
    pub user: Value,
    pub group: Option<Value>,
}

/// How a RUN gives its command.
#[derive(Clone, Debug, Serialize)]
pub enum RunForm {
    /// Shell form: the script (continuations included) in the source.
    Shell(TextRange),
    /// `RUN ["a", "b"]`.
    Exec(Vec<Word>),
    /// `RUN <<EOF` whose body is the script (shell) — or another interpreter's text.
    Heredoc,
}

#[derive(Clone, Debug, Serialize)]
pub struct Word {
    pub value: String,
    pub range: TextRange,
}

#[derive(Clone, Debug, Serialize)]
pub struct Run {
    pub mounts: Vec<Mount>,
    /// What BuildKit rejects in the mounts when it builds the stage.
    pub mount_problems: Vec<MountError>,
    /// What `instructions.Parse` rejects in the mounts (CSV syntax, `from=$…`).
    pub mount_parse_errors: Vec<MountError>,
    pub form: RunForm,
    /// The shell commands, when the body could be understood as POSIX shell.
    #[serde(skip)]
    pub script: Option<Script>,
    /// Where a new flag goes: just before the first flag or the command.
    pub flag_insert_at: usize,
    /// `--network=…` and `--security=…` when given.
    pub network: Option<String>,
    pub security: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Heredoc {
    pub name: String,
    pub expand: bool,
    pub chomp: bool,
    pub marker: TextRange,
    pub body: TextRange,
}

#[derive(Clone, Debug, Serialize)]
pub struct Flag {
    /// Without the leading `--`.
    pub name: String,
    /// After BuildKit's unquoting; `None` when there is no `=`.
    pub value: Option<String>,
    pub range: TextRange,
}

#[derive(Clone, Debug, Serialize)]
pub enum Body {
    From(From),
    Run(Run),
    Env(Vec<Pair>),
    Arg(Vec<Pair>),
    Label(Vec<Pair>),
    User(User),
    Workdir(Value),
    /// SHELL's JSON array.
    Shell(Vec<String>),
    Onbuild(Box<Instruction>),
    Other,
}

#[derive(Clone, Debug, Serialize)]
pub struct Instruction {
    pub kind: Kind,
    /// The keyword as written (`run`, `FROM`).
    pub keyword: String,
    pub keyword_range: TextRange,
    /// From the keyword to the end of the last line, heredoc terminators included.
    pub range: TextRange,
    /// 1-based physical lines.
    pub start_line: usize,
    pub end_line: usize,
    pub flags: Vec<Flag>,
    /// The arguments after the flags, as written.
    pub args: TextRange,
    /// The arguments as BuildKit joined them (continuations removed).
    pub args_text: String,
    /// The exec-form elements when the arguments are a JSON array.
    pub json: Option<Vec<Word>>,
    pub heredocs: Vec<Heredoc>,
    pub body: Body,
    /// Index of the stage this instruction belongs to.
    pub stage: Option<usize>,
    /// BuildKit rejects this instruction (see `Dockerfile::errors`); rules skip it.
    pub invalid: bool,
    /// BuildKit's argument count (for the parser oracle).
    pub nargs: usize,
    /// The variables BuildKit expands in this instruction when it builds: in the words of ADD,
    /// ARG, COPY, ENV, EXPOSE, FROM, LABEL, STOPSIGNAL, USER, VOLUME and WORKDIR, in the
    /// `--chown`/`--chmod`/`--checksum` of ADD and COPY, FROM's `--platform`, RUN's `--mount`
    /// fields and the body of an `ADD`/`COPY` heredoc with an unquoted marker.
    #[serde(skip)]
    pub vars: Vec<VarRef>,
    /// The variables the shell reads from its environment: in a RUN script (its heredoc
    /// included) and the shell form of CMD, ENTRYPOINT and HEALTHCHECK CMD. Empty when the
    /// stage's shell is not a POSIX shell.
    #[serde(skip)]
    pub shell_vars: Vec<VarRef>,
    /// The names that shell script sets itself (`X=1`, `for X in`, `read X`, …): its uses of
    /// them may not read the ARG or ENV of that name.
    #[serde(skip)]
    pub shell_sets: Vec<String>,
    /// The blank lines inside the instruction's continuation, each with its line break
    /// (BuildKit warns of them: `NoEmptyContinuation`).
    pub empty_lines: Vec<TextRange>,
}

/// A reference to a variable (`$NAME`, `${NAME:-x}`): the name and where it is written (the
/// name alone).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VarRef {
    pub name: String,
    pub range: TextRange,
}

impl Instruction {
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name == name)
    }

    pub fn run(&self) -> Option<&Run> {
        match &self.body {
            Body::Run(r) => Some(r),
            Body::Onbuild(inner) => inner.run(),
            _ => None,
        }
    }

    /// The instruction this one runs: itself, or an ONBUILD's trigger.
    pub fn effective(&self) -> &Instruction {
        match &self.body {
            Body::Onbuild(inner) => inner.effective(),
            _ => self,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Stage {
    /// Index of the FROM instruction.
    pub from: usize,
    /// Index of the last instruction of the stage (inclusive).
    pub last: usize,
    pub name: Option<String>,
    /// The stage this one is built on (`FROM <stage>`).
    pub parent: Option<usize>,
    /// The base image when not a stage.
    pub base: Option<String>,
    /// RUN scripts go to a POSIX shell (not `cmd` or PowerShell) at the end of the stage.
    pub posix_shell: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ErrorStage {
    /// `parser.Parse` failed: nothing after the error was read.
    Parse,
    /// `instructions.Parse` rejects an instruction.
    Instructions,
}

#[derive(Clone, Debug, Serialize)]
pub struct SyntaxError {
    pub message: String,
    pub range: TextRange,
    pub stage: ErrorStage,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum LineEnding {
    Lf,
    CrLf,
}

impl LineEnding {
    pub fn as_str(self) -> &'static str {
        match self {
            LineEnding::Lf => "\n",
            LineEnding::CrLf => "\r\n",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Dockerfile {
    pub len: usize,
    pub bom: bool,
    pub line_ending: LineEnding,
    pub directives: DirectiveSet,
    pub escape: char,
    pub instructions: Vec<Instruction>,
    pub stages: Vec<Stage>,
    pub errors: Vec<SyntaxError>,
    /// Comment lines outside instructions (directives excluded).
    pub comments: Vec<TextRange>,
    /// Physical-line start offsets.
    pub line_starts: Vec<usize>,
}

impl Dockerfile {
    pub fn stage_of(&self, index: usize) -> Option<&Stage> {
        self.instructions[index].stage.map(|s| &self.stages[s])
    }

    /// The stage chain of stage `s`, innermost first (`s`, its parent, …).
    pub fn stage_chain(&self, s: usize) -> Vec<usize> {
        let mut chain = vec![s];
        let mut cur = s;
        while let Some(p) = self.stages[cur].parent {
            if chain.contains(&p) {
                break;
            }
            chain.push(p);
            cur = p;
        }
        chain
    }

    /// The source offset where physical line `line` (0-based) starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts.get(line).copied().unwrap_or(self.len)
    }
}

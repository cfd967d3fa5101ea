//! The command-line options of a program a script runs, read from its [`Word`]s against a
//! declared [`Spec`]: the one reader for wrappers (`sudo`, `env`, `nice`, …) and package
//! managers (`apt-get`, `pip`, `npm`, `apk`, …).
//!
//! What it reads, as `getopt`/`getopt_long` do:
//!
//! * short flags, clustered or not: `-q -y`, `-qy`;
//! * short options taking a value, in the next word or attached, last in a cluster: `-o X`,
//!   `-oX`, `-qo X`, `-qoX`;
//! * long flags and long options taking a value, in the next word or after `=`: `--yes`,
//!   `--cache-dir X`, `--cache-dir=X` (and unambiguous prefixes when [`Spec::abbreviations`]);
//! * `--`, which ends the options: every later word is an operand;
//! * operands: a lone `-`, a word not starting with `-`, and a word whose value is not literal
//!   ([`Word::value`] is `None`: `$OPTS`, `"$@"`). Such a word could expand to options; nothing
//!   here can know, so it counts as an operand. With [`Order::Permute`] options may follow
//!   operands (`pip install x --no-deps`); with [`Order::OptionsFirst`] the first operand ends
//!   the options (`sudo -u app pip -q`: `-q` is `pip`'s).
//!
//! A value is taken from the next word whatever it looks like (`-o --x` gives `-o` the value
//! `--x`), and may be non-literal (`--cache-dir "$D"`). An option the spec does not declare is
//! an error or a flag, per [`Spec::unknown`].
//!
//! The result, [`Args`], keeps every option in order with its word indices and byte ranges, and
//! the operands' indices; lookups take any name of a declared option (`-y` also finds
//! `--assume-yes` when both name one [`Opt`]). Reading is one pass over the words; a lookup is a
//! pass over the options found, without allocating.

use super::Word;
use crate::syntax::text::TextRange;

/// One option a program takes, under all its names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Opt {
    /// Its names as written on a command line: `-y` (short: one character after one dash) or
    /// `--assume-yes` (long).
    pub names: &'static [&'static str],
    /// It takes a value (`-o X`, `-oX`, `--opt X`, `--opt=X`); otherwise it is a flag.
    pub takes_value: bool,
}

impl Opt {
    /// An option without a value.
    pub const fn flag(names: &'static [&'static str]) -> Opt {
        Opt {
            names,
            takes_value: false,
        }
    }

    /// An option that takes a value.
    pub const fn value(names: &'static [&'static str]) -> Opt {
        Opt {
            names,
            takes_value: true,
        }
    }
}

/// Where options may appear.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// Options and operands interleave (GNU `getopt`'s permutation; pip, npm, apt-get, apk):
    /// only `--` ends the options.
    Permute,
    /// The first operand ends the options, as POSIX says and as wrappers (`sudo`, `env`,
    /// `nice`) read them: the rest of the words belong to the command they run.
    OptionsFirst,
}

/// What an option the spec does not declare does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unknown {
    /// Reading fails with [`Error::Unknown`]: for programs whose options must all be understood
    /// (a wrapper with an unknown option is left unpeeled).
    Fail,
    /// The option is kept as a flag without a value (`--foo=x` keeps `x`), so it can still be
    /// looked up by name. Should it take a value in the next word, that word is read as an
    /// operand: declare every option that takes a value.
    Flag,
}

/// The options of one program (or one subcommand).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spec {
    pub opts: &'static [Opt],
    pub order: Order,
    pub unknown: Unknown,
    /// A long option may be shortened to a prefix that names no other option (`--no-ca` for
    /// `--no-cache-dir`), as `getopt_long` and Python's `optparse`/`argparse` accept. An
    /// ambiguous prefix is an unknown option. Exact names always win.
    pub abbreviations: bool,
}

/// Why reading failed; `word` is the index of the offending word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// An option the spec does not declare, under [`Unknown::Fail`].
    Unknown { word: usize },
    /// An option that takes a value is the last word.
    MissingValue { word: usize },
}

/// One option as given on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occurrence<'a> {
    /// The name as written, without dashes: `y` (of `-qy`), `cache-dir`, `no-ca` (abbreviated).
    pub name: &'a str,
    /// Written as a long option (`--name`).
    pub long: bool,
    /// The index of the declared option in [`Spec::opts`]; `None` for an unknown one.
    pub opt: Option<usize>,
    /// `None` for a flag; `Some(Some(v))` for a literal value; `Some(None)` for a value that is
    /// not literal (`--cache-dir "$D"`). A flag written `--flag=v` keeps `v` (programs differ:
    /// getopt refuses it, apt reads `--yes=false`): the caller decides what it means.
    pub value: Option<Option<&'a str>>,
    /// The index of the word the option is written in.
    pub word: usize,
    /// The index of the value's word when the value is the next word (`-o X`, `--opt X`).
    pub value_word: Option<usize>,
    /// Other options share the option's word (`-qy`): removing the word removes them too.
    pub clustered: bool,
    /// The option's bytes with its value: the word, and the value's word when it is the next
    /// one (`--cache-dir X` is one range). In a cluster written without quotes or escapes, only
    /// the option's own part (`-q` and `y` of `-qy`, `-oX` of `-oX`); in a quoted cluster, the
    /// whole word.
    pub range: TextRange,
    /// The value's bytes: its word (`-o X`), or the part after `=` or after the short name
    /// (`--opt=X`, `-oX`) when the word is written without quotes or escapes; `None` for a flag
    /// and for an attached value in a quoted word.
    pub value_range: Option<TextRange>,
}

/// A command's words read against a [`Spec`]; see the module documentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Args<'a> {
    spec: &'a Spec,
    words: &'a [Word],
    options: Vec<Occurrence<'a>>,
    operands: Vec<usize>,
    dashdash: Option<usize>,
}

/// A name looked up: a declared option, or (for unknown options) the name as written.
#[derive(Clone, Copy)]
enum Key<'n> {
    Declared(usize),
    Written { long: bool, name: &'n str },
}

impl Spec {
    /// Reads `words[start..]` (`start` is the first word after the program's name, or after its
    /// subcommand). Every index in the result is an index into `words`.
    pub fn parse<'a>(&'a self, words: &'a [Word], start: usize) -> Result<Args<'a>, Error> {
        let mut args = Args {
            spec: self,
            words,
            options: Vec::new(),
            operands: Vec::new(),
            dashdash: None,
        };
        let mut i = start;
        while let Some(word) = words.get(i) {
            let text = match word.value.as_deref() {
                Some("--") => {
                    args.dashdash = Some(i);
                    args.operands.extend(i + 1..words.len());
                    break;
                }
                Some(t) if t.len() > 1 && t.starts_with('-') => t,
                _ if self.order == Order::OptionsFirst => {
                    args.operands.extend(i..words.len());
                    break;
                }
                _ => {
                    args.operands.push(i);
                    i += 1;
                    continue;
                }
            };
            i = match text.strip_prefix("--") {
                Some(long) => self.read_long(&mut args, i, text, long)?,
                None => self.read_cluster(&mut args, i, text)?,
            };
        }
        Ok(args)
    }

    /// `--name`, `--name=value` or `--name value`; returns the index of the next word.
    fn read_long<'a>(&'a self, args: &mut Args<'a>, i: usize, text: &'a str, long: &'a str) -> Result<usize, Error> {
        let word = &args.words[i];
        let (name, inline) = match long.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (long, None),
        };
        let opt = self.find_long(name);
        let takes_value = self.takes_value(opt, i)?;
        let mut occurrence = Occurrence {
            name,
            long: true,
            opt,
            value: inline.map(Some),
            word: i,
            value_word: None,
            clustered: false,
            range: word.range,
            value_range: inline.and_then(|v| part(word, text, text.len() - v.len(), text.len())),
        };
        let mut next = i + 1;
        if takes_value && inline.is_none() {
            next = self.take_next(&mut occurrence, args.words, i)?;
        }
        args.options.push(occurrence);
        Ok(next)
    }

    /// `-abc`, `-o value`, `-ovalue`, `-abo value`; returns the index of the next word.
    fn read_cluster<'a>(&'a self, args: &mut Args<'a>, i: usize, text: &'a str) -> Result<usize, Error> {
        let word = &args.words[i];
        let first = args.options.len();
        let mut next = i + 1;
        for (at, c) in text[1..].char_indices() {
            let (from, to) = (1 + at, 1 + at + c.len_utf8());
            let opt = self.find_short(c);
            let takes_value = self.takes_value(opt, i)?;
            // the first option of the cluster owns the dash
            let own_from = if at == 0 { 0 } else { from };
            let mut occurrence = Occurrence {
                name: &text[from..to],
                long: false,
                opt,
                value: None,
                word: i,
                value_word: None,
                clustered: false,
                range: part(word, text, own_from, to).unwrap_or(word.range),
                value_range: None,
            };
            if takes_value {
                if to < text.len() {
                    occurrence.value = Some(Some(&text[to..]));
                    occurrence.range = part(word, text, own_from, text.len()).unwrap_or(word.range);
                    occurrence.value_range = part(word, text, to, text.len());
                } else {
                    next = self.take_next(&mut occurrence, args.words, i)?;
                }
                args.options.push(occurrence);
                break;
            }
            args.options.push(occurrence);
        }
        if args.options.len() - first > 1 {
            for o in &mut args.options[first..] {
                o.clustered = true;
            }
        }
        Ok(next)
    }

    /// Whether a found option takes a value; fails on an unknown one under [`Unknown::Fail`].
    fn takes_value(&self, opt: Option<usize>, word: usize) -> Result<bool, Error> {
        match (opt, self.unknown) {
            (Some(o), _) => Ok(self.opts[o].takes_value),
            (None, Unknown::Flag) => Ok(false),
            (None, Unknown::Fail) => Err(Error::Unknown { word }),
        }
    }

    /// Gives the option in word `i` the next word as its value; returns the index after it.
    fn take_next<'a>(&self, o: &mut Occurrence<'a>, words: &'a [Word], i: usize) -> Result<usize, Error> {
        let value = words.get(i + 1).ok_or(Error::MissingValue { word: i })?;
        o.value = Some(value.value.as_deref());
        o.value_word = Some(i + 1);
        o.range = o.range.cover(value.range);
        o.value_range = Some(value.range);
        Ok(i + 2)
    }

    fn find_short(&self, c: char) -> Option<usize> {
        self.opts.iter().position(|o| {
            o.names.iter().any(|n| {
                n.strip_prefix('-')
                    .is_some_and(|s| !s.starts_with('-') && s.chars().eq([c]))
            })
        })
    }

    fn find_long(&self, name: &str) -> Option<usize> {
        if name.is_empty() {
            return None;
        }
        let long_names = |o: &'static Opt| o.names.iter().filter_map(|n| n.strip_prefix("--"));
        if let Some(exact) = self.opts.iter().position(|o| long_names(o).any(|n| n == name)) {
            return Some(exact);
        }
        if !self.abbreviations {
            return None;
        }
        let mut matches = self
            .opts
            .iter()
            .enumerate()
            .filter(|(_, o)| long_names(o).any(|n| n.starts_with(name)))
            .map(|(i, _)| i);
        let found = matches.next()?;
        matches.next().is_none().then_some(found)
    }

    /// The option a name given to a lookup stands for (`-y`, `--yes`).
    fn key<'n>(&self, name: &'n str) -> Key<'n> {
        if let Some(i) = self.opts.iter().position(|o| o.names.contains(&name)) {
            return Key::Declared(i);
        }
        match name.strip_prefix("--") {
            Some(long) => Key::Written { long: true, name: long },
            None => Key::Written {
                long: false,
                name: name.strip_prefix('-').unwrap_or(name),
            },
        }
    }

    /// The names are well formed: each starts with `-` and is a single character after one dash
    /// or at least one after two, and no name is declared twice. For the tests of each spec.
    pub fn check(&self) -> Result<(), String> {
        let mut seen: Vec<&str> = Vec::new();
        for opt in self.opts {
            if opt.names.is_empty() {
                return Err("an option without a name".into());
            }
            for &n in opt.names {
                let ok = match n.strip_prefix("--") {
                    Some(long) => !long.is_empty() && !long.contains('='),
                    None => n.strip_prefix('-').is_some_and(|s| s.chars().count() == 1 && s != "-"),
                };
                if !ok {
                    return Err(format!("`{n}` is neither `-c` nor `--name`"));
                }
                if seen.contains(&n) {
                    return Err(format!("`{n}` is declared twice"));
                }
                seen.push(n);
            }
        }
        Ok(())
    }
}

/// `text[from..to]`'s bytes in the source when the word is written as its value (no quotes or
/// escapes: quote removal only ever shortens a word, so equal lengths mean equal texts).
fn part(word: &Word, text: &str, from: usize, to: usize) -> Option<TextRange> {
    (word.range.len() == text.len()).then(|| TextRange::new(word.range.start + from, word.range.start + to))
}

impl Occurrence<'_> {
    fn is(&self, key: Key<'_>) -> bool {
        match key {
            Key::Declared(i) => self.opt == Some(i),
            Key::Written { long, name } => self.opt.is_none() && self.long == long && self.name == name,
        }
    }
}

impl<'a> Args<'a> {
    /// The words read (all of them, including those before `start`).
    pub fn words(&self) -> &'a [Word] {
        self.words
    }

    /// Every option given, in order.
    pub fn options(&self) -> &[Occurrence<'a>] {
        &self.options
    }

    /// The indices of the operands, in order.
    pub fn operands(&self) -> &[usize] {
        &self.operands
    }

    /// The `n`th operand's word.
    pub fn operand(&self, n: usize) -> Option<&'a Word> {
        self.operands.get(n).map(|&i| &self.words[i])
    }

    /// The index of the first operand (a subcommand, a wrapped command's name).
    pub fn first_operand(&self) -> Option<usize> {
        self.operands.first().copied()
    }

    /// Where reading stopped in [`Order::OptionsFirst`]: the index of the first operand, or the
    /// number of words when there is none.
    pub fn options_end(&self) -> usize {
        self.first_operand().unwrap_or(self.words.len())
    }

    /// The index of the `--` that ended the options, if one did.
    pub fn dashdash(&self) -> Option<usize> {
        self.dashdash
    }

    /// Every occurrence of the option `name` (`-y`, `--assume-yes`: any name of a declared
    /// option finds all of them; an undeclared name finds the unknown options written so), in
    /// order.
    pub fn all<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Occurrence<'a>> + 's {
        let key = self.spec.key(name);
        self.options.iter().filter(move |o| o.is(key))
    }

    /// The last occurrence of `name` (the one that wins for most programs).
    pub fn last(&self, name: &str) -> Option<&Occurrence<'a>> {
        let key = self.spec.key(name);
        self.options.iter().rev().find(|o| o.is(key))
    }

    /// The option is given.
    pub fn has(&self, name: &str) -> bool {
        let key = self.spec.key(name);
        self.options.iter().any(|o| o.is(key))
    }

    /// The value of the last occurrence of `name`: `None` when it is not given (or given as a
    /// flag), `Some(None)` when its value is not literal.
    pub fn value(&self, name: &str) -> Option<Option<&'a str>> {
        self.last(name)?.value
    }

    /// The values of every occurrence of `name`, in order (`-o A=1 -o B=2`); `None` for a
    /// value that is not literal.
    pub fn values<'s>(&'s self, name: &'s str) -> impl Iterator<Item = Option<&'a str>> + 's {
        self.all(name).filter_map(|o| o.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::shell::parse_script;

    fn words(src: &str) -> Vec<Word> {
        parse_script(src, 0).commands.remove(0).words
    }

    fn texts<'w>(words: &'w [Word], indices: &[usize]) -> Vec<Option<&'w str>> {
        indices.iter().map(|&i| words[i].value.as_deref()).collect()
    }

    static APT: Spec = Spec {
        opts: &[
            Opt::flag(&["-y", "--yes", "--assume-yes"]),
            Opt::flag(&["-q", "--quiet"]),
            Opt::value(&["-o", "--option"]),
            Opt::value(&["-c", "--config-file"]),
            Opt::flag(&["--no-install-recommends"]),
        ],
        order: Order::Permute,
        unknown: Unknown::Flag,
        abbreviations: false,
    };

    static PIP: Spec = Spec {
        opts: &[
            Opt::flag(&["--no-cache-dir"]),
            Opt::flag(&["--no-color"]),
            Opt::value(&["--cache-dir"]),
            Opt::value(&["-r", "--requirement"]),
            Opt::flag(&["--no-deps"]),
        ],
        order: Order::Permute,
        unknown: Unknown::Fail,
        abbreviations: true,
    };

    static WRAPPER: Spec = Spec {
        opts: &[Opt::flag(&["-H"]), Opt::flag(&["-E"]), Opt::value(&["-u", "--user"])],
        order: Order::OptionsFirst,
        unknown: Unknown::Fail,
        abbreviations: false,
    };

    #[test]
    fn short_flags_cluster() {
        let src = "apt-get -qy install curl";
        let w = words(src);
        let args = APT.parse(&w, 1).unwrap();
        assert!(args.has("-y") && args.has("--yes") && args.has("--assume-yes") && args.has("-q"));
        assert!(!args.has("-o") && !args.has("--no-install-recommends"));
        assert_eq!(texts(&w, args.operands()), [Some("install"), Some("curl")]);
        assert_eq!(args.first_operand(), Some(2));
        let [q, y] = args.options() else { panic!() };
        assert_eq!(
            (q.name, y.name, q.long, q.clustered, y.clustered),
            ("q", "y", false, true, true)
        );
        assert_eq!((q.word, y.word, q.value, y.value), (1, 1, None, None));
        // each its own bytes; the dash goes with the first
        assert_eq!((q.range.slice(src), y.range.slice(src)), ("-q", "y"));
        // the same read from separate words, the long names, or another order
        for other in [
            "apt-get -q -y install curl",
            "apt-get install --quiet curl --assume-yes",
        ] {
            let w = words(other);
            let args = APT.parse(&w, 1).unwrap();
            assert!(args.has("-y") && args.has("-q"), "{other}");
            assert!(args.options().iter().all(|o| !o.clustered), "{other}");
            assert_eq!(texts(&w, args.operands()), [Some("install"), Some("curl")]);
        }
    }

    #[test]
    fn a_quoted_cluster_is_pointed_at_as_a_whole() {
        let src = "apt-get '-qy' install";
        let w = words(src);
        let args = APT.parse(&w, 1).unwrap();
        assert!(args.has("-y"));
        let ranges: Vec<&str> = args.options().iter().map(|o| o.range.slice(src)).collect();
        assert_eq!(ranges, ["'-qy'", "'-qy'"]);
    }

    #[test]
    fn short_values() {
        // in the next word, attached, after flags of a cluster
        for (src, option, value) in [
            (
                "apt-get -o APT::Get::Assume-Yes=true install",
                "-o APT::Get::Assume-Yes=true",
                "APT::Get::Assume-Yes=true",
            ),
            (
                "apt-get -oAPT::Get::Assume-Yes=true install",
                "-oAPT::Get::Assume-Yes=true",
                "APT::Get::Assume-Yes=true",
            ),
            (
                "apt-get -qo Dpkg::Use-Pty=0 install",
                "o Dpkg::Use-Pty=0",
                "Dpkg::Use-Pty=0",
            ),
            (
                "apt-get -qoDpkg::Use-Pty=0 install",
                "oDpkg::Use-Pty=0",
                "Dpkg::Use-Pty=0",
            ),
        ] {
            let w = words(src);
            let args = APT.parse(&w, 1).unwrap();
            assert_eq!(args.value("-o"), Some(Some(value)), "{src}");
            assert_eq!(args.value("--option"), Some(Some(value)), "{src}");
            let o = args.last("-o").unwrap();
            assert_eq!(o.range.slice(src), option, "{src}");
            assert_eq!(o.value_range.map(|r| r.slice(src)), Some(value), "{src}");
            assert_eq!(texts(&w, args.operands()), [Some("install")], "{src}");
            assert!(!args.has("-y"), "{src}: a value is not read as options");
        }
        // a value is the next word whatever it looks like; the value ends a cluster
        let w = words("apt-get -o -y -oy install");
        let args = APT.parse(&w, 1).unwrap();
        assert_eq!(args.values("-o").collect::<Vec<_>>(), [Some("-y"), Some("y")]);
        assert!(!args.has("-y"));
        let o = args.options()[0];
        assert_eq!((o.word, o.value_word), (1, Some(2)));
    }

    #[test]
    fn long_values_either_form() {
        for src in [
            "pip install --cache-dir /c x",
            "pip install --cache-dir=/c x",
            "pip install x --cache-dir /c",
        ] {
            let w = words(src);
            let args = PIP.parse(&w, 2).unwrap();
            assert_eq!(args.value("--cache-dir"), Some(Some("/c")), "{src}");
            assert_eq!(texts(&w, args.operands()), [Some("x")], "{src}");
            let o = args.last("--cache-dir").unwrap();
            assert_eq!(o.value_range.map(|r| r.slice(src)), Some("/c"), "{src}");
            assert!(o.range.slice(src).starts_with("--cache-dir") && o.range.slice(src).ends_with("/c"));
            assert!(o.long && !o.clustered);
        }
        // the option's range covers the value's word, for a fix that removes both
        let src = "pip install --cache-dir  /c x";
        let w = words(src);
        let args = PIP.parse(&w, 2).unwrap();
        assert_eq!(args.last("--cache-dir").unwrap().range.slice(src), "--cache-dir  /c");
        // a quoted `--opt=value`: the value's place inside it is not known
        let src = "pip install \"--cache-dir=/c\"";
        let w = words(src);
        let args = PIP.parse(&w, 2).unwrap();
        let o = args.last("--cache-dir").unwrap();
        assert_eq!(
            (o.value, o.value_range, o.range.slice(src)),
            (Some(Some("/c")), None, "\"--cache-dir=/c\"")
        );
    }

    #[test]
    fn repeated_options_last_wins() {
        let w = words("apt-get -o A=1 --option=B=2 -oC=3 install");
        let args = APT.parse(&w, 1).unwrap();
        assert_eq!(
            args.values("-o").collect::<Vec<_>>(),
            [Some("A=1"), Some("B=2"), Some("C=3")]
        );
        assert_eq!(args.value("--option"), Some(Some("C=3")));
        assert_eq!(args.all("-o").count(), 3);
        // a flag has no value
        assert_eq!(APT.parse(&words("apt-get -y"), 1).unwrap().value("-y"), None);
    }

    #[test]
    fn double_dash_ends_the_options() {
        let w = words("apt-get install -q -- -y --purge x");
        let args = APT.parse(&w, 1).unwrap();
        assert!(args.has("-q") && !args.has("-y"));
        assert_eq!(args.dashdash(), Some(3));
        assert_eq!(
            texts(&w, args.operands()),
            [Some("install"), Some("-y"), Some("--purge"), Some("x")]
        );
        let w = words("sudo -H -- pip -q");
        let args = WRAPPER.parse(&w, 1).unwrap();
        assert_eq!((args.dashdash(), args.options_end()), (Some(2), 3));
        assert_eq!(APT.parse(&words("apt-get -y"), 1).unwrap().dashdash(), None);
    }

    #[test]
    fn permute_or_options_first() {
        let w = words("pip install x --no-deps y -r r.txt");
        let args = PIP.parse(&w, 1).unwrap();
        assert_eq!(texts(&w, args.operands()), [Some("install"), Some("x"), Some("y")]);
        assert!(args.has("--no-deps"));
        assert_eq!(args.value("-r"), Some(Some("r.txt")));
        // a wrapper's options end at its command: the rest is the command's
        let w = words("sudo -H -u app pip -E --user x");
        let args = WRAPPER.parse(&w, 1).unwrap();
        assert_eq!(args.value("-u"), Some(Some("app")));
        assert!(!args.has("-E"));
        assert_eq!(args.options_end(), 4);
        assert_eq!(
            texts(&w, args.operands()),
            [Some("pip"), Some("-E"), Some("--user"), Some("x")]
        );
        // no operand at all
        let w = words("sudo -H");
        assert_eq!(WRAPPER.parse(&w, 1).unwrap().options_end(), 2);
        // a lone `-` is an operand
        let w = words("sudo -H - x");
        assert_eq!(WRAPPER.parse(&w, 1).unwrap().options_end(), 2);
    }

    #[test]
    fn non_literal_words() {
        // an expansion in option position is an operand: it may be anything
        let w = words("apt-get install $FLAGS -y \"$@\" curl");
        let args = APT.parse(&w, 1).unwrap();
        assert!(args.has("-y"));
        assert_eq!(texts(&w, args.operands()), [Some("install"), None, None, Some("curl")]);
        let w = words("sudo $OPTS -u app pip");
        let args = WRAPPER.parse(&w, 1).unwrap();
        assert_eq!((args.options_end(), args.has("-u")), (1, false));
        // a non-literal value is a value all the same
        let src = "pip install --cache-dir \"$D\" -r ~/r x";
        let w = words(src);
        let args = PIP.parse(&w, 2).unwrap();
        assert_eq!(args.value("--cache-dir"), Some(None));
        assert_eq!(args.value("-r"), Some(None));
        assert_eq!(
            args.last("--cache-dir").unwrap().value_range.map(|r| r.slice(src)),
            Some("\"$D\"")
        );
        assert_eq!(texts(&w, args.operands()), [Some("x")]);
    }

    #[test]
    fn unknown_options_per_policy() {
        // fail: the word is named
        let w = words("pip install --frobnicate x");
        assert_eq!(PIP.parse(&w, 2), Err(Error::Unknown { word: 2 }));
        let w = words("sudo -Hx pip");
        assert_eq!(WRAPPER.parse(&w, 1), Err(Error::Unknown { word: 1 }));
        // a flag: kept under the name it is written with
        let src = "apt-get -qZy --frobnicate --fix=yes install x";
        let w = words(src);
        let args = APT.parse(&w, 1).unwrap();
        assert!(args.has("-q") && args.has("-y") && args.has("-Z") && args.has("--frobnicate"));
        assert!(!args.has("--Z") && !args.has("-frobnicate"));
        assert_eq!(args.last("-Z").map(|o| (o.opt, o.range.slice(src))), Some((None, "Z")));
        assert_eq!(args.value("--fix"), Some(Some("yes")));
        assert_eq!(texts(&w, args.operands()), [Some("install"), Some("x")]);
        // an unknown option's value in the next word is not known to be one
        let w = words("apt-get --target-release bookworm install x");
        let args = APT.parse(&w, 1).unwrap();
        assert_eq!(args.first_operand(), Some(2));
    }

    #[test]
    fn missing_value() {
        let w = words("apt-get install -o");
        assert_eq!(APT.parse(&w, 1), Err(Error::MissingValue { word: 2 }));
        let w = words("pip install --cache-dir");
        assert_eq!(PIP.parse(&w, 2), Err(Error::MissingValue { word: 2 }));
        // `=` gives an empty value
        let w = words("pip install --cache-dir= x");
        assert_eq!(PIP.parse(&w, 2).unwrap().value("--cache-dir"), Some(Some("")));
    }

    #[test]
    fn abbreviated_long_options() {
        let w = words("pip install --no-ca --no-co --no-d x");
        let args = PIP.parse(&w, 2).unwrap();
        assert!(args.has("--no-cache-dir") && args.has("--no-color") && args.has("--no-deps"));
        assert_eq!(args.last("--no-cache-dir").unwrap().name, "no-ca");
        assert_eq!(
            args.value("--req"),
            None,
            "a lookup takes a declared name, not a prefix"
        );
        let w = words("pip install --req r.txt --cache=/c");
        let args = PIP.parse(&w, 2).unwrap();
        assert_eq!(
            (args.value("-r"), args.value("--cache-dir")),
            (Some(Some("r.txt")), Some(Some("/c")))
        );
        // ambiguous: unknown
        let w = words("pip install --no-c x");
        assert_eq!(PIP.parse(&w, 2), Err(Error::Unknown { word: 2 }));
        // without abbreviations, a prefix is unknown
        let w = words("apt-get --assume install");
        let args = APT.parse(&w, 1).unwrap();
        assert!(!args.has("-y") && args.has("--assume"));
    }

    #[test]
    fn indices_are_into_the_whole_slice() {
        let w = words("python -m pip install -r r.txt x");
        let args = PIP.parse(&w, 4).unwrap();
        let r = args.last("-r").unwrap();
        assert_eq!((r.word, r.value_word), (4, Some(5)));
        assert_eq!(args.operands(), [6]);
        assert_eq!(args.operand(0).and_then(|w| w.value.as_deref()), Some("x"));
        assert_eq!(args.operand(1), None);
        assert_eq!(args.words().len(), 7);
        assert_eq!(PIP.parse(&w, 7).unwrap().operands(), [] as [usize; 0]);
    }

    #[test]
    fn specs_are_checked() {
        for spec in super::super::wrappers::SPECS
            .iter()
            .copied()
            .chain([&APT, &PIP, &WRAPPER])
        {
            assert_eq!(spec.check(), Ok(()), "{spec:?}");
        }
        for bad in [&["y"][..], &["-yes"], &["--"], &["--a=b"], &["-"], &["-y", "-y"], &[]] {
            let spec = Spec {
                opts: Box::leak(Box::new([Opt::flag(bad)])),
                ..APT
            };
            assert!(spec.check().is_err(), "{bad:?}");
        }
    }
}

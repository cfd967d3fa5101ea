//! Where a variable is used after its declaration, as widely as the file lets anyone tell: the
//! instructions that see an `ARG` or `ENV` of a stage (the rest of the stage, then the stages
//! built `FROM` it) and whether one names the variable — its name as a whole word anywhere in the
//! instruction's text, or a RUN that reads its whole environment (`env`, `printenv`,
//! `export -p`, `make` …). Wider than what the shell or BuildKit expands, so that a use is never missed.

use crate::syntax::model::{Dockerfile, Instruction, Kind};

/// The instructions after `index` that see what `index` declares: the rest of its stage, then
/// every stage built on that stage (directly or through others), in file order.
pub fn after_in_chain(model: &Dockerfile, index: usize) -> impl Iterator<Item = usize> + '_ {
    let stage = model.instructions[index].stage;
    let own = stage.map_or(index, |s| model.stages[s].last);
    let descendants = model
        .stages
        .iter()
        .enumerate()
        .filter(move |&(t, _)| stage.is_some_and(|s| t != s && model.stage_chain(t).contains(&s)))
        .flat_map(|(_, st)| st.from + 1..=st.last);
    (index + 1..=own).chain(descendants)
}

/// The instruction names `name`: as a whole word of its text (`$NAME`, `${NAME:-x}`,
/// `printenv NAME`, `ENV NAME=…`, heredoc bodies and flags included), or it is a RUN that
/// reads its whole environment ([`reads_whole_environment`]).
pub fn names(src: &str, ins: &Instruction, name: &str) -> bool {
    has_word(ins.range.slice(src), name) || reads_whole_environment(ins)
}

/// The instruction's text has `name` as a whole word ([`names`] without the RUNs that read
/// their whole environment).
pub fn names_word(src: &str, ins: &Instruction, name: &str) -> bool {
    has_word(ins.range.slice(src), name)
}

fn has_word(text: &str, name: &str) -> bool {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    !name.is_empty()
        && text.match_indices(name).any(|(at, _)| {
            let before = at.checked_sub(1).map(|i| text.as_bytes()[i]);
            let after = text.as_bytes().get(at + name.len()).copied();
            !before.is_some_and(word) && !after.is_some_and(word)
        })
}

/// A RUN with a command that reads every variable of its environment: `env` or `printenv`
/// without operands, `export` or `export -p`, `declare`/`typeset` with `-p` or `-x` alone, `set`
/// alone print them all, and `make` (GNU make takes each as a make variable, which a `Makefile`
/// reads as `$(NAME)`).
pub fn reads_whole_environment(ins: &Instruction) -> bool {
    if ins.kind != Kind::Run {
        return false;
    }
    let Some(script) = ins.run().and_then(|r| r.script.as_ref()) else {
        return false;
    };
    script.commands.iter().any(|c| {
        let words = c.effective().words;
        let Some(name) = words.first().and_then(|w| w.value.as_deref()) else {
            return false;
        };
        let name = name.rsplit('/').next().unwrap_or(name);
        let rest: Vec<Option<&str>> = words[1..].iter().map(|w| w.value.as_deref()).collect();
        let options_only = rest.iter().all(|w| w.is_some_and(|w| w.starts_with('-')));
        match name {
            "env" | "printenv" | "export" => options_only,
            "declare" | "typeset" => !rest.is_empty() && options_only,
            "set" => rest.is_empty(),
            "make" | "gmake" => true,
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn run_names(src: &str, name: &str) -> bool {
        let model = parse(src);
        names(src, &model.instructions[1], name)
    }

    #[test]
    fn a_name_as_a_whole_word_or_the_whole_environment() {
        assert!(run_names("FROM a\nRUN echo ${GIT_SHA:0:7}\n", "GIT_SHA"));
        assert!(run_names("FROM a\nRUN printenv GIT_SHA\n", "GIT_SHA"));
        assert!(!run_names("FROM a\nRUN echo $GIT_SHA_SHORT\n", "GIT_SHA"));
        assert!(run_names("FROM a\nRUN env | sed 's/^/#/' > /m\n", "GIT_SHA"));
        assert!(run_names("FROM a\nRUN export -p > /m\n", "GIT_SHA"));
        assert!(run_names("FROM a\nRUN make PREFIX=/x cmds\n", "GIT_SHA"));
        assert!(!run_names("FROM a\nRUN env FOO=1 cc -o x x.c\n", "GIT_SHA"));
        assert!(!run_names("FROM a\nRUN set -eux; cc -o x x.c\n", "GIT_SHA"));
        assert!(!run_names("FROM a\nRUN export PATH=/x:$PATH\n", "GIT_SHA"));
    }
}

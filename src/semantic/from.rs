//! What a `FROM` names once the ARGs declared before the first `FROM` (BuildKit's meta ARGs)
//! are applied: with their defaults only, as a build without `--build-arg` sees them.

use crate::syntax::model::{Body, Dockerfile, Kind, Value};
use std::collections::HashMap;

/// The proxy build arguments BuildKit passes to every `RUN` without an `ARG` (`--build-arg
/// HTTP_PROXY=…`, matched in any case by `proxyEnvFromBuildArgs` in `dockerfile2llb`); the words
/// BuildKit expands itself do not see them.
pub const PROXY_ARGS: [&str; 10] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// The ARGs BuildKit defines for every `FROM` without a declaration: the build and target
/// platforms (and the target stage), which differ from build to build.
pub const PLATFORM_ARGS: &[&str] = &[
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDOSVERSION",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETOSVERSION",
    "TARGETARCH",
    "TARGETVARIANT",
    "TARGETSTAGE",
];

/// The ARGs declared before the first `FROM`.
pub struct MetaArgs {
    /// name → `None` when the default is not known (it names a platform ARG), `Some(None)` when
    /// declared without a default, `Some(Some(v))` with default `v`.
    values: HashMap<String, Option<Option<String>>>,
    /// The names in declaration order, each once.
    pub names: Vec<String>,
}

impl MetaArgs {
    pub fn of(model: &Dockerfile, src: &str) -> MetaArgs {
        let mut m = MetaArgs {
            values: HashMap::new(),
            names: Vec::new(),
        };
        for ins in &model.instructions {
            if ins.kind == Kind::From {
                break;
            }
            if ins.invalid || ins.kind != Kind::Arg {
                continue;
            }
            let Body::Arg(pairs) = &ins.body else {
                // a default the grammar cannot read (`ARG V=${X#y}`): the names are declared,
                // their defaults not known
                for w in crate::syntax::words::arg_words(src, ins, model.escape) {
                    let name = w.value.split('=').next().unwrap_or_default().to_string();
                    if !m.values.contains_key(&name) {
                        m.names.push(name.clone());
                    }
                    m.values.insert(name, None);
                }
                continue;
            };
            for p in pairs {
                let v = match &p.value {
                    Some(v) => Some(v.resolve(&|n| m.buildkit_lookup(n)).map(Some)),
                    // a redeclaration without a default keeps the earlier default
                    None => match m.values.get(&p.key) {
                        Some(old) => Some(old.clone()),
                        None => Some(Some(None)),
                    },
                };
                if let Some(v) = v {
                    if !m.values.contains_key(&p.key) {
                        m.names.push(p.key.clone());
                    }
                    m.values.insert(p.key.clone(), v);
                }
            }
        }
        m
    }

    pub fn declared(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// Declared with a default (known or not).
    pub fn has_default(&self, name: &str) -> bool {
        !matches!(self.values.get(name), None | Some(Some(None)))
    }

    /// `value` with each variable replaced by its ARG's default; `None` when a variable has no
    /// default (declared without one, not declared, or a platform ARG): the value then depends
    /// on the build's arguments.
    pub fn with_defaults(&self, value: &Value) -> Option<String> {
        value.resolve(&|n| match self.values.get(n) {
            Some(Some(Some(v))) => Some(Some(v.clone())),
            _ => None,
        })
    }

    /// `value` as BuildKit expands it in a build without `--build-arg`: an ARG declared
    /// without a default, and a name never declared, are empty; `None` when it uses a platform
    /// ARG (its value depends on the build's platform).
    pub fn buildkit_defaults(&self, value: &Value) -> Option<String> {
        value.resolve(&|n| self.buildkit_lookup(n))
    }

    fn buildkit_lookup(&self, name: &str) -> Option<Option<String>> {
        match self.values.get(name) {
            Some(v) => v.clone(),
            None if PLATFORM_ARGS.contains(&name) => None,
            None => Some(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn image(src: &str, from: usize) -> (Option<String>, Option<String>) {
        let model = parse(src);
        let meta = MetaArgs::of(&model, src);
        let ins = model
            .instructions
            .iter()
            .filter(|i| i.kind == Kind::From)
            .nth(from)
            .unwrap();
        let Body::From(f) = &ins.body else { panic!() };
        let text = &f.image.as_ref().unwrap().text;
        (meta.with_defaults(text), meta.buildkit_defaults(text))
    }

    #[test]
    fn defaults_apply_in_order() {
        let src = "ARG A=3.12\nARG B=python:${A}\nARG C\nARG A\nFROM $B\nFROM x${C}\nFROM y:$TARGETARCH\nFROM z$NOPE\n";
        assert_eq!(image(src, 0), (Some("python:3.12".into()), Some("python:3.12".into())));
        assert_eq!(image(src, 1), (None, Some("x".into())));
        assert_eq!(image(src, 2), (None, None));
        assert_eq!(image(src, 3), (None, Some("z".into())));
    }

    #[test]
    fn a_default_the_grammar_cannot_read_is_declared_and_unknown() {
        let src = "ARG V=${X#y} W\nFROM alpine:${V}\n";
        let meta = MetaArgs::of(&parse(src), src);
        assert!(meta.declared("V") && meta.declared("W"));
        assert_eq!(image(src, 0), (None, None));
    }
}

//! What is in effect at an instruction: variables (ENV and ARG through the stage chain), the
//! user and their uid/gid/home, and the working directory.

use super::image::{self, BaseUser, Declared, ImageFacts};
use crate::syntax::image::ImageRef;
use crate::syntax::model::{Body, Dockerfile, Instruction, Kind, Value};
use crate::syntax::shell::Command;
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::sync::Arc;

/// A variable's state: `Some(v)` known, `None` set to something unknown.
pub type Var = Option<String>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserInfo {
    /// uid 0 (the default, also for base images dfix knows nothing about).
    Root,
    NonRoot {
        name: String,
        uid: Option<u32>,
        gid: Option<u32>,
        /// From `useradd -d`/`-m`, `adduser -h`, or the conventional `/home/<name>`.
        home: Option<String>,
    },
    /// `USER $X` and the like.
    Unknown,
}

#[derive(Clone, Debug)]
pub struct Scope {
    pub env: HashMap<String, Var>,
    pub user: UserInfo,
    pub workdir: Option<String>,
    /// The image the stage chain starts from, as written; `None` when it is not a literal
    /// (`FROM ${BASE}`).
    pub base: Option<String>,
    /// [`Scope::base`], parsed.
    pub image: Option<ImageRef>,
    /// What is known of that image (the built-in table and the configuration); `None` when it
    /// is unknown.
    pub facts: Option<Arc<ImageFacts>>,
    /// [`Scope::user`] is root only because nothing says otherwise: the base image is not
    /// known (not in the table, not declared) and no `USER` of the file set the user. Its user,
    /// and so its `HOME`, are then dfix's assumption, which a finding must say and a fix
    /// must not take for safe.
    pub user_assumed: bool,
}

impl Scope {
    /// Looks a variable up for [`Value::resolve`].
    pub fn lookup(&self, name: &str) -> Option<Option<String>> {
        match self.env.get(name) {
            Some(Some(v)) => Some(Some(v.clone())),
            Some(None) => None,
            None => Some(None),
        }
    }

    pub fn resolve(&self, value: &Value) -> Option<String> {
        value.resolve(&|n| self.lookup(n))
    }

    /// The stage builds a Windows image: its base says so (the image table, `[images]`, or a
    /// Windows name or tag), or, for a base dfix does not know, the file's escape character is
    /// the backtick, the Windows convention (paths keep their `\`).
    pub fn windows(&self, escape: char) -> bool {
        match (&self.facts, &self.image) {
            (Some(f), _) => f.windows,
            (None, Some(i)) if i.is_windows() => true,
            _ => escape == '`',
        }
    }

    /// An absolute path in this stage: `/…`; in a Windows stage also `C:\…`, `C:/…` and `\…`;
    /// and a drive-letter path (`C:\…`, `C:/…`) where dfix does not know the base image, which
    /// is far likelier a Windows image than a Linux one with a relative folder named `C:`.
    pub fn is_absolute(&self, path: &str, escape: char) -> bool {
        if path.starts_with('/') {
            return true;
        }
        let b = path.as_bytes();
        let drive = b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && matches!(b[2], b'\\' | b'/');
        if self.windows(escape) {
            drive || path.starts_with('\\')
        } else {
            drive && self.facts.is_none()
        }
    }

    /// The base image is Debian or Ubuntu with apt's `docker-clean`
    /// ([`image::debian_based`], with the configuration's declarations).
    pub fn debian_based(&self) -> bool {
        match (&self.facts, &self.image) {
            (Some(f), _) => {
                f.docker_clean == Some(true) && matches!(f.distro, image::Distro::Debian | image::Distro::Ubuntu)
            }
            (None, Some(i)) => image::debian_based(i),
            (None, None) => false,
        }
    }

    pub fn get(&self, name: &str) -> Option<&Var> {
        self.env.get(name)
    }

    /// `HOME` as a RUN sees it.
    pub fn home(&self) -> Option<String> {
        if let Some(v) = self.env.get("HOME") {
            return v.clone();
        }
        match &self.user {
            UserInfo::Root => Some("/root".into()),
            UserInfo::NonRoot { home, .. } => home.clone(),
            UserInfo::Unknown => None,
        }
    }

    /// Resolves a path against the working directory (BuildKit resolves relative mount
    /// targets this way).
    pub fn absolute(&self, path: &str) -> Option<String> {
        if path.starts_with('/') {
            return Some(path.to_string());
        }
        let wd = self.workdir.as_deref().unwrap_or("/");
        Some(format!("{}/{}", wd.trim_end_matches('/'), path))
    }
}

/// The scope at instruction `index`, with that instruction applied: an `ENV`, `ARG`, `USER` or
/// `WORKDIR` sees what it sets itself, a `RUN` the users its own `useradd` creates (see [`walk`]).
pub fn scope_at(model: &Dockerfile, index: usize) -> Scope {
    walk(model, |i, scope| {
        if i == index {
            ControlFlow::Break(Scope::clone(scope))
        } else {
            ControlFlow::Continue(())
        }
    })
    .unwrap_or_else(empty)
}

/// Calls `f` with each instruction's index and the scope once that instruction is applied (a rule
/// that must see the scope before an `ENV`/`ARG` keeps the previous one), in source order, until
/// `f` breaks: one forward pass over the file, each stage starting from the
/// end of the stage it is built on. Instructions that change nothing share one scope.
pub fn walk<B>(model: &Dockerfile, f: impl FnMut(usize, &Arc<Scope>) -> ControlFlow<B>) -> Option<B> {
    walk_with(model, &[], f)
}

/// [`walk`], with the base images the configuration declares (`[images."pattern"]`).
pub fn walk_with<B>(
    model: &Dockerfile,
    images: &[Declared],
    mut f: impl FnMut(usize, &Arc<Scope>) -> ControlFlow<B>,
) -> Option<B> {
    // meta ARGs (before the first FROM) are visible only where a stage declares them again
    let meta: HashMap<String, Var> = model
        .instructions
        .iter()
        .take_while(|i| i.kind != Kind::From)
        .filter_map(|i| match &i.body {
            Body::Arg(pairs) => Some(pairs),
            _ => None,
        })
        .flatten()
        .map(|p| {
            (
                p.key.clone(),
                p.value.as_ref().map_or(Some(String::new()), |v| v.as_literal()),
            )
        })
        .collect();
    let outside = Arc::new(empty());
    // the state at the end of each stage, for the stages built on it
    let mut ends: Vec<Option<State>> = vec![None; model.stages.len()];
    let mut cur: Option<(usize, State)> = None;
    for (index, ins) in model.instructions.iter().enumerate() {
        let Some(stage) = ins.stage else {
            if let ControlFlow::Break(b) = f(index, &outside) {
                return Some(b);
            }
            continue;
        };
        let st = &model.stages[stage];
        let state = match &mut cur {
            Some((s, state)) if *s == stage && index > st.from => {
                apply(state, ins, &meta);
                state
            }
            _ => &mut cur.insert((stage, start(model, stage, &meta, &ends, images))).1,
        };
        if let ControlFlow::Break(b) = f(index, &state.scope) {
            return Some(b);
        }
        if index == st.last {
            ends[stage] = cur.take().map(|(_, state)| state);
        }
    }
    None
}

/// A user created in the stage chain (a RUN's `useradd`/`adduser`, or the base image).
#[derive(Clone, Debug)]
struct KnownUser {
    name: String,
    uid: u32,
    /// The primary group's id, when given.
    gid: Option<u32>,
    home: Option<String>,
}

/// What the walk carries through a stage: the scope and the users created so far.
#[derive(Clone)]
struct State {
    scope: Arc<Scope>,
    users: Vec<KnownUser>,
}

fn empty() -> Scope {
    Scope {
        env: HashMap::new(),
        user: UserInfo::Root,
        user_assumed: true,
        workdir: None,
        base: None,
        image: None,
        facts: None,
    }
}

/// The state at the FROM of `stage`: the end of the stage it is built on, else its base image's
/// documented environment and users.
fn start(
    model: &Dockerfile,
    stage: usize,
    meta: &HashMap<String, Var>,
    ends: &[Option<State>],
    images: &[Declared],
) -> State {
    let st = &model.stages[stage];
    if let Some(parent) = st.parent.filter(|&p| p < stage)
        && let Some(end) = &ends[parent]
    {
        return end.clone();
    }
    let mut scope = empty();
    let mut users = Vec::new();
    // a base named with meta ARGs (`golang:${GO_VERSION}-alpine`) is resolved with their defaults
    // (with an ARG that has no default, empty: the image's facts may still be known, but the
    // name is not the image's, so it is not kept as `base`)
    let complete = st.base.is_some();
    let base = st.base.clone().or_else(|| match &model.instructions[st.from].body {
        Body::From(f) if st.parent.is_none() => f.image.as_ref().and_then(|i| {
            i.text
                .resolve(&|name| meta.get(name).map(|v| Some(v.clone().unwrap_or_default())))
        }),
        _ => None,
    });
    if let Some(base) = base {
        let image = ImageRef::parse(&base);
        let facts = image::facts(&image, images);
        if let Some(facts) = &facts {
            for (k, v) in &facts.env {
                scope.env.insert(k.clone(), Some(v.clone()));
            }
            for u in &facts.users {
                if let Some(uid) = u.uid {
                    users.push(KnownUser {
                        name: u.name.clone(),
                        uid,
                        gid: u.gid,
                        home: u.home.clone(),
                    });
                }
            }
            // the user the image leaves RUN to
            scope.user_assumed = matches!(facts.user, BaseUser::Unknown);
            scope.user = match &facts.user {
                BaseUser::Root | BaseUser::Unknown => UserInfo::Root,
                BaseUser::User(u) => UserInfo::NonRoot {
                    name: u.name.clone(),
                    uid: u.uid,
                    gid: u.gid,
                    home: u.home.clone(),
                },
            };
        }
        scope.facts = facts.map(Arc::new);
        scope.base = complete.then_some(base);
        scope.image = Some(image);
    }
    State {
        scope: Arc::new(scope),
        users,
    }
}

fn apply(state: &mut State, ins: &Instruction, meta: &HashMap<String, Var>) {
    if ins.invalid {
        return;
    }
    if let Body::Run(run) = &ins.body {
        for cmd in run.script.iter().flat_map(|s| &s.commands) {
            note_user(cmd, &mut state.users);
        }
        return;
    }
    if !matches!(ins.body, Body::Env(_) | Body::Arg(_) | Body::User(_) | Body::Workdir(_)) {
        return;
    }
    let State { scope, users } = state;
    // a copy only when an instruction before still holds this scope
    let scope = Arc::make_mut(scope);
    match &ins.body {
        Body::Env(pairs) => {
            for p in pairs {
                let v = p.value.as_ref().map_or(Some(String::new()), |v| scope.resolve(v));
                scope.env.insert(p.key.clone(), v);
            }
        }
        Body::Arg(pairs) => {
            for p in pairs {
                // the default, or the global ARG's: BuildKit adds it to the same environment as
                // ENV (`dispatchArg`), so it replaces an earlier ENV of the same name
                let v = match &p.value {
                    Some(v) => Some(scope.resolve(v)),
                    None => meta.get(&p.key).cloned().flatten().map(Some),
                };
                match v {
                    Some(v) => {
                        scope.env.insert(p.key.clone(), v);
                    }
                    // without one, whatever the build passes, else an earlier ENV stays
                    None => {
                        scope.env.entry(p.key.clone()).or_insert(None);
                    }
                }
            }
        }
        Body::User(u) => {
            let name = scope.resolve(&u.user);
            let group = u.group.as_ref().map(|g| scope.resolve(g));
            // the image's own users are known only for an image dfix knows
            let image_known = scope.facts.is_some();
            scope.user_assumed = false;
            scope.user = match name {
                None => UserInfo::Unknown,
                Some(n) if n == "root" || n == "0" => UserInfo::Root,
                // `USER ${NB_UID}` with a variable of the base image's environment
                Some(n) if n.is_empty() => UserInfo::Unknown,
                Some(n) => {
                    let known = users
                        .iter()
                        .find(|k| k.name == n || n.parse::<u32>().ok() == Some(k.uid));
                    let uid = n.parse::<u32>().ok().or(known.map(|k| k.uid));
                    let gid = match group {
                        Some(Some(g)) => g.parse::<u32>().ok(),
                        Some(None) => None,
                        None => known.and_then(|k| k.gid),
                    };
                    let home = match known {
                        Some(k) => k.home.clone().or_else(|| Some(format!("/home/{}", k.name))),
                        // a uid without a passwd entry gets `HOME=/`, unless an image dfix does
                        // not know has one
                        None if n.parse::<u32>().is_ok() => image_known.then(|| "/".into()),
                        None => {
                            // a user of an unknown image: the conventional home is a guess
                            scope.user_assumed = !image_known;
                            Some(format!("/home/{n}"))
                        }
                    };
                    UserInfo::NonRoot {
                        name: n,
                        uid,
                        gid,
                        home,
                    }
                }
            };
        }
        Body::Workdir(w) => {
            let path = scope.resolve(w);
            scope.workdir = match (path, &scope.workdir) {
                (Some(p), _) if p.starts_with('/') => Some(p),
                (Some(p), Some(wd)) => Some(format!("{}/{}", wd.trim_end_matches('/'), p)),
                (Some(p), None) => Some(format!("/{p}")),
                (None, _) => None,
            };
        }
        _ => {}
    }
}

/// `useradd [-u N] [-g G] [-d D] [-m] name`, `adduser [-u N] [-G g] [-h D] name`: remembers the
/// uid, primary gid and home of users created in RUNs.
fn note_user(cmd: &Command, users: &mut Vec<KnownUser>) {
    let eff = cmd.effective();
    let words: Vec<Option<&str>> = eff.words.iter().map(|w| w.value.as_deref()).collect();
    let Some(Some(prog)) = words.first() else { return };
    let prog = prog.rsplit('/').next().unwrap_or(prog);
    if !matches!(prog, "useradd" | "adduser") {
        return;
    }
    let mut uid = None;
    let mut gid = None;
    let mut home = None;
    let mut name = None;
    let mut i = 1;
    let takes_value = |o: &str| {
        matches!(
            o,
            "-u" | "--uid"
                | "-g"
                | "--gid"
                | "-G"
                | "--groups"
                | "--ingroup"
                | "-d"
                | "--home-dir"
                | "--home"
                | "-h"
                | "-s"
                | "--shell"
                | "-c"
                | "--comment"
                | "-k"
                | "--skel"
                | "-e"
                | "-f"
                | "-K"
                | "-p"
                | "-Z"
                | "-b"
                | "--base-dir"
                | "--gecos"
        )
    };
    while i < words.len() {
        let Some(w) = words[i] else {
            i += 1;
            continue;
        };
        let (opt, inline) = match w.split_once('=') {
            Some((o, v)) if o.starts_with("--") => (o, Some(v)),
            _ => (w, None),
        };
        if opt.starts_with('-') && opt.len() > 1 {
            let value = if takes_value(opt) {
                inline.map(str::to_string).or_else(|| {
                    i += 1;
                    words.get(i).copied().flatten().map(str::to_string)
                })
            } else {
                None
            };
            match (prog, opt) {
                (_, "-u" | "--uid") => uid = value.and_then(|v| v.parse().ok()),
                ("useradd", "-g" | "--gid") | ("adduser", "--gid") => gid = value.and_then(|v| v.parse().ok()),
                ("useradd", "-d" | "--home-dir") | ("adduser", "-h" | "--home") => home = value,
                _ => {}
            }
        } else {
            name = Some(w.to_string());
        }
        i += 1;
    }
    if let (Some(name), Some(uid)) = (name, uid) {
        users.retain(|u| u.name != name);
        users.push(KnownUser { name, uid, gid, home });
    }
}

impl Scope {
    /// Expands `$NAME` and `${NAME}` in a flag value such as a mount target, as BuildKit does at
    /// build time. `None` when a variable is unknown or the syntax is anything richer.
    pub fn expand(&self, text: &str) -> Option<String> {
        if !text.contains('$') {
            return Some(text.to_string());
        }
        let mut out = String::new();
        let mut rest = text;
        while let Some(i) = rest.find('$') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            let (name, len) = if let Some(inner) = after.strip_prefix('{') {
                let end = inner.find('}')?;
                (&inner[..end], end + 2)
            } else {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], end)
            };
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return None;
            }
            if let Some(v) = self.lookup(name)? {
                out.push_str(&v);
            }
            rest = &after[len..];
        }
        out.push_str(rest);
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn at_last(src: &str) -> Scope {
        let m = parse(src);
        scope_at(&m, m.instructions.len() - 1)
    }

    #[test]
    fn env_through_stages() {
        let s = at_last("FROM a AS base\nENV PIP_CACHE_DIR=/pc HOME=/h\nFROM base\nRUN x\n");
        assert_eq!(s.get("PIP_CACHE_DIR"), Some(&Some("/pc".to_string())));
        assert_eq!(s.home().as_deref(), Some("/h"));
    }

    #[test]
    fn users() {
        let s = at_last("FROM a\nRUN useradd -m -u 1000 app\nUSER app\nRUN x\n");
        assert_eq!(
            s.user,
            UserInfo::NonRoot {
                name: "app".into(),
                uid: Some(1000),
                gid: None,
                home: Some("/home/app".into())
            }
        );
        assert_eq!(s.home().as_deref(), Some("/home/app"));
        let s = at_last("FROM a\nUSER 1000:1001\nRUN x\n");
        assert!(matches!(
            s.user,
            UserInfo::NonRoot {
                uid: Some(1000),
                gid: Some(1001),
                ..
            }
        ));
        let s = at_last("FROM a\nRUN adduser -D -u 10001 -h /srv/app app\nUSER app\nRUN x\n");
        assert_eq!(s.home().as_deref(), Some("/srv/app"));
        let s = at_last("FROM a\nUSER app\nUSER root\nRUN x\n");
        assert_eq!(s.user, UserInfo::Root);
        let s = at_last("FROM a\nARG U\nUSER $U\nRUN x\n");
        assert_eq!(s.user, UserInfo::Unknown);
    }

    #[test]
    fn an_arg_with_a_value_replaces_an_earlier_env() {
        let s = at_last("FROM a\nENV A=1 B=1 C=1\nARG A=2 B\nENV C=3\nRUN x\n");
        assert_eq!(s.get("A"), Some(&Some("2".to_string())));
        assert_eq!(s.get("B"), Some(&Some("1".to_string())));
        assert_eq!(s.get("C"), Some(&Some("3".to_string())));
    }

    #[test]
    fn workdir_and_args() {
        let s = at_last("ARG V=1\nFROM a\nARG V\nARG W=2\nWORKDIR /a\nWORKDIR b\nRUN x\n");
        assert_eq!(s.workdir.as_deref(), Some("/a/b"));
        assert_eq!(s.get("W"), Some(&Some("2".to_string())));
        assert_eq!(s.get("V"), Some(&Some("1".to_string())));
    }
}

//! Shell scripts into commands, against bash's reading of them.

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

#[test]
fn shell_c_scripts() {
    let src = "bash -c \"pip install flask\" && sh -ec 'apk add curl && echo ok'";
    // at offset 10 of a file: the inner commands' ranges are the file's
    let file = format!("{}{src}", " ".repeat(10));
    let s = parse_script(src, 10);
    let got: Vec<(&str, bool)> = s.commands.iter().map(|c| (slice(&file, c.range), c.nested)).collect();
    assert_eq!(
        got,
        vec![
            ("bash -c \"pip install flask\"", false),
            ("pip install flask", true),
            ("sh -ec 'apk add curl && echo ok'", false),
            ("apk add curl", true),
            ("echo ok", true),
        ]
    );
    // not literal, or not `-c`: left unread
    for src in [
        "sh -c \"pip install $X\"",
        "sh -c \"$CMD\"",
        "sh -c 'pip install '\"x\"",
        "sh script.sh 'pip install x'",
        "bash -o pipefail 'pip install x'",
        "sh -c \"pip install \\\"x\\\"\"",
    ] {
        assert_eq!(parse_script(src, 0).commands.len(), 1, "{src}");
    }
    assert_eq!(parse_script("bash -o pipefail -c 'pip install x'", 0).commands.len(), 2);
    assert_eq!(parse_script("sudo sh -c 'pip install x'", 0).commands.len(), 2);
}

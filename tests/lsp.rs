//! The language server, driven in process over `lsp_server::Connection::memory()`, and once over
//! real standard input and output (`dfix lsp`).

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response, ResponseError};
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::path::Path;
use std::thread::JoinHandle;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

/// A client talking to a server thread.
struct Client {
    conn: Connection,
    server: Option<JoinHandle<u8>>,
    next_id: i32,
    /// Notifications and server requests received while waiting for something else.
    pending: VecDeque<Message>,
    /// "utf-8" or "utf-16", as negotiated.
    encoding: String,
}

impl Client {
    /// Starts a server and initializes it with these client capabilities.
    fn start(capabilities: Value) -> (Client, Value) {
        Client::start_with(json!({ "capabilities": capabilities }))
    }

    fn start_with(params: Value) -> (Client, Value) {
        let (server, client) = Connection::memory();
        let handle = std::thread::spawn(move || dfix::lsp::serve(&server));
        let mut c = Client {
            conn: client,
            server: Some(handle),
            next_id: 0,
            pending: VecDeque::new(),
            encoding: String::new(),
        };
        let result = c.request("initialize", params).expect("initialize succeeds");
        c.encoding = result["capabilities"]["positionEncoding"]
            .as_str()
            .expect("an encoding")
            .to_string();
        c.notify("initialized", json!({}));
        (c, result)
    }

    fn notify(&self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Notification::new(method.to_string(), params).into())
            .unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> Result<Value, ResponseError> {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.conn
            .sender
            .send(Request::new(id.clone(), method.to_string(), params).into())
            .unwrap();
        loop {
            match self.conn.receiver.recv_timeout(WAIT).expect("an answer in time") {
                Message::Response(r) if r.id == id => return r.response_result,
                other => self.pending.push_back(other),
            }
        }
    }

    /// The next notification of `method`, skipping others.
    fn notification(&mut self, method: &str) -> Value {
        if let Some(i) = self
            .pending
            .iter()
            .position(|m| matches!(m, Message::Notification(n) if n.method == method))
        {
            let Some(Message::Notification(n)) = self.pending.remove(i) else {
                unreachable!()
            };
            return n.params;
        }
        loop {
            match self.conn.receiver.recv_timeout(WAIT).expect("a notification in time") {
                Message::Notification(n) if n.method == method => return n.params,
                other => self.pending.push_back(other),
            }
        }
    }

    /// Everything that arrived until a round trip with the server completes.
    fn drain(&mut self) -> Vec<Message> {
        // an unknown method is answered in order, after everything sent before it
        let _ = self.request("dfix/ping", json!(null));
        self.pending.drain(..).collect()
    }

    fn publishes(&mut self) -> Vec<Value> {
        self.drain()
            .into_iter()
            .filter_map(|m| match m {
                Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => Some(n.params),
                _ => None,
            })
            .collect()
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "dockerfile", "version": 1, "text": text}}),
        );
    }

    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        loop {
            let p = self.notification("textDocument/publishDiagnostics");
            if p["uri"] == uri {
                return p["diagnostics"].as_array().unwrap().clone();
            }
        }
    }

    fn code_actions(&mut self, uri: &str, range: Value, only: Option<Value>) -> Vec<Value> {
        let mut context = json!({"diagnostics": []});
        if let Some(only) = only {
            context["only"] = only;
        }
        let r = self
            .request(
                "textDocument/codeAction",
                json!({"textDocument": {"uri": uri}, "range": range, "context": context}),
            )
            .expect("code actions");
        r.as_array().unwrap().clone()
    }

    /// Shuts down and exits; returns the server's exit status.
    fn finish(mut self) -> u8 {
        assert_eq!(self.request("shutdown", json!(null)).unwrap(), Value::Null);
        self.notify("exit", json!(null));
        self.server.take().unwrap().join().unwrap()
    }

    /// Applies a `WorkspaceEdit` (either form) to `text`.
    fn apply(&self, text: &str, edit: &Value) -> String {
        let edits: Vec<Value> = if let Some(changes) = edit["changes"].as_object() {
            changes.values().flat_map(|v| v.as_array().unwrap().clone()).collect()
        } else {
            edit["documentChanges"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|d| d["edits"].as_array().unwrap().clone())
                .collect()
        };
        let mut spans: Vec<(usize, usize, String)> = edits
            .iter()
            .map(|e| {
                (
                    self.offset(text, &e["range"]["start"]),
                    self.offset(text, &e["range"]["end"]),
                    e["newText"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        spans.sort_by_key(|s| std::cmp::Reverse(s.0));
        let mut out = text.to_string();
        for (a, b, t) in spans {
            out.replace_range(a..b, &t);
        }
        out
    }

    /// A protocol position as a byte offset, counting columns the negotiated way.
    fn offset(&self, text: &str, pos: &Value) -> usize {
        let (line, col) = (
            pos["line"].as_u64().unwrap() as usize,
            pos["character"].as_u64().unwrap() as usize,
        );
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut units = 0;
        for (i, c) in text[start..].char_indices() {
            if units >= col || c == '\n' {
                return start + i;
            }
            units += if self.encoding == "utf-8" {
                c.len_utf8()
            } else {
                c.len_utf16()
            };
        }
        text.len()
    }

    /// The protocol position of a byte offset.
    fn position(&self, text: &str, offset: usize) -> Value {
        let line = text[..offset].matches('\n').count();
        let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let s = &text[start..offset];
        let col = if self.encoding == "utf-8" {
            s.len()
        } else {
            s.encode_utf16().count()
        };
        json!({"line": line, "character": col})
    }

    fn range(&self, text: &str, start: usize, end: usize) -> Value {
        json!({"start": self.position(text, start), "end": self.position(text, end)})
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if self.server.is_some() && !std::thread::panicking() {
            self.notify("exit", json!(null));
        }
    }
}

/// info (apk, unsafe preferred fix), warning (pip, safe fix) after non-ASCII text on its line,
/// error (an unknown instruction, no fix).
const DOC: &str = "FROM alpine:3.20\nRUN apk add curl=8.9.1-r0\nRUN echo \"é😀\" && pip install flask==3.1.0\nFROB x\n";
const URI: &str = "untitled:Dockerfile";

fn by_code<'a>(diags: &'a [Value], code: &str) -> &'a Value {
    diags
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {diags:#?}"))
}

fn utf8_client() -> Value {
    json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}})
}

#[test]
fn initialize_negotiates_the_encoding_and_ranges_follow_it() {
    let pip = DOC.find("pip install").unwrap();
    let line = &DOC[DOC[..pip].rfind('\n').unwrap() + 1..pip];
    for (caps, enc, col) in [
        (utf8_client(), "utf-8", line.len()),
        (
            json!({"general": {"positionEncodings": ["utf-16"]}}),
            "utf-16",
            line.encode_utf16().count(),
        ),
        (json!({}), "utf-16", line.encode_utf16().count()),
    ] {
        let (mut c, init) = Client::start(caps);
        assert_eq!(init["capabilities"]["positionEncoding"], enc);
        assert_eq!(init["serverInfo"]["name"], "dfix");
        assert_eq!(init["serverInfo"]["version"], dfix::VERSION);
        assert_eq!(init["capabilities"]["textDocumentSync"]["change"], 2, "incremental");
        c.open(URI, DOC);
        let diags = c.diagnostics(URI);
        let d = by_code(&diags, "pip-without-cache-mount");
        assert_eq!(d["range"]["start"], json!({"line": 2, "character": col}), "{enc}");
        assert_eq!(
            d["range"]["end"],
            json!({"line": 2, "character": col + "pip install".len()}),
            "{enc}"
        );
        assert_eq!(c.finish(), 0);
    }
}

#[test]
fn diagnostics_carry_code_link_severity_and_source() {
    let (mut c, _) = Client::start(json!({}));
    c.open(URI, DOC);
    let p = c.notification("textDocument/publishDiagnostics");
    assert_eq!(p["version"], 1);
    let diags = p["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 3, "{diags:#?}");
    for (code, severity) in [
        ("apk-without-cache-mount", 3),
        ("pip-without-cache-mount", 2),
        ("syntax-error", 1),
    ] {
        let d = by_code(diags, code);
        assert_eq!(d["severity"], severity, "{code}");
        assert_eq!(d["source"], "dfix");
        assert_eq!(d["codeDescription"]["href"], dfix::rule_url(code));
    }
    let syntax = by_code(diags, "syntax-error");
    assert_eq!(syntax["range"], c.range(DOC, DOC.find("FROB").unwrap(), DOC.len() - 1));
    assert!(
        syntax["message"]
            .as_str()
            .unwrap()
            .contains("unknown instruction: FROB")
    );
    assert_eq!(c.finish(), 0);
}

#[test]
fn open_change_close() {
    for caps in [utf8_client(), json!({})] {
        let (mut c, _) = Client::start(caps);
        c.open(URI, DOC);
        assert_eq!(c.diagnostics(URI).len(), 3);
        // delete the bad line, then replace the emoji before `pip`: incremental edits
        let frob = DOC.find("FROB").unwrap();
        let mut text = DOC.to_string();
        let edit1 = json!({"range": c.range(&text, frob, text.len()), "text": ""});
        text.replace_range(frob.., "");
        let emoji = text.find('😀').unwrap();
        let edit2 = json!({"range": c.range(&text, emoji, emoji + 4), "text": "ünï"});
        text.replace_range(emoji..emoji + 4, "ünï");
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [edit1, edit2]}),
        );
        let p = c.notification("textDocument/publishDiagnostics");
        assert_eq!(p["version"], 2);
        let diags = p["diagnostics"].as_array().unwrap();
        let codes: Vec<&Value> = diags.iter().map(|d| &d["code"]).collect();
        assert_eq!(
            codes,
            [&json!("apk-without-cache-mount"), &json!("pip-without-cache-mount")]
        );
        let pip = text.find("pip install").unwrap();
        assert_eq!(diags[1]["range"], c.range(&text, pip, pip + "pip install".len()));
        // the server's text is the client's: a fix-all edit applies to it exactly
        let actions = c.code_actions(URI, c.range(&text, 0, 0), Some(json!(["source.fixAll"])));
        let settings = dfix::settings::Settings::from_layers(&[]).unwrap();
        assert_eq!(
            c.apply(&text, &actions[0]["edit"]),
            dfix::fix(&text, &settings, false).text
        );
        // a whole-text change
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": 3}, "contentChanges": [{"text": "FROM a:1\n"}]}),
        );
        assert!(c.diagnostics(URI).is_empty());
        c.notify("textDocument/didClose", json!({"textDocument": {"uri": URI}}));
        let p = c.notification("textDocument/publishDiagnostics");
        assert_eq!((&p["uri"], &p["diagnostics"]), (&json!(URI), &json!([])));
        // a closed document is unknown
        let e = c
            .request(
                "textDocument/hover",
                json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}}),
            )
            .unwrap_err();
        assert_eq!(e.code, -32602);
        assert_eq!(c.finish(), 0);
    }
}

#[test]
fn clients_that_pull_get_diagnostics_by_request_only() {
    let (mut c, init) = Client::start(json!({"textDocument": {"diagnostic": {}}}));
    assert_eq!(init["capabilities"]["diagnosticProvider"]["identifier"], "dfix");
    c.open(URI, DOC);
    assert!(c.publishes().is_empty(), "nothing is pushed to a pulling client");
    let r = c
        .request("textDocument/diagnostic", json!({"textDocument": {"uri": URI}}))
        .unwrap();
    assert_eq!(r["kind"], "full");
    assert_eq!(r["items"].as_array().unwrap().len(), 3);
    by_code(r["items"].as_array().unwrap(), "pip-without-cache-mount");
    // a document that is not open has nothing
    let r = c
        .request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": "untitled:other"}}),
        )
        .unwrap();
    assert_eq!(r["items"], json!([]));
    assert_eq!(c.finish(), 0);
}

#[test]
fn quick_fixes_preferred_first_unsafe_labelled_and_ignore() {
    let text = "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8\nRUN pip install flask==3.1.0\nFROM alpine\nRUN apk add curl\n";
    let (mut c, _) = Client::start(json!({"workspace": {"workspaceEdit": {"documentChanges": true}}}));
    c.open(URI, text);
    let diags = c.diagnostics(URI);
    let apt = by_code(&diags, "apt-without-cache-mount").clone();
    let actions = c.code_actions(URI, apt["range"].clone(), None);
    let titles: Vec<&str> = actions.iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        [
            "Mount a BuildKit cache at `/var/lib/apt/lists`",
            "Mount apt's caches and remove `docker-clean` so that downloaded packages are kept (unsafe)",
            "Ignore apt-without-cache-mount for this instruction",
            "Fix all dfix problems (3 fixes)",
        ]
    );
    assert_eq!(actions[3]["kind"], "source.fixAll.dfix");
    assert_eq!(actions[0]["isPreferred"], true);
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["diagnostics"][0]["code"], "apt-without-cache-mount");
    assert!(actions[1].get("isPreferred").is_none());
    assert!(actions[2].get("isPreferred").is_none());
    // versioned edits when the client takes them
    assert_eq!(actions[0]["edit"]["documentChanges"][0]["textDocument"]["version"], 1);
    let fixed = c.apply(text, &actions[0]["edit"]);
    assert!(
        fixed.contains("RUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked apt-get"),
        "{fixed}"
    );
    // the alternative is the complete form: neither fix leaves an apt finding behind
    let complete = c.apply(text, &actions[1]["edit"]);
    assert!(complete.contains("docker-clean"), "{complete}");
    let all = dfix::settings::Settings::from_layers(&[]).unwrap();
    for after in [&fixed, &complete] {
        let left: Vec<_> = dfix::lint(after, &all)
            .into_iter()
            .map(|d| d.rule.name())
            .filter(|r| r.starts_with("apt-"))
            .collect();
        assert!(left.is_empty(), "{left:?} in\n{after}");
    }
    // the ignore action writes what --add-ignore writes
    let ignored = c.apply(text, &actions[2]["edit"]);
    assert_eq!(
        ignored,
        text.replace("RUN apt-get", "# dfix: ignore=apt-without-cache-mount\nRUN apt-get")
    );
    let model = dfix::syntax::parse(text);
    let settings = dfix::settings::Settings::from_layers(&[]).unwrap();
    let apt_only: Vec<_> = dfix::lint(text, &settings)
        .into_iter()
        .filter(|d| d.rule.name() == "apt-without-cache-mount")
        .collect();
    assert_eq!(
        dfix::suppress::add_ignores(text, &model, &apt_only).as_deref(),
        Some(ignored.as_str())
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"text": ignored}]}),
    );
    let after = c.diagnostics(URI);
    assert!(
        after.iter().all(|d| d["code"] != "apt-without-cache-mount"),
        "{after:#?}"
    );

    // an unsafe preferred fix is labelled and not preferred
    let apk = by_code(&after, "apk-without-cache-mount").clone();
    let actions = c.code_actions(URI, apk["range"].clone(), Some(json!(["quickfix"])));
    assert!(actions[0]["title"].as_str().unwrap().ends_with(" (unsafe)"));
    assert!(actions[0].get("isPreferred").is_none());
    // a range over two findings offers both; no fix-all when only quick fixes are asked for
    let pip = by_code(&after, "pip-without-cache-mount").clone();
    let both = json!({"start": pip["range"]["start"], "end": apk["range"]["end"]});
    let actions = c.code_actions(URI, both, Some(json!(["quickfix"])));
    let covered: Vec<&Value> = actions.iter().map(|a| &a["diagnostics"][0]["code"]).collect();
    assert!(
        covered.contains(&&json!("pip-without-cache-mount")) && covered.contains(&&json!("apk-without-cache-mount"))
    );
    assert!(actions.iter().all(|a| a["kind"] == "quickfix"));
    assert_eq!(c.finish(), 0);
}

#[test]
fn a_finding_outside_instructions_is_ignored_for_the_file() {
    let text = "# dfix: ignore=pip-without-cache-mount\nFROM a\nRUN true\n";
    let (mut c, _) = Client::start(json!({}));
    c.open(URI, text);
    let diags = c.diagnostics(URI);
    let unused = by_code(&diags, "unused-suppression");
    assert_eq!(unused["tags"], json!([1]), "unnecessary");
    let actions = c.code_actions(URI, unused["range"].clone(), None);
    let ignore = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Ignore"))
        .unwrap();
    assert_eq!(ignore["title"], "Ignore unused-suppression for this file");
    // without documentChanges support, `changes`
    assert!(ignore["edit"]["changes"][URI].is_array());
    drop(c);
}

/// A file BuildKit refuses must not pass: no "Ignore" action for a syntax error.
#[test]
fn what_breaks_the_build_cannot_be_ignored() {
    let text = "FROM a\nRUN --mount=type=cache,target=/x,uid=x true\nCOPYY a b\n";
    let (mut c, _) = Client::start(json!({}));
    c.open(URI, text);
    let diags = c.diagnostics(URI);
    for code in ["syntax-error", "invalid-mount"] {
        let d = by_code(&diags, code);
        let actions = c.code_actions(URI, d["range"].clone(), Some(json!(["quickfix"])));
        let ignores: Vec<&str> = actions
            .iter()
            .map(|a| a["title"].as_str().unwrap())
            .filter(|t| t.starts_with("Ignore"))
            .collect();
        assert!(ignores.iter().all(|t| !t.contains(code)), "{code}: {ignores:?}");
    }
    drop(c);
}

#[test]
fn fix_all_is_dfix_write() {
    let (mut c, init) = Client::start(utf8_client());
    let kinds = &init["capabilities"]["codeActionProvider"]["codeActionKinds"];
    assert!(kinds.as_array().unwrap().contains(&json!("source.fixAll.dfix")));
    c.open(URI, DOC);
    c.diagnostics(URI);
    for only in [
        json!(["source.fixAll.dfix"]),
        json!(["source.fixAll"]),
        json!(["source"]),
    ] {
        let actions = c.code_actions(URI, c.range(DOC, 0, 0), Some(only));
        assert_eq!(actions.len(), 1);
        assert_eq!(actions[0]["kind"], "source.fixAll.dfix");
        let settings = dfix::settings::Settings::from_layers(&[]).unwrap();
        let expected = dfix::fix(DOC, &settings, false);
        assert_eq!(c.apply(DOC, &actions[0]["edit"]), expected.text);
        assert_eq!(
            actions[0]["title"],
            format!("Fix all dfix problems ({} fixes)", expected.count())
        );
    }
    // with nothing to fix, no action
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"text": "FROM a\n"}]}),
    );
    c.diagnostics(URI);
    assert!(
        c.code_actions(URI, c.range("", 0, 0), Some(json!(["source.fixAll"])))
            .is_empty()
    );
    assert_eq!(c.finish(), 0);
}

#[test]
fn hover_shows_the_rule_page() {
    let (mut c, _) = Client::start(json!({}));
    c.open(URI, DOC);
    let diags = c.diagnostics(URI);
    let pip = by_code(&diags, "pip-without-cache-mount");
    let inside = c.position(DOC, DOC.find("install").unwrap());
    let h = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": inside}),
        )
        .unwrap();
    assert_eq!(h["contents"]["kind"], "markdown");
    let page = dfix::rules::find("pip-without-cache-mount").unwrap().meta.doc;
    assert_eq!(h["contents"]["value"], page.trim_end());
    assert_eq!(h["range"], pip["range"]);
    let nothing = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 8}}),
        )
        .unwrap();
    assert_eq!(nothing, Value::Null);
    assert_eq!(c.finish(), 0);
}

/// The completion items at the `|` of `marked` (the document is `marked` without it), opened
/// as `URI`.
fn complete(c: &mut Client, marked: &str) -> Vec<Value> {
    let at = marked.find('|').unwrap();
    let text = marked.replacen('|', "", 1);
    c.open(URI, &text);
    let r = c
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": URI}, "position": c.position(&text, at)}),
        )
        .unwrap();
    if r.is_null() {
        return Vec::new();
    }
    r.as_array().unwrap().clone()
}

fn labels(items: &[Value]) -> Vec<&str> {
    items.iter().map(|i| i["label"].as_str().unwrap()).collect()
}

fn labelled<'a>(items: &'a [Value], label: &str) -> &'a Value {
    items
        .iter()
        .find(|i| i["label"] == label)
        .unwrap_or_else(|| panic!("no {label} in {items:#?}"))
}

/// The `textEdit` completion item `label` must carry: `newText` over `len` bytes of `text`
/// starting at the first `needle` (its first byte, plus `skip`).
fn edit(c: &Client, text: &str, needle: &str, skip: usize, len: usize, new_text: &str) -> Value {
    let start = text.find(needle).unwrap() + skip;
    json!({"range": c.range(text, start, start + len), "newText": new_text})
}

#[test]
fn completion_of_keywords_flags_mount_options_and_directives() {
    for caps in [json!({}), utf8_client()] {
        let (mut c, init) = Client::start(caps);
        let trigger = &init["capabilities"]["completionProvider"]["triggerCharacters"];
        assert_eq!(trigger, &json!(["-", "=", ",", "#"]));

        // instruction keywords on an empty line, a partial one replaced whole
        let items = complete(&mut c, "FROM alpine\n|\n");
        let all = [
            "ADD",
            "ARG",
            "CMD",
            "COPY",
            "ENTRYPOINT",
            "ENV",
            "EXPOSE",
            "FROM",
            "HEALTHCHECK",
            "LABEL",
            "MAINTAINER",
            "ONBUILD",
            "RUN",
            "SHELL",
            "STOPSIGNAL",
            "USER",
            "VOLUME",
            "WORKDIR",
        ];
        assert_eq!(labels(&items), all);
        let run = labelled(&items, "RUN");
        assert_eq!(run["kind"], 14);
        assert_eq!(
            run["textEdit"],
            json!({"range": c.range("FROM alpine\n\n", 12, 12), "newText": "RUN "})
        );
        assert_eq!(run["documentation"]["kind"], "markdown");
        let doc = run["documentation"]["value"].as_str().unwrap();
        assert!(
            doc.ends_with("(https://docs.docker.com/reference/dockerfile/#run)"),
            "{doc}"
        );
        let text = "FROM alpine\nRU x\n";
        let items = complete(&mut c, "FROM alpine\nRU| x\n");
        assert_eq!(labelled(&items, "RUN")["textEdit"], edit(&c, text, "RU x", 0, 2, "RUN"));
        // ONBUILD's trigger: not ONBUILD, FROM or MAINTAINER
        let items = complete(&mut c, "FROM alpine\nONBUILD |\n");
        let allowed: Vec<&str> = all
            .iter()
            .copied()
            .filter(|k| !["ONBUILD", "FROM", "MAINTAINER"].contains(k))
            .collect();
        assert_eq!(labels(&items), allowed);

        // flags not given yet (a repeatable one always), after non-ASCII text on the line
        let text = "FROM alpine\nCOPY --exclude=é😀 --link --ch a b\n";
        let items = complete(&mut c, "FROM alpine\nCOPY --exclude=é😀 --link --ch| a b\n");
        assert_eq!(
            labels(&items),
            ["--from", "--chown", "--chmod", "--parents", "--exclude"]
        );
        assert_eq!(
            labelled(&items, "--chown")["textEdit"],
            edit(&c, text, "--ch ", 0, 4, "--chown=")
        );
        assert_eq!(
            labelled(&items, "--parents")["textEdit"],
            edit(&c, text, "--ch ", 0, 4, "--parents")
        );
        assert_eq!(labelled(&items, "--chown")["detail"], "COPY --chown=<value>");
        let items = complete(&mut c, "FROM alpine\nRUN --network=none -| echo\n");
        assert_eq!(labels(&items), ["--mount", "--security", "--device"]);
        let items = complete(&mut c, "FROM alpine\nRUN --network=n|\n");
        assert_eq!(labels(&items), ["default", "none", "host"]);
        assert!(complete(&mut c, "FROM alpine\nRUN apt-get -|\n").is_empty());
        assert!(complete(&mut c, "FROM alpine\nENV -|\n").is_empty());

        // --mount option keys for the mount's type, not given yet; their values
        let text = "FROM alpine\nRUN --mount=type=secret,id=é😀,re x\n";
        let items = complete(&mut c, "FROM alpine\nRUN --mount=type=secret,id=é😀,re| x\n");
        let keys = ["target", "dst", "destination", "mode", "uid", "gid", "required", "env"];
        assert_eq!(labels(&items), keys);
        assert_eq!(
            labelled(&items, "required")["textEdit"],
            edit(&c, text, "re x", 0, 2, "required=")
        );
        // inside a key that has its `=`: no second one
        let text = "FROM alpine\nRUN --mount=type=cache,ta=/x x\n";
        let items = complete(&mut c, "FROM alpine\nRUN --mount=type=cache,t|a=/x x\n");
        assert_eq!(
            labelled(&items, "target")["textEdit"],
            edit(&c, text, "ta=", 0, 2, "target")
        );
        let items = complete(&mut c, "FROM alpine\nRUN --mount=|\n");
        assert_eq!(
            labels(&items),
            [
                "type",
                "target",
                "dst",
                "destination",
                "source",
                "src",
                "from",
                "rw",
                "readwrite"
            ]
        );
        let items = complete(&mut c, "FROM alpine\nRUN --mount=type=|\n");
        assert_eq!(labels(&items), ["bind", "cache", "tmpfs", "secret", "ssh"]);
        let text = "FROM alpine\nRUN --mount=type=cache,target=/x,sharing=l x\n";
        let items = complete(&mut c, "FROM alpine\nRUN --mount=type=cache,target=/x,sharing=l| x\n");
        assert_eq!(labels(&items), ["shared", "private", "locked"]);
        assert_eq!(
            labelled(&items, "locked")["textEdit"],
            edit(&c, text, "=l x", 1, 1, "locked")
        );
        let items = complete(&mut c, "FROM alpine AS base\nFROM alpine\nRUN --mount=from=|\n");
        assert_eq!(labels(&items), ["base"]);
        let items = complete(&mut c, "FROM alpine AS base\nFROM alpine\nCOPY --from=| a b\n");
        assert_eq!(labels(&items), ["base"]);

        // parser directives at the top only
        let items = complete(&mut c, "# syntax=docker/dockerfile:1\n# |\nFROM alpine\n");
        assert_eq!(labels(&items), ["escape", "check"]);
        let items = complete(&mut c, "# syntax=|\nFROM alpine\n");
        assert_eq!(labels(&items), ["docker/dockerfile:1"]);
        assert!(complete(&mut c, "FROM alpine\n# |\n").is_empty());
        assert_eq!(c.finish(), 0);
    }
}

#[test]
fn completion_of_a_cache_mount_target_offers_the_tools_cache_directories() {
    for caps in [json!({}), utf8_client()] {
        let (mut c, _) = Client::start(caps);
        // root: pip's cache under /root
        let text = "FROM python:3.12\nRUN --mount=type=cache,target= pip install flask==3.1.0\n";
        let items = complete(
            &mut c,
            "FROM python:3.12\nRUN --mount=type=cache,target=| pip install flask==3.1.0\n",
        );
        assert_eq!(labels(&items), ["/root/.cache/pip"]);
        let item = &items[0];
        assert_eq!(item["textEdit"], edit(&c, text, "= pip", 1, 0, "/root/.cache/pip"));
        assert_eq!(item["detail"], "cache directory of `pip install`");
        assert_eq!(item["kind"], 19);
        // a non-root user: the cache in its home, owned by it (as the fix writes it)
        let marked = "FROM python:3.12\nRUN useradd -m -u 1000 app\nUSER app\n\
                      RUN --mount=type=cache,dst=/ro|ot/.cache/pip,id=é😀 pip install flask==3.1.0\n";
        let text = marked.replacen('|', "", 1);
        let items = complete(&mut c, marked);
        assert_eq!(labels(&items), ["/home/app/.cache/pip"]);
        let new_text = "/home/app/.cache/pip,uid=1000";
        assert_eq!(
            items[0]["textEdit"],
            edit(&c, &text, "/root/", 0, "/root/.cache/pip".len(), new_text)
        );
        // apt: two directories, locked; a uid given already is not repeated
        let marked = "FROM debian\nUSER 1000:1000\nRUN --mount=type=cache,uid=1000,target=| apt-get install -y curl\n";
        let items = complete(&mut c, marked);
        let apt = ["/var/cache/apt", "/var/lib/apt"];
        assert_eq!(labels(&items), apt);
        let texts: Vec<&str> = items
            .iter()
            .map(|i| i["textEdit"]["newText"].as_str().unwrap())
            .collect();
        assert_eq!(
            texts,
            [
                "/var/cache/apt,sharing=locked,gid=1000",
                "/var/lib/apt,sharing=locked,gid=1000"
            ]
        );
        // not a cache mount: no directories
        let items = complete(
            &mut c,
            "FROM python:3.12\nRUN --mount=type=bind,target=| pip install flask==3.1.0\n",
        );
        assert!(items.is_empty());
        assert_eq!(c.finish(), 0);
    }
}

#[test]
fn hover_on_keywords_flags_and_mount_options() {
    for caps in [json!({}), utf8_client()] {
        let (mut c, init) = Client::start(caps);
        assert_eq!(init["capabilities"]["hoverProvider"], true);
        let text =
            "# syntax=docker/dockerfile:1\nFROM alpine\nRUN --mount=type=secret,id=é😀,target=/x --network=none echo\n";
        c.open(URI, text);
        let hover = |c: &mut Client, needle: &str| {
            let at = text.find(needle).unwrap() + 1;
            let p = json!({"textDocument": {"uri": URI}, "position": c.position(text, at)});
            c.request("textDocument/hover", p).unwrap()
        };
        let h = hover(&mut c, "RUN");
        let at = text.find("RUN").unwrap();
        assert_eq!(h["range"], c.range(text, at, at + 3));
        let value = h["contents"]["value"].as_str().unwrap();
        assert!(value.starts_with("**RUN** — Runs a command"), "{value}");
        let h = hover(&mut c, "--network");
        let at = text.find("--network").unwrap();
        assert_eq!(h["range"], c.range(text, at, at + "--network".len()));
        let value = h["contents"]["value"].as_str().unwrap();
        assert!(value.starts_with("**RUN --network=default|none|host** — "), "{value}");
        let h = hover(&mut c, "target");
        let at = text.find("target").unwrap();
        assert_eq!(h["range"], c.range(text, at, at + "target".len()));
        let value = h["contents"]["value"].as_str().unwrap();
        assert!(value.starts_with("**target**, **dst**, **destination** — "), "{value}");
        assert!(
            value.contains("Mount types: bind, cache, tmpfs, secret, ssh"),
            "{value}"
        );
        let h = hover(&mut c, "secret");
        assert!(
            h["contents"]["value"]
                .as_str()
                .unwrap()
                .starts_with("**type=secret** — ")
        );
        assert_eq!(hover(&mut c, "echo"), Value::Null);
        assert_eq!(c.finish(), 0);
    }
}

#[test]
fn hover_on_a_finding_and_a_keyword_shows_the_rule_page_then_the_reference() {
    let (mut c, _) = Client::start(json!({}));
    // `target=` without `type=cache` is a bind mount: mount-not-cache-type
    let text = "# syntax=docker/dockerfile:1\nFROM python:3.12\nRUN --mount=target=/root/.cache/pip pip install flask==3.1.0\n";
    c.open(URI, text);
    let diags = c.diagnostics(URI);
    let finding = by_code(&diags, "mount-not-cache-type");
    let at = text.find("target").unwrap() + 1;
    let p = json!({"textDocument": {"uri": URI}, "position": c.position(text, at)});
    let h = c.request("textDocument/hover", p).unwrap();
    let page = dfix::rules::find("mount-not-cache-type").unwrap().meta.doc.trim_end();
    let value = h["contents"]["value"].as_str().unwrap();
    let (first, second) = value.split_once("\n\n---\n\n").unwrap();
    assert_eq!(first, page);
    assert!(
        second.starts_with("**target**, **dst**, **destination** — "),
        "{second}"
    );
    assert_eq!(h["range"], finding["range"]);
    assert_eq!(c.finish(), 0);
}

/// Semantic tokens decoded to (line, column, length, type, modifiers), in the negotiated units.
fn decode(data: &Value, legend: &Value) -> Vec<(u64, u64, u64, String, u64)> {
    let types = legend["tokenTypes"].as_array().unwrap();
    let data: Vec<u64> = data.as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    let (mut line, mut col) = (0, 0);
    data.chunks(5)
        .map(|t| {
            if t[0] > 0 {
                col = 0;
            }
            line += t[0];
            col += t[1];
            (
                line,
                col,
                t[2],
                types[t[3] as usize].as_str().unwrap().to_string(),
                t[4],
            )
        })
        .collect()
}

#[test]
fn semantic_tokens_in_both_encodings() {
    let text = "# syntax=docker/dockerfile:1\nFROM alpine AS build\n\
                RUN --mount=type=secret,id=é😀,target=/x echo\n\
                FROM alpine\nCOPY --from=build --chown=ab\\\ncd x y\nMAINTAINER me\nRUN echo é $HOME\n";
    for caps in [json!({}), utf8_client()] {
        let (mut c, init) = Client::start(caps);
        let provider = &init["capabilities"]["semanticTokensProvider"];
        assert_eq!(provider["full"], true);
        assert_eq!(provider["range"], true);
        let legend = &provider["legend"];
        assert_eq!(legend["tokenModifiers"], json!(["declaration", "deprecated"]));
        c.open(URI, text);
        let r = c
            .request(
                "textDocument/semanticTokens/full",
                json!({"textDocument": {"uri": URI}}),
            )
            .unwrap();
        // columns after `é😀` (2 bytes + 4 bytes, or 1 + 2 UTF-16 units)
        let wide = if c.encoding == "utf-8" { 6 } else { 3 };
        let t = |line, col, len, ty: &str, m| (line, col, len, ty.to_string(), m);
        let expected = vec![
            t(0, 0, 2, "comment", 0),
            t(0, 2, 6, "macro", 0),
            t(0, 8, 1, "comment", 0),
            t(0, 9, 19, "string", 0),
            t(1, 0, 4, "keyword", 0),
            t(1, 12, 2, "keyword", 0),
            t(1, 15, 5, "namespace", 1),
            t(2, 0, 3, "keyword", 0),
            t(2, 4, 7, "parameter", 0),
            t(2, 12, 4, "property", 0),
            t(2, 17, 6, "string", 0),
            t(2, 24, 2, "property", 0),
            t(2, 27, wide, "string", 0),
            t(2, 28 + wide, 6, "property", 0),
            t(2, 35 + wide, 2, "string", 0),
            t(3, 0, 4, "keyword", 0),
            t(4, 0, 4, "keyword", 0),
            t(4, 5, 6, "parameter", 0),
            t(4, 12, 5, "namespace", 0),
            t(4, 18, 7, "parameter", 0),
            // a token is cut at the line break
            t(4, 26, 3, "string", 0),
            t(5, 0, 2, "string", 0),
            t(6, 0, 10, "keyword", 2),
            t(7, 0, 3, "keyword", 0),
            t(7, if c.encoding == "utf-8" { 12 } else { 11 }, 5, "variable", 0),
        ];
        assert_eq!(decode(&r["data"], legend), expected);
        // a range: the tokens that overlap it (`RUN` too, though the range starts inside it)
        let line2 = text.find("RUN").unwrap();
        let p = json!({"textDocument": {"uri": URI}, "range": c.range(text, line2 + 1, line2 + 16)});
        let r = c.request("textDocument/semanticTokens/range", p).unwrap();
        assert_eq!(decode(&r["data"], legend), expected[7..10]);
        let bad = json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 40, "character": 0}, "end": {"line": 41, "character": 0}}});
        let e = c.request("textDocument/semanticTokens/range", bad).unwrap_err();
        assert_eq!(e.code, -32602);
        assert_eq!(c.finish(), 0);
    }
}

#[test]
fn malformed_completion_requests_get_errors_and_the_server_lives_on() {
    let (mut c, _) = Client::start(json!({}));
    c.open(URI, DOC);
    let cases = [
        json!({"textDocument": {"uri": URI}}),
        json!({"textDocument": {"uri": URI}, "position": {"line": "x", "character": 0}}),
        json!({"textDocument": {"uri": URI}, "position": {"line": 99, "character": 0}}),
        json!({"textDocument": {"uri": "untitled:none"}, "position": {"line": 0, "character": 0}}),
        json!([1, 2]),
    ];
    for params in cases {
        let e = c
            .request("textDocument/completion", params.clone())
            .expect_err("an error");
        assert_eq!(e.code, -32602, "{params}");
    }
    let e = c
        .request("textDocument/semanticTokens/full", json!({"textDocument": 3}))
        .unwrap_err();
    assert_eq!(e.code, -32602);
    // still answering
    let r = c
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": URI}, "position": {"line": 3, "character": 2}}),
        )
        .unwrap();
    assert_eq!(labelled(r.as_array().unwrap(), "FROM")["textEdit"]["newText"], "FROM");
    assert_eq!(c.finish(), 0);
}

fn file_uri(p: &Path) -> String {
    dfix::lsp::path_to_uri(p).unwrap().as_str().to_string()
}

#[test]
fn configuration_per_document_and_reloaded_when_it_changes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("svc é")).unwrap();
    let file = root.join("svc é/Dockerfile");
    let text = "FROM python:3.12\nRUN pip install flask==3.1.0\n";
    std::fs::write(&file, text).unwrap();
    let uri = file_uri(&file);
    let root_uri = file_uri(root);
    let (mut c, init) = Client::start_with(json!({
        "capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}},
        "workspaceFolders": [{"uri": root_uri, "name": "root"}],
    }));
    assert_eq!(init["capabilities"]["workspace"]["workspaceFolders"]["supported"], true);
    // after `initialized`, the server asks to watch configuration files
    let registration = loop {
        match c.conn.receiver.recv_timeout(WAIT).unwrap() {
            Message::Request(r) if r.method == "client/registerCapability" => break r,
            other => c.pending.push_back(other),
        }
    };
    let watchers = &registration.params["registrations"][0]["registerOptions"]["watchers"];
    assert!(
        watchers
            .as_array()
            .unwrap()
            .contains(&json!({"globPattern": "**/dfix.toml"}))
    );
    c.conn
        .sender
        .send(Response::new_ok(registration.id, Value::Null).into())
        .unwrap();

    c.open(&uri, text);
    assert_eq!(c.diagnostics(&uri).len(), 1);
    // a configuration appears above the file
    std::fs::write(root.join("dfix.toml"), "ignore = [\"DL3042\"]\n").unwrap();
    let changed = json!({"changes": [{"uri": file_uri(&root.join("dfix.toml")), "type": 1}]});
    c.notify("workspace/didChangeWatchedFiles", changed.clone());
    assert!(c.diagnostics(&uri).is_empty());
    // a nearer one with per-file options
    std::fs::write(
        root.join("svc é/.dfix.toml"),
        "[rules.pip-without-cache-mount]\nprefer = \"clean\"\n",
    )
    .unwrap();
    c.notify("workspace/didChangeWatchedFiles", changed.clone());
    let diags = c.diagnostics(&uri);
    assert_eq!(diags.len(), 1);
    let actions = c.code_actions(&uri, diags[0]["range"].clone(), Some(json!(["quickfix"])));
    assert!(
        c.apply(text, &actions[0]["edit"]).contains("--no-cache-dir"),
        "{actions:#?}"
    );
    // a broken one is said once, and the defaults apply meanwhile
    std::fs::write(root.join("svc é/.dfix.toml"), "selekt = []\n").unwrap();
    c.notify("workspace/didChangeWatchedFiles", changed.clone());
    let shown = c.notification("window/showMessage");
    assert_eq!(shown["type"], 1);
    assert!(
        shown["message"].as_str().unwrap().contains("unknown field `selekt`"),
        "{shown}"
    );
    assert_eq!(c.diagnostics(&uri).len(), 1);
    // excluded files get nothing
    std::fs::write(root.join("svc é/.dfix.toml"), "exclude = [\"Dockerfile\"]\n").unwrap();
    c.notify("workspace/didChangeWatchedFiles", changed);
    assert!(c.diagnostics(&uri).is_empty());
    // back to the root's configuration; an untitled document follows the first workspace
    // folder's configuration too
    std::fs::remove_file(root.join("svc é/.dfix.toml")).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&root.join("svc é/.dfix.toml")), "type": 3}]}),
    );
    assert!(c.diagnostics(&uri).is_empty());
    c.open("untitled:new", text);
    assert!(
        c.diagnostics("untitled:new").is_empty(),
        "root dfix.toml ignores DL3042"
    );
    assert_eq!(c.finish(), 0);
}

#[test]
fn shutdown_then_exit_and_exit_alone() {
    let (mut c, _) = Client::start(json!({}));
    assert_eq!(c.request("shutdown", json!(null)).unwrap(), Value::Null);
    let e = c
        .request("textDocument/diagnostic", json!({"textDocument": {"uri": URI}}))
        .unwrap_err();
    assert_eq!(e.code, -32600, "no requests after shutdown");
    c.notify("exit", json!(null));
    assert_eq!(c.server.take().unwrap().join().unwrap(), 0);

    let (mut c, _) = Client::start(json!({}));
    c.notify("exit", json!(null));
    assert_eq!(c.server.take().unwrap().join().unwrap(), 1, "exit without shutdown");
}

#[test]
fn requests_before_initialize_are_refused() {
    let (server, client) = Connection::memory();
    let handle = std::thread::spawn(move || dfix::lsp::serve(&server));
    let req = Request::new(RequestId::from(7), "textDocument/hover".to_string(), json!({}));
    client.sender.send(req.into()).unwrap();
    let Message::Response(r) = client.receiver.recv_timeout(WAIT).unwrap() else {
        panic!("a response")
    };
    assert_eq!(r.response_result.unwrap_err().code, -32002);
    // a malformed initialize is answered and the server still waits for a good one
    let req = Request::new(RequestId::from(8), "initialize".to_string(), json!({"capabilities": 3}));
    client.sender.send(req.into()).unwrap();
    let Message::Response(r) = client.receiver.recv_timeout(WAIT).unwrap() else {
        panic!("a response")
    };
    assert_eq!(r.response_result.unwrap_err().code, -32602);
    let req = Request::new(
        RequestId::from(9),
        "initialize".to_string(),
        json!({"capabilities": {}}),
    );
    client.sender.send(req.into()).unwrap();
    let Message::Response(r) = client.receiver.recv_timeout(WAIT).unwrap() else {
        panic!("a response")
    };
    assert!(r.response_result.is_ok());
    client
        .sender
        .send(Notification::new("exit".to_string(), json!(null)).into())
        .unwrap();
    assert_eq!(handle.join().unwrap(), 1);
}

#[test]
fn malformed_and_out_of_range_requests_get_errors_and_the_server_lives_on() {
    let (mut c, _) = Client::start(json!({}));
    c.open(URI, DOC);
    c.diagnostics(URI);
    let hover = |line: u32, character: u32| json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": character}});
    let cases = [
        ("textDocument/hover", json!({"textDocument": {"uri": URI}}), -32602),
        ("textDocument/hover", json!({"textDocument": 5, "position": []}), -32602),
        ("textDocument/hover", hover(99, 0), -32602),
        ("textDocument/hover", json!("nonsense"), -32602),
        (
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 2, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}}),
            -32602,
        ),
        (
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 400, "character": 0}}, "context": {"diagnostics": []}}),
            -32602,
        ),
        (
            "textDocument/codeAction",
            json!({"textDocument": {"uri": "untitled:none"}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}}),
            -32602,
        ),
        ("textDocument/implementation", hover(0, 0), -32601),
        ("textDocument/definition", hover(400, 0), -32602),
        ("textDocument/prepareRename", hover(400, 0), -32602),
        ("textDocument/rename", hover(0, 1), -32602),
        (
            "textDocument/rename",
            json!({"textDocument": {"uri": URI}, "position": {"line": 400, "character": 0}, "newName": "x"}),
            -32602,
        ),
        (
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": "untitled:none"}}),
            -32602,
        ),
        ("initialize", json!({"capabilities": {}}), -32600),
    ];
    for (method, params, code) in cases {
        let e = c.request(method, params.clone()).expect_err(method);
        assert_eq!(e.code, code, "{method} {params}");
    }
    // a column past the end of a line is the line's end (the protocol says so), not an error
    assert!(c.request("textDocument/hover", hover(0, 999)).is_ok());
    // bad notifications are logged, not fatal
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "untitled:none", "version": 2}, "contentChanges": []}),
    );
    c.notify("textDocument/didOpen", json!({"textDocument": 1}));
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"range": {"start": {"line": 50, "character": 0}, "end": {"line": 60, "character": 0}}, "text": "RUN pip install x==1.0\n"}]}),
    );
    let logged: Vec<String> = c
        .drain()
        .into_iter()
        .filter_map(|m| match m {
            Message::Notification(n) if n.method == "window/logMessage" => Some(n.params["message"].to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(logged.len(), 3, "{logged:?}");
    assert!(logged[2].contains("clamped"), "{logged:?}");
    // the out-of-range insertion went to the end, and the server still answers
    let r = c
        .request("textDocument/diagnostic", json!({"textDocument": {"uri": URI}}))
        .unwrap();
    let codes: Vec<&Value> = r["items"].as_array().unwrap().iter().map(|d| &d["code"]).collect();
    assert_eq!(
        codes.iter().filter(|c| ***c == "pip-without-cache-mount").count(),
        2,
        "{codes:?}"
    );
    assert_eq!(c.finish(), 0);
}

/// `dfix lsp` over real standard input and output; `--stdio`, which some clients pass, is the
/// same.
#[test]
fn stdio_session_with_the_binary() {
    stdio_session(&["lsp"]);
    stdio_session(&["lsp", "--stdio"]);
}

fn stdio_session(args: &[&str]) {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::process::{Command, Stdio};

    fn send(w: &mut impl Write, v: &Value) {
        let body = v.to_string();
        write!(w, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        w.flush().unwrap();
    }
    fn read(r: &mut impl BufRead) -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            assert!(r.read_line(&mut line).unwrap() > 0, "the server closed its output");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                length = n.parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        r.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    let mut child = Command::new(env!("CARGO_BIN_EXE_dfix"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let mut output = BufReader::new(child.stdout.take().unwrap());
    send(
        &mut input,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
    );
    let init = read(&mut output);
    assert_eq!(init["id"], 1);
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-16");
    send(
        &mut input,
        &json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );
    // a payload that is not JSON is skipped; one with an id is answered
    let junk = "{not json";
    write!(input, "Content-Length: {}\r\n\r\n{junk}", junk.len()).unwrap();
    send(&mut input, &json!({"jsonrpc": "2.0", "id": 2, "params": {}}));
    let answer = read(&mut output);
    assert_eq!(
        (answer["id"].clone(), answer["error"]["code"].clone()),
        (json!(2), json!(-32600))
    );
    send(
        &mut input,
        &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": "file:///nonexistent/Dockerfile", "languageId": "dockerfile", "version": 1,
            "text": "FROM python:3.12\nRUN pip install flask==3.1.0\n"}}}),
    );
    let published = read(&mut output);
    assert_eq!(published["method"], "textDocument/publishDiagnostics");
    assert_eq!(published["params"]["uri"], "file:///nonexistent/Dockerfile");
    let diags = published["params"]["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0]["code"], "pip-without-cache-mount");
    assert_eq!(
        diags[0]["range"],
        json!({"start": {"line": 1, "character": 4}, "end": {"line": 1, "character": 15}})
    );
    send(&mut input, &json!({"jsonrpc": "2.0", "id": 3, "method": "shutdown"}));
    assert_eq!(read(&mut output)["id"], 3);
    send(&mut input, &json!({"jsonrpc": "2.0", "method": "exit"}));
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert!(status.success(), "{status:?}: {stderr}");
    assert!(stderr.contains("malformed"), "{stderr}");
}

/// Three stages, a top-level ARG, a continuation, a heredoc, COPY --from and a cache mount
/// from a stage (written in another case), and an unnamed stage.
const STAGES: &str = "ARG BASE=python:3.12
FROM ${BASE} AS Builder
RUN pip wheel -w /wheels \\
    flask
FROM builder AS test
RUN --mount=type=cache,target=/root/.cache,from=BUILDER pytest
FROM alpine:3.20
COPY --from=builder /wheels /wheels
COPY --from=\"test\" /out /out
RUN <<EOF
echo é😀
EOF
";

/// The range of the `nth` (0-based) occurrence of `needle` in `STAGES`.
fn nth(c: &Client, needle: &str, n: usize) -> Value {
    let start = STAGES.match_indices(needle).nth(n).unwrap().0;
    c.range(STAGES, start, start + needle.len())
}

#[test]
fn document_symbols_are_stages_with_their_instructions() {
    for caps in [json!({}), utf8_client()] {
        let (mut c, init) = Client::start(caps);
        assert_eq!(init["capabilities"]["documentSymbolProvider"], true);
        c.open(URI, STAGES);
        let r = c
            .request("textDocument/documentSymbol", json!({"textDocument": {"uri": URI}}))
            .unwrap();
        let syms = r.as_array().unwrap();
        let names: Vec<&str> = syms.iter().map(|s| s["name"].as_str().unwrap()).collect();
        assert_eq!(
            names,
            ["ARG BASE=python:3.12", "Builder", "test", "stage 2 (alpine:3.20)"]
        );
        // ARG: variable, no children
        assert_eq!(syms[0]["kind"], 13);
        assert_eq!(syms[0]["selectionRange"], nth(&c, "ARG", 0));
        // a named stage: from its FROM to its last instruction, selecting its name
        let builder = &syms[1];
        assert_eq!(builder["kind"], 3);
        assert_eq!(builder["detail"], "${BASE}");
        let from = STAGES.find("FROM ${BASE}").unwrap();
        let end = STAGES.find("flask").unwrap() + "flask".len();
        assert_eq!(builder["range"], c.range(STAGES, from, end));
        assert_eq!(builder["selectionRange"], nth(&c, "Builder", 0));
        let children = builder["children"].as_array().unwrap();
        assert_eq!(children.len(), 1);
        assert_eq!(children[0]["name"], "RUN pip wheel -w /wheels flask");
        assert_eq!(children[0]["kind"], 12);
        let run = STAGES.find("RUN pip").unwrap();
        assert_eq!(children[0]["range"], c.range(STAGES, run, end));
        assert_eq!(children[0]["selectionRange"], c.range(STAGES, run, run + 3));
        // an unnamed stage: its index and image, selecting the image
        let last = &syms[3];
        assert_eq!(last["selectionRange"], nth(&c, "alpine:3.20", 0));
        let from = STAGES.find("FROM alpine").unwrap();
        assert_eq!(last["range"], c.range(STAGES, from, STAGES.len() - 1));
        let names: Vec<&str> = last["children"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "COPY --from=builder /wheels /wheels",
                "COPY --from=\"test\" /out /out",
                "RUN <<EOF"
            ]
        );
        let heredoc = STAGES.find("RUN <<").unwrap();
        assert_eq!(last["children"][2]["range"], c.range(STAGES, heredoc, STAGES.len() - 1));
        // an empty document has no symbols
        c.open("untitled:Empty", "");
        let r = c
            .request(
                "textDocument/documentSymbol",
                json!({"textDocument": {"uri": "untitled:Empty"}}),
            )
            .unwrap();
        assert_eq!(r, json!([]));
        assert_eq!(c.finish(), 0);
    }
}

#[test]
fn folding_ranges_for_stages_and_multi_line_instructions() {
    let (mut c, init) = Client::start(json!({}));
    assert_eq!(init["capabilities"]["foldingRangeProvider"], true);
    c.open(URI, STAGES);
    let r = c
        .request("textDocument/foldingRange", json!({"textDocument": {"uri": URI}}))
        .unwrap();
    let folds: Vec<(u64, u64, Value)> = r
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["startLine"].as_u64().unwrap(),
                f["endLine"].as_u64().unwrap(),
                f.get("kind").cloned().unwrap_or(Value::Null),
            )
        })
        .collect();
    assert_eq!(
        folds,
        [
            (1, 3, json!("region")),
            (2, 3, Value::Null),
            (4, 5, json!("region")),
            (6, 11, json!("region")),
            (9, 11, Value::Null),
        ]
    );
    c.open("untitled:One", "FROM scratch\n");
    let r = c
        .request(
            "textDocument/foldingRange",
            json!({"textDocument": {"uri": "untitled:One"}}),
        )
        .unwrap();
    assert_eq!(r, json!([]));
    assert_eq!(c.finish(), 0);
}

#[test]
fn definition_and_references_of_stage_names() {
    for caps in [json!({}), utf8_client()] {
        let (mut c, init) = Client::start(caps);
        assert_eq!(init["capabilities"]["definitionProvider"], true);
        assert_eq!(init["capabilities"]["referencesProvider"], true);
        c.open(URI, STAGES);
        let at = |c: &Client, needle: &str, n: usize| {
            let start = STAGES.match_indices(needle).nth(n).unwrap().0;
            json!({"textDocument": {"uri": URI}, "position": c.position(STAGES, start + 1)})
        };
        let builder = nth(&c, "Builder", 0);
        let uses = [nth(&c, "builder", 0), nth(&c, "BUILDER", 0), nth(&c, "builder", 1)];
        // from each use, and from the name itself, to the name
        for (needle, n) in [("builder", 0), ("BUILDER", 0), ("builder", 1), ("Builder", 0)] {
            let d = c.request("textDocument/definition", at(&c, needle, n)).unwrap();
            assert_eq!(d, json!({"uri": URI, "range": builder}), "{needle} {n}");
        }
        // `--from="test"`: the name inside the quotes
        let d = c.request("textDocument/definition", at(&c, "test\"", 0)).unwrap();
        assert_eq!(d["range"], nth(&c, "test", 0));
        let mut p = at(&c, "BUILDER", 0);
        p["context"] = json!({"includeDeclaration": true});
        let r = c.request("textDocument/references", p.clone()).unwrap();
        let ranges: Vec<Value> = r.as_array().unwrap().iter().map(|l| l["range"].clone()).collect();
        let mut expected = vec![builder.clone()];
        expected.extend(uses.iter().cloned());
        assert_eq!(ranges, expected);
        p["context"] = json!({"includeDeclaration": false});
        let r = c.request("textDocument/references", p).unwrap();
        assert_eq!(r.as_array().unwrap().len(), 3);
        assert!(r.as_array().unwrap().iter().all(|l| l["uri"] == URI));
        let mut p = at(&c, "test\"", 0);
        p["context"] = json!({"includeDeclaration": true});
        let r = c.request("textDocument/references", p).unwrap();
        let ranges: Vec<Value> = r.as_array().unwrap().iter().map(|l| l["range"].clone()).collect();
        let quoted = STAGES.find("\"test\"").unwrap() + 1;
        assert_eq!(ranges, [nth(&c, "test", 0), c.range(STAGES, quoted, quoted + 4)]);
        // nothing there: an image, a path, a keyword, a number
        for (needle, n) in [("alpine", 0), ("/wheels", 0), ("RUN", 0), ("3.20", 0)] {
            let d = c.request("textDocument/definition", at(&c, needle, n)).unwrap();
            assert_eq!(d, Value::Null, "{needle}");
            let mut p = at(&c, needle, n);
            p["context"] = json!({"includeDeclaration": true});
            let r = c.request("textDocument/references", p).unwrap();
            assert_eq!(r, Value::Null, "{needle}");
        }
        assert_eq!(c.finish(), 0);
    }
}

#[test]
fn a_stage_named_by_its_index_or_after_its_use_is_resolved_as_buildkit_does() {
    let text = "FROM alpine AS base\nFROM base\nCOPY --from=0 /a /a\nCOPY --from=later /b /b\nFROM scratch AS later\n";
    let (mut c, _) = Client::start(json!({}));
    c.open(URI, text);
    let pos = |c: &Client, needle: &str| {
        let start = text.find(needle).unwrap();
        json!({"textDocument": {"uri": URI}, "position": c.position(text, start + 1)})
    };
    let base = text.find("base").unwrap();
    let d = c.request("textDocument/definition", pos(&c, "0 /a")).unwrap();
    assert_eq!(d["range"], c.range(text, base, base + 4));
    // a name defined after its use is an image, not a stage
    let d = c.request("textDocument/definition", pos(&c, "later /b")).unwrap();
    assert_eq!(d, Value::Null);
    assert_eq!(c.finish(), 0);
}

/// Global and redeclared ARGs, ENV inherited by a child stage, uses in instruction words, flags,
/// a shell script, single quotes and a heredoc; non-ASCII text before names on their lines.
const VARS: &str = "ARG TAG=3.20 VARIANT
FROM alpine:${TAG} AS base
ARG TAG
ENV APP_HOME=/opt/é😀 LOG=1
WORKDIR $APP_HOME
COPY --chown=${USER_ID:-1000} app/ ${APP_HOME}/
RUN echo é😀 \"$TAG ${APP_HOME:-/x}\" '$APP_HOME' && echo $PATH
FROM base AS final
ENV LEGACY value with $APP_HOME
RUN <<EOF
cd $APP_HOME
EOF
CMD echo é😀 $TAG $LOG
";

/// A position `after` bytes into the `n`th (0-based) `needle` of `text`.
fn pos_in(c: &Client, text: &str, needle: &str, n: usize, after: usize) -> Value {
    let start = text
        .match_indices(needle)
        .nth(n)
        .unwrap_or_else(|| panic!("{needle} {n}"))
        .0;
    json!({"textDocument": {"uri": URI}, "position": c.position(text, start + after)})
}

/// The range of the name in the `n`th `needle`, the name starting `skip` bytes in.
fn name_in(c: &Client, text: &str, needle: &str, n: usize, skip: usize, len: usize) -> Value {
    let start = text.match_indices(needle).nth(n).unwrap().0 + skip;
    c.range(text, start, start + len)
}

fn ranges_of(r: &Value) -> Vec<Value> {
    let found = r.as_array().unwrap_or_else(|| panic!("no locations: {r}"));
    found.iter().map(|l| l["range"].clone()).collect()
}

#[test]
fn definition_and_references_of_variables() {
    for caps in [json!({}), utf8_client()] {
        let (mut c, _) = Client::start(caps);
        c.open(URI, VARS);
        let t = VARS;
        let global_tag = name_in(&c, t, "TAG=", 0, 0, 3);
        let stage_tag = name_in(&c, t, "ARG TAG\n", 0, 4, 3);
        let app_home = name_in(&c, t, "APP_HOME=", 0, 0, 8);
        let def = |c: &mut Client, needle: &str, n: usize, after: usize| {
            let p = pos_in(c, t, needle, n, after);
            c.request("textDocument/definition", p).unwrap()["range"].clone()
        };
        // FROM sees the global ARG; the stage's `ARG TAG` leads there; the stage's uses lead to it
        assert_eq!(def(&mut c, "${TAG}", 0, 3), global_tag);
        assert_eq!(def(&mut c, "ARG TAG\n", 0, 5), global_tag);
        assert_eq!(def(&mut c, "$TAG ", 0, 2), stage_tag);
        // ENV: in WORKDIR, a COPY destination, a RUN string, a child stage's ENV value and its
        // heredoc script
        for (needle, n) in [
            ("$APP_HOME\n", 0),
            ("${APP_HOME}/", 0),
            ("${APP_HOME:-", 0),
            ("$APP_HOME\n", 1),
            ("$APP_HOME\n", 2),
        ] {
            assert_eq!(def(&mut c, needle, n, 3), app_home, "{needle} {n}");
        }
        // CMD runs in the container: no ARG there, the inherited ENV LOG is
        assert_eq!(def(&mut c, "$LOG", 0, 2), name_in(&c, t, "LOG=", 0, 0, 3));
        // nothing: single quotes, a variable the Dockerfile does not define, CMD's $TAG
        for (needle, after) in [("'$APP_HOME'", 3), ("$PATH", 2), ("USER_ID", 1), ("$TAG $LOG", 2)] {
            let p = pos_in(&c, t, needle, 0, after);
            assert_eq!(
                c.request("textDocument/definition", p.clone()).unwrap(),
                Value::Null,
                "{needle}"
            );
            let mut p = p;
            p["context"] = json!({"includeDeclaration": true});
            assert_eq!(
                c.request("textDocument/references", p).unwrap(),
                Value::Null,
                "{needle}"
            );
        }
        let refs = |c: &mut Client, needle: &str, n: usize, include: bool| {
            let mut p = pos_in(c, t, needle, n, 3);
            p["context"] = json!({"includeDeclaration": include});
            let r = c.request("textDocument/references", p).unwrap();
            assert!(r.is_array(), "{needle} {n}");
            ranges_of(&r)
        };
        let tag_uses = vec![name_in(&c, t, "${TAG}", 0, 2, 3), name_in(&c, t, "$TAG ", 0, 1, 3)];
        assert_eq!(refs(&mut c, "$TAG ", 0, false), tag_uses);
        assert_eq!(
            refs(&mut c, "TAG=", 0, true),
            [
                global_tag.clone(),
                tag_uses[0].clone(),
                stage_tag.clone(),
                tag_uses[1].clone()
            ]
        );
        let home_uses = vec![
            name_in(&c, t, "$APP_HOME\n", 0, 1, 8),
            name_in(&c, t, "${APP_HOME}", 0, 2, 8),
            name_in(&c, t, "${APP_HOME:", 0, 2, 8),
            name_in(&c, t, "$APP_HOME\n", 1, 1, 8),
            name_in(&c, t, "$APP_HOME\n", 2, 1, 8),
        ];
        let mut all = vec![app_home.clone()];
        all.extend(home_uses.iter().cloned());
        assert_eq!(refs(&mut c, "APP_HOME=", 0, true), all);
        assert_eq!(refs(&mut c, "${APP_HOME}", 0, false), home_uses);
        // the legacy `ENV NAME value` form defines NAME
        assert_eq!(def(&mut c, "LEGACY", 0, 2), name_in(&c, t, "LEGACY", 0, 0, 6));
        assert_eq!(c.finish(), 0);
    }
}

#[test]
fn rename_of_variables_and_stages() {
    let versioned = json!({
        "general": {"positionEncodings": ["utf-8"]},
        "workspace": {"workspaceEdit": {"documentChanges": true}}
    });
    for caps in [json!({}), versioned] {
        let (mut c, init) = Client::start(caps);
        assert_eq!(init["capabilities"]["renameProvider"], json!({"prepareProvider": true}));
        c.open(URI, VARS);
        let t = VARS;
        let rename = |c: &mut Client, needle: &str, n: usize, after: usize, name: &str| {
            let mut p = pos_in(c, t, needle, n, after);
            p["newName"] = json!(name);
            c.request("textDocument/rename", p)
        };
        // prepareRename: the name under the cursor, or null
        let p = c
            .request("textDocument/prepareRename", pos_in(&c, t, "${APP_HOME:", 0, 4))
            .unwrap();
        assert_eq!(p, name_in(&c, t, "${APP_HOME:", 0, 2, 8));
        for (needle, after) in [("'$APP_HOME'", 3), ("$PATH", 2), ("alpine", 1), ("WORKDIR", 1)] {
            let p = c
                .request("textDocument/prepareRename", pos_in(&c, t, needle, 0, after))
                .unwrap();
            assert_eq!(p, Value::Null, "{needle}");
        }
        let edit = rename(&mut c, "$APP_HOME\n", 2, 3, "APP_DIR").unwrap();
        if edit.get("documentChanges").is_some() {
            assert_eq!(edit["documentChanges"][0]["textDocument"]["version"], 1);
        }
        assert_eq!(
            c.apply(t, &edit),
            "ARG TAG=3.20 VARIANT
FROM alpine:${TAG} AS base
ARG TAG
ENV APP_DIR=/opt/é😀 LOG=1
WORKDIR $APP_DIR
COPY --chown=${USER_ID:-1000} app/ ${APP_DIR}/
RUN echo é😀 \"$TAG ${APP_DIR:-/x}\" '$APP_HOME' && echo $PATH
FROM base AS final
ENV LEGACY value with $APP_DIR
RUN <<EOF
cd $APP_DIR
EOF
CMD echo é😀 $TAG $LOG
"
        );
        // from a stage's use: the global ARG, its redeclaration and their uses; not CMD's $TAG
        let edit = rename(&mut c, "$TAG ", 0, 2, "ALPINE").unwrap();
        assert_eq!(
            c.apply(t, &edit),
            "ARG ALPINE=3.20 VARIANT
FROM alpine:${ALPINE} AS base
ARG ALPINE
ENV APP_HOME=/opt/é😀 LOG=1
WORKDIR $APP_HOME
COPY --chown=${USER_ID:-1000} app/ ${APP_HOME}/
RUN echo é😀 \"$ALPINE ${APP_HOME:-/x}\" '$APP_HOME' && echo $PATH
FROM base AS final
ENV LEGACY value with $APP_HOME
RUN <<EOF
cd $APP_HOME
EOF
CMD echo é😀 $TAG $LOG
"
        );
        let edit = rename(&mut c, "AS base", 0, 4, "runtime").unwrap();
        assert_eq!(
            c.apply(t, &edit),
            t.replace("AS base", "AS runtime").replace("FROM base", "FROM runtime")
        );
        // refused, with the reason: invalid names, names in use, nothing to rename
        for (needle, n, after, name, why) in [
            ("APP_HOME=", 0, 1, "9LIVES", "not a valid variable name"),
            ("APP_HOME=", 0, 1, "APP-HOME", "not a valid variable name"),
            ("APP_HOME=", 0, 1, "LOG", "already used on line 4"),
            ("APP_HOME=", 0, 1, "PATH", "the shell or the image's programs rely on"),
            ("AS base", 0, 4, "Runtime", "not a valid stage name"),
            ("AS base", 0, 4, "2nd", "not a valid stage name"),
            (
                "AS base",
                0,
                4,
                "final",
                "a stage named \"final\" already exists (line 8)",
            ),
            ("$PATH", 0, 2, "X", "nothing to rename here"),
        ] {
            let e = rename(&mut c, needle, n, after, name).expect_err(name);
            assert_eq!(e.code, -32602, "{name}");
            assert!(e.message.contains(why), "{name}: {}", e.message);
        }
        // the server still answers
        let d = c
            .request("textDocument/definition", pos_in(&c, t, "$LOG", 0, 2))
            .unwrap();
        assert_eq!(d["range"], name_in(&c, t, "LOG=", 0, 0, 3));
        assert_eq!(c.finish(), 0);
    }
}

#[test]
fn rename_is_refused_where_it_would_change_the_build() {
    let t = "ARG V=a IMG=newname
FROM alpine AS stage_a
FROM stage_${V}
FROM alpine AS old
FROM ${IMG}
FROM debian
ARG PKG=curl
RUN apt-get install -y $PKG && for PKG in a b; do echo $PKG; done
ARG V2=1
ARG V2=${V2}x
";
    let (mut c, _) = Client::start(json!({}));
    c.open(URI, t);
    for (needle, after, name, why) in [
        ("AS stage_a", 4, "zz1", "line 3 names this stage through a variable"),
        (
            "AS old",
            4,
            "newname",
            "\"newname\" is already used as an image or stage on line 5",
        ),
        ("PKG=", 0, "W", "the script on line 8 sets $PKG itself"),
    ] {
        let mut p = pos_in(&c, t, needle, 0, after);
        p["newName"] = json!(name);
        let e = c.request("textDocument/rename", p).expect_err(name);
        assert_eq!(e.code, -32602, "{name}");
        assert!(e.message.contains(why), "{name}: {}", e.message);
    }
    // a value reads the definition before its own: `${V2}` is the first V2, renamed alone
    let d = c
        .request("textDocument/definition", pos_in(&c, t, "${V2}", 0, 2))
        .unwrap();
    assert_eq!(d["range"], name_in(&c, t, "V2=1", 0, 0, 2));
    let mut p = pos_in(&c, t, "V2=1", 0, 0);
    p["newName"] = json!("FIRST");
    let edit = c.request("textDocument/rename", p).unwrap();
    assert_eq!(
        c.apply(t, &edit),
        t.replace("ARG V2=1", "ARG FIRST=1").replace("${V2}x", "${FIRST}x")
    );
    assert_eq!(c.finish(), 0);
}

#[test]
fn rename_of_a_stage_keeps_uses_by_index_and_quotes() {
    for caps in [json!({}), utf8_client()] {
        let (mut c, _) = Client::start(caps);
        c.open(URI, STAGES);
        let mut p = pos_in(&c, STAGES, "BUILDER", 0, 2);
        p["newName"] = json!("wheels");
        let edit = c.request("textDocument/rename", p).unwrap();
        assert_eq!(
            c.apply(STAGES, &edit),
            STAGES
                .replace("AS Builder", "AS wheels")
                .replace("FROM builder", "FROM wheels")
                .replace("from=BUILDER", "from=wheels")
                .replace("from=builder", "from=wheels")
        );
        let mut p = pos_in(&c, STAGES, "\"test\"", 0, 2);
        p["newName"] = json!("check");
        let edit = c.request("textDocument/rename", p).unwrap();
        assert_eq!(
            c.apply(STAGES, &edit),
            STAGES.replace("AS test", "AS check").replace("\"test\"", "\"check\"")
        );
        assert_eq!(c.finish(), 0);
    }
    let text = "FROM alpine AS base\nFROM base\nCOPY --from=0 /a /a\n";
    let (mut c, _) = Client::start(json!({}));
    c.open(URI, text);
    let p = c
        .request("textDocument/prepareRename", pos_in(&c, text, "0 /a", 0, 0))
        .unwrap();
    assert_eq!(p, Value::Null);
    // a name an image already has would capture it
    let mut p = pos_in(&c, text, "base\n", 1, 1);
    p["newName"] = json!("alpine");
    let e = c.request("textDocument/rename", p.clone()).unwrap_err();
    assert_eq!(e.message, "\"alpine\" is already used as an image or stage on line 1");
    p["newName"] = json!("root");
    let edit = c.request("textDocument/rename", p).unwrap();
    assert_eq!(
        c.apply(text, &edit),
        "FROM alpine AS root\nFROM root\nCOPY --from=0 /a /a\n"
    );
    assert_eq!(c.finish(), 0);
}

#[test]
fn the_build_context_of_the_configuration() {
    // `context` in dfix.toml reaches the server through the same configuration path
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("dfix.toml"),
        "context = \".\"\nselect = [\"copy-ignored-file\"]\n",
    )
    .unwrap();
    std::fs::write(root.join(".dockerignore"), "secrets\n").unwrap();
    let file = root.join("Dockerfile");
    let text = "FROM alpine:3.22\nCOPY secrets/dev.env /etc/app/\n";
    std::fs::write(&file, text).unwrap();
    let uri = file_uri(&file);
    let (mut c, _) = Client::start(json!({}));
    c.open(&uri, text);
    let diags = c.diagnostics(&uri);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0]["code"], "copy-ignored-file");
    assert_eq!(
        diags[0]["range"],
        c.range(text, text.find("secrets").unwrap(), text.find(" /etc").unwrap())
    );
    assert_eq!(c.finish(), 0);
}

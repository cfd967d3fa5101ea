//! How long diagnostics take to arrive after an edit, through the language server in process
//! (`lsp_server::Connection::memory()`): the time from sending `didChange` to receiving the
//! `publishDiagnostics` of that version, median and 90th percentile over many edits.
//!
//! `cargo bench --bench lsp [-- RUNS]`. The documents are real: corpus Dockerfiles (read in place
//! from `$DFIX_CORPUS/files`, by default ../shared/corpus/files, in path order) joined until they
//! are 2,000 and 5,000 lines long.

#![allow(clippy::print_stdout)] // a benchmark reports on standard output

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const SIZES: [usize; 2] = [2_000, 5_000];
const WAIT: Duration = Duration::from_secs(30);

fn main() {
    let runs = std::env::args()
        .skip(1)
        .find_map(|a| a.parse::<usize>().ok())
        .unwrap_or(51);
    let corpus = std::env::var_os("DFIX_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"))
        .join("files");
    let mut files = Vec::new();
    collect(&corpus, &mut files);
    files.sort();
    assert!(!files.is_empty(), "no corpus at {}", corpus.display());
    for lines in SIZES {
        let text = document(&files, lines);
        let mut times = measure(&text, runs);
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "{lines} lines ({} bytes): median {:.1} ms, p90 {:.1} ms, max {:.1} ms over {runs} edits",
            text.len(),
            ms(times[times.len() / 2]),
            ms(times[times.len() * 9 / 10]),
            ms(times[times.len() - 1]),
        );
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Corpus files joined to `lines` lines (files with parser directives are left out: only the
/// first file's would count).
fn document(files: &[PathBuf], lines: usize) -> String {
    let mut out: Vec<&str> = Vec::new();
    let texts: Vec<String> = files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .filter(|t| !t.trim_start().starts_with('#'))
        .collect();
    for t in &texts {
        out.extend(t.lines());
        if out.len() >= lines {
            break;
        }
    }
    out.truncate(lines);
    out.join("\n") + "\n"
}

fn measure(text: &str, runs: usize) -> Vec<Duration> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("Dockerfile");
    std::fs::write(&path, text).expect("the document is written");
    let uri = format!("file://{}", path.display());
    let (server, client) = Connection::memory();
    let handle = std::thread::spawn(move || dfix::lsp::serve(&server));
    let send = |m: Message| client.sender.send(m).expect("the server is running");
    send(Request::new(RequestId::from(1), "initialize".into(), json!({"capabilities": {}})).into());
    send(Notification::new("initialized".into(), json!({})).into());
    send(
        Notification::new(
            "textDocument/didOpen".into(),
            json!({"textDocument": {"uri": uri, "languageId": "dockerfile", "version": 0, "text": text}}),
        )
        .into(),
    );
    wait(&client, 0);
    // type one character into the middle line and delete it again, alternately
    let line = text.lines().count() / 2;
    let mut times = Vec::with_capacity(runs);
    for version in 1..=runs as i32 {
        let change = if version % 2 == 1 {
            json!({"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}}, "text": "x"})
        } else {
            json!({"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 1}}, "text": ""})
        };
        let start = Instant::now();
        send(
            Notification::new(
                "textDocument/didChange".into(),
                json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}),
            )
            .into(),
        );
        wait(&client, version);
        times.push(start.elapsed());
    }
    send(Request::new(RequestId::from(2), "shutdown".into(), Value::Null).into());
    send(Notification::new("exit".into(), Value::Null).into());
    handle.join().expect("the server ends");
    times
}

/// Waits for the diagnostics of `version`.
fn wait(client: &Connection, version: i32) {
    loop {
        match client.receiver.recv_timeout(WAIT).expect("diagnostics in time") {
            Message::Notification(n)
                if n.method == "textDocument/publishDiagnostics" && n.params["version"] == version =>
            {
                return;
            }
            _ => {}
        }
    }
}

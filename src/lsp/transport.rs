//! Messages over standard input and output. `lsp_server::Connection::stdio` stops reading at the
//! first payload that is not a valid message; this transport skips it instead (answering it with
//! an error when it has an id), so one bad message cannot end the session.

use crossbeam_channel::{Receiver, Sender, bounded, unbounded};
use lsp_server::{Connection, ErrorCode, Message, RequestId, Response};
use std::io::{self, BufRead, Write};
use std::thread::{self, JoinHandle};

pub struct IoThreads {
    reader: JoinHandle<()>,
    writer: JoinHandle<io::Result<()>>,
}

impl IoThreads {
    /// Waits for both threads (drop the connection first, or the writer never ends).
    pub fn join(self) -> io::Result<()> {
        let _ = self.reader.join();
        self.writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the writer panicked")))
    }
}

pub fn stdio() -> (Connection, IoThreads) {
    let (to_client, outgoing): (Sender<Message>, Receiver<Message>) = unbounded();
    let (incoming, from_client) = bounded::<Message>(0);
    let writer = thread::Builder::new()
        .name("dfix-lsp-writer".into())
        .spawn(move || {
            let mut out = io::stdout().lock();
            for msg in outgoing {
                msg.write(&mut out)?;
            }
            Ok(())
        })
        .expect("a thread");
    let replies = to_client.clone();
    let reader = thread::Builder::new()
        .name("dfix-lsp-reader".into())
        .spawn(move || read_loop(&mut io::stdin().lock(), &incoming, &replies))
        .expect("a thread");
    (
        Connection {
            sender: to_client,
            receiver: from_client,
        },
        IoThreads { reader, writer },
    )
}

fn say(msg: &str) {
    let _ = writeln!(io::stderr(), "dfix lsp: {msg}");
}

/// Reads messages until end of input or `exit`.
pub fn read_loop(input: &mut dyn BufRead, incoming: &Sender<Message>, replies: &Sender<Message>) {
    loop {
        let body = match read_frame(input) {
            Ok(Some(body)) => body,
            Ok(None) => return,
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                say(&e.to_string());
                continue;
            }
            Err(e) => {
                say(&e.to_string());
                return;
            }
        };
        match serde_json::from_str::<Message>(&body) {
            Ok(msg) => {
                let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
                if incoming.send(msg).is_err() || exit {
                    return;
                }
            }
            Err(e) => {
                say(&format!("skipped a malformed message ({e})"));
                // a request we can name gets an answer, so the client does not wait for ever
                let id = serde_json::from_str::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|v| serde_json::from_value::<RequestId>(v.get("id")?.clone()).ok());
                if let Some(id) = id {
                    let code = ErrorCode::InvalidRequest as i32;
                    let _ = replies.send(Response::new_err(id, code, format!("malformed message: {e}")).into());
                }
            }
        }
    }
}

/// One `Content-Length`-framed payload; `None` at the end of input. A frame with bad headers or
/// a payload that is not UTF-8 is an `InvalidData` error after which reading can go on.
fn read_frame(input: &mut dyn BufRead) -> io::Result<Option<String>> {
    let mut length: Option<usize> = None;
    let mut bad_header = None;
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            if length.is_some() || bad_header.is_some() {
                break;
            }
            continue; // stray blank lines between messages
        }
        match header.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => match value.trim().parse() {
                Ok(n) => length = Some(n),
                Err(_) => bad_header = Some(header.to_string()),
            },
            Some(_) => {} // Content-Type and the like
            None => bad_header = Some(header.to_string()),
        }
    }
    let Some(length) = length else {
        let h = bad_header.unwrap_or_default();
        return Err(io::Error::new(io::ErrorKind::InvalidData, format!("bad header `{h}`")));
    };
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    String::from_utf8(body)
        .map(Some)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "a message that is not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn bad_messages_are_skipped_and_named_requests_answered() {
        let input = [
            frame(r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#),
            frame(r#"{"jsonrpc":"2.0","id":2,"nonsense":true"#),
            frame(r#"{"jsonrpc":"2.0","id":3,"params":{}}"#),
            "Content-Length: x\r\n\r\n".to_string(),
            frame("{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}"),
            frame(r#"{"jsonrpc":"2.0","id":4,"method":"never read"}"#),
        ]
        .concat();
        let (in_tx, in_rx) = unbounded();
        let (out_tx, out_rx) = unbounded();
        read_loop(&mut input.as_bytes(), &in_tx, &out_tx);
        let got: Vec<Message> = in_rx.try_iter().collect();
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(matches!(&got[0], Message::Request(r) if r.method == "shutdown"));
        assert!(matches!(&got[1], Message::Notification(n) if n.method == "exit"));
        let replies: Vec<Message> = out_rx.try_iter().collect();
        assert_eq!(replies.len(), 1, "{replies:?}");
        assert!(
            matches!(&replies[0], Message::Response(r) if r.id == RequestId::from(3) && r.response_result.is_err())
        );
    }
}

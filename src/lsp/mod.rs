//! `dfix lsp`: a language server over standard input and output, a front door to the same
//! `lint`, `fix`, configuration and suppression code as the command line.
//!
//! - `server.rs`: state, the message loop, dispatch (each request under `catch_unwind`),
//!   configuration per document through `config::Resolver`.
//! - `document.rs`: an open document, incremental changes.
//! - `convert.rs`: positions in the negotiated encoding, `file:` URIs, diagnostics.
//! - one file per feature: `actions.rs` (quick fixes, ignore, fix-all), `hover.rs`,
//!   `symbols.rs` (document symbols), `folding.rs`, `navigation.rs` (definition and references of
//!   stages and variables), `rename.rs`, `completion.rs`, `semantic.rs` (semantic tokens).
//! - `reference.rs`: the short reference of instructions, flags, mount options and directives
//!   that completion and hover show.
//! - `transport.rs`: framing over stdio that survives malformed messages.

mod actions;
mod completion;
mod convert;
mod document;
mod folding;
mod hover;
mod navigation;
mod reference;
mod rename;
mod semantic;
mod server;
mod symbols;
mod transport;

pub use convert::{path_to_uri, uri_to_path};
pub use server::serve;

/// Runs the server on standard input and output; returns the exit status.
pub fn run() -> u8 {
    let (conn, io_threads) = transport::stdio();
    let status = serve(&conn);
    // the writer ends when every sender is gone
    drop(conn);
    if let Err(e) = io_threads.join() {
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "dfix lsp: {e}");
    }
    status
}

//! The only code that touches tree-sitter. It turns text into the typed [`model::Dockerfile`].

pub mod check;
pub mod debug;
pub mod directives;
pub mod go;
pub mod image;
mod json;
mod lexer;
mod lower;
pub mod model;
pub mod mounts;
pub mod remote;
mod scan;
pub mod shell;
pub mod text;
pub mod vars;
pub mod words;

pub use lower::{mask_heredoc, mask_shell, parse, parse_reusing};
pub use shell::Scripts;
pub use text::TextRange;

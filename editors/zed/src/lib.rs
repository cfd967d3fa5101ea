//! Zed runs a language server only when an extension registers it; this one registers
//! `dfix lsp` for Dockerfiles. The command is `lsp.dfix.binary` from Zed's settings when set,
//! else `dfix` from the PATH of the worktree's shell.
use zed_extension_api::{self as zed, LanguageServerId, Result, Worktree, settings::LspSettings};

struct Dfix;

impl zed::Extension for Dfix {
    fn new() -> Self {
        Dfix
    }

    fn language_server_command(&mut self, id: &LanguageServerId, worktree: &Worktree) -> Result<zed::Command> {
        let binary = LspSettings::for_worktree(id.as_ref(), worktree)
            .ok()
            .and_then(|s| s.binary);
        let (path, arguments, env) = match binary {
            Some(b) => (b.path, b.arguments, b.env),
            None => (None, None, None),
        };
        let command = path
            .or_else(|| worktree.which("dfix"))
            .ok_or("dfix is not on PATH: install it, or set lsp.dfix.binary.path in Zed's settings")?;
        Ok(zed::Command {
            command,
            args: arguments.unwrap_or_else(|| vec!["lsp".to_string()]),
            env: worktree
                .shell_env()
                .into_iter()
                .chain(env.unwrap_or_default())
                .collect(),
        })
    }
}

zed::register_extension!(Dfix);

//! The server's state and its message loop. Every request and notification runs inside
//! `catch_unwind`: a request that fails gets an error response, and the server carries on.

use super::actions::{self, EditStyle};
use super::convert::{self, Encoding};
use super::document::Document;
use crate::config::{CONFIG_NAMES, HADOLINT_NAMES, Resolver, Source};
use crate::settings::{Layer, Settings};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response, ResponseError};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidChangeWorkspaceFolders, DidCloseTextDocument, DidOpenTextDocument,
    Exit, Initialized, LogMessage, Notification as _, PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentDiagnosticRequest, DocumentSymbolRequest, FoldingRangeRequest,
    GotoDefinition, HoverRequest, Initialize, References, RegisterCapability, Request as _, SemanticTokensFullRequest,
    SemanticTokensRangeRequest, Shutdown, WorkspaceDiagnosticRefresh,
};
use lsp_types::{
    CodeActionOptions, CodeActionParams, CodeActionProviderCapability, CodeActionResponse, CompletionOptions,
    CompletionParams, CompletionResponse, DiagnosticOptions, DiagnosticServerCapabilities, DidChangeTextDocumentParams,
    DidChangeWatchedFilesParams, DidChangeWatchedFilesRegistrationOptions, DidChangeWorkspaceFoldersParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DocumentDiagnosticParams, DocumentDiagnosticReport,
    DocumentDiagnosticReportResult, DocumentSymbolParams, DocumentSymbolResponse, FileSystemWatcher, FoldingRange,
    FoldingRangeParams, FoldingRangeProviderCapability, FullDocumentDiagnosticReport, GlobPattern,
    GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverParams, HoverProviderCapability, InitializeParams,
    InitializeResult, Location, LogMessageParams, MessageType, OneOf, PublishDiagnosticsParams, ReferenceParams,
    Registration, RegistrationParams, RelatedFullDocumentDiagnosticReport, SemanticTokens, SemanticTokensFullOptions,
    SemanticTokensOptions, SemanticTokensParams, SemanticTokensRangeParams, SemanticTokensRangeResult,
    SemanticTokensResult, SemanticTokensServerCapabilities, ServerCapabilities, ServerInfo, ShowMessageParams,
    TextDocumentPositionParams, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions, Uri,
    WorkspaceFolder, WorkspaceFoldersServerCapabilities, WorkspaceServerCapabilities,
};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// Exit statuses: the protocol asks for 0 after `shutdown` then `exit`, else 1.
pub const CLEAN: u8 = 0;
pub const UNCLEAN: u8 = 1;

type Reply = Result<Value, ResponseError>;

fn error(code: ErrorCode, message: impl Into<String>) -> ResponseError {
    ResponseError {
        code: code as i32,
        message: message.into(),
        data: None,
    }
}

fn invalid(message: impl Into<String>) -> ResponseError {
    error(ErrorCode::InvalidParams, message)
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_string())
}

/// Serves one client on `conn`, from `initialize` to `exit`; returns the exit status.
pub fn serve(conn: &Connection) -> u8 {
    let mut server = loop {
        let Ok(msg) = conn.receiver.recv() else {
            return UNCLEAN;
        };
        match msg {
            Message::Request(req) if req.method == Initialize::METHOD => {
                match serde_json::from_value::<InitializeParams>(req.params) {
                    Ok(params) => {
                        let (server, result) = Server::new(conn, params);
                        server.send(Response::new_ok(req.id, result));
                        break server;
                    }
                    Err(e) => {
                        let e = invalid(format!("invalid initialize parameters: {e}"));
                        let _ = conn.sender.send(Response::new_err(req.id, e.code, e.message).into());
                    }
                }
            }
            Message::Request(req) => {
                let e = error(ErrorCode::ServerNotInitialized, "the server is not initialized");
                let _ = conn.sender.send(Response::new_err(req.id, e.code, e.message).into());
            }
            Message::Notification(n) if n.method == Exit::METHOD => return UNCLEAN,
            _ => {}
        }
    };
    server.run()
}

pub struct Server<'c> {
    conn: &'c Connection,
    enc: Encoding,
    documents: HashMap<Uri, Document>,
    resolver: Resolver,
    folders: Vec<PathBuf>,
    /// Publish diagnostics; off when the client pulls them.
    push: bool,
    /// The client can be asked to pull diagnostics again.
    refresh: bool,
    /// The client watches files for us when asked.
    watch: bool,
    style: EditStyle,
    /// Messages shown to the user already (a bad configuration is said once).
    said: HashSet<String>,
    next_id: i32,
    shutdown: bool,
}

impl<'c> Server<'c> {
    fn new(conn: &'c Connection, params: InitializeParams) -> (Server<'c>, InitializeResult) {
        let caps = &params.capabilities;
        let enc = Encoding::negotiate(caps);
        let pull = caps.text_document.as_ref().is_some_and(|t| t.diagnostic.is_some());
        let workspace = caps.workspace.as_ref();
        let server = Server {
            conn,
            enc,
            documents: HashMap::new(),
            resolver: Resolver::new(Source::Discover, Layer::default()),
            folders: folders(&params),
            push: !pull,
            refresh: workspace
                .and_then(|w| w.diagnostic.as_ref())
                .and_then(|d| d.refresh_support)
                .unwrap_or(false),
            watch: workspace
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|w| w.dynamic_registration)
                .unwrap_or(false),
            style: EditStyle {
                versioned: workspace
                    .and_then(|w| w.workspace_edit.as_ref())
                    .and_then(|e| e.document_changes)
                    .unwrap_or(false),
            },
            said: HashSet::new(),
            next_id: 0,
            shutdown: false,
        };
        let result = InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(enc.kind()),
                text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    ..TextDocumentSyncOptions::default()
                })),
                code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                    code_action_kinds: Some(actions::kinds()),
                    ..CodeActionOptions::default()
                })),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                document_symbol_provider: Some(OneOf::Left(true)),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(["-", "=", ",", "#"].map(String::from).to_vec()),
                    ..CompletionOptions::default()
                }),
                semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
                    SemanticTokensOptions {
                        legend: super::semantic::legend(),
                        full: Some(SemanticTokensFullOptions::Bool(true)),
                        range: Some(true),
                        ..SemanticTokensOptions::default()
                    },
                )),
                diagnostic_provider: Some(DiagnosticServerCapabilities::Options(DiagnosticOptions {
                    identifier: Some("dfix".to_string()),
                    inter_file_dependencies: false,
                    workspace_diagnostics: false,
                    ..DiagnosticOptions::default()
                })),
                workspace: Some(WorkspaceServerCapabilities {
                    workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                        supported: Some(true),
                        change_notifications: Some(OneOf::Left(true)),
                    }),
                    file_operations: None,
                }),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "dfix".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
        };
        (server, result)
    }

    fn run(&mut self) -> u8 {
        while let Ok(msg) = self.conn.receiver.recv() {
            match msg {
                Message::Request(req) => {
                    let id = req.id.clone();
                    let reply = if self.shutdown {
                        Err(error(ErrorCode::InvalidRequest, "the server is shutting down"))
                    } else if req.method == Shutdown::METHOD {
                        self.shutdown = true;
                        Ok(Value::Null)
                    } else {
                        self.request(req)
                    };
                    self.respond(id, reply);
                }
                Message::Notification(n) if n.method == Exit::METHOD => {
                    return if self.shutdown { CLEAN } else { UNCLEAN };
                }
                Message::Notification(n) => {
                    if !self.shutdown {
                        self.notification(n);
                    }
                }
                // answers to our registrations and refreshes
                Message::Response(_) => {}
            }
        }
        UNCLEAN
    }

    fn send(&self, msg: impl Into<Message>) {
        // the client is gone when this fails; the loop ends on the next receive
        let _ = self.conn.sender.send(msg.into());
    }

    fn respond(&self, id: RequestId, reply: Reply) {
        self.send(Response {
            id,
            response_result: reply,
        });
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.to_string(), params));
    }

    fn ask<R: lsp_types::request::Request>(&mut self, params: R::Params) {
        self.next_id += 1;
        let id = RequestId::from(format!("dfix-{}", self.next_id));
        self.send(Request::new(id, R::METHOD.to_string(), params));
    }

    fn log(&self, typ: MessageType, message: impl Into<String>) {
        self.notify::<LogMessage>(LogMessageParams {
            typ,
            message: message.into(),
        });
    }

    fn request(&mut self, req: Request) -> Reply {
        let method = req.method.clone();
        match catch_unwind(AssertUnwindSafe(|| self.dispatch(req))) {
            Ok(reply) => reply,
            Err(payload) => Err(error(
                ErrorCode::InternalError,
                format!("dfix failed on {method}: {}", panic_message(&*payload)),
            )),
        }
    }

    fn dispatch(&mut self, req: Request) -> Reply {
        match req.method.as_str() {
            DocumentDiagnosticRequest::METHOD => call::<DocumentDiagnosticRequest>(self, req.params, Self::pull),
            CodeActionRequest::METHOD => call::<CodeActionRequest>(self, req.params, Self::code_action),
            HoverRequest::METHOD => call::<HoverRequest>(self, req.params, Self::hover),
            DocumentSymbolRequest::METHOD => call::<DocumentSymbolRequest>(self, req.params, Self::document_symbol),
            FoldingRangeRequest::METHOD => call::<FoldingRangeRequest>(self, req.params, Self::folding_range),
            GotoDefinition::METHOD => call::<GotoDefinition>(self, req.params, Self::definition),
            References::METHOD => call::<References>(self, req.params, Self::references),
            Completion::METHOD => call::<Completion>(self, req.params, Self::completion),
            SemanticTokensFullRequest::METHOD => call::<SemanticTokensFullRequest>(self, req.params, Self::tokens),
            SemanticTokensRangeRequest::METHOD => call::<SemanticTokensRangeRequest>(self, req.params, Self::tokens_in),
            Initialize::METHOD => Err(error(ErrorCode::InvalidRequest, "the server is already initialized")),
            #[cfg(test)]
            "dfix/test/panic" => panic!("a deliberate failure"),
            m => Err(error(ErrorCode::MethodNotFound, format!("dfix does not handle {m}"))),
        }
    }

    fn notification(&mut self, n: Notification) {
        let method = n.method.clone();
        match catch_unwind(AssertUnwindSafe(|| self.dispatch_notification(n))) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => self.log(MessageType::WARNING, format!("dfix: {method}: {e}")),
            Err(payload) => self.log(
                MessageType::ERROR,
                format!("dfix failed on {method}: {}", panic_message(&*payload)),
            ),
        }
    }

    fn dispatch_notification(&mut self, n: Notification) -> Result<(), String> {
        fn params<N: lsp_types::notification::Notification>(v: Value) -> Result<N::Params, String> {
            serde_json::from_value(v).map_err(|e| format!("invalid parameters: {e}"))
        }
        match n.method.as_str() {
            Initialized::METHOD => {
                self.register_watchers();
                Ok(())
            }
            DidOpenTextDocument::METHOD => self.did_open(params::<DidOpenTextDocument>(n.params)?),
            DidChangeTextDocument::METHOD => self.did_change(params::<DidChangeTextDocument>(n.params)?),
            DidCloseTextDocument::METHOD => self.did_close(params::<DidCloseTextDocument>(n.params)?),
            DidChangeWatchedFiles::METHOD => self.did_change_watched_files(params::<DidChangeWatchedFiles>(n.params)?),
            DidChangeWorkspaceFolders::METHOD => {
                self.did_change_workspace_folders(params::<DidChangeWorkspaceFolders>(n.params)?)
            }
            #[cfg(test)]
            "dfix/test/panic" => panic!("a deliberate failure"),
            // didSave, $/cancelRequest (requests are answered in order), $/setTrace, …
            _ => Ok(()),
        }
    }

    // ---- configuration ----

    fn register_watchers(&mut self) {
        if !self.watch {
            return;
        }
        let watchers = CONFIG_NAMES
            .iter()
            .chain(&HADOLINT_NAMES)
            .map(|name| FileSystemWatcher {
                glob_pattern: GlobPattern::String(format!("**/{name}")),
                kind: None,
            })
            .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        self.ask::<RegisterCapability>(RegistrationParams {
            registrations: vec![Registration {
                id: "dfix-configuration".to_string(),
                method: DidChangeWatchedFiles::METHOD.to_string(),
                register_options: serde_json::to_value(options).ok(),
            }],
        });
    }

    /// The settings for a document at `path` (`None`: a document with no file, governed by the
    /// first workspace folder's configuration). `None` when the configuration excludes it.
    fn settings_for(&mut self, path: Option<&Path>) -> Option<Settings> {
        let target = path
            .map(Path::to_path_buf)
            .or_else(|| self.folders.first().map(|f| f.join("Dockerfile")));
        let defaults = || Settings::from_layers(&[]).expect("the default settings are valid");
        let Some(target) = target else {
            return Some(defaults());
        };
        match self.resolver.settings_for(&target) {
            Ok(s) if path.is_some() && s.is_excluded(&target) => None,
            Ok(s) => Some(s.for_path(&target)),
            Err(e) => {
                let message = format!("dfix: {e}\nusing the default settings until it is fixed");
                if self.said.insert(message.clone()) {
                    self.notify::<ShowMessage>(ShowMessageParams {
                        typ: MessageType::ERROR,
                        message,
                    });
                }
                Some(defaults())
            }
        }
    }

    /// Reads the configuration again and re-lints every open document.
    fn reload(&mut self) {
        self.resolver = Resolver::new(Source::Discover, Layer::default());
        self.said.clear();
        let uris: Vec<Uri> = self.documents.keys().cloned().collect();
        for uri in uris {
            self.lint(&uri);
        }
        if !self.push && self.refresh {
            self.ask::<WorkspaceDiagnosticRefresh>(());
        }
    }

    fn did_change_watched_files(&mut self, p: DidChangeWatchedFilesParams) -> Result<(), String> {
        // any watched file may be a configuration (or one that another `extend`s)
        if !p.changes.is_empty() {
            self.reload();
        }
        Ok(())
    }

    fn did_change_workspace_folders(&mut self, p: DidChangeWorkspaceFoldersParams) -> Result<(), String> {
        let removed: Vec<PathBuf> = p
            .event
            .removed
            .iter()
            .filter_map(|f| convert::uri_to_path(&f.uri))
            .collect();
        self.folders.retain(|f| !removed.contains(f));
        self.folders
            .extend(p.event.added.iter().filter_map(|f| convert::uri_to_path(&f.uri)));
        self.reload();
        Ok(())
    }

    // ---- documents ----

    /// Lints a document again and publishes the result (when the client does not pull).
    fn lint(&mut self, uri: &Uri) {
        let Some(path) = self.documents.get(uri).map(|d| d.path.clone()) else {
            return;
        };
        let settings = self.settings_for(path.as_deref());
        let Some(doc) = self.documents.get_mut(uri) else {
            return;
        };
        doc.diagnostics = match &settings {
            Some(s) => crate::lint(&doc.text, s),
            None => Vec::new(),
        };
        doc.settings = settings;
        if self.push {
            self.publish(uri);
        }
    }

    fn publish(&self, uri: &Uri) {
        let Some(doc) = self.documents.get(uri) else {
            return;
        };
        let diagnostics = doc
            .diagnostics
            .iter()
            .map(|d| doc.lsp_diagnostic(self.enc, d))
            .collect();
        self.notify::<PublishDiagnostics>(PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics,
            version: Some(doc.version),
        });
    }

    fn did_open(&mut self, p: DidOpenTextDocumentParams) -> Result<(), String> {
        let d = p.text_document;
        self.documents
            .insert(d.uri.clone(), Document::new(d.uri.clone(), d.version, d.text));
        self.lint(&d.uri);
        Ok(())
    }

    fn did_change(&mut self, p: DidChangeTextDocumentParams) -> Result<(), String> {
        let uri = p.text_document.uri;
        let enc = self.enc;
        let doc = self
            .documents
            .get_mut(&uri)
            .ok_or_else(|| format!("{} is not open", uri.as_str()))?;
        doc.version = p.text_document.version;
        let mut clamped = false;
        for change in p.content_changes {
            clamped |= !doc.apply_change(change, enc);
        }
        self.lint(&uri);
        if clamped {
            return Err(format!(
                "a change to {} lay outside the document and was clamped to it",
                uri.as_str()
            ));
        }
        Ok(())
    }

    fn did_close(&mut self, p: DidCloseTextDocumentParams) -> Result<(), String> {
        let uri = p.text_document.uri;
        if self.documents.remove(&uri).is_some() && self.push {
            self.notify::<PublishDiagnostics>(PublishDiagnosticsParams {
                uri,
                diagnostics: Vec::new(),
                version: None,
            });
        }
        Ok(())
    }

    fn document(&self, uri: &Uri) -> Result<&Document, ResponseError> {
        self.documents
            .get(uri)
            .ok_or_else(|| invalid(format!("{} is not open", uri.as_str())))
    }

    // ---- requests ----

    fn pull(&mut self, p: DocumentDiagnosticParams) -> Result<DocumentDiagnosticReportResult, ResponseError> {
        // a document that is not open has nothing to report
        let items = self.documents.get(&p.text_document.uri).map_or_else(Vec::new, |doc| {
            doc.diagnostics
                .iter()
                .map(|d| doc.lsp_diagnostic(self.enc, d))
                .collect()
        });
        Ok(DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(
            RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport { result_id: None, items },
            },
        )))
    }

    fn code_action(&mut self, p: CodeActionParams) -> Result<Option<CodeActionResponse>, ResponseError> {
        let doc = self.document(&p.text_document.uri)?;
        let range = doc
            .text_range(self.enc, p.range)
            .ok_or_else(|| invalid("the range is not inside the document"))?;
        let only = p.context.only.as_deref();
        Ok(Some(actions::code_actions(doc, self.enc, self.style, range, only)))
    }

    fn hover(&mut self, p: HoverParams) -> Result<Option<Hover>, ResponseError> {
        let at = p.text_document_position_params;
        let doc = self.document(&at.text_document.uri)?;
        let offset = doc
            .offset(self.enc, at.position)
            .ok_or_else(|| invalid("the position is not inside the document"))?;
        Ok(super::hover::hover(doc, self.enc, offset))
    }

    /// The open document at `at` and the offset of its position.
    fn position(&self, at: &TextDocumentPositionParams) -> Result<(&Document, usize), ResponseError> {
        let doc = self.document(&at.text_document.uri)?;
        let offset = doc
            .offset(self.enc, at.position)
            .ok_or_else(|| invalid("the position is not inside the document"))?;
        Ok((doc, offset))
    }

    fn document_symbol(&mut self, p: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>, ResponseError> {
        let doc = self.document(&p.text_document.uri)?;
        Ok(Some(DocumentSymbolResponse::Nested(super::symbols::document_symbols(
            doc, self.enc,
        ))))
    }

    fn folding_range(&mut self, p: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>, ResponseError> {
        let doc = self.document(&p.text_document.uri)?;
        Ok(Some(super::folding::folding_ranges(doc)))
    }

    fn definition(&mut self, p: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>, ResponseError> {
        let (doc, offset) = self.position(&p.text_document_position_params)?;
        Ok(super::navigation::definition(doc, self.enc, offset).map(GotoDefinitionResponse::Scalar))
    }

    fn references(&mut self, p: ReferenceParams) -> Result<Option<Vec<Location>>, ResponseError> {
        let (doc, offset) = self.position(&p.text_document_position)?;
        let found = super::navigation::references(doc, self.enc, offset, p.context.include_declaration);
        Ok((!found.is_empty()).then_some(found))
    }

    fn completion(&mut self, p: CompletionParams) -> Result<Option<CompletionResponse>, ResponseError> {
        let (doc, offset) = self.position(&p.text_document_position)?;
        let items = super::completion::completion(doc, self.enc, offset);
        Ok((!items.is_empty()).then_some(CompletionResponse::Array(items)))
    }

    fn tokens(&mut self, p: SemanticTokensParams) -> Result<Option<SemanticTokensResult>, ResponseError> {
        let doc = self.document(&p.text_document.uri)?;
        let data = super::semantic::encode(doc, self.enc, None);
        Ok(Some(SemanticTokensResult::Tokens(SemanticTokens {
            result_id: None,
            data,
        })))
    }

    fn tokens_in(&mut self, p: SemanticTokensRangeParams) -> Result<Option<SemanticTokensRangeResult>, ResponseError> {
        let doc = self.document(&p.text_document.uri)?;
        let range = doc
            .text_range(self.enc, p.range)
            .ok_or_else(|| invalid("the range is not inside the document"))?;
        let data = super::semantic::encode(doc, self.enc, Some(range));
        Ok(Some(SemanticTokensRangeResult::Tokens(SemanticTokens {
            result_id: None,
            data,
        })))
    }
}

/// Decodes a request's parameters, runs its handler and encodes the result.
fn call<'c, R: lsp_types::request::Request>(
    server: &mut Server<'c>,
    params: Value,
    handler: fn(&mut Server<'c>, R::Params) -> Result<R::Result, ResponseError>,
) -> Reply {
    let params: R::Params =
        serde_json::from_value(params).map_err(|e| invalid(format!("invalid parameters for {}: {e}", R::METHOD)))?;
    let result = handler(server, params)?;
    serde_json::to_value(result).map_err(|e| error(ErrorCode::InternalError, e.to_string()))
}

/// The workspace folders of `initialize` (or its older `rootUri`).
fn folders(params: &InitializeParams) -> Vec<PathBuf> {
    #[allow(deprecated)]
    let root = params.root_uri.as_ref().map(|uri| WorkspaceFolder {
        uri: uri.clone(),
        name: String::new(),
    });
    params
        .workspace_folders
        .as_ref()
        .map_or_else(|| root.into_iter().collect(), Clone::clone)
        .iter()
        .filter_map(|f| convert::uri_to_path(&f.uri))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_panicking_request_or_notification_does_not_end_the_session() {
        let (server, client) = Connection::memory();
        let handle = std::thread::spawn(move || serve(&server));
        let send = |m: Message| client.sender.send(m).unwrap();
        let recv = || {
            client
                .receiver
                .recv_timeout(std::time::Duration::from_secs(20))
                .unwrap()
        };
        send(Request::new(1.into(), "initialize".into(), json!({"capabilities": {}})).into());
        assert!(matches!(recv(), Message::Response(r) if r.response_result.is_ok()));
        send(Notification::new("initialized".into(), json!({})).into());
        send(Request::new(2.into(), "dfix/test/panic".into(), json!(null)).into());
        let Message::Response(r) = recv() else {
            panic!("a response")
        };
        let e = r.response_result.unwrap_err();
        assert_eq!(e.code, ErrorCode::InternalError as i32);
        assert!(e.message.contains("a deliberate failure"), "{}", e.message);
        send(Notification::new("dfix/test/panic".into(), json!(null)).into());
        let Message::Notification(n) = recv() else {
            panic!("a log message")
        };
        assert_eq!(n.method, "window/logMessage");
        assert_eq!(n.params["type"], 1);
        send(Request::new(3.into(), "shutdown".into(), json!(null)).into());
        assert!(matches!(recv(), Message::Response(r) if r.response_result.is_ok()));
        send(Notification::new("exit".into(), json!(null)).into());
        assert_eq!(handle.join().unwrap(), CLEAN);
    }
}

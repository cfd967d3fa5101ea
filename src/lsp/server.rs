//! The server's state and its message loop. Notifications (edits, configuration) run on the
//! loop's thread, in order; lints run on a thread of their own (a result made stale by a newer
//! edit is dropped), except the one a request needs first; requests run on a few worker threads
//! over a snapshot of the open documents taken when they arrive, so a slow request never holds
//! up the others. Every request
//! and notification runs inside `catch_unwind`: one that fails gets an error response or a log
//! message, and the server carries on.

use super::actions::{self, EditStyle};
use super::convert::{self, Encoding};
use super::document::{Document, Finished, LintJob, Linted};
use crate::config::{CONFIG_NAMES, HADOLINT_NAMES, Resolver, Source};
use crate::settings::{Layer, Settings};
use crossbeam_channel::{Receiver, Sender, TryRecvError};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response, ResponseError};
use lsp_types::notification::{
    Cancel, DidChangeTextDocument, DidChangeWatchedFiles, DidChangeWorkspaceFolders, DidCloseTextDocument,
    DidOpenTextDocument, Exit, Initialized, LogMessage, Notification as _, PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{
    CodeActionRequest, DocumentDiagnosticRequest, DocumentSymbolRequest, FoldingRangeRequest, GotoDefinition,
    HoverRequest, Initialize, PrepareRenameRequest, References, RegisterCapability, Rename, Request as _, Shutdown,
    WorkspaceDiagnosticRefresh,
};
use lsp_types::{
    CodeActionOptions, CodeActionParams, CodeActionProviderCapability, CodeActionResponse, DiagnosticOptions,
    DiagnosticServerCapabilities, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidChangeWatchedFilesRegistrationOptions, DidChangeWorkspaceFoldersParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DocumentDiagnosticParams, DocumentDiagnosticReport, DocumentDiagnosticReportResult,
    DocumentSymbolParams, DocumentSymbolResponse, FileSystemWatcher, FoldingRange, FoldingRangeParams,
    FoldingRangeProviderCapability, FullDocumentDiagnosticReport, GlobPattern, GotoDefinitionParams,
    GotoDefinitionResponse, Hover, HoverParams, HoverProviderCapability, InitializeParams, InitializeResult, Location,
    LogMessageParams, MessageType, NumberOrString, OneOf, PrepareRenameResponse, PublishDiagnosticsParams,
    ReferenceParams, Registration, RegistrationParams, RelatedFullDocumentDiagnosticReport, RenameOptions,
    RenameParams, ServerCapabilities, ServerInfo, ShowMessageParams, TextDocumentPositionParams,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions, Uri, WorkspaceEdit, WorkspaceFolder,
    WorkspaceFoldersServerCapabilities, WorkspaceServerCapabilities,
};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Exit statuses: the protocol asks for 0 after `shutdown` then `exit`, else 1.
pub const CLEAN: u8 = 0;
pub const UNCLEAN: u8 = 1;

type Reply = Result<Value, ResponseError>;

/// How many requests run at once.
const WORKERS: usize = 4;

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
    /// Shared with the requests in flight; an edit copies a document a request still reads.
    documents: HashMap<Uri, Arc<Document>>,
    /// Lints off the loop: jobs go to the lint thread, results come back. A document changed
    /// since its last lint is linted there once no message is waiting (a burst of keystrokes
    /// is linted once), or here before a request reads it; a result that a newer edit made
    /// stale is dropped.
    lints: Sender<LintJob>,
    linted: Receiver<Linted>,
    /// The generation of each document whose lint is running on the lint thread.
    in_flight: HashMap<Uri, u64>,
    /// Requests handed to the workers.
    jobs: Sender<Job>,
    /// Requests handed to the workers and not yet started (a cancelled one is taken out).
    waiting: Arc<Mutex<HashSet<RequestId>>>,
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
        let (lints, linted) = lint_thread();
        let workspace = caps.workspace.as_ref();
        let server = Server {
            conn,
            enc,
            documents: HashMap::new(),
            lints,
            linted,
            in_flight: HashMap::new(),
            jobs: workers(),
            waiting: Arc::default(),
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
                completion_provider: Some(lsp_types::CompletionOptions {
                    trigger_characters: Some(["-", "=", ",", "#"].map(String::from).to_vec()),
                    ..lsp_types::CompletionOptions::default()
                }),
                semantic_tokens_provider: Some(lsp_types::SemanticTokensServerCapabilities::SemanticTokensOptions(
                    lsp_types::SemanticTokensOptions {
                        legend: super::semantic::legend(),
                        full: Some(lsp_types::SemanticTokensFullOptions::Bool(true)),
                        range: Some(true),
                        ..lsp_types::SemanticTokensOptions::default()
                    },
                )),
                document_symbol_provider: Some(OneOf::Left(true)),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                rename_provider: Some(OneOf::Right(RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: Default::default(),
                })),
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
                version: Some(crate::VERSION.to_string()),
            }),
        };
        (server, result)
    }

    fn run(&mut self) -> u8 {
        loop {
            while let Ok(done) = self.linted.try_recv() {
                self.finish(done);
            }
            let msg = match self.conn.receiver.try_recv() {
                Ok(msg) => msg,
                Err(TryRecvError::Empty) => {
                    // nothing waiting: lint what changed, off the loop
                    self.start_lints();
                    let next = crossbeam_channel::select! {
                        recv(self.conn.receiver) -> msg => msg.ok().map(Ok),
                        recv(self.linted) -> done => done.ok().map(Err),
                    };
                    match next {
                        Some(Ok(msg)) => msg,
                        Some(Err(done)) => {
                            self.finish(done);
                            continue;
                        }
                        None => break,
                    }
                }
                Err(TryRecvError::Disconnected) => break,
            };
            match msg {
                Message::Request(req) => {
                    let id = req.id.clone();
                    let reply = if self.shutdown {
                        Some(Err(error(ErrorCode::InvalidRequest, "the server is shutting down")))
                    } else if req.method == Shutdown::METHOD {
                        self.shutdown = true;
                        Some(Ok(Value::Null))
                    } else {
                        self.flush();
                        self.request(req)
                    };
                    if let Some(reply) = reply {
                        self.respond(id, reply);
                    }
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

    /// Answers a request, or hands it to a worker (`None`: the worker answers).
    fn request(&mut self, req: Request) -> Option<Reply> {
        let method = req.method.clone();
        match catch_unwind(AssertUnwindSafe(|| self.dispatch(req))) {
            Ok(reply) => reply,
            Err(payload) => Some(Err(error(
                ErrorCode::InternalError,
                format!("dfix failed on {method}: {}", crate::panics::message(&*payload)),
            ))),
        }
    }

    fn dispatch(&mut self, req: Request) -> Option<Reply> {
        use lsp_types::request as lsp;
        let Request { id, method, params } = req;
        let worker = |server: &Server, handler: Handler| {
            server.spawn(id, handler, params);
            None
        };
        match method.as_str() {
            DocumentDiagnosticRequest::METHOD => worker(self, job::<DocumentDiagnosticRequest>(View::pull)),
            CodeActionRequest::METHOD => worker(self, job::<CodeActionRequest>(View::code_action)),
            HoverRequest::METHOD => worker(self, job::<HoverRequest>(View::hover)),
            lsp::Completion::METHOD => worker(self, job::<lsp::Completion>(View::completion)),
            lsp::SemanticTokensFullRequest::METHOD => worker(self, job::<lsp::SemanticTokensFullRequest>(View::tokens)),
            lsp::SemanticTokensRangeRequest::METHOD => {
                worker(self, job::<lsp::SemanticTokensRangeRequest>(View::tokens_in))
            }
            DocumentSymbolRequest::METHOD => worker(self, job::<DocumentSymbolRequest>(View::document_symbol)),
            FoldingRangeRequest::METHOD => worker(self, job::<FoldingRangeRequest>(View::folding_range)),
            GotoDefinition::METHOD => worker(self, job::<GotoDefinition>(View::definition)),
            References::METHOD => worker(self, job::<References>(View::references)),
            PrepareRenameRequest::METHOD => worker(self, job::<PrepareRenameRequest>(View::prepare_rename)),
            Rename::METHOD => worker(self, job::<Rename>(View::rename)),
            Initialize::METHOD => Some(Err(error(
                ErrorCode::InvalidRequest,
                "the server is already initialized",
            ))),
            #[cfg(test)]
            "dfix/test/panic" => worker(self, Box::new(|_, _| panic!("a deliberate failure"))),
            #[cfg(test)]
            "dfix/test/slow" => worker(self, Box::new(|_, _| tests::slow())),
            m => Some(Err(error(
                ErrorCode::MethodNotFound,
                format!("dfix does not handle {m}"),
            ))),
        }
    }

    /// Runs `handler` on a worker over the documents as they are now.
    fn spawn(&self, id: RequestId, handler: Handler, params: Value) {
        let view = View {
            documents: self.documents.clone(),
            enc: self.enc,
            style: self.style,
        };
        let (sender, waiting) = (self.conn.sender.clone(), self.waiting.clone());
        lock(&waiting).insert(id.clone());
        let job: Job = Box::new(move || {
            let reply = if !lock(&waiting).remove(&id) {
                Err(error(ErrorCode::RequestCanceled, "the request was cancelled"))
            } else {
                catch_unwind(AssertUnwindSafe(|| handler(&view, params))).unwrap_or_else(|payload| {
                    Err(error(
                        ErrorCode::InternalError,
                        format!("dfix failed on a request: {}", crate::panics::message(&*payload)),
                    ))
                })
            };
            let _ = sender.send(
                Response {
                    id,
                    response_result: reply,
                }
                .into(),
            );
        });
        // the workers outlive the loop, so this cannot fail
        let _ = self.jobs.send(job);
    }

    fn notification(&mut self, n: Notification) {
        let method = n.method.clone();
        match catch_unwind(AssertUnwindSafe(|| self.dispatch_notification(n))) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => self.log(MessageType::WARNING, format!("dfix: {method}: {e}")),
            Err(payload) => self.log(
                MessageType::ERROR,
                format!("dfix failed on {method}: {}", crate::panics::message(&*payload)),
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
            Cancel::METHOD => {
                // a request a worker already took is answered anyway
                let p = params::<Cancel>(n.params)?;
                let id = match p.id {
                    NumberOrString::Number(n) => RequestId::from(n),
                    NumberOrString::String(s) => RequestId::from(s),
                };
                lock(&self.waiting).remove(&id);
                Ok(())
            }
            #[cfg(test)]
            "dfix/test/panic" => panic!("a deliberate failure"),
            // didSave, $/setTrace, …
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
            if let Some(doc) = self.documents.get_mut(&uri) {
                Arc::make_mut(doc).settings_changed();
            }
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

    /// The documents changed since their last lint.
    fn stale(&self) -> Vec<Uri> {
        self.documents
            .iter()
            .filter(|(_, d)| d.is_stale())
            .map(|(uri, _)| uri.clone())
            .collect()
    }

    /// Lints the documents changed since their last lint, here (before a request reads them).
    fn flush(&mut self) {
        for uri in self.stale() {
            self.lint(&uri);
        }
    }

    /// Hands the documents changed since their last lint to the lint thread (unless a lint of
    /// that text is running already).
    fn start_lints(&mut self) {
        for uri in self.stale() {
            let Some(doc) = self.documents.get(&uri) else { continue };
            if self.in_flight.get(&uri) == Some(&doc.generation) {
                continue;
            }
            let path = doc.path.clone();
            let settings = self.settings_for(path.as_deref());
            let Some(doc) = self.documents.get_mut(&uri) else {
                continue;
            };
            let job = Arc::make_mut(doc).lint_job(settings);
            self.in_flight.insert(uri, job.generation);
            // the lint thread outlives the loop, so this cannot fail
            let _ = self.lints.send(job);
        }
    }

    /// Takes a lint from the lint thread (dropped when stale).
    fn finish(&mut self, done: Linted) {
        let uri = done.uri.clone();
        if self.in_flight.get(&uri) == Some(&done.generation) {
            self.in_flight.remove(&uri);
        }
        let Some(doc) = self.documents.get_mut(&uri) else {
            return;
        };
        let outcome = Arc::make_mut(doc).finish_lint(done);
        self.finished(&uri, outcome);
    }

    /// Lints a document again, here and now.
    fn lint(&mut self, uri: &Uri) {
        let Some(path) = self.documents.get(uri).map(|d| d.path.clone()) else {
            return;
        };
        let settings = self.settings_for(path.as_deref());
        let Some(doc) = self.documents.get_mut(uri) else {
            return;
        };
        let outcome = Arc::make_mut(doc).lint(settings);
        self.finished(uri, outcome);
    }

    /// Publishes a new lint's findings (when the client does not pull), or says it failed.
    fn finished(&self, uri: &Uri, outcome: Finished) {
        match outcome {
            Finished::Linted if self.push => self.publish(uri),
            Finished::Failed(payload) => self.log(
                MessageType::ERROR,
                format!(
                    "dfix failed to lint {}: {}",
                    uri.as_str(),
                    crate::panics::message(&*payload)
                ),
            ),
            _ => {}
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
            .insert(d.uri.clone(), Arc::new(Document::new(d.uri.clone(), d.version, d.text)));
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
        let doc = Arc::make_mut(doc);
        doc.version = p.text_document.version;
        let mut clamped = false;
        for change in p.content_changes {
            clamped |= !doc.apply_change(change, enc);
        }
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
        self.in_flight.remove(&uri);
        if self.documents.remove(&uri).is_some() && self.push {
            self.notify::<PublishDiagnostics>(PublishDiagnosticsParams {
                uri,
                diagnostics: Vec::new(),
                version: None,
            });
        }
        Ok(())
    }
}

/// What a request sees: the open documents as they were when it came.
pub struct View {
    documents: HashMap<Uri, Arc<Document>>,
    enc: Encoding,
    style: EditStyle,
}

impl View {
    fn document(&self, uri: &Uri) -> Result<&Document, ResponseError> {
        self.documents
            .get(uri)
            .map(|d| &**d)
            .ok_or_else(|| invalid(format!("{} is not open", uri.as_str())))
    }

    // ---- requests ----

    fn pull(&self, p: DocumentDiagnosticParams) -> Result<DocumentDiagnosticReportResult, ResponseError> {
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

    fn code_action(&self, p: CodeActionParams) -> Result<Option<CodeActionResponse>, ResponseError> {
        let doc = self.document(&p.text_document.uri)?;
        let range = doc
            .text_range(self.enc, p.range)
            .ok_or_else(|| invalid("the range is not inside the document"))?;
        let only = p.context.only.as_deref();
        Ok(Some(actions::code_actions(doc, self.enc, self.style, range, only)))
    }

    fn hover(&self, p: HoverParams) -> Result<Option<Hover>, ResponseError> {
        let at = p.text_document_position_params;
        let doc = self.document(&at.text_document.uri)?;
        let offset = doc
            .offset(self.enc, at.position)
            .ok_or_else(|| invalid("the position is not inside the document"))?;
        Ok(super::hover::hover(doc, self.enc, offset))
    }

    fn completion(
        &self,
        p: lsp_types::CompletionParams,
    ) -> Result<Option<lsp_types::CompletionResponse>, ResponseError> {
        let (doc, offset) = self.position(&p.text_document_position)?;
        let items = super::completion::completion(doc, self.enc, offset);
        Ok((!items.is_empty()).then_some(lsp_types::CompletionResponse::Array(items)))
    }

    fn tokens(
        &self,
        p: lsp_types::SemanticTokensParams,
    ) -> Result<Option<lsp_types::SemanticTokensResult>, ResponseError> {
        let doc = self.document(&p.text_document.uri)?;
        let data = super::semantic::encode(doc, self.enc, None);
        Ok(Some(lsp_types::SemanticTokensResult::Tokens(
            lsp_types::SemanticTokens { result_id: None, data },
        )))
    }

    fn tokens_in(
        &self,
        p: lsp_types::SemanticTokensRangeParams,
    ) -> Result<Option<lsp_types::SemanticTokensRangeResult>, ResponseError> {
        let doc = self.document(&p.text_document.uri)?;
        let range = doc
            .text_range(self.enc, p.range)
            .ok_or_else(|| invalid("the range is not inside the document"))?;
        let data = super::semantic::encode(doc, self.enc, Some(range));
        Ok(Some(lsp_types::SemanticTokensRangeResult::Tokens(
            lsp_types::SemanticTokens { result_id: None, data },
        )))
    }

    /// The open document at `at` and the offset of its position.
    fn position(&self, at: &TextDocumentPositionParams) -> Result<(&Document, usize), ResponseError> {
        let doc = self.document(&at.text_document.uri)?;
        let offset = doc
            .offset(self.enc, at.position)
            .ok_or_else(|| invalid("the position is not inside the document"))?;
        Ok((doc, offset))
    }

    fn document_symbol(&self, p: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>, ResponseError> {
        let doc = self.document(&p.text_document.uri)?;
        Ok(Some(DocumentSymbolResponse::Nested(super::symbols::document_symbols(
            doc, self.enc,
        ))))
    }

    fn folding_range(&self, p: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>, ResponseError> {
        let doc = self.document(&p.text_document.uri)?;
        Ok(Some(super::folding::folding_ranges(doc)))
    }

    fn definition(&self, p: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>, ResponseError> {
        let (doc, offset) = self.position(&p.text_document_position_params)?;
        Ok(super::navigation::definition(doc, self.enc, offset).map(GotoDefinitionResponse::Scalar))
    }

    fn references(&self, p: ReferenceParams) -> Result<Option<Vec<Location>>, ResponseError> {
        let (doc, offset) = self.position(&p.text_document_position)?;
        let found = super::navigation::references(doc, self.enc, offset, p.context.include_declaration);
        Ok((!found.is_empty()).then_some(found))
    }

    fn prepare_rename(&self, p: TextDocumentPositionParams) -> Result<Option<PrepareRenameResponse>, ResponseError> {
        let (doc, offset) = self.position(&p)?;
        Ok(super::rename::prepare(doc, self.enc, offset).map(PrepareRenameResponse::Range))
    }

    fn rename(&self, p: RenameParams) -> Result<Option<WorkspaceEdit>, ResponseError> {
        let (doc, offset) = self.position(&p.text_document_position)?;
        super::rename::rename(doc, self.enc, self.style, offset, &p.new_name)
            .map(Some)
            .map_err(invalid)
    }
}

/// A request's handler over the documents it sees, with its parameters as they came.
type Handler = Box<dyn FnOnce(&View, Value) -> Reply + Send>;
type Job = Box<dyn FnOnce() + Send>;

/// A handler that decodes a request's parameters, runs `handler` and encodes the result.
fn job<R: lsp_types::request::Request>(handler: fn(&View, R::Params) -> Result<R::Result, ResponseError>) -> Handler {
    Box::new(move |view, params| {
        let params: R::Params = serde_json::from_value(params)
            .map_err(|e| invalid(format!("invalid parameters for {}: {e}", R::METHOD)))?;
        let result = handler(view, params)?;
        serde_json::to_value(result).map_err(|e| error(ErrorCode::InternalError, e.to_string()))
    })
}

/// Starts the lint thread; it ends when the returned sender is dropped.
fn lint_thread() -> (Sender<LintJob>, Receiver<Linted>) {
    let (jobs, receiver) = crossbeam_channel::unbounded::<LintJob>();
    let (sender, linted) = crossbeam_channel::unbounded::<Linted>();
    std::thread::spawn(move || {
        for job in receiver {
            if sender.send(job.run()).is_err() {
                break;
            }
        }
    });
    (jobs, linted)
}

/// Starts the worker threads; they end when the returned sender is dropped.
fn workers() -> Sender<Job> {
    let (sender, receiver) = crossbeam_channel::unbounded::<Job>();
    for _ in 0..WORKERS {
        let receiver = receiver.clone();
        std::thread::spawn(move || {
            for job in receiver {
                job();
            }
        });
    }
    sender
}

/// A lock that a panic elsewhere does not poison for good (the set stays consistent).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
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
    use std::sync::atomic::{AtomicBool, Ordering};

    static RELEASE: AtomicBool = AtomicBool::new(false);

    /// A server on its own thread, seen from the client's end of the connection.
    struct Session {
        client: Connection,
        server: std::thread::JoinHandle<u8>,
    }

    impl Session {
        fn start() -> Session {
            let (server, client) = Connection::memory();
            Session {
                client,
                server: std::thread::spawn(move || serve(&server)),
            }
        }

        fn send(&self, m: Message) {
            self.client.sender.send(m).unwrap();
        }

        fn recv(&self) -> Message {
            self.client
                .receiver
                .recv_timeout(std::time::Duration::from_secs(20))
                .unwrap()
        }

        /// `exit`, and the server's exit status.
        fn exit(self) -> u8 {
            self.send(Notification::new("exit".into(), json!(null)).into());
            self.server.join().unwrap()
        }
    }

    /// A request that takes until the test releases it.
    pub fn slow() -> Reply {
        let start = std::time::Instant::now();
        while !RELEASE.load(Ordering::SeqCst) && start.elapsed().as_secs() < 20 {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        Ok(json!("slow"))
    }

    #[test]
    fn a_slow_request_does_not_hold_up_the_others_and_a_waiting_one_can_be_cancelled() {
        let s = Session::start();
        let response = |m: Message| match m {
            Message::Response(r) => r,
            other => panic!("a response, not {other:?}"),
        };
        s.send(Request::new(1.into(), "initialize".into(), json!({"capabilities": {}})).into());
        assert!(response(s.recv()).response_result.is_ok());
        let uri = "untitled:Dockerfile";
        s.send(Notification::new(
            "textDocument/didOpen".into(),
            json!({"textDocument": {"uri": uri, "languageId": "dockerfile", "version": 1, "text": "FROM a AS b\n"}}),
        )
        .into());
        let Message::Notification(n) = s.recv() else {
            panic!("diagnostics")
        };
        assert_eq!(n.method, "textDocument/publishDiagnostics");
        // a slow request, then a quick one: the quick one is answered first
        s.send(Request::new(10.into(), "dfix/test/slow".into(), json!(null)).into());
        let folding = json!({"textDocument": {"uri": uri}});
        s.send(Request::new(2.into(), "textDocument/foldingRange".into(), folding.clone()).into());
        let r = response(s.recv());
        assert_eq!(r.id, 2.into());
        assert!(r.response_result.is_ok());
        // every worker busy, one more request waits for a worker and is cancelled meanwhile
        for id in 1..WORKERS as i32 {
            s.send(Request::new((10 + id).into(), "dfix/test/slow".into(), json!(null)).into());
        }
        s.send(Request::new(6.into(), "textDocument/foldingRange".into(), folding).into());
        s.send(Notification::new("$/cancelRequest".into(), json!({"id": 6})).into());
        // the loop itself still answers
        s.send(Request::new(3.into(), "initialize".into(), json!({"capabilities": {}})).into());
        let r = response(s.recv());
        assert_eq!(r.id, 3.into());
        assert_eq!(r.response_result.unwrap_err().code, ErrorCode::InvalidRequest as i32);
        RELEASE.store(true, Ordering::SeqCst);
        let mut ids = Vec::new();
        for _ in 0..=WORKERS {
            let r = response(s.recv());
            if r.id == 6.into() {
                assert_eq!(r.response_result.unwrap_err().code, ErrorCode::RequestCanceled as i32);
            } else {
                assert_eq!(r.response_result.unwrap(), json!("slow"));
            }
            ids.push(r.id);
        }
        assert!(ids.contains(&6.into()), "{ids:?}");
        // and a symbol request, alone, is answered from the document
        s.send(
            Request::new(
                4.into(),
                "textDocument/documentSymbol".into(),
                json!({"textDocument": {"uri": uri}}),
            )
            .into(),
        );
        let r = response(s.recv());
        assert_eq!(r.response_result.unwrap()[0]["name"], "b");
        s.send(Request::new(5.into(), "shutdown".into(), json!(null)).into());
        assert!(response(s.recv()).response_result.is_ok());
        assert_eq!(s.exit(), CLEAN);
    }

    #[test]
    fn a_panicking_request_or_notification_does_not_end_the_session() {
        let s = Session::start();
        s.send(Request::new(1.into(), "initialize".into(), json!({"capabilities": {}})).into());
        assert!(matches!(s.recv(), Message::Response(r) if r.response_result.is_ok()));
        s.send(Notification::new("initialized".into(), json!({})).into());
        s.send(Request::new(2.into(), "dfix/test/panic".into(), json!(null)).into());
        let Message::Response(r) = s.recv() else {
            panic!("a response")
        };
        let e = r.response_result.unwrap_err();
        assert_eq!(e.code, ErrorCode::InternalError as i32);
        assert!(e.message.contains("a deliberate failure"), "{}", e.message);
        s.send(Notification::new("dfix/test/panic".into(), json!(null)).into());
        let Message::Notification(n) = s.recv() else {
            panic!("a log message")
        };
        assert_eq!(n.method, "window/logMessage");
        assert_eq!(n.params["type"], 1);
        s.send(Request::new(3.into(), "shutdown".into(), json!(null)).into());
        assert!(matches!(s.recv(), Message::Response(r) if r.response_result.is_ok()));
        assert_eq!(s.exit(), CLEAN);
    }
}

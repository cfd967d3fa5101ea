//! The walk over tree-sitter-bash's tree: statements, connectors, substitutions and heredocs
//! into [`Command`]s with their words.

use super::*;

/// Where a statement runs.
#[derive(Copy, Clone, Debug, Default)]
pub(super) struct Ctx {
    nested: bool,
    conditional: bool,
}

impl Ctx {
    pub(super) fn nested(self) -> Self {
        Self { nested: true, ..self }
    }
    pub(super) fn conditional(self) -> Self {
        Self {
            conditional: true,
            ..self
        }
    }
}

/// Deeper than this, the walk stops (and the script is marked `has_error`), so that
/// pathological input cannot overflow the stack.
pub(super) const MAX_DEPTH: usize = 200;

pub(super) struct Walker<'s> {
    pub(super) src: &'s str,
    pub(super) base: usize,
    pub(super) out: Vec<Command>,
    /// The connector that the next command of the current sequence takes.
    pub(super) pending: Option<Connector>,
    pub(super) too_deep: bool,
    /// Every `|` and `|&` token, in walk order.
    pub(super) pipes: Vec<TextRange>,
}

pub(super) fn is_statement(kind: &str) -> bool {
    matches!(
        kind,
        "c_style_for_statement"
            | "case_statement"
            | "command"
            | "compound_statement"
            | "declaration_command"
            | "for_statement"
            | "function_definition"
            | "if_statement"
            | "list"
            | "negated_command"
            | "pipeline"
            | "redirected_statement"
            | "subshell"
            | "test_command"
            | "unset_command"
            | "variable_assignment"
            | "variable_assignments"
            | "while_statement"
    )
}

pub(super) fn connector_kind(kind: &str) -> Option<ConnectorKind> {
    match kind {
        "&&" => Some(ConnectorKind::And),
        "||" => Some(ConnectorKind::Or),
        ";" | "&" => Some(ConnectorKind::Seq),
        "|" | "|&" => Some(ConnectorKind::Pipe),
        _ => None,
    }
}

pub(super) fn children(node: Node<'_>) -> impl Iterator<Item = Node<'_>> {
    let mut cursor = node.walk();
    let mut done = !cursor.goto_first_child();
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let n = cursor.node();
        done = !cursor.goto_next_sibling();
        Some(n)
    })
}

/// The children with their field names.
pub(super) fn fielded<'t>(node: Node<'t>) -> impl Iterator<Item = (Option<&'t str>, Node<'t>)> {
    let mut cursor = node.walk();
    let mut done = !cursor.goto_first_child();
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let item = (cursor.field_name(), cursor.node());
        done = !cursor.goto_next_sibling();
        Some(item)
    })
}

impl<'s> Walker<'s> {
    pub(super) fn range(&self, start: usize, end: usize) -> TextRange {
        TextRange::new(self.base + start, self.base + end)
    }

    pub(super) fn node_range(&self, node: Node<'_>) -> TextRange {
        self.range(node.start_byte(), node.end_byte())
    }

    pub(super) fn text(&self, node: Node<'_>) -> &'s str {
        &self.src[node.byte_range()]
    }

    pub(super) fn deep(&mut self, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            self.too_deep = true;
        }
        self.too_deep
    }

    /// Walks the children of a node that holds a sequence of statements separated by
    /// connector tokens or newlines (program, `{ }`, `( )`, `do … done`, branches, pipelines…).
    /// Keywords and brackets reset the pending connector.
    pub(super) fn seq(&mut self, node: Node<'_>, ctx: Ctx, depth: usize) {
        if self.deep(depth) {
            return;
        }
        let mut prev_end: Option<usize> = None;
        for child in children(node) {
            self.seq_item(child, ctx, &mut prev_end, depth);
        }
    }

    /// One child of a sequence; for a statement, returns `Some` of what [`Self::statement`]
    /// returned.
    pub(super) fn seq_item(
        &mut self,
        child: Node<'_>,
        ctx: Ctx,
        prev_end: &mut Option<usize>,
        depth: usize,
    ) -> Option<Option<usize>> {
        if !child.is_named() {
            self.pending = connector_kind(child.kind()).map(|kind| Connector {
                kind,
                range: self.node_range(child),
            });
            // `|` also separates the patterns of a `case` item: only a pipeline's is a pipe
            if self.pending.is_some_and(|c| c.kind == ConnectorKind::Pipe)
                && child.parent().is_some_and(|p| p.kind() == "pipeline")
            {
                self.pipes.push(self.node_range(child));
            }
            *prev_end = None;
        } else if is_statement(child.kind()) {
            if self.pending.is_none()
                && let Some(end) = *prev_end
            {
                self.pending = self.newline_between(end, child.start_byte());
            }
            let last = self.statement(child, ctx, depth + 1);
            *prev_end = Some(child.end_byte());
            return Some(last);
        } else if child.kind() == "ERROR" {
            // Error recovery: the statements inside still count, in the same sequence.
            if self.deep(depth) {
                return None;
            }
            let mut last = None;
            for grandchild in children(child) {
                if let Some(l) = self.seq_item(grandchild, ctx, prev_end, depth + 1) {
                    last = Some(l);
                }
            }
            return last;
        } else if child.kind() != "comment" {
            self.expr(child, ctx, depth + 1);
        }
        None
    }

    /// The first newline between two statements that is not a line continuation.
    pub(super) fn newline_between(&self, start: usize, end: usize) -> Option<Connector> {
        let gap = self.src.get(start..end)?.as_bytes();
        let at = (0..gap.len()).find(|&i| {
            gap[i] == b'\n'
                && !(i > 0 && gap[i - 1] == b'\\' || i == 0 && start > 0 && self.src.as_bytes()[start - 1] == b'\\')
        })?;
        Some(Connector {
            kind: ConnectorKind::Seq,
            range: self.range(start + at, start + at + 1),
        })
    }

    /// A nested sequence (`$(…)`, `( … )`, a compound body): starts with no connector; the
    /// connector pending outside is restored afterwards when `restore`.
    pub(super) fn scope(&mut self, node: Node<'_>, ctx: Ctx, depth: usize, restore: bool) {
        let saved = self.pending.take();
        self.seq(node, ctx, depth);
        self.pending = if restore { saved } else { None };
    }

    /// Walks one statement; returns the index (in `out`) of its last simple command at this
    /// level (for a command, list or pipeline), which trailing redirects belong to.
    pub(super) fn statement(&mut self, node: Node<'_>, ctx: Ctx, depth: usize) -> Option<usize> {
        if self.deep(depth) {
            return None;
        }
        match node.kind() {
            "command" => Some(self.command(node, &[], ctx, depth)),
            "redirected_statement" => self.redirected(node, ctx, depth),
            "list" => self.list(node, ctx, depth),
            "pipeline" => {
                let mut last = None;
                let mut prev_end = None;
                for child in children(node) {
                    if let Some(l) = self.seq_item(child, ctx, &mut prev_end, depth) {
                        last = l;
                    }
                }
                last
            }
            "negated_command" => {
                let mut last = None;
                for child in children(node) {
                    if child.is_named() && is_statement(child.kind()) {
                        last = self.statement(child, ctx, depth + 1);
                    } else if child.is_named() {
                        self.expr(child, ctx, depth + 1);
                    }
                }
                last
            }
            "variable_assignment" | "variable_assignments" => {
                let assignments: Vec<Node<'_>> = if node.kind() == "variable_assignment" {
                    vec![node]
                } else {
                    children(node).filter(|c| c.kind() == "variable_assignment").collect()
                };
                let assignments = assignments.into_iter().map(|a| self.assignment(a)).collect();
                let idx = self.emit(self.node_range(node), assignments, Vec::new(), ctx);
                self.expr_children(node, ctx, depth);
                Some(idx)
            }
            "declaration_command" | "unset_command" => Some(self.declaration(node, ctx, depth)),
            "subshell" => {
                self.scope(node, ctx.nested(), depth + 1, false);
                None
            }
            "compound_statement" => {
                self.scope(node, ctx, depth + 1, false);
                None
            }
            "if_statement" => {
                self.pending = None;
                let mut prev_end = None;
                for (field, child) in fielded(node) {
                    let inner = match (field, child.kind()) {
                        (Some("condition"), _) => ctx,
                        (_, "elif_clause" | "else_clause") => {
                            self.pending = None;
                            self.seq(child, ctx.conditional(), depth + 1);
                            self.pending = None;
                            prev_end = None;
                            continue;
                        }
                        _ => ctx.conditional(),
                    };
                    self.seq_item(child, inner, &mut prev_end, depth);
                }
                self.pending = None;
                None
            }
            "while_statement" | "for_statement" | "c_style_for_statement" => {
                // `c_style_for_statement` holds arithmetic, where `i=0` is not a statement.
                let arithmetic = node.kind() == "c_style_for_statement";
                self.pending = None;
                let mut prev_end = None;
                for (field, child) in fielded(node) {
                    if field == Some("body") {
                        self.scope(child, ctx.conditional(), depth + 1, false);
                    } else if !arithmetic {
                        self.seq_item(child, ctx, &mut prev_end, depth);
                    } else if child.is_named() {
                        self.expr(child, ctx, depth + 1);
                    }
                }
                self.pending = None;
                None
            }
            "case_statement" => {
                self.pending = None;
                for child in children(node) {
                    if child.kind() == "case_item" {
                        self.scope(child, ctx.conditional(), depth + 1, false);
                    } else if child.is_named() {
                        self.expr(child, ctx, depth + 1);
                    }
                }
                self.pending = None;
                None
            }
            "function_definition" => {
                let inner = ctx.nested().conditional();
                for (field, child) in fielded(node) {
                    if field == Some("body") {
                        self.scope(child, inner, depth + 1, false);
                    } else if field != Some("name") && child.is_named() {
                        self.expr(child, inner, depth + 1);
                    }
                }
                self.pending = None;
                None
            }
            _ => {
                // test_command and anything unexpected: only what is substituted inside.
                self.expr_children(node, ctx, depth);
                self.pending = None;
                None
            }
        }
    }

    /// `a && b || c`: a left-leaning chain, walked without recursing down the left side.
    pub(super) fn list(&mut self, node: Node<'_>, ctx: Ctx, depth: usize) -> Option<usize> {
        let mut chain = vec![node];
        let mut leftmost = node;
        while let Some(first) = leftmost.named_child(0)
            && first.kind() == "list"
            && first.start_byte() == leftmost.start_byte()
        {
            chain.push(first);
            leftmost = first;
        }
        let mut last = None;
        let mut inner: Option<Node<'_>> = None;
        for list in chain.into_iter().rev() {
            let mut item_ctx = ctx;
            let mut prev_end = None;
            for child in children(list) {
                if Some(child) == inner {
                    // The nested list, already walked.
                    prev_end = Some(child.end_byte());
                    continue;
                }
                if child.kind() == "||" && !child.is_named() {
                    item_ctx = ctx.conditional();
                }
                if let Some(l) = self.seq_item(child, item_ctx, &mut prev_end, depth) {
                    last = l;
                }
            }
            inner = Some(list);
        }
        last
    }

    pub(super) fn redirected(&mut self, node: Node<'_>, ctx: Ctx, depth: usize) -> Option<usize> {
        let body = node.child_by_field_name("body");
        let redirects: Vec<Node<'_>> = fielded(node)
            .filter(|(f, _)| *f != Some("body"))
            .map(|(_, n)| n)
            .collect();
        let last = match body {
            Some(b) if b.kind() == "command" => Some(self.command(b, &redirects, ctx, depth + 1)),
            Some(b) => {
                let last = self.statement(b, ctx, depth + 1);
                let attach = matches!(
                    b.kind(),
                    "list" | "pipeline" | "negated_command" | "redirected_statement"
                );
                if let (true, Some(idx)) = (attach, last) {
                    // `a | b > f`: bash gives the redirect to the last simple command.
                    self.attach_redirects(idx, &redirects, ctx, depth);
                    return last;
                }
                last
            }
            None => None,
        };
        if body.is_none_or(|b| b.kind() != "command") {
            for r in &redirects {
                if r.is_named() {
                    self.redirect_tail(*r, ctx, depth);
                }
            }
        }
        last
    }

    /// Emits a simple command; `redirects` are the redirects that a `redirected_statement`
    /// around it holds.
    pub(super) fn command(&mut self, node: Node<'_>, redirects: &[Node<'_>], ctx: Ctx, depth: usize) -> usize {
        let mut assignments = Vec::new();
        let mut words = Vec::new();
        let mut end = node.end_byte();
        for (field, child) in fielded(node) {
            match (field, child.kind()) {
                (Some("name"), _) => words.push(self.word(child)),
                (Some("argument"), _) => words.push(self.word(child)),
                (Some("redirect"), _) => self.redirect_words(child, &mut words, &mut end),
                (_, "variable_assignment") => assignments.push(self.assignment(child)),
                _ => {}
            }
        }
        for r in redirects {
            if r.is_named() {
                self.redirect_words(*r, &mut words, &mut end);
            }
        }
        let range = self.range(node.start_byte(), end.max(node.end_byte()));
        let idx = self.emit(range, assignments, words, ctx);
        self.shell_c(idx, ctx, depth);
        // Substitutions inside the command, then what follows a here-document's start.
        for child in children(node) {
            if child.is_named() {
                self.expr(child, ctx, depth + 1);
            }
        }
        for r in redirects {
            if r.is_named() {
                self.redirect_tail(*r, ctx, depth);
            }
        }
        idx
    }

    /// The commands of `sh -c '<script>'` (and `bash`, `dash`, `ash` with `-c`), when the script
    /// is one quoted literal whose text between the quotes is its value: a single-quoted word,
    /// or a double-quoted one without `"`, `\`, `$` or `` ` `` inside. Its commands are then at
    /// their own bytes of the file, and are added as nested commands (they run in a child
    /// shell). Anything else (a variable, an escape, a concatenation) is left unread.
    fn shell_c(&mut self, idx: usize, ctx: Ctx, depth: usize) {
        let Some((start, end)) = self.shell_c_script(&self.out[idx]) else {
            return;
        };
        if self.deep(depth + 1) {
            return;
        }
        let inner = super::parse_script(&self.src[start..end], self.base + start);
        if inner.has_error {
            return;
        }
        for mut c in inner.commands {
            c.nested = true;
            c.conditional |= ctx.conditional;
            self.out.push(c);
        }
    }

    /// The script's bytes in `self.src` (inside the quotes), per [`Self::shell_c`].
    fn shell_c_script(&self, cmd: &Command) -> Option<(usize, usize)> {
        let words = cmd.effective().words;
        let program = words.first()?.value.as_deref()?;
        if !matches!(program.rsplit('/').next(), Some("sh" | "bash" | "dash" | "ash")) {
            return None;
        }
        // options as the shells read them: clusters of one-letter flags (`-ec`, `-xeuc`), `-o`
        // and `-O` with a value in the next word, bash's long options (`--rcfile` takes one)
        let mut c = false;
        let mut i = 1;
        let script = loop {
            let w = words.get(i)?;
            let v = w.value.as_deref()?;
            if v == "--" || !(v.starts_with('-') || v.starts_with('+')) || v.len() < 2 {
                break w;
            }
            if v.starts_with("--") {
                i += if matches!(v, "--rcfile" | "--init-file") { 2 } else { 1 };
                continue;
            }
            c |= v.contains('c');
            i += if v.contains(['o', 'O']) { 2 } else { 1 };
        };
        if !c || script.value.as_deref() == Some("--") {
            return None;
        }
        let start = script.range.start.checked_sub(self.base)?;
        let end = script.range.end.checked_sub(self.base)?;
        let raw = self.src.get(start..end)?;
        let quote = raw.chars().next()?;
        let inside = raw.strip_prefix(quote)?.strip_suffix(quote)?;
        let literal = match quote {
            '\'' => !inside.contains('\''),
            '"' => !inside.contains(['"', '\\', '$', '`']),
            _ => false,
        };
        (literal && script.value.as_deref() == Some(inside)).then_some((start + 1, end - 1))
    }

    pub(super) fn attach_redirects(&mut self, idx: usize, redirects: &[Node<'_>], ctx: Ctx, depth: usize) {
        let mut words = Vec::new();
        let mut end = self.out[idx].range.end - self.base;
        for r in redirects {
            if r.is_named() {
                self.redirect_words(*r, &mut words, &mut end);
            }
        }
        let command = &mut self.out[idx];
        command.range.end = command.range.end.max(self.base + end);
        command.words.extend(words);
        for r in redirects {
            if r.is_named() {
                self.redirect_tail(*r, ctx, depth);
            }
        }
    }

    /// The words hidden in a redirect (tree-sitter-bash takes `cmd >f a b` as a redirect with
    /// three destinations: `a` and `b` are arguments), and how far the command extends.
    pub(super) fn redirect_words(&self, redirect: Node<'_>, words: &mut Vec<Word>, end: &mut usize) {
        match redirect.kind() {
            "file_redirect" => {
                let mut first = true;
                for (field, child) in fielded(redirect) {
                    if field == Some("destination") {
                        if !first {
                            words.push(self.word(child));
                        }
                        first = false;
                    }
                }
                *end = (*end).max(redirect.end_byte());
            }
            "heredoc_redirect" => {
                for (field, child) in fielded(redirect) {
                    match (field, child.kind()) {
                        (_, "heredoc_start") => *end = (*end).max(child.end_byte()),
                        (Some("argument"), _) => {
                            words.push(self.word(child));
                            *end = (*end).max(child.end_byte());
                        }
                        (Some("redirect"), _) => self.redirect_words(child, words, end),
                        _ => {}
                    }
                }
            }
            _ => *end = (*end).max(redirect.end_byte()),
        }
    }

    /// Substitutions in a redirect, and the statements that tree-sitter-bash hangs off a
    /// here-document redirect (`cat <<EOF > f && next`), which continue the sequence.
    pub(super) fn redirect_tail(&mut self, redirect: Node<'_>, ctx: Ctx, depth: usize) {
        if redirect.kind() != "heredoc_redirect" {
            self.expr(redirect, ctx, depth + 1);
            return;
        }
        let mut right_ctx = ctx;
        let mut prev_end = None;
        for (field, child) in fielded(redirect) {
            match (field, child.kind()) {
                (Some("operator"), kind) => {
                    if kind == "||" {
                        right_ctx = ctx.conditional();
                    }
                    self.seq_item(child, ctx, &mut prev_end, depth);
                }
                (Some("right"), _) => {
                    self.seq_item(child, right_ctx, &mut prev_end, depth);
                }
                (_, "pipeline") => self.seq(child, ctx, depth + 1),
                (_, "heredoc_body") => {
                    let saved = self.pending.take();
                    self.expr(child, ctx, depth + 1);
                    self.pending = saved;
                }
                (_, "heredoc_start" | "heredoc_end") => {}
                (_, "ERROR") => {
                    self.seq_item(child, ctx, &mut prev_end, depth);
                }
                _ if child.is_named() => self.expr(child, ctx, depth + 1),
                _ => {}
            }
        }
    }

    /// `export A=b C`, `declare -x D=1`, `unset E`: a command named after the keyword.
    pub(super) fn declaration(&mut self, node: Node<'_>, ctx: Ctx, depth: usize) -> usize {
        let mut words = Vec::new();
        let mut assignments = Vec::new();
        for child in children(node) {
            if !child.is_named() {
                if words.is_empty() {
                    let text = self.text(child);
                    words.push(Word {
                        range: self.node_range(child),
                        value: Some(text.to_owned()),
                    });
                }
            } else if child.kind() != "comment" {
                words.push(self.word(child));
                if child.kind() == "variable_assignment" {
                    assignments.push(self.assignment(child));
                }
            }
        }
        let idx = self.emit(self.node_range(node), assignments, words, ctx);
        self.expr_children(node, ctx, depth);
        idx
    }

    pub(super) fn emit(&mut self, range: TextRange, assignments: Vec<Assignment>, words: Vec<Word>, ctx: Ctx) -> usize {
        let connector = self.pending.take();
        self.out.push(Command::new(
            range,
            assignments,
            words,
            connector,
            ctx.nested,
            ctx.conditional,
        ));
        self.out.len() - 1
    }

    pub(super) fn expr_children(&mut self, node: Node<'_>, ctx: Ctx, depth: usize) {
        for child in children(node) {
            if child.is_named() {
                self.expr(child, ctx, depth + 1);
            }
        }
    }

    /// Finds the commands inside a non-statement node: command and process substitutions, and
    /// statements that error recovery left in odd places.
    pub(super) fn expr(&mut self, node: Node<'_>, ctx: Ctx, depth: usize) {
        if self.deep(depth) {
            return;
        }
        match node.kind() {
            "command_substitution" | "process_substitution" => {
                self.scope(node, ctx.nested(), depth + 1, true);
            }
            "word"
            | "raw_string"
            | "ansi_c_string"
            | "string_content"
            | "variable_name"
            | "comment"
            | "heredoc_content"
            | "heredoc_start"
            | "heredoc_end"
            | "file_descriptor"
            | "special_variable_name"
            | "regex"
            | "extglob_pattern" => {}
            // Inside an expression, an assignment is an operand (`export A=$(x)`), not a
            // statement.
            kind if is_statement(kind) && kind != "variable_assignment" && kind != "variable_assignments" => {
                let saved = self.pending.take();
                self.statement(node, ctx, depth + 1);
                self.pending = saved;
            }
            _ => {
                if node.child_count() > 0 {
                    self.expr_children(node, ctx, depth);
                }
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Words

    pub(super) fn word(&self, node: Node<'_>) -> Word {
        let mut acc = Acc::default();
        self.eval(node, &mut acc, 0);
        Word {
            range: self.node_range(node),
            value: acc.finish(node.kind() == "variable_assignment"),
        }
    }

    pub(super) fn assignment(&self, node: Node<'_>) -> Assignment {
        let name = node
            .child_by_field_name("name")
            .map(|n| self.text(n).to_owned())
            .unwrap_or_default();
        let append = children(node).any(|c| !c.is_named() && c.kind() == "+=");
        let value = if append {
            None
        } else {
            match node.child_by_field_name("value") {
                None => Some(String::new()),
                Some(v) if v.kind() == "array" => None,
                Some(v) => {
                    let mut acc = Acc::default();
                    self.eval(v, &mut acc, 0);
                    acc.finish(true)
                }
            }
        };
        Assignment {
            name,
            value,
            range: self.node_range(node),
        }
    }

    /// Appends the parts of a word-like node to `acc`.
    pub(super) fn eval(&self, node: Node<'_>, acc: &mut Acc, depth: usize) {
        if acc.unknown {
            return;
        }
        if depth > MAX_DEPTH {
            acc.unknown();
            return;
        }
        let text = self.text(node);
        match node.kind() {
            "word" => acc.unquoted_escaped(text),
            "number" if node.named_child_count() == 0 => acc.lit(text, false),
            "$" | "==" | "=~" | "=" | "variable_name" => acc.lit(text, true),
            "raw_string" => acc.lit(strip(text, "'", "'"), true),
            "string" => self.eval_string(node, acc),
            "translated_string" => match node.named_child(0) {
                Some(s) if s.kind() == "string" => self.eval_string(s, acc),
                _ => acc.unknown(),
            },
            "ansi_c_string" => match ansi_c(strip(text, "$'", "'")) {
                Some(s) => acc.lit(&s, true),
                None => acc.unknown(),
            },
            "brace_expression" | "extglob_pattern" => {
                acc.lit(text, false);
                acc.glob = true;
            }
            "command_name" | "concatenation" => {
                let mut at = node.start_byte();
                for child in children(node) {
                    if child.start_byte() > at {
                        acc.unquoted_escaped(&self.src[at..child.start_byte()]);
                    }
                    self.eval(child, acc, depth + 1);
                    at = child.end_byte();
                }
                if node.end_byte() > at {
                    acc.unquoted_escaped(&self.src[at..node.end_byte()]);
                }
            }
            "variable_assignment" => {
                // An operand of `export`: `A=b` as one word.
                let mut at = node.start_byte();
                for child in children(node) {
                    if child.start_byte() > at {
                        acc.unquoted_escaped(&self.src[at..child.start_byte()]);
                    }
                    // The name and the `=` are literal.
                    if !child.is_named() || matches!(child.kind(), "variable_name" | "subscript") {
                        acc.lit(self.text(child), true);
                    } else {
                        self.eval(child, acc, depth + 1);
                    }
                    at = child.end_byte();
                }
            }
            _ => acc.unknown(),
        }
    }

    /// A double-quoted string: the text between the expansions is literal.
    pub(super) fn eval_string(&self, node: Node<'_>, acc: &mut Acc) {
        let text = self.text(node);
        if !(text.len() >= 2 && text.starts_with('"') && text.ends_with('"')) {
            acc.unknown();
            return;
        }
        let (start, end) = (node.start_byte() + 1, node.end_byte() - 1);
        let mut at = start;
        for child in children(node) {
            let kind = child.kind();
            if child.is_named() && kind != "string_content" {
                if child.start_byte() > at {
                    acc.lit(&unescape_dquoted(&self.src[at..child.start_byte()]), true);
                }
                acc.unknown();
                at = child.end_byte();
            }
        }
        if end > at {
            acc.lit(&unescape_dquoted(&self.src[at..end]), true);
        }
    }
}

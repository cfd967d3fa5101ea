//! Layer 1: the flag peeler's unquoting, with a map back to the raw text.

/// The unquoted value, and for each of its bytes the raw span (relative to the value) that
/// produced it: an escaped character's span includes its escape.
pub(super) struct Unquoted {
    pub(super) text: String,
    spans: Vec<(usize, usize)>,
    /// Quoted sections: raw offsets of the opening quote and of the closing one (`None` when
    /// the section runs to the end), in order.
    quotes: Vec<(usize, Option<usize>)>,
    raw_len: usize,
}

impl Unquoted {
    pub(super) fn new(raw: &str, escape: char) -> Self {
        let mut out = Unquoted {
            text: String::with_capacity(raw.len()),
            spans: Vec::new(),
            quotes: Vec::new(),
            raw_len: raw.len(),
        };
        let mut quote: Option<char> = None;
        let mut i = 0;
        while let Some(c) = raw[i..].chars().next() {
            let next = i + c.len_utf8();
            // A line continuation uses the file's escape character; the peeler's own escape
            // is always `\` (BuildKit's `extractBuilderFlags`).
            if c == escape
                && let Some(resume) = continuation_end(raw, next)
            {
                i = resume;
                continue;
            }
            if c == '\\' {
                // The escape drops itself and copies what follows; at the end it is dropped.
                if let Some(d) = raw[next..].chars().next() {
                    let end = next + d.len_utf8();
                    out.push(d, (i, end));
                    i = end;
                } else {
                    i = next;
                }
                continue;
            }
            match quote {
                None if c == '\'' || c == '"' => {
                    quote = Some(c);
                    out.quotes.push((i, None));
                }
                Some(q) if c == q => {
                    quote = None;
                    if let Some(last) = out.quotes.last_mut() {
                        last.1 = Some(i);
                    }
                }
                _ => out.push(c, (i, next)),
            }
            i = next;
        }
        out
    }

    pub(super) fn push(&mut self, c: char, span: (usize, usize)) {
        self.text.push(c);
        self.spans.extend(std::iter::repeat_n(span, c.len_utf8()));
    }

    /// Where an empty piece at unquoted position `u` sits in the raw text.
    pub(super) fn anchor(&self, u: usize) -> usize {
        match u.checked_sub(1).and_then(|p| self.spans.get(p)) {
            Some(&(_, end)) => end,
            None => self.spans.first().map_or(0, |s| s.0),
        }
    }

    /// Widens a raw span over the dropped quote characters that belong to it, so that the
    /// span stays balanced: `target="/a"` rather than `target="/a`, and a value `"/a"` rather
    /// than `/a`. Quotes that also enclose text outside the span are left out.
    pub(super) fn widen(&self, (mut s, mut e): (usize, usize)) -> (usize, usize) {
        let opening_at = |p: usize| self.quotes.iter().find(|q| q.0 == p).copied();
        let closing_at = |p: usize| self.quotes.iter().find(|q| q.1 == Some(p)).copied();
        loop {
            // An empty quoted section (`""`) just after the span belongs to it.
            if let Some((_, Some(c))) = opening_at(e)
                && c == e + 1
            {
                e = c + 1;
                continue;
            }
            if let Some((o, close)) = s.checked_sub(1).and_then(opening_at) {
                match close {
                    Some(c) if c < e => {
                        s = o;
                        continue;
                    }
                    Some(c) if c == e => {
                        (s, e) = (o, c + 1);
                        continue;
                    }
                    None if e == self.raw_len => {
                        s = o;
                        continue;
                    }
                    _ => {}
                }
            }
            if let Some((o, Some(c))) = closing_at(e)
                && o >= s
            {
                e = c + 1;
                continue;
            }
            return (s, e);
        }
    }

    /// The raw span of the unquoted bytes `a..b`.
    pub(super) fn range(&self, a: usize, b: usize) -> (usize, usize) {
        match (self.spans.get(a), b.checked_sub(1).and_then(|l| self.spans.get(l))) {
            (Some(first), Some(last)) if a < b => (first.0, last.1.max(first.0)),
            _ => {
                let p = self.anchor(a.min(self.spans.len()));
                (p, p)
            }
        }
    }
}

/// If an escape ending just before `from` starts a line continuation (blanks, a line break,
/// then any blank or comment lines), where the continued text resumes.
pub(super) fn continuation_end(raw: &str, from: usize) -> Option<usize> {
    let b = raw.as_bytes();
    let mut k = from;
    while matches!(b.get(k), Some(b' ' | b'\t')) {
        k += 1;
    }
    while b.get(k) == Some(&b'\r') {
        k += 1;
    }
    if b.get(k) != Some(&b'\n') {
        return None;
    }
    k += 1;
    loop {
        let line_end = raw[k..].find('\n').map(|n| k + n);
        let line = raw[k..line_end.unwrap_or(raw.len())].trim_start();
        if !(line.is_empty() || line.starts_with('#')) {
            return Some(k);
        }
        match line_end {
            Some(e) => k = e + 1,
            None => return Some(raw.len()),
        }
    }
}

use super::labels::{LABELS, check_values};
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "label-value-not-url",
    family: Family::Metadata,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3052"],
    related: &[],
    summary: "a label the configuration lists as a URL whose value is not an absolute URI",
    options: &[LABELS],
    fix_priority: 920,
    after_suppressions: false,
    doc: include_str!("../../../rules/label-value-not-url.md"),
};

pub fn check(ctx: &mut Context) {
    check_values(ctx, valid, "a URL (an absolute URI, RFC 3986)");
}

/// An absolute URI by RFC 3986's grammar: `scheme ":" hier-part ["?" query] ["#" fragment]`,
/// the characters each part may hold, `%` followed by two hex digits, an authority's port of
/// digits and its bracketed IP literal.
fn valid(v: &str) -> bool {
    let Some((scheme, rest)) = v.split_once(':') else {
        return false;
    };
    let mut s = scheme.chars();
    if !s.next().is_some_and(|c| c.is_ascii_alphabetic())
        || !s.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return false;
    }
    let (rest, fragment) = rest.split_once('#').unwrap_or((rest, ""));
    let (hier, query) = rest.split_once('?').unwrap_or((rest, ""));
    let path = match hier.strip_prefix("//") {
        Some(after) => {
            let end = after.find('/').unwrap_or(after.len());
            if !authority(&after[..end]) {
                return false;
            }
            &after[end..]
        }
        None => hier,
    };
    chars(path, "/:@") && chars(query, "/?:@") && chars(fragment, "/?:@")
}

/// `[userinfo "@"] host [":" port]`.
fn authority(a: &str) -> bool {
    let (userinfo, hostport) = match a.rsplit_once('@') {
        Some((u, h)) => (u, h),
        None => ("", a),
    };
    if !chars(userinfo, ":") {
        return false;
    }
    let (host, port) = if let Some(literal) = hostport.strip_prefix('[') {
        let Some((inside, after)) = literal.split_once(']') else {
            return false;
        };
        let future = inside.strip_prefix(['v', 'V']).and_then(|f| f.split_once('.')).is_some_and(|(hex, rest)| {
            !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()) && !rest.is_empty() && chars(rest, ":")
        });
        if !future && inside.parse::<std::net::Ipv6Addr>().is_err() {
            return false;
        }
        match after {
            "" => ("", None),
            p => match p.strip_prefix(':') {
                Some(port) => ("", Some(port)),
                None => return false,
            },
        }
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostport, None),
        }
    };
    chars(host, "") && port.is_none_or(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

/// Unreserved characters, sub-delimiters, `%XX` and the `extra` characters only.
fn chars(s: &str, extra: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'%' {
            if !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit) && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit)) {
                return false;
            }
            i += 3;
            continue;
        }
        let ok = c.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=".contains(&c) || extra.as_bytes().contains(&c);
        if !ok {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::valid;

    #[test]
    fn uris() {
        for ok in [
            "http://example.com",
            "https://github.com/org/repo.git",
            "https://user:pw@example.com:8443/a/b?x=1&y=%20#top",
            "http://[::1]:80/x",
            "http://[v1.fe]/",
            "mailto:jo@example.com",
            "urn:isbn:0451450523",
            "git+ssh://git@example.com/r",
            "file:///etc/hosts",
            "http:",
        ] {
            assert!(valid(ok), "{ok}");
        }
        for bad in [
            "",
            "not-url",
            "example.com/x",
            "//example.com",
            "1http://x",
            "http://a b",
            "https://ex.com/%zz",
            "http://x:8o",
            "http://[::g]/",
            "http://ex.com/<x>",
            "https://ex.com/é",
        ] {
            assert!(!valid(bad), "{bad}");
        }
    }
}

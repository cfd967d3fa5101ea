//! The mount parser against BuildKit's behaviour.

use super::validate::with_suggestion;
use super::*;

fn parse(raw: &str) -> ParsedMount {
    parse_mount(raw, 0, '\\')
}

fn mount(raw: &str) -> Mount {
    let p = parse(raw);
    assert_eq!(p.parse_error, None, "{raw}");
    p.mount.expect("CSV parses")
}

fn problems(raw: &str) -> Vec<String> {
    parse(raw).problems.into_iter().map(|p| p.message).collect()
}

fn parse_error(raw: &str) -> String {
    parse(raw).parse_error.expect("a parse error").message
}

/// Parses the value of the first `--mount=` in `src`, which ends with ` true`.
fn in_source(src: &str, escape: char) -> (ParsedMount, usize) {
    let start = src.find("--mount=").expect("a mount flag") + "--mount=".len();
    let end = src.strip_suffix(" true").expect("ends with ` true`").len();
    (parse_mount(&src[start..end], start, escape), start)
}

fn slices<'a>(src: &'a str, f: &MountField) -> (&'a str, &'a str, Option<&'a str>) {
    (
        f.range.slice(src),
        f.key_range.slice(src),
        f.value_range.map(|r| r.slice(src)),
    )
}

#[test]
fn plain_ranges() {
    let src = "RUN --mount=type=cache,target=/root/.cache,ro true";
    let (p, start) = in_source(src, '\\');
    let m = p.mount.unwrap();
    assert_eq!(m.range, TextRange::new(start, start + 33));
    assert_eq!(m.range.slice(src), "type=cache,target=/root/.cache,ro");
    assert_eq!(m.fields.len(), 3);
    assert_eq!(slices(src, &m.fields[0]), ("type=cache", "type", Some("cache")));
    assert_eq!(
        slices(src, &m.fields[1]),
        ("target=/root/.cache", "target", Some("/root/.cache"))
    );
    assert_eq!(slices(src, &m.fields[2]), ("ro", "ro", None));
    assert_eq!(m.fields[1].key, "target");
    assert_eq!(m.fields[1].value.as_deref(), Some("/root/.cache"));
    assert_eq!(m.fields[2].value, None);
    assert_eq!(m.fields[0].key_range, TextRange::new(start, start + 4));
    assert_eq!(m.fields[0].value_range, Some(TextRange::new(start + 5, start + 10)));
    assert!(p.problems.is_empty());
}

#[test]
fn keys_are_lowercased_but_ranges_and_text_are_as_written() {
    let src = "RUN --mount=Type=Cache,TARGET=/x true";
    let m = in_source(src, '\\').0.mount.unwrap();
    assert_eq!(m.fields[0].key, "type");
    assert_eq!(m.fields[0].text, "Type=Cache");
    assert_eq!(slices(src, &m.fields[0]), ("Type=Cache", "Type", Some("Cache")));
    assert_eq!(m.kind, MountType::Cache);
    assert_eq!(m.fields[1].key, "target");
    assert_eq!(m.target.as_deref(), Some("/x"));
}

#[test]
fn wholly_quoted_value() {
    let src = r#"RUN --mount="type=cache,target=/a b" true"#;
    let start = src.find('"').unwrap();
    let raw = &src[start..src.len() - 5];
    assert_eq!(raw, r#""type=cache,target=/a b""#);
    let p = parse_mount(raw, start, '\\');
    let m = p.mount.unwrap();
    assert_eq!(m.range.slice(src), raw);
    assert_eq!(m.target.as_deref(), Some("/a b"));
    // The shell quotes enclose both fields, so neither field's range takes them.
    assert_eq!(slices(src, &m.fields[0]), ("type=cache", "type", Some("cache")));
    assert_eq!(slices(src, &m.fields[1]), ("target=/a b", "target", Some("/a b")));
    assert_eq!(m.fields[0].range.start, start + 1);
    assert_eq!(m.fields[1].range.end, start + raw.len() - 1);
}

#[test]
fn quoted_value_ranges_take_their_quotes() {
    let src = r#"RUN --mount=type=cache,target="/var/cache/apt",sharing=locked true"#;
    let m = in_source(src, '\\').0.mount.unwrap();
    let f = &m.fields[1];
    assert_eq!(
        slices(src, f),
        (r#"target="/var/cache/apt""#, "target", Some(r#""/var/cache/apt""#))
    );
    assert_eq!(f.value.as_deref(), Some("/var/cache/apt"));
    assert_eq!(m.target.as_deref(), Some("/var/cache/apt"));
    assert_eq!(slices(src, &m.fields[2]), ("sharing=locked", "sharing", Some("locked")));

    // A single field quoted whole takes the quotes too.
    let src = r#"RUN --mount='type=cache' true"#;
    let m = in_source(src, '\\').0.mount.unwrap();
    assert_eq!(slices(src, &m.fields[0]), ("'type=cache'", "type", Some("cache")));
    // A quote inside a key.
    let src = r#"RUN --mount="ty"pe=tmpfs true"#;
    let m = in_source(src, '\\').0.mount.unwrap();
    assert_eq!(m.kind, MountType::Tmpfs);
    assert_eq!(
        slices(src, &m.fields[0]),
        (r#""ty"pe=tmpfs"#, r#""ty"pe"#, Some("tmpfs"))
    );
    // An empty quoted value.
    let src = r#"RUN --mount=type=cache,id="",target=/x true"#;
    let m = in_source(src, '\\').0.mount.unwrap();
    assert_eq!(slices(src, &m.fields[1]), (r#"id="""#, "id", Some(r#""""#)));
    assert_eq!(m.id.as_deref(), Some(""));
    assert_eq!(m.cache_id().as_deref(), Some("/x"));
}

#[test]
fn escaped_input() {
    let src = r"RUN --mount=target=/a\ b,type=cache true";
    let m = in_source(src, '\\').0.mount.unwrap();
    assert_eq!(m.target.as_deref(), Some("/a b"));
    assert_eq!(slices(src, &m.fields[0]), (r"target=/a\ b", "target", Some(r"/a\ b")));
    assert_eq!(slices(src, &m.fields[1]), ("type=cache", "type", Some("cache")));

    // The escape does not protect a comma from the CSV split.
    let m = mount(r"target=/a\,b");
    assert_eq!(m.fields.len(), 2);
    assert_eq!(m.target.as_deref(), Some("/a"));
    assert_eq!(
        problems(r"target=/a\,b"),
        ["invalid field 'b' must be a key=value pair"]
    );

    // An escaped key character; an escape at the very end is dropped.
    let src = r"RUN --mount=t\ype=cache,target=/x\ true";
    let (p, _) = in_source(src, '\\');
    let m = p.mount.unwrap();
    assert_eq!(m.kind, MountType::Cache);
    assert_eq!(slices(src, &m.fields[0]).1, r"t\ype");
    assert_eq!(m.target.as_deref(), Some("/x"));
    assert_eq!(m.fields[1].value_range.unwrap().slice(src), "/x");
}

#[test]
fn backtick_escape() {
    // The flag peeler's escape is `\` whatever the file's; the shell lexer then uses the
    // file's, so `\\` reaches it as `\` and stays, and `` `$ `` is a literal `$`.
    let src = "RUN --mount=type=bind,target=C:\\\\cache,source=a`$b true";
    let m = in_source(src, '`').0.mount.unwrap();
    assert_eq!(m.target.as_deref(), Some("C:\\cache"));
    assert_eq!(m.source.as_deref(), Some("a$b"));
    assert_eq!(slices(src, &m.fields[2]).2, Some("a`$b"));
    let m = in_source("RUN --mount=target=C:\\cache true", '`').0.mount.unwrap();
    assert_eq!(m.target.as_deref(), Some("C:cache"));
    // With the default escape the backslash is dropped by the peeler too.
    let m = mount(r"target=C:\cache");
    assert_eq!(m.target.as_deref(), Some("C:cache"));
}

#[test]
fn csv_quoted_fields() {
    // The CSV quotes must survive the flag peeler, so they are inside shell quotes.
    let src = r#"RUN --mount='"target=/a,b"',type=cache true"#;
    let m = in_source(src, '\\').0.mount.unwrap();
    assert_eq!(m.fields.len(), 2);
    assert_eq!(m.target.as_deref(), Some("/a,b"));
    assert_eq!(
        slices(src, &m.fields[0]),
        (r#"'"target=/a,b"'"#, "target", Some("/a,b"))
    );
    assert_eq!(m.fields[0].text, "target=/a,b");
    assert_eq!(slices(src, &m.fields[1]), ("type=cache", "type", Some("cache")));

    // `""` is a literal quote, which the build-time shell lexer then sees.
    let p = parse(r#"'"target=a""b"'"#);
    let m = p.mount.unwrap();
    assert_eq!(m.fields[0].written.as_deref(), Some("a\"b"));
    assert_eq!(
        p.problems[0].message,
        r#"failed to process "a\"b": unexpected end of statement while looking for matching double-quote"#
    );
}

#[test]
fn shell_lexer_on_values() {
    let m = mount(r#""target='/a b'""#);
    assert_eq!(m.target.as_deref(), Some("/a b"));
    assert_eq!(m.fields[0].written.as_deref(), Some("'/a b'"));
    assert!(!m.fields[0].dynamic);
    // `$` in single quotes is literal; at the end or before a non-name character too.
    let m = mount(r#""id='$x'",target=/a$,source=a$/b"#);
    assert_eq!(m.id.as_deref(), Some("$x"));
    assert!(!m.fields[0].dynamic);
    assert_eq!(m.target.as_deref(), Some("/a$"));
    assert_eq!(m.source.as_deref(), Some("a$/b"));
    // A doubly escaped backslash reaches the lexer as one escape.
    let m = mount(r"target=/a\\b");
    assert_eq!(m.fields[0].written.as_deref(), Some(r"/a\b"));
    assert_eq!(m.target.as_deref(), Some("/ab"));
    assert_eq!(
        problems(r#""target='/a""#),
        [r#"failed to process "'/a": unexpected end of statement while looking for matching single-quote"#]
    );
    // A value the lexer rejects is not checked further.
    let p = parse(r#""type='cache""#);
    assert_eq!(p.problems.len(), 1);
    assert_eq!(p.mount.unwrap().kind, MountType::Other("'cache".into()));
}

#[test]
fn variables_are_recorded_not_validated() {
    let p = parse("type=cache,target=$DIR,id=pip-${ARCH},mode=$M,uid=${U},sharing=$S");
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    let m = p.mount.unwrap();
    assert_eq!(m.target.as_deref(), Some("$DIR"));
    assert_eq!(m.id.as_deref(), Some("pip-${ARCH}"));
    assert_eq!(m.mode.as_deref(), Some("$M"));
    assert_eq!(m.mode_bits(), None);
    assert!(m.fields[1].dynamic && m.fields[2].dynamic && !m.fields[0].dynamic);
    assert_eq!(m.cache_id().as_deref(), Some("pip-${ARCH}"));
    // An unknown type: no check depends on it.
    let p = parse("type=$T,mode=x1,required,size=1g");
    assert_eq!(p.mount.unwrap().kind, MountType::Other("$T".into()));
    assert_eq!(p.problems.len(), 1);
    assert_eq!(p.problems[0].message, "invalid value x1 for mode");
    // Presence still counts: mode on a bind mount fails whatever it expands to.
    assert_eq!(problems("mode=$M"), ["mode not allowed for \"bind\" type mounts"]);
}

#[test]
fn continuation_inside_the_value() {
    let src = "RUN --mount=type=cache,\\\n# comment\n\ntarget=/x true";
    let start = src.find("type").unwrap();
    let end = src.rfind(' ').unwrap();
    let m = parse_mount(&src[start..end], start, '\\').mount.unwrap();
    assert_eq!(m.fields.len(), 2);
    assert_eq!(m.target.as_deref(), Some("/x"));
    assert_eq!(slices(src, &m.fields[0]), ("type=cache", "type", Some("cache")));
    assert_eq!(slices(src, &m.fields[1]), ("target=/x", "target", Some("/x")));
    // Inside a field, the field's range spans the continuation.
    let src = "RUN --mount=type=cache,tar\\  \r\nget=/x true";
    let start = src.find("type").unwrap();
    let end = src.rfind(' ').unwrap();
    let m = parse_mount(&src[start..end], start, '\\').mount.unwrap();
    assert_eq!(m.target.as_deref(), Some("/x"));
    assert_eq!(m.fields[1].key_range.slice(src), "tar\\  \r\nget");
}

#[test]
fn csv_errors() {
    assert_eq!(
        parse_error(r#"'type="cache'"#),
        r#"failed to parse csv mounts: parse error on line 1, column 6: bare " in non-quoted-field"#
    );
    let p = parse(r#"'type="cache'"#);
    assert!(p.mount.is_none());
    assert!(p.problems.is_empty());
    assert_eq!(p.parse_error.unwrap().range, TextRange::new(6, 7));
    assert_eq!(
        parse_error(r#"'a,"type"x'"#),
        r#"failed to parse csv mounts: parse error on line 1, column 8: extraneous or missing " in quoted-field"#
    );
    let p = parse(r#"'a,"type'"#);
    assert_eq!(
        p.parse_error.as_ref().unwrap().message,
        r#"failed to parse csv mounts: parse error on line 1, column 4: extraneous or missing " in quoted-field"#
    );
    assert_eq!(p.parse_error.unwrap().range, TextRange::new(3, 9));
    // Columns count each non-ASCII byte twice (BuildKit re-encodes them as Latin-1).
    assert_eq!(
        parse_error(r#"'é"'"#),
        r#"failed to parse csv mounts: parse error on line 1, column 5: bare " in non-quoted-field"#
    );
    assert_eq!(parse_error(""), "failed to parse csv mounts: EOF");
    assert_eq!(parse_error("''"), "failed to parse csv mounts: EOF");
    assert_eq!(parse("''").parse_error.unwrap().range, TextRange::new(0, 2));
}

#[test]
fn from_with_a_variable() {
    let msg = "'from' doesn't support variable expansion, define alias stage instead";
    assert_eq!(parse_error("from=$STAGE,target=/x"), msg);
    assert_eq!(parse_error("target=/x,FROM=a${X}"), msg);
    let p = parse("target=/x,from=$$");
    assert_eq!(p.parse_error.unwrap().range, TextRange::new(10, 17));
    assert!(p.mount.is_some());
    for ok in ["from=a$", "from=$", "from=stage", "id=$X"] {
        assert_eq!(parse(ok).parse_error, None, "{ok}");
    }
    // Only the instructions-stage check: a bare `from` is left for dispatch.
    assert_eq!(parse("from").parse_error, None);
}

#[test]
fn dispatch_errors() {
    let cases: &[(&str, &str)] = &[
        ("type=foo", r#"unsupported mount type "foo""#),
        ("type=cahce", r#"unsupported mount type "cahce" (did you mean cache?)"#),
        ("ro=yes", "invalid value for ro: yes"),
        ("readonly=2", "invalid value for readonly: 2"),
        ("rw=on", "invalid value for rw: on"),
        ("READWRITE=x", "invalid value for readwrite: x"),
        ("type=secret,id=a,required=maybe", "invalid value for required: maybe"),
        ("required", "unexpected key 'required' for mount type 'bind'"),
        (
            "required,type=secret,id=a",
            "unexpected key 'required' for mount type 'bind'",
        ),
        (
            "type=cache,required=true",
            "unexpected key 'required' for mount type 'cache'",
        ),
        ("Required", "unexpected key 'required' for mount type 'bind'"),
        ("z", "invalid field 'z' must be a key=value pair"),
        ("type=bind,Z", "invalid field 'Z' must be a key=value pair"),
        ("type=cache,size=1g", "unexpected key 'size' for mount type 'cache'"),
        ("type=tmpfs,size=big", "invalid value for size: big"),
        ("type=cache,sharing=foo", r#"unsupported sharing value "foo""#),
        (
            "type=cache,sharing=lockd",
            r#"unsupported sharing value "lockd" (did you mean locked?)"#,
        ),
        ("sharing=locked", "invalid cache sharing set for bind mount"),
        ("type=tmpfs,sharing=shared", "invalid cache sharing set for tmpfs mount"),
        ("type=cache,mode=0o755", "invalid value 0o755 for mode"),
        ("type=cache,mode=8", "invalid value 8 for mode"),
        ("type=cache,mode=+7", "invalid value +7 for mode"),
        ("type=cache,mode=", "invalid value  for mode"),
        ("type=cache,mode=40000000000", "invalid value 40000000000 for mode"),
        ("type=cache,uid=abc", "invalid value abc for uid"),
        ("type=cache,gid=-1", "invalid value -1 for gid"),
        ("type=cache,uid=4294967296", "invalid value 4294967296 for uid"),
        ("mode=755", r#"mode not allowed for "bind" type mounts"#),
        ("type=tmpfs,uid=1", r#"uid not allowed for "tmpfs" type mounts"#),
        ("gid=1", r#"gid not allowed for "bind" type mounts"#),
        ("bogus=bar", "unexpected key 'bogus' in 'bogus=bar'"),
        ("foo=bar", "unexpected key 'foo' in 'foo=bar' (did you mean from?)"),
        (
            "Tagret=/x",
            "unexpected key 'tagret' in 'Tagret=/x' (did you mean target?)",
        ),
        ("=x", "unexpected key '' in '=x' (did you mean id?)"),
        ("type=secret,id=a,from=b", "secret mount should not have a from"),
        (
            "type=secret,id=a,sharing=locked",
            "secret mount should not define sharing",
        ),
        ("type=secret", "invalid secret mount. one of source, target required"),
        ("type=secret,source=a,id=b", "both source and id can't be set"),
        ("target=/", r#"invalid mount target "/""#),
        ("type=cache,target=/", r#"invalid mount target "/""#),
        ("type=ssh,source=a", "ssh does not support source"),
    ];
    for (raw, want) in cases {
        let got = problems(raw);
        assert_eq!(got.first().map(String::as_str), Some(*want), "{raw}: {got:?}");
        assert_eq!(parse(raw).parse_error, None, "{raw}");
    }
}

#[test]
fn valid_mounts_have_no_problems() {
    for raw in [
        "type=cache,target=/root/.cache/pip",
        "target=/x",
        "type=CACHE,target=/x,sharing=LOCKED,mode=0755,uid=1000,gid=1000,id=x",
        "type=tmpfs,target=/t,size=64m",
        "type=tmpfs,target=/t,size=1.5GiB",
        "type=tmpfs,target=/t,size=100 kb",
        "type=tmpfs,target=/t,size=4096",
        "type=secret,id=a,required",
        "type=secret,id=a,required=false",
        "type=secret,target=/run/secrets/a,mode=0400,uid=1,gid=2",
        "type=secret,source=a,env=TOKEN",
        "type=ssh",
        "type=ssh,id=default,required=t",
        "type=bind,from=builder,source=/out,target=/in,rw",
        "type=bind,target=/x,ro=1,readwrite=0",
        "target=//",
    ] {
        let p = parse(raw);
        assert!(p.problems.is_empty() && p.parse_error.is_none(), "{raw}: {p:?}");
    }
}

#[test]
fn all_problems_are_listed_in_order_at_their_fields() {
    let src = "z,mode=9,type=tmpfs,uid=1,sharing=locked";
    let p = parse_mount(src, 100, '\\');
    let got: Vec<(&str, &str)> = p
        .problems
        .iter()
        .map(|e| (e.message.as_str(), &src[e.range.start - 100..e.range.end - 100]))
        .collect();
    assert_eq!(
        got,
        [
            ("invalid field 'z' must be a key=value pair", "z"),
            ("invalid value 9 for mode", "mode=9"),
            (r#"mode not allowed for "tmpfs" type mounts"#, "mode=9"),
            (r#"uid not allowed for "tmpfs" type mounts"#, "uid=1"),
            ("invalid cache sharing set for tmpfs mount", "sharing=locked"),
        ]
    );
    // Secret checks point at the fields concerned, or at the type.
    let src = "type=secret,from=x,sharing=locked";
    let p = parse(src);
    let got: Vec<&str> = p.problems.iter().map(|e| e.range.slice(src)).collect();
    assert_eq!(got, ["from=x", "sharing=locked", "type=secret"]);
    let src = "type=secret,id=a,src=b";
    assert_eq!(parse(src).problems[0].range.slice(src), "src=b");
}

#[test]
fn aliases() {
    let m = mount("type=bind,src=/a,dst=/b,from=s,ro");
    assert_eq!((m.source.as_deref(), m.target.as_deref()), (Some("/a"), Some("/b")));
    assert_eq!(m.field("target").unwrap().key, "dst");
    assert_eq!(m.field("dst").unwrap().key, "dst");
    assert_eq!(m.field("source").unwrap().key, "src");
    assert_eq!(m.field("readonly").unwrap().key, "ro");
    assert!(m.field("id").is_none());
    let m = mount("destination=/c,source=/d");
    assert_eq!(m.target.as_deref(), Some("/c"));
    assert_eq!(m.field("Target").unwrap().key, "destination");
    // The last one wins, and `field` finds it.
    let m = mount("target=/a,dst=/b,type=cache,type=tmpfs");
    assert_eq!(m.target.as_deref(), Some("/b"));
    assert_eq!(m.field("target").unwrap().value.as_deref(), Some("/b"));
    assert_eq!(m.kind, MountType::Tmpfs);
    assert!(m.type_given);
    let m = mount("type=cache,readonly=true");
    assert!(m.readonly);
    let m = mount("type=bind,readwrite");
    assert!(!m.readonly);
    assert_eq!(m.field("rw").unwrap().key, "readwrite");
}

#[test]
fn octal_mode_and_ids() {
    let m = mount("type=cache,target=/x,mode=755,uid=1000,gid=0");
    assert_eq!(m.mode_bits(), Some(0o755));
    assert_eq!(m.mode.as_deref(), Some("755"));
    assert_eq!(mount("type=cache,mode=0755").mode_bits(), Some(0o755));
    assert_eq!(mount("type=cache,mode=0o755").mode_bits(), None);
    assert_eq!(mount("type=cache,mode=37777777777").mode_bits(), Some(u32::MAX));
    assert_eq!((m.uid_num(), m.gid_num()), (Some(1000), Some(0)));
    assert_eq!(mount("type=cache,uid=0x10").uid_num(), None);
    assert_eq!(mount("type=cache").mode_bits(), None);
}

#[test]
fn defaults() {
    let m = mount("target=/x");
    assert_eq!(m.kind, MountType::Bind);
    assert!(!m.type_given);
    assert!(m.readonly);
    assert_eq!(m.required, None);
    assert_eq!((m.sharing.as_ref(), m.id.as_ref(), m.from.as_ref()), (None, None, None));
    for (raw, ro) in [
        ("type=bind", true),
        ("type=cache", false),
        ("type=tmpfs", false),
        ("type=secret,id=a", true),
        ("type=ssh", true),
        ("type=cache,ro", true),
        ("type=cache,ro=false", false),
        ("type=bind,rw", false),
        ("type=bind,rw=false", true),
        ("rw,type=cache,ro", true),
    ] {
        assert_eq!(mount(raw).readonly, ro, "{raw}");
    }
    assert_eq!(mount("type=secret,id=a,required").required, Some(true));
    assert_eq!(mount("type=secret,id=a,required=0").required, Some(false));
    assert_eq!(mount("type=cache,sharing=Locked").sharing.as_deref(), Some("locked"));
}

#[test]
fn cache_ids() {
    assert_eq!(
        mount("type=cache,target=/root/.cache/").cache_id().as_deref(),
        Some("/root/.cache")
    );
    assert_eq!(mount("type=cache,target=a//b/../c").cache_id().as_deref(), Some("a/c"));
    assert_eq!(mount("type=cache,target=/x,id=pip").cache_id().as_deref(), Some("pip"));
    assert_eq!(mount("type=cache,target=/x,id=").cache_id().as_deref(), Some("/x"));
    assert_eq!(mount("type=cache").cache_id(), None);
}

#[test]
fn oracle_shape() {
    let m = mount("type=secret,id=mysecret,dst=/mysecret,uid=1000,gid=1001,mode=0444,required");
    assert_eq!(
        m.oracle_json(),
        serde_json::json!({
            "type": "secret", "target": "/mysecret", "id": "mysecret", "mode": "0444",
            "uid": 1000, "gid": 1001, "readonly": true, "required": true
        })
    );
    let m = mount("type=cache,target=/var/cache/apt,sharing=LOCKED,from=img,source=/c");
    assert_eq!(
        m.oracle_json(),
        serde_json::json!({
            "type": "cache", "target": "/var/cache/apt", "source": "/c", "from": "img",
            "sharing": "locked", "readonly": false
        })
    );
    let m = mount("type=secret,id=a,required=false,target=");
    assert_eq!(
        m.oracle_json(),
        serde_json::json!({"type": "secret", "id": "a", "readonly": true})
    );
}

#[test]
fn buildkit_suggestions() {
    assert_eq!(with_suggestion("m".into(), "xyz", &["bind"]), "m");
    assert_eq!(with_suggestion("m".into(), "bind", &["bind", "bin"]), "m");
    assert_eq!(with_suggestion("m".into(), "bnid", &["bind"]), "m (did you mean bind?)");
}

/// Every range lies inside the value, on character boundaries, with start <= end.
fn check_ranges(raw: &str, offset: usize, p: &ParsedMount) {
    let whole = TextRange::new(offset, offset + raw.len());
    let ok = |r: TextRange| {
        r.start <= r.end
            && whole.contains_range(r)
            && raw.is_char_boundary(r.start - offset)
            && raw.is_char_boundary(r.end - offset)
    };
    let mut all: Vec<TextRange> = p.problems.iter().map(|e| e.range).collect();
    all.extend(p.parse_error.iter().map(|e| e.range));
    if let Some(m) = &p.mount {
        assert_eq!(m.range, whole);
        for f in &m.fields {
            all.extend([f.range, f.key_range]);
            all.extend(f.value_range);
            assert!(f.range.contains_range(f.key_range), "{raw:?}: {f:?}");
            if let Some(v) = f.value_range {
                assert!(f.range.contains_range(v), "{raw:?}: {f:?}");
                assert!(f.key_range.end <= v.start, "{raw:?}: {f:?}");
            }
        }
    }
    for r in all {
        assert!(ok(r), "{raw:?}: {r:?} in {p:?}");
    }
}

#[test]
fn odd_inputs_do_not_panic() {
    for raw in [
        "",
        "\"",
        "'",
        "\\",
        "`",
        ",,,",
        "=",
        "==",
        "=,=",
        "\"\"\"",
        "'\"'",
        "\"'\"",
        "é",
        "é,ü=ß",
        "type=caché",
        "\u{1F600}=\u{1F600}",
        "\n",
        "\r\n",
        "a\n",
        "\\\n",
        "\\\n#x",
        "\"a\nb\"",
        "type=cache,\\",
        "$",
        "from=$",
        "from=${",
        "id=${",
        "'\\",
        "\"\\\"",
        "a=\"",
        "\u{85}",
    ] {
        for escape in ['\\', '`'] {
            let p = parse_mount(raw, 7, escape);
            check_ranges(raw, 7, &p);
            if let Some(m) = &p.mount {
                let _ = (m.oracle_json(), m.cache_id(), m.mode_bits(), m.field("target"));
            }
        }
    }
    assert_eq!(problems(",,,").len(), 4);
    assert_eq!(problems(",,,")[0], "invalid field '' must be a key=value pair");
}

#[test]
fn exhaustive_short_inputs() {
    const ALPHABET: [&str; 12] = ["\"", "'", "\\", "`", ",", "=", "$", "a", "é", " ", "\n", "#"];
    let mut inputs = vec![String::new()];
    for _ in 0..4 {
        let longer: Vec<String> = inputs
            .iter()
            .filter(|s| s.chars().count() == inputs.last().map_or(0, |l| l.chars().count()))
            .flat_map(|s| ALPHABET.iter().map(move |c| format!("{s}{c}")))
            .collect();
        inputs.extend(longer);
    }
    assert!(inputs.len() > 20_000);
    for raw in &inputs {
        for escape in ['\\', '`'] {
            check_ranges(raw, 3, &parse_mount(raw, 3, escape));
        }
    }
}

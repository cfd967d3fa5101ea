#!/usr/bin/env python3
"""How many of BuildKit's own check tests dfix agrees with.

BuildKit's `frontend/dockerfile/dockerfile_check_test.go` lints small Dockerfiles and lists the
warnings expected from each (check name, line). This reads those cases out of the Go source
(string literals only: a case whose Dockerfile is built with fmt.Sprintf is counted as not
extracted), lints each Dockerfile with `dfix --select buildkit --preview`, and compares the
multiset of (check, instruction) pairs, a dfix finding counting for every BuildKit check its rule
lists in `sources`. A case agrees when both are equal (so a case expecting no warning agrees when
dfix is silent too).

    bench/buildkit-compat.py --buildkit PATH/TO/buildkit   # a checkout, or a bare git directory
    bench/buildkit-compat.py --test-file dockerfile_check_test.go [-v]

Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TEST = "frontend/dockerfile/dockerfile_check_test.go"


def _compat():
    spec = importlib.util.spec_from_file_location("hadolint_compat", os.path.join(HERE, "hadolint-compat.py"))
    mod = importlib.util.module_from_spec(spec)
    sys.modules["hadolint_compat"] = mod
    spec.loader.exec_module(mod)
    return mod


def go_strings(s: str, i: int):
    """Go string literals joined with `+` from offset i: (value, end), or None."""
    out = []
    while True:
        while s[i] in " \t\n":
            i += 1
        if s[i] == "`":
            j = s.index("`", i + 1)
            out.append(s[i + 1 : j])
            i = j + 1
        elif s[i] == '"':
            j, buf = i + 1, []
            while s[j] != '"':
                if s[j] == "\\":
                    buf.append({"n": "\n", "t": "\t"}.get(s[j + 1], s[j + 1]))
                    j += 2
                else:
                    buf.append(s[j])
                    j += 1
            out.append("".join(buf))
            i = j + 1
        else:
            return None
        k = i
        while s[k] in " \t\n":
            k += 1
        if s[k] != "+":
            return "".join(out), i
        i = k + 1


def braces(s: str, i: int) -> str:
    """The text from the `{` at i to its matching `}` (string literals skipped)."""
    depth, j = 0, i
    while True:
        c = s[j]
        if c in '"`':
            j = go_strings(s, j)[1]
            continue
        depth += {"{": 1, "}": -1}.get(c, 0)
        if depth == 0 and c == "}":
            return s[i : j + 1]
        j += 1


def cases(src: str) -> list[dict]:
    out, names, func = [], {}, None
    # an assignment of a literal (`[]byte(…)`) is read; any other (`fmt.Appendf(…)`) makes the
    # variable unknown, so that the cases after it are not read with an earlier literal
    pat = re.compile(r"^func (test\w+)|(dockerfile|dockerignore)\s*:?=\s*(\[\]byte\()?|checkLinterWarnings\(t, sb, &lintTestParams\{", re.M)
    for m in pat.finditer(src):
        if m.group(1):
            func, names = m.group(1), {}
        elif m.group(2):
            r = go_strings(src, m.end()) if m.group(3) else None
            names[m.group(2)] = r[0] if r else None
        else:
            body = braces(src, m.end() - 1)
            df = None
            d = re.search(r"Dockerfile:\s*(dockerfile\b|\[\]byte\()", body)
            if d and d.group(1) == "dockerfile":
                df = names.get("dockerfile")
            elif d:
                r = go_strings(body, d.end())
                df = r[0] if r else None
            ignore = names.get("dockerignore") if re.search(r"DockerIgnore:\s*dockerignore", body) else None
            warns = []
            w = re.search(r"\bWarnings:\s*\[\]expectedLintWarning\{", body)
            if w:
                for e in re.finditer(r'\{[^{}]*RuleName:\s*"(\w+)"[^{}]*\}', braces(body, w.end() - 1)):
                    line = re.search(r"Line:\s*(\d+)", e.group(0))
                    warns.append((e.group(1), int(line.group(1)) if line else None))
            out.append(dict(func=func, dockerfile=df, dockerignore=ignore, warnings=warns))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--buildkit", help="a BuildKit checkout or git directory (its HEAD is read)")
    g.add_argument("--test-file", help=f"BuildKit's {TEST}")
    ap.add_argument("--dfix", default=os.path.join(os.path.dirname(HERE), "target", "release", "dfix"))
    ap.add_argument("-v", "--verbose", action="store_true", help="print every case dfix disagrees with")
    a = ap.parse_args()
    if a.test_file:
        src = open(a.test_file).read()
    else:
        src = subprocess.run(["git", "-C", a.buildkit, "show", f"HEAD:{TEST}"], capture_output=True, text=True, check=True).stdout
    hc = _compat()
    rules = json.loads(subprocess.run([a.dfix, "explain", "--format", "json"], capture_output=True, text=True, check=True).stdout)
    checks = {r["name"]: [s for s in r["sources"] if s[:1].isupper() and not re.fullmatch(r"(DL|SC)\d+", s)] for r in rules}
    covered = {s for v in checks.values() for s in v}
    has_context = "--context" in subprocess.run([a.dfix, "--help"], capture_output=True, text=True).stdout

    all_cases = cases(src)
    per, per_ok, agree, skipped = collections.Counter(), collections.Counter(), 0, 0
    for c in all_cases:
        if c["dockerfile"] is None:
            skipped += 1
            continue
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "Dockerfile"), "w") as f:
                f.write(c["dockerfile"])
            argv = [a.dfix, "--format", "json", "--no-config", "--select", "buildkit", "--preview", "--exit-zero", "--quiet"]
            if c["dockerignore"] is not None:
                with open(os.path.join(d, ".dockerignore"), "w") as f:
                    f.write(c["dockerignore"])
                if has_context:
                    argv += ["--context", d]
            got = json.loads(subprocess.run(argv + ["Dockerfile"], cwd=d, capture_output=True, text=True).stdout or "[]")
        ranges = hc.instructions(c["dockerfile"])
        at = lambda line: hc.instruction_at(ranges, line) if line else None  # noqa: E731
        want = collections.Counter((name, at(line)) for name, line in c["warnings"])
        have = collections.Counter((s, at(g["range"]["start"]["line"])) for g in got for s in checks.get(g["rule"], []))
        ok = want == have
        agree += ok
        for name in {n for n, _ in c["warnings"]} or {"(no warning expected)"}:
            per[name] += 1
            per_ok[name] += ok
        if a.verbose and not ok:
            print(f"{c['func']}: expected {dict(want)}, dfix {dict(have)}\n{c['dockerfile']}")
    n = len(all_cases) - skipped
    print(f"BuildKit check-test cases: {len(all_cases)}; read: {n} ({skipped} built with fmt.Sprintf left out); "
          f"dfix agrees on {agree} ({100 * agree / max(n, 1):.0f} %)\n")
    print("| expected check | cases | dfix agrees | dfix rule |\n|---|--:|--:|---|")
    for name in sorted(per, key=lambda k: (-per[k], k)):
        rule = ", ".join(f"`{r}`" for r, s in checks.items() if name in s) or ("—" if name not in covered else "")
        print(f"| {name} | {per[name]} | {per_ok[name]} | {rule if not name.startswith('(') else ''} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

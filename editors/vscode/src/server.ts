// Where the dfix binary is: kept free of the `vscode` module so that it runs under plain Node
// (src/test/server.test.ts).
import * as path from "node:path";

export interface Lookup {
  /** The `dfix.path` setting; empty or unset means "not configured". */
  configured: string | undefined;
  /** The extension's own directory, which holds `bundled/dfix` in a platform-specific package. */
  extensionPath: string;
  platform: NodeJS.Platform;
  exists: (file: string) => boolean;
}

/** The server command: the `dfix.path` setting, else the bundled binary, else `dfix` on PATH. */
export function serverCommand(lookup: Lookup): string {
  const configured = lookup.configured?.trim();
  if (configured) {
    return configured;
  }
  const exe = lookup.platform === "win32" ? "dfix.exe" : "dfix";
  const bundled = path.join(lookup.extensionPath, "bundled", exe);
  if (lookup.exists(bundled)) {
    return bundled;
  }
  return "dfix";
}

/** The arguments: `dfix lsp` takes none besides the subcommand (its settings come from dfix.toml). */
export const serverArgs: readonly string[] = ["lsp"];

/** Dockerfiles by language id, and by name for those VS Code does not recognise. */
export const dockerfilePatterns = "**/{Dockerfile,Containerfile,*.Dockerfile,Dockerfile.*}";

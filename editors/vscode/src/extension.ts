import * as fs from "node:fs";
import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions } from "vscode-languageclient/node";
import { dockerfilePatterns, serverArgs, serverCommand } from "./server";

let client: LanguageClient | undefined;

function createClient(command: string): LanguageClient {
  const run = { command, args: [...serverArgs] };
  const serverOptions: ServerOptions = { run, debug: run };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "dockerfile" },
      { scheme: "untitled", language: "dockerfile" },
      { scheme: "file", pattern: dockerfilePatterns },
    ],
    // no `synchronize`: the server registers its own watchers for dfix.toml and the like
  };
  return new LanguageClient("dfix", "dfix", serverOptions, clientOptions);
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  if (client) {
    try {
      await client.dispose();
    } catch {
      // a client that never started has nothing to stop
    }
    client = undefined;
  }
  const command = serverCommand({
    configured: vscode.workspace.getConfiguration("dfix").get<string>("path"),
    extensionPath: context.extensionPath,
    platform: process.platform,
    exists: (file) => fs.existsSync(file),
  });
  client = createClient(command);
  try {
    await client.start();
  } catch (e) {
    void vscode.window.showErrorMessage(
      `dfix: could not start \`${command} lsp\` (${e instanceof Error ? e.message : String(e)}). ` +
        "Install dfix or set `dfix.path`, then run \"dfix: Restart Server\".",
    );
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("dfix.restart", () => restart(context)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("dfix.path")) {
        void restart(context);
      }
    }),
  );
  await restart(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

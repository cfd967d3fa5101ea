import * as fs from "node:fs";
import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions } from "vscode-languageclient/node";
import { dockerfilePatterns, serverArgs, serverCommand } from "./server";

let client: LanguageClient | undefined;

function createClient(context: vscode.ExtensionContext): LanguageClient {
  const command = serverCommand({
    configured: vscode.workspace.getConfiguration("dfix").get<string>("path"),
    extensionPath: context.extensionPath,
    platform: process.platform,
    exists: (file) => fs.existsSync(file),
  });
  const run = { command, args: [...serverArgs] };
  const serverOptions: ServerOptions = { run, debug: run };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "dockerfile" },
      { scheme: "untitled", language: "dockerfile" },
      { scheme: "file", pattern: dockerfilePatterns },
    ],
    // the server re-reads its configuration when one of these changes
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{dfix.toml,.dfix.toml,.hadolint.yaml}"),
    },
  };
  return new LanguageClient("dfix", "dfix", serverOptions, clientOptions);
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  if (client) {
    await client.stop();
    client.dispose();
  }
  client = createClient(context);
  await client.start();
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

// Watches model files in the workspace. Events go through the SettleGate (quiet since the file's last write), then
// the store re-analyses the file and every view refreshes. files.watcherExclude is honoured twice: VS Code's
// workspace watcher applies it, and events under an excluded folder are dropped here as well (an extension's
// own glob watcher may be served by a separate watcher that does not know the setting).
import * as vscode from 'vscode';
import { stat } from 'node:fs/promises';
import { SettleGate } from './settleGate';
import { MODEL_GLOB, isModelPath } from './modelFiles';
import type { ReportStore } from './reportStore';

export function watcherExcludeGlob(): string | undefined {
  const ex = vscode.workspace.getConfiguration('files').get<Record<string, boolean>>('watcherExclude') ?? {};
  const globs = Object.entries(ex).filter(([, on]) => on).map(([g]) => g);
  return globs.length ? `{${globs.join(',')}}` : undefined;
}

/** Folder names that files.watcherExclude excludes as `**\/name/**` — the common form, checked without a glob engine. */
function excludedFolderNames(): string[] {
  const ex = vscode.workspace.getConfiguration('files').get<Record<string, boolean>>('watcherExclude') ?? {};
  return Object.entries(ex)
    .filter(([g, on]) => on && /^\*\*\/[^*/{}]+\/\*\*$/.test(g))
    .map(([g]) => g.slice(3, -3));
}

export function startWatcher(store: ReportStore, quietMs: number, log: (s: string) => void): vscode.Disposable {
  const gate = new SettleGate({
    quietMs,
    stat: async (p) => {
      const s = await stat(p);
      return { size: s.size, mtimeMs: s.mtimeMs, ino: s.ino };
    },
    onSettled: (p) => {
      log(`settled: ${p}`);
      void store.get(vscode.Uri.file(p)).catch(() => undefined);
    },
    onGone: (p) => store.forget(vscode.Uri.file(p)),
  });
  const watcher = vscode.workspace.createFileSystemWatcher(MODEL_GLOB);
  const onEvent = (uri: vscode.Uri) => {
    if (uri.scheme !== 'file' || !isModelPath(uri.fsPath)) return;
    const parts = uri.fsPath.split(/[\\/]/);
    if (excludedFolderNames().some((name) => parts.includes(name))) return;
    gate.touch(uri.fsPath);
  };
  return vscode.Disposable.from(
    watcher,
    watcher.onDidCreate(onEvent),
    watcher.onDidChange(onEvent),
    watcher.onDidDelete((uri) => {
      gate.touch(uri.fsPath); // the gate's stat fails → onGone
    }),
    { dispose: () => gate.dispose() },
  );
}

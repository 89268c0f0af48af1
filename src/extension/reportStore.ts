// The extension's view of model reports: one entry per file, reused while the file's size, mtime and inode are
// unchanged (and the server's content-hash cache covers touched-but-identical files). Concurrent asks for the
// same file share one request. Every view reads from here and refreshes on onDidChange.
import * as vscode from 'vscode';
import { stat } from 'node:fs/promises';
import type { ModelReport } from '../server/protocol';
import { ServerClient, ServerError } from './serverClient';
import { readSettings, analyzeOptions } from './settings';

export type Entry =
  | { state: 'ok'; report: ModelReport; size: number; mtimeMs: number; ino: number; settingsKey: string }
  | { state: 'error'; message: string; code: string; size: number; mtimeMs: number; ino: number; settingsKey: string };

export class ReportStore implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Entry>>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly client: ServerClient, private readonly log: (s: string) => void) {}

  /** The last known entry, without starting any work (for synchronous providers like decorations). */
  peek(uri: vscode.Uri): Entry | undefined {
    return this.entries.get(uri.fsPath);
  }

  /** The entry for the file as it is now on disk; analyses it when new or changed. */
  async get(uri: vscode.Uri, token?: vscode.CancellationToken): Promise<Entry> {
    const key = uri.fsPath;
    const running = this.inflight.get(key);
    if (running) return running;
    const p = this.compute(uri, token).finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  forget(uri: vscode.Uri): void {
    if (this.entries.delete(uri.fsPath)) this.changed.fire(uri);
  }

  private async compute(uri: vscode.Uri, token?: vscode.CancellationToken): Promise<Entry> {
    const settings = readSettings(uri);
    const settingsKey = JSON.stringify(analyzeOptions(settings));
    let size = -1;
    let mtimeMs = -1;
    let ino = -1;
    try {
      const st = await stat(uri.fsPath);
      size = st.size;
      mtimeMs = st.mtimeMs;
      ino = st.ino;
    } catch (e) {
      return this.store(uri, { state: 'error', code: 'not-found', message: `cannot open the file: ${(e as NodeJS.ErrnoException).code}`, size, mtimeMs, ino, settingsKey });
    }
    const known = this.entries.get(uri.fsPath);
    if (known && known.size === size && known.mtimeMs === mtimeMs && known.ino === ino && known.settingsKey === settingsKey) return known;
    const t0 = Date.now();
    try {
      const report = await this.client.analyze(uri.fsPath, analyzeOptions(settings), token);
      this.log(`analysed ${uri.fsPath} in ${Date.now() - t0} ms${report.cached ? ' (content-hash cache hit)' : ''}`);
      return this.store(uri, { state: 'ok', report, size, mtimeMs, ino, settingsKey });
    } catch (e) {
      const code = e instanceof ServerError ? e.code : 'internal';
      // A cancelled request leaves no entry: the next ask starts again.
      if (code === 'cancelled') throw e;
      this.log(`could not analyse ${uri.fsPath}: ${(e as Error).message}`);
      return this.store(uri, { state: 'error', code, message: (e as Error).message, size, mtimeMs, ino, settingsKey });
    }
  }

  private store(uri: vscode.Uri, entry: Entry): Entry {
    this.entries.set(uri.fsPath, entry);
    this.changed.fire(uri);
    return entry;
  }

  all(): [string, Entry][] {
    return [...this.entries];
  }

  dispose(): void {
    this.changed.dispose();
  }
}

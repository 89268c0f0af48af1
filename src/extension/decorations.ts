// Explorer badges: every model file gets a ≤ 2-character badge; its tooltip (the hover on the file) gives the
// predicted latency for the chosen platform with its interval — or says no predictor is installed — plus FLOPs
// and params. A file that cannot be read gets "!" and the reason.
import * as vscode from 'vscode';
import type { ReportStore } from './reportStore';
import { isModelPath } from './modelFiles';
import { badge, tooltip } from './format';
import { readSettings } from './settings';

export class ModelDecorations implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri[]>();
  readonly onDidChangeFileDecorations = this.changed.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly store: ReportStore) {
    this.sub = store.onDidChange((uri) => this.changed.fire([uri]));
  }

  refreshAll(uris: vscode.Uri[]): void {
    this.changed.fire(uris);
  }

  async provideFileDecoration(uri: vscode.Uri, token: vscode.CancellationToken): Promise<vscode.FileDecoration | undefined> {
    if (uri.scheme !== 'file' || !isModelPath(uri.fsPath)) return undefined;
    let entry = this.store.peek(uri);
    if (!entry) {
      try {
        entry = await this.store.get(uri, token);
      } catch {
        return undefined; // cancelled: VS Code asks again when the file is shown again
      }
    }
    if (entry.state === 'error') {
      return new vscode.FileDecoration('!', `NAR Lens: ${entry.message}`, new vscode.ThemeColor('list.warningForeground'));
    }
    const platform = readSettings(uri).platform;
    return new vscode.FileDecoration(badge(entry.report, platform), tooltip(entry.report, platform));
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}

// Compare architectures: pick two or more models (or the Explorer selection), analyse them with progress and
// cancellation, show them side by side in a webview, export as Markdown or CSV. Panels are restored after a
// reload from the file list kept in the webview's state.
import * as vscode from 'vscode';
import { basename } from 'node:path';
import type { ReportStore } from './reportStore';
import { webviewHtml, webviewOptions } from './webviewHtml';
import { readSettings } from './settings';
import { MODEL_GLOB, isModelPath } from './modelFiles';
import { toCsv, toMarkdown, type Column } from './compareModel';
import { parseFromCompareView, type ToCompareView } from '../../media/src/messages';

export const COMPARE_VIEW_TYPE = 'narLens.compare';

export interface CompareInput {
  label: string;
  uri: vscode.Uri;
}

export class ComparePanels implements vscode.WebviewPanelSerializer {
  constructor(private readonly extensionUri: vscode.Uri, private readonly store: ReportStore, private readonly log: (s: string) => void) {}

  /** Palette: the Explorer selection when it has ≥ 2 models, else a multi-select pick of the workspace's models. */
  async pickAndCompare(clicked?: vscode.Uri, selection?: vscode.Uri[]): Promise<void> {
    // The Explorer selection may include folders and other files: only models count.
    let uris = (selection ?? []).filter((u) => u.scheme === 'file' && isModelPath(u.fsPath));
    if (uris.length < 2) {
      const files = await vscode.workspace.findFiles(MODEL_GLOB, undefined, 5000);
      files.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
      const picked = await vscode.window.showQuickPick(
        files.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u, picked: clicked?.fsPath === u.fsPath })),
        { canPickMany: true, title: 'NAR Lens: pick two or more models to compare', placeHolder: 'Type to filter; check at least two' },
      );
      if (!picked) return;
      uris = picked.map((p) => p.uri);
    }
    if (uris.length < 2) {
      void vscode.window.showWarningMessage('NAR Lens: Compare needs at least two models.');
      return;
    }
    await this.open(uris.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })), 'NAR Lens: Compare');
  }

  async open(inputs: CompareInput[], title: string, existing?: vscode.WebviewPanel): Promise<void> {
    const columns = await this.analyse(inputs);
    if (!columns) return;
    const panel = existing ?? vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, title, vscode.ViewColumn.Active, webviewOptions(this.extensionUri));
    this.attach(panel, inputs, columns);
  }

  private async analyse(inputs: CompareInput[]): Promise<Column[] | undefined> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'NAR Lens: analysing models to compare', cancellable: true },
      async (progress, token) => {
        const columns: Column[] = [];
        for (const [i, input] of inputs.entries()) {
          if (token.isCancellationRequested) return undefined;
          progress.report({ message: `${i + 1}/${inputs.length} ${basename(input.uri.fsPath)}`, increment: 100 / inputs.length });
          try {
            const e = await this.store.get(input.uri, token);
            columns.push(e.state === 'ok' ? { label: input.label, report: e.report } : { label: input.label, report: null, error: e.message });
          } catch (e) {
            if (token.isCancellationRequested) return undefined;
            columns.push({ label: input.label, report: null, error: (e as Error).message });
          }
        }
        return columns;
      },
    );
  }

  private attach(panel: vscode.WebviewPanel, inputs: CompareInput[], columns: Column[]): void {
    panel.webview.options = webviewOptions(this.extensionUri);
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, 'compareView', panel.title);
    const platform = readSettings().platform;
    const msg: ToCompareView = { type: 'compare', platform, columns };
    const sub = panel.webview.onDidReceiveMessage(async (raw: unknown) => {
      const m = parseFromCompareView(raw);
      if (!m) return this.log('compare view sent an invalid message; ignored');
      if (m.type === 'ready') {
        // What a reload needs to rebuild the panel; the webview keeps it in its state.
        void panel.webview.postMessage({ ...msg, restore: inputs.map((i) => ({ label: i.label, path: i.uri.fsPath })) });
      } else {
        const md = m.format === 'markdown';
        const target = await vscode.window.showSaveDialog({
          filters: md ? { Markdown: ['md'] } : { CSV: ['csv'] },
          defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file('.'), md ? 'nar-lens-compare.md' : 'nar-lens-compare.csv'),
        });
        if (!target) return;
        await vscode.workspace.fs.writeFile(target, Buffer.from(md ? toMarkdown(columns) : toCsv(columns), 'utf8'));
        void vscode.window.showInformationMessage(`NAR Lens: comparison saved to ${vscode.workspace.asRelativePath(target)}`);
      }
    });
    panel.onDidDispose(() => sub.dispose());
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const restore = (state as { restore?: unknown } | undefined)?.restore;
    const inputs = Array.isArray(restore)
      ? restore.filter((r): r is { label: string; path: string } => typeof r?.label === 'string' && typeof r?.path === 'string')
          .map((r) => ({ label: r.label, uri: vscode.Uri.file(r.path) }))
      : [];
    if (inputs.length === 0) {
      panel.dispose();
      return;
    }
    await this.open(inputs, panel.title, panel);
  }
}

// The read-only model view for .onnx and graph files (a custom editor: binary files cannot carry CodeLens).
// The extension sends the ModelReport; the webview renders it with textContent and Chart.js. Messages from the
// webview are validated before use.
import * as vscode from 'vscode';
import type { ReportStore, Entry } from './reportStore';
import { webviewHtml, webviewOptions } from './webviewHtml';
import { readSettings } from './settings';
import { parseFromModelView, type ToModelView } from '../../media/src/messages';

export const MODEL_VIEW_TYPE = 'narLens.modelView';

export class ModelEditorProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: ReportStore,
    private readonly log: (s: string) => void,
  ) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(doc: vscode.CustomDocument, panel: vscode.WebviewPanel, token: vscode.CancellationToken): Promise<void> {
    const webview = panel.webview;
    webview.options = webviewOptions(this.extensionUri);
    webview.html = webviewHtml(webview, this.extensionUri, 'modelView', vscode.workspace.asRelativePath(doc.uri));
    const post = (entry: Entry) => {
      const msg: ToModelView =
        entry.state === 'ok'
          ? { type: 'report', file: vscode.workspace.asRelativePath(doc.uri), platform: readSettings(doc.uri).platform, report: entry.report }
          : { type: 'error', file: vscode.workspace.asRelativePath(doc.uri), message: entry.message };
      void webview.postMessage(msg);
    };
    let ready = false;
    const subs = [
      webview.onDidReceiveMessage((raw: unknown) => {
        const msg = parseFromModelView(raw);
        if (!msg) {
          this.log('model view sent an invalid message; ignored');
          return;
        }
        if (msg.type === 'ready') {
          ready = true;
          this.store.get(doc.uri).then(post, (e: Error) => this.log(`model view: ${e.message}`));
        } else if (msg.type === 'compareWithBaseline') {
          void vscode.commands.executeCommand('narLens.compareWithBaseline', doc.uri);
        }
      }),
      this.store.onDidChange((uri) => {
        if (ready && uri.fsPath === doc.uri.fsPath) {
          const e = this.store.peek(uri);
          if (e) post(e);
        }
      }),
    ];
    panel.onDidDispose(() => subs.forEach((s) => s.dispose()));
    // Start the analysis now; the result is posted once the page says it is ready.
    void this.store.get(doc.uri, token).catch(() => undefined);
  }
}

// The read-only model view for .onnx and graph files (a custom editor: binary files cannot carry CodeLens).
// The extension sends the ModelReport; the webview renders it with textContent and Chart.js. Messages from the
// webview are validated before use.
import * as vscode from 'vscode';
import type { ReportStore, Entry } from './reportStore';
import type { Measurements } from './measurements';
import { webviewHtml, webviewOptions } from './webviewHtml';
import { readSettings } from './settings';
import { parseFromModelView, type ToModelView } from '../../media/src/messages';

export const MODEL_VIEW_TYPE = 'narLens.modelView';

export class ModelEditorProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: ReportStore,
    private readonly measurements: Measurements,
    private readonly log: (s: string) => void,
  ) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(doc: vscode.CustomDocument, panel: vscode.WebviewPanel, token: vscode.CancellationToken): Promise<void> {
    const webview = panel.webview;
    webview.options = webviewOptions(this.extensionUri);
    webview.html = webviewHtml(webview, this.extensionUri, 'modelView', vscode.workspace.asRelativePath(doc.uri));
    const post = async (entry: Entry) => {
      const file = vscode.workspace.asRelativePath(doc.uri);
      const msg: ToModelView =
        entry.state === 'ok'
          ? { type: 'report', file, platform: readSettings(doc.uri).platform, report: entry.report, measured: await this.measurements.get(doc.uri),
              trusted: vscode.workspace.isTrusted }
          : { type: 'error', file, message: entry.message };
      void webview.postMessage(msg);
    };
    const repost = (uri: vscode.Uri) => {
      if (!ready || uri.fsPath !== doc.uri.fsPath) return;
      const e = this.store.peek(uri);
      if (e) void post(e);
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
        } else if (msg.type === 'measure') {
          void vscode.commands.executeCommand('narLens.measure', doc.uri);
        }
      }),
      this.store.onDidChange(repost),
      this.measurements.onDidChange(repost),
      vscode.workspace.onDidGrantWorkspaceTrust(() => repost(doc.uri)),
    ];
    panel.onDidDispose(() => subs.forEach((s) => s.dispose()));
    // Start the analysis now; the result is posted once the page says it is ready.
    void this.store.get(doc.uri, token).catch(() => undefined);
  }
}

// Two status-bar items: the NAR Lens summary (models seen, predictor state, EP used) and, only when a model got
// slower than its baseline, a warning that names it and opens Compare (baseline vs now) on click.
import * as vscode from 'vscode';

export class LensStatusBar implements vscode.Disposable {
  readonly main = vscode.window.createStatusBarItem('narLens.status', vscode.StatusBarAlignment.Left, 10);
  readonly regression = vscode.window.createStatusBarItem('narLens.regression', vscode.StatusBarAlignment.Left, 9);

  constructor() {
    this.main.name = 'NAR Lens';
    this.main.command = 'narLens.showLog';
    this.regression.name = 'NAR Lens regression';
    this.regression.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    this.setSummary(0, 0, 'starting', null);
    this.main.show();
  }

  setSummary(models: number, errors: number, predictor: string, ep: string | null): void {
    const err = errors ? ` · ${errors} unreadable` : '';
    this.main.text = `$(pulse) NAR Lens: ${models} model${models === 1 ? '' : 's'}${err} · ${predictor}`;
    this.main.tooltip = `NAR Lens — ${models} model files analysed${err}\nPredictor: ${predictor}${ep ? `\nExecution provider: ${ep}` : ''}\nClick for the log.`;
  }

  showRegression(text: string, tooltip: string, uri: vscode.Uri): void {
    this.regression.text = `$(warning) ${text}`;
    this.regression.tooltip = tooltip;
    this.regression.command = { title: 'Compare with baseline', command: 'narLens.compareWithBaseline', arguments: [uri] };
    this.regression.show();
  }

  hideRegression(): void {
    this.regression.hide();
  }

  dispose(): void {
    this.main.dispose();
    this.regression.dispose();
  }
}

// "NAR Lens: Measure on this machine": runs a model with onnxruntime in the server child and keeps the result
// (total and per-layer medians) for the model view, as long as the file is unchanged. Running the user's model
// executes it, so it needs a trusted workspace; in restricted mode the command says why it will not run.
import * as vscode from 'vscode';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { MeasureResult } from '../server/protocol';
import { ServerClient, ServerError } from './serverClient';
import { readSettings, analyzeOptions } from './settings';
import { isModelPath } from './modelFiles';
import { ms } from './format';

export const UNTRUSTED_MESSAGE = 'NAR Lens: measuring runs the model with onnxruntime on this machine, which executes code from the '
  + 'model file. That is disabled in Restricted Mode; trust this workspace to measure. (Reading models and predicting '
  + 'latency work without trust: the predictor is NAR Lens\'s own model.)';

interface Kept {
  result: MeasureResult;
  size: number;
  mtimeMs: number;
}

export class Measurements implements vscode.Disposable {
  private readonly kept = new Map<string, Kept>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly client: ServerClient, private readonly log: (s: string) => void) {}

  /** The measurement of the file as it is on disk now; none once the file has changed since. */
  async get(uri: vscode.Uri): Promise<MeasureResult | undefined> {
    const k = this.kept.get(uri.fsPath);
    if (!k) return undefined;
    const st = await stat(uri.fsPath).catch(() => undefined);
    if (st && st.size === k.size && st.mtimeMs === k.mtimeMs) return k.result;
    this.kept.delete(uri.fsPath);
    return undefined;
  }

  async measure(uri: vscode.Uri | undefined): Promise<MeasureResult | undefined> {
    if (!vscode.workspace.isTrusted) {
      const pick = await vscode.window.showWarningMessage(UNTRUSTED_MESSAGE, 'Manage Workspace Trust');
      if (pick) void vscode.commands.executeCommand('workbench.trust.manage');
      return undefined;
    }
    if (!uri || uri.scheme !== 'file' || !isModelPath(uri.fsPath)) {
      void vscode.window.showWarningMessage('NAR Lens: open or select an .onnx model to measure.');
      return undefined;
    }
    const name = basename(uri.fsPath);
    if (!uri.fsPath.toLowerCase().endsWith('.onnx')) {
      void vscode.window.showWarningMessage(`NAR Lens: ${name} is graph JSON (no weights, nothing onnxruntime can run); measure the .onnx it was converted from.`);
      return undefined;
    }
    const st = await stat(uri.fsPath);
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `NAR Lens: measuring ${name} on this machine`, cancellable: true },
        (_p, token) => this.client.measure(uri.fsPath, analyzeOptions(readSettings(uri)), token),
      );
      this.kept.set(uri.fsPath, { result, size: st.size, mtimeMs: st.mtimeMs });
      this.log(`measured ${uri.fsPath}: ${result.totalMs.toFixed(3)} ms (${result.setup})`);
      this.changed.fire(uri);
      void vscode.window.showInformationMessage(`NAR Lens: ${name} measured ${ms(result.totalMs)} ms per run on this machine (${result.setup})${result.randomWeights ? '; the file has no weights, random ones were filled in' : ''}.`);
      return result;
    } catch (e) {
      if (e instanceof ServerError && e.code === 'cancelled') return undefined;
      this.log(`could not measure ${uri.fsPath}: ${(e as Error).message}`);
      void vscode.window.showErrorMessage(`NAR Lens: could not measure ${name}: ${(e as Error).message}`);
      return undefined;
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}

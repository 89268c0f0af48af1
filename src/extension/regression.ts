// Regression warnings. A model's baseline is its version at git HEAD (read through the built-in git extension's
// API, as bytes) or, outside git, a copy the user accepted ("NAR Lens: Accept current latency as baseline").
// When the current file is slower than its baseline by more than narLens.regressionThreshold %, the status bar
// names it and the change. Slower means predicted latency on the chosen platform; with no predictor installed
// the comparison is by FLOPs and says so (no latency is invented).
import * as vscode from 'vscode';
import { createHash } from 'node:crypto';
import { basename, extname } from 'node:path';
import type { ReportStore } from './reportStore';
import type { LensStatusBar } from './statusBar';
import type { ModelReport } from '../server/protocol';
import { pickPlatform } from './format';
import { readSettings } from './settings';
import { MODEL_EXTENSIONS } from './modelFiles';

const ACCEPTED_KEY = 'narLens.acceptedBaselines';

interface GitRepository {
  rootUri: vscode.Uri;
}
interface GitApi {
  getRepository(uri: vscode.Uri): GitRepository | null;
  toGitUri(uri: vscode.Uri, ref: string): vscode.Uri;
}

export interface Baseline {
  uri: vscode.Uri;
  source: 'HEAD' | 'accepted';
}

export interface Change {
  /** Fractional change, e.g. 0.12 = 12 % slower. */
  ratio: number;
  measure: string;
}

/** Slower by latency when both have it on the chosen platform, else by FLOPs (named as such). */
export function changeOf(base: ModelReport, now: ModelReport, platform: string): Change | undefined {
  const a = pickPlatform(base, platform);
  const b = pickPlatform(now, platform);
  if (a && b && a.platform === b.platform && a.latencyMs > 0) return { ratio: b.latencyMs / a.latencyMs - 1, measure: `latency on ${a.platform}` };
  if (base.totals.flops > 0) return { ratio: now.totals.flops / base.totals.flops - 1, measure: 'FLOPs (no predictor installed)' };
  return undefined;
}

export class RegressionWatch implements vscode.Disposable {
  private readonly regressions = new Map<string, { text: string; tooltip: string; uri: vscode.Uri }>();
  private readonly subs: vscode.Disposable[] = [];
  private git: GitApi | null | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly store: ReportStore,
    private readonly status: LensStatusBar,
    private readonly log: (s: string) => void,
  ) {
    this.subs.push(store.onDidChange((uri) => void this.check(uri).catch((e: Error) => log(`regression check: ${e.message}`))));
  }

  private get baselineDir(): vscode.Uri {
    return vscode.Uri.joinPath(this.context.globalStorageUri, 'baselines');
  }

  private isBaselineFile(uri: vscode.Uri): boolean {
    return uri.fsPath.startsWith(this.baselineDir.fsPath);
  }

  private async gitApi(): Promise<GitApi | null> {
    if (this.git !== undefined) return this.git;
    const ext = vscode.extensions.getExtension<{ getAPI(v: 1): GitApi }>('vscode.git');
    try {
      this.git = ext ? (ext.isActive ? ext.exports : await ext.activate()).getAPI(1) : null;
    } catch {
      this.git = null;
    }
    return this.git;
  }

  /** Stores bytes under the extension's storage, named by their hash (so a baseline is analysed once). */
  private async keep(bytes: Uint8Array, original: vscode.Uri): Promise<vscode.Uri> {
    const ext = MODEL_EXTENSIONS.find((e) => original.fsPath.toLowerCase().endsWith(e)) ?? extname(original.fsPath);
    const name = createHash('sha1').update(bytes).digest('hex') + ext;
    const target = vscode.Uri.joinPath(this.baselineDir, name);
    try {
      await vscode.workspace.fs.stat(target);
    } catch {
      await vscode.workspace.fs.createDirectory(this.baselineDir);
      await vscode.workspace.fs.writeFile(target, bytes);
    }
    return target;
  }

  async baselineFor(uri: vscode.Uri): Promise<Baseline | undefined> {
    const accepted = this.context.workspaceState.get<Record<string, string>>(ACCEPTED_KEY, {})[uri.fsPath];
    if (accepted) return { uri: vscode.Uri.file(accepted), source: 'accepted' };
    const git = await this.gitApi();
    const repo = git?.getRepository(uri);
    if (!git || !repo) return undefined;
    try {
      const bytes = await vscode.workspace.fs.readFile(git.toGitUri(uri, 'HEAD'));
      return { uri: await this.keep(bytes, uri), source: 'HEAD' };
    } catch {
      return undefined; // not in HEAD (a new file): no baseline
    }
  }

  async accept(uri: vscode.Uri): Promise<void> {
    const bytes = await vscode.workspace.fs.readFile(uri);
    const kept = await this.keep(bytes, uri);
    const map = { ...this.context.workspaceState.get<Record<string, string>>(ACCEPTED_KEY, {}), [uri.fsPath]: kept.fsPath };
    await this.context.workspaceState.update(ACCEPTED_KEY, map);
    this.regressions.delete(uri.fsPath);
    this.render();
    void vscode.window.showInformationMessage(`NAR Lens: ${basename(uri.fsPath)} accepted as its baseline.`);
  }

  private async check(uri: vscode.Uri): Promise<void> {
    if (this.isBaselineFile(uri)) return;
    const now = this.store.peek(uri);
    if (!now || now.state !== 'ok') return;
    const baseline = await this.baselineFor(uri);
    if (!baseline) return;
    const base = await this.store.get(baseline.uri);
    if (base.state !== 'ok') return;
    const settings = readSettings(uri);
    const change = changeOf(base.report, now.report, settings.platform);
    const name = basename(uri.fsPath);
    if (change && change.ratio * 100 > settings.regressionThreshold) {
      const pct = `+${(change.ratio * 100).toFixed(1)}%`;
      this.regressions.set(uri.fsPath, {
        text: `${name} ${pct} ${change.measure.startsWith('latency') ? 'slower' : 'FLOPs'} vs ${baseline.source}`,
        tooltip: `NAR Lens: ${name} is ${pct} by ${change.measure} compared with its ${baseline.source === 'HEAD' ? 'git HEAD version' : 'accepted baseline'} (threshold ${settings.regressionThreshold}%). Click to compare.`,
        uri,
      });
      this.log(`regression: ${name} ${pct} by ${change.measure} vs ${baseline.source}`);
    } else {
      this.regressions.delete(uri.fsPath);
    }
    this.render();
  }

  private render(): void {
    const list = [...this.regressions.values()];
    if (list.length === 0) return this.status.hideRegression();
    const first = list[list.length - 1];
    const more = list.length > 1 ? ` (+${list.length - 1} more)` : '';
    this.status.showRegression(first.text + more, list.map((r) => r.tooltip).join('\n'), first.uri);
  }

  dispose(): void {
    this.subs.forEach((s) => s.dispose());
  }
}

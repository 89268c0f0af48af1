// NAR Lens extension entry. activate() only registers providers and commands (measured and logged: it must stay
// well under 50 ms); the server process starts on the first request and the workspace scan runs after
// activation, with progress and cancellation. No model file is assumed to exist.
import * as vscode from 'vscode';
import { join } from 'node:path';
import { ServerClient } from './serverClient';
import { ReportStore } from './reportStore';
import { ModelDecorations } from './decorations';
import { ModelCodeLensProvider, ModelHoverProvider } from './textLenses';
import { ModelEditorProvider, MODEL_VIEW_TYPE } from './modelEditor';
import { ComparePanels, COMPARE_VIEW_TYPE } from './comparePanel';
import { RegressionWatch } from './regression';
import { LensStatusBar } from './statusBar';
import { Measurements } from './measurements';
import { startWatcher, watcherExcludeGlob } from './watcher';
import { MODEL_GLOB, isModelPath } from './modelFiles';
import { basename } from 'node:path';

/** How long a changed file must go unwritten before it is analysed (see SettleGate: measured from its mtime, so
 *  the watcher's own delivery delay is part of it). bench/results/extension.md has what a save then costs. */
export const SETTLE_MS = 100;

function toUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string') return arg.includes('://') ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  return vscode.window.activeTextEditor?.document.uri ?? activeCustomEditorUri();
}

function activeCustomEditorUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom ? input.uri : undefined;
}

export function activate(context: vscode.ExtensionContext): void {
  const t0 = performance.now();
  const channel = vscode.window.createOutputChannel('NAR Lens', { log: true });
  const log = (s: string) => channel.info(s);
  const client = new ServerClient({
    serverPath: join(context.extensionPath, 'dist', 'server.js'),
    extensionRoot: context.extensionPath,
    log,
  });
  const store = new ReportStore(client, log);
  const status = new LensStatusBar();
  const decorations = new ModelDecorations(store);
  const lenses = new ModelCodeLensProvider(store);
  const compare = new ComparePanels(context.extensionUri, store, log);
  const regressions = new RegressionWatch(context, store, status, log);
  const measurements = new Measurements(client, log);
  const textSelector: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }];

  context.subscriptions.push(
    channel,
    { dispose: () => client.dispose() },
    store,
    status,
    decorations,
    lenses,
    regressions,
    measurements,
    vscode.window.registerFileDecorationProvider(decorations),
    vscode.languages.registerCodeLensProvider(textSelector, lenses),
    vscode.languages.registerHoverProvider(textSelector, new ModelHoverProvider(store)),
    vscode.window.registerCustomEditorProvider(MODEL_VIEW_TYPE, new ModelEditorProvider(context.extensionUri, store, measurements, log), {
      supportsMultipleEditorsPerDocument: true,
    }),
    vscode.window.registerWebviewPanelSerializer(COMPARE_VIEW_TYPE, compare),
    startWatcher(store, SETTLE_MS, log),
    vscode.commands.registerCommand('narLens.openModel', (arg?: unknown) => {
      const uri = toUri(arg);
      if (uri) return vscode.commands.executeCommand('vscode.openWith', uri, MODEL_VIEW_TYPE);
    }),
    vscode.commands.registerCommand('narLens.compare', (clicked?: vscode.Uri, selection?: vscode.Uri[]) => compare.pickAndCompare(clicked, selection)),
    vscode.commands.registerCommand('narLens.compareWithBaseline', async (arg?: unknown) => {
      const uri = toUri(arg);
      if (!uri) return;
      const baseline = await regressions.baselineFor(uri);
      if (!baseline) {
        void vscode.window.showWarningMessage(`NAR Lens: ${basename(uri.fsPath)} has no baseline (not in git HEAD, none accepted).`);
        return;
      }
      await compare.open([
        { label: `${basename(uri.fsPath)} (${baseline.source})`, uri: baseline.uri },
        { label: `${basename(uri.fsPath)} (now)`, uri },
      ], `NAR Lens: ${basename(uri.fsPath)} vs ${baseline.source}`);
    }),
    vscode.commands.registerCommand('narLens.acceptBaseline', async (arg?: unknown) => {
      const uri = toUri(arg);
      if (uri && isModelPath(uri.fsPath)) await regressions.accept(uri);
      else void vscode.window.showWarningMessage('NAR Lens: select a model file to accept as baseline.');
    }),
    vscode.commands.registerCommand('narLens.measure', (arg?: unknown) => measurements.measure(toUri(arg))),
    vscode.commands.registerCommand('narLens.refresh', () => scanWorkspace(store, status, client, log, decorations)),
    vscode.commands.registerCommand('narLens.showLog', () => channel.show()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('narLens')) void scanWorkspace(store, status, client, log, decorations);
    }),
    store.onDidChange(() => updateSummary(store, status, client)),
  );

  const ms = performance.now() - t0;
  log(`activate() took ${ms.toFixed(1)} ms`);
  // The scan is deferred past activation so that activate() returns immediately.
  setTimeout(() => void scanWorkspace(store, status, client, log, decorations), 0);
}

let summaryTimer: NodeJS.Timeout | undefined;
function updateSummary(store: ReportStore, status: LensStatusBar, client: ServerClient): void {
  // Coalesced: a scan of hundreds of models would otherwise redraw the status bar hundreds of times.
  if (summaryTimer) return;
  summaryTimer = setTimeout(async () => {
    summaryTimer = undefined;
    // Baseline copies (git HEAD, accepted) live in the extension's storage: only workspace files count.
    const all = store.all().filter(([path]) => vscode.workspace.getWorkspaceFolder(vscode.Uri.file(path)) !== undefined);
    const errors = all.filter(([, e]) => e.state === 'error').length;
    const withPrediction = all.find(([, e]) => e.state === 'ok' && e.report.prediction.status === 'ok');
    let predictor = 'no predictor installed';
    let ep: string | null = null;
    if (withPrediction) {
      const s = await client.status().catch(() => undefined);
      predictor = `predictor: ${s?.platforms.join(', ') ?? '?'}`;
      ep = s?.executionProvider ?? null;
      if (ep) predictor += ` (${ep})`;
    }
    status.setSummary(all.length - errors, errors, predictor, ep);
  }, 100);
}

async function scanWorkspace(store: ReportStore, status: LensStatusBar, client: ServerClient, log: (s: string) => void,
  decorations: ModelDecorations): Promise<void> {
  const files = await vscode.workspace.findFiles(MODEL_GLOB, watcherExcludeGlob(), 10_000);
  log(`workspace scan: ${files.length} model files`);
  const run = async (progress?: vscode.Progress<{ message?: string; increment?: number }>, token?: vscode.CancellationToken) => {
    for (const [i, uri] of files.entries()) {
      if (token?.isCancellationRequested) break;
      progress?.report({ message: `${i + 1}/${files.length}`, increment: 100 / files.length });
      await store.get(uri, token).catch(() => undefined);
    }
  };
  // A handful of files finish before progress would be worth showing; hundreds get a cancellable notification.
  if (files.length > 20) {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'NAR Lens: analysing models', cancellable: true },
      (p, t) => run(p, t));
  } else {
    await run();
  }
  decorations.refreshAll(files);
  updateSummary(store, status, client);
}

export function deactivate(): void {
  /* disposables in context.subscriptions stop the server */
}

// CodeLens and hover on text that references model files (string literal paths) and at the top of exported
// graph files. provideCodeLenses is cheap (a regex scan + stat); the analysis happens in resolveCodeLens, and
// lenses refresh when a referenced model's report changes.
import * as vscode from 'vscode';
import { stat } from 'node:fs/promises';
import type { ReportStore, Entry } from './reportStore';
import { findModelLiterals, candidatePaths } from './modelPaths';
import { isModelPath } from './modelFiles';
import { lensLine, flops, params, bytes, unknownOpsText, pickPlatform, latency, noLatency, oodText, heldOutText } from './format';
import { readSettings } from './settings';

class ModelLens extends vscode.CodeLens {
  constructor(range: vscode.Range, readonly model: vscode.Uri) {
    super(range);
  }
}

async function firstExisting(paths: string[]): Promise<string | undefined> {
  for (const p of paths) {
    try {
      if ((await stat(p)).isFile()) return p;
    } catch {
      /* try the next candidate */
    }
  }
  return undefined;
}

function roots(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
}

/** Model references in a document, resolved to files that exist. */
async function references(doc: vscode.TextDocument): Promise<{ range: vscode.Range; model: vscode.Uri }[]> {
  const out: { range: vscode.Range; model: vscode.Uri }[] = [];
  if (doc.uri.scheme === 'file' && isModelPath(doc.uri.fsPath)) {
    out.push({ range: new vscode.Range(0, 0, 0, 0), model: doc.uri }); // an exported graph file itself
  }
  for (const lit of findModelLiterals(doc.getText())) {
    const file = await firstExisting(candidatePaths(lit.text, doc.uri.fsPath, roots()));
    if (file) out.push({ range: new vscode.Range(lit.line, lit.start, lit.line, lit.end), model: vscode.Uri.file(file) });
  }
  return out;
}

function entryLine(entry: Entry, platform: string): string {
  if (entry.state === 'error') return `⏱ NAR Lens: ${entry.message}`;
  return lensLine(entry.report, platform);
}

export class ModelCodeLensProvider implements vscode.CodeLensProvider<ModelLens>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly store: ReportStore) {
    this.sub = store.onDidChange(() => this.changed.fire());
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<ModelLens[]> {
    return (await references(doc)).map((r) => new ModelLens(r.range, r.model));
  }

  async resolveCodeLens(lens: ModelLens, token: vscode.CancellationToken): Promise<ModelLens> {
    const entry = await this.store.get(lens.model, token);
    lens.command = {
      title: entryLine(entry, readSettings(lens.model).platform),
      command: 'narLens.openModel',
      arguments: [lens.model],
      tooltip: 'Open the NAR Lens model view',
    };
    return lens;
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}

export class ModelHoverProvider implements vscode.HoverProvider {
  constructor(private readonly store: ReportStore) {}

  async provideHover(doc: vscode.TextDocument, pos: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const hit = (await references(doc)).find((r) => r.range.contains(pos) && !r.range.isEmpty);
    if (!hit) return undefined;
    const entry = await this.store.get(hit.model, token);
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: ['narLens.openModel'] };
    const name = vscode.workspace.asRelativePath(hit.model);
    md.appendMarkdown('**NAR Lens** · ');
    md.appendText(name);
    md.appendMarkdown('\n\n');
    if (entry.state === 'error') {
      md.appendText(entry.message);
    } else {
      const r = entry.report;
      const p = pickPlatform(r, readSettings(hit.model).platform);
      md.appendText(`⏱ ${p ? latency(p) : noLatency(r)}`);
      md.appendMarkdown('\n\n');
      md.appendText(`${flops(r.totals.flops)} · ${flops(r.totals.macs).replace('FLOPs', 'MACs')} · ${params(r.totals.params)} · ${bytes(r.totals.memory)} memory traffic`);
      md.appendMarkdown('\n\n');
      md.appendText(`coverage ${r.coverage.encoded}/${r.coverage.total} nodes; unknown ops: ${unknownOpsText(r)}`);
      const heldOut = heldOutText(p);
      if (heldOut) {
        md.appendMarkdown('\n\n');
        md.appendText(heldOut);
      }
      const ood = oodText(p);
      if (ood) {
        md.appendMarkdown('\n\n');
        md.appendText(`⚠ ${ood}`);
      }
    }
    const args = encodeURIComponent(JSON.stringify([hit.model.toString()]));
    md.appendMarkdown(`\n\n[Open model view](command:narLens.openModel?${args})`);
    return new vscode.Hover(md, hit.range);
  }
}

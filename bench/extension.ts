// `node out/bench/extension.js` (built by `node esbuild.mjs --bench`): the extension's two benchmarks from issue 5,
// run on the extension's own modules — watcher.ts (SettleGate), reportStore.ts, serverClient.ts with the real
// server child (dist/server.js), decorations.ts and textLenses.ts — in a Node process that plays the extension
// host (the `vscode` module is bench/extension/vscodeShim.ts; file events come from fs.watch).
//  (a) save → refresh: another process rewrites a ≈100 MB ResNet-50 in place; timed from the end of its write
//      until the decoration provider fires its change event for the file, and until the CodeLens provider (asked
//      right then, as VS Code would after its own debounce) returns the new text. Target ≤ 300 ms.
//  (b) event-loop stalls of this host process (perf_hooks.monitorEventLoopDelay, 1 ms resolution) while 200
//      models are analysed and predicted one after another through the store, with every decoration asked for
//      as it changes. Target: max stall ≤ 50 ms.
// Results: bench/results/extension.{md,json}.
import './extension/installShim';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from './extension/vscodeShim';
import { ServerClient } from '../src/extension/serverClient';
import { ReportStore } from '../src/extension/reportStore';
import { ModelDecorations } from '../src/extension/decorations';
import { ModelCodeLensProvider } from '../src/extension/textLenses';
import { startWatcher } from '../src/extension/watcher';
import { SETTLE_MS } from '../src/extension/main';
import { readModelFile } from '../src/core/onnx';
import { toGraphJsonText } from '../src/core/formats';
import { EXTENDED_VOCABULARY_VERSION } from '../src/core/tokenizer/vocabulary';
import { buildResNet50 } from './models/resnet';
import { buildTransformer } from './models/transformer';

const root = resolve(__dirname, '../..');
const cache = join(root, 'bench/.cache');
const corpus = join(root, 'test/fixtures/onnx-corpus/models');
const SAVES = 12;
const TARGET_SAVE_MS = 300;
const TARGET_STALL_MS = 50;

const now = () => performance.timeOrigin + performance.now();
/** A shim Uri where the extension's modules expect a vscode.Uri (it has every member they use). */
const fileUri = (p: string) => vscode.Uri.file(p) as unknown as import('vscode').Uri;
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const r1 = (x: number) => Math.round(x * 10) / 10;

/** An extension folder whose models/ holds a predictor: the shipped-size generated one when present, else the test fixture. */
function extensionRoot(): { dir: string; predictor: string } {
  const dir = mkdtempSync(join(tmpdir(), 'nar-lens-bench-ext-'));
  const generated = join(cache, 'predictor-d256-l2');
  const src = existsSync(join(generated, 'manifest.json')) ? generated : join(root, 'test/fixtures/predictor');
  mkdirSync(join(dir, 'models'));
  for (const f of readdirSync(src)) if (f.endsWith('.onnx') || f.endsWith('.json')) copyFileSync(join(src, f), join(dir, 'models', f));
  const path = join(dir, 'models', 'manifest.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as { predictors: { tokenizer: Record<string, string> }[] };
  for (const p of manifest.predictors) Object.assign(p.tokenizer, { mode: 'extended', vocabularyVersion: EXTENDED_VOCABULARY_VERSION });
  writeFileSync(path, JSON.stringify(manifest));
  return { dir, predictor: src === generated ? 'generated NAR-Former V2 at the shipped size (d=256, L=2, 3 members; bench/predict.ts)' : 'test/fixtures/predictor (tiny)' };
}

function host(extRoot: string, logs: { t: number; line: string }[]) {
  const log = (line: string) => logs.push({ t: now(), line });
  const client = new ServerClient({ serverPath: join(root, 'dist', 'server.js'), extensionRoot: extRoot, log });
  const store = new ReportStore(client, log);
  const decorations = new ModelDecorations(store);
  const lenses = new ModelCodeLensProvider(store);
  return { client, store, decorations, lenses, log };
}

/** A separate process that writes files on request, as an exporter would; answers with the time its write ended. */
function writer(files: Record<string, string>) {
  const child = spawn(process.execPath, ['-e', `
    const fs = require('fs');
    const bytes = ${JSON.stringify(files)};
    const loaded = {};
    for (const [k, p] of Object.entries(bytes)) loaded[k] = fs.readFileSync(p);
    process.send({ ready: true });
    process.on('message', (m) => {
      const start = performance.timeOrigin + performance.now();
      fs.writeFileSync(m.path, loaded[m.which]);
      process.send({ start, end: performance.timeOrigin + performance.now() });
    });
    process.on('disconnect', () => process.exit(0));`], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = new Promise<void>((r) => child.once('message', () => r()));
  const write = (path: string, which: string) => new Promise<{ start: number; end: number }>((r) => {
    child.once('message', (m) => r(m as { start: number; end: number }));
    child.send({ path, which });
  });
  return { ready, write, stop: () => child.disconnect() };
}

interface SaveResult { writeMs: number; settledMs: number; decorationMs: number; codeLensMs: number; lens: string }

async function benchSave(extRoot: string): Promise<{ saves: SaveResult[]; partial: string[]; sizes: number[] }> {
  const ws = mkdtempSync(join(tmpdir(), 'nar-lens-bench-ws-'));
  vscode.setWorkspaceRoot(ws);
  const a = join(cache, 'resnet50-embedded.onnx');
  mkdirSync(cache, { recursive: true });
  if (!existsSync(a)) writeFileSync(a, buildResNet50('embedded').bytes);
  const b = join(cache, 'resnet50-embedded-w105.onnx');
  if (!existsSync(b)) writeFileSync(b, buildResNet50('embedded', 1.05).bytes);
  const model = join(ws, 'big.onnx');
  copyFileSync(a, model);
  const script = 'import torch\ntorch.onnx.export(model, x, "big.onnx")\n';
  writeFileSync(join(ws, 'export.py'), script);
  const doc = { uri: vscode.Uri.file(join(ws, 'export.py')), getText: () => script };

  const logs: { t: number; line: string }[] = [];
  const h = host(extRoot, logs);
  const watcher = startWatcher(h.store, SETTLE_MS, h.log);
  const uri = fileUri(model);
  const first = await h.store.get(uri); // server start, predictor session: not part of a save
  if (first.state !== 'ok') throw new Error(`big.onnx: ${first.state === 'error' ? first.message : ''}`);
  const w = writer({ a, b });
  await w.ready;
  let lensText = '';
  const saves: SaveResult[] = [];
  const partial: string[] = [];
  for (let i = 0; i < SAVES; i++) {
    await new Promise((r) => setTimeout(r, 400)); // let the previous save's events drain
    const seen = new Promise<{ deco: number; lens: number; text: string }>((resolveSeen) => {
      const sub = h.decorations.onDidChangeFileDecorations(async (uris) => {
        if (!uris.some((u) => u.fsPath === model)) return;
        const deco = now();
        // What VS Code does next: ask the providers again. The lens text must be the new model's.
        await h.decorations.provideFileDecoration(uri, { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) } as never);
        const [lens] = await h.lenses.provideCodeLenses(doc as never);
        const resolved = await h.lenses.resolveCodeLens(lens, { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) } as never);
        const text = resolved.command?.title ?? '';
        if (text === lensText) return;
        if (!/GFLOPs/.test(text)) {
          // The file was analysed before its write finished: a settle failure, counted and reported.
          partial.push(text);
          return;
        }
        sub.dispose();
        resolveSeen({ deco, lens: now(), text });
      });
    });
    const from = logs.length;
    const t = await w.write(model, i % 2 === 0 ? 'b' : 'a');
    const got = await Promise.race([seen, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no refresh within 10 s')), 10_000))]);
    const settled = logs.slice(from).find((l) => l.line.startsWith('settled:'));
    saves.push({
      writeMs: r1(t.end - t.start),
      settledMs: r1((settled?.t ?? NaN) - t.end),
      decorationMs: r1(got.deco - t.end),
      codeLensMs: r1(got.lens - t.end),
      lens: got.text,
    });
    lensText = got.text;
    process.stderr.write(`save ${i + 1}/${SAVES}: ${JSON.stringify(saves[saves.length - 1])}\n`);
  }
  w.stop();
  watcher.dispose();
  h.client.dispose();
  rmSync(ws, { recursive: true, force: true });
  return { saves, partial, sizes: [a, b].map((p) => readFileSync(p).length) };
}

async function benchStalls(extRoot: string) {
  const ws = mkdtempSync(join(tmpdir(), 'nar-lens-bench-ws-'));
  vscode.setWorkspaceRoot(ws);
  // 200 distinct files: the 99 corpus models, each also as graph JSON, and a 2,500-node encoder in both formats.
  const files: string[] = [];
  for (const f of readdirSync(corpus).filter((x) => x.endsWith('.onnx')).sort()) {
    const p = join(ws, f);
    copyFileSync(join(corpus, f), p);
    files.push(p);
    const j = p.replace(/\.onnx$/, '.graph.json');
    writeFileSync(j, toGraphJsonText(readModelFile(p)));
    files.push(j);
  }
  const vit = join(ws, 'vit-2500.onnx');
  writeFileSync(vit, buildTransformer('embedded').bytes);
  files.push(vit, vit.replace(/\.onnx$/, '.graph.json'));
  writeFileSync(files[files.length - 1], toGraphJsonText(readModelFile(vit)));

  const logs: { t: number; line: string }[] = [];
  const h = host(extRoot, logs);
  await h.client.status(); // start the child before measuring, as activation's first request would
  const token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) } as never;
  // What VS Code does with a decoration change event: ask the provider for each file, in the host.
  h.decorations.onDidChangeFileDecorations((uris) => {
    for (const u of uris) void h.decorations.provideFileDecoration(u, token);
  });
  const hist = monitorEventLoopDelay({ resolution: 1 });
  const t0 = now();
  hist.enable();
  let predicted = 0;
  const notPredicted: string[] = [];
  for (const p of files) {
    const e = await h.store.get(fileUri(p));
    if (e.state === 'ok' && e.report.prediction.status === 'ok') predicted++;
    else notPredicted.push(`${p.slice(ws.length + 1)}: ${e.state === 'error' ? e.message : e.report.prediction.status === 'error' ? e.report.prediction.message : 'no predictor'}`);
  }
  hist.disable();
  const seconds = (now() - t0) / 1000;
  h.client.dispose();
  rmSync(ws, { recursive: true, force: true });
  const ms = (ns: number) => r1(ns / 1e6);
  return { files: files.length, predicted, notPredicted, seconds: r1(seconds), maxStallMs: ms(hist.max), p99Ms: ms(hist.percentile(99)),
    p50Ms: ms(hist.percentile(50)), meanMs: ms(hist.mean) };
}

async function main(): Promise<void> {
  if (!existsSync(join(root, 'dist', 'server.js'))) throw new Error('dist/server.js missing: run node esbuild.mjs --bench');
  const load0 = loadavg()[0];
  const ext = extensionRoot();
  const save = await benchSave(ext.dir);
  const stalls = await benchStalls(ext.dir);
  rmSync(ext.dir, { recursive: true, force: true });
  const saveTotals = save.saves.map((s) => s.codeLensMs);
  const result = {
    machine: `${cpus()[0]?.model ?? '?'}, ${cpus().length} cores, Node ${process.version}, load average ${load0.toFixed(1)} at start`,
    predictor: ext.predictor,
    settleQuietMs: SETTLE_MS,
    save: { modelBytes: save.sizes, saves: save.saves, analysedBeforeWriteEnded: save.partial,
      medianCodeLensMs: median(saveTotals), maxCodeLensMs: Math.max(...saveTotals),
      medianDecorationMs: median(save.saves.map((s) => s.decorationMs)), medianSettledMs: median(save.saves.map((s) => s.settledMs)),
      targetMs: TARGET_SAVE_MS },
    stalls: { ...stalls, targetMs: TARGET_STALL_MS },
  };
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/extension.json'), JSON.stringify(result, null, 2) + '\n');
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  const md = [
    '# Extension benchmarks (issue 5)',
    '',
    `Machine: ${result.machine}. Predictor: ${result.predictor}. Regenerate: \`node esbuild.mjs --bench && node out/bench/extension.js\`.`,
    '',
    'Both run the extension\'s own modules (watcher.ts → SettleGate, reportStore.ts, serverClient.ts with the real server',
    'child dist/server.js, decorations.ts, textLenses.ts) in a Node process standing in for the extension host; `vscode`',
    'is bench/extension/vscodeShim.ts and file events come from fs.watch (inotify), without VS Code\'s own watcher delivery',
    'delay — which the settle rule absorbs, since it measures quiet time from the file\'s mtime (see below).',
    '',
    `## (a) Save → updated decoration and CodeLens, ${save.sizes.map(mb).join(' / ')} ResNet-50 (weights embedded)`,
    '',
    'Another process rewrites `big.onnx` in place, alternating two ResNet-50 widths (different FLOPs). Times are from the',
    'end of that write to: the settle gate releasing the file; the decoration provider firing its change event for it',
    '(the server has answered and the store holds the new report); and the CodeLens provider, asked at that moment,',
    'returning the new text for the `"big.onnx"` literal in `export.py`. VS Code itself adds its CodeLens debounce',
    '(≥ 250 ms in 1.100) before it asks; that part is the editor\'s, not the extension\'s.',
    '',
    `| save | write itself | settled | decoration event | CodeLens text | lens |`,
    '|---|---|---|---|---|---|',
    ...save.saves.map((s, i) => `| ${i + 1} | ${s.writeMs} ms | ${s.settledMs} ms | ${s.decorationMs} ms | **${s.codeLensMs} ms** | ${s.lens.replace(/\|/g, '\\|')} |`),
    '',
    `Median save → CodeLens text **${result.save.medianCodeLensMs} ms**, worst ${result.save.maxCodeLensMs} ms (target ≤ ${TARGET_SAVE_MS} ms);`,
    `median settle ${result.save.medianSettledMs} ms of it (quiet period ${SETTLE_MS} ms after the file's last write, two equal looks`,
    `≥ 30 ms apart). Files analysed before their write had ended: ${save.partial.length}${save.partial.length ? ` (${save.partial.join('; ')})` : ''}.`,
    'The 100 MB file is not hashed: the server keys it by (device, inode, size, mtime ns) and its skim read touches',
    '< 5 % of the bytes; files ≤ 16 MB are still hashed first so touched-but-identical files are cache hits.',
    '',
    '## (b) Event-loop stalls of the host during prediction of 200 models',
    '',
    `${stalls.files} distinct files (the 99 corpus models, each also converted to graph JSON, and a 2,500-node encoder in both`,
    `formats) analysed and predicted one after another through the store, each decoration asked for as it changes;`,
    `${stalls.predicted} got a prediction${stalls.notPredicted.length ? ` (the others: ${stalls.notPredicted.length}, listed in extension.json)` : ''}. Took ${stalls.seconds} s.`,
    `monitorEventLoopDelay (1 ms resolution) in the host process: **max ${stalls.maxStallMs} ms**, p99 ${stalls.p99Ms} ms,`,
    `p50 ${stalls.p50Ms} ms, mean ${stalls.meanMs} ms (target: max ≤ ${TARGET_STALL_MS} ms). All analysis and onnxruntime work runs in the`,
    'server child; the host only passes messages and formats text.',
    '',
  ];
  writeFileSync(join(root, 'bench/results/extension.md'), md.join('\n'));
  process.stdout.write(md.join('\n'));
}

main().then(() => process.exit(0), (e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});

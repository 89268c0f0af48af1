// `npm run bench`: read → shapes → costs → tokens on the corpus and on large generated models, on this machine.
// Each case runs in its own child process so that its peak RSS growth is its own. Results go to
// bench/results/pipeline.{json,md}. Targets (issue 2): ≤ 50 ms median for the 100 MB ResNet-50 while reading < 5 %
// of its bytes; ≤ 50 ms for a 2,500-node graph; peak RSS growth < 50 MB.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync, truncateSync, openSync, closeSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { readModelFile } from '../src/core/onnx';
import { inferShapes } from '../src/core/graph/shapes';
import { computeCosts } from '../src/core/graph/costs';
import { tokenize } from '../src/core/tokenizer';
import { buildResNet50 } from './models/resnet';
import { buildTransformer } from './models/transformer';

const root = resolve(__dirname, '../..');
const cache = join(root, 'bench/.cache');
const corpus = join(root, 'test/fixtures/onnx-corpus/models');
const RUNS = 21;

interface StageTimes { read: number; shapes: number; costs: number; tokens: number; total: number }
interface CaseResult {
  name: string;
  files: number;
  nodes: number;
  fileBytes: number;
  bytesRead: number;
  medianMs: StageTimes;
  rssGrowthMB: number;
  /** Bytes of external data the models reference (checked by stat, never read). */
  externalBytes: number;
  failures: string[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function runOnce(path: string): { times: StageTimes; nodes: number; fileBytes: number; bytesRead: number } {
  const t0 = performance.now();
  const model = readModelFile(path);
  const t1 = performance.now();
  const shaped = inferShapes(model, { batch: 1 });
  const t2 = performance.now();
  const cost = computeCosts(shaped, 'fixed');
  const t3 = performance.now();
  tokenize(shaped, { mode: 'extended', batch: 1, costs: cost });
  const t4 = performance.now();
  return {
    times: { read: t1 - t0, shapes: t2 - t1, costs: t3 - t2, tokens: t4 - t3, total: t4 - t0 },
    nodes: model.graph.nodes.length,
    fileBytes: model.fileSize,
    bytesRead: model.bytesRead,
  };
}

/** Child side: times one case (one file, or every corpus file) and prints a CaseResult as JSON. */
function measureCase(name: string, files: string[]): CaseResult {
  // RSS growth per analysis: collect garbage before each run, keep the largest growth seen right after one.
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  gc();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const perFile: StageTimes[] = [];
  const failures: string[] = [];
  let nodes = 0, fileBytes = 0, bytesRead = 0;
  for (const file of files) {
    const runs: StageTimes[] = [];
    try {
      for (let i = 0; i < RUNS + 2; i++) {
        gc();
        const r = runOnce(file);
        if (i >= 2) runs.push(r.times); // two warm-up runs: JIT, file cache
        peak = Math.max(peak, process.memoryUsage().rss);
        if (i === 0) { nodes += r.nodes; fileBytes += r.fileBytes; bytesRead += r.bytesRead; }
      }
    } catch (err) {
      failures.push(`${file.split('/').pop()}: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    const pick = (k: keyof StageTimes) => median(runs.map((r) => r[k]));
    perFile.push({ read: pick('read'), shapes: pick('shapes'), costs: pick('costs'), tokens: pick('tokens'), total: pick('total') });
  }
  // For the corpus: the median file; for a single model: its median run.
  const pickAll = (k: keyof StageTimes) => median(perFile.map((r) => r[k]));
  return {
    name,
    files: files.length,
    nodes,
    fileBytes,
    bytesRead,
    medianMs: { read: pickAll('read'), shapes: pickAll('shapes'), costs: pickAll('costs'), tokens: pickAll('tokens'), total: pickAll('total') },
    rssGrowthMB: (peak - baseline) / 2 ** 20,
    externalBytes: files.reduce((sum, f) => sum + externalDataBytes(f), 0),
    failures,
  };
}

function externalDataBytes(file: string): number {
  const data = file.replace(/\.onnx$/, '.data');
  return data !== file && existsSync(data) ? statSync(data).size : 0;
}

function ensureModels(): Record<string, string[]> {
  mkdirSync(cache, { recursive: true });
  const resnet = join(cache, 'resnet50-embedded.onnx');
  if (!existsSync(resnet)) writeFileSync(resnet, buildResNet50('embedded').bytes);
  const wide = join(cache, 'resnet50x5-external.onnx');
  const wideData = join(cache, 'resnet50x5-external.data');
  if (!existsSync(wide) || !existsSync(wideData)) {
    const built = buildResNet50('external', 5, 'resnet50x5-external.data');
    writeFileSync(wide, built.bytes);
    // The reader only checks that every external range lies inside the data file, never reads it, so the data
    // file is created sparse at its full size (no 2.5 GB write).
    closeSync(openSync(wideData, 'w'));
    truncateSync(wideData, built.payloadBytes);
  }
  const vit = join(cache, 'vit-2500.onnx');
  if (!existsSync(vit)) writeFileSync(vit, buildTransformer('embedded').bytes);
  const corpusFiles = readdirSync(corpus).filter((f) => f.endsWith('.onnx')).sort().map((f) => join(corpus, f));
  return {
    'ResNet-50, weights embedded (≈100 MB)': [resnet],
    'ResNet-50 ×5 width, external data (>2 GB)': [wide],
    'ViT-style encoder, ≈2,500 nodes': [vit],
    'Corpus (99 real files), median file': corpusFiles,
  };
}

function fmt(n: number): string {
  return n < 1 ? n.toFixed(2) : n.toFixed(1);
}

function report(results: CaseResult[]): void {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    '# Pipeline benchmark: read → shapes → costs → tokens',
    '',
    `Machine: ${cpu}, ${cpus().length} cores, Node ${process.version}. Median of ${RUNS} runs after 2 warm-ups, one`,
    'process per case (peak RSS growth measured inside it). Regenerate with `npm run bench`.',
    '',
    '| case | nodes | file | read from disk | read ms | shapes ms | costs ms | tokens ms | **total ms** | peak RSS growth |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const m = r.medianMs;
    const share = r.name.includes('external') ? `${(r.bytesRead / 2 ** 20).toFixed(2)} MB; the ${(r.externalBytes / 2 ** 30).toFixed(2)} GB data file is only stat-ed` : r.fileBytes ? `${(r.bytesRead / 2 ** 20).toFixed(2)} MB (${((100 * r.bytesRead) / r.fileBytes).toFixed(2)} %)` : '—';
    lines.push(`| ${r.name} | ${r.nodes} | ${(r.fileBytes / 2 ** 20).toFixed(1)} MB | ${share} | ${fmt(m.read)} | ${fmt(m.shapes)} | ${fmt(m.costs)} | ${fmt(m.tokens)} | **${fmt(m.total)}** | ${fmt(r.rssGrowthMB)} MB |`);
  }
  lines.push('', 'Targets: ≤ 50 ms median for the 100 MB file while reading < 5 % of its bytes; ≤ 50 ms for a 2,500-node graph; peak RSS growth < 50 MB.');
  const failures = results.flatMap((r) => r.failures.map((f) => `- ${r.name}: ${f}`));
  if (failures.length) lines.push('', 'Files that ended in an error (expected for unsupported inputs):', ...failures);
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/pipeline.md'), lines.join('\n') + '\n');
  writeFileSync(join(root, 'bench/results/pipeline.json'), JSON.stringify({ machine: { cpu, cores: cpus().length, node: process.version }, runs: RUNS, results }, null, 2) + '\n');
  process.stdout.write(lines.join('\n') + '\n');
}

function main(): void {
  const [flag, name, ...files] = process.argv.slice(2);
  if (flag === '--case') {
    process.stdout.write(JSON.stringify(measureCase(name, files)));
    return;
  }
  const cases = ensureModels();
  const results: CaseResult[] = [];
  for (const [caseName, files] of Object.entries(cases)) {
    process.stderr.write(`bench: ${caseName} …\n`);
    const out = execFileSync(process.execPath, ['--expose-gc', __filename, '--case', caseName, ...files], { maxBuffer: 64 * 2 ** 20 });
    results.push(JSON.parse(out.toString()) as CaseResult);
  }
  report(results);
}

main();

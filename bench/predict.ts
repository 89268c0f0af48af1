// `npm run bench` (after pipeline.js): time of one prediction — pack tokens → onnxruntime-node run → interval and
// OOD — per model and per shipped predictor (their sizes and input forms differ), after start-up, through the same
// runtime as the server and the CLI (src/server/predictor.ts). Without models/manifest.json a predictor is
// generated here (NAR-Former V2, d=256, L=2, 3 members, one training step on synthetic graphs, in the form the
// exporter writes today): its numbers are meaningless, its cost is that of a d=256 predictor.
// Target: ≤ 30 ms per model after start-up. Results: bench/results/predict.{md,json}.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { analyzeFile } from '../src/core/analyze';
import { loadManifest, packInputs, type PredictorEntry, type PredictorManifest } from '../src/core/predict';
import { EXTENDED_VOCABULARY_VERSION } from '../src/core/tokenizer/vocabulary';
import type { Tokens } from '../src/core/tokenizer';
import { LARGE_GRAPH_CLASSES, LARGE_GRAPH_VERTICES, Predictor } from '../src/server/predictor';
import { buildResNet50 } from './models/resnet';
import { buildTransformer } from './models/transformer';

const root = resolve(__dirname, '../..');
const cache = join(root, 'bench/.cache');
const corpus = join(root, 'test/fixtures/onnx-corpus/models');
const TARGET_MS = 30;
const RUNS = 21;
const PYTHON = process.env.NAR_LENS_PYTHON ?? '/usr/bin/python3';

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function quantile(v: number[], q: number): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
}

/** models/ to use: real ones when installed, else a generated d=256 L=2 predictor in bench/.cache (made once). */
function predictorDir(): { dir: string; generated: boolean } {
  if (existsSync(join(root, 'models/manifest.json'))) return { dir: join(root, 'models'), generated: false };
  const dir = join(cache, 'predictor-d256-l2'); // bench/extension.ts reuses this folder
  // A cache made before the class form holds a dense or edge-form predictor: made again, so that today's form is
  // timed (checking for the edge form here made every run regenerate the class-form cache it had just written).
  const classForm = () =>
    (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { predictors: { inputForm?: string }[] }).predictors.every((p) => p.inputForm === 'classes');
  if (!existsSync(join(dir, 'manifest.json')) || !classForm()) {
    process.stderr.write('bench: generating a d=256 L=2 3-member predictor (one training step, synthetic graphs) …\n');
    const env = { ...process.env, PYTHONPATH: root, NAR_TRAIN_THREADS: '2', OMP_WAIT_POLICY: 'PASSIVE' };
    const py = (args: string[]) => {
      const r = spawnSync(PYTHON, args, { cwd: root, env, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${PYTHON} ${args.join(' ')} failed (needs torch + onnx):\n${r.stderr ?? r.error}`);
    };
    py(['-m', 'training.train.synthetic', '--out', join(dir, 'tensors'), '--graphs', '40', '--seed', '1']);
    py(['-m', 'training.train.train_predictor', '--tensors', join(dir, 'tensors'), '--platform', 'synthetic-a', '--members', '3',
      '--dim', '256', '--layers', '2', '--epochs', '1', '--max-steps', '1', '--out', dir, '--quiet']);
  }
  // The synthetic folder names its own vocabulary; the generated predictor is told to read today's extended tokens.
  const path = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as { predictors: { tokenizer: Record<string, string> }[] };
  for (const p of manifest.predictors) Object.assign(p.tokenizer, { mode: 'extended', vocabularyVersion: EXTENDED_VOCABULARY_VERSION });
  writeFileSync(path, JSON.stringify(manifest, null, 2));
  return { dir, generated: true };
}

function largeModels(): Record<string, string> {
  mkdirSync(cache, { recursive: true });
  const resnet = join(cache, 'resnet50-embedded.onnx');
  if (!existsSync(resnet)) writeFileSync(resnet, buildResNet50('embedded').bytes);
  const vit = join(cache, 'vit-2500.onnx');
  if (!existsSync(vit)) writeFileSync(vit, buildTransformer('embedded').bytes);
  return { 'ResNet-50 (generated)': resnet, 'ViT-style encoder, ≈2,500 nodes (generated)': vit };
}

/** A random tree of n vertices whose token rows are all different: no two vertices share a class, so the class
 *  form computes every vertex (its worst case; real networks repeat their layers). Tokens of `like`'s version. */
function distinctTree(n: number, like: Tokens): Tokens {
  let seed = 1;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const features = Array.from({ length: n }, () => Float32Array.from({ length: like.featureDim }, () => (random() < 0.1 ? 1 : 0)));
  const edges: [number, number][] = [];
  for (let i = 1; i < n; i++) edges.push([Math.floor(random() * i), i]);
  return {
    ...like, names: features.map((_, i) => `v${i}`), opTypes: features.map(() => 'Conv'), outputShapes: features.map(() => [1]),
    edges, features, coverage: { encoded: n, total: n }, unknownOps: {}, unknownShapes: 0,
  };
}

interface Timed { name: string; vertices: number; medianMs: number; runs: number }
interface Named { name: string; tokens: Tokens }

async function time(p: Predictor, entry: PredictorEntry, t: Named): Promise<Timed> {
  for (let i = 0; i < 2; i++) await p.predictOne(entry, t.tokens, ['cpu']); // warm-up: allocator, shape caches
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    await p.predictOne(entry, t.tokens, ['cpu']);
    samples.push(performance.now() - s);
    if (samples[0] > 500 && samples.length >= 5) break; // very large graphs: 5 runs are enough to see the cost
  }
  return { name: t.name, vertices: t.tokens.names.length, medianMs: median(samples), runs: samples.length };
}

interface PredictorTimes {
  id: string; inputForm: string; architecture: Record<string, number>; fileMB: number; firstMs: number;
  corpus: Timed[]; large: Timed[];
  threads: { name: string; vertices: number; oneMs: number; twoMs: number; defaultMs: number; defaultThreads: number }[];
}

/** One predictor over the corpus and the large models, then its slowest graphs again with one and two threads. */
async function timePredictor(manifest: PredictorManifest, entry: PredictorEntry, raw: RawEntry | undefined, corpus: Named[], large: Named[]): Promise<PredictorTimes> {
  const predictor = new Predictor(manifest);
  const t1 = performance.now();
  await predictor.predictOne(entry, corpus[0].tokens, ['cpu']); // start-up: opens the session
  const firstMs = performance.now() - t1;
  const corpusTimes: Timed[] = [];
  for (const t of corpus) corpusTimes.push(await time(predictor, entry, t));
  const largeTimes: Timed[] = [];
  for (const t of large) largeTimes.push(await time(predictor, entry, t));
  // The runtime's default: one intra-op thread, more for graphs of LARGE_GRAPH_VERTICES and up (LARGE_GRAPH_CLASSES
  // vertex classes of a d=128 model in the class form, each weighted by (d/128)² at width d). The slowest graphs
  // again with one thread throughout and with two throughout, for comparison.
  const oneThread = new Predictor(manifest, { threads: 1, largeGraphThreads: 1 });
  const twoThreads = new Predictor(manifest, { threads: 2, largeGraphThreads: 2 });
  const byCost = [...corpusTimes].sort((a, b) => b.medianMs - a.medianMs).slice(0, 3).map((t) => corpus.find((x) => x.name === t.name)!);
  const threads: PredictorTimes['threads'] = [];
  for (const t of [...byCost, ...large]) {
    const chosen = [...corpusTimes, ...largeTimes].find((x) => x.name === t.name)!;
    threads.push({
      name: t.name, vertices: chosen.vertices, defaultMs: chosen.medianMs, defaultThreads: predictor.threadsForInputs(packInputs(t.tokens, entry), entry.width),
      oneMs: (await time(oneThread, entry, t)).medianMs, twoMs: (await time(twoThreads, entry, t)).medianMs,
    });
  }
  return {
    id: entry.id, inputForm: entry.inputForm, architecture: raw?.architecture ?? {}, fileMB: statSync(entry.file).size / 2 ** 20,
    firstMs, corpus: corpusTimes, large: largeTimes, threads,
  };
}

interface RawEntry { id: string; architecture?: Record<string, number>; ensemble?: { members: unknown[] } }

async function main(): Promise<void> {
  const load0 = loadavg()[0];
  const { dir, generated } = predictorDir();
  const t0 = performance.now();
  const manifest = loadManifest(dir)!;
  const manifestMs = performance.now() - t0;
  const rawEntries = (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { predictors: RawEntry[] }).predictors;

  const files = readdirSync(corpus).filter((f) => f.endsWith('.onnx')).sort();
  const tokens: Named[] = [];
  const skipped: string[] = [];
  for (const f of files) {
    try {
      tokens.push({ name: f, tokens: analyzeFile(join(corpus, f)).tokens });
    } catch (e) {
      skipped.push(`${f}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  const large = Object.entries(largeModels()).map(([name, file]) => ({ name, tokens: analyzeFile(file).tokens }));
  const STRESS = 'Random tree, 5,000 vertices, every token distinct (stress case)';
  large.push({ name: STRESS, tokens: distinctTree(5000, tokens[0].tokens) });
  const results: PredictorTimes[] = [];
  for (const entry of manifest.predictors) {
    results.push(await timePredictor(manifest, entry, rawEntries.find((r) => r.id === entry.id), tokens, large));
  }
  const load1 = loadavg()[0];

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const f = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(1));
  const size = (r: PredictorTimes) => `d=${r.architecture.dim ?? '?'} L=${r.architecture.layers ?? '?'}`;
  const members = (id: string) => rawEntries.find((r) => r.id === id)?.ensemble?.members.length ?? '?';
  // The target is for networks; the stress case is no network (nothing repeats) and is reported beside it.
  const worst = (r: PredictorTimes) => Math.max(...r.corpus.map((t) => t.medianMs), ...r.large.filter((t) => t.name !== STRESS).map((t) => t.medianMs));
  const stress = Math.max(...results.map((r) => r.large.find((t) => t.name === STRESS)!.medianMs));
  const lines = [
    '# Predictor benchmark: one prediction after start-up',
    '',
    `Machine: ${cpu}, ${cpus().length} cores (shared; load average ${load0.toFixed(1)} → ${load1.toFixed(1)} during the run), Node ${process.version},`,
    `onnxruntime-node CPU execution provider, the runtime default of the server and the CLI: 1 intra-op thread, ${new Predictor(manifest).threadsFor(LARGE_GRAPH_VERTICES)} for graphs of ${LARGE_GRAPH_VERTICES.toLocaleString('en')} vertices and more (class form: ${LARGE_GRAPH_CLASSES.toLocaleString('en')} vertex classes and more at d=128, each class counting (d/128)² times at width d).`,
    `Predictors: ${generated ? 'one generated here (no trained predictor installed)' : 'every one in models/manifest.json'}, each timed on its own. ` +
      'One prediction = pack tokens → ORT run → interval + OOD (src/server/predictor.ts predictOne); tokenizing is not included',
    '(bench/results/pipeline.md times it). Median of up to ' + `${RUNS} runs after 2 warm-ups per model. Regenerate with \`npm run bench\`.`,
    '',
    `Start-up (once per process): manifest + side-cars + sha256 of ${manifest.predictors.length} file(s) ${f(manifestMs)} ms; first prediction, session creation included: ` +
      results.map((r) => `${r.id} ${f(r.firstMs)} ms`).join(', ') + '.',
    '',
    `| predictor | size, members | input form | corpus models | median ms | p90 ms | max ms | ≤ ${TARGET_MS} ms | ${large.map((l) => `${l.name} (${l.tokens.names.length} vertices) ms`).join(' | ')} |`,
    `|---|---|---|---|---|---|---|---|${large.map(() => '---|').join('')}`,
    ...results.map((r) => {
      const meds = r.corpus.map((t) => t.medianMs);
      const within = meds.filter((m) => m <= TARGET_MS).length;
      return `| ${r.id} | ${size(r)}, ${members(r.id)} | ${r.inputForm} | ${meds.length} (up to ${Math.max(...r.corpus.map((t) => t.vertices))} vertices) | ${f(median(meds))} | ${f(quantile(meds, 0.9))} | ${f(Math.max(...meds))} | ${within}/${meds.length} | ${r.large.map((t) => f(t.medianMs)).join(' | ')} |`;
    }),
    '',
    `Worst case over every network (corpus and generated) and predictor: ${f(Math.max(...results.map(worst)))} ms (target ≤ ${TARGET_MS} ms). ` +
      `The stress case, a random tree whose 5,000 token rows all differ, is no network: nothing repeats, so the class form computes every vertex, ${f(stress)} ms at most.`,
    '',
    'Slowest corpus models per predictor: ' + results.map((r) => `${r.id}: ` + [...r.corpus].sort((a, b) => b.medianMs - a.medianMs).slice(0, 3)
      .map((t) => `${t.name} (${t.vertices} vertices, ${f(t.medianMs)} ms)`).join('; ')).join('. ') + '.',
    '',
    'Cost: the class form grows with the vertex classes and the representatives\' edges (every vertex that each layer computes alike is computed once; models/README.md),',
    'the edge form with the distinct vertex rows and E (linears and GFFN once per distinct row, attention on every edge), the dense form with N².',
    '',
    'Threads (why one for small graphs and more for large ones): median ms with 1 and with 2 intra-op threads throughout, and with the default, on the same graphs, same process —',
    '',
    '| predictor | model | vertices | 1 thread | 2 threads | default (threads) |',
    '|---|---|---|---|---|---|',
    ...results.flatMap((r) => r.threads.map((c) => `| ${r.id} | ${c.name} | ${c.vertices} | ${f(c.oneMs)} | ${f(c.twoMs)} | ${f(c.defaultMs)} (${c.defaultThreads}) |`)),
  ];
  if (skipped.length) lines.push('', `Corpus files the pipeline cannot encode (not timed): ${skipped.length}.`);
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/predict.md'), lines.join('\n') + '\n');
  writeFileSync(join(root, 'bench/results/predict.json'), JSON.stringify({
    machine: { cpu, cores: cpus().length, node: process.version, loadAverage: [load0, load1] },
    generated, targetMs: TARGET_MS, startup: { manifestMs },
    worstMs: Math.max(...results.map(worst)), stressMs: stress,
    predictors: results.map((r) => {
      const meds = r.corpus.map((t) => t.medianMs);
      return {
        id: r.id, inputForm: r.inputForm, architecture: r.architecture, fileMB: r.fileMB, firstPredictionMs: r.firstMs,
        corpus: { models: meds.length, medianMs: median(meds), p90Ms: quantile(meds, 0.9), maxMs: Math.max(...meds), withinTarget: meds.filter((m) => m <= TARGET_MS).length, perModel: r.corpus },
        large: r.large, threads: r.threads,
      };
    }),
    skipped,
  }, null, 2) + '\n');
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`bench/predict: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});

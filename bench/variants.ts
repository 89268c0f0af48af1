// `npm run bench:variants`: how the shipped CPU predictor fares on the test-split networks of its own zoo (never
// trained on) when they come as users' files would: with trained-like weights (no tensors shared behind Identity
// nodes), with every BatchNormalization kept, at opset 14 (training/zoo/variants.py exports each way). onnxruntime runs every variant alike, so each keeps
// the zoo's measured latency as its label. Each is predicted with the tokenizer's runtime fusions
// (src/core/tokenizer/fusions/) on (what ships) and off (the file's nodes as they are). Needs torch
// (/usr/bin/python3) and the tensor folder of `sh training/train/reproduce.sh tensors`.
// Results: bench/results/variants.{md,json}.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { finalLabels, openDataset } from '../src/core/dataset';
import { readModel } from '../src/core/formats';
import { readModelBytes } from '../src/core/onnx';
import { inferShapes } from '../src/core/graph/shapes';
import { loadManifest } from '../src/core/predict';
import { tokenize, type Tokens } from '../src/core/tokenizer';
import { Predictor } from '../src/server/predictor';

const root = resolve(__dirname, '../..');
const PYTHON = process.env.NAR_LENS_PYTHON ?? '/usr/bin/python3';
const PLATFORM = 'ort-cpu-x86-1t';
const TENSORS = join(root, 'training/.runs/tensors/cpu-zoo-extended');
const PER_FAMILY = Number(process.env.NAR_VARIANTS_PER_FAMILY ?? 10);
// The families with a BatchNormalization after a Conv, and the two with layer norms.
const FAMILIES = ['resnet', 'mobilenetv2', 'mobilenetv3', 'efficientnet', 'mnasnet', 'googlenet', 'nb201', 'vit', 'convnext'];
const VARIANTS = {
  zoo: 'the zoo\'s export, as the data set holds it (initial values: equal tensors shared behind Identity nodes)',
  trained: 'the same export with trained-like values (every tensor distinct, no Identity nodes)',
  unfolded: 'trained-like, every BatchNormalization kept as a node',
  opset14: 'trained-like, opset 14 (a layer norm as nine ops)',
} as const;
/** What each variant's tokens should equal: the data set's copy for the zoo export, else the trained-like export. */
const REFERENCE: Record<Variant, string> = { zoo: 'data set', trained: 'trained', unfolded: 'trained', opset14: 'trained' };
type Variant = 'zoo' | 'trained' | 'unfolded' | 'opset14';

interface Row { id: string; family: string; latencyMs: number }
interface Scored { n: number; mape: number; acc10: number; sameTokens: number }

function exportVariants(dir: string): Row[] {
  const r = spawnSync(PYTHON, ['-W', 'ignore', '-m', 'training.zoo.variants', '--families', FAMILIES.join(','), '--out', dir,
    '--test-split', TENSORS, '--platform', PLATFORM, '--per-family', String(PER_FAMILY)],
  { encoding: 'utf8', cwd: root, env: { ...process.env, PYTHONPATH: root, OMP_NUM_THREADS: '1' }, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`training.zoo.variants failed: ${r.stderr || r.error?.message}`);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Row);
}

function tokensOf(path: string, runtimeFusions: boolean): Tokens {
  return tokenize(inferShapes(readModel(path), { batch: 1 }), { mode: 'extended', batch: 1, runtimeFusions });
}

/** What two token sets share when they are the same graph, row for row (names aside). */
function graphKey(t: Tokens): string {
  return JSON.stringify([t.opTypes, t.edges, t.features.map((r) => [...r]), [...t.static]]);
}

async function main(): Promise<void> {
  if (!existsSync(join(TENSORS, 'meta.json'))) throw new Error(`no tensor folder at ${TENSORS}: run sh training/train/reproduce.sh tensors`);
  const manifest = loadManifest(join(root, 'models'));
  const entry = manifest?.predictors.find((p) => p.platform === PLATFORM);
  if (!manifest || !entry) throw new Error(`no shipped predictor for ${PLATFORM} in models/manifest.json`);
  const predictor = new Predictor(manifest);
  const dataset = openDataset(join(root, 'datasets/cpu-zoo'));
  const labels = finalLabels(dataset.labels);
  const samples = new Map(dataset.samples.map((s) => [s.id, s]));

  mkdirSync(join(root, 'bench/.cache'), { recursive: true });
  const dir = mkdtempSync(join(root, 'bench/.cache/variants-'));
  const errors = new Map<string, number[]>(); // `${variant}|${fused}|${family}` → relative errors
  const sameTokens = new Map<string, number>();
  let rows: Row[];
  try {
    rows = exportVariants(dir);
    for (const row of rows) {
      const label = labels.get(PLATFORM)?.get(row.id);
      if (label === undefined || Math.abs(label - row.latencyMs) > 1e-3 * label) {
        throw new Error(`${row.id}: the tensor folder's label ${row.latencyMs} ms is not the data set's ${label} ms`);
      }
      const sample = samples.get(row.id)!;
      // Serialised once per graph: every variant, with and without fusions, is compared with them.
      const references: Record<string, string> = {
        'data set': graphKey(tokenize(inferShapes(readModelBytes(dataset.graph(sample)), { batch: 1 }), { mode: 'extended', batch: 1 })),
        trained: graphKey(tokensOf(join(dir, `${row.id}.trained.onnx`), true)),
      };
      for (const variant of Object.keys(VARIANTS) as Variant[]) {
        for (const fused of [true, false]) {
          const tokens = tokensOf(join(dir, `${row.id}.${variant}.onnx`), fused);
          const { estimate } = await predictor.predictOne(entry, tokens, ['cpu']);
          const matches = graphKey(tokens) === references[REFERENCE[variant]];
          for (const key of [`${variant}|${fused}|${row.family}`, `${variant}|${fused}|all`]) {
            const list = errors.get(key) ?? [];
            list.push(Math.abs(estimate.latencyMs - label) / label);
            errors.set(key, list);
            if (matches) sameTokens.set(key, (sameTokens.get(key) ?? 0) + 1);
          }
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const score = (key: string): Scored => {
    const e = errors.get(key) ?? [];
    return { n: e.length, mape: (100 * e.reduce((a, b) => a + b, 0)) / e.length, acc10: (100 * e.filter((x) => x <= 0.1).length) / e.length,
      sameTokens: sameTokens.get(key) ?? 0 };
  };
  const results: Record<string, Record<string, { fused: Scored; unfused: Scored }>> = {};
  for (const variant of Object.keys(VARIANTS) as Variant[]) {
    results[variant] = {};
    for (const family of [...FAMILIES, 'all']) {
      results[variant][family] = { fused: score(`${variant}|true|${family}`), unfused: score(`${variant}|false|${family}`) };
    }
  }

  const f = (s: Scored) => `${s.mape.toFixed(2)} · ${s.acc10.toFixed(1)}`;
  const lines = [
    '# The shipped CPU predictor on its own test networks exported as users\' files come',
    '',
    `${rows.length} CPU-zoo graphs from the in-domain test split of the shipped \`${PLATFORM}\` predictor (the first ${PER_FAMILY} per family`,
    'of the families with a BatchNormalization after a Conv or a layer norm), each exported four ways by',
    '`training/zoo/variants.py`. onnxruntime runs the four alike, so each keeps the zoo\'s measured latency as its label.',
    'Predicted with the tokenizer\'s runtime fusions (`src/core/tokenizer/fusions/`, what ships) and without them (the',
    'file\'s nodes as they are). Cells: MAPE % · Acc(10%) %; "same tokens": graphs whose tokens equal those of the',
    'reference (the data set\'s own copy for the zoo\'s export, else the trained-like export with fusions).',
    'Regenerate with `npm run bench:variants`.',
    '',
    '| export | graphs | with fusions | same tokens | without fusions | same tokens | reference |',
    '|---|---|---|---|---|---|---|',
    ...(Object.keys(VARIANTS) as Variant[]).map((v) => {
      const r = results[v].all;
      return `| ${VARIANTS[v]} | ${r.fused.n} | ${f(r.fused)} | ${r.fused.sameTokens}/${r.fused.n} | ${f(r.unfused)} | ${r.unfused.sameTokens}/${r.unfused.n} | ${REFERENCE[v]} |`;
    }),
    '',
    'Per family (MAPE % · Acc(10%) %, with fusions / without):',
    '',
    `| family | ${(Object.keys(VARIANTS) as Variant[]).join(' | ')} |`,
    `|---|${Object.keys(VARIANTS).map(() => '---|').join('')}`,
    ...FAMILIES.map((fam) => `| ${fam} | ${(Object.keys(VARIANTS) as Variant[]).map((v) => `${f(results[v][fam].fused)} / ${f(results[v][fam].unfused)}`).join(' | ')} |`),
    '',
  ];
  writeFileSync(join(root, 'bench/results/variants.md'), lines.join('\n'));
  writeFileSync(join(root, 'bench/results/variants.json'), JSON.stringify({ platform: PLATFORM, perFamily: PER_FAMILY, results }, null, 1) + '\n');
  console.log(lines.join('\n'));
}

main().catch((e) => {
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
});

// `nar-lens predict` and `nar-lens platforms` (dist/cli.js) with the committed tiny V2 predictor installed in a
// temporary models folder: the JSON rows must equal what onnxruntime-node gives for the same inputs — built here
// from `nar-lens tokenize --json` independently of the CLI's packing — with the interval and OOD flag recomputed
// from the side-car; plus no predictor, corrupt models, a damaged predictor, another vocabulary, --platform.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, appendFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { FIXTURE_ID, fixtureEntry, fixtureSidecar, installFixture } from '../helpers/predictorFixture';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const CORPUS = join(ROOT, 'test', 'fixtures', 'onnx-corpus', 'models');
const RESNET = join(CORPUS, 'nnlqp_resnet18-v1-7-no-weight.onnx');
const CONV = join(CORPUS, 'onnx_pytorch-converted__test_Conv2d.onnx');
const tmp = mkdtempSync(join(tmpdir(), 'nar-lens-cli-predict-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const MODELS = installFixture(tmp);

function run(args: string[], env: NodeJS.ProcessEnv = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NAR_LENS_MODELS: '', ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface Row { file: string; platform: string; predictor: string; latencyMs: number; interval: [number, number]; coverage: { encoded: number; total: number }; ood: boolean; oodReasons: string[] }

/** What the predictor gives for `file`, computed without the CLI's predictor code: tokens from `tokenize --json`,
 *  tensors packed here, one ORT session, interval and OOD from the side-car by the formulas of models/README.md. */
async function expected(file: string, batch = 1): Promise<{ latencyMs: number; interval: [number, number]; ood: boolean; n: number }> {
  const t = run(['tokenize', file, '--json', '--batch', String(batch)]);
  assert.equal(t.code, 0, t.stderr);
  const tok = JSON.parse(t.stdout) as { features: number[][]; edges: [number, number][]; static: number[]; coverage: { encoded: number; total: number } };
  const n = tok.features.length;
  const f = tok.features[0].length;
  // The edge form (models/README.md): both directions of every undirected edge once, no self-loops, sorted.
  const pairs = new Set<string>();
  for (const [a, b] of tok.edges) if (a !== b) pairs.add(`${a},${b}`).add(`${b},${a}`);
  const sorted = [...pairs].map((p) => p.split(',').map(Number)).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const session = await ort.InferenceSession.create(join(MODELS, `${FIXTURE_ID}.onnx`));
  const out = await session.run({
    tokens: new ort.Tensor('float32', Float32Array.from(tok.features.flat()), [n, f]),
    edge_src: new ort.Tensor('int64', BigInt64Array.from(sorted.map((p) => BigInt(p[0]))), [sorted.length]),
    edge_dst: new ort.Tensor('int64', BigInt64Array.from(sorted.map((p) => BigInt(p[1]))), [sorted.length]),
    static: new ort.Tensor('float32', Float32Array.from(tok.static), [1, tok.static.length]),
  });
  const ms = (out.latency_ms.data as Float32Array)[0];
  const members = Array.from(out.latency_members.data as Float32Array);
  const mean = members.reduce((a, b) => a + b, 0) / members.length;
  const std = Math.sqrt(members.reduce((a, b) => a + (b - mean) ** 2, 0) / members.length);
  const { spreadScale, relativeErrorQ } = fixtureEntry().interval as { spreadScale: number; relativeErrorQ: number };
  const half = Math.max(spreadScale * std, relativeErrorQ * ms);
  const { ood } = fixtureSidecar();
  const e = Array.from(out.embedding.data as Float32Array);
  const z = e.map((v, i) => (v - ood.mean[i]) / ood.std[i]);
  const d = Math.min(...ood.centroids.map((c) => Math.sqrt(c.reduce((s, ci, i) => s + (z[i] - ci) ** 2, 0)))) / Math.sqrt(z.length);
  const unknown = tok.coverage.encoded < tok.coverage.total;
  return { latencyMs: ms, interval: [Math.max(0, ms - half), ms + half], ood: unknown || d > ood.threshold, n };
}

test('predict --json: one row per file and platform, numbers equal to onnxruntime on the same inputs', async () => {
  const r = run(['predict', RESNET, CONV, '--models', MODELS, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const rows = JSON.parse(r.stdout) as Row[];
  assert.equal(rows.length, 2);
  for (const [row, file] of [[rows[0], RESNET], [rows[1], CONV]] as const) {
    assert.deepEqual(Object.keys(row).sort(), ['coverage', 'file', 'interval', 'latencyMs', 'ood', 'oodReasons', 'platform', 'predictor']);
    assert.equal(row.file, file);
    assert.equal(row.platform, 'synthetic-a');
    assert.equal(row.predictor, FIXTURE_ID);
    const want = await expected(file);
    assert.ok(Math.abs(row.latencyMs - want.latencyMs) <= 1e-6 * Math.abs(want.latencyMs), `${row.latencyMs} vs ${want.latencyMs}`);
    assert.ok(row.latencyMs > 0);
    for (const k of [0, 1]) assert.ok(Math.abs(row.interval[k] - want.interval[k]) <= 1e-6 * want.interval[1], `interval ${row.interval} vs ${want.interval}`);
    assert.ok(row.interval[0] <= row.latencyMs && row.latencyMs <= row.interval[1]);
    assert.equal(row.ood, want.ood);
    assert.equal(row.oodReasons.length > 0, row.ood, 'an OOD row says why, an in-distribution one has no reason');
    assert.equal(row.coverage.total, want.n);
  }
  assert.deepEqual(rows[0].coverage, { encoded: 50, total: 50 }); // 70 vertices, 20 BatchNormalizations folded
});

test('predict --batch changes the static vector and so the prediction, as onnxruntime does', async () => {
  const r = run(['predict', RESNET, '--models', MODELS, '--json', '--batch', '8']);
  assert.equal(r.code, 0, r.stderr);
  const [row] = JSON.parse(r.stdout) as Row[];
  const want = await expected(RESNET, 8);
  assert.ok(Math.abs(row.latencyMs - want.latencyMs) <= 1e-6 * want.latencyMs);
  const one = (JSON.parse(run(['predict', RESNET, '--models', MODELS, '--json']).stdout) as Row[])[0];
  assert.notEqual(row.latencyMs, one.latencyMs);
});

test('predict: human output names platform and interval, in aligned columns', () => {
  const r = run(['predict', RESNET, CONV, '--models', MODELS]);
  assert.equal(r.code, 0, r.stderr);
  const [table, why] = r.stdout.trimEnd().split('\n\n');
  const lines = table.split('\n');
  assert.equal(lines.length, 3);
  // each OUT OF DISTRIBUTION row is explained under the table, and only those
  const flagged = lines.filter((l) => l.endsWith('OUT OF DISTRIBUTION')).length;
  const reasons = why ? why.split('\n').slice(1) : [];
  if (why) assert.equal(why.split('\n')[0], 'out of distribution because:');
  assert.equal(reasons.length, flagged);
  for (const line of reasons) assert.match(line, /^ {2}\S+\.onnx on synthetic-a: .+/);
  assert.match(lines[0], /^file +platform +latency +interval +coverage +distribution$/);
  assert.match(lines[1], /^nnlqp_resnet18-v1-7-no-weight\.onnx +synthetic-a +\d+\.\d+ ms +\d[\d.]*–\d[\d.]* ms \(90 %\) +50\/50 +(in distribution|OUT OF DISTRIBUTION)$/);
  const col = (l: string, word: RegExp) => l.search(word);
  assert.equal(col(lines[1], /synthetic-a/), col(lines[0], /platform/));
  assert.equal(col(lines[2], /synthetic-a/), col(lines[0], /platform/));
  assert.equal(lines[1].indexOf(' ms ') , lines[2].indexOf(' ms '), 'latencies right-aligned');
});

test('no predictor installed: a clear message and exit 1, never a number', () => {
  const empty = join(tmp, 'no-models');
  mkdirSync(empty);
  for (const args of [['predict', RESNET, '--models', empty], ['predict', RESNET, '--models', empty, '--json'], ['platforms', '--models', empty]]) {
    const r = run(args);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /no predictor installed in models\/ — see models\/README\.md/);
  }
  // NAR_LENS_MODELS is used when --models is absent, and --models wins over it.
  assert.equal(run(['predict', RESNET, '--json'], { NAR_LENS_MODELS: MODELS }).code, 0);
  assert.match(run(['predict', RESNET], { NAR_LENS_MODELS: MODELS }).stdout, /synthetic-a/);
  assert.equal(run(['predict', RESNET, '--models', empty], { NAR_LENS_MODELS: MODELS }).code, 1);
});

test('a corrupt model file: one stderr line naming it, exit 1, the other files still predicted', () => {
  const bad = join(tmp, 'corrupt.onnx');
  writeFileSync(bad, readFileSync(RESNET).subarray(0, 3000));
  const r = run(['predict', bad, RESNET, '--models', MODELS, '--json']);
  assert.equal(r.code, 1);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^nar-lens predict: .*corrupt\.onnx/);
  const rows = JSON.parse(r.stdout) as Row[];
  assert.deepEqual(rows.map((x) => x.file), [RESNET]);
  const missing = run(['predict', join(tmp, 'nope.onnx'), '--models', MODELS]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nope\.onnx/);
});

test('a damaged predictor, another vocabulary, an unknown platform: clear errors and exit 1', () => {
  const damaged = installFixture(tmp);
  appendFileSync(join(damaged, `${FIXTURE_ID}.onnx`), 'x');
  const d = run(['predict', RESNET, '--models', damaged, '--json']);
  assert.equal(d.code, 1);
  assert.equal(d.stdout, '');
  assert.match(d.stderr, /does not match its sha256/);

  const vocab = installFixture(tmp, (e) => ({ ...e, tokenizer: { ...e.tokenizer, vocabularyVersion: 'ext-0' } }));
  const v = run(['predict', RESNET, '--models', vocab, '--json']);
  assert.equal(v.code, 1);
  assert.deepEqual(JSON.parse(v.stdout), []);
  assert.match(v.stderr, /nnlqp_resnet18-v1-7-no-weight\.onnx: predictor synthetic-a-v2-reference was trained on tokens extended\/ext-0, but the tokenizer produced extended\/ext-\d+/);

  const p = run(['predict', RESNET, '--models', MODELS, '--platform', 'raspi4']);
  assert.equal(p.code, 1);
  assert.match(p.stderr, /no predictor for platform 'raspi4' \(installed: synthetic-a\)/);
  assert.equal(run(['predict', RESNET, '--models', MODELS, '--platform', 'synthetic-a', '--json']).code, 0);
  assert.equal(run(['predict', '--models', MODELS]).code, 2, 'no file is a usage error');
});

test('platforms: installed platforms with validation and test MAPE and training data', () => {
  const j = run(['platforms', '--models', MODELS, '--json']);
  assert.equal(j.code, 0, j.stderr);
  const [p] = JSON.parse(j.stdout);
  const entry = fixtureEntry() as unknown as { validation: { mape: number }; trainedOn: { train: number; validation: number } };
  assert.equal(p.platform, 'synthetic-a');
  assert.equal(p.predictor, FIXTURE_ID);
  assert.equal(p.validationMape, entry.validation.mape);
  assert.equal(p.trainedOn.dataset, 'synthetic');
  assert.equal(p.trainedOn.train, entry.trainedOn.train);
  assert.equal(p.sha256, '812699d83f113f90fb380e3f8324ea8b16009cf3b920d31e34f1a9efb9ff8506');
  const t = run(['platforms', '--models', MODELS]);
  assert.equal(t.code, 0);
  assert.match(t.stdout, /^platform +predictor +tokens +val\. MAPE +test MAPE +trained on\n/);
  const testMape = 'not stated'; // the fixture was exported without a test split
  assert.match(t.stdout, new RegExp(`synthetic-a +${FIXTURE_ID} +extended/ext-\\d+ +${entry.validation.mape.toFixed(2)} % +${testMape} +synthetic \\(${entry.trainedOn.train} train \\+ ${entry.trainedOn.validation} validation graphs\\)`));
});

test('platforms: the held-out test figures of an entry that states them', () => {
  const withTest = installFixture(tmp, (e) => ({ ...e, test: { all: { n: 250, mape: 4.567, acc10: 88 }, families: {}, intervalCoverage: 0.92 } }));
  const j = run(['platforms', '--models', withTest, '--json']);
  assert.equal(j.code, 0, j.stderr);
  assert.deepEqual(JSON.parse(j.stdout)[0].test, { n: 250, mape: 4.567, acc10: 88, intervalCoverage: 0.92 });
  assert.match(run(['platforms', '--models', withTest]).stdout, / 4\.57 % +synthetic /);
});

// The runtime (src/server/predictor.ts) on the two input forms of the same predictor: the committed fixture's
// three members exported as an edge list (test/fixtures/predictor) and dense (test/fixtures/predictor/dense).
// Packed from the same Tokens, both must give the same latency, interval and OOD distance (≤ 1e-4 relative) on
// real corpus networks and on the graphs the edge form must get right: one vertex (no edges at all) and vertices
// without edges beside connected ones. A manifest entry whose form does not match its file is refused clearly.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFile } from '../../src/core/analyze';
import { loadManifest, type Estimate, type PredictorEntry } from '../../src/core/predict';
import type { Tokens } from '../../src/core/tokenizer/types';
import { EXTENDED_VOCABULARY_VERSION } from '../../src/core/tokenizer/vocabulary';
import { Predictor } from '../../src/server/predictor';
import { installFixture } from '../helpers/predictorFixture';
import { handTokens } from './tokens';

const tmp = mkdtempSync(join(tmpdir(), 'nar-lens-forms-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const CORPUS = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'onnx-corpus', 'models');
const FILES = ['nnlqp_resnet18-v1-7-no-weight.onnx', 'onnx_light__light_inception_v1.onnx', 'onnx_light__light_squeezenet.onnx', 'libonnx_mnist_8.onnx'];

function open(dir: string): { predictor: Predictor; entry: PredictorEntry } {
  const manifest = loadManifest(dir)!;
  return { predictor: new Predictor(manifest), entry: manifest.predictors[0]! };
}

const dense = open(installFixture(tmp, undefined, 'dense'));
const edges = open(installFixture(tmp));

/** Tokens of `n` vertices with 152-value rows and a 40-value static vector, in today's extended vocabulary. */
function syntheticTokens(n: number, edgeList: [number, number][]): Tokens {
  const row = (i: number) => Float32Array.from({ length: 152 }, (_, j) => ((i * 7 + j * 3) % 11) / 10);
  return handTokens({
    vocabularyVersion: EXTENDED_VOCABULARY_VERSION,
    names: Array.from({ length: n }, (_, i) => `v${i}`),
    opTypes: Array.from({ length: n }, () => 'Conv'),
    outputShapes: Array.from({ length: n }, () => [1]),
    edges: edgeList,
    features: Array.from({ length: n }, (_, i) => row(i)),
    featureDim: 152,
    static: Float32Array.from({ length: 40 }, (_, j) => Math.sin(j)),
    coverage: { encoded: n, total: n },
  });
}

function relative(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-9);
}

function assertSame(got: Estimate, want: Estimate, what: string): void {
  assert.ok(relative(got.latencyMs, want.latencyMs) <= 1e-4, `${what}: latency ${got.latencyMs} (edges) vs ${want.latencyMs} (dense)`);
  for (const k of [0, 1] as const) {
    assert.ok(relative(got.interval[k], want.interval[k]) <= 1e-4, `${what}: interval ${got.interval} vs ${want.interval}`);
  }
  assert.ok(want.oodDistance !== undefined && got.oodDistance !== undefined);
  assert.ok(relative(got.oodDistance, want.oodDistance) <= 1e-4, `${what}: OOD distance ${got.oodDistance} vs ${want.oodDistance}`);
  assert.equal(got.outOfDistribution, want.outOfDistribution, what);
}

async function both(tokens: Tokens): Promise<[Estimate, Estimate]> {
  const e = await edges.predictor.predictOne(edges.entry, tokens, ['cpu']);
  const d = await dense.predictor.predictOne(dense.entry, tokens, ['cpu']);
  return [e.estimate, d.estimate];
}

test('both fixtures hold the same ensemble in the two input forms', () => {
  assert.deepEqual([dense.entry.inputForm, edges.entry.inputForm], ['dense', 'edges']);
  assert.equal(edges.entry.id, dense.entry.id);
  assert.deepEqual([edges.entry.spreadScale, edges.entry.relativeErrorQ], [dense.entry.spreadScale, dense.entry.relativeErrorQ]);
  assert.notEqual(edges.entry.sha256, dense.entry.sha256);
});

test('edge form = dense form on real networks (latency, interval, OOD distance)', async () => {
  const latencies = new Set<number>();
  for (const file of FILES) {
    const tokens = analyzeFile(join(CORPUS, file)).tokens;
    const [e, d] = await both(tokens);
    assertSame(e, d, file);
    assert.ok(e.latencyMs > 0 && Number.isFinite(e.latencyMs));
    latencies.add(d.latencyMs);
  }
  assert.equal(latencies.size, FILES.length, 'different networks get different predictions (the check can fail)');
});

test('edge form = dense form on a lone vertex (E = 0) and on isolated vertices beside a path', async () => {
  const [e1, d1] = await both(syntheticTokens(1, []));
  assertSame(e1, d1, 'one vertex');
  const [e2] = await both(syntheticTokens(1, [[0, 0]]));
  assertSame(e2, d1, 'one vertex with a self-loop (dropped)');
  const [e3, d3] = await both(syntheticTokens(6, [[0, 1], [1, 2], [2, 1], [1, 1]]));
  assertSame(e3, d3, 'isolated vertices');
  const [e4] = await both(syntheticTokens(6, [[0, 1], [1, 2], [2, 3]]));
  assert.ok(relative(e4.latencyMs, e3.latencyMs) > 1e-6, 'one more edge changes the prediction (the edges are read)');
});

test('an entry whose inputForm does not match its file is refused with the missing inputs named', async () => {
  const wrong = open(installFixture(tmp, (e) => ({ ...e, inputForm: 'edges' }), 'dense'));
  await assert.rejects(wrong.predictor.predictOne(wrong.entry, syntheticTokens(2, [[0, 1]]), ['cpu']),
    /lacks edge_src, edge_dst: not a NAR Lens predictor of input form edges/);
});

// The prediction path end to end with a real onnxruntime-node session: a tiny generated predictor with the
// shipped interface (tokens, adjacency, node_mask, static → latency_ms, embedding, latency_members) whose output
// is known (0.5 ms per token vertex), a manifest in the exporter's schema, EP fallback, and manifest errors.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServerClient } from '../../src/extension/serverClient';
import { EXTENDED_VOCABULARY_VERSION } from '../../src/core/tokenizer/vocabulary';
import { encodeModel, onnx } from '../helpers/onnxWriter';

const ROOT = process.cwd();
const SERVER = join(ROOT, 'dist', 'server.js');
const RESNET = join(ROOT, 'test', 'fixtures', 'onnx-corpus', 'models', 'nnlqp_resnet18-v1-7-no-weight.onnx');
const tmp = mkdtempSync(join(tmpdir(), 'nar-lens-predictor-'));
const clients: ServerClient[] = [];
after(() => {
  clients.forEach((c) => c.dispose());
  rmSync(tmp, { recursive: true, force: true });
});

const F = onnx.TensorProto.DataType.FLOAT;
const dyn = (name: string, dims: string[]): onnx.IValueInfoProto => ({
  name, type: { tensorType: { elemType: F, shape: { dim: dims.map((d) => ({ dimParam: d })) } } },
});
const scalar = (name: string, v: number): onnx.ITensorProto => ({ name, dataType: F, dims: [], floatData: [v] });

/** latency_ms = 0.5 × Σ node_mask; members = latency × [0.9, 1.1]; embedding = mean of token rows. */
function tinyPredictor(): Uint8Array {
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'tiny',
      input: [dyn('tokens', ['B', 'N', 'F']), dyn('adjacency', ['B', 'N', 'N']), dyn('node_mask', ['B', 'N']), dyn('static', ['B', 'S'])],
      output: [dyn('latency_ms', ['B']), dyn('embedding', ['B', 'F']), dyn('latency_members', ['B', 'M'])],
      initializer: [scalar('half', 0.5), scalar('lo', 0.9), scalar('hi', 1.1),
        { name: 'axis1', dataType: onnx.TensorProto.DataType.INT64, dims: [1], int64Data: [1] }],
      node: [
        { opType: 'ReduceSum', input: ['node_mask', 'axis1'], output: ['count'], attribute: [{ name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 }] },
        { opType: 'Mul', input: ['count', 'half'], output: ['latency_ms'] },
        { opType: 'ReduceMean', input: ['tokens'], output: ['embedding'], attribute: [
          { name: 'axes', type: onnx.AttributeProto.AttributeType.INTS, ints: [1] },
          { name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 }] },
        { opType: 'Unsqueeze', input: ['latency_ms', 'axis1'], output: ['l1'] },
        { opType: 'Mul', input: ['l1', 'lo'], output: ['m_lo'] },
        { opType: 'Mul', input: ['l1', 'hi'], output: ['m_hi'] },
        { opType: 'Concat', input: ['m_lo', 'm_hi'], output: ['latency_members'], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] },
      ],
    },
  });
}

function install(root: string, manifest: unknown): void {
  mkdirSync(join(root, 'models'), { recursive: true });
  writeFileSync(join(root, 'models', 'tiny.onnx'), tinyPredictor());
  writeFileSync(join(root, 'models', 'manifest.json'), JSON.stringify(manifest));
}

const entry = (over: Record<string, unknown> = {}) => ({
  id: 'cpu-test-v2-extended', platform: 'ort-cpu-test', file: 'tiny.onnx',
  tokenizer: { mode: 'extended', vocabularyVersion: EXTENDED_VOCABULARY_VERSION, tokens: 'features' },
  interval: { method: 'member-spread', spreadScale: 2, relativeErrorQ: 0.05 }, ...over,
});

function client(root: string, ...eps: string[]): { c: ServerClient; eps: string[] } {
  const c = new ServerClient({ serverPath: SERVER, extensionRoot: root });
  clients.push(c);
  return { c, eps };
}

test('an installed predictor gives a latency with its calibrated interval, and names the EP used', async () => {
  const root = join(tmp, 'ok');
  install(root, { schemaVersion: 1, predictors: [entry({ test: { all: { n: 720, mape: 6.31, acc10: 80.6 }, families: {}, intervalCoverage: 0.9375 } })] });
  // 'no-such-ep' fails to open and is skipped: providers are tried one by one, in order.
  const { c, eps } = client(root, 'no-such-ep', 'cpu');
  const r = await c.analyze(RESNET, { executionProviders: eps });
  assert.equal(r.prediction.status, 'ok', JSON.stringify(r.prediction));
  if (r.prediction.status !== 'ok') return;
  assert.equal(r.prediction.executionProvider, 'cpu');
  const p = r.prediction.platforms[0];
  assert.equal(p.platform, 'ort-cpu-test');
  // The tiny predictor answers 0.5 ms per token vertex; the interval is spreadScale × std(members) = 2 × 0.1 L.
  assert.ok(Math.abs(p.latencyMs - 0.5 * r.coverage.total) < 1e-3, `${p.latencyMs} vs ${r.coverage.total} vertices`);
  assert.ok(Math.abs(p.high - p.latencyMs - 0.2 * p.latencyMs) < 1e-3);
  assert.ok(Math.abs(p.latencyMs - p.low - 0.2 * p.latencyMs) < 1e-3);
  assert.equal(p.outOfDistribution, false);
  // The manifest's held-out test figures travel with the prediction (the views show them beside it).
  assert.deepEqual(p.heldOut, { mape: 6.31, graphs: 720, insideInterval: 0.9375 });
  const s = await c.status();
  assert.deepEqual([s.predictorsInstalled, s.platforms, s.executionProvider], [true, ['ort-cpu-test'], 'cpu']);
});

test('a predictor trained on another token vocabulary is refused with a clear message', async () => {
  const root = join(tmp, 'vocab');
  install(root, { schemaVersion: 1, predictors: [entry({ tokenizer: { mode: 'extended', vocabularyVersion: 'ext-0' } })] });
  const r = await client(root).c.analyze(RESNET, { executionProviders: ['cpu'] });
  assert.equal(r.prediction.status, 'error');
  assert.match(r.prediction.status === 'error' ? r.prediction.message : '', /trained on tokens extended\/ext-0/);
  assert.ok(r.totals.flops > 0, 'the cost report is still there');
});

test('no execution provider that opens: the error lists each one tried', async () => {
  const root = join(tmp, 'eps');
  install(root, { schemaVersion: 1, predictors: [entry()] });
  const r = await client(root).c.analyze(RESNET, { executionProviders: ['bogus1', 'bogus2'] });
  assert.equal(r.prediction.status, 'error');
  assert.match(r.prediction.status === 'error' ? r.prediction.message : '', /no execution provider could open the predictor: bogus1 \(.*\); bogus2/);
});

test('a malformed manifest is an error, not a silent "no predictor"', async () => {
  for (const [name, manifest, message] of [
    ['schema', { schemaVersion: 9, predictors: [entry()] }, /schemaVersion 9 is not 1/],
    ['escape', { schemaVersion: 1, predictors: [entry({ file: '../../etc/passwd' })] }, /must stay inside the models folder/],
    ['interval', { schemaVersion: 1, predictors: [entry({ interval: {} })] }, /interval must have spreadScale/],
  ] as const) {
    const root = join(tmp, name);
    install(root, manifest);
    const r = await client(root).c.analyze(RESNET, { executionProviders: ['cpu'] });
    assert.equal(r.prediction.status, 'error', name);
    assert.match(r.prediction.status === 'error' ? r.prediction.message : '', message);
  }
});

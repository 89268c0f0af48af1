// The two ONNX input forms of one V2 ensemble (training/tests/export_forms.py: 3 members with trained-like
// weights, exported by training/train/export.py in the edge form and in the dense form). onnxruntime-node must
// reproduce PyTorch in each form (≤ 1e-4 relative) on a lone vertex (E = 0), on vertices without edges and on a
// random graph; a graph run alone in the edge form must equal its row of a padded dense batch; and the runtime
// (src/server/predictor.ts), packing Tokens for the form each manifest entry declares, must give the same
// prediction through either file.

import { strict as assert } from 'node:assert';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { loadManifest } from '../../src/core/predict';
import type { Tokens } from '../../src/core/tokenizer/types';
import { Predictor } from '../../src/server/predictor';
import { missingTorch, runModule, tempFolder } from './python';
import { maxRelative, tensor, type Packed } from '../helpers/parity';

interface Graph { name: string; edges: [number, number][]; inputs: Record<string, Packed>; outputs: Record<string, Packed> }
interface Samples { graphs: Graph[]; dense: { inputs: Record<string, Packed>; outputs: Record<string, Packed> } }

const skip = missingTorch();
const OUTPUTS = ['latency_ms', 'embedding', 'latency_members'];
let dir = '';
let samples: Samples;

before(() => {
  if (skip) return;
  dir = tempFolder('training-forms-');
  const made = runModule('training.tests.export_forms', [dir]);
  assert.equal(made.status, 0, made.stderr.slice(-3000));
  samples = JSON.parse(readFileSync(join(dir, 'samples.json'), 'utf8')) as Samples;
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function feeds(inputs: Record<string, Packed>): Record<string, ort.Tensor> {
  return Object.fromEntries(Object.entries(inputs).map(([name, p]) => [name, tensor(name, p)]));
}

const run = { skip: skip ? `skipped: ${skip}` : false };

test('edge form: onnxruntime-node reproduces PyTorch on a lone vertex, isolated vertices and a random graph', run, async () => {
  const session = await ort.InferenceSession.create(join(dir, 'edges.onnx'));
  assert.deepEqual([...session.inputNames], ['tokens', 'edge_src', 'edge_dst', 'static']);
  assert.deepEqual(samples.graphs.map((g) => g.inputs.edge_src!.dims[0] === 0), [true, false, false], 'the first graph has no edges');
  assert.equal(samples.graphs[0]!.inputs.tokens!.dims[0], 1, 'the first graph has one vertex');
  for (const g of samples.graphs) {
    const out = await session.run(feeds(g.inputs));
    for (const name of OUTPUTS) {
      assert.deepEqual([...out[name]!.dims], g.outputs[name]!.dims, `${g.name} ${name} dims`);
      const err = maxRelative(out[name]!.data as Float32Array, g.outputs[name]!.data);
      assert.ok(err <= 1e-4, `${g.name} ${name}: ORT vs PyTorch relative error ${err}`);
    }
  }
});

test('dense form: onnxruntime-node reproduces PyTorch on a padded batch, and each row equals the graph run alone in the edge form', run, async () => {
  const session = await ort.InferenceSession.create(join(dir, 'dense.onnx'));
  assert.deepEqual([...session.inputNames], ['tokens', 'adjacency', 'node_mask', 'static']);
  const out = await session.run(feeds(samples.dense.inputs));
  for (const name of OUTPUTS) {
    const err = maxRelative(out[name]!.data as Float32Array, samples.dense.outputs[name]!.data);
    assert.ok(err <= 1e-4, `dense ${name}: ORT vs PyTorch relative error ${err}`);
  }
  const latency = out.latency_ms!.data as Float32Array;
  const members = out.latency_members!.data as Float32Array;
  const m = out.latency_members!.dims[1]!;
  samples.graphs.forEach((g, i) => {
    const alone = g.outputs.latency_ms!.data[0]!;
    assert.ok(Math.abs(latency[i]! - alone) / alone <= 1e-4, `${g.name}: dense batch ${latency[i]} vs edge form alone ${alone}`);
    assert.ok(maxRelative(members.subarray(i * m, (i + 1) * m), g.outputs.latency_members!.data) <= 1e-4, `${g.name} members`);
  });
});

test('the runtime packs Tokens for each entry\'s form and both files give the same prediction', run, async () => {
  const manifest = loadManifest(dir)!;
  assert.deepEqual(manifest.predictors.map((p) => p.inputForm).sort(), ['dense', 'edges']);
  const predictor = new Predictor(manifest);
  for (const g of samples.graphs) {
    const n = g.inputs.tokens!.dims[0]!;
    const rows = g.inputs.tokens!.data;
    const tokens: Tokens = {
      mode: 'extended', vocabularyVersion: 'forms-test',
      names: Array.from({ length: n }, (_, i) => `v${i}`), opTypes: Array.from({ length: n }, () => 'Conv'),
      outputShapes: Array.from({ length: n }, () => [1]),
      edges: g.edges, // directed, with the duplicates and self-loops the exporter's symmetric_edges dropped
      features: Array.from({ length: n }, (_, i) => Float32Array.from(rows.slice(i * 152, (i + 1) * 152))),
      featureDim: 152, nnlpFeatures: [], nnlpFeatureDim: 44,
      static: Float32Array.from(g.inputs.static!.data), staticRaw: [1, 0, 0, 0],
      coverage: { encoded: n, total: n }, unknownOps: {}, unknownShapes: 0,
    };
    const { estimates } = await predictor.predict(tokens, ['cpu']);
    const want = g.outputs.latency_ms!.data[0]!;
    for (const e of estimates) {
      assert.ok(Math.abs(e.latencyMs - want) / want <= 1e-4, `${g.name} via ${e.predictor}: ${e.latencyMs} vs PyTorch ${want}`);
    }
    assert.ok(Math.abs(estimates[0]!.interval[1] - estimates[1]!.interval[1]) / estimates[1]!.interval[1] <= 1e-4, `${g.name}: intervals`);
  }
});

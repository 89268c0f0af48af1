// The three ONNX input forms of one V2 ensemble (training/tests/export_forms.py: 3 members with trained-like
// weights, exported by training/train/export.py in the class, edge and dense forms). onnxruntime-node must
// reproduce PyTorch in each form (≤ 1e-4 relative) on a lone vertex (E = 0), on vertices without edges, on a
// random graph and on repeated blocks; a graph run alone in the edge form must equal its row of a padded dense
// batch and its class form; the runtime's vertex classes (src/core/predict/classes.ts) must be numbered exactly
// as the exporter's; and the runtime (src/server/predictor.ts), packing Tokens for the form each manifest entry
// declares, must give the same prediction through every file.

import { strict as assert } from 'node:assert';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { classInputNames, loadManifest, vertexClasses } from '../../src/core/predict';
import type { Tokens } from '../../src/core/tokenizer/types';
import { Predictor } from '../../src/server/predictor';
import { missingTorch, runModule, tempFolder } from './python';
import { maxRelative, tensor, type Packed } from '../helpers/parity';

interface Graph {
  name: string; edges: [number, number][]; inputs: Record<string, Packed>; outputs: Record<string, Packed>;
  classInputs: Record<string, Packed>; classOutputs: Record<string, Packed>;
}
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
  assert.deepEqual(samples.graphs.map((g) => g.inputs.edge_src!.dims[0] === 0), [true, false, false, false], 'the first graph has no edges');
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

test('class form: onnxruntime-node reproduces PyTorch, and equals the edge form on every graph', run, async () => {
  const session = await ort.InferenceSession.create(join(dir, 'classes.onnx'));
  assert.deepEqual([...session.inputNames], classInputNames(2));
  const repeated = samples.graphs.find((g) => g.name === 'repeated blocks')!;
  assert.ok(repeated.classInputs.class_count!.dims[0]! < repeated.inputs.tokens!.dims[0]! / 2, 'repeated blocks fall into few classes');
  for (const g of samples.graphs) {
    const out = await session.run(feeds(g.classInputs));
    for (const name of OUTPUTS) {
      assert.deepEqual([...out[name]!.dims], g.outputs[name]!.dims, `${g.name} ${name} dims`);
      const data = out[name]!.data as Float32Array;
      assert.ok(maxRelative(data, g.classOutputs[name]!.data) <= 1e-4, `${g.name} ${name}: ORT vs PyTorch`);
      assert.ok(maxRelative(data, g.outputs[name]!.data) <= 1e-4, `${g.name} ${name}: class form vs edge form`);
    }
  }
});

test('the runtime numbers vertex classes exactly as the exporter does', run, () => {
  for (const g of samples.graphs) {
    const mine = vertexClasses(Float32Array.from(g.inputs.tokens!.data), 152, g.edges, 2);
    const names = classInputNames(2).filter((n) => n !== 'static');
    assert.deepEqual(Object.keys(mine).sort(), [...names].sort());
    for (const name of names) {
      assert.deepEqual(mine[name]!.dims, g.classInputs[name]!.dims, `${g.name} ${name} dims`);
      assert.deepEqual(Array.from(mine[name]!.data as ArrayLike<number | bigint>, Number), g.classInputs[name]!.data, `${g.name} ${name}`);
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
  assert.deepEqual(manifest.predictors.map((p) => p.inputForm).sort(), ['classes', 'dense', 'edges']);
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
      fusions: { batchNormalization: 0, layerNormalization: 0, dropout: 0, identity: 0 },
    };
    const { estimates } = await predictor.predict(tokens, ['cpu']);
    const want = g.outputs.latency_ms!.data[0]!;
    for (const e of estimates) {
      assert.ok(Math.abs(e.latencyMs - want) / want <= 1e-4, `${g.name} via ${e.predictor}: ${e.latencyMs} vs PyTorch ${want}`);
    }
    for (const e of estimates.slice(1)) {
      assert.ok(Math.abs(estimates[0]!.interval[1] - e.interval[1]) / e.interval[1] <= 1e-4, `${g.name}: intervals of ${e.predictor}`);
    }
  }
});

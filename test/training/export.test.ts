// Smoke training → ONNX export → onnxruntime-node parity, on a synthetic training-tensor folder that the test
// generates: a 3-member V2 ensemble and a 1-member NNLP predictor are trained for a few steps, exported in their
// default input forms (models/README.md: V2 in the class form, NNLP in the edge form; one graph, dynamic sizes,
// opset 17), and onnxruntime-node must reproduce PyTorch's outputs on saved graphs (≤ 1e-4 relative), and the
// manifest / side-car must describe the files (hash, input form, tokenizer, members, interval, OOD reference).
// The dense form, and the forms agreeing, are checked in forms.test.ts.

import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { missingTorch, runModule, tempFolder } from './python';
import { checkParity, type Parity } from '../helpers/parity';
import { classInputNames, INPUT_NAMES } from '../../src/core/predict';

interface ManifestEntry {
  id: string; platform: string; file: string; sha256: string; sidecar: string; opset: number; inputForm: string;
  inputs: { names: string[]; tokenDim: number; staticDim: number };
  tokenizer: { mode: string; vocabularyVersion: string };
  trainedOn: { dataset: string; train: number; validation: number; families: string[] };
  architecture: { model: string; dim: number; parametersPerMember: number };
  ensemble: { members: { seed: number; validationMape: number; outputScale: number }[] };
  validation: { n: number; mape: number; acc10: number; kendall: number };
  interval: { spreadScale: number; coverage: number };
}
interface Sidecar {
  interval: { spreadScale: number };
  ood: { mean: number[]; std: number[]; centroids: number[][]; threshold: number; embeddingDim: number };
}

const skip = missingTorch();
let dir = '';

function train(model: string, members: number, parity: string): void {
  const result = runModule('training.train.train_predictor', [
    '--tensors', join(dir, 'tensors'), '--platform', 'synthetic-a', '--model', model, '--members', String(members),
    '--epochs', '2', '--dim', '32', '--layers', '2', '--out', join(dir, 'models'), '--parity', parity, '--quiet']);
  assert.equal(result.status, 0, `train_predictor (${model}) failed:\n${result.stderr.slice(-3000)}`);
}

before(() => {
  if (skip) return;
  dir = tempFolder('training-export-');
  const made = runModule('training.train.synthetic', ['--out', join(dir, 'tensors'), '--graphs', '80', '--seed', '11']);
  assert.equal(made.status, 0, made.stderr);
  train('v2', 3, join(dir, 'parity-v2.json'));
  train('nnlp', 1, join(dir, 'parity-nnlp.json'));
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function manifest(): ManifestEntry[] {
  return (JSON.parse(readFileSync(join(dir, 'models', 'manifest.json'), 'utf8')) as { predictors: ManifestEntry[] }).predictors;
}

const FORMS = { v2: { form: 'classes', names: classInputNames(2), edges: ['class_src_2', 'class_dst_2'] }, nnlp: { form: 'edges', names: INPUT_NAMES.edges, edges: ['edge_src', 'edge_dst'] } };

for (const model of ['v2', 'nnlp'] as const) {
  const { form, names, edges } = FORMS[model];
  test(`${model}: onnxruntime-node reproduces PyTorch on saved graphs (${form} form)`, { skip: skip ? `skipped: ${skip}` : false }, async () => {
    const entry = manifest().find((p) => p.architecture.model === model)!;
    const session = await ort.InferenceSession.create(join(dir, 'models', entry.file));
    assert.deepEqual([...session.inputNames], names);
    assert.deepEqual([...session.outputNames], ['latency_ms', 'embedding', 'latency_members']);
    const parity = JSON.parse(readFileSync(join(dir, `parity-${model}.json`), 'utf8')) as Parity;
    assert.equal(parity.inputForm, form);
    assert.ok(parity.samples.length >= 2, 'several graphs were saved');
    await checkParity(session, parity, model);
    const sizes = new Set<string>();
    for (const sample of parity.samples) {
      assert.equal(sample.outputs.latency_ms!.data.length, 1);
      assert.ok(sample.outputs.latency_ms!.data[0]! > 0, 'one positive latency');
      assert.equal(sample.inputs.static!.dims[1], model === 'v2' ? 40 : 4);
      const [src, dst] = edges.map((name) => sample.inputs[name]!.dims[0]!);
      assert.ok(src! > 0 && src === dst);
      sizes.add(`${sample.inputs.tokens!.dims[0]}/${src}`);
    }
    assert.ok(sizes.size >= 2, 'graphs of different sizes ran through one session (dynamic N and E)');
  });
}

test('manifest and side-car describe the exported ensemble', { skip: skip ? `skipped: ${skip}` : false }, async () => {
  const entries = manifest();
  assert.deepEqual(entries.map((e) => e.id).sort(), ['synthetic-a-nnlp-reference', 'synthetic-a-v2-reference']);
  const v2 = entries.find((e) => e.architecture.model === 'v2')!;
  const bytes = readFileSync(join(dir, 'models', v2.file));
  assert.equal(v2.sha256, createHash('sha256').update(bytes).digest('hex'));
  assert.equal(v2.opset, 17);
  assert.equal(v2.inputForm, 'classes');
  assert.deepEqual(v2.inputs.names, classInputNames(2));
  assert.equal(v2.platform, 'synthetic-a');
  assert.deepEqual(v2.tokenizer, { mode: 'reference', vocabularyVersion: 'synthetic-0', tokens: 'features' });
  assert.deepEqual(v2.inputs.tokenDim, 152);
  assert.deepEqual(v2.ensemble.members.map((m) => m.seed), [0, 1, 2]);
  // each member's validation-fitted output scale is recorded (and, inside the graph, covered by the parity check)
  assert.ok(v2.ensemble.members.every((m) => Number.isFinite(m.outputScale) && m.outputScale > 0));
  assert.ok(v2.trainedOn.train > v2.trainedOn.validation && v2.trainedOn.validation === v2.validation.n);
  assert.deepEqual(v2.trainedOn.families, ['alpha', 'beta', 'gamma']);
  assert.ok(Number.isFinite(v2.validation.mape) && v2.validation.mape > 0);
  assert.ok(v2.interval.spreadScale > 0 && v2.interval.coverage === 0.9);

  // The OOD rule the runtime applies (ensemble.py): standardise member 0's embedding, nearest centroid / sqrt(D).
  const side = JSON.parse(readFileSync(join(dir, 'models', v2.sidecar), 'utf8')) as Sidecar;
  const parity = JSON.parse(readFileSync(join(dir, 'parity-v2.json'), 'utf8')) as Parity;
  const d = side.ood.embeddingDim;
  assert.equal(d, 32);
  assert.equal(side.ood.centroids[0]!.length, d);
  const distance = (e: number[]): number => {
    const z = e.map((v, i) => (v - side.ood.mean[i]!) / side.ood.std[i]!);
    let best = Infinity;
    for (const c of side.ood.centroids) best = Math.min(best, c.reduce((acc, ci, i) => acc + (z[i]! - ci) ** 2, 0));
    return Math.sqrt(best) / Math.sqrt(d);
  };
  const rows = parity.samples.length;
  let inside = 0;
  for (const sample of parity.samples) {
    const e = sample.outputs.embedding!.data;
    assert.deepEqual(sample.outputs.embedding!.dims, [1, d]);
    if (distance(e) <= side.ood.threshold) inside++;
    assert.ok(distance(e.map((v) => v * 40 + 100)) > side.ood.threshold, 'a far-away embedding is flagged');
  }
  assert.ok(inside >= rows - 1, `validation graphs should be in distribution (${inside}/${rows})`);
});

test('train_predictor rejects a missing folder and an unknown platform with a clear message', { skip: skip ? `skipped: ${skip}` : false }, () => {
  const missing = runModule('training.train.train_predictor', ['--tensors', join(dir, 'nope'), '--platform', 'x', '--out', join(dir, 'm2')]);
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /error: .*nope: not a folder/);
  const platform = runModule('training.train.train_predictor', ['--tensors', join(dir, 'tensors'), '--platform', 'raspi4', '--out', join(dir, 'm2')]);
  assert.notEqual(platform.status, 0);
  assert.match(platform.stderr, /no platform 'raspi4' \(has: synthetic-a, synthetic-b\)/);
});

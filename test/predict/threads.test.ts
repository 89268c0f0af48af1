// Intra-op threads per graph size (src/server/predictor.ts): one thread for the common small graph, more for
// graphs of LARGE_GRAPH_VERTICES vertices (LARGE_GRAPH_CLASSES vertex classes in the class form) and up, where a
// prediction is compute-bound (bench/results/predict.md).
import { strict as assert } from 'node:assert';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { LARGE_GRAPH_CLASSES, LARGE_GRAPH_VERTICES, Predictor } from '../../src/server/predictor';
import type { PackedInputs } from '../../src/core/predict';

const manifest = { dir: '/nonexistent', predictors: [] };

test('graphs below the threshold get the base thread count, larger ones the large-graph count', () => {
  const p = new Predictor(manifest, { threads: 1, largeGraphThreads: 3, largeGraphVertices: 500 });
  assert.deepEqual([p.threadsFor(1), p.threadsFor(499), p.threadsFor(500), p.threadsFor(5000)], [1, 1, 3, 3]);
});

test('by default large graphs use up to 4 threads, never more than the machine has, never fewer than small ones', () => {
  const p = new Predictor(manifest);
  assert.equal(p.threadsFor(LARGE_GRAPH_VERTICES - 1), 1);
  assert.equal(p.threadsFor(LARGE_GRAPH_VERTICES), Math.max(1, Math.min(4, availableParallelism())));
  assert.equal(new Predictor(manifest, { threads: 8 }).threadsFor(LARGE_GRAPH_VERTICES), 8);
});

test('the class form counts vertex classes (its last level) weighted by the width squared, not vertices; the other forms count vertices', () => {
  const p = new Predictor(manifest, { threads: 1, largeGraphThreads: 2 });
  const classes = (k: number): PackedInputs => ({ form: 'classes', names: [], tensors: { class_count: { data: new Float32Array(k), dims: [k, 1] } } });
  const edges = (n: number): PackedInputs => ({ form: 'edges', tokens: { data: new Float32Array(0), dims: [n, 152] } } as PackedInputs);
  const dense = (n: number): PackedInputs => ({ form: 'dense', tokens: { data: new Float32Array(0), dims: [1, n, 152] } } as PackedInputs);
  // DenseNet-121: 2,587 vertices but 1,169 classes at the last level, where one thread measured faster at d=128
  assert.deepEqual([p.threadsForInputs(classes(1169)), p.threadsForInputs(classes(LARGE_GRAPH_CLASSES))], [1, 2]);
  // A class of a d=256 model costs 4 times as much: DenseNet-121 takes the large-graph threads there
  assert.deepEqual([p.threadsForInputs(classes(1169), 256), p.threadsForInputs(classes(LARGE_GRAPH_CLASSES / 4 - 1), 256)], [2, 1]);
  assert.equal(p.threadsForInputs(classes(LARGE_GRAPH_CLASSES - 1), 128), 1);
  assert.deepEqual([p.threadsForInputs(edges(LARGE_GRAPH_VERTICES - 1)), p.threadsForInputs(edges(LARGE_GRAPH_VERTICES))], [1, 2]);
  assert.deepEqual([p.threadsForInputs(dense(LARGE_GRAPH_VERTICES - 1)), p.threadsForInputs(dense(LARGE_GRAPH_VERTICES))], [1, 2]);
});

// Intra-op threads per graph size (src/server/predictor.ts): one thread for the common small graph, more for
// graphs of LARGE_GRAPH_VERTICES vertices and up, where a prediction is compute-bound (bench/results/predict.md).
import { strict as assert } from 'node:assert';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { LARGE_GRAPH_VERTICES, Predictor } from '../../src/server/predictor';

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

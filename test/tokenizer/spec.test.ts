// Golden values stated in the spec: PE(0/1/3/224) (§2.3), the ResNet-18 graph and costs (§1.9), its Conv row
// (§2.4) and the NNLP rows (§2.6).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pe } from '../../src/core/tokenizer/pe';
import { tokenize } from '../../src/core/tokenizer';
import { shapedCorpusModel } from './corpus';

function close(actual: ArrayLike<number>, expected: number[], tol: number, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${label}[${i}] = ${actual[i]}, expected ${expected[i]}`);
  }
}

test('PE golden values (§2.3)', () => {
  close(pe(0), [0, 1, 0, 1, 0, 1, 0, 1, 0, 1], 0, 'PE(0)');
  close(pe(1), [0.841471, 0.540302, 0.157827, 0.987467, 0.025116, 0.999685, 0.003981, 0.999992, 0.000631, 1.0], 1e-6, 'PE(1)');
  close(pe(3), [0.14112, -0.989992, 0.457755, 0.889079, 0.075285, 0.997162, 0.011943, 0.999929, 0.001893, 0.999998], 1e-6, 'PE(3)');
  close(pe(224), [-0.811621, -0.584184, -0.809962, -0.586483, -0.610395, 0.792097, 0.778178, 0.628043, 0.140864, 0.990029], 1e-6, 'PE(224)');
});

const RESNET = 'nnlqp_resnet18-v1-7-no-weight.onnx';

test('ResNet-18 graph, order and costs (§1.9)', () => {
  const t = tokenize(shapedCorpusModel(RESNET), { mode: 'reference', batch: 1 });
  assert.equal(t.names.length, 70);
  const counts: Record<string, number> = {};
  for (const op of t.opTypes) counts[op] = (counts[op] ?? 0) + 1;
  assert.deepEqual(counts, { Input: 1, Conv: 20, BatchNormalization: 20, Relu: 17, Add: 8, MaxPool: 1, GlobalAveragePool: 1, Flatten: 1, Gemm: 1 });
  assert.equal(t.edges.length, 77);
  assert.deepEqual(t.edges.slice(0, 3), [[0, 1], [1, 2], [2, 3]]);
  assert.deepEqual(t.opTypes.slice(0, 5), ['Input', 'Conv', 'BatchNormalization', 'Relu', 'MaxPool']);
  assert.deepEqual(t.outputShapes[0], [1, 3, 224, 224]);
  assert.deepEqual(t.outputShapes[1], [1, 64, 112, 112]);
  assert.deepEqual(t.outputShapes[4], [1, 64, 56, 56]);
  const [batch, gflops, gparams, gmacs] = t.staticRaw;
  assert.equal(batch, 1);
  assert.ok(Math.abs(gflops - 3.636354048) < 1e-9, `GFLOPs ${gflops}`);
  assert.ok(Math.abs(gparams - 0.011699112) < 1e-9, `Gparams ${gparams}`);
  assert.ok(Math.abs(gmacs - 0.01993) < 1e-5, `Gmacs ${gmacs}`);
  assert.equal(t.coverage.total, 70);
  assert.equal(t.coverage.encoded, 70);
});

test('ResNet-18 Conv row: one-hot 0, attributes PE(7),PE(2),PE(3),PE(1),PE(1),PE(0), shape PE(1,64,112,112) (§2.4)', () => {
  const t = tokenize(shapedCorpusModel(RESNET), { mode: 'reference', batch: 1 });
  const row = t.features[1];
  assert.equal(row.length, 152);
  assert.equal(row[0], 1);
  assert.equal(row.slice(1, 32).reduce((a, b) => a + b, 0), 0);
  const expected = [7, 2, 3, 1, 1, 0].flatMap((v) => [...pe(v)]);
  close(row.slice(32, 92), expected, 1e-7, 'attrs');
  close(row.slice(92, 112), new Array(20).fill(0), 0, 'unused slots');
  close(row.slice(112), [1, 64, 112, 112].flatMap((v) => [...pe(v)]), 1e-7, 'shape');
  // The Input row has zeros in 0–111 and PE of its shape after.
  close(t.features[0].slice(0, 112), new Array(112).fill(0), 0, 'input one-hot+attrs');
});

test('NNLP rows of ResNet-18 (§2.6)', () => {
  const t = tokenize(shapedCorpusModel(RESNET), { mode: 'reference', batch: 1 });
  assert.equal(t.nnlpFeatureDim, 44);
  close(t.nnlpFeatures[0].slice(40), [-0.01099, -0.11377, 0.74758, 0.75078], 1e-5, 'Input tail');
  close(t.nnlpFeatures[1].slice(32, 40), [0.07982, 0.015, 0.375, 0, -0.00229, -0.77, 0, 0], 1e-5, 'Conv attrs');
  const last = t.nnlpFeatures[t.nnlpFeatures.length - 1];
  assert.equal(t.opTypes[t.opTypes.length - 1], 'Gemm');
  assert.equal(last[8], 1);
  close(last.slice(32, 40), [0.23, 0, 0, 0, 0, 0, 0, 0], 1e-5, 'Gemm attrs');
  close(last.slice(40), [-0.01099, 0.28567, -0.12742, -0.12422], 1e-5, 'Gemm shape');
});

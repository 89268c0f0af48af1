// Behaviour of the two modes on hand-built graphs: the reference's quirks, and what extended mode fixes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inferShapes } from '../../src/core/graph/shapes';
import { tokenize, TokenizeError } from '../../src/core/tokenizer';
import { EXTENDED_SLOTS } from '../../src/core/tokenizer/vocabulary';
import { model } from './build';

const matmulNet = model({
  inputs: [['x', [1, 8]]],
  outputs: [['z', [1, 4]]],
  initializers: [['w', [8, 4]], ['b', [4]]],
  nodes: [
    { op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] },
    { op: 'Add', inputs: ['y', 'b'], outputs: ['z'] },
  ],
});

test('reference mode: MatMul gets a zero one-hot (the "Matmul" quirk); initializers on connected slots become Input', () => {
  const t = tokenize(inferShapes(matmulNet, { batch: 1 }), { mode: 'reference' });
  assert.deepEqual(new Set(t.names), new Set(['x', 'w', 'b', 'y', 'z']));
  const y = t.names.indexOf('y');
  assert.equal(t.features[y].slice(0, 112).reduce((a, b) => a + b, 0), 0);
  assert.deepEqual(t.unknownOps, { MatMul: 1 });
  assert.deepEqual(t.coverage, { encoded: 4, total: 5 });
});

test('extended mode: MatMul is encoded in its own slot and coverage is complete', () => {
  const t = tokenize(inferShapes(matmulNet, { batch: 1 }), { mode: 'extended' });
  assert.equal(t.vocabularyVersion, 'ext-1');
  const y = t.names.indexOf('y');
  assert.equal(t.features[y][17], 1);
  assert.deepEqual(t.unknownOps, {});
  assert.deepEqual(t.coverage, { encoded: 5, total: 5 });
  assert.equal(t.nnlpFeatureDim, EXTENDED_SLOTS + 12);
  assert.equal(t.nnlpFeatures[y].length, t.nnlpFeatureDim);
});

const samePadConv = model({
  inputs: [['x', [1, 3, 32, 32]]],
  outputs: [['y', [1, 8, 16, 32]]],
  initializers: [['w', [8, 3, 3, 5]]],
  nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attrs: { auto_pad: 'SAME_UPPER', strides: [2, 1] } }],
});

test('extended mode resolves auto_pad and encodes both kernel axes; reference mode ignores auto_pad', () => {
  const shaped = inferShapes(samePadConv, { batch: 1 });
  const ext = tokenize(shaped, { mode: 'extended' });
  const i = ext.names.indexOf('y');
  const slot = (k: number): number[] => [...ext.features[i].slice(EXTENDED_SLOTS + 6 * k, EXTENDED_SLOTS + 6 * k + 2)];
  const expectPe = (v: number): number[] => [Math.fround(Math.sin(v)), Math.fround(Math.cos(v))];
  assert.deepEqual(slot(0), expectPe(3)); // kernel h
  assert.deepEqual(slot(1), expectPe(5)); // kernel w
  assert.deepEqual(slot(2), expectPe(2)); // stride h
  assert.deepEqual(slot(3), expectPe(1)); // stride w
  // SAME_UPPER: H 32 → 16 needs (16−1)·2 + 3 − 32 = 1; W 32 → 32 needs 31 + 5 − 32 = 4: total 5.
  assert.deepEqual(slot(4), expectPe(5));
  // The reference reads only the first kernel/stride element and encodes pad 0 (auto_pad ignored).
  const ref = tokenize(shaped, { mode: 'reference' });
  const r = ref.features[ref.names.indexOf('y')];
  assert.deepEqual([r[32], r[33]], expectPe(3));
  assert.deepEqual([r[52], r[53]], [0, 1]);
});

const customOpNet = model({
  inputs: [['x', [1, 16]]],
  outputs: [['z', [1, 16]]],
  nodes: [
    { op: 'FusedMatMul', domain: 'com.microsoft', inputs: ['x', 'x'], outputs: ['y'] },
    { op: 'Relu', inputs: ['y'], outputs: ['z'] },
  ],
});

test('extended mode keeps an unknown custom-domain op as a vertex with zeros, and counts it', () => {
  const t = tokenize(inferShapes(customOpNet, { batch: 1 }), { mode: 'extended' });
  assert.deepEqual(t.names, ['x', 'y', 'z']);
  assert.deepEqual(t.opTypes, ['Input', 'com.microsoft.FusedMatMul', 'Relu']);
  assert.deepEqual(t.unknownOps, { 'com.microsoft.FusedMatMul': 1 });
  assert.deepEqual(t.coverage, { encoded: 2, total: 3 });
  // y's shape is unknown to inference: zeros in the shape block, counted.
  assert.equal(t.unknownShapes, 2);
  assert.equal(t.features[1].slice(112).reduce((a, b) => a + Math.abs(b), 0), 0);
  assert.deepEqual(t.edges, [[0, 1], [1, 2]]);
});

test('reference mode rejects an op it has no parser for, naming it', () => {
  assert.throws(
    () => tokenize(inferShapes(customOpNet, { batch: 1 }), { mode: 'reference' }),
    (err: unknown) => err instanceof TokenizeError && /no parser/.test(err.message) && /FusedMatMul/.test(err.message),
  );
});

test('reference mode rejects a 1-D convolution (stride tuple of length 1), as the reference does', () => {
  const conv1d = model({
    inputs: [['x', [1, 3, 32]]],
    outputs: [['y', [1, 8, 30]]],
    initializers: [['w', [8, 3, 3]]],
    nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attrs: { kernel_shape: [3], strides: [1] } }],
  });
  assert.throws(() => tokenize(inferShapes(conv1d, { batch: 1 }), { mode: 'reference' }), /unexpected Stride size \(1\)/);
  const t = tokenize(inferShapes(conv1d, { batch: 1 }), { mode: 'extended' });
  assert.deepEqual(t.coverage, { encoded: 2, total: 2 });
});

test('Input promotion is single-pass: a Reshape shape from a Constant is pruned, a Concat constant is kept', () => {
  const net = model({
    inputs: [['x', [1, 2, 3]]],
    outputs: [['r', [1, 6]]],
    initializers: [['c', [1, 2, 3]]],
    nodes: [
      { op: 'Concat', inputs: ['x', 'c'], outputs: ['cat'], attrs: { axis: 0 } },
      { op: 'Shape', inputs: ['cat'], outputs: ['s'] },
      { op: 'Reshape', inputs: ['cat', 'shape'], outputs: ['r'] },
    ],
  });
  net.graph.initializers.set('shape', { name: 'shape', elemType: 7, dims: [2], storage: { kind: 'none' }, values: [2, 9] });
  const t = tokenize(inferShapes(net, { batch: 1 }), { mode: 'reference' });
  assert.deepEqual(new Set(t.names), new Set(['x', 'c', 'cat', 's', 'r']));
  assert.equal(t.opTypes[t.names.indexOf('c')], 'Input');
});

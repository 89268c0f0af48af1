// Cost model: fixed-mode formulas on hand-built models, reference-mode quirks and typed errors, and
// fixed mode over the corpus (complete where shapes are known, FLOPs = 2·MACs for pure conv nets).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ElemType } from '../../src/core/graph/types';
import { inferShapes } from '../../src/core/graph/shapes';
import { computeCosts, ReferenceExtractorError } from '../../src/core/graph/costs';
import { readModelFile } from '../../src/core/onnx';
import { ModelBuilder } from './builder';
import { CORPUS } from './corpus';

test('fixed: grouped Conv with bias — MACs, FLOPs, params, bytes', () => {
  const m = new ModelBuilder().input('x', [2, 8, 10, 10]).init('w', [16, 4, 3, 3]).init('b', [16])
    .node('Conv', ['x', 'w', 'b'], ['y'], { group: 2, pads: [1, 1, 1, 1] }).build();
  const c = computeCosts(inferShapes(m), 'fixed');
  const out = 2 * 16 * 10 * 10;
  assert.equal(c.nodes[0].macs, out * 4 * 9);
  assert.equal(c.nodes[0].flops, 2 * out * 4 * 9 + out);
  assert.equal(c.total.params, 16 * 4 * 9 + 16);
  assert.equal(c.nodes[0].memory, 4 * (2 * 8 * 100 + 16 * 36 + 16 + out));
  assert.equal(c.incomplete, 0);
});

test('fixed: Gemm counts M rows; batched MatMul; ConvTranspose scatters every input pixel', () => {
  const m = new ModelBuilder().input('a', [7, 5]).init('w', [3, 5]).init('c', [3]).input('p', [4, 2, 6]).input('q', [6, 9])
    .input('x', [1, 4, 5, 5]).init('wt', [4, 3, 3, 3])
    .node('Gemm', ['a', 'w', 'c'], ['g'], { transB: 1 })
    .node('MatMul', ['p', 'q'], ['mm'])
    .node('ConvTranspose', ['x', 'wt'], ['ct'], { strides: [2, 2] })
    .build();
  const c = computeCosts(inferShapes(m), 'fixed');
  assert.equal(c.nodes[0].macs, 7 * 5 * 3);
  assert.equal(c.nodes[0].flops, 2 * 7 * 5 * 3 + 7 * 3);
  assert.equal(c.nodes[1].macs, 4 * 2 * 9 * 6);
  assert.equal(c.nodes[1].flops, 2 * c.nodes[1].macs);
  assert.equal(c.nodes[2].macs, 4 * 25 * 3 * 9);
});

test('fixed: memory uses element sizes (fp16 half of fp32), shared weights count once', () => {
  const m = new ModelBuilder().input('x', [1, 10], ElemType.FLOAT16).init('w', [10, 10], undefined, ElemType.FLOAT16)
    .node('MatMul', ['x', 'w'], ['y']).node('MatMul', ['y', 'w'], ['z']).build();
  const c = computeCosts(inferShapes(m), 'fixed');
  assert.equal(c.nodes[0].memory, 2 * (10 + 100 + 10));
  assert.equal(c.total.params, 100);
  assert.deepEqual(c.nodes.map((n) => n.params), [100, 0]);
});

test('fixed: unknown shapes and ops without a formula make nodes incomplete, not zero-and-silent', () => {
  const m = new ModelBuilder().input('x', [1, 3]).node('FancyOp', ['x'], ['a'], {}, 'com.example').node('Relu', ['a'], ['b']).node('Relu', ['x'], ['c']).build();
  const c = computeCosts(inferShapes(m), 'fixed');
  assert.deepEqual(c.nodes.map((n) => n.complete), [false, false, true]);
  assert.equal(c.incomplete, 2);
  assert.equal(c.nodes[2].flops, 3);
});

test('reference: per-sample Conv, batch-inclusive Add, Softmax rank bug, MatMul uncounted', () => {
  const m = new ModelBuilder().input('x', [4, 3, 8, 8]).init('w', [6, 3, 3, 3]).input('v', [4, 10]).input('u', [10, 5])
    .node('Conv', ['x', 'w'], ['y'], { pads: [1, 1, 1, 1] })
    .node('Add', ['y', 'y'], ['z'])
    .node('Softmax', ['v'], ['s'])
    .node('MatMul', ['v', 'u'], ['mm'])
    .build();
  const c = computeCosts(inferShapes(m), 'reference');
  assert.equal(c.nodes[0].flops, 6 * 64 * (2 * 27 - 1));
  assert.equal(c.nodes[0].params, 6 * 27);
  assert.equal(c.nodes[1].flops, 4 * 6 * 64);
  assert.equal(c.nodes[2].flops, 0 + (0 - 1) + 0, 'rank 2 // batch 4 = 0');
  assert.equal(c.nodes[3].flops, 0);
  assert.equal(c.nodes[3].memory, 0, 'MatMul is outside the table: no memory either');
  assert.equal(c.nodes[0].memory, 4 * 6 * 64 + 6 * 27);
});

test('reference: ConvTranspose, bilinear Upsample and mode-less Upsample raise ReferenceExtractorError', () => {
  const ct = new ModelBuilder().input('x', [1, 4, 5, 5]).init('w', [4, 3, 3, 3]).node('ConvTranspose', ['x', 'w'], ['y']).build();
  assert.throws(() => computeCosts(inferShapes(ct), 'reference'), (e: unknown) => e instanceof ReferenceExtractorError && /asserts/.test(e.message));
  const up = (attrs: Record<string, string>) =>
    new ModelBuilder(9).input('x', [1, 1, 2, 2]).init('s', [4], [1, 1, 2, 2], ElemType.FLOAT).node('Upsample', ['x', 's'], ['y'], attrs).build();
  assert.throws(() => computeCosts(inferShapes(up({ mode: 'bilinear' })), 'reference'), ReferenceExtractorError);
  assert.throws(() => computeCosts(inferShapes(up({})), 'reference'), /mode/);
  assert.equal(computeCosts(inferShapes(up({ mode: 'linear' })), 'reference').total.flops, 5 * 16);
  assert.equal(computeCosts(inferShapes(up({ mode: 'linear' })), 'fixed').total.flops, 7 * 16);
});

test('fixed mode over real corpus nets: complete, FLOPs ≥ 2·MACs, params match the initializers', () => {
  for (const file of ['onnx_light__light_resnet50.onnx', 'onnx_light__light_vgg19.onnx', 'onnx2c_test__mnist__pytorch.onnx']) {
    const model = readModelFile(join(CORPUS, file));
    const c = computeCosts(inferShapes(model, { batch: 1 }), 'fixed');
    assert.equal(c.incomplete, 0, file);
    assert.ok(c.total.macs > 0 && c.total.flops >= 2 * c.total.macs, file);
    assert.ok(c.total.memory > 0, file);
  }
});

test('fixed vs reference on ResNet-50 (light): Conv FLOPs differ from the reference by exactly its −1 per output', () => {
  const model = readModelFile(join(CORPUS, 'onnx_light__light_resnet50.onnx'));
  const shaped = inferShapes(model, { batch: 1 });
  const fixed = computeCosts(shaped, 'fixed');
  const ref = computeCosts(shaped, 'reference');
  const convs = model.graph.nodes.filter((n) => n.opType === 'Conv');
  assert.ok(convs.length > 50);
  for (const n of convs) {
    const f = fixed.nodes[n.index];
    const r = ref.nodes[n.index];
    // reference: out·(2·K − 1 + bias) per sample; fixed: 2·out·K + bias·out. At batch 1: reference = fixed − out.
    const out = shaped.values.get(n.outputs[0])!.shape!.reduce((a, b) => a * b, 1);
    assert.equal(r.flops, f.flops - out, n.name);
  }
});

// Unit tests of shape rules on hand-built models: opset-dependent forms, value propagation through shape
// arithmetic, overrides, and unknowns that propagate without guesses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ElemType } from '../../src/core/graph/types';
import { inferShapes } from '../../src/core/graph/shapes';
import { ModelBuilder, tensor } from './builder';

const shapeOf = (m: ReturnType<typeof inferShapes>, name: string): number[] | undefined => m.values.get(name)?.shape;

test('Conv with groups, strides, dilations and SAME_UPPER / VALID padding', () => {
  const m = new ModelBuilder()
    .input('x', [1, 8, 15, 15]).init('w', [16, 4, 3, 3])
    .node('Conv', ['x', 'w'], ['a'], { group: 2, strides: [2, 2], pads: [1, 1, 1, 1] })
    .node('Conv', ['x', 'w'], ['b'], { group: 2, strides: [2, 2], auto_pad: 'SAME_UPPER' })
    .node('Conv', ['x', 'w'], ['c'], { group: 2, dilations: [2, 2], auto_pad: 'VALID' })
    .build();
  const s = inferShapes(m);
  assert.deepEqual(shapeOf(s, 'a'), [1, 16, 8, 8]);
  assert.deepEqual(shapeOf(s, 'b'), [1, 16, 8, 8]);
  assert.deepEqual(shapeOf(s, 'c'), [1, 16, 11, 11]);
});

test('ConvTranspose: output_padding, output_shape and group', () => {
  const m = new ModelBuilder()
    .input('x', [1, 4, 5, 5]).init('w', [4, 3, 3, 3])
    .node('ConvTranspose', ['x', 'w'], ['a'], { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] })
    .node('ConvTranspose', ['x', 'w'], ['b'], { strides: [2, 2], output_shape: [11, 12], group: 2 })
    .build();
  const s = inferShapes(m);
  assert.deepEqual(shapeOf(s, 'a'), [1, 3, 10, 10]);
  assert.deepEqual(shapeOf(s, 'b'), [1, 6, 11, 12]);
});

test('MaxPool ceil_mode and indices; global pools', () => {
  const m = new ModelBuilder()
    .input('x', [2, 3, 6, 6])
    .node('MaxPool', ['x'], ['a', 'idx'], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 })
    .node('AveragePool', ['x'], ['b'], { kernel_shape: [3, 3], strides: [2, 2] })
    .node('GlobalAveragePool', ['x'], ['g'])
    .build();
  const s = inferShapes(m);
  assert.deepEqual(shapeOf(s, 'a'), [2, 3, 3, 3]);
  assert.equal(s.values.get('idx')?.elemType, ElemType.INT64);
  assert.deepEqual(shapeOf(s, 'b'), [2, 3, 2, 2]);
  assert.deepEqual(shapeOf(s, 'g'), [2, 3, 1, 1]);
});

test('Reshape target computed by a Shape→Gather→Unsqueeze→Concat chain (values propagate)', () => {
  const m = new ModelBuilder(11)
    .input('x', [4, 3, 2, 2])
    .init('i0', [], [0]).init('minus1', [1], [-1])
    .node('Shape', ['x'], ['s'])
    .node('Gather', ['s', 'i0'], ['n'], { axis: 0 })
    .node('Unsqueeze', ['n'], ['n1'], { axes: [0] })
    .node('Concat', ['n1', 'minus1'], ['target'], { axis: 0 })
    .node('Reshape', ['x', 'target'], ['y'])
    .build();
  const s = inferShapes(m);
  assert.deepEqual(s.values.get('target')?.values, [4, -1]);
  assert.deepEqual(shapeOf(s, 'y'), [4, 12]);
});

test('Reshape with 0 copies a dim unless allowzero; -1 is inferred', () => {
  const m = new ModelBuilder(14)
    .input('x', [2, 3, 4]).init('t', [3], [0, -1, 2]).init('z', [2], [0, 24])
    .node('Reshape', ['x', 't'], ['a'])
    .node('Reshape', ['x', 'z'], ['b'], { allowzero: 1 })
    .build();
  const s = inferShapes(m);
  assert.deepEqual(shapeOf(s, 'a'), [2, 6, 2]);
  assert.equal(shapeOf(s, 'b'), undefined, '0·24 elements cannot hold 24');
  assert.ok(s.diagnostics.some((d) => d.opType === 'Reshape' && /cannot reshape/.test(d.message)));
});

test('Squeeze/Unsqueeze axes: attribute before opset 13, input from 13', () => {
  const old = new ModelBuilder(11).input('x', [1, 3, 1]).node('Squeeze', ['x'], ['a'], { axes: [0] }).node('Unsqueeze', ['a'], ['b'], { axes: [-1] }).build();
  const s1 = inferShapes(old);
  assert.deepEqual(shapeOf(s1, 'a'), [3, 1]);
  assert.deepEqual(shapeOf(s1, 'b'), [3, 1, 1]);
  const neu = new ModelBuilder(13).input('x', [1, 3, 1]).init('ax', [1], [2]).node('Squeeze', ['x', 'ax'], ['a']).node('Squeeze', ['x'], ['c']).build();
  const s2 = inferShapes(neu);
  assert.deepEqual(shapeOf(s2, 'a'), [1, 3]);
  assert.deepEqual(shapeOf(s2, 'c'), [3]);
});

test('Slice: attributes before opset 10, inputs with negative steps after', () => {
  const old = new ModelBuilder(9).input('x', [10, 8]).node('Slice', ['x'], ['a'], { starts: [2], ends: [-1], axes: [0] }).build();
  assert.deepEqual(shapeOf(inferShapes(old), 'a'), [7, 8]);
  const neu = new ModelBuilder(13)
    .input('x', [10, 8]).init('st', [1], [-1]).init('en', [1], [-1000]).init('ax', [1], [1]).init('sp', [1], [-2])
    .node('Slice', ['x', 'st', 'en', 'ax', 'sp'], ['a'])
    .build();
  assert.deepEqual(shapeOf(inferShapes(neu), 'a'), [10, 4]);
});

test('Split: attribute (<13), input (13+), num_outputs (18+)', () => {
  const a = inferShapes(new ModelBuilder(11).input('x', [6, 2]).node('Split', ['x'], ['p', 'q'], { split: [2, 4] }).build());
  assert.deepEqual([shapeOf(a, 'p'), shapeOf(a, 'q')], [[2, 2], [4, 2]]);
  const b = inferShapes(new ModelBuilder(13).input('x', [6, 2]).init('sp', [2], [1, 5]).node('Split', ['x', 'sp'], ['p', 'q']).build());
  assert.deepEqual([shapeOf(b, 'p'), shapeOf(b, 'q')], [[1, 2], [5, 2]]);
  const c = inferShapes(new ModelBuilder(18).input('x', [7, 2]).node('Split', ['x'], ['p', 'q'], { num_outputs: 2 }).build());
  assert.deepEqual([shapeOf(c, 'p'), shapeOf(c, 'q')], [[4, 2], [3, 2]]);
});

test('MatMul: batched broadcast and 1-D promotion; Gemm with transA/transB', () => {
  const s = inferShapes(
    new ModelBuilder()
      .input('a', [2, 1, 3, 4]).input('b', [5, 4, 6]).input('v', [4]).input('m', [4, 3]).input('n', [5, 4])
      .node('MatMul', ['a', 'b'], ['ab']).node('MatMul', ['v', 'b'], ['vb']).node('MatMul', ['a', 'v'], ['av'])
      .node('Gemm', ['m', 'n'], ['g'], { transA: 1, transB: 1 })
      .build(),
  );
  assert.deepEqual(shapeOf(s, 'ab'), [2, 5, 3, 6]);
  assert.deepEqual(shapeOf(s, 'vb'), [5, 6]);
  assert.deepEqual(shapeOf(s, 'av'), [2, 1, 3]);
  assert.deepEqual(shapeOf(s, 'g'), [3, 5]);
});

test('Einsum: explicit, implicit and ellipsis equations', () => {
  const s = inferShapes(
    new ModelBuilder(12)
      .input('a', [2, 3, 4]).input('b', [2, 4, 5]).input('c', [3, 4])
      .node('Einsum', ['a', 'b'], ['x'], { equation: 'bij,bjk->bik' })
      .node('Einsum', ['c'], ['y'], { equation: 'ij' })
      .node('Einsum', ['a', 'b'], ['z'], { equation: '...ij,...jk' })
      .build(),
  );
  assert.deepEqual(shapeOf(s, 'x'), [2, 3, 5]);
  assert.deepEqual(shapeOf(s, 'y'), [3, 4]);
  assert.deepEqual(shapeOf(s, 'z'), [2, 3, 5]);
});

test('Resize by scales and by sizes; Upsample scales as attribute (opset 7) and input (opset 9)', () => {
  const r = inferShapes(
    new ModelBuilder(13)
      .input('x', [1, 3, 5, 5]).init('roi', [0], []).init('sc', [4], [1, 1, 2, 2], ElemType.FLOAT).init('sz', [4], [1, 3, 7, 9])
      .node('Resize', ['x', 'roi', 'sc'], ['a']).node('Resize', ['x', '', '', 'sz'], ['b'])
      .build(),
  );
  assert.deepEqual(shapeOf(r, 'a'), [1, 3, 10, 10]);
  assert.deepEqual(shapeOf(r, 'b'), [1, 3, 7, 9]);
  const u7 = inferShapes(new ModelBuilder(7).input('x', [1, 3, 5, 5]).node('Upsample', ['x'], ['a'], { scales: [1.0, 1.0, 2.0, 3.0] }).build());
  assert.deepEqual(shapeOf(u7, 'a'), [1, 3, 10, 15]);
});

test('BatchNormalization outputs by opset; Dropout mask type by opset; Clip min/max attrs before 11', () => {
  const bn9 = inferShapes(new ModelBuilder(9).input('x', [1, 4, 2, 2]).init('s', [4]).init('b', [4]).init('m', [4]).init('v', [4])
    .node('BatchNormalization', ['x', 's', 'b', 'm', 'v'], ['y', 'rm', 'rv', 'sm', 'sv']).build());
  assert.deepEqual(shapeOf(bn9, 'sv'), [4]);
  const d7 = inferShapes(new ModelBuilder(7).input('x', [3]).node('Dropout', ['x'], ['y', 'mask']).build());
  assert.equal(d7.values.get('mask')?.elemType, ElemType.FLOAT);
  const d12 = inferShapes(new ModelBuilder(12).input('x', [3]).node('Dropout', ['x'], ['y', 'mask']).build());
  assert.equal(d12.values.get('mask')?.elemType, ElemType.BOOL);
  const c6 = inferShapes(new ModelBuilder(6).init('v', [3], [-5, 2, 9]).node('Clip', ['v'], ['y'], { min: 0.0, max: 6.0 }).build());
  assert.deepEqual(c6.values.get('y')?.values, [0, 2, 6]);
});

test('ConstantOfShape, Range, Where, Equal and Cast carry values; Constant value_ints', () => {
  const s = inferShapes(
    new ModelBuilder(13)
      .node('Constant', [], ['c'], { value_ints: [2, 3] })
      .node('ConstantOfShape', ['c'], ['z'], { value: tensor(ElemType.INT64, [1], [7]) })
      .init('start', [], [0]).init('limit', [], [5]).init('delta', [], [2])
      .node('Range', ['start', 'limit', 'delta'], ['r'])
      .node('Equal', ['r', 'start'], ['eq'])
      .node('Where', ['eq', 'limit', 'r'], ['w'])
      .node('Cast', ['w'], ['f'], { to: ElemType.FLOAT })
      .build(),
  );
  assert.deepEqual(shapeOf(s, 'z'), [2, 3]);
  assert.deepEqual(s.values.get('z')?.values, [7, 7, 7, 7, 7, 7]);
  assert.deepEqual(s.values.get('r')?.values, [0, 2, 4]);
  assert.deepEqual(s.values.get('w')?.values, [5, 2, 4]);
  assert.equal(s.values.get('f')?.elemType, ElemType.FLOAT);
});

test('symbolic dims: batch option, named overrides, and unresolved symbols reported', () => {
  const m = new ModelBuilder().input('x', ['N', 'seq', 8]).node('Relu', ['x'], ['y']).build();
  const unresolved = inferShapes(m);
  assert.equal(shapeOf(unresolved, 'y'), undefined);
  assert.ok(unresolved.diagnostics.some((d) => /'seq'/.test(d.message)));
  const resolved = inferShapes(m, { batch: 4, overrides: new Map([['seq', 16]]) });
  assert.deepEqual(shapeOf(resolved, 'y'), [4, 16, 8]);
  assert.equal(resolved.batch, 4);
  assert.throws(() => inferShapes(m, { batch: 0 }), /positive integer/);
});

test('an op without a rule is counted and everything downstream stays unknown', () => {
  const s = inferShapes(
    new ModelBuilder().input('x', [1, 3]).node('FancyOp', ['x'], ['a'], {}, 'com.example').node('Relu', ['a'], ['b']).node('Relu', ['x'], ['c']).build(),
  );
  assert.equal(s.unknownOps.get('com.example.FancyOp'), 1);
  assert.equal(shapeOf(s, 'a'), undefined);
  assert.equal(shapeOf(s, 'b'), undefined);
  assert.deepEqual(shapeOf(s, 'c'), [1, 3]);
});

test('NonZero is data-dependent: int64, unknown shape, with a diagnostic', () => {
  const s = inferShapes(new ModelBuilder().input('x', [3, 4]).node('NonZero', ['x'], ['nz']).build());
  assert.equal(s.values.get('nz')?.elemType, ElemType.INT64);
  assert.equal(shapeOf(s, 'nz'), undefined);
  assert.ok(s.diagnostics.some((d) => d.opType === 'NonZero'));
});

test('bad input never throws: cycles, undefined inputs, broken attributes', () => {
  const s = inferShapes(
    new ModelBuilder()
      .input('x', [2, 2])
      .node('Add', ['x', 'loop2'], ['loop1']).node('Relu', ['loop1'], ['loop2'])
      .node('Relu', ['missing'], ['m'])
      .node('Transpose', ['x'], ['t'], { perm: [0, 0] })
      .node('Conv', ['x', 'x'], ['c'])
      .build(),
  );
  for (const name of ['loop1', 'loop2', 'm', 't', 'c']) assert.equal(shapeOf(s, name), undefined, name);
  assert.ok(s.diagnostics.some((d) => /cycle/.test(d.message)));
  assert.ok(s.diagnostics.some((d) => /never defined/.test(d.message)));
  assert.ok(s.diagnostics.some((d) => /permutation/.test(d.message)));
});

// The reference view: shapes as onnx.shape_inference infers them WITHOUT data propagation (the published
// extractor's view). Hand-built models whose shape-deciding inputs are computed by nodes; the expected shapes
// are what onnx.shape_inference gives for the same graphs (unknown dims written as 0, a lost rank = no shape).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ElemType, type ShapedModel } from '../../src/core/graph/types';
import { inferShapes, referenceShapedModel, referenceShapes } from '../../src/core/graph/shapes';
import { computeCosts } from '../../src/core/graph/costs';
import { tokenize, TokenizeError } from '../../src/core/tokenizer';
import { ModelBuilder, tensor } from './builder';

const shapeOf = (m: ShapedModel, name: string): number[] | undefined => m.values.get(name)?.shape;

/** x [2,3,4] with its shape s = Shape(x) and d = s[1] = 3 (a value only data propagation knows). */
const withShapeChain = (opset = 13): ModelBuilder =>
  new ModelBuilder(opset)
    .input('x', [2, 3, 4])
    .init('one', [], [1])
    .init('one1', [1], [1])
    .node('Shape', ['x'], ['s'])
    .node('Gather', ['s', 'one'], ['d'], { axis: 0 });

test('OneHot with a Shape→Gather depth: full propagation knows it, the reference view has an unknown (0) axis', () => {
  const m = withShapeChain(11)
    .input('i', [2, 3], ElemType.INT64)
    .init('vals', [2], [0, 1], ElemType.FLOAT)
    .node('OneHot', ['i', 'd', 'vals'], ['o'])
    .node('Cast', ['o'], ['c'], { to: ElemType.FLOAT })
    .build();
  const full = inferShapes(m, { batch: 2 });
  assert.deepEqual(shapeOf(full, 'o'), [2, 3, 3]);
  assert.ok((full.computedShapeInputs ?? 0) > 0, 'the depth read is counted');
  const ref = referenceShapedModel(full);
  assert.notEqual(ref, full);
  assert.equal(ref.dataPropagation, false);
  assert.deepEqual(shapeOf(ref, 'o'), [2, 3, 0]);
  assert.deepEqual(shapeOf(ref, 'c'), [2, 3, 0], 'the unknown dim flows on, the rank stays known');
  assert.equal(referenceShapedModel(full), ref, 'computed once per model');
  // Reference memory multiplies the 0 in (Cast is in the reference table); fixed costs keep the full shapes.
  assert.equal(computeCosts(full, 'reference').nodes[3].memory, 0);
  assert.equal(computeCosts(full, 'fixed').incomplete, 0);
});

test('a depth from an initializer or a Constant node is known in both views, and no rerun happens', () => {
  const m = new ModelBuilder(11)
    .input('i', [2, 3], ElemType.INT64)
    .init('depth', [], [5])
    .init('vals', [2], [0, 1], ElemType.FLOAT)
    .node('Constant', [], ['k'], { value: tensor(ElemType.INT64, [], [7]) })
    .node('OneHot', ['i', 'depth', 'vals'], ['a'])
    .node('OneHot', ['i', 'k', 'vals'], ['b'], { axis: 0 })
    .build();
  const full = inferShapes(m, { batch: 2 });
  assert.equal(full.computedShapeInputs, 0);
  assert.equal(referenceShapedModel(full), full, 'nothing can differ: the full shapes are the reference view');
  assert.deepEqual(shapeOf(full, 'a'), [2, 3, 5]);
  assert.deepEqual(shapeOf(full, 'b'), [7, 2, 3]);
});

test('a value computed from a constant is no constant: Cast(Constant) as a Reshape target is unknown to ONNX', () => {
  const m = new ModelBuilder()
    .input('x', [2, 3, 4])
    .node('Constant', [], ['k'], { value: tensor(ElemType.INT32, [2], [6, 4]) })
    .node('Cast', ['k'], ['t'], { to: ElemType.INT64 })
    .node('Reshape', ['x', 't'], ['r'])
    .node('Relu', ['r'], ['y'])
    .build();
  const full = inferShapes(m, { batch: 2 });
  assert.deepEqual(shapeOf(full, 'r'), [6, 4]);
  const ref = referenceShapedModel(full);
  assert.deepEqual(shapeOf(ref, 'r'), [0, 0], "the target's length gives the rank (ONNX's rank inference)");
  assert.deepEqual(shapeOf(ref, 'y'), [0, 0]);
});

test('Expand, ConstantOfShape, Tile, Range, Slice, Pad, Resize, TopK with computed inputs keep the rank ONNX knows', () => {
  const m = withShapeChain()
    .node('Concat', ['one1', 's'], ['s4'], { axis: 0 })
    .node('Expand', ['x', 's4'], ['expand'])
    .node('ConstantOfShape', ['s'], ['cos'])
    .node('Tile', ['x', 's'], ['tile'])
    .node('Range', ['one', 'd', 'one'], ['range'])
    .node('Slice', ['x', 'one1', 's', 'one1'], ['slice'])
    .node('Concat', ['s', 's'], ['pads'], { axis: 0 })
    .node('Pad', ['x', 'pads'], ['pad'])
    .node('Resize', ['x', '', '', 's'], ['resize'])
    .node('Gather', ['s', 'one1'], ['k'], { axis: 0 })
    .node('TopK', ['x', 'k'], ['topv', 'topi'])
    .build();
  const full = inferShapes(m, { batch: 2 });
  assert.deepEqual(shapeOf(full, 'expand'), [1, 2, 3, 4]);
  assert.deepEqual(shapeOf(full, 'tile'), [4, 9, 16]);
  assert.deepEqual(shapeOf(full, 'range'), [2]);
  const ref = referenceShapedModel(full);
  // Expand broadcasts x against a target of known length and unknown values: known sizes > 1 survive.
  assert.deepEqual(shapeOf(ref, 'expand'), [0, 2, 3, 4]);
  for (const name of ['cos', 'tile', 'slice', 'pad', 'resize', 'topv', 'topi']) assert.deepEqual(shapeOf(ref, name), [0, 0, 0], name);
  assert.deepEqual(shapeOf(ref, 'range'), [0]);
  assert.deepEqual(shapeOf(ref, 's'), [3], 'Shape itself is known');
});

test('computed Unsqueeze/Squeeze axes lose the rank in ONNX: no shape, and reference tokenizing rejects', () => {
  // No scalar Gather here: a rank-0 node output is rejected by the reference on its own.
  const m = new ModelBuilder()
    .input('x', [2, 3, 4])
    .init('one1', [1], [1])
    .node('Unsqueeze', ['x', 'one1'], ['ok'])
    .node('Sub', ['one1', 'one1'], ['zero'])
    .node('Unsqueeze', ['x', 'zero'], ['u'])
    .build();
  const full = inferShapes(m, { batch: 2 });
  assert.deepEqual(shapeOf(full, 'u'), [1, 2, 3, 4]);
  const ref = referenceShapedModel(full);
  assert.deepEqual(shapeOf(ref, 'ok'), [2, 1, 3, 4], 'initializer axes stay known');
  assert.equal(shapeOf(ref, 'u'), undefined);
  assert.throws(() => tokenize(full, { mode: 'reference', batch: 2 }), (e: unknown) => e instanceof TokenizeError && /no inferred shape for tensor 'u'/.test(e.message));
  assert.doesNotThrow(() => tokenize(full, { mode: 'extended', batch: 2 }), 'extended mode keeps full propagation');
});

test('unknown dims follow ONNX through broadcasting, Concat, MatMul, Conv and Reshape', () => {
  const m = withShapeChain(11)
    .input('i', [2, 3], ElemType.INT64)
    .init('vals', [2], [0, 1], ElemType.FLOAT)
    .init('ones', [1, 1, 3], undefined, ElemType.FLOAT)
    .init('row', [1, 1, 1], undefined, ElemType.FLOAT)
    .init('w', [3, 5], undefined, ElemType.FLOAT)
    .init('flat', [2], [0, -1])
    .node('OneHot', ['i', 'd', 'vals'], ['o']) // [2,3,?]
    .node('Add', ['o', 'ones'], ['known']) // ? vs 3 → 3
    .node('Add', ['o', 'row'], ['unknown']) // ? vs 1 → ?
    .node('Concat', ['o', 'x'], ['cat'], { axis: 1 }) // [2, 3+3, ?∪4 = 4]
    .node('MatMul', ['known', 'w'], ['mm'])
    .node('Transpose', ['o'], ['t'], { perm: [0, 2, 1] })
    .node('MatMul', ['t', 'x'], ['mm2']) // inner dim 3 = 3; rows unknown
    .node('Reshape', ['o', 'flat'], ['r']) // [2, -1] with an unknown input dim → [2, ?]
    .build();
  const ref = referenceShapedModel(inferShapes(m, { batch: 2 }));
  assert.deepEqual(shapeOf(ref, 'known'), [2, 3, 3]);
  assert.deepEqual(shapeOf(ref, 'unknown'), [2, 3, 0]);
  assert.deepEqual(shapeOf(ref, 'cat'), [2, 6, 4]);
  assert.deepEqual(shapeOf(ref, 'mm'), [2, 3, 5]);
  assert.deepEqual(shapeOf(ref, 'mm2'), [2, 0, 4]);
  assert.deepEqual(shapeOf(ref, 'r'), [2, 0]);
  const conv = new ModelBuilder().input('x', [1, 'c', 8, 8]).init('w', [4, 3, 3, 3]).node('Conv', ['x', 'w'], ['y']).build();
  const convRef = referenceShapedModel(inferShapes(conv, { batch: 1, overrides: new Map([['c', 3]]) }));
  assert.deepEqual(shapeOf(convRef, 'y'), [1, 4, 6, 6], 'an unknown channel count does not contradict the weight');
});

test('symbolic input dims stay unknown in the reference view even when an override resolves them', () => {
  const m = new ModelBuilder().input('x', ['N', 'seq', 8]).node('Relu', ['x'], ['y']).output('y', ['N', 'seq', 8]).build();
  const full = inferShapes(m, { batch: 4, overrides: new Map([['seq', 5]]) });
  assert.equal(full.computedShapeInputs, 0);
  assert.deepEqual(shapeOf(full, 'y'), [4, 5, 8]);
  const ref = referenceShapedModel(full);
  assert.notEqual(ref, full, 'the override is our knowledge, not ONNX’s: the view is recomputed');
  assert.deepEqual(shapeOf(ref, 'y'), [4, 0, 8]);
  assert.deepEqual(shapeOf(ref, 'x'), [4, 0, 8]);
  assert.deepEqual(referenceShapes(full)('y'), [4, 0, 8], 'declared output: batch in dim 0, symbolic dims 0');
  // A plain batch-only model needs no recomputation.
  const plain = inferShapes(new ModelBuilder().input('x', ['N', 8]).node('Relu', ['x'], ['y']).build(), { batch: 3 });
  assert.equal(referenceShapedModel(plain), plain);
  assert.notEqual(referenceShapedModel(plain, 2), plain, 'another batch is another view');
  assert.deepEqual(shapeOf(referenceShapedModel(plain, 2), 'y'), [2, 8]);
});

test('the default run never produces unknown dims (full propagation unchanged)', () => {
  const m = withShapeChain(11)
    .input('i', [2, 3], ElemType.INT64)
    .init('vals', [2], [0, 1], ElemType.FLOAT)
    .node('OneHot', ['i', 'd', 'vals'], ['o'])
    .node('Reshape', ['x', 's'], ['r'])
    .build();
  const full = inferShapes(m, { batch: 2 });
  for (const [name, v] of full.values) assert.ok(v.shape === undefined || v.shape.every(Number.isInteger), name);
  assert.deepEqual(shapeOf(full, 'r'), [2, 3, 4]);
  assert.deepEqual(full.values.get('d')?.values, [3]);
});

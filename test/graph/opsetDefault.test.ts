// Models without opset_import (IR version < 3 allowed it) are read at opset 1 of the default domain, and opset-1
// forms (Reshape's `shape` attribute, binary ops' legacy `broadcast`/`axis`) infer as ONNX defines them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readModelFile } from '../../src/core/onnx';
import { inferShapes } from '../../src/core/graph/shapes';
import { ElemType } from '../../src/core/graph/types';
import { ModelBuilder } from './builder';
import { CORPUS } from './corpus';

const shapeOf = (m: ReturnType<typeof inferShapes>, name: string): number[] | undefined => m.values.get(name)?.shape;

function withoutOpsetImport(builder: ModelBuilder): ReturnType<ModelBuilder['build']> {
  const model = builder.build();
  model.opsets.clear();
  model.irVersion = 1;
  return model;
}

test('corpus: super_resolution (IR 1, no opset_import) infers every tensor, legacy Add broadcast included', () => {
  const model = readModelFile(join(CORPUS, 'tutorials_super_resolution.onnx'));
  assert.equal(model.opsets.size, 0, 'the file imports no opset');
  const shaped = inferShapes(model, { batch: 1 });
  assert.deepEqual(shaped.diagnostics, []);
  for (const node of model.graph.nodes) {
    for (const out of node.outputs) assert.ok(shapeOf(shaped, out), `${node.opType} output '${out}' has a shape`);
  }
  // Conv → Add(bias, broadcast=1, axis=1) keeps the Conv's shape; the final pixel shuffle upscales 224 → 672.
  const adds = model.graph.nodes.filter((n) => n.opType === 'Add');
  assert.equal(adds.length, 4);
  for (const add of adds) assert.deepEqual(shapeOf(shaped, add.outputs[0]), shapeOf(shaped, add.inputs[0]));
  assert.deepEqual(shapeOf(shaped, model.graph.outputs[0].name), [1, 1, 672, 672]);
});

test('no opset_import: opset 1 forms apply (Reshape shape attribute), and the same graph at opset 17 does not infer', () => {
  const build = () => new ModelBuilder(17).input('x', [2, 3, 4]).node('Reshape', ['x'], ['y'], { shape: [6, -1] });
  const legacy = inferShapes(withoutOpsetImport(build()));
  assert.deepEqual(shapeOf(legacy, 'y'), [6, 4]);
  assert.deepEqual(legacy.diagnostics, []);
  const modern = inferShapes(build().build());
  assert.equal(shapeOf(modern, 'y'), undefined);
  assert.equal(modern.diagnostics.length, 1);
});

test('legacy broadcast (opset < 7): B is a run of A at `axis`, output has A\'s shape, values follow', () => {
  const model = withoutOpsetImport(
    new ModelBuilder()
      .input('a', [2, 3, 4, 5])
      .init('b34', [3, 4]).init('b3', [3]).init('b4', [4]).init('b1', [1, 1])
      .node('Add', ['a', 'b34'], ['y1'], { broadcast: 1, axis: 1 })
      .node('Mul', ['a', 'b3'], ['y2'], { broadcast: 1, axis: 1 })
      .node('Sub', ['a', 'b1'], ['y3'], { broadcast: 1 })
      .node('Add', ['a', 'b4'], ['bad'], { broadcast: 1, axis: 1 })
      .init('m', [2, 3], [1, 2, 3, 4, 5, 6]).init('col', [2], [10, 20])
      .node('Add', ['m', 'col'], ['mv'], { broadcast: 1, axis: 0 })
      .node('Equal', ['m', 'col'], ['eq'], { broadcast: 1, axis: 0 }),
  );
  const s = inferShapes(model);
  assert.deepEqual(shapeOf(s, 'y1'), [2, 3, 4, 5]);
  assert.deepEqual(shapeOf(s, 'y2'), [2, 3, 4, 5]);
  assert.deepEqual(shapeOf(s, 'y3'), [2, 3, 4, 5]);
  assert.equal(shapeOf(s, 'bad'), undefined);
  assert.match(s.diagnostics.map((d) => d.message).join('\n'), /B \[4\] is not a run of A \[2,3,4,5\] at axis 1/);
  assert.deepEqual(s.values.get('mv')?.values, [11, 12, 13, 24, 25, 26]);
  assert.equal(s.values.get('eq')?.elemType, ElemType.BOOL);
  assert.deepEqual(shapeOf(s, 'eq'), [2, 3]);
});

test('from opset 7 the same Add is numpy broadcasting: [2,3] + [2] does not broadcast', () => {
  const s = inferShapes(
    new ModelBuilder(7).init('m', [2, 3], [1, 2, 3, 4, 5, 6]).init('col', [2], [10, 20]).node('Add', ['m', 'col'], ['mv']).build(),
  );
  assert.equal(shapeOf(s, 'mv'), undefined);
  assert.match(s.diagnostics[0].message, /do not broadcast/);
});

// Shape inference (and fixed costing) keep their last rule context (view) alive between runs (so that V8 keeps its hidden class and the
// optimised rules across full GCs). What it keeps must hold nothing of the model it last inferred.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inferShapes } from '../../src/core/graph/shapes';
import { retiredContext } from '../../src/core/graph/shapes/context';
import { computeCosts } from '../../src/core/graph/costs';
import { retiredViewIsEmpty } from '../../src/core/graph/costs/fixed';
import { ModelBuilder } from './builder';

test('after inference the retired context points at no node and knows no values', () => {
  const model = new ModelBuilder().input('x', [1, 3]).node('Relu', ['x'], ['y']).build();
  const shaped = inferShapes(model);
  assert.deepEqual(shaped.values.get('y')?.shape, [1, 3]);
  const ctx = retiredContext();
  assert.ok(ctx !== undefined, 'a context was retired');
  assert.equal(ctx.node.index, -1);
  assert.equal(ctx.node.inputs.length, 0);
  assert.throws(() => ctx.input(0), /required but absent/);
  ctx.warn('after the run');
  assert.equal(shaped.diagnostics.length, 0, 'a warning on the retired context does not reach the last result');
});

test('a run that leaves a tensor unknown still retires its context, and the next run is unaffected', () => {
  const bad = new ModelBuilder().input('x', [1, 3]).node('Reshape', ['x', 'missing'], ['y']).build();
  const first = inferShapes(bad);
  assert.equal(first.values.get('y')?.shape, undefined);
  const ctx = retiredContext();
  const second = inferShapes(new ModelBuilder().input('x', [2, 2]).node('Relu', ['x'], ['y']).build());
  assert.deepEqual(second.values.get('y')?.shape, [2, 2]);
  assert.notEqual(retiredContext(), ctx, 'each run retires its own context');
});

test('fixed costing keeps its last view, pointed at no node', () => {
  const shaped = inferShapes(new ModelBuilder().input('x', [1, 3]).node('Relu', ['x'], ['y']).build());
  const report = computeCosts(shaped, 'fixed');
  assert.equal(report.nodes.length, 1);
  assert.equal(retiredViewIsEmpty(), true);
});

// The rebuilt graphs are consumable by the rest of the project: the data set loader opens each HELP data set,
// and the project's ONNX reader and shape inference read sample graphs end to end with no unknown op and the
// benchmark's input and logits shapes.

import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDataset } from '../../src/core/dataset/loader';
import { readModelBytes } from '../../src/core/onnx';
import { inferShapes } from '../../src/core/graph/shapes';
import { REPO } from './python';

const CLASSES: Record<string, number> = { 'help-nb201': 10, 'help-fbnet': 100, 'help-ofa': 1000 };

for (const name of Object.keys(CLASSES)) {
  const dir = join(REPO, 'datasets', name);
  test(`${name}: graphs read and infer through the project's reader`, {
    skip: existsSync(join(dir, 'samples.jsonl')) ? false : `${name} not built yet`,
  }, () => {
    const ds = openDataset(dir);
    assert.deepEqual(ds.warnings, []);
    const picks = [ds.samples[0], ds.samples[Math.floor(ds.samples.length / 2)], ds.samples[ds.samples.length - 1]];
    for (const sample of picks) {
      const model = readModelBytes(ds.graph(sample));
      const shaped = inferShapes(model);
      assert.deepEqual([...shaped.unknownOps.keys()], [], `${sample.id}: every op has a shape rule`);
      assert.deepEqual(shaped.diagnostics, [], `${sample.id}: no shape diagnostics`);
      const input = model.graph.inputs.find((i) => i.name === 'input');
      assert.ok(input, `${sample.id}: graph input 'input'`);
      const inputShape = (sample as unknown as { inputShape: number[] }).inputShape;
      assert.deepEqual(shaped.values.get('input')?.shape, inputShape, `${sample.id}: input shape`);
      assert.deepEqual(shaped.values.get('logits')?.shape, [1, CLASSES[name]], `${sample.id}: logits shape`);
    }
  });
}

// Shapes and reference-mode costs against the published extractor's outputs (onnx.shape_inference without data
// propagation, at batch 1) for the 64 corpus files it accepts: every shape exact, 0 dims included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readModelFile } from '../../src/core/onnx';
import { inferShapes, referenceShapes } from '../../src/core/graph/shapes';
import { computeCosts } from '../../src/core/graph/costs';
import { CORPUS, goldenFiles } from './corpus';

const goldens = goldenFiles();

test('there are 64 accepted golden files', () => {
  assert.equal(goldens.length, 64);
});

for (const g of goldens) {
  test(`golden shapes and reference costs: ${g.file}`, () => {
    const model = readModelFile(join(CORPUS, g.file));
    const shaped = inferShapes(model, { batch: 1 });
    const nodeOutputs = new Set(model.graph.nodes.flatMap((n) => n.outputs));
    const asReference = referenceShapes(shaped);
    let compared = 0;
    const mismatches: string[] = [];
    g.names.forEach((name, i) => {
      if (!nodeOutputs.has(name)) return;
      compared++;
      const got = asReference(name);
      const want = g.output_shapes[i];
      // Exact: a 0 in the golden is a dim onnx.shape_inference left unknown, and the reference view must say 0 too.
      const same = got !== undefined && got.length === want.length && got.every((d, k) => d === want[k]);
      if (!same) {
        mismatches.push(`${name} (${g.op_types[i]}): got ${JSON.stringify(got)}, want ${JSON.stringify(g.output_shapes[i])}`);
      }
    });
    assert.deepEqual(mismatches, [], `${mismatches.length}/${compared} shapes differ`);

    const costs = computeCosts(shaped, 'reference');
    assert.equal(costs.incomplete, 0);
    const close = (got: number, want: number, what: string): void => {
      const tol = 1e-6 * Math.max(Math.abs(want), 1e-12);
      assert.ok(Math.abs(got - want) <= tol, `${what}: got ${got}, want ${want}`);
    };
    close(costs.total.flops / 1e9, g.gflops, 'GFLOPs');
    close(costs.total.params / 1e9, g.gparams, 'Gparams');
    close(costs.total.macs / 1e9, g.gmacs, 'Gmacs');
  });
}

// Shapes against onnxruntime's own per-node output shapes (test/fixtures/ort-shapes.json, made by
// make-ort-shapes.mjs from ORT 1.30 profiling) for every corpus model ORT can run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readModelFile } from '../../src/core/onnx';
import { inferShapes } from '../../src/core/graph/shapes';
import { CORPUS, FIXTURES } from './corpus';

type Entry = { skipped: string } | { inputs: Record<string, number[]>; nodes: Record<string, [string, number[][]][]> };
const fixture = JSON.parse(readFileSync(join(FIXTURES, 'ort-shapes.json'), 'utf8')) as Record<string, Entry>;
const runnable = Object.entries(fixture).filter((e): e is [string, Extract<Entry, { inputs: unknown }>] => !('skipped' in e[1]));

// Ops whose output shape depends on tensor VALUES that no static analysis has (data-dependent sizes), and the
// sequence ops, whose inputs are not tensors (the IR models tensors only). Their outputs may stay unknown.
const MAY_BE_UNKNOWN = new Set(['NonZero', 'Compress', 'Unique', 'StringNormalizer', 'SequenceAt',
  'ConcatFromSequence', 'SequenceLength', 'Scan', 'Loop', 'If']);

test('the ORT fixture covers at least 60 runnable corpus models', () => {
  assert.ok(runnable.length >= 60, `${runnable.length} runnable`);
});

let totalCompared = 0;
for (const [file, entry] of runnable) {
  test(`ORT shapes: ${file}`, () => {
    const model = readModelFile(join(CORPUS, file));
    // Feed inference exactly the input shapes ORT ran with.
    for (const input of model.graph.inputs) if (entry.inputs[input.name]) input.shape = entry.inputs[input.name];
    const shaped = inferShapes(model);
    const mismatches: string[] = [];
    // ORT turns Constant nodes into initializers when loading, so its node_index counts the other nodes.
    const ortNodes = model.graph.nodes.filter((n) => !(n.opType === 'Constant' && n.domain === ''));
    for (const [index, variants] of Object.entries(entry.nodes)) {
      if (Number(index) >= ortNodes.length) continue; // only a subgraph has that many nodes
      const node = ortNodes[Number(index)];
      // Subgraph nodes share indices with main-graph nodes; the main node's variant has its op type.
      const match = variants.find(([op]) => op === node?.opType);
      assert.ok(node && match, `ORT node ${index} (${variants.map((v) => v[0]).join('/')}) has no main-graph counterpart`);
      const [opType, shapes] = match;
      shapes.forEach((want, k) => {
        const name = node.outputs[k];
        if (!name) return;
        const got = shaped.values.get(name)?.shape;
        if (got === undefined && MAY_BE_UNKNOWN.has(opType)) {
          assert.ok(shaped.diagnostics.some((d) => d.nodeIndex === node.index), `unknown ${opType} output has no diagnostic`);
          return;
        }
        // Downstream of such an unknown, unknown is the required answer (never a guess).
        const upstreamUnknown = node.inputs.some((i) => i !== '' && shaped.values.get(i)?.shape === undefined);
        if (got === undefined && upstreamUnknown) return;
        totalCompared++;
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          mismatches.push(`node ${index} ${opType} output ${k}: got ${JSON.stringify(got)}, ORT ${JSON.stringify(want)}`);
        }
      });
    }
    assert.deepEqual(mismatches, []);
  });
}

test('ORT comparison compared thousands of node outputs', () => {
  assert.ok(totalCompared > 2500, `${totalCompared} compared`);
});

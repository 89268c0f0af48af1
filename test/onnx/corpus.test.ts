// Every corpus file reads, and its structure matches the manifest written by the Python onnx package.

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { Graph } from '../../src/core/graph/types';
import { readModelFile } from '../../src/core/onnx';
import { corpusPath, readManifest } from './corpusPaths';

const manifest = readManifest();

function countNodesWithSubgraphs(graph: Graph): number {
  let count = graph.nodes.length;
  for (const node of graph.nodes) {
    for (const attribute of node.attributes.values()) {
      if (attribute.kind === 'graph') count += countNodesWithSubgraphs(attribute.value);
      if (attribute.kind === 'graphs') for (const g of attribute.value) count += countNodesWithSubgraphs(g);
    }
  }
  return count;
}

test('the corpus has 99 files', () => {
  assert.equal(manifest.length, 99);
});

for (const entry of manifest) {
  test(`reads ${entry.file}`, () => {
    const model = readModelFile(corpusPath(entry));
    assert.equal(model.fileSize, entry.size_bytes);
    assert.ok(model.bytesRead > 0 && model.bytesRead <= model.fileSize);
    assert.equal(model.irVersion, entry.ir_version);
    // The manifest joins producer_name and producer_version with a space.
    assert.equal([model.producerName, model.producerVersion].filter(Boolean).join(' '), entry.producer);
    const expectedOpsets = new Map(Object.entries(entry.opset_import).map(([d, v]) => [d === 'ai.onnx' ? '' : d, v]));
    assert.deepEqual(model.opsets, expectedOpsets);

    const graph = model.graph;
    assert.equal(graph.nodes.length, entry.num_nodes);
    assert.equal(countNodesWithSubgraphs(graph), entry.num_nodes_incl_subgraphs);
    const histogram: Record<string, number> = {};
    for (const node of graph.nodes) histogram[node.opType] = (histogram[node.opType] ?? 0) + 1;
    assert.deepEqual(histogram, entry.op_types);
    assert.equal(graph.initializers.size, entry.num_initializers);
    assert.equal(graph.inputs.length, entry.num_inputs);
    assert.equal(graph.outputs.length, entry.num_outputs);
    assert.equal(graph.valueInfo.length, entry.num_value_info);
    graph.nodes.forEach((node, i) => assert.equal(node.index, i));

    // Payloads are recorded, not loaded: every inline payload lies inside the file.
    for (const tensor of graph.initializers.values()) {
      if (tensor.storage.kind === 'inline') {
        assert.ok(tensor.storage.byteOffset >= 0 && tensor.storage.byteOffset + tensor.storage.byteLength <= model.fileSize);
      }
    }
    const expectNoWeight = entry.num_initializers > 0 && entry.initializer_bytes === 0;
    assert.equal(model.format, expectNoWeight ? 'onnx-no-weight' : 'onnx');
  });
}
